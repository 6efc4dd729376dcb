/**
 * Tradelines, notices and inquiries. Tradelines are built in SQL from the standard's shared domain
 * tables (filed loans and instalments, with their history), a filing's people at its institution at a time.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import '../standard/domain.schema.js';
import './credit.schema.js';

export type TradelineRow = Selectable<Database['tradeline']>;
export type NoticeRow = Selectable<Database['credit_notice']>;
export type InquiryRow = Selectable<Database['credit_inquiry']>;

/** A loan or repayment filing whose tradelines are rebuilt: its rows, and those of the version it replaced. */
export interface RebuiltFiling {
  recordType: 'loan' | 'repayment';
  filingId: string;
  institutionId: string;
  period: string;
  /** A later version of its period: the parties of the rows it closed are rebuilt too (a loan may have left). */
  replaced: boolean;
}

/** `YYYY-MM` (text) as a month number, for positions in the 24-month grid. */
const monthNumber = (month: RawBuilder<string> | ReturnType<typeof sql.ref>) => sql<number>`(substr(${month}, 1, 4)::int * 12 + substr(${month}, 6, 2)::int)`;

/**
 * Rebuild, in set-based SQL, the tradelines at the filing's institution of everyone its rows name
 * (and, for a later version, the rows it replaced), from the filings in force; record a notice for
 * every negative record not noticed before (Art.15). Returns the tradelines written.
 *
 * The people go into a temporary table the planner has statistics of, so that each table is read
 * once by a join rather than probed once per person; a grid is put together from the months that
 * have a state (a handful a loan) rather than from 24 generated months a loan. With `share`, only
 * that part of the people (by a hash of their key): the parts of one filing can run at once, each
 * in a transaction of its own.
 */
