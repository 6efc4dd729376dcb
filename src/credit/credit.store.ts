/**
 * Tradelines, notices and inquiries. Tradelines are built in SQL from the standard's shared domain
 * tables (filed loans and instalments, with their history), one institution's parties at a time.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import '../standard/domain.schema.js';
import './credit.schema.js';

export type TradelineRow = Selectable<Database['tradeline']>;
export type NoticeRow = Selectable<Database['credit_notice']>;
export type InquiryRow = Selectable<Database['credit_inquiry']>;

/** The people (party keys) whose loans or instalments a filing holds, and those of the rows it replaced. */
export async function partiesOfFiling(db: Kysely<Database>, recordType: 'loan' | 'repayment', filing: { filingId: string; institutionId: string; period: string; replaced: boolean }): Promise<string[]> {
  const table = sql.table(recordType === 'loan' ? 'filed_loan' : 'filed_repayment');
  const result = await sql<{ party_key: string }>`
    select distinct party_key from ${table} where filing_id = ${filing.filingId}
    ${filing.replaced ? sql`union select party_key from ${table} where institution_id = ${filing.institutionId} and period = ${filing.period} and valid_to is not null` : sql``}
  `.execute(db);
  // A person's key is their pseudonym; organisations ('uscc:…') and instalments of loans not filed yet ('loan:…') have no credit report here.
  return result.rows.map((row) => row.party_key).filter((key) => !key.includes(':'));
}

/**
 * Rebuild the tradelines of `partyKeys` at one institution from the filings in force, and record a
 * notice for every negative record not noticed before (Art.15). Returns the tradelines written.
 */
