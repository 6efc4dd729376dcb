/**
 * The filed records a monitoring run checks, a page at a time, with the features that span
 * records or institutions computed beside them in SQL: balances across platforms, cumulative
 * balance payments of an account, connected calls per debtor and China-time day. Reads the
 * standard's shared domain tables (rows in force: `valid_to is null`).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../platform/database.js';
import type { RecordType } from '../standard/standard.js';
import '../standard/domain.schema.js';

/** One row: the record's columns, its id, and the SQL-computed features. */
export type FeatureRow = Record<string, unknown> & { record_id: string; party_key: string; period: string; filing_id: string; institution_id: string };

/**
 * Which records a page reads: those of one filing, or the loans or payments in force of some
 * parties (a re-check of balances and payment totals), at one institution if `within` is set, less
 * those of one institution's period (the filing just checked).
 */
export type RecordScope =
  | { filingId: string }
  /**
   * `signedFrom` (loans), beside `partyKeys`: only each party's loans signed on or after its day;
   * `paidFrom` (payments): only each party's payments made at or after its instant.
   */
  | { partyKeys: readonly string[]; signedFrom?: readonly string[]; paidFrom?: readonly string[]; exclude?: { institutionId: string; period: string }; within?: string };

// The China-time calendar day of a timestamp, computed the same way on both engines (no time-zone database needed).
const chinaDay = (column: string) => sql.raw(`((${column} at time zone 'UTC') + interval '8 hours')::date`);
const chinaYear = (column: string) => sql.raw(`extract(year from (${column} at time zone 'UTC') + interval '8 hours')`);
// The principal an instalment `r` paid back: a payment covers interest and fees first. One
// definition for the loan pages and the sweep's ledger, whose balances must agree.
const PRINCIPAL_REPAID = sql.raw('least(r.principal_due_fen, greatest(r.amount_paid_fen - r.interest_due_fen - r.fee_due_fen, 0))');

/**
 * The columns a page reads: `wanted` (null: every column) and what the page's own joins, paging
 * and alerts need, those of them the table has. Fewer columns are the larger part of a check's
 * time saved on the embedded engine, where every value returned crosses into JavaScript.
 */
export type Columns = readonly string[] | null;

const PAGE_COLUMNS: Record<RecordType, readonly string[]> = {
  product: ['product_id'],
  loan: ['loan_id', 'contract_date', 'product_id'],
  repayment: ['repayment_id', 'loan_id'],
  payment: ['payment_id'],
  fund_flow: ['flow_id'],
  collection: ['collection_id', 'debtor_pseudonym'],
  disclosure: ['disclosure_id'],
  complaint: ['complaint_id'],
  algorithm_decision: ['decision_id'],
};
const ROW_COLUMNS = ['institution_id', 'party_key', 'period', 'filing_id'];
const tableColumns = new Map<string, Promise<Set<string>>>();

