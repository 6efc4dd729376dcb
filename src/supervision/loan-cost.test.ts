import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachEngine, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';

interface CostReply {
  source: string;
  instalments: number;
  instalmentsFiled: number;
  disbursedFen: number;
  totalRepaidFen: number;
  costFen: number;
  cost: { simpleAnnualRate: number; compoundAnnualRate: number; basis: string; periodMonths: number | null; periodDays: number | null } | null;
  thresholds: { id: string; limit: number; figure: string; rate: number | null; above: boolean | null }[];
  payments: { dueOn: string; totalFen: number }[];
}

const pct = (rate: number) => (rate * 100).toFixed(2);

describeEachEngine('the cost of one loan over HTTP', (engine) => {
  let context: TestContext;
  let lender: TestInstitution;
  let otherLender: TestInstitution;
  let beijing: { authorization: string };
  let shanghai: { authorization: string };

  beforeAll(async () => {
    context = await startPlatform(engine);
    lender = await institution(context, 1, '110000');
    otherLender = await institution(context, 2, '110000');
    beijing = await supervisorSession(context, 'beijing-supervisor', '110000');
    shanghai = await supervisorSession(context, 'shanghai-supervisor', '310000');
    const db = context.platform.database.db;
    const filingId = randomUUID();
    const loan = {
      filing_id: filingId,
      institution_id: lender.institutionId,
      contract_id: 'C',
      borrower_type: 'individual',
      borrower_pseudonym: 'p'.repeat(64),
      contract_date: '2024-06-10',
      purpose: 'consumption',
      guarantee_type: 'none',
      period: '2024-06',
      party_key: 'p'.repeat(64),
      valid_from: new Date().toISOString(),
    };
    await db
      .insertInto('filed_loan')
      .values([
        // 10,000 yuan flat rate (等本等息) at 0.5% a month for 12 months, a 300-yuan service fee
        // deducted up front: 16.71% simple, 18.05% compound (worked by hand in
        // src/standard/cost-of-credit.test.ts).
        { ...loan, loan_id: 'FLAT', principal_fen: 1_000_000, disbursed_fen: 970_000, disbursement_date: '2024-06-10', first_due_date: '2024-07-10', installments: 12, period_months: 1, nominal_annual_rate: 0.06, repayment_method: 'flat_rate', fee_per_installment_fen: 0 },
        // 1,000 yuan for 14 days at 0.1% a day, no fee in its terms (modelled: 1,014 back, 43.7%);
        // its filed instalment carries a 50-yuan fee as well: 1,064 back, 403.97% compound.
        { ...loan, loan_id: 'DAYS14', principal_fen: 100_000, disbursed_fen: 100_000, disbursement_date: '2024-06-10', first_due_date: '2024-06-24', installments: 1, period_days: 14, nominal_annual_rate: 0.365, repayment_method: 'bullet', fee_per_installment_fen: 0 },
        // An organisation's loan: no personal data.
        { ...loan, loan_id: 'ORG', borrower_type: 'organisation', borrower_pseudonym: null, borrower_uscc: lender.uscc, principal_fen: 1_000_000, disbursed_fen: 1_000_000, disbursement_date: '2024-06-10', first_due_date: '2024-07-10', installments: 12, period_months: 1, nominal_annual_rate: 0.128, repayment_method: 'equal_installment', fee_per_installment_fen: 0 },
      ])
      .execute();
    await db
      .insertInto('filed_repayment')
      .values({
        filing_id: randomUUID(),
        institution_id: lender.institutionId,
        period: '2024-06',
        party_key: 'p'.repeat(64),
        valid_from: new Date().toISOString(),
        repayment_id: 'DAYS14-1-2024-06',
        loan_id: 'DAYS14',
        installment_number: 1,
        installments: 1,
        due_date: '2024-06-24',
        principal_due_fen: 100_000,
        interest_due_fen: 1_400,
        fee_due_fen: 5_000,
        amount_paid_fen: 106_400,
        paid_date: '2024-06-24',
        days_past_due: 0,
        status: 'paid_on_time',
      })
      .execute();
  });
  afterAll(async () => context?.close());

  const get = (loanId: string, institutionId: string, headers: Record<string, string>) =>
    context.app.inject({ method: 'GET', url: `/v1/loans/${encodeURIComponent(loanId)}/cost?institutionId=${institutionId}`, headers });

  it('gives the institution the simple and compound figures of a modelled flat-rate loan, and which one each threshold uses', async () => {
    const reply = await get('FLAT', lender.institutionId, { 'x-api-key': lender.apiKey });
    expect(reply.statusCode).toBe(200);
    const body = reply.json<CostReply>();
    expect(body).toMatchObject({ source: 'modelled_schedule', instalments: 12, instalmentsFiled: 0, disbursedFen: 970_000 });
    // 12 × 50 yuan interest on the original principal + the 300 yuan kept back = 900 yuan.
    expect(body.totalRepaidFen).toBe(1_060_000);
    expect(body.costFen).toBe(90_000);
    expect(pct(body.cost!.simpleAnnualRate)).toBe('16.71');
    expect(pct(body.cost!.compoundAnnualRate)).toBe('18.05');
    expect(body.cost).toMatchObject({ basis: 'months', periodMonths: 1, periodDays: null });
    expect(body.thresholds.map((t) => [t.limit, t.figure, t.above])).toEqual([
      [0.36, 'compound', false],
      [0.24, 'compound', false],
    ]);
    expect(body.thresholds[0]!.rate).toBe(body.cost!.compoundAnnualRate);
    expect(body.thresholds[1]!.rate).toBe(body.cost!.compoundAnnualRate);
  });

  it('takes the cost of a loan whose instalments are filed from those filed amounts and dates', async () => {
    const reply = await get('DAYS14', lender.institutionId, { 'x-api-key': lender.apiKey });
    expect(reply.statusCode).toBe(200);
    const body = reply.json<CostReply>();
    expect(body).toMatchObject({ source: 'filed_instalments', instalments: 1, instalmentsFiled: 1, totalRepaidFen: 106_400 });
    expect(body.payments).toEqual([{ dueOn: '2024-06-24', principalFen: 100_000, interestFen: 1_400, feeFen: 5_000, totalFen: 106_400 }]);
    // 1.064^(365/14) − 1 = 403.97%; 6.4% × 365/14 = 166.86%.
    expect(pct(body.cost!.compoundAnnualRate)).toBe('403.97');
    expect(pct(body.cost!.simpleAnnualRate)).toBe('166.86');
    expect(body.cost).toMatchObject({ basis: 'days', periodDays: 14 });
    expect(body.thresholds.map((t) => t.above)).toEqual([true, true]);
  });

  it('shows the supervisor of the jurisdiction the same figures, and logs the read of an individual’s loan', async () => {
    const before = await auditCount('loan:' + lender.institutionId + ':FLAT');
    const reply = await get('FLAT', lender.institutionId, beijing);
    expect(reply.statusCode).toBe(200);
    expect(pct(reply.json<CostReply>().cost!.compoundAnnualRate)).toBe('18.05');
    expect(await auditCount('loan:' + lender.institutionId + ':FLAT')).toBe(before + 1);
    // An organisation's loan holds no personal data: no entry.
    const org = await get('ORG', lender.institutionId, beijing);
    expect(org.statusCode).toBe(200);
    expect(pct(org.json<CostReply>().cost!.simpleAnnualRate)).toBe('12.80');
    expect(pct(org.json<CostReply>().cost!.compoundAnnualRate)).toBe('13.58');
    expect(await auditCount('loan:' + lender.institutionId + ':ORG')).toBe(0);
  });

  it('refuses another institution, a supervisor of another jurisdiction and the public; 404 for an unknown loan', async () => {
    const other = await get('FLAT', lender.institutionId, { 'x-api-key': otherLender.apiKey });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('FH_FORBIDDEN');
    const outside = await get('FLAT', lender.institutionId, shanghai);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    const anonymous = await get('FLAT', lender.institutionId, {});
    expect(anonymous.statusCode).toBe(401);
    const unknown = await get('NO-SUCH-LOAN', lender.institutionId, { 'x-api-key': lender.apiKey });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('FH_NOT_FOUND');
    // Another institution's loan id under its own institution id is simply not there.
    const notTheirs = await get('FLAT', otherLender.institutionId, { 'x-api-key': otherLender.apiKey });
    expect(notTheirs.statusCode).toBe(404);
    const badId = await get('FLAT', 'not-a-uuid', { 'x-api-key': lender.apiKey });
    expect(badId.statusCode).toBe(400);
  });

  async function auditCount(resource: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'personal_data.read' and resource = ${resource}`.execute(context.platform.database.db);
    return Number(rows[0]!.n);
  }
});