export async function rebuildTradelines(db: Kysely<Database>, institutionId: string, partyKeys: readonly string[], sourceFilingId: string): Promise<number> {
  if (partyKeys.length === 0) return 0;
  const keys = [...partyKeys];
  // One rebuild of an institution's tradelines at a time (an event handler and a re-run may meet).
  await sql`select pg_advisory_xact_lock(hashtext(${`tradeline:${institutionId}`}))`.execute(db);
  await sql`delete from tradeline where institution_id = ${institutionId} and party_key = any(${keys}::text[])`.execute(db);
  const inserted = await sql`
    insert into tradeline (party_key, institution_id, loan_id, product_type, purpose, opened_on, principal_fen, balance_fen, installments, status,
      days_past_due, worst_days_past_due, grid_to, grid, negative_from, negative_ended_on, source_filing_id)
    with loans as (
      select l.* from filed_loan l
      where l.valid_to is null and l.institution_id = ${institutionId} and l.party_key = any(${keys}::text[]) and l.borrower_pseudonym is not null
    ),
    -- Each instalment's state as filed for each period: the row in force, or one a later period's state replaced.
    states as (
      select r.* from filed_repayment r
      where r.institution_id = ${institutionId} and r.party_key = any(${keys}::text[])
        and (r.valid_to is null or exists (
          select 1 from filed_repayment n
          where n.party_key = r.party_key and n.institution_id = r.institution_id and n.repayment_id = r.repayment_id and n.period > r.period))
    ),
    -- Each instalment now: its state in the latest period filed.
    latest as (
      select distinct on (s.loan_id, s.installment_number) s.*
      from states s order by s.loan_id, s.installment_number, s.period desc, s.valid_from desc
    ),
    now_ as (
      select l.loan_id,
        coalesce(sum(least(x.principal_due_fen, greatest(x.amount_paid_fen - x.interest_due_fen - x.fee_due_fen, 0))), 0) as principal_repaid,
        coalesce(max(x.days_past_due), 0) as days_past_due,
        bool_or(x.status = 'written_off') as written_off,
        bool_or(x.days_past_due > 0 or x.status = 'overdue') as overdue,
        count(*) filter (where x.status in ('paid_on_time', 'paid_late', 'prepaid')) as paid
      from loans l left join latest x on x.loan_id = l.loan_id
      group by l.loan_id
    ),
    ever as (
      select s.loan_id, max(s.days_past_due) as worst, min(s.due_date) filter (where s.days_past_due > 0 or s.status = 'overdue') as negative_from,
        max(s.period) as last_period
      from states s group by s.loan_id
    ),
    -- The day the negative record ended: the last payment of the instalments that were ever overdue
    -- (a join, not a correlated look-up in the CTE, which would read it once per instalment).
    ever_late as (
      select distinct s.loan_id, s.installment_number from states s where s.days_past_due > 0 or s.status = 'overdue'
    ),
    ended as (
      select x.loan_id, max(x.paid_date) as ended_on
      from latest x join ever_late e on e.loan_id = x.loan_id and e.installment_number = x.installment_number
      group by x.loan_id
    ),
    per_month as (
      select s.loan_id, s.period, max(s.days_past_due) as dpd, bool_or(s.status = 'written_off') as written_off
      from states s group by s.loan_id, s.period
    ),
    summary as (
      select l.*, n.principal_repaid, n.days_past_due as dpd_now, n.written_off, n.overdue, n.paid,
        e.worst, e.negative_from, d.ended_on, greatest(coalesce(e.last_period, l.period), l.period) as grid_to
      from loans l join now_ n on n.loan_id = l.loan_id left join ever e on e.loan_id = l.loan_id left join ended d on d.loan_id = l.loan_id
    ),
    grids as (
      select t.loan_id, string_agg(
        case
          when m.month < to_char(t.contract_date, 'YYYY-MM') then '/'
          when p.written_off then 'W'
          when p.dpd is null then '*'
          when p.dpd = 0 then 'N'
          when p.dpd <= 30 then '1' when p.dpd <= 60 then '2' when p.dpd <= 90 then '3' when p.dpd <= 120 then '4'
          when p.dpd <= 150 then '5' when p.dpd <= 180 then '6' else '7'
        end, '' order by m.month) as grid
      from summary t
      cross join lateral (select to_char(to_date(t.grid_to || '-01', 'YYYY-MM-DD') - make_interval(months => 23 - g), 'YYYY-MM') as month from generate_series(0, 23) as g) m
      left join per_month p on p.loan_id = t.loan_id and p.period = m.month
      group by t.loan_id
    )
    select t.party_key, t.institution_id, t.loan_id,
      (select pr.product_type from filed_product pr where pr.institution_id = t.institution_id and pr.product_id = t.product_id and pr.valid_to is null limit 1),
      t.purpose, t.contract_date, t.principal_fen, greatest(t.principal_fen - t.principal_repaid, 0), t.installments,
      case when t.written_off then 'written_off' when t.overdue then 'overdue' when t.paid >= t.installments then 'closed' else 'current' end,
      t.dpd_now, coalesce(t.worst, 0), t.grid_to, g.grid,
      t.negative_from,
      case when t.negative_from is not null and not t.overdue and not t.written_off then t.ended_on end,
      ${sourceFilingId}::uuid
    from summary t join grids g on g.loan_id = t.loan_id
  `.execute(db);
  await sql`
    insert into credit_notice (notice_id, party_key, institution_id, loan_id, negative_from)
    select gen_random_uuid(), party_key, institution_id, loan_id, negative_from from tradeline
    where institution_id = ${institutionId} and party_key = any(${keys}::text[]) and negative_from is not null
    on conflict (party_key, institution_id, loan_id, negative_from) do nothing
  `.execute(db);
  return Number(inserted.numAffectedRows ?? 0);
}

/** Write tradelines as they stand (history with no filing behind it), a thousand rows a statement. */
export async function insertTradelines(db: Kysely<Database>, rows: readonly Insertable<Database['tradeline']>[]): Promise<number> {
  for (let i = 0; i < rows.length; i += 1000) await db.insertInto('tradeline').values(rows.slice(i, i + 1000)).execute();
  return rows.length;
}

export async function tradelinesOf(db: Kysely<Database>, partyKey: string): Promise<TradelineRow[]> {
  return db.selectFrom('tradeline').selectAll().where('party_key', '=', partyKey).orderBy('opened_on', 'desc').orderBy('loan_id').execute();
}

