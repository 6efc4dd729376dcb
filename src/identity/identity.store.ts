import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { ConsumerTable, PersonVaultTable } from './identity.schema.js';
import './identity.schema.js';

export type VaultRow = Selectable<PersonVaultTable>;
export type ConsumerRow = Selectable<ConsumerTable>;

export async function vaultEntry(db: Kysely<Database>, pseudonym: string): Promise<VaultRow | undefined> {
  return db.selectFrom('person_vault').selectAll().where('pseudonym', '=', pseudonym).executeTakeFirst();
}

export async function insertVaultEntry(db: Kysely<Database>, row: Insertable<PersonVaultTable>): Promise<void> {
  await db.insertInto('person_vault').values(row).onConflict((oc) => oc.column('pseudonym').doNothing()).execute();
}

/** Vault rows sealed with another key than `currentKeyId`, a batch at a time. */
export async function entriesNotSealedWith(db: Kysely<Database>, currentKeyId: string, limit: number): Promise<VaultRow[]> {
  return db.selectFrom('person_vault').selectAll().where('key_id', '<>', currentKeyId).orderBy('pseudonym').limit(limit).execute();
}

export async function reseal(db: Kysely<Database>, pseudonym: string, keyId: string, sealed: string): Promise<void> {
  await db.updateTable('person_vault').set({ key_id: keyId, sealed }).where('pseudonym', '=', pseudonym).execute();
}

export async function consumerByPseudonym(db: Kysely<Database>, pseudonym: string): Promise<ConsumerRow | undefined> {
  return db.selectFrom('consumer').selectAll().where('pseudonym', '=', pseudonym).executeTakeFirst();
}

export async function consumerById(db: Kysely<Database>, consumerId: string): Promise<ConsumerRow | undefined> {
  return db.selectFrom('consumer').selectAll().where('consumer_id', '=', consumerId).executeTakeFirst();
}

export async function insertConsumer(db: Kysely<Database>, row: Insertable<ConsumerTable>): Promise<ConsumerRow> {
  return db.insertInto('consumer').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function countConsumers(db: Kysely<Database>, regionPrefix: string): Promise<number> {
  const row = await db
    .selectFrom('consumer')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .$if(regionPrefix !== '', (q) => q.where('region_code', 'like', `${regionPrefix}%`))
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

export async function setPhone(db: Kysely<Database>, consumerId: string, phonePseudonym: string | null): Promise<void> {
  await db.updateTable('consumer').set({ phone_pseudonym: phonePseudonym }).where('consumer_id', '=', consumerId).execute();
}

/** Remove a vault entry; a phone entry only while no other consumer still names it. */
export async function deleteVaultEntry(db: Kysely<Database>, pseudonym: string, unlessUsedBy?: { otherThan: string }): Promise<number> {
  let query = db.deleteFrom('person_vault').where('pseudonym', '=', pseudonym);
  if (unlessUsedBy) {
    query = query.where(({ not, exists, selectFrom }) => not(exists(selectFrom('consumer').select('consumer_id').where('phone_pseudonym', '=', pseudonym).where('consumer_id', '<>', unlessUsedBy.otherThan))));
  }
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

export async function deleteConsumer(db: Kysely<Database>, consumerId: string): Promise<void> {
  await db.deleteFrom('consumer').where('consumer_id', '=', consumerId).execute();
}
