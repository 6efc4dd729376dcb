import { Button, Card, Skeleton } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { useRemote } from '../../components/useRemote.js';
import { FilingCalendar } from '../../filing/FilingCalendar.js';
import { FilingTable } from '../../filing/FilingTable.js';
import { useStandard } from '../../filing/standard.js';
import type { BusinessOverview, FilingView, Page } from '../../types.js';
import { BusinessSection } from './BusinessSection.js';

const RECENT_FILINGS = 5;

/** What one institution filed: its business figures and its latest filings, on its supervisor page. */
export function InstitutionBusiness({ institutionId }: { institutionId: string }) {
  const { t } = useTranslation();
  const { standard } = useStandard();
  const business = useRemote(() => api.get<BusinessOverview>(`/v1/supervisor/institutions/${encodeURIComponent(institutionId)}/business`), institutionId);
  const query = { institutionId, hideReplaced: 'true', page: 1, pageSize: RECENT_FILINGS };
  const filings = useRemote(() => api.get<Page<FilingView>>('/v1/filings', query), institutionId);

  return (
    <div data-testid="institution-business">
      {business.error !== undefined && <ErrorState error={business.error} onRetry={business.reload} />}
      {!business.data && business.loading && <Skeleton active paragraph={{ rows: 4 }} />}
      {business.data && <BusinessSection business={business.data} title={t('dashboard.institutionBusiness')} />}
      <Card
        className="fh-card"
        title={t('menu.filings')}
        style={{ marginTop: 16 }}
        extra={
          <Link to={`/supervisor/filings?institutionId=${encodeURIComponent(institutionId)}`}>
            <Button type="link">{t('dashboard.allFilings')}</Button>
          </Link>
        }
      >
        {filings.error !== undefined && <ErrorState error={filings.error} onRetry={filings.reload} />}
        <FilingTable page={filings.data} loading={filings.loading} standard={standard} basePath="/supervisor/filings" onPage={() => {}} />
      </Card>
      <FilingCalendar path={`/v1/supervisor/institutions/${encodeURIComponent(institutionId)}/filing-calendar`} />
    </div>
  );
}
