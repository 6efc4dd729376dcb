import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { FilingStatus, FilingTable, FilingReceiptTable } from './filing.schema.js';
import type { EditTally } from './findings.js';
import './filing.schema.js';

export type FilingRow = Selectable<FilingTable>;
export type ReceiptRow = Selectable<FilingReceiptTable>;

/** Statuses in which a filing is still being received or waits for its load. */
export const IN_FLIGHT: readonly FilingStatus[] = ['received', 'validating', 'signed'];
/** Validated statuses a newer upload replaces. */
export const UNSIGNED: readonly FilingStatus[] = ['errors', 'warnings', 'clean', 'verified'];

/** Insert a new filing row and return it. */
export async function insertFiling(db: Kysely<Database>, row: Insertable<FilingTable>): Promise<FilingRow> {
  return db.insertInto('filing').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One filing; `lock` takes a row lock for the rest of the transaction. */
export async function filingById(db: Kysely<Database>, filingId: string, lock = false): Promise<FilingRow | undefined> {
  let query = db.selectFrom('filing').selectAll().where('filing_id', '=', filingId);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Update one filing and return the row as it now is. */
export async function updateFiling(db: Kysely<Database>, filingId: string, patch: Updateable<FilingTable>): Promise<FilingRow> {
  return db.updateTable('filing').set(patch).where('filing_id', '=', filingId).returningAll().executeTakeFirstOrThrow();
}

/** The versions of one institution's record type and period, newest first. */
export async function versionsOf(db: Kysely<Database>, institutionId: string, recordType: string, period: string): Promise<FilingRow[]> {
  return db
    .selectFrom('filing')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .where('record_type', '=', recordType)
    .where('period', '=', period)
    .orderBy('version', 'desc')
    .execute();
}

/** The stats of the institution's latest accepted filing of this type for an earlier period. */
export async function previousPeriodStats(db: Kysely<Database>, institutionId: string, recordType: string, period: string): Promise<Record<string, number> | null> {
  const row = await db
    .selectFrom('filing')
    .select('stats')
    .where('institution_id', '=', institutionId)
    .where('record_type', '=', recordType)
    .where('period', '<', period)
    .where('status', '=', 'accepted')
    .orderBy('period', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.stats ?? null;
}

/** Mark validated but unsigned versions superseded (a newer upload replaces them). */
export async function supersedeUnsigned(db: Kysely<Database>, institutionId: string, recordType: string, period: string, exceptFilingId: string): Promise<string[]> {
  const rows = await db
    .updateTable('filing')
    .set({ status: 'superseded', superseded_at: new Date() })
    .where('institution_id', '=', institutionId)
    .where('record_type', '=', recordType)
    .where('period', '=', period)
    .where('filing_id', '<>', exceptFilingId)
    .where('status', 'in', UNSIGNED)
    .returning('filing_id')
    .execute();
  return rows.map((r) => r.filing_id);
}

/** Record that an upload is still being read (see staleUploads). */
export async function heartbeat(db: Kysely<Database>, filingId: string): Promise<void> {
  await db.updateTable('filing').set({ heartbeat_at: new Date() }).where('filing_id', '=', filingId).execute();
}

/** Filings still receiving whose last sign of life is older than `before` (their process died). */
export async function staleUploads(db: Kysely<Database>, before: Date): Promise<FilingRow[]> {
  return db.selectFrom('filing').selectAll().where('status', 'in', ['received', 'validating']).where('heartbeat_at', '<', before).execute();
}

/** Filings signed but not yet loaded. */
export async function signedFilings(db: Kysely<Database>): Promise<FilingRow[]> {
  return db.selectFrom('filing').selectAll().where('status', '=', 'signed').orderBy('signed_at').execute();
}

/** Replace a filing's findings: the count per edit and its example rows. */
export async function replaceFindings(db: Kysely<Database>, filingId: string, tallies: readonly EditTally[]): Promise<void> {
  await db.deleteFrom('filing_finding').where('filing_id', '=', filingId).execute();
  if (tallies.length === 0) return;
  await db
    .insertInto('filing_finding')
    .values(tallies.map((t) => ({ filing_id: filingId, edit_id: t.editId, edit_class: t.editClass, severity: t.severity, finding_count: t.count })))
    .execute();
  const examples = tallies.flatMap((t) => t.examples.map((e, seq) => ({ filing_id: filingId, edit_id: t.editId, seq, row_number: e.rowNumber, field_values: JSON.stringify(e.values) })));
  // Bounded by EXAMPLES_PER_EDIT × edits; inserted in slices to stay under the parameter limit.
  for (let i = 0; i < examples.length; i += 1000) {
    await db.insertInto('filing_finding_example').values(examples.slice(i, i + 1000)).execute();
  }
}

/** The count of findings per edit of a filing, in edit id order. */
export async function findingCounts(db: Kysely<Database>, filingId: string): Promise<{ editId: string; editClass: string; severity: 'error' | 'warning'; count: number }[]> {
  const rows = await db.selectFrom('filing_finding').selectAll().where('filing_id', '=', filingId).orderBy('edit_id').execute();
  return rows.map((r) => ({ editId: r.edit_id, editClass: r.edit_class, severity: r.severity, count: Number(r.finding_count) }));
}

/** A page of a filing's example rows (optionally of one edit), with their total. */
export async function findingExamples(
  db: Kysely<Database>,
  filingId: string,
  options: { editId?: string; offset: number; limit: number },
): Promise<{ total: number; items: { editId: string; rowNumber: number; values: Record<string, string> }[] }> {
  let base = db.selectFrom('filing_finding_example').where('filing_id', '=', filingId);
  if (options.editId) base = base.where('edit_id', '=', options.editId);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    base.select(['edit_id', 'row_number', 'field_values']).orderBy('edit_id').orderBy('seq').offset(options.offset).limit(options.limit).execute(),
  ]);
  return { total: Number(count.n), items: rows.map((r) => ({ editId: r.edit_id, rowNumber: Number(r.row_number), values: r.field_values })) };
}

export interface FilingFilter {
  institutionId?: string;
  /** Jurisdiction codes starting with this ('' for all). */
  jurisdictionPrefix?: string;
  recordType?: string;
  period?: string;
  status?: FilingStatus;
  /**
   * Leave out versions a later one replaced: superseded versions, and versions with errors after
   * which the institution uploaded another version of the same record type and period.
   */
  hideReplaced?: boolean;
}

/** A page of filings matching `filter`, newest first, with the total. */
export async function listFilings(db: Kysely<Database>, filter: FilingFilter, offset: number, limit: number): Promise<{ total: number; rows: FilingRow[] }> {
  let base = db.selectFrom('filing');
  if (filter.institutionId) base = base.where('institution_id', '=', filter.institutionId);
  if (filter.jurisdictionPrefix) base = base.where('jurisdiction_code', 'like', `${filter.jurisdictionPrefix}%`);
  if (filter.recordType) base = base.where('record_type', '=', filter.recordType);
  if (filter.period) base = base.where('period', '=', filter.period);
  if (filter.status) base = base.where('status', '=', filter.status);
  if (filter.hideReplaced) {
    base = base.where('status', '!=', 'superseded').where((eb) =>
      eb.or([
        eb('status', '!=', 'errors'),
        eb.not(
          eb.exists(
            eb
              .selectFrom('filing as later')
              .select(sql.lit(1).as('one'))
              .whereRef('later.institution_id', '=', 'filing.institution_id')
              .whereRef('later.record_type', '=', 'filing.record_type')
              .whereRef('later.period', '=', 'filing.period')
              .whereRef('later.version', '>', 'filing.version'),
          ),
        ),
      ]),
    );
  }
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    base.selectAll().orderBy('created_at', 'desc').orderBy('filing_id').offset(offset).limit(limit).execute(),
  ]);
  return { total: Number(count.n), rows };
}

