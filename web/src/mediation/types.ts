/**
 * The mediation API's shapes, imported from the server modules that declare them (type-only: no
 * server code reaches the bundle), under the names the UI uses.
 */
import type { MediationStatus } from '../../../src/mediation/mediation.schema.js';

export type { MediationParty, MediationStatus, ProposalAnswer, Referral } from '../../../src/mediation/mediation.schema.js';
export type {
  CaseSummary as MediationSummary,
  CaseView as MediationCase,
  CaseEvidence as MediationEvidenceItem,
  MediatorView as Mediator,
  ProposalView as MediationProposal,
} from '../../../src/mediation/mediation.service.js';

/** Who looks at a case: the API prefix they read it under and what they may do there. */
export type RoomRole = 'consumer' | 'institution' | 'mediator' | 'supervisor';

export function caseBase(role: RoomRole): string {
  switch (role) {
    case 'consumer':
      return '/v1/consumer/mediations';
    case 'institution':
      return '/v1/institution/mediations';
    case 'mediator':
      return '/v1/mediator/cases';
    case 'supervisor':
      return '/v1/supervisor/mediations';
  }
}

export const isOpen = (status: MediationStatus): boolean => status === 'requested' || status === 'in_mediation';
