import type { ColumnType, Generated } from 'kysely';

export interface AuditLogTable {
  seq: number;
  occurred_at: ColumnType<Date, string, never>;
  actor_role: string;
  actor_id: string | null;
  subject: string | null;
  action: string;
  resource: string | null;
  reason: string | null;
  detail: ColumnType<Record<string, unknown>, string, never>;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

export interface AuditCheckpointTable {
  seq: number;
  hash: string;
  signed_at: ColumnType<Date, string, never>;
  algorithm: 'ed25519' | 'sm2';
  key_id: string;
  signature: string;
}

export interface SigningKeyTable {
  key_id: string;
  algorithm: 'ed25519' | 'sm2';
  public_key: string;
  first_used_at: Generated<Date>;
}

declare module '../database.js' {
  interface Database {
    audit_log: AuditLogTable;
    audit_chain: AuditChainTable;
    audit_checkpoint: AuditCheckpointTable;
    signing_key: SigningKeyTable;
  }
}
