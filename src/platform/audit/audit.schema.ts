import type { ColumnType, Generated } from 'kysely';

export interface AuditLogTable {
  /** Insert order; commit order, and so the position in the tree, may differ. */
  seq: Generated<number>;
  occurred_at: ColumnType<Date, string | undefined, never>;
  actor_role: string;
  actor_id: string | null;
  /** SHA-256 hex of (salt ‖ '\n' ‖ subject): the subject, erasable by erasing the salt. */
  subject_ref: string | null;
  action: string;
  resource: string | null;
  reason: string | null;
  detail: ColumnType<Record<string, unknown>, string, never>;
  request_id: string | null;
  /** Position in the Merkle tree; null until a sealer takes the entry in. */
  leaf_index: ColumnType<number | null, never, number>;
  leaf_hash: ColumnType<string | null, never, string>;
}

export interface AuditSubjectTable {
  subject: string;
  salt: string;
  created_at: Generated<Date>;
}

export interface AuditHeadTable {
  tree_size: number;
  root_hash: string;
  /** The exact ISO 8601 text that was signed. */
  signed_at: string;
  algorithm: 'ed25519' | 'sm2';
  key_id: string;
  signature: string;
  frontier: ColumnType<{ size: number; nodes: string[] }, string, never>;
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
    audit_subject: AuditSubjectTable;
    audit_head: AuditHeadTable;
    signing_key: SigningKeyTable;
  }
}
