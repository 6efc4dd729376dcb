import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { LoanCostView } from '../../loans/LoanCostView.js';
import { useSession } from '../../session.js';

/** The cost of one of the institution's own loans. */
export function LoanCostPage() {
  const { t } = useTranslation();
  const { principal } = useSession();
  const institutionId = principal?.role === 'institution' ? principal.institutionId : '';
  return (
    <>
      <PageTitle title={t('loanCost.pageTitle')} subtitle={t('loanCost.subtitle')} />
      {institutionId && <LoanCostView institutionId={institutionId} />}
    </>
  );
}
