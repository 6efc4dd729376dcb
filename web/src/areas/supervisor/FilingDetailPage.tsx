import { useParams } from 'react-router-dom';
import { FilingDetailView } from '../../filing/FilingDetailView.js';

/** One filing of the jurisdiction, read-only: the supervisor reads what the institution filed. */
export function FilingDetailPage() {
  const { filingId = '' } = useParams();
  return <FilingDetailView filingId={filingId} backPath="/supervisor/filings" readOnly showInstitution />;
}
