import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../database.js';
import type { AuditCheckpointTable, AuditLogTable } from './audit.schema.js';
import './audit.schema.js';

export type AuditRow = Selectable<AuditLogTable>;
export type CheckpointRow = Selectable<AuditCheckpointTable>;

/** Lock the head of the chain for the rest of the transaction and return it. */
export async function lockChainHead(db: Kysely<Database>): Promise<{ lastSeq: number; lastHash: string }> {
  const head = await db.selectFrom('audit_chain').select(['last_seq', 'last_hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  return { lastSeq: Number(head.last_seq), lastHash: head.last_hash };
}

export async function insertEntry(db: Kysely<Database>, row: Omit<AuditRow, 'occurred_at' | 'detail'> & { occurred_at: string; detail: Record<string, unknown> }): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ ...row, detail: JSON.stringify(row.detail) })
    .execute();
  await db.updateTable('audit_chain').set({ last_seq: row.seq, last_hash: row.hash }).where('id', '=', 1).execute();
}

export async function insertCheckpoint(db: Kysely<Database>, row: Omit<CheckpointRow, 'signed_at'> & { signed_at: string }): Promise<void> {
  await db.insertInto('audit_checkpoint').values(row).execute();
}

export async function ensureSigningKey(db: Kysely<Database>, key: { keyId: string; algorithm: 'ed25519' | 'sm2'; publicKey: string }): Promise<void> {
  await db
    .insertInto('signing_key')
    .values({ key_id: key.keyId, algorithm: key.algorithm, public_key: key.publicKey })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

export async function signingKeys(db: Kysely<Database>): Promise<Map<string, { algorithm: 'ed25519' | 'sm2'; publicKey: string }>> {
  const rows = await db.selectFrom('signing_key').select(['key_id', 'algorithm', 'public_key']).execute();
  return new Map(rows.map((r) => [r.key_id, { algorithm: r.algorithm, publicKey: r.public_key }]));
}

/** Entries with seq > afterSeq, in order, at most `limit`. */
export async function entriesAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export async function checkpoints(db: Kysely<Database>): Promise<CheckpointRow[]> {
  return db.selectFrom('audit_checkpoint').selectAll().orderBy('seq').execute();
}

export async function chainHead(db: Kysely<Database>): Promise<{ lastSeq: number; lastHash: string }> {
  const head = await db.selectFrom('audit_chain').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { lastSeq: Number(head.last_seq), lastHash: head.last_hash };
}

export async function lastCheckpointSeq(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_checkpoint').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** Entries about one subject (e.g. a consumer's own access log), newest first. */
export async function entriesAbout(db: Kysely<Database>, subject: string, limit: number, beforeSeq?: number, offset = 0): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where('subject', '=', subject);
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  return query.orderBy('seq', 'desc').limit(limit).offset(offset).execute();
}
