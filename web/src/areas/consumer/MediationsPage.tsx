import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { CaseList } from '../../mediation/CaseList.js';
import { RoomPage } from '../../mediation/RoomPage.js';

/** The consumer's mediation cases. */
export function MediationsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('mediation.myCases')} />
      <CaseList path="/v1/consumer/mediations" roomPath="/consumer/mediations" emptyText={t('mediation.empty')} testId="consumer-mediations" />
    </>
  );
}

/** The consumer's mediation room. */
export function MediationPage() {
  return <RoomPage role="consumer" listPath="/consumer/mediations" listLabelKey="mediation.myCases" />;
}
