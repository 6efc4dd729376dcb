import { Alert, Breadcrumb } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { LoanCostView } from '../../loans/LoanCostView.js';

/** The cost of one loan of an institution under the supervisor, opened from the institution's page. */
export function LoanCostPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const institutionId = params.get('institutionId') ?? '';
  return (
    <>
      <Breadcrumb
        items={[
          { title: <Link to="/supervisor/institutions">{t('menu.institutions')}</Link> },
          ...(institutionId ? [{ title: <Link to={`/supervisor/institutions/${institutionId}`}>{t('loanCost.institution')}</Link> }] : []),
          { title: t('loanCost.pageTitle') },
        ]}
        className="fh-breadcrumb"
      />
      <PageTitle title={t('loanCost.pageTitle')} subtitle={t('loanCost.subtitle')} />
      {institutionId ? <LoanCostView institutionId={institutionId} /> : <Alert type="info" showIcon title={t('loanCost.pickInstitution')} />}
    </>
  );
}
