import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, type TestContext } from '../../test/harness.js';
import { sampleResidentId } from './edits/sample-rows.js';
import { fileAndSign, institution, recordsCsv, type TestInstitution } from './filing.test-support.js';

// Two borrowers, and the instalments of their loans as filed for June and again for July.
const P1 = sampleResidentId('110105', '1985-03-02', 11);
const P2 = sampleResidentId('330106', '1992-11-23', 22);
const LOANS = [
  { loan_id: 'L1', contract_id: 'C1', borrower_id: P1 },
  { loan_id: 'L2', contract_id: 'C2', borrower_id: P2 },
];
const overdue = (id: string, loan: string, number: string, due: string, days: number) => ({
  repayment_id: id, loan_id: loan, installment_number: number, due_date: due, amount_paid_fen: '0', paid_date: '', days_past_due: String(days), status: 'overdue',
});
const JUNE = [overdue('R1', 'L1', '1', '2024-06-10', 20), overdue('R2', 'L2', '1', '2024-06-25', 5), { repayment_id: 'R3', loan_id: 'L1', installment_number: '2', due_date: '2024-06-15' }];
const JULY = [
  overdue('R1', 'L1', '1', '2024-06-10', 51),
  { repayment_id: 'R2', loan_id: 'L2', installment_number: '1', due_date: '2024-06-25', amount_paid_fen: '90000', paid_date: '2024-07-03', days_past_due: '0', status: 'paid_late' },
  { repayment_id: 'R4', loan_id: 'L2', installment_number: '2', due_date: '2024-07-25', paid_date: '2024-07-24' },
];

type Row = Record<string, unknown> & { repayment_id: string; filing_id: string; period: string; days_past_due: number; party_key: string; valid_from: Date; valid_to: Date | null };
const brief = (rows: Record<string, unknown>[]) =>
  (rows as Row[]).map((r) => `${r.repayment_id}@${r.period}:${r.days_past_due}`).sort();

