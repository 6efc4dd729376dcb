import { useParams } from 'react-router-dom';
import { AlertDetailView } from '../../rulebook/AlertDetailView.js';

/** One alert about the institution, read-only. */
export function AlertPage() {
  const { alertId = '' } = useParams();
  return <AlertDetailView alertId={alertId} scope="institution" listPath="/institution/alerts" filingPath="/institution/filings" />;
}
