import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, type TestContext } from '../../test/harness.js';
import type { Caller } from '../platform/auth/access.js';
import { fileAndSign, institution, recordsCsv, supervisorCaller, type TestInstitution } from '../filing/filing.test-support.js';

// Two borrowers; P1 borrows from three institutions at once (two in Beijing, one in Shenzhen).
const P1 = makeResidentId('110105', '1980-01-15', 31);
const P2 = makeResidentId('310104', '1995-07-08', 42);
const beijingSupervisor: Caller = {
  principal: { role: 'supervisor', userId: randomUUID(), displayName: 'Beijing', jurisdictionCode: '110000' },
  actor: { role: 'supervisor', id: randomUUID() },
};

const loan = (loan_id: string, borrower_id: string, principal: number) => ({ loan_id, contract_id: `C-${loan_id}`, borrower_id, principal_fen: String(principal), disbursed_fen: String(principal) });
const instalment = (repayment_id: string, loan_id: string, number: string, due: string, days: number): Record<string, string> =>
  days > 0
    ? { repayment_id, loan_id, installment_number: number, due_date: due, amount_paid_fen: '0', paid_date: '', days_past_due: String(days), status: 'overdue' }
    : { repayment_id, loan_id, installment_number: number, due_date: due, paid_date: due, days_past_due: '0', status: 'paid_on_time' };
const complaint = (complaint_id: string, status: string, category: string): Record<string, string> =>
  status === 'resolved'
    ? { complaint_id, status, category, closed_at: '2024-06-25T09:00:00+08:00' }
    : { complaint_id, status, category, closed_at: '', amount_refunded_fen: '', outcome: '', received_at: '2024-06-28T09:00:00+08:00' };

describeEachEngine('supervisor figures count each record once, as in force', (engine) => {
  let context: TestContext;
  let x: TestInstitution;
  let y: TestInstitution;
  let z: TestInstitution;

  beforeAll(async () => {
    context = await startPlatform(engine);
    x = await institution(context, 61, '110000');
    y = await institution(context, 62, '440300');
    z = await institution(context, 63, '110000');
    const accept = async (who: TestInstitution, type: Parameters<typeof recordsCsv>[0], period: string, rows: Record<string, string>[], resubmission = false) => {
      const filing = await fileAndSign(context, who, type, period, recordsCsv(type, rows), { resubmission });
      expect(filing.status, `${type} ${period}`).toBe('accepted');
    };
    // X: two loans, corrected by a resubmission of June (L1's principal 1,000,000 → 1,200,000 fen).
    await accept(x, 'loan', '2024-06', [loan('L1', P1, 1_000_000), loan('L2', P2, 500_000)]);
    await accept(x, 'loan', '2024-06', [loan('L1', P1, 1_200_000), loan('L2', P2, 500_000)], true);
    await accept(y, 'loan', '2024-06', [loan('L9', P1, 300_000)]);
    await accept(z, 'loan', '2024-06', [loan('L8', P1, 400_000)]);
    // X's instalments: June, then July with the same overdue instalments again.
    await accept(x, 'repayment', '2024-06', [instalment('R1', 'L1', '1', '2024-06-10', 20), instalment('R2', 'L2', '1', '2024-06-25', 5), instalment('R3', 'L1', '2', '2024-06-12', 0)]);
    await accept(x, 'repayment', '2024-07', [instalment('R1', 'L1', '1', '2024-06-10', 51), instalment('R2', 'L2', '1', '2024-06-25', 36), instalment('R4', 'L2', '2', '2024-07-25', 0)]);
    // X's complaints, June resubmitted: Q2 closed since, Q3 added.
    await accept(x, 'complaint', '2024-06', [complaint('Q1', 'resolved', 'interest_and_fees'), complaint('Q2', 'received', 'collection_conduct')]);
    await accept(x, 'complaint', '2024-06', [complaint('Q1', 'resolved', 'interest_and_fees'), complaint('Q2', 'resolved', 'collection_conduct'), complaint('Q3', 'in_progress', 'collection_conduct')], true);
  }, 240_000);
  afterAll(async () => context?.close());

  it('counts June and July of the same overdue instalments once, and a resubmitted period once', async () => {
    const national = await context.services.supervision.businessOverview(supervisorCaller);
    // In force: R1 and R2 as July says (both overdue), R3 as June says, R4 from July.
    expect(national.repayments).toEqual({ instalments: 4, overdue: 2, overdueRate: 0.5 });
    // L1 at 1,200,000 (the resubmission), L2 500,000, L9 300,000, L8 400,000.
    expect(national.loans).toMatchObject({ loans: 4, principalFen: 2_400_000, disbursedFen: 2_400_000, borrowers: 2, aboveCap: 0 });
    expect(national.loansByMonth).toEqual([{ month: '2024-06', loans: 4, principalFen: 2_400_000 }]);
    // Q1, Q2 (now closed) and Q3 (in progress).
    expect(national.complaints).toEqual({
      complaints: 3,
      open: 1,
      byCategory: [
        { category: 'collection_conduct', count: 2 },
        { category: 'interest_and_fees', count: 1 },
      ],
    });
    // P1 borrows at X, Y and Z at once.
    expect(national.multiLendingBorrowers).toBe(1);
  });

  it('keeps to the supervisor jurisdiction', async () => {
    const beijing = await context.services.supervision.businessOverview(beijingSupervisor);
    expect(beijing.loans).toMatchObject({ loans: 3, principalFen: 2_100_000, borrowers: 2 });
    expect(beijing.repayments).toEqual({ instalments: 4, overdue: 2, overdueRate: 0.5 });
    // Y is in Shenzhen: P1 is at two institutions of Beijing.
    expect(beijing.multiLendingBorrowers).toBe(0);
  });

  it('refuses an event id reused for another period (V029) before signing, and the figures stay as they were', async () => {
    const july = await context.services.filing.fileRecords(x.caller, {
      recordType: 'complaint',
      period: '2024-07',
      source: [Buffer.from(recordsCsv('complaint', [{ ...complaint('Q3', 'resolved', 'collection_conduct'), received_at: '2024-07-02T09:00:00+08:00', closed_at: '2024-07-05T09:00:00+08:00' }]))],
      contentType: 'text/csv',
    });
    expect(july.status).toBe('errors');
    expect((await context.services.filing.get(x.caller, july.filingId)).findings.map((f) => f.editId)).toEqual(['V029']);
    await expect(context.services.filing.sign(x.caller, july.filingId)).rejects.toMatchObject({ code: 'FH_FILING_STATUS' });
    expect((await context.services.supervision.businessOverview(supervisorCaller)).complaints.complaints).toBe(3);
  });
});
