import type { ColumnType, Generated } from 'kysely';

export const mediationStatuses = ['requested', 'in_mediation', 'settled', 'not_settled'] as const;
export type MediationStatus = (typeof mediationStatuses)[number];

export const mediationParties = ['consumer', 'institution'] as const;
export type MediationParty = (typeof mediationParties)[number];

export const referrals = ['arbitration', 'court'] as const;
export type Referral = (typeof referrals)[number];

export type ProposalAnswer = 'accepted' | 'rejected';

export interface MediatorAppointmentTable {
  user_id: string;
  jurisdiction_code: string;
  appointed_by: string;
  appointed_at: Generated<Date>;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export interface MediationCaseTable {
  case_id: string;
  complaint_id: string;
  consumer_pseudonym: string;
  institution_id: string | null;
  jurisdiction_code: string;
  amount_at_stake_fen: ColumnType<number | null, number | null, never>;
  issue: string;
  status: MediationStatus;
  mediator_user_id: string | null;
  requested_at: ColumnType<Date, Date, never>;
  taken_at: Date | null;
  closed_at: Date | null;
  referral: Referral | null;
  agreement: ColumnType<string | null, never, string>;
}

export interface MediationPositionTable {
  position_id: string;
  case_id: string;
  party: MediationParty;
  text: string;
  evidence_ids: string[];
  submitted_at: ColumnType<Date, never, never>;
}

export interface MediationProposalTable {
  proposal_id: string;
  case_id: string;
  terms: string;
  amount_fen: ColumnType<number | null, number | null, never>;
  proposed_by: string;
  proposed_at: ColumnType<Date, never, never>;
  consumer_answer: ProposalAnswer | null;
  consumer_answered_at: Date | null;
  institution_answer: ProposalAnswer | null;
  institution_answered_at: Date | null;
  superseded_at: Date | null;
}

export interface MediationEventTable {
  seq: Generated<string>;
  case_id: string;
  kind: string;
  actor_role: string;
  actor_id: string | null;
  detail: ColumnType<unknown, string, never>;
  at: ColumnType<Date, never, never>;
}

declare module '../platform/database.js' {
  interface Database {
    mediator_appointment: MediatorAppointmentTable;
    mediation_case: MediationCaseTable;
    mediation_position: MediationPositionTable;
    mediation_proposal: MediationProposalTable;
    mediation_event: MediationEventTable;
  }
}
