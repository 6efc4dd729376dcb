import { Breadcrumb, Skeleton } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { PublicPage } from '../../components/AppLayout.js';
import { ErrorState } from '../../components/ErrorState.js';
import { InstitutionView } from '../../components/InstitutionView.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useLocalName } from '../../components/format.js';
import { useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import type { InstitutionDetail } from '../../types.js';

/** An institution's public record: licences, qualifications and status history. */
export function InstitutionPage() {
  const { t } = useTranslation();
  const { institutionId = '' } = useParams();
  const name = useLocalName();
  const reference = useReference();
  const detail = useRemote(() => api.get<InstitutionDetail>(`/v1/public/institutions/${encodeURIComponent(institutionId)}`), institutionId);

  return (
    <PublicPage>
      <Breadcrumb items={[{ title: <Link to="/">{t('nav.registry')}</Link> }, { title: detail.data ? name(detail.data) : '…' }]} className="fh-breadcrumb" />
      {detail.error !== undefined && <ErrorState error={detail.error} onRetry={detail.reload} />}
      {detail.loading && !detail.data && <Skeleton active paragraph={{ rows: 8 }} />}
      {detail.data && (
        <>
          <PageTitle title={name(detail.data)} subtitle={detail.data.uscc} />
          <InstitutionView institution={detail.data} licenceTypes={reference.licenceTypes} />
        </>
      )}
    </PublicPage>
  );
}
