import { Alert, App, Button, Card, Form, Input, Tabs, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { KeyOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { PublicPage } from '../../components/AppLayout.js';
import { Logo } from '../../components/Logo.js';
import { describeError, showFieldError } from '../../components/forms.js';
import { areaHome, useSession } from '../../session.js';
import type { SessionReply } from '../../types.js';

/** Log in with a username and password (supervisor, consumer) or an institution's API key. */
export function LoginPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { principal, expired, begin } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [passwordForm] = Form.useForm<{ username: string; password: string }>();
  const [keyForm] = Form.useForm<{ apiKey: string }>();
  const [busy, setBusy] = useState(false);

  const from = (location.state as { from?: string } | null)?.from;
  if (principal && !busy) return <Navigate to={areaHome[principal.role]} replace />;

  const open = async (path: string, body: Record<string, string>, form: FormInstance, fields: string[], byCode: Record<string, string>) => {
    setBusy(true);
    try {
      const session = await api.post<SessionReply>(path, body);
      begin(session);
      const home = areaHome[session.principal.role];
      void navigate(from && from.startsWith(home) ? from : home, { replace: true });
    } catch (error) {
      if (!showFieldError(form, error, fields, byCode)) message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicPage>
      <div className="fh-login">
        <Card className="fh-card fh-login-card">
          <div className="fh-login-head">
            <Logo size={48} />
            <div>
              <Typography.Title level={3} style={{ margin: 0 }}>
                {t('login.title')}
              </Typography.Title>
              <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
            </div>
          </div>
          {expired && <Alert type="warning" showIcon title={t('error.sessionExpired')} style={{ marginBottom: 12 }} data-testid="session-expired" />}
          <Tabs
            items={[
              {
                key: 'password',
                label: t('login.withPassword'),
                children: (
                  <Form form={passwordForm} layout="vertical" onFinish={(values) => void open('/v1/auth/login', values, passwordForm, ['username', 'password'], { FH_INVALID_CREDENTIALS: 'password' })}>
                    <Typography.Paragraph type="secondary">{t('login.passwordHint')}</Typography.Paragraph>
                    <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('form.required') }]}>
                      <Input prefix={<UserOutlined />} autoComplete="username" />
                    </Form.Item>
                    <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('form.required') }]}>
                      <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" block size="large" loading={busy}>
                      {t('nav.login')}
                    </Button>
                  </Form>
                ),
              },
              {
                key: 'api-key',
                label: t('login.withApiKey'),
                children: (
                  <Form form={keyForm} layout="vertical" onFinish={(values) => void open('/v1/auth/api-key', { apiKey: values.apiKey.trim() }, keyForm, ['apiKey'], { FH_INVALID_API_KEY: 'apiKey' })}>
                    <Typography.Paragraph type="secondary">{t('login.apiKeyHint')}</Typography.Paragraph>
                    <Form.Item name="apiKey" label={t('login.apiKey')} rules={[{ required: true, message: t('form.required') }]}>
                      <Input.Password prefix={<KeyOutlined />} autoComplete="off" className="fh-mono" placeholder="fhk_…" />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" block size="large" loading={busy}>
                      {t('login.openPortal')}
                    </Button>
                  </Form>
                ),
              },
            ]}
          />
          <div className="fh-login-foot">
            <Typography.Text type="secondary">{t('login.noAccount')}</Typography.Text> <Link to="/register">{t('nav.register')}</Link>
          </div>
        </Card>
      </div>
    </PublicPage>
  );
}
