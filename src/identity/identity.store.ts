import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { ConsumerTable, PersonVaultTable } from './identity.schema.js';
import './identity.schema.js';

export type VaultRow = Selectable<PersonVaultTable>;
export type ConsumerRow = Selectable<ConsumerTable>;

/** The same shape as the platform's bulk transaction: a Kysely transaction plus COPY on its connection. */
export interface BulkWriter {
  readonly db: Kysely<Database>;
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>): Promise<number>;
}

export async function vaultEntry(db: Kysely<Database>, pseudonym: string): Promise<VaultRow | undefined> {
  return db.selectFrom('person_vault').selectAll().where('pseudonym', '=', pseudonym).executeTakeFirst();
}

export async function insertVaultEntry(db: Kysely<Database>, row: Insertable<PersonVaultTable>): Promise<void> {
  await db.insertInto('person_vault').values(row).onConflict((oc) => oc.column('pseudonym').doNothing()).execute();
}

/** Which of these pseudonyms the vault already holds. */
export async function knownPseudonyms(db: Kysely<Database>, pseudonyms: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < pseudonyms.length; i += 5000) {
    const rows = await db.selectFrom('person_vault').select('pseudonym').where('pseudonym', 'in', pseudonyms.slice(i, i + 5000)).execute();
    for (const r of rows) known.add(r.pseudonym);
  }
  return known;
}

/** Append vault rows by COPY (the caller has checked they are new). */
export async function copyVaultEntries(tx: BulkWriter, rows: readonly (readonly [string, string, string, string])[]): Promise<number> {
  return tx.copyRows('person_vault', ['pseudonym', 'kind', 'key_id', 'sealed'], rows);
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