async function columnList(db: Kysely<Database>, table: string, recordType: RecordType, wanted: Columns, alias?: string) {
  const prefix = alias ? sql.raw(`${alias}.`) : sql.raw('');
  if (wanted === null) return sql`${prefix}*`;
  let known = tableColumns.get(table);
  if (!known) {
    known = sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = ${table} and table_schema = current_schema()`
      .execute(db)
      .then((result) => new Set(result.rows.map((row) => row.column_name)));
    tableColumns.set(table, known);
    known.catch(() => tableColumns.delete(table));
  }
  const has = await known;
  const names = [...new Set([...ROW_COLUMNS, ...PAGE_COLUMNS[recordType], ...wanted])].filter((name) => has.has(name));
  return sql.join(names.map((name) => sql`${prefix}${sql.ref(name)}`));
}

function loanPage(scope: RecordScope, after: string, limit: number, columns: RawBuilder<unknown>, aliased: RawBuilder<unknown>) {
  if ('filingId' in scope) {
    return sql`select ${columns} from filed_loan where filing_id = ${scope.filingId} and valid_to is null and loan_id > ${after} order by loan_id limit ${limit}`;
  }
  // Each party's loans looked up by the party index, one party after another (a lateral join): as
  // a join or an `any` condition over thousands of parties, the planner scanned every loan in
  // force for every page once the table was large.
  const keys = [...scope.partyKeys];
  const from = scope.signedFrom ? [...scope.signedFrom] : keys.map(() => EVERY_DAY);
  return sql`select ${aliased} from unnest(${keys}::text[], ${from}::date[]) as s(party_key, signed_from)
    cross join lateral (select * from filed_loan f where f.party_key = s.party_key and f.valid_to is null and f.contract_date >= s.signed_from) as l
    where (l.institution_id::text || '|' || l.loan_id) > ${after}
    ${scope.exclude ? sql`and not (l.institution_id = ${scope.exclude.institutionId} and l.period = ${scope.exclude.period})` : sql``}
    order by l.institution_id::text || '|' || l.loan_id limit ${limit}`;
}

/** The first day of the calendar: as a party's day, every record of the party. */
export const EVERY_DAY = '0001-01-01';

/**
 * Loans with their balances on the day each was signed. Art.17 of the P2P measures caps what a
 * borrower owes; it is broken when a loan takes the balance over the cap, and repaying later does
 * not undo that. So a borrower's balance "as of" a loan sums the loans signed up to and including
 * it (same day: by institution, then loan id), each at its principal less the principal repaid on
 * or before that loan's contract date (a payment covers interest and fees first; an instalment's
 * repayment counts on its last payment date). A limit fires on the loan that crossed it, once; a
 * later loan elsewhere, or a later repayment, does not move that alert, while a repayment made
 * before the loan was signed, filed late, does.
 */
/** Which of the loan features that read a borrower's other loans a page computes (the rest come back null). */
export interface LoanFeatureSet {
  /** A loan's own, on-platform and all-platform balances as of its signing. */
  balances: boolean;
  /** The platforms a borrower owes money to today. */
  platforms: boolean;
}

async function loans(db: Kysely<Database>, scope: RecordScope, after: string, limit: number, wanted: Columns, computed: LoanFeatureSet): Promise<FeatureRow[]> {
  const columns = await columnList(db, 'filed_loan', 'loan', wanted);
  const aliased = await columnList(db, 'filed_loan', 'loan', wanted, 'l');
  const order = 'filingId' in scope ? sql`page.loan_id` : sql`page.institution_id::text || '|' || page.loan_id`;
  const page = loanPage(scope, after, limit, columns, aliased);
  if (!computed.balances && !computed.platforms) {
    // No rule reads another loan: the page alone, without the work of summing balances.
    const result = await sql<FeatureRow>`
      with page as (${page})
      select page.*, page.loan_id as record_id, p.product_type as product_type_feature,
        null::bigint as outstanding, null::bigint as on_platform, null::bigint as all_platforms, null::bigint as platforms
      from page
      left join filed_product p on p.institution_id = page.institution_id and p.product_id = page.product_id and p.valid_to is null
      order by ${order}
    `.execute(db);
    return result.rows;
  }
  const result = await sql<FeatureRow>`
    with page as (${page}),
    -- The page's parties as one array: the planner then looks their rows up by the party index,
    -- where a set it cannot size (a CTE) made PGlite scan every loan and instalment for every page.
    parties as (select array_agg(distinct party_key) as keys from page),
    repaid as (
      select r.institution_id, r.loan_id, r.paid_date,
        ${PRINCIPAL_REPAID} as principal_repaid
      from filed_repayment r
      where r.valid_to is null and r.paid_date is not null and r.party_key = any((select keys from parties)::text[])
    ),
    borrowed as (
      select l.party_key, l.institution_id, l.loan_id, l.contract_date, l.principal_fen
      from filed_loan l
      where l.valid_to is null and l.party_key = any((select keys from parties)::text[])
    ),
    repaid_by_day as (select institution_id, loan_id, paid_date, sum(principal_repaid) as principal_repaid from repaid group by institution_id, loan_id, paid_date),
    owed_then as (
      select p.institution_id as at_institution, p.loan_id as at_loan, b.institution_id, b.loan_id,
        greatest(b.principal_fen - coalesce(sum(rp.principal_repaid), 0), 0) as owed
      from page p
      join borrowed b on b.party_key = p.party_key and (b.contract_date, b.institution_id, b.loan_id) <= (p.contract_date, p.institution_id, p.loan_id)
      left join repaid_by_day rp on rp.institution_id = b.institution_id and rp.loan_id = b.loan_id and rp.paid_date <= p.contract_date
      ${computed.balances ? sql`` : sql`where false`}
      group by p.institution_id, p.loan_id, b.institution_id, b.loan_id, b.principal_fen
    ),
    -- Materialised: computed once and hashed. Inlined, the embedded engine's planner (no statistics)
    -- re-ran the aggregates for every loan of the page, quadratic in the page's size.
    balances as materialized (
      select at_institution, at_loan,
        sum(owed) filter (where institution_id = at_institution and loan_id = at_loan) as outstanding,
        sum(owed) filter (where institution_id = at_institution) as on_platform,
        sum(owed) as all_platforms
      from owed_then group by at_institution, at_loan
    ),
    owed_now as (
      select b.party_key, b.institution_id, greatest(b.principal_fen - coalesce(sum(rp.principal_repaid), 0), 0) as owed
      from borrowed b
      left join repaid_by_day rp on rp.institution_id = b.institution_id and rp.loan_id = b.loan_id
      ${computed.platforms ? sql`` : sql`where false`}
      group by b.party_key, b.institution_id, b.loan_id, b.principal_fen
    ),
    platforms as materialized (select party_key, count(distinct institution_id) filter (where owed > 0) as platforms from owed_now group by party_key)
    select page.*, page.loan_id as record_id, p.product_type as product_type_feature,
      bl.outstanding, bl.on_platform, bl.all_platforms, pl.platforms
    from page
    left join balances bl on bl.at_institution = page.institution_id and bl.at_loan = page.loan_id
    left join platforms pl on pl.party_key = page.party_key
    left join filed_product p on p.institution_id = page.institution_id and p.product_id = page.product_id and p.valid_to is null
    order by ${order}
  `.execute(db);
  return result.rows;
}

async function repayments(db: Kysely<Database>, filingId: string, after: string, limit: number, wanted: Columns): Promise<FeatureRow[]> {
  const columns = await columnList(db, 'filed_repayment', 'repayment', wanted);
  const result = await sql<FeatureRow>`
    with page as (select ${columns} from filed_repayment where filing_id = ${filingId} and valid_to is null and repayment_id > ${after} order by repayment_id limit ${limit})
    select page.*, page.repayment_id as record_id, l.contract_date as loan_contract_date, p.product_type as product_type_feature
    from page
    left join filed_loan l on l.institution_id = page.institution_id and l.loan_id = page.loan_id and l.valid_to is null
    left join filed_product p on p.institution_id = l.institution_id and p.product_id = l.product_id and p.valid_to is null
    order by page.repayment_id
  `.execute(db);
  return result.rows;
}

/**
 * Payments with the balance-payment totals Art.11 of PBOC Announcement [2015] No.43 limits. Class I:
 * one account since it was opened, transfers to the payer's own bank account (withdrawals)
 * included. Classes II and III: a year (China calendar) of all the payer's payment accounts at the
 * institution, which it must manage together, withdrawals to the payer's own bank account excluded.
 */
function paymentPage(scope: RecordScope, after: string, limit: number, columns: RawBuilder<unknown>, aliased: RawBuilder<unknown>) {
  if ('filingId' in scope) {
    return sql`select ${columns} from filed_payment where filing_id = ${scope.filingId} and valid_to is null and payment_id > ${after} order by payment_id limit ${limit}`;
  }
  // Each party's payments by the party index, one party after another, as for loans.
  const keys = [...scope.partyKeys];
  const from = scope.paidFrom ? [...scope.paidFrom] : keys.map(() => `${EVERY_DAY}T00:00:00Z`);
  return sql`select ${aliased} from unnest(${keys}::text[], ${from}::timestamptz[]) as s(party_key, paid_from)
    cross join lateral (select * from filed_payment f where f.party_key = s.party_key and f.valid_to is null and f.transaction_time >= s.paid_from) as p
    where (p.institution_id::text || '|' || p.payment_id) > ${after}
    ${scope.within ? sql`and p.institution_id = ${scope.within}` : sql``}
    ${scope.exclude ? sql`and not (p.institution_id = ${scope.exclude.institutionId} and p.period = ${scope.exclude.period})` : sql``}
    order by p.institution_id::text || '|' || p.payment_id limit ${limit}`;
}

async function payments(db: Kysely<Database>, scope: RecordScope, after: string, limit: number, wanted: Columns): Promise<FeatureRow[]> {
  const columns = await columnList(db, 'filed_payment', 'payment', wanted);
  const aliased = await columnList(db, 'filed_payment', 'payment', wanted, 'p');
  const result = await sql<FeatureRow>`
    with page as (${paymentPage(scope, after, limit, columns, aliased)}),
    payers as (select distinct institution_id, party_key from page),
    history as (
      select h.institution_id, h.payment_id,
        sum(case when h.channel in ('balance', 'withdrawal') and h.status = 'succeeded' then h.amount_fen else 0 end)
          over (partition by h.institution_id, h.payer_account_pseudonym order by h.transaction_time, h.payment_id) as since_opening,
        sum(case when h.channel = 'balance' and h.status = 'succeeded' then h.amount_fen else 0 end)
          over (partition by h.institution_id, h.party_key, ${chinaYear('h.transaction_time')} order by h.transaction_time, h.payment_id) as this_year
      from filed_payment h
      join payers a on a.institution_id = h.institution_id and a.party_key = h.party_key
      where h.valid_to is null
    )
    select page.*, page.payment_id as record_id, hi.since_opening, hi.this_year
    from page join history hi on hi.institution_id = page.institution_id and hi.payment_id = page.payment_id
    order by ${'filingId' in scope ? sql`page.payment_id` : sql`page.institution_id::text || '|' || page.payment_id`}
  `.execute(db);
  return result.rows;
}

async function collections(db: Kysely<Database>, filingId: string, after: string, limit: number, wanted: Columns): Promise<FeatureRow[]> {
  const columns = await columnList(db, 'filed_collection', 'collection', wanted);
  const result = await sql<FeatureRow>`
    with page as (select ${columns} from filed_collection where filing_id = ${filingId} and valid_to is null and collection_id > ${after} order by collection_id limit ${limit}),
    debtors as (select distinct institution_id, debtor_pseudonym from page),
    calls as (
      select c.institution_id, c.collection_id, (c.channel = 'phone_call' and coalesce(c.call_connected, false)) as connected, ${chinaDay('c.action_time')} as china_day, c.debtor_pseudonym, c.action_time
      from filed_collection c
      join debtors d on d.institution_id = c.institution_id and d.debtor_pseudonym = c.debtor_pseudonym
      where c.valid_to is null
    ),
    counted as (
      select calls.*,
        count(*) filter (where connected) over (partition by institution_id, debtor_pseudonym, china_day) as calls_day,
        row_number() over (partition by institution_id, debtor_pseudonym, china_day, connected order by action_time, collection_id) as call_rank
      from calls
    )
    select page.*, page.collection_id as record_id, k.calls_day, case when k.connected then k.call_rank else 0 end as call_order
    from page join counted k on k.institution_id = page.institution_id and k.collection_id = page.collection_id
    order by page.collection_id
  `.execute(db);
  return result.rows;
}

const simple: Partial<Record<RecordType, { table: string; id: string }>> = {
  product: { table: 'filed_product', id: 'product_id' },
  fund_flow: { table: 'filed_fund_flow', id: 'flow_id' },
  disclosure: { table: 'filed_disclosure', id: 'disclosure_id' },
  complaint: { table: 'filed_complaint', id: 'complaint_id' },
  algorithm_decision: { table: 'filed_algorithm_decision', id: 'decision_id' },
};

/**
 * One page of records in `scope` whose id sorts after `after`, with the SQL features of their
 * record type (of loans, those `loanFeatures` asks for). A scope of party keys is read for loans
 * and payments only.
 */
export async function recordPage(db: Kysely<Database>, recordType: RecordType, scope: RecordScope, after: string, limit: number, wanted: Columns = null, loanFeatures: LoanFeatureSet = { balances: true, platforms: true }): Promise<FeatureRow[]> {
  if (recordType === 'loan') return loans(db, scope, after, limit, wanted, loanFeatures);
  if (recordType === 'payment') return payments(db, scope, after, limit, wanted);
  if (!('filingId' in scope)) return [];
  switch (recordType) {
    case 'repayment':
      return repayments(db, scope.filingId, after, limit, wanted);
    case 'collection':
      return collections(db, scope.filingId, after, limit, wanted);
    default: {
      const { table, id } = simple[recordType]!;
      const columns = await columnList(db, table, recordType, wanted);
      const result = await sql<FeatureRow>`select ${columns}, ${sql.ref(id)} as record_id from ${sql.table(table)} where filing_id = ${scope.filingId} and valid_to is null and ${sql.ref(id)} > ${after} order by ${sql.ref(id)} limit ${limit}`.execute(db);
      return result.rows;
    }
  }
}

/** A party whose records a filing changed, and the earliest day those records speak of. */
export interface ChangedParty {
  partyKey: string;
  /**
   * Loans: the earliest contract date of the party's changed loans; repayments: the earliest day
   * any of their states says was paid (null when none was); payments: the earliest instant any
   * of them was made (ISO 8601, UTC). Every state of each record counts, the ones this filing
   * replaced too.
   */
  changedFrom: string | null;
}

const CHANGED: Record<'loan' | 'repayment' | 'payment', { table: string; id: string; day: string; format: string }> = {
  loan: { table: 'filed_loan', id: 'loan_id', day: 'contract_date', format: 'YYYY-MM-DD' },
  repayment: { table: 'filed_repayment', id: 'repayment_id', day: 'paid_date', format: 'YYYY-MM-DD' },
  // An instant, written in UTC whatever the session's time zone.
  payment: { table: 'filed_payment', id: 'payment_id', day: 'transaction_time', format: 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"' },
};

/**
 * Whose balances or payment totals a filing may have changed: the party keys of its records and,
 * for a resubmission (`replaced`), of the rows of the same institution and period that earlier
 * versions filed, so that the borrowers and payers of records it dropped are re-checked too; each
 * with the earliest day its changed records speak of, over every state they were ever filed in.
 */
export async function partiesChangedByFiling(db: Kysely<Database>, recordType: 'loan' | 'repayment' | 'payment', filing: { filingId: string; institutionId: string; period: string; replaced: boolean }): Promise<ChangedParty[]> {
  const { table: name, id: idColumn, day, format } = CHANGED[recordType];
  const table = sql.table(name);
  const id = sql.ref(idColumn);
  const changed = sql`select party_key, institution_id, ${id} as record_id from ${table} where filing_id = ${filing.filingId}
    ${filing.replaced ? sql`union select party_key, institution_id, ${id} from ${table} where institution_id = ${filing.institutionId} and period = ${filing.period} and valid_to is not null` : sql``}`;
  // Every state of each changed record (by the primary key, which leads with the party).
  const result = await sql<{ party_key: string; changed_from: string | null }>`
    with changed as (${changed})
    select c.party_key, to_char(min(h.${sql.ref(day)})${recordType === 'payment' ? sql` at time zone 'UTC'` : sql``}, ${format}) as changed_from
    from changed c join ${table} h on h.party_key = c.party_key and h.institution_id = c.institution_id and h.${id} = c.record_id
    group by c.party_key
  `.execute(db);
  return result.rows.map((row) => ({ partyKey: row.party_key, changedFrom: row.changed_from }));
}

/**
 * The borrower key at which a sweep's page of about `limit` loans in force after `after` ends
 * (null: the rest fit in one page). A page ends at a borrower's last loan, never inside one.
 */
export async function borrowerPageEnd(db: Kysely<Database>, after: string, limit: number): Promise<string | null> {
  const result = await sql<{ party_key: string }>`select party_key from filed_loan where valid_to is null and party_key > ${after} order by party_key offset ${limit - 1} limit 1`.execute(db);
  return result.rows[0]?.party_key ?? null;
}

/** How many loans are in force (a sweep's total, for its progress). */
export async function loansInForce(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from filed_loan where valid_to is null`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The principal a loan's repayments paid back on one day (a payment covers interest and fees first). */
export interface RepaidOnDay {
  institution_id: string;
  loan_id: string;
  paid_date: string;
  principal_repaid: number;
}

/**
 * The loans in force of the borrowers whose keys sort after `after` up to and including `through`
 * (null: every later one), each borrower's loans together in signing order (contract date, then
 * institution, then loan id, as the database orders them), with the columns `wanted`, the
 * principal and the product type; and what their repayments paid back by loan and day, in day order.
 */
export async function borrowerLedger(db: Kysely<Database>, after: string, through: string | null, wanted: Columns): Promise<{ loans: FeatureRow[]; repaid: RepaidOnDay[] }> {
  const columns = await columnList(db, 'filed_loan', 'loan', wanted === null ? null : [...wanted, 'principal_fen'], 'l');
  const upTo = (alias: string) => (through === null ? sql`` : sql`and ${sql.ref(`${alias}.party_key`)} <= ${through}`);
  const [loans, repaid] = await Promise.all([
    sql<FeatureRow>`select ${columns}, l.loan_id as record_id, p.product_type as product_type_feature
      from filed_loan l
      left join filed_product p on p.institution_id = l.institution_id and p.product_id = l.product_id and p.valid_to is null
      where l.valid_to is null and l.party_key > ${after} ${upTo('l')}
      order by l.party_key, l.contract_date, l.institution_id, l.loan_id`.execute(db),
    sql<RepaidOnDay>`select r.institution_id, r.loan_id, r.paid_date::text as paid_date,
        sum(${PRINCIPAL_REPAID}) as principal_repaid
      from filed_repayment r
      where r.valid_to is null and r.paid_date is not null and r.party_key > ${after} ${upTo('r')}
      group by r.institution_id, r.loan_id, r.paid_date
      order by r.paid_date`.execute(db),
  ]);
  return { loans: loans.rows, repaid: repaid.rows };
}
