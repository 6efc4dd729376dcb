import { Breadcrumb } from 'antd';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { MediationRoom } from './MediationRoom.js';
import type { RoomRole } from './types.js';

/** A case's room under an area, with the way back to the area's list. */
export function RoomPage({ role, listPath, listLabelKey }: { role: RoomRole; listPath: string; listLabelKey: string }) {
  const { t } = useTranslation();
  const { caseId = '' } = useParams();
  return <MediationRoom role={role} caseId={caseId} back={<Breadcrumb items={[{ title: <Link to={listPath}>{t(listLabelKey)}</Link> }, { title: t('mediation.title') }]} className="fh-breadcrumb" />} />;
}
