/**
 * The filed records a monitoring run checks, a page at a time, with the features that span
 * records or institutions computed beside them in SQL: balances across platforms, cumulative
 * balance payments of an account, connected calls per debtor and China-time day. Reads the
 * standard's shared domain tables (rows in force: `valid_to is null`).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database.js';
import type { RecordType } from '../standard/standard.js';
import '../standard/domain.schema.js';

/** One row: the record's columns, its id, and the SQL-computed features. */
export type FeatureRow = Record<string, unknown> & { record_id: string; party_key: string; period: string; filing_id: string; institution_id: string };

/** Which records a page reads: those of one filing, or the loans in force of some parties (a cross-institution re-check). */
export type RecordScope = { filingId: string } | { partyKeys: readonly string[]; excludeInstitutionId?: string };

// The China-time calendar day of a timestamp, computed the same way on both engines (no time-zone database needed).
const chinaDay = (column: string) => sql.raw(`((${column} at time zone 'UTC') + interval '8 hours')::date`);
const chinaYear = (column: string) => sql.raw(`extract(year from (${column} at time zone 'UTC') + interval '8 hours')`);

function loanPage(scope: RecordScope, after: string, limit: number) {
  if ('filingId' in scope) {
    return sql`select * from filed_loan where filing_id = ${scope.filingId} and valid_to is null and loan_id > ${after} order by loan_id limit ${limit}`;
  }
  const keys = [...scope.partyKeys];
  return sql`select * from filed_loan where valid_to is null and party_key = any(${keys}::text[])
    ${scope.excludeInstitutionId ? sql`and institution_id <> ${scope.excludeInstitutionId}` : sql``}
    and (institution_id::text || '|' || loan_id) > ${after} order by institution_id::text || '|' || loan_id limit ${limit}`;
}

/** How a loan page is ordered and resumed: the loan id within a filing, institution and loan id across institutions. */
function loanOrder(scope: RecordScope, alias: string) {
  return 'filingId' in scope ? sql.raw(`${alias}.loan_id`) : sql.raw(`(${alias}.institution_id::text || '|' || ${alias}.loan_id)`);
}

/**
 * The page's rows among its parties' loans in force: in the page's filing (or, across institutions,
 * outside the excluded one), ordered after `after`, up to the page's last. Across institutions the
 * rows are already of the scope's parties (the page's parties are among them), so the long list of
 * party keys is not tested again row by row.
 */
function inLoanPage(scope: RecordScope, alias: string, after: string) {
  const order = loanOrder(scope, alias);
  const within = 'filingId' in scope
    ? sql`${sql.raw(alias)}.filing_id = ${scope.filingId}`
    : scope.excludeInstitutionId ? sql`${sql.raw(alias)}.institution_id <> ${scope.excludeInstitutionId}` : sql`true`;
  return sql`${within} and ${order} > ${after} and ${order} <= (select last from bounds)`;
}

/**
 * Loans with their balances: each loan's unpaid principal is its principal less what its current
 * instalment states repaid of principal (a payment covers interest and fees first). A borrower's
 * balance "as of" a loan sums the loans in force signed up to and including it, so a limit fires
 * on the loan that crossed it, once, and a later loan elsewhere does not move that alert.
 *
 * The page's loans are picked out of their parties' balances by their place in the page's order
 * (after `after`, up to the page's last) rather than by a join to the page: the planner cannot size
 * either set, and the join it chose for a few rows became a nested loop over thousands on PGlite.
 * Their full rows are then read by key.
 */
async function loans(db: Kysely<Database>, scope: RecordScope, after: string, limit: number): Promise<FeatureRow[]> {
  const result = await sql<FeatureRow>`
    with page as (${loanPage(scope, after, limit)}),
    -- The page's parties as one array: the planner then looks their rows up by the party index,
    -- where a set it cannot size (a CTE) made it scan every loan and instalment for every page.
    bounds as (select array_agg(distinct party_key) as keys, max(${loanOrder(scope, 'page')}) as last from page),
    repaid as (
      select r.institution_id, r.loan_id,
        sum(least(r.principal_due_fen, greatest(r.amount_paid_fen - r.interest_due_fen - r.fee_due_fen, 0))) as principal_repaid
      from filed_repayment r
      where r.valid_to is null and r.party_key = any((select keys from bounds)::text[])
      group by r.institution_id, r.loan_id
    ),
    balances as (
      select l.party_key, l.institution_id, l.loan_id, l.filing_id, l.contract_date,
        greatest(l.principal_fen - coalesce(rp.principal_repaid, 0), 0) as outstanding
      from filed_loan l
      left join repaid rp on rp.institution_id = l.institution_id and rp.loan_id = l.loan_id
      where l.valid_to is null and l.party_key = any((select keys from bounds)::text[])
    ),
    ranked as (
      select b.*,
        sum(b.outstanding) over (partition by b.party_key, b.institution_id order by b.contract_date, b.loan_id rows unbounded preceding) as on_platform,
        sum(b.outstanding) over (partition by b.party_key order by b.contract_date, b.institution_id, b.loan_id rows unbounded preceding) as all_platforms,
        -- One row of each institution counts it among the borrower's platforms when any of its loans there is outstanding.
        case when row_number() over (partition by b.party_key, b.institution_id order by b.loan_id) = 1
          and max(b.outstanding) over (partition by b.party_key, b.institution_id) > 0 then 1 else 0 end as platform_counted
      from balances b
    ),
    counted as (select ranked.*, sum(ranked.platform_counted) over (partition by ranked.party_key) as platforms from ranked)
    select l.*, l.loan_id as record_id, p.product_type as product_type_feature,
      c.outstanding, c.on_platform, c.all_platforms, c.platforms
    from counted c
    -- The page's full rows by their key (an index lookup, whatever the planner guesses of c).
    join filed_loan l on l.institution_id = c.institution_id and l.loan_id = c.loan_id and l.party_key = c.party_key and l.valid_to is null
    left join filed_product p on p.institution_id = l.institution_id and p.product_id = l.product_id and p.valid_to is null
    where ${inLoanPage(scope, 'c', after)}
    order by ${loanOrder(scope, 'c')}
  `.execute(db);
  return result.rows;
}