/** Store a signed receipt. */
export async function insertReceipt(db: Kysely<Database>, row: Insertable<FilingReceiptTable>): Promise<void> {
  await db.insertInto('filing_receipt').values(row).execute();
}

/** One receipt by its id. */
export async function receiptById(db: Kysely<Database>, receiptId: string): Promise<ReceiptRow | undefined> {
  return db.selectFrom('filing_receipt').selectAll().where('receipt_id', '=', receiptId).executeTakeFirst();
}

/** The receipt of a filing, once signed. */
export async function receiptOfFiling(db: Kysely<Database>, filingId: string): Promise<ReceiptRow | undefined> {
  return db.selectFrom('filing_receipt').selectAll().where('filing_id', '=', filingId).executeTakeFirst();
}

/** Remove the rows a filing loaded into a domain table (when a newer version replaces it). */
export async function deleteDomainRows(db: Kysely<Database>, table: string, filingId: string): Promise<number> {
  const result = await sql`delete from ${sql.table(table)} where filing_id = ${filingId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** How many rows of a domain table came from a filing. */
export async function countDomainRows(db: Kysely<Database>, table: string, filingId: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where filing_id = ${filingId}`.execute(db);
  return result.rows[0]?.n ?? 0;
}

/** The newest period with an accepted filing among these institutions, and when its latest one was accepted. */
export async function latestAcceptedPeriod(db: Kysely<Database>, institutionIds: readonly string[]): Promise<{ period: string; acceptedAt: Date } | null> {
  if (institutionIds.length === 0) return null;
  const row = await db
    .selectFrom('filing')
    .select(['period', (eb) => eb.fn.max('accepted_at').as('accepted_at')])
    .where('institution_id', 'in', institutionIds)
    .where('status', '=', 'accepted')
    .groupBy('period')
    .orderBy('period', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.accepted_at ? { period: row.period, acceptedAt: new Date(row.accepted_at) } : null;
}
