import { Alert, App, Button, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import type { IssuedApiKey } from '../types.js';
import { describeError, showFieldError } from './forms.js';

/**
 * Issuing an API key, wherever it is done (the institution for itself, a supervisor for an
 * institution): a label, then the new key, shown once and never again, so the second modal says so.
 */
export function IssueApiKey({ open, path, onClose, onIssued }: { open: boolean; path: string; onClose: () => void; onIssued?: (key: IssuedApiKey) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ label: string }>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);

  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);

  const issue = async ({ label }: { label: string }) => {
    setBusy(true);
    try {
      const key = await api.post<IssuedApiKey>(path, { label: label.trim() });
      setIssued(key);
      onClose();
      onIssued?.(key);
    } catch (error) {
      if (!showFieldError(form, error, ['label'])) message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Modal open={open} title={t('apiKeys.issue')} okText={t('common.submit')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} onFinish={(values) => void issue(values)}>
          <Form.Item name="label" label={t('apiKeys.label')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={80} placeholder={t('apiKeys.labelPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={issued !== null}
        title={t('apiKeys.issuedTitle')}
        onCancel={() => setIssued(null)}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={() => setIssued(null)}>
            {t('apiKeys.stored')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('apiKeys.shownOnce')} style={{ marginBottom: 16 }} />
        {issued && (
          <>
            <Typography.Paragraph>
              <Typography.Text type="secondary">{t('apiKeys.keyId')}: </Typography.Text>
              <span className="fh-mono">{issued.keyId}</span>
            </Typography.Paragraph>
            <Typography.Paragraph copyable={{ text: issued.apiKey, tooltips: [t('common.copy'), t('common.copied')] }} className="fh-secret" data-testid="issued-api-key">
              {issued.apiKey}
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </>
  );
}
