import { api } from '../../api.js';
import { useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import type { InstitutionSummary, Page } from '../../types.js';

/**
 * Names of the institutions of the supervisor's jurisdiction, by id: filings carry only the
 * institution id. One page of the largest size the API allows; beyond it a filing shows the id.
 */
export function useInstitutionNames(): { institutions: InstitutionSummary[]; nameOf: (institutionId: string) => string } {
  const name = useLocalName();
  const list = useRemote(() => api.get<Page<InstitutionSummary>>('/v1/supervisor/institutions', { page: 1, pageSize: 200 }), 'institution-names');
  const institutions = list.data?.items ?? [];
  const byId = new Map(institutions.map((institution) => [institution.institutionId, institution]));
  return { institutions, nameOf: (institutionId) => (byId.has(institutionId) ? name(byId.get(institutionId)) : institutionId.slice(0, 8)) };
}
