import { useParams } from 'react-router-dom';
import { FilingDetailView } from '../../filing/FilingDetailView.js';
import { useInstitutionNames } from './institutionNames.js';

/** One filing of the jurisdiction, read-only: the supervisor reads what the institution filed. */
export function FilingDetailPage() {
  const { filingId = '' } = useParams();
  const { nameOf } = useInstitutionNames();
  return <FilingDetailView filingId={filingId} backPath="/supervisor/filings" readOnly institutionName={nameOf} />;
}