async function repayments(db: Kysely<Database>, filingId: string, after: string, limit: number): Promise<FeatureRow[]> {
  const result = await sql<FeatureRow>`
    with page as (select * from filed_repayment where filing_id = ${filingId} and valid_to is null and repayment_id > ${after} order by repayment_id limit ${limit})
    select page.*, page.repayment_id as record_id, l.contract_date as loan_contract_date, p.product_type as product_type_feature
    from page
    left join filed_loan l on l.institution_id = page.institution_id and l.loan_id = page.loan_id and l.valid_to is null
    left join filed_product p on p.institution_id = l.institution_id and p.product_id = l.product_id and p.valid_to is null
    order by page.repayment_id
  `.execute(db);
  return result.rows;
}

async function payments(db: Kysely<Database>, filingId: string, after: string, limit: number): Promise<FeatureRow[]> {
  const result = await sql<FeatureRow>`
    with page as (select * from filed_payment where filing_id = ${filingId} and valid_to is null and payment_id > ${after} order by payment_id limit ${limit}),
    accounts as (select distinct institution_id, payer_account_pseudonym from page),
    history as (
      select h.institution_id, h.payment_id,
        sum(case when h.channel = 'balance' and h.status = 'succeeded' then h.amount_fen else 0 end)
          over (partition by h.institution_id, h.payer_account_pseudonym order by h.transaction_time, h.payment_id) as since_opening,
        sum(case when h.channel = 'balance' and h.status = 'succeeded' then h.amount_fen else 0 end)
          over (partition by h.institution_id, h.payer_account_pseudonym, ${chinaYear('h.transaction_time')} order by h.transaction_time, h.payment_id) as this_year
      from filed_payment h
      join accounts a on a.institution_id = h.institution_id and a.payer_account_pseudonym = h.payer_account_pseudonym
      -- The same accounts as an array too, so that their payments are found by the account index rather than a scan of every payment.
      where h.valid_to is null and h.payer_account_pseudonym = any((select array_agg(distinct payer_account_pseudonym) from page)::text[])
    )
    select page.*, page.payment_id as record_id, hi.since_opening, hi.this_year
    from page join history hi on hi.institution_id = page.institution_id and hi.payment_id = page.payment_id
    order by page.payment_id
  `.execute(db);
  return result.rows;
}

async function collections(db: Kysely<Database>, filingId: string, after: string, limit: number): Promise<FeatureRow[]> {
  const result = await sql<FeatureRow>`
    with page as (select * from filed_collection where filing_id = ${filingId} and valid_to is null and collection_id > ${after} order by collection_id limit ${limit}),
    debtors as (select distinct institution_id, debtor_pseudonym from page),
    calls as (
      select c.institution_id, c.collection_id, (c.channel = 'phone_call' and coalesce(c.call_connected, false)) as connected, ${chinaDay('c.action_time')} as china_day, c.debtor_pseudonym, c.action_time
      from filed_collection c
      join debtors d on d.institution_id = c.institution_id and d.debtor_pseudonym = c.debtor_pseudonym
      -- The same debtors as an array too, so that their actions are found by the debtor index rather than a scan of every action.
      where c.valid_to is null and c.debtor_pseudonym = any((select array_agg(distinct debtor_pseudonym) from page)::text[])
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
 * record type. A cross-institution scope (party keys) is read for loans only.
 */
export async function recordPage(db: Kysely<Database>, recordType: RecordType, scope: RecordScope, after: string, limit: number): Promise<FeatureRow[]> {
  if (recordType === 'loan') return loans(db, scope, after, limit);
  if (!('filingId' in scope)) return [];
  switch (recordType) {
    case 'repayment':
      return repayments(db, scope.filingId, after, limit);
    case 'payment':
      return payments(db, scope.filingId, after, limit);
    case 'collection':
      return collections(db, scope.filingId, after, limit);
    default: {
      const { table, id } = simple[recordType]!;
      const result = await sql<FeatureRow>`select *, ${sql.ref(id)} as record_id from ${sql.table(table)} where filing_id = ${scope.filingId} and valid_to is null and ${sql.ref(id)} > ${after} order by ${sql.ref(id)} limit ${limit}`.execute(db);
      return result.rows;
    }
  }
}

/** The party keys of a filing's loans or repayments: whose balances it may have changed. */
export async function partyKeysOfFiling(db: Kysely<Database>, recordType: 'loan' | 'repayment', filingId: string): Promise<string[]> {
  const table = recordType === 'loan' ? 'filed_loan' : 'filed_repayment';
  const result = await sql<{ party_key: string }>`select distinct party_key from ${sql.table(table)} where filing_id = ${filingId}`.execute(db);
  return result.rows.map((row) => row.party_key);
}
