import { Alert, Button } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, describeError } from '../api.js';
import { areaHome, useSession } from '../session.js';

/** Errors that the same request would meet again: nothing there, not allowed, or a bad address. */
function lasting(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 400 || error.status === 403 || error.status === 404);
}

/**
 * A failed load, in the reader's language. A passing failure (the network, a server that is
 * away) offers a retry; a lasting one (not found, forbidden) offers the way home instead.
 */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const home = principal ? areaHome[principal.role] : '/';
  const title = error instanceof ApiError && error.status === 404 ? t('error.notFoundTitle') : error instanceof ApiError && error.status === 403 ? t('error.forbiddenTitle') : t('error.loadFailed');
  const action = lasting(error) ? (
    <Link to={home}>
      <Button size="small" data-testid="error-home">
        {principal ? t(`nav.area.${principal.role}`) : t('error.goHome')}
      </Button>
    </Link>
  ) : onRetry ? (
    <Button size="small" onClick={onRetry} data-testid="error-retry">
      {t('common.retry')}
    </Button>
  ) : undefined;
  return <Alert type="error" showIcon title={title} description={describeError(error)} action={action} style={{ marginBottom: 16 }} data-testid="error-state" />;
}