export async function rebuildTradelinesOfFiling(db: Kysely<Database>, filing: RebuiltFiling, share: { part: number; parts: number } = { part: 0, parts: 1 }): Promise<number> {
  const { filingId, institutionId, period } = filing;
  const { part, parts } = share;
  const table = sql.table(filing.recordType === 'loan' ? 'filed_loan' : 'filed_repayment');
  // One rebuild of an institution's people at a time (an event handler and a re-run may meet): a
  // whole rebuild holds the institution; a part of one shares it with the other parts and holds
  // its own share of the people (split by a hash of their key, so two parts never meet).
  if (parts === 1) await sql`select pg_advisory_xact_lock(hashtext(${`tradeline:${institutionId}`}))`.execute(db);
  else {
    await sql`select pg_advisory_xact_lock_shared(hashtext(${`tradeline:${institutionId}`}))`.execute(db);
    await sql`select pg_advisory_xact_lock(hashtext(${`tradeline:${institutionId}:${part}/${parts}`}))`.execute(db);
  }
  // Sorts and hashes of a whole filing in memory rather than on disk; no JIT compilation, which
  // costs more than it saves on a statement run once.
  await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(db);
  // A person's key is their pseudonym; organisations ('uscc:…') and instalments of loans not filed yet ('loan:…') have no credit report here.
  await sql`drop table if exists pg_temp.credit_rebuilt_party`.execute(db);
  await sql`
    create temporary table credit_rebuilt_party on commit drop as
    select party_key from (
      select party_key from ${table} where filing_id = ${filingId}
      union
      select party_key from ${table} where ${filing.replaced} and institution_id = ${institutionId} and period = ${period} and valid_to is not null
    ) touched
    where strpos(party_key, ':') = 0 and (${parts}::int = 1 or (hashtext(party_key) & 2147483647) % ${parts}::int = ${part}::int)`.execute(db);
  await sql`analyze credit_rebuilt_party`.execute(db);
  const parties = await sql<{ any: boolean }>`select exists (select 1 from credit_rebuilt_party) as any`.execute(db);
  if (!parties.rows[0]?.any) return 0;
  // By the primary key, person by person: a join would read the whole table for a filing's share of it.
  await sql`delete from tradeline where party_key = any(array(select party_key from credit_rebuilt_party)) and institution_id = ${institutionId}`.execute(db);
  const gridTo = monthNumber(sql.ref('t.grid_to'));
  const result = await sql<{ written: number }>`
    with loans as (
      select l.party_key, l.institution_id, l.loan_id, l.product_id, l.purpose, l.contract_date, l.principal_fen, l.installments, l.period
      from filed_loan l join credit_rebuilt_party p on p.party_key = l.party_key
      where l.institution_id = ${institutionId} and l.valid_to is null and l.borrower_pseudonym is not null
    ),
    -- Each instalment's state as filed for each period: the row in force, or one a later period's state replaced.
    states as (
      select r.loan_id, r.installment_number, r.period, r.valid_from, r.principal_due_fen, r.interest_due_fen, r.fee_due_fen, r.amount_paid_fen,
        r.paid_date, r.due_date, r.days_past_due, r.status
      from filed_repayment r join credit_rebuilt_party p on p.party_key = r.party_key
      where r.institution_id = ${institutionId}
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
      select x.loan_id,
        sum(least(x.principal_due_fen, greatest(x.amount_paid_fen - x.interest_due_fen - x.fee_due_fen, 0))) as principal_repaid,
        max(x.days_past_due) as days_past_due,
        bool_or(x.status = 'written_off') as written_off,
        bool_or(x.days_past_due > 0 or x.status = 'overdue') as overdue,
        count(*) filter (where x.status in ('paid_on_time', 'paid_late', 'prepaid')) as paid
      from latest x group by x.loan_id
    ),
    ever as (
      select s.loan_id, max(s.days_past_due) as worst, min(s.due_date) filter (where s.days_past_due > 0 or s.status = 'overdue') as negative_from,
        max(s.period) as last_period
      from states s group by s.loan_id
    ),
    -- The day the negative record ended: the last payment of the instalments that were ever overdue.
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
      select l.*, coalesce(n.principal_repaid, 0) as principal_repaid, coalesce(n.days_past_due, 0) as dpd_now, n.written_off, n.overdue, coalesce(n.paid, 0) as paid,
        e.worst, e.negative_from, d.ended_on, greatest(coalesce(e.last_period, l.period), l.period) as grid_to
      from loans l left join now_ n on n.loan_id = l.loan_id left join ever e on e.loan_id = l.loan_id left join ended d on d.loan_id = l.loan_id
    ),
    -- The grid, oldest month first: '/' for the months before the loan was opened (the first
    -- \`opened\` of the 24), then '*' for a month with nothing filed, or the month's state.
    framed as (
      select t.loan_id, ${gridTo} - 23 as first_month,
        greatest(0, least(24, (extract(year from t.contract_date)::int * 12 + extract(month from t.contract_date)::int) - (${gridTo} - 23))) as opened
      from summary t
    ),
    placed as (
      select f.loan_id, f.opened, ${monthNumber(sql.ref('p.period'))} - f.first_month as position,
        case
          when p.written_off then 'W'
          when p.dpd is null then '*'
          when p.dpd = 0 then 'N'
          when p.dpd <= 30 then '1' when p.dpd <= 60 then '2' when p.dpd <= 90 then '3' when p.dpd <= 120 then '4'
          when p.dpd <= 150 then '5' when p.dpd <= 180 then '6' else '7'
        end as code
      from framed f join per_month p on p.loan_id = f.loan_id
    ),
    filled as (
      select loan_id, string_agg(repeat('*', position - previous - 1) || code, '' order by position) as body, max(position) as last
      from (
        select loan_id, position, code, coalesce(lag(position) over (partition by loan_id order by position), opened - 1) as previous
        from placed where position >= opened and position <= 23
      ) months
      group by loan_id
    ),
    grids as (
      select f.loan_id, repeat('/', f.opened) || coalesce(g.body, '') || repeat('*', 23 - coalesce(g.last, f.opened - 1)) as grid
      from framed f left join filled g on g.loan_id = f.loan_id
    ),
    products as (
      select distinct on (pr.product_id) pr.product_id, pr.product_type
      from filed_product pr where pr.institution_id = ${institutionId} and pr.valid_to is null order by pr.product_id
    ),
    inserted as (
      insert into tradeline (party_key, institution_id, loan_id, product_type, purpose, opened_on, principal_fen, balance_fen, installments, status,
        days_past_due, worst_days_past_due, grid_to, grid, negative_from, negative_ended_on, source_filing_id)
      select t.party_key, t.institution_id, t.loan_id, pr.product_type,
        t.purpose, t.contract_date, t.principal_fen, greatest(t.principal_fen - t.principal_repaid, 0), t.installments,
        case when t.written_off then 'written_off' when t.overdue then 'overdue' when t.paid >= t.installments then 'closed' else 'current' end,
        t.dpd_now, coalesce(t.worst, 0), t.grid_to, g.grid,
        t.negative_from,
        case when t.negative_from is not null and not t.overdue and not t.written_off then t.ended_on end,
        ${filingId}::uuid
      from summary t join grids g on g.loan_id = t.loan_id left join products pr on pr.product_id = t.product_id
      -- In the order of the primary key: its index is written page by page, not all over.
      order by t.party_key, t.loan_id
      returning party_key, institution_id, loan_id, negative_from
    ),
    noticed as (
      insert into credit_notice (notice_id, party_key, institution_id, loan_id, negative_from)
      select gen_random_uuid(), party_key, institution_id, loan_id, negative_from from inserted where negative_from is not null
      on conflict (party_key, institution_id, loan_id, negative_from) do nothing
    )
    select count(*)::int as written from inserted
  `.execute(db);
  return Number(result.rows[0]?.written ?? 0);
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
