import { useParams } from 'react-router-dom';
import { AlertDetailView } from '../../rulebook/AlertDetailView.js';

/** One alert of the jurisdiction, with the moves of its lifecycle. */
export function AlertPage() {
  const { alertId = '' } = useParams();
  return <AlertDetailView alertId={alertId} scope="supervisor" listPath="/supervisor/alerts" filingPath="/supervisor/filings" />;
}
