/** The mediation API's shapes, as src/mediation/mediation.routes.ts declares them. */
import type { Named } from '../types.js';

export type MediationStatus = 'requested' | 'in_mediation' | 'settled' | 'not_settled';
export type MediationParty = 'consumer' | 'institution';
export type Referral = 'arbitration' | 'court';
export type ProposalAnswer = 'accepted' | 'rejected';

export interface MediationSummary {
  caseId: string;
  complaintId: string;
  status: MediationStatus;
  issue: { code: string; zh: string; en: string };
  amountAtStakeFen: number | null;
  institution: { institutionId: string; nameZh: string; nameEn: string } | null;
  jurisdiction: Named;
  mediator: { userId: string; displayName: string } | null;
  requestedAt: string;
  takenAt: string | null;
  closedAt: string | null;
  referral: Referral | null;
  yourParty: MediationParty | null;
}

export interface MediationProposal {
  proposalId: string;
  terms: string;
  amountFen: number | null;
  proposedAt: string;
  current: boolean;
  answers: { consumer: ProposalAnswer | null; consumerAt: string | null; institution: ProposalAnswer | null; institutionAt: string | null };
}

export interface MediationEvidenceItem {
  evidenceId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  hashAlgorithm: string;
  hash: string;
  party: MediationParty;
  receivedAt: string;
}

export interface MediationCase extends MediationSummary {
  positions: { positionId: string; party: MediationParty; text: string; evidenceIds: string[]; submittedAt: string }[];
  proposals: MediationProposal[];
  evidence: MediationEvidenceItem[];
  events: { kind: string; actorRole: string; at: string }[];
}

export interface Mediator {
  userId: string;
  username: string;
  displayName: string;
  jurisdiction: Named;
  appointedAt: string;
  revokedAt: string | null;
}

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
