import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { EvidenceOwnerKind } from './evidence.schema.js';
import './evidence.schema.js';

export type EvidenceRow = Selectable<Database['evidence_item']>;

export async function insertItem(db: Kysely<Database>, row: Insertable<Database['evidence_item']>): Promise<void> {
  await db.insertInto('evidence_item').values(row).execute();
}

export async function itemById(db: Kysely<Database>, evidenceId: string): Promise<EvidenceRow | undefined> {
  return db.selectFrom('evidence_item').selectAll().where('evidence_id', '=', evidenceId).executeTakeFirst();
}

export async function itemsByIds(db: Kysely<Database>, evidenceIds: string[]): Promise<EvidenceRow[]> {
  if (evidenceIds.length === 0) return [];
  return db.selectFrom('evidence_item').selectAll().where('evidence_id', 'in', evidenceIds).execute();
}

/** An owner's items, newest first; erased ones only when asked. */
export async function itemsOfOwner(db: Kysely<Database>, kind: EvidenceOwnerKind, ref: string, options: { includeErased?: boolean; limit?: number; offset?: number } = {}): Promise<EvidenceRow[]> {
  let query = db.selectFrom('evidence_item').selectAll().where('owner_kind', '=', kind).where('owner_ref', '=', ref);
  if (!options.includeErased) query = query.where('erased_at', 'is', null);
  return query
    .orderBy('received_at', 'desc')
    .orderBy('evidence_id')
    .limit(options.limit ?? 1000)
    .offset(options.offset ?? 0)
    .execute();
}

export async function countOfOwner(db: Kysely<Database>, kind: EvidenceOwnerKind, ref: string): Promise<number> {
  const row = await db.selectFrom('evidence_item').select((eb) => eb.fn.countAll<string>().as('n')).where('owner_kind', '=', kind).where('owner_ref', '=', ref).where('erased_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Link items to a case; linking one twice is a no-op. */
export async function linkItems(db: Kysely<Database>, caseRef: string, evidenceIds: string[]): Promise<void> {
  if (evidenceIds.length === 0) return;
  await db
    .insertInto('evidence_case_link')
    .values(evidenceIds.map((evidence_id) => ({ case_ref: caseRef, evidence_id })))
    .onConflict((oc) => oc.columns(['case_ref', 'evidence_id']).doNothing())
    .execute();
}

export async function isLinked(db: Kysely<Database>, caseRef: string, evidenceId: string): Promise<boolean> {
  return (await db.selectFrom('evidence_case_link').select('evidence_id').where('case_ref', '=', caseRef).where('evidence_id', '=', evidenceId).executeTakeFirst()) !== undefined;
}

/** The items of a case, in the order they were linked. */
export async function itemsOfCase(db: Kysely<Database>, caseRef: string): Promise<EvidenceRow[]> {
  return db
    .selectFrom('evidence_case_link as l')
    .innerJoin('evidence_item as e', 'e.evidence_id', 'l.evidence_id')
    .selectAll('e')
    .where('l.case_ref', '=', caseRef)
    .orderBy('l.linked_at')
    .orderBy('e.received_at')
    .execute();
}

/** Mark an item erased: its stored file goes, its hash and receipt stay (a receipt handed out still verifies). */
export async function markErased(db: Kysely<Database>, evidenceId: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('evidence_item').set({ erased_at: at, stored_name: null }).where('evidence_id', '=', evidenceId).where('erased_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
