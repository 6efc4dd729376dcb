/**
 * The benchmark's peer: the same national checks written as plain set-based SQL over the whole
 * domain tables (one query per record type, the features as window functions over every row in
 * force, the national parameter values written in), run on the same database in the same run.
 * It finds the hits only: no alert rows, facts or explanations are written, no tiers resolved.
 */
import { sql } from 'kysely';
import type { Services } from '../../src/api/services.js';

const china = (column: string) => `((${column} at time zone 'UTC') + interval '8 hours')`;

function statements(lpr: { effectiveOn: string; rate: number }[]): string[] {
  const lprValues = lpr.map((r) => `('${r.effectiveOn}'::date, ${r.rate}::numeric)`).join(', ');
  const lprAt = (date: string) => `(select lpr_v.rate from (values ${lprValues}) as lpr_v(effective_on, rate) where lpr_v.effective_on <= ${date} order by lpr_v.effective_on desc limit 1)`;
  // Lenders under the private-lending cap: a P2P product, or no approved lending licence.
  const licensed = `(select distinct institution_id from licence where status = 'approved' and licence_type in ('online_lending', 'consumer_finance'))`;
  return [
    `with repaid as (
       select institution_id, loan_id, sum(least(principal_due_fen, greatest(amount_paid_fen - interest_due_fen - fee_due_fen, 0))) as principal_repaid
       from filed_repayment where valid_to is null group by institution_id, loan_id),
     b as (
       select l.institution_id, l.loan_id, l.party_key, l.borrower_type, l.contract_date, l.nominal_annual_rate, l.principal_fen, l.disbursed_fen, l.annualised_cost,
         coalesce(p.product_type, '') as product_type,
         (coalesce(p.product_type, '') = 'p2p_loan' or l.institution_id not in ${licensed}) as capped,
         greatest(l.principal_fen - coalesce(r.principal_repaid, 0), 0) as outstanding
       from filed_loan l
       left join repaid r on r.institution_id = l.institution_id and r.loan_id = l.loan_id
       left join filed_product p on p.institution_id = l.institution_id and p.product_id = l.product_id and p.valid_to is null
       where l.valid_to is null),
     w as (
       select b.*,
         sum(outstanding) over (partition by party_key, institution_id order by contract_date, loan_id rows unbounded preceding) as on_platform,
         sum(outstanding) over (partition by party_key order by contract_date, institution_id, loan_id rows unbounded preceding) as all_platforms,
         ${lprAt('b.contract_date')} as lpr
       from b)
     select v.rule_id, w.institution_id, 'loan' as record_type, w.loan_id as record_id
     from w cross join lateral (values
       ('CN-LOAN-RATE-4LPR', contract_date >= '2020-08-20' and capped and lpr is not null and nominal_annual_rate > round(4 * lpr, 12)),
       ('CN-LOAN-RATE-OLD-VOID', contract_date >= '2015-09-01' and contract_date < '2020-08-20' and capped and nominal_annual_rate > 0.36),
       ('CN-LOAN-RATE-OLD-UNENFORCEABLE', contract_date >= '2015-09-01' and contract_date < '2020-08-20' and capped and nominal_annual_rate > 0.24 and nominal_annual_rate <= 0.36),
       ('CN-LOAN-COST-CASH-LOAN', contract_date >= '2017-12-01' and borrower_type = 'individual' and product_type in ('cash_loan', 'consumer_installment', '') and annualised_cost > 0.36),
       ('CN-LOAN-COST-WINDOW-24', contract_date >= '2020-08-20' and borrower_type = 'individual' and annualised_cost > 0.24),
       ('CN-LOAN-UPFRONT-DEDUCTION', contract_date >= '2021-01-01' and disbursed_fen < principal_fen),
       ('CN-BORROW-INDIVIDUAL-PLATFORM', contract_date >= '2016-08-17' and borrower_type = 'individual' and on_platform > 20000000 and on_platform - outstanding <= 20000000),
       ('CN-BORROW-INDIVIDUAL-ALL', contract_date >= '2016-08-17' and borrower_type = 'individual' and all_platforms > 100000000 and all_platforms - outstanding <= 100000000),
       ('CN-BORROW-ORG-PLATFORM', contract_date >= '2016-08-17' and borrower_type = 'organisation' and on_platform > 100000000 and on_platform - outstanding <= 100000000),
       ('CN-BORROW-ORG-ALL', contract_date >= '2016-08-17' and borrower_type = 'organisation' and all_platforms > 500000000 and all_platforms - outstanding <= 500000000)
     ) as v(rule_id, fires)
     where v.fires`,
    `select 'CN-REPAY-OVERDUE-CHARGES' as rule_id, r.institution_id, 'repayment' as record_type, r.repayment_id as record_id
     from filed_repayment r
     join filed_loan l on l.institution_id = r.institution_id and l.loan_id = r.loan_id and l.valid_to is null
     left join filed_product p on p.institution_id = l.institution_id and p.product_id = l.product_id and p.valid_to is null
     where r.valid_to is null and l.contract_date >= '2020-08-20'
       and (coalesce(p.product_type, '') = 'p2p_loan' or l.institution_id not in ${licensed})
       and (r.overdue_interest_fen is not null or r.penalty_fen is not null) and r.days_past_due > 0 and r.principal_due_fen > 0
       and round((coalesce(r.overdue_interest_fen, 0) + coalesce(r.penalty_fen, 0))::numeric / r.principal_due_fen * 365 / r.days_past_due, 12) > round(4 * ${lprAt('l.contract_date')}, 12)`,
    `with c as (
       select institution_id, collection_id, contacted_party, night_contact_agreed, extract(hour from ${china('action_time')}) as hour, ${china('action_time')}::date as day,
         (channel = 'phone_call' and coalesce(call_connected, false)) as connected,
         row_number() over (partition by institution_id, debtor_pseudonym, ${china('action_time')}::date, (channel = 'phone_call' and coalesce(call_connected, false)) order by action_time, collection_id) as rank
       from filed_collection where valid_to is null)
     select v.rule_id, c.institution_id, 'collection' as record_type, c.collection_id as record_id
     from c cross join lateral (values
       ('CN-COLL-NIGHT', day >= '2024-01-01' and (hour >= 22 or hour < 8) and not coalesce(night_contact_agreed, false)),
       ('CN-COLL-THIRD-PARTY', day >= '2024-01-01' and contacted_party = 'third_party'),
       ('CN-COLL-CALLS-PER-DAY', day >= '2024-01-01' and connected and rank = 4)
     ) as v(rule_id, fires)
     where v.fires`,
    `with p as (
       select institution_id, payment_id, status, channel, payer_verification_class as class, amount_fen, payer_verified_at, transaction_time,
         sum(case when channel = 'balance' and status = 'succeeded' then amount_fen else 0 end)
           over (partition by institution_id, payer_account_pseudonym order by transaction_time, payment_id) as since_opening,
         sum(case when channel = 'balance' and status = 'succeeded' then amount_fen else 0 end)
           over (partition by institution_id, payer_account_pseudonym, extract(year from ${china('transaction_time')}) order by transaction_time, payment_id) as this_year
       from filed_payment where valid_to is null)
     select v.rule_id, p.institution_id, 'payment' as record_type, p.payment_id as record_id
     from p cross join lateral (values
       ('CN-PAY-BEFORE-VERIFICATION', status = 'succeeded' and payer_verified_at > transaction_time),
       ('CN-PAY-CLASS-I-LIMIT', channel = 'balance' and status = 'succeeded' and class = 'I' and since_opening > 100000 and since_opening - amount_fen <= 100000),
       ('CN-PAY-CLASS-II-LIMIT', channel = 'balance' and status = 'succeeded' and class = 'II' and this_year > 10000000 and this_year - amount_fen <= 10000000),
       ('CN-PAY-CLASS-III-LIMIT', channel = 'balance' and status = 'succeeded' and class = 'III' and this_year > 20000000 and this_year - amount_fen <= 20000000)
     ) as v(rule_id, fires)
     where v.fires and ${china('transaction_time')}::date >= '2016-07-01'`,
    `select v.rule_id, f.institution_id, 'fund_flow' as record_type, f.flow_id as record_id
     from filed_fund_flow f join institution i on i.institution_id = f.institution_id
     cross join lateral (values
       ('CN-FUNDS-POOLING', f.flow_type in ('investor_funding', 'investor_payout', 'borrower_repayment', 'loan_disbursement') and not f.via_custodian),
       ('CN-FUNDS-OWN-ACCOUNT', f.to_party_uscc = i.uscc and f.flow_type not in ('platform_fee', 'own_funds'))
     ) as v(rule_id, fires)
     where f.valid_to is null and v.fires and ${china('f.flow_time')}::date >= '2016-08-17'`,
  ];
}

export interface PeerHit {
  rule_id: string;
  institution_id: string;
  record_type: string;
  record_id: string;
}

/** Run the peer's queries one after another; the hits and the time they took. */
export async function peerChecks(services: Services): Promise<{ seconds: number; hits: PeerHit[] }> {
  const db = services.platform.database.db;
  const lpr = (await services.rulebook.lprHistory()).map((r) => ({ effectiveOn: r.effectiveOn, rate: r.rate }));
  const started = performance.now();
  const hits: PeerHit[] = [];
  for (const statement of statements(lpr)) hits.push(...(await sql<PeerHit>`${sql.raw(statement)}`.execute(db)).rows);
  return { seconds: (performance.now() - started) / 1000, hits };
}
