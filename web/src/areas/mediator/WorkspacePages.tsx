import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { CaseList } from '../../mediation/CaseList.js';
import { RoomPage } from '../../mediation/RoomPage.js';
import { useSession } from '../../session.js';
import { useLocalName } from '../../components/format.js';

function useJurisdictionName(): string | undefined {
  const { principal } = useSession();
  const name = useLocalName();
  return principal?.role === 'mediator' ? name(principal.jurisdiction) : undefined;
}

/** The untaken cases of the mediator's jurisdiction. */
export function QueuePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('mediation.queue')} subtitle={useJurisdictionName()} />
      <CaseList path="/v1/mediator/queue" roomPath="/mediator/cases" emptyText={t('mediation.emptyQueue')} testId="mediator-queue" />
    </>
  );
}

/** The cases the mediator took. */
export function CasesPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('mediation.mine')} subtitle={useJurisdictionName()} />
      <CaseList path="/v1/mediator/cases" roomPath="/mediator/cases" emptyText={t('mediation.empty')} testId="mediator-cases" />
    </>
  );
}

/** One case in the mediator's workspace. */
export function CasePage() {
  return <RoomPage role="mediator" listPath="/mediator/cases" listLabelKey="mediation.mine" />;
}
