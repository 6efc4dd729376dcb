import { api } from '../../api.js';
import { useRemote } from '../../components/useRemote.js';
import type { InstitutionSummary, Page } from '../../types.js';

/**
 * The institutions of the supervisor's jurisdiction, for the filings filter: one page of the
 * largest size the API allows (filings name their own institution; only the filter needs the list).
 */
export function useInstitutionNames(): { institutions: InstitutionSummary[] } {
  const list = useRemote(() => api.get<Page<InstitutionSummary>>('/v1/supervisor/institutions', { page: 1, pageSize: 200 }), 'institution-names');
  return { institutions: list.data?.items ?? [] };
}
