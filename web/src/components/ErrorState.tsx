import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api.js';

/** A failed load, in the reader's language, with a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('error.loadFailed')}
      description={describeError(error)}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('common.retry')}</Button> : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}
