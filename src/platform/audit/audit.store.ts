import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../database.js';
import type { AuditHeadTable, AuditLogTable } from './audit.schema.js';
import './audit.schema.js';

export type AuditRow = Selectable<AuditLogTable>;
export type HeadRow = Selectable<AuditHeadTable>;

/** An entry as hashed: every stored column, the time and the detail in the exact text the database holds. */
export interface HashableRow {
  seq: number;
  occurred_at_text: string;
  actor_role: string;
  actor_id: string | null;
  subject_ref: string | null;
  action: string;
  resource: string | null;
  reason: string | null;
  detail_text: string;
  request_id: string | null;
  leaf_index: number | null;
  leaf_hash: string | null;
}

// Any constant shared by every Fenghuo process on the database: "fhaud" in ASCII.
const SEALER_LOCK = 0x6668617564;

export async function insertEntry(db: Kysely<Database>, row: { actor_role: string; actor_id: string | null; subject_ref: string | null; action: string; resource: string | null; reason: string | null; detail: Record<string, unknown>; request_id: string | null }): Promise<number> {
  const inserted = await db
    .insertInto('audit_log')
    .values({ ...row, detail: JSON.stringify(row.detail) })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(inserted.seq);
}

/** An entry as `insertEntries` takes it: the subject in clear, resolved to its commitment in the statement. */
export interface NewEntry {
  actor_role: string;
  actor_id: string | null;
  subject: string | null;
  action: string;
  resource: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
  request_id: string | null;
}

/**
 * Insert `entries` in one statement (one round trip; one commit when `db` is not a transaction) by
 * the function `audit_append` (migration 0045), each subject resolved to SHA-256(salt ‖ '\n' ‖
 * subject) with its salt; `newSalts` holds a fresh salt for every subject named, used when the
 * subject has none yet. `entries` is the JSON array of the entries, serialised by the caller so
 * that an entry that cannot be serialised fails alone. Returns the seq of each entry, in order, or null
 * for an entry whose subject's salt another transaction created after this statement's snapshot
 * (not inserted: the next statement sees that salt). Also returns the salts it used, by subject,
 * and of those the ones committed before the statement.
 */
export async function insertEntries(db: Kysely<Database>, entries: string, newSalts: { subject: string; salt: string }[]): Promise<{ seqs: (number | null)[]; salts: Map<string, string>; committedSalts: Map<string, string> }> {
  const result = await sql<{ i: number; seq: number | null; subject: string | null; salt: string | null; salt_committed: boolean | null }>`select i, seq, subject, salt, salt_committed from audit_append(${entries}::jsonb, ${JSON.stringify(newSalts)}::jsonb)`.execute(db);
  const seqs: (number | null)[] = [];
  const salts = new Map<string, string>();
  const committedSalts = new Map<string, string>();
  for (const row of result.rows) {
    seqs[row.i] = row.seq === null ? null : Number(row.seq);
    if (row.subject !== null && row.salt !== null) {
      salts.set(row.subject, row.salt);
      if (row.salt_committed) committedSalts.set(row.subject, row.salt);
    }
  }
  return { seqs, salts, committedSalts };
}

export async function subjectSalt(db: Kysely<Database>, subject: string): Promise<string | undefined> {
  const row = await db.selectFrom('audit_subject').select('salt').where('subject', '=', subject).executeTakeFirst();
  return row?.salt;
}

/** Erase the salt of `subject`; true when there was one. */
export async function deleteSubjectSalt(db: Kysely<Database>, subject: string): Promise<boolean> {
  const result = await db.deleteFrom('audit_subject').where('subject', '=', subject).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Take the sealer's lock for the rest of the transaction; false when another sealer holds it. */
export async function tryLockSealer(trx: Kysely<Database>): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${sql.lit(SEALER_LOCK)}) as locked`.execute(trx);
  return result.rows[0]?.locked === true;
}

export async function latestHead(db: Kysely<Database>): Promise<HeadRow | undefined> {
  return db.selectFrom('audit_head').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
}

export async function heads(db: Kysely<Database>): Promise<HeadRow[]> {
  return db.selectFrom('audit_head').selectAll().orderBy('tree_size').execute();
}

function hashableColumns(db: Kysely<Database>) {
  return db
    .selectFrom('audit_log')
    .select(['seq', 'actor_role', 'actor_id', 'subject_ref', 'action', 'resource', 'reason', 'request_id', 'leaf_index', 'leaf_hash'])
    .select(sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('occurred_at_text'))
    .select(sql<string>`detail::text`.as('detail_text'));
}

/** Committed entries not yet in the tree, in insert order, at most `limit`. */
export async function unsealedEntries(db: Kysely<Database>, limit: number): Promise<HashableRow[]> {
  const rows = await hashableColumns(db).where('leaf_index', 'is', null).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Entries in the tree from position `fromIndex` on, in tree order, at most `limit`. */
export async function sealedEntries(db: Kysely<Database>, fromIndex: number, limit: number): Promise<HashableRow[]> {
  const rows = await hashableColumns(db).where('leaf_index', '>=', fromIndex).orderBy('leaf_index').limit(limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), leaf_index: r.leaf_index === null ? null : Number(r.leaf_index) }));
}

export async function countUnsealed(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('leaf_index', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Give entries their positions and leaf hashes (allowed once by the append-only trigger). */
export async function sealEntries(db: Kysely<Database>, sealed: { seq: number; leaf_index: number; leaf_hash: string }[]): Promise<void> {
  if (sealed.length === 0) return;
  const result = await sql`update audit_log as a set leaf_index = v.leaf_index, leaf_hash = v.leaf_hash
    from jsonb_to_recordset(${JSON.stringify(sealed)}::jsonb) as v(seq bigint, leaf_index bigint, leaf_hash text)
    where a.seq = v.seq and a.leaf_index is null`.execute(db);
  if (Number(result.numAffectedRows) !== sealed.length) throw new Error(`sealed ${String(result.numAffectedRows)} of ${sealed.length} audit entries`);
}

export async function insertHead(db: Kysely<Database>, row: Omit<HeadRow, 'frontier'> & { frontier: { size: number; nodes: string[] } }): Promise<void> {
  await db
    .insertInto('audit_head')
    .values({ ...row, frontier: JSON.stringify(row.frontier) })
    .execute();
}

export async function ensureSigningKey(db: Kysely<Database>, key: { keyId: string; algorithm: 'ed25519' | 'sm2'; publicKey: string }): Promise<void> {
  await db
    .insertInto('signing_key')
    .values({ key_id: key.keyId, algorithm: key.algorithm, public_key: key.publicKey })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

/** Entries about one subject reference (e.g. a consumer's own access log), newest first. */
export async function entriesAbout(db: Kysely<Database>, subjectRef: string, limit: number, beforeSeq?: number, offset = 0): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where('subject_ref', '=', subjectRef);
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  return query.orderBy('seq', 'desc').limit(limit).offset(offset).execute();
}
