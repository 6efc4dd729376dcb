import { Breadcrumb } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { useLocalName } from '../../components/format.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useRemote } from '../../components/useRemote.js';
import { LoanCostView } from '../../loans/LoanCostView.js';
import type { InstitutionDetail } from '../../types.js';

/** The cost of one loan of an institution under the supervisor, opened from the institution's page. */
export function LoanCostPage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const { institutionId = '' } = useParams();
  const institution = useRemote(() => api.get<InstitutionDetail>(`/v1/supervisor/institutions/${encodeURIComponent(institutionId)}`), institutionId);
  return (
    <>
      <Breadcrumb
        items={[
          { title: <Link to="/supervisor/institutions">{t('menu.institutions')}</Link> },
          { title: <Link to={`/supervisor/institutions/${institutionId}`}>{institution.data ? name(institution.data) : t('loanCost.institution')}</Link> },
          { title: t('loanCost.pageTitle') },
        ]}
        className="fh-breadcrumb"
      />
      <PageTitle title={t('loanCost.pageTitle')} subtitle={t('loanCost.subtitle')} />
      <LoanCostView institutionId={institutionId} />
    </>
  );
}
