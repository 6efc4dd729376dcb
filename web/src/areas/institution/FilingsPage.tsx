import { Card, Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';

/**
 * Filings (数据报送): the institution uploads data in the unified standard and reads findings and
 * receipts. A stub until the filing API (/v1/filings …) exists; the filing capability's agent fills it.
 */
export function FilingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('menu.filings')} subtitle={t('filings.subtitle')} />
      <Card className="fh-card">
        <Empty description={t('filings.comingSoon')} data-testid="filings-empty" />
      </Card>
    </>
  );
}
