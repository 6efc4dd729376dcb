import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { AlertFilters, AlertTable, SeverityCards, useAlertList } from '../../rulebook/AlertList.js';

/** The alerts the supervisory rules raised on the institution's own filings (read-only). */
export function AlertsPage() {
  const { t } = useTranslation();
  const { url, filters, list } = useAlertList('institution');
  return (
    <>
      <PageTitle title={t('menu.ourAlerts')} subtitle={t('alerts.portalSubtitle')} />
      <div style={{ marginBottom: 16 }}>
        <SeverityCards reply={list.data} url={url} />
      </div>
      <Card className="fh-card">
        <AlertFilters scope="institution" url={url} filters={filters} reply={list.data} />
        <AlertTable list={list} basePath="/institution/alerts" onPage={url.setPage} />
      </Card>
    </>
  );
}
