import { Card, Switch, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useRemote } from '../../components/useRemote.js';
import { useUrlFilters } from '../../components/useUrlFilters.js';
import { DisputeTable } from '../../credit/DisputeTable.js';
import type { DisputeView } from '../../credit/types.js';

/** Escalated first, then by due date. */
function urgency(a: DisputeView, b: DisputeView): number {
  const rank = (d: DisputeView) => (d.status === 'escalated' ? 0 : d.status === 'open' ? 1 : 2);
  return rank(a) - rank(b) || a.dueOn.localeCompare(b.dueOn);
}

/** The credit disputes at institutions of the supervisor's jurisdiction; the escalated (overdue) ones first, or alone. */
export function CreditDisputesPage() {
  const { t } = useTranslation();
  const url = useUrlFilters();
  const escalatedOnly = url.get('status') === 'escalated';
  const list = useRemote(() => api.get<{ items: DisputeView[] }>('/v1/supervisor/credit/disputes', { status: escalatedOnly ? 'escalated' : undefined }), String(escalatedOnly));
  const items = [...(list.data?.items ?? [])].sort(urgency);
  return (
    <>
      <PageTitle title={t('credit.supervisor.title')} subtitle={t('credit.supervisor.subtitle')} />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      <Card className="fh-card">
        <Flex className="fh-filters" gap={8} align="center">
          <Switch checked={escalatedOnly} onChange={(on) => url.set('status', on ? 'escalated' : undefined)} data-testid="escalated-only" />
          <Typography.Text>{t('credit.supervisor.escalatedOnly')}</Typography.Text>
        </Flex>
        <DisputeTable items={items} loading={list.loading} showInstitution />
      </Card>
    </>
  );
}
