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

/** How many filings are in each status (one small grouped count, for /metrics). */
export async function countByStatus(db: Kysely<Database>): Promise<{ status: FilingStatus; count: number }[]> {
  const rows = await db.selectFrom('filing').select(['status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('status').execute();
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}

/** Filings accepted and in force (not superseded), oldest acceptance first. */
export async function acceptedFilings(db: Kysely<Database>): Promise<FilingRow[]> {
  return db.selectFrom('filing').selectAll().where('status', '=', 'accepted').orderBy('accepted_at').orderBy('filing_id').execute();
}

/** When each (institution, record type, period) was first accepted: the date a reporting deadline is held against. */
export async function firstAcceptances(db: Kysely<Database>, institutionIds: readonly string[]): Promise<{ institution_id: string; record_type: string; period: string; first_accepted_at: Date }[]> {
  if (institutionIds.length === 0) return [];
  return db
    .selectFrom('filing')
    .select(['institution_id', 'record_type', 'period', (eb) => eb.fn.min<Date>('accepted_at').as('first_accepted_at')])
    .where('accepted_at', 'is not', null)
    .where('institution_id', 'in', [...institutionIds])
    .groupBy(['institution_id', 'record_type', 'period'])
    .execute();
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

/** Remove rows a filing left in a domain table without being accepted (never history: it was never in force). */
export async function deleteDomainRows(db: Kysely<Database>, table: string, filingId: string): Promise<number> {
  const result = await sql`delete from ${sql.table(table)} where filing_id = ${filingId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Close the rows of a filing that are still in force (a newer version of its period replaces
 * it): they stay as history, with `valid_to` = `at` (never before their own `valid_from`).
 */
export async function closeDomainRows(db: Kysely<Database>, table: string, filingId: string, at: Date): Promise<number> {
  const result = await sql`update ${sql.table(table)} set valid_to = greatest(valid_from, ${at}) where filing_id = ${filingId} and valid_to is null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * After a filing of a state record type (RecordTypeDef.identity) was copied in: of each id, the
 * state of the newest period is the one in force. Rows of earlier periods with an id the filing
 * holds are closed at `at`; the filing's own rows whose id has a row in force from a later period
 * (a period resubmitted after the next one was accepted) are closed at once — history of what
 * was filed, never in force. Returns how many rows of each kind were closed.
 */
export async function supersedeStates(
  db: Kysely<Database>,
  table: string,
  idColumn: string,
  institutionId: string,
  filingId: string,
  period: string,
  at: Date,
): Promise<{ earlierClosed: number; laterKept: number }> {
  const t = sql.table(table);
  const id = sql.ref(idColumn);
  // Cheap test first: an institution's first filing of a type has nothing in force to compare with.
  const others = await sql<{ one: number }>`select 1 as one from ${t} where institution_id = ${institutionId} and valid_to is null and filing_id <> ${filingId} limit 1`.execute(db);
  if (others.rows.length === 0) return { earlierClosed: 0, laterKept: 0 };
  // The rows just copied are not in the planner's statistics yet: without them it may compare
  // every new row with every row in force one by one instead of joining the two sets.
  await sql`analyze ${t}`.execute(db);
  const later = await sql`
    update ${t} as mine set valid_to = greatest(mine.valid_from, ${at})
    from ${t} as other
    where mine.filing_id = ${filingId} and mine.valid_to is null
      and other.institution_id = ${institutionId} and other.${id} = mine.${id}
      and other.valid_to is null and other.filing_id <> ${filingId} and other.period > ${period}`.execute(db);
  const earlier = await sql`
    update ${t} as old set valid_to = greatest(old.valid_from, ${at})
    from ${t} as mine
    where mine.filing_id = ${filingId} and old.institution_id = ${institutionId} and old.${id} = mine.${id}
      and old.valid_to is null and old.filing_id <> ${filingId} and old.period < ${period}`.execute(db);
  return { earlierClosed: Number(earlier.numAffectedRows ?? 0), laterKept: Number(later.numAffectedRows ?? 0) };
}

/**
 * Loans of `filingId` (its loans, or the loans its instalments belong to) whose balance would be
 * below zero with the rows now in force: the principal less the principal repaid on each
 * instalment in its latest state (what was paid beyond its interest and fees, at most its
 * principal due), as the credit report computes it. At most `limit` of them, with the row of the
 * filing that names each. Loans not filed (yet) have no principal to compare with.
 */
export async function negativeBalances(db: Kysely<Database>, table: 'filed_loan' | 'filed_repayment', institutionId: string, filingId: string, limit = 10): Promise<{ loan_id: string; principal_fen: number; repaid_fen: number }[]> {
  const result = await sql<{ loan_id: string; principal_fen: string; repaid_fen: string }>`
    with touched as (select distinct loan_id from ${sql.table(table)} where filing_id = ${filingId}),
    latest as (
      select distinct on (r.loan_id, r.installment_number) r.loan_id,
        least(r.principal_due_fen, greatest(r.amount_paid_fen - r.interest_due_fen - r.fee_due_fen, 0)) as repaid
      from filed_repayment r join touched t on t.loan_id = r.loan_id
      where r.institution_id = ${institutionId} and r.valid_to is null
      order by r.loan_id, r.installment_number, r.period desc, r.valid_from desc
    )
    select l.loan_id, l.principal_fen, sum(x.repaid) as repaid_fen
    from latest x join filed_loan l on l.institution_id = ${institutionId} and l.loan_id = x.loan_id and l.valid_to is null
    group by l.loan_id, l.principal_fen
    having l.principal_fen - sum(x.repaid) < 0
    order by l.loan_id limit ${limit}`.execute(db);
  return result.rows.map((row) => ({ loan_id: row.loan_id, principal_fen: Number(row.principal_fen), repaid_fen: Number(row.repaid_fen) }));
}

/**
 * The record ids of an institution's rows in force that were filed for a period other than
 * `period`, handed to `onBatch` a page at a time (keyset pages on the index of current rows), so
 * that the ids of millions of events never sit in one result.
 */
export async function idsInForceOutsidePeriod(
  db: Kysely<Database>,
  table: string,
  idColumn: string,
  institutionId: string,
  period: string,
  onBatch: (ids: string[]) => void,
  pageSize = 50_000,
): Promise<void> {
  const id = sql.ref(idColumn);
  let after: string | null = null;
  for (;;) {
    const page: { rows: { id: string }[] } = await sql<{ id: string }>`
      select ${id} as id from ${sql.table(table)}
      where institution_id = ${institutionId} and valid_to is null and period <> ${period} ${after === null ? sql`` : sql`and ${id} > ${after}`}
      order by ${id} limit ${pageSize}`.execute(db);
    if (page.rows.length > 0) onBatch(page.rows.map((r) => r.id));
    if (page.rows.length < pageSize) return;
    after = page.rows[page.rows.length - 1]!.id;
  }
}

/** Who a read of filed records is about: one institution's records, one party's, or both. */
export interface DomainScope {
  institutionId?: string;
  partyKey?: string;
}

function scopeOf(scope: DomainScope) {
  const parts = [sql`true`];
  if (scope.institutionId !== undefined) parts.push(sql`d.institution_id = ${scope.institutionId}`);
  if (scope.partyKey !== undefined) parts.push(sql`d.party_key = ${scope.partyKey}`);
  return sql.join(parts, sql` and `);
}

/**
 * The rows of a domain table that were in force at the instant `at` (as the platform held them
 * then: valid_from ≤ at < valid_to), ordered by institution and id.
 */
export async function domainRowsInForceAt(db: Kysely<Database>, table: string, idColumn: string, at: Date, scope: DomainScope): Promise<Record<string, unknown>[]> {
  const result = await sql<Record<string, unknown>>`
    select d.* from ${sql.table(table)} as d
    where ${scopeOf(scope)} and d.valid_from <= ${at} and (d.valid_to is null or d.valid_to > ${at})
    order by d.institution_id, d.${sql.ref(idColumn)}`.execute(db);
  return result.rows;
}

/**
 * The records at the end of `period`, as the accepted filings now say: of each id, the row of
 * the newest period up to `period` from the version of that period in force (its filing is
 * `accepted`). For a state record type that is each record's state at the end of the period; for
 * an event type, every event filed for that period or before.
 */
export async function domainRowsAtPeriodEnd(db: Kysely<Database>, table: string, idColumn: string, period: string, scope: DomainScope): Promise<Record<string, unknown>[]> {
  const id = sql.ref(idColumn);
  const result = await sql<Record<string, unknown>>`
    select distinct on (d.institution_id, d.${id}) d.* from ${sql.table(table)} as d
    join filing f on f.filing_id = d.filing_id and f.status = 'accepted'
    where ${scopeOf(scope)} and d.period <= ${period}
    order by d.institution_id, d.${id}, d.period desc`.execute(db);
  return result.rows;
}

/** How many rows of a domain table came from a filing and are in force (not closed by a newer version or period). */
export async function countDomainRows(db: Kysely<Database>, table: string, filingId: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where filing_id = ${filingId} and valid_to is null`.execute(db);
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