describeEachEngine('filed data with history', (engine) => {
  let context: TestContext;
  let a: TestInstitution;
  let june = '';
  let july = '';

  beforeAll(async () => {
    context = await startPlatform(engine);
    a = await institution(context, 71, '110000');
  });
  afterAll(async () => context?.close());

  const service = () => context.services.filing;
  const repaymentRows = async () =>
    (await context.platform.database.db.selectFrom('filed_repayment').selectAll().where('institution_id', '=', a.institutionId).orderBy('valid_from').orderBy('repayment_id').execute()) as unknown as Row[];

  it('accepts July with the same instalment ids as June, keeping June as history', async () => {
    expect((await fileAndSign(context, a, 'loan', '2024-06', recordsCsv('loan', LOANS))).status).toBe('accepted');
    const first = await fileAndSign(context, a, 'repayment', '2024-06', recordsCsv('repayment', JUNE));
    expect(first.status).toBe('accepted');
    june = first.filingId;
    const second = await fileAndSign(context, a, 'repayment', '2024-07', recordsCsv('repayment', JULY));
    expect(second.status).toBe('accepted');
    july = second.filingId;

    const rows = await repaymentRows();
    expect(rows).toHaveLength(6);
    const juneRows = rows.filter((r) => r.filing_id === june);
    const julyRows = rows.filter((r) => r.filing_id === july);
    const julyFrom = julyRows[0]!.valid_from;
    // June's R1 and R2 were in force until July's load; R3 (not filed again) still is.
    expect(juneRows.map((r) => [r.repayment_id, r.period, r.valid_to?.getTime() ?? null])).toEqual([
      ['R1', '2024-06', julyFrom.getTime()],
      ['R2', '2024-06', julyFrom.getTime()],
      ['R3', '2024-06', null],
    ]);
    expect(julyRows.map((r) => [r.repayment_id, r.period, r.valid_to])).toEqual([
      ['R1', '2024-07', null],
      ['R2', '2024-07', null],
      ['R4', '2024-07', null],
    ]);
    expect(juneRows[0]!.valid_from.getTime()).toBeLessThan(julyFrom.getTime());
    // Each instalment is keyed by its loan's borrower.
    const pseudonym = (id: string) => context.platform.keys.pseudonymizer.pseudonym('resident_id', id);
    expect(Object.fromEntries(rows.map((r) => [r.repayment_id, r.party_key]))).toEqual({ R1: pseudonym(P1), R2: pseudonym(P2), R3: pseudonym(P1), R4: pseudonym(P2) });
  });

  it('reads the records as of an instant and at the end of a period', async () => {
    const rows = await repaymentRows();
    const juneFrom = rows.find((r) => r.filing_id === june)!.valid_from;
    const julyFrom = rows.find((r) => r.filing_id === july)!.valid_from;
    const scope = { institutionId: a.institutionId };
    expect(brief(await service().recordsInForceAt('repayment', new Date(juneFrom.getTime() - 1), scope))).toEqual([]);
    expect(brief(await service().recordsInForceAt('repayment', juneFrom, scope))).toEqual(['R1@2024-06:20', 'R2@2024-06:5', 'R3@2024-06:0']);
    expect(brief(await service().recordsInForceAt('repayment', new Date(julyFrom.getTime() - 1), scope))).toEqual(['R1@2024-06:20', 'R2@2024-06:5', 'R3@2024-06:0']);
    expect(brief(await service().recordsInForceAt('repayment', new Date(), scope))).toEqual(['R1@2024-07:51', 'R2@2024-07:0', 'R3@2024-06:0', 'R4@2024-07:0']);
    expect(brief(await service().recordsAtPeriodEnd('repayment', '2024-05', scope))).toEqual([]);
    expect(brief(await service().recordsAtPeriodEnd('repayment', '2024-06', scope))).toEqual(['R1@2024-06:20', 'R2@2024-06:5', 'R3@2024-06:0']);
    expect(brief(await service().recordsAtPeriodEnd('repayment', '2024-07', scope))).toEqual(['R1@2024-07:51', 'R2@2024-07:0', 'R3@2024-06:0', 'R4@2024-07:0']);
    // One borrower's records, read together by their party key.
    const p2 = { partyKey: context.platform.keys.pseudonymizer.pseudonym('resident_id', P2) };
    expect(brief(await service().recordsAtPeriodEnd('repayment', '2024-07', p2))).toEqual(['R2@2024-07:0', 'R4@2024-07:0']);
    await expect(service().recordsAtPeriodEnd('repayment', 'July', scope)).rejects.toMatchObject({ code: 'FH_VALIDATION' });
  });

  it('resubmits June after July: the old version is closed, July stays the state in force', async () => {
    const csv = recordsCsv('repayment', [overdue('R1', 'L1', '1', '2024-06-10', 21), overdue('R5', 'L2', '3', '2024-06-28', 2)]);
    const again = await fileAndSign(context, a, 'repayment', '2024-06', csv, { resubmission: true });
    expect(again.status).toBe('accepted');
    expect((await service().get(a.caller, june)).status).toBe('superseded');
    const rows = await repaymentRows();
    // Nothing deleted: 3 of June v1, 3 of July, 2 of June v2.
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.filing_id === june).every((r) => r.valid_to !== null)).toBe(true);
    const v2 = rows.filter((r) => r.filing_id === again.filingId);
    // June v2's R1 was never in force (July's R1 is newer); R5 is.
    expect(v2.map((r) => [r.repayment_id, r.valid_to === null, r.valid_to?.getTime() === r.valid_from.getTime()])).toEqual([
      ['R1', false, true],
      ['R5', true, false],
    ]);
    const scope = { institutionId: a.institutionId };
    expect(brief(await service().recordsAtPeriodEnd('repayment', '2024-06', scope))).toEqual(['R1@2024-06:21', 'R5@2024-06:2']);
    expect(brief(await service().recordsAtPeriodEnd('repayment', '2024-07', scope))).toEqual(['R1@2024-07:51', 'R2@2024-07:0', 'R4@2024-07:0', 'R5@2024-06:2']);
    expect(brief(await service().recordsInForceAt('repayment', new Date(), scope))).toEqual(['R1@2024-07:51', 'R2@2024-07:0', 'R4@2024-07:0', 'R5@2024-06:2']);
  });

  it('keeps a resubmitted period of events as history instead of deleting it', async () => {
    const v1 = await fileAndSign(context, a, 'complaint', '2024-06', recordsCsv('complaint', [{ complaint_id: 'Q1' }, { complaint_id: 'Q2' }]));
    const v2 = await fileAndSign(context, a, 'complaint', '2024-06', recordsCsv('complaint', [{ complaint_id: 'Q1', amount_refunded_fen: '500' }]), { resubmission: true });
    expect([v1.status, v2.status]).toEqual(['accepted', 'accepted']);
    const rows = await context.platform.database.db.selectFrom('filed_complaint').select(['complaint_id', 'filing_id', 'valid_to']).where('institution_id', '=', a.institutionId).orderBy('complaint_id').orderBy('valid_from').execute();
    expect(rows.map((r) => [r.complaint_id, r.filing_id === v1.filingId ? 'v1' : 'v2', r.valid_to === null])).toEqual([
      ['Q1', 'v1', false],
      ['Q1', 'v2', true],
      ['Q2', 'v1', false],
    ]);
    const inForce = await service().recordsInForceAt('complaint', new Date(), { institutionId: a.institutionId });
    expect(inForce.map((r) => [r.complaint_id, r.amount_refunded_fen])).toEqual([['Q1', 500]]);
  });

  it('refuses an event id already accepted for another period (V029) before signing; its own period may be resubmitted', async () => {
    const payments = (ids: string[], day: string) => recordsCsv('payment', ids.map((payment_id) => ({ payment_id, transaction_time: `${day}T10:00:00+08:00` })));
    expect((await fileAndSign(context, a, 'payment', '2024-06', payments(['T1', 'T2'], '2024-06-05'))).status).toBe('accepted');
    const july = await service().fileRecords(a.caller, { recordType: 'payment', period: '2024-07', source: [Buffer.from(payments(['T3', 'T2', 'T4'], '2024-07-05'))], contentType: 'text/csv' });
    expect(july.status).toBe('errors');
    const detail = await service().get(a.caller, july.filingId);
    expect(detail.findings.map((f) => [f.editId, f.severity, f.count])).toEqual([['V029', 'error', 1]]);
    expect(detail.findings[0]!.en).toMatch(/already accepted for another period/);
    expect(detail.findings[0]!.zh).toMatch(/已在其他报告期报送并被接受/);
    const examples = await service().findings(a.caller, july.filingId, { page: 1, pageSize: 10 });
    expect(examples.items).toEqual([{ editId: 'V029', rowNumber: 2, values: { payment_id: 'T2' } }]);
    // Not signable, and nothing reached the domain table.
    await expect(service().sign(a.caller, july.filingId)).rejects.toMatchObject({ code: 'FH_FILING_STATUS' });
    // Another institution may use the same id; June itself may be resubmitted with it.
    const b = await institution(context, 72, '110000');
    expect((await fileAndSign(context, b, 'payment', '2024-07', payments(['T2'], '2024-07-05'))).status).toBe('accepted');
    expect((await fileAndSign(context, a, 'payment', '2024-06', payments(['T1', 'T2', 'T5'], '2024-06-05'), { resubmission: true })).status).toBe('accepted');
    expect((await fileAndSign(context, a, 'payment', '2024-07', payments(['T3', 'T4'], '2024-07-05'))).status).toBe('accepted');
    const inForce = await service().recordsInForceAt('payment', new Date(), { institutionId: a.institutionId });
    expect(inForce.map((r) => `${String(r.payment_id)}@${String(r.period)}`)).toEqual(['T1@2024-06', 'T2@2024-06', 'T3@2024-07', 'T4@2024-07', 'T5@2024-06']);
  });
});
