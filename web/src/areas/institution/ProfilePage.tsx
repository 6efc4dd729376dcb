import { Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { InstitutionView } from '../../components/InstitutionView.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useLocalName } from '../../components/format.js';
import { useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import type { InstitutionDetail } from '../../types.js';

/** The institution's own record: its registration and the licences it holds. */
export function ProfilePage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const reference = useReference();
  const profile = useRemote(() => api.get<InstitutionDetail>('/v1/institution/profile'), 'profile');
  return (
    <>
      <PageTitle title={profile.data ? name(profile.data) : t('menu.profile')} subtitle={t('institutionPortal.subtitle')} />
      {profile.error !== undefined && <ErrorState error={profile.error} onRetry={profile.reload} />}
      {!profile.data && profile.loading && <Skeleton active paragraph={{ rows: 8 }} />}
      {profile.data && <InstitutionView institution={profile.data} licenceTypes={reference.licenceTypes} />}
    </>
  );
}