export async function noticesOf(db: Kysely<Database>, partyKey: string): Promise<NoticeRow[]> {
  return db.selectFrom('credit_notice').selectAll().where('party_key', '=', partyKey).orderBy('created_at', 'desc').execute();
}

export async function recordInquiry(db: Kysely<Database>, row: { party_key: string; institution_id: string | null; purpose: string; consent_id: string | null }): Promise<string> {
  const inquiryId = randomUUID();
  await db.insertInto('credit_inquiry').values({ inquiry_id: inquiryId, ...row }).execute();
  return inquiryId;
}

export async function inquiriesOf(db: Kysely<Database>, partyKey: string, since: Date): Promise<InquiryRow[]> {
  return db.selectFrom('credit_inquiry').selectAll().where('party_key', '=', partyKey).where('at', '>=', since).orderBy('at', 'desc').execute();
}

export type DisputeRow = Selectable<Database['credit_dispute']>;

export async function tradeline(db: Kysely<Database>, partyKey: string, institutionId: string, loanId: string): Promise<TradelineRow | undefined> {
  return db.selectFrom('tradeline').selectAll().where('party_key', '=', partyKey).where('institution_id', '=', institutionId).where('loan_id', '=', loanId).executeTakeFirst();
}

export async function insertDispute(db: Kysely<Database>, row: Omit<DisputeRow, 'statement' | 'answered_at' | 'escalated_at'>): Promise<void> {
  await db.insertInto('credit_dispute').values({ ...row, statement: null, answered_at: null, escalated_at: null }).execute();
}

export async function disputeById(db: Kysely<Database>, disputeId: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('credit_dispute').selectAll().where('dispute_id', '=', disputeId).executeTakeFirst();
}

export async function disputesOf(db: Kysely<Database>, partyKey: string): Promise<DisputeRow[]> {
  return db.selectFrom('credit_dispute').selectAll().where('party_key', '=', partyKey).orderBy('filed_at', 'desc').execute();
}

export async function disputesAt(db: Kysely<Database>, institutionIds: readonly string[], status: string | undefined): Promise<DisputeRow[]> {
  if (institutionIds.length === 0) return [];
  let query = db.selectFrom('credit_dispute').selectAll().where('institution_id', 'in', [...institutionIds]);
  if (status) query = query.where('status', '=', status as DisputeRow['status']);
  return query.orderBy('due_on').orderBy('filed_at').limit(500).execute();
}

/** Answer an open or escalated dispute; false when it was answered meanwhile. */
export async function answerDispute(db: Kysely<Database>, disputeId: string, status: 'corrected' | 'kept', statement: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('credit_dispute').set({ status, statement, answered_at: at }).where('dispute_id', '=', disputeId).where('status', 'in', ['open', 'escalated']).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Escalate every open dispute whose last day is before `today`; returns them. */
export async function escalateOverdue(db: Kysely<Database>, today: string, at: Date): Promise<DisputeRow[]> {
  return db.updateTable('credit_dispute').set({ status: 'escalated', escalated_at: at }).where('status', '=', 'open').where('due_on', '<', today).returningAll().execute();
}

export type ModelRow = Selectable<Database['credit_model']>;

/** Every tradeline's facts for training, oldest grids first. */
export async function allTradelineFacts(db: Kysely<Database>): Promise<{ party_key: string; institution_id: string; opened_on: string; principal_fen: number; grid_to: string; grid: string }[]> {
  return db.selectFrom('tradeline').select(['party_key', 'institution_id', 'opened_on', 'principal_fen', 'grid_to', 'grid']).execute();
}

export async function insertModel(db: Kysely<Database>, row: { snapshot: string; horizon_months: number; rows_used: number; bads: number; model: string; metrics: string }): Promise<number> {
  const inserted = await db.insertInto('credit_model').values(row).returning('version').executeTakeFirstOrThrow();
  return inserted.version;
}

export async function latestModel(db: Kysely<Database>): Promise<ModelRow | undefined> {
  return db.selectFrom('credit_model').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function models(db: Kysely<Database>): Promise<ModelRow[]> {
  return db.selectFrom('credit_model').selectAll().orderBy('version', 'desc').execute();
}
