import { App, Button, Card, Form, Input, Result } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { PublicPage } from '../../components/AppLayout.js';
import { PageTitle } from '../../components/PageTitle.js';
import { describeError, showFieldError } from '../../components/forms.js';

interface Registration {
  username: string;
  password: string;
  confirm: string;
  displayName: string;
  residentId: string;
  phone?: string;
}

const fields = ['username', 'password', 'displayName', 'residentId', 'phone'];

/** A consumer opens an account: the identity card number is checked by the server and kept only in its vault. */
export function RegisterPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Registration>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (values: Registration) => {
    setBusy(true);
    try {
      await api.post<{ consumerId: string }>('/v1/public/consumers', {
        username: values.username,
        password: values.password,
        displayName: values.displayName,
        residentId: values.residentId.trim().toUpperCase(),
        ...(values.phone ? { phone: values.phone } : {}),
      });
      setDone(true);
    } catch (error) {
      if (!showFieldError(form, error, fields)) message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <PublicPage>
        <Result
          status="success"
          title={t('register.done')}
          subTitle={t('register.doneHint')}
          extra={
            <Link to="/login">
              <Button type="primary">{t('nav.login')}</Button>
            </Link>
          }
        />
      </PublicPage>
    );
  }

  return (
    <PublicPage>
      <div className="fh-narrow">
        <PageTitle title={t('register.title')} subtitle={t('register.intro')} />
        <Card className="fh-card">
          <Form<Registration> form={form} layout="vertical" onFinish={(values) => void submit(values)} requiredMark>
            <Form.Item name="displayName" label={t('register.displayName')} rules={[{ required: true, message: t('form.required') }]}>
              <Input maxLength={64} autoComplete="name" />
            </Form.Item>
            <Form.Item
              name="residentId"
              label={t('register.residentId')}
              extra={t('register.residentIdHint')}
              rules={[
                { required: true, message: t('form.required') },
                { pattern: /^\d{17}[\dXx]$/, message: t('register.residentIdFormat') },
              ]}
            >
              <Input maxLength={18} autoComplete="off" className="fh-mono" />
            </Form.Item>
            <Form.Item name="phone" label={t('register.phone')} rules={[{ pattern: /^1\d{10}$/, message: t('register.phoneFormat') }]}>
              <Input maxLength={11} autoComplete="tel" />
            </Form.Item>
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('form.required') }, { max: 64 }]}>
              <Input autoComplete="username" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('form.required') }, { min: 8, message: t('register.passwordLength') }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              name="confirm"
              label={t('register.confirm')}
              dependencies={['password']}
              rules={[
                { required: true, message: t('form.required') },
                ({ getFieldValue }) => ({
                  validator: (_, value) => (!value || getFieldValue('password') === value ? Promise.resolve() : Promise.reject(new Error(t('register.mismatch')))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} block size="large">
              {t('register.submit')}
            </Button>
          </Form>
        </Card>
      </div>
    </PublicPage>
  );
}
