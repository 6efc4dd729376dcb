import type { ColumnType } from 'kysely';
import type { SignedEvidenceReceipt } from './evidence-receipt.js';

export type EvidenceOwnerKind = 'consumer' | 'institution';
export type EvidenceHashAlgorithm = 'sha256' | 'sm3';

export interface EvidenceItemTable {
  evidence_id: string;
  owner_kind: EvidenceOwnerKind;
  owner_ref: string;
  file_name: string;
  media_type: string;
  // bigint: PostgreSQL hands it back as a string.
  bytes: ColumnType<string, number, never>;
  hash_algorithm: EvidenceHashAlgorithm;
  hash: string;
  stored_name: ColumnType<string | null, string, null>;
  received_at: ColumnType<Date, Date, never>;
  receipt: ColumnType<SignedEvidenceReceipt, string, never>;
  erased_at: ColumnType<Date | null, null, Date>;
}

export interface EvidenceCaseLinkTable {
  case_ref: string;
  evidence_id: string;
  linked_at: ColumnType<Date, never, never>;
}

declare module '../platform/database.js' {
  interface Database {
    evidence_item: EvidenceItemTable;
    evidence_case_link: EvidenceCaseLinkTable;
  }
}
