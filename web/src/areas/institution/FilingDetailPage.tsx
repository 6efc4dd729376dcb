import { useParams } from 'react-router-dom';
import { FilingDetailView } from '../../filing/FilingDetailView.js';

/** One of the institution's filings: findings, verification, signing, receipt. */
export function FilingDetailPage() {
  const { filingId = '' } = useParams();
  return <FilingDetailView filingId={filingId} backPath="/institution/filings" readOnly={false} />;
}
