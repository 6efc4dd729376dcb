import type { ColumnType } from 'kysely';

/** Where a filing is in its life: see filing.service.ts for the transitions. */
export type FilingStatus = 'received' | 'validating' | 'errors' | 'warnings' | 'clean' | 'verified' | 'signed' | 'accepted' | 'superseded';

/** Every status, in the order of a filing's life. */
export const filingStatuses: readonly FilingStatus[] = ['received', 'validating', 'errors', 'warnings', 'clean', 'verified', 'signed', 'accepted', 'superseded'];

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface FilingTable {
  filing_id: string;
  institution_id: string;
  jurisdiction_code: string;
  record_type: string;
  period: string;
  version: number;
  status: FilingStatus;
  content_type: string;
  stored_name: string;
  file_hash: string | null;
  file_bytes: number | null;
  encoding: string | null;
  record_count: number | null;
  error_count: ColumnType<number, number | undefined, number>;
  warning_count: ColumnType<number, number | undefined, number>;
  stats: Json<Record<string, number> | null> | null;
  explanations: Json<Record<string, string> | null> | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
  validated_at: NullableTimestamp;
  verified_at: NullableTimestamp;
  signed_at: NullableTimestamp;
  accepted_at: NullableTimestamp;
  superseded_at: NullableTimestamp;
}

export interface FilingFindingTable {
  filing_id: string;
  edit_id: string;
  edit_class: string;
  severity: 'error' | 'warning';
  finding_count: number;
}

export interface FilingFindingExampleTable {
  filing_id: string;
  edit_id: string;
  seq: number;
  row_number: number;
  field_values: Json<Record<string, string>>;
}

export interface FilingReceiptTable {
  receipt_id: string;
  filing_id: string;
  body: string;
  signature: string;
  algorithm: 'ed25519' | 'sm2';
  key_id: string;
  signed_at: Timestamp;
}

declare module '../platform/database.js' {
  interface Database {
    filing: FilingTable;
    filing_finding: FilingFindingTable;
    filing_finding_example: FilingFindingExampleTable;
    filing_receipt: FilingReceiptTable;
  }
}
