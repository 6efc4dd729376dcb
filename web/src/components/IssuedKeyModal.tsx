import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { IssuedApiKey } from '../types.js';

/** A freshly issued API key: shown once, never again, so the modal says so. */
export function IssuedKeyModal({ issued, onClose }: { issued: IssuedApiKey | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={issued !== null}
      title={t('apiKeys.issuedTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose}>
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
  );
}
