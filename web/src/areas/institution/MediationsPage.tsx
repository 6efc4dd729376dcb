import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { CaseList } from '../../mediation/CaseList.js';
import { RoomPage } from '../../mediation/RoomPage.js';

/** The institution's mediation cases. */
export function MediationsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('mediation.institutionCases')} />
      <CaseList path="/v1/institution/mediations" roomPath="/institution/mediations" emptyText={t('mediation.empty')} testId="institution-mediations" />
    </>
  );
}

/** The institution's side of a mediation room. */
export function MediationPage() {
  return <RoomPage role="institution" listPath="/institution/mediations" listLabelKey="mediation.institutionCases" />;
}
