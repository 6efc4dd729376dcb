import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { ConsentScope } from './consent.schema.js';
import './consent.schema.js';

export type ConsentRow = Selectable<Database['consent']>;

export async function insertConsent(db: Kysely<Database>, row: Insertable<Database['consent']>, actor: { role: string; id: string | null }): Promise<void> {
  await db.insertInto('consent').values(row).execute();
  await db.insertInto('consent_event').values({ consent_id: row.consent_id, action: 'granted', actor_role: actor.role, actor_id: actor.id }).execute();
}

/** Mark a consent withdrawn; false when it already was. */
export async function withdrawConsent(db: Kysely<Database>, consentId: string, at: Date, actor: { role: string; id: string | null }): Promise<boolean> {
  const result = await db.updateTable('consent').set({ withdrawn_at: at }).where('consent_id', '=', consentId).where('withdrawn_at', 'is', null).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await db.insertInto('consent_event').values({ consent_id: consentId, action: 'withdrawn', actor_role: actor.role, actor_id: actor.id }).execute();
  return true;
}

export async function consentById(db: Kysely<Database>, consentId: string): Promise<ConsentRow | undefined> {
  return db.selectFrom('consent').selectAll().where('consent_id', '=', consentId).executeTakeFirst();
}

export async function consentsOfSubject(db: Kysely<Database>, pseudonym: string): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('subject_pseudonym', '=', pseudonym).orderBy('granted_at', 'desc').execute();
}

export async function consentsFor(db: Kysely<Database>, institutionId: string, pseudonym: string, scope: ConsentScope): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('institution_id', '=', institutionId).where('subject_pseudonym', '=', pseudonym).where('scope', '=', scope).orderBy('granted_at', 'desc').execute();
}

export async function consentsOfInstitution(db: Kysely<Database>, institutionId: string, limit: number, offset: number): Promise<ConsentRow[]> {
  return db.selectFrom('consent').selectAll().where('institution_id', '=', institutionId).orderBy('granted_at', 'desc').limit(limit).offset(offset).execute();
}

/** Withdraw every consent of a person still in force; returns their ids. */
export async function withdrawAllOf(db: Kysely<Database>, pseudonym: string, at: Date, actor: { role: string; id: string | null }): Promise<string[]> {
  const rows = await db.updateTable('consent').set({ withdrawn_at: at }).where('subject_pseudonym', '=', pseudonym).where('withdrawn_at', 'is', null).returning('consent_id').execute();
  if (rows.length > 0) {
    await db.insertInto('consent_event').values(rows.map((row) => ({ consent_id: row.consent_id, action: 'withdrawn' as const, actor_role: actor.role, actor_id: actor.id }))).execute();
  }
  return rows.map((row) => row.consent_id);
}
