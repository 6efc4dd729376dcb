import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { fileAndSign, institution, recordsCsv, type TestInstitution } from '../filing/filing.test-support.js';
import type { Caller } from '../platform/auth/access.js';
import type { RecordType } from '../standard/standard.js';
import { negativeShownUntil } from './credit.service.js';
import { chinaDay } from '../standard/china-time.js';
import { sql } from 'kysely';
import { demoCreditHistory } from '../demo/credit-history.js';

const PERSON = makeResidentId('110105', '1986-03-14', 57);

describeEachEngine('shared credit information', (engine) => {
  let ctx: TestContext;
  let lenderA: TestInstitution;
  let lenderB: TestInstitution;
  let consumer: Caller;
  let headers: { authorization: string };

  const file = async (who: TestInstitution, type: RecordType, period: string, rows: Record<string, string>[], resubmission = false) => {
    const filing = await fileAndSign(ctx, who, type, period, recordsCsv(type, rows), { resubmission });
    expect(filing.status, `${type} ${period}`).toBe('accepted');
    // What the capability does on the event, awaited here so the test reads a settled state.
    await ctx.services.credit.onFilingAccepted({ filingId: filing.filingId, institutionId: who.institutionId, recordType: type, period, version: filing.version, records: 0 });
    return filing;
  };

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lenderA = await institution(ctx, 701, '110000');
    lenderB = await institution(ctx, 702, '330100');
    const registered = await ctx.services.identity.registerConsumer({ username: 'credit.person', password: 'a long password 3', displayName: '信用测试', residentId: PERSON });
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'credit.person', password: 'a long password 3' } });
    headers = { authorization: `Bearer ${login.json().token}` };
    consumer = { principal: { role: 'consumer', userId: 'u', consumerId: registered.consumerId, displayName: '信用测试' }, actor: { role: 'consumer', id: 'u' } };

    await file(lenderA, 'loan', '2024-06', [{ loan_id: 'A-1', contract_id: 'CA-1', borrower_id: PERSON, contract_date: '2024-06-10', principal_fen: '1000000', disbursed_fen: '1000000' }]);
    await file(lenderB, 'loan', '2024-06', [{ loan_id: 'B-1', contract_id: 'CB-1', borrower_id: PERSON, contract_date: '2024-06-20', principal_fen: '300000', disbursed_fen: '300000', disbursement_date: '2024-06-20', first_due_date: '2024-07-20' }]);
    // July: the first instalment is 21 days late at the end of the month.
    await file(lenderA, 'repayment', '2024-07', [{ repayment_id: 'A-1-1-2024-07', loan_id: 'A-1', installment_number: '1', due_date: '2024-07-10', amount_paid_fen: '0', paid_date: '', days_past_due: '21', status: 'overdue' }]);
    // August: it is paid late on the 5th, and the second instalment on time.
    await file(lenderA, 'repayment', '2024-08', [
      { repayment_id: 'A-1-1-2024-08', loan_id: 'A-1', installment_number: '1', due_date: '2024-07-10', amount_paid_fen: '90000', paid_date: '2024-08-05', days_past_due: '0', status: 'paid_late' },
      { repayment_id: 'A-1-2-2024-08', loan_id: 'A-1', installment_number: '2', due_date: '2024-08-10', amount_paid_fen: '90000', paid_date: '2024-08-10', days_past_due: '0', status: 'paid_on_time' },
    ]);
  }, 300_000);
  afterAll(async () => ctx?.close());

  it('builds one report from several institutions: tradelines with their 24-month grid, balances and totals', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers });
    expect(reply.statusCode, reply.body).toBe(200);
    const report = reply.json();
    expect(report.subject).toEqual({ residentId: PERSON, residentIdMasked: `${PERSON.slice(0, 3)}***********${PERSON.slice(-4)}` });
    expect(report.tradelines).toHaveLength(2);
    const a = report.tradelines.find((t: { loanId: string }) => t.loanId === 'A-1');
    expect(a).toMatchObject({ institution: { nameZh: '测试机构701' }, principalFen: 1_000_000, balanceFen: 840_000, status: 'current', worstDaysPastDue: 21, negative: { from: '2024-07-10', endedOn: '2024-08-05', shownUntil: '2029-08-05' } });
    expect(a.grid).toHaveLength(24);
    expect(a.grid.at(-1)).toEqual({ month: '2024-08', code: 'N' });
    expect(a.grid.at(-2)).toEqual({ month: '2024-07', code: '1' });
    expect(a.grid.at(-3)).toEqual({ month: '2024-06', code: '*' });
    expect(a.grid.at(-4)).toEqual({ month: '2024-05', code: '/' });
    expect(report.totals).toMatchObject({ outstandingFen: 840_000 + 300_000, lenders: 2, openTradelines: 2, overdueTradelines: 0 });
    // Told before the negative record was first shown (Art.15).
    expect(report.notices).toEqual([expect.objectContaining({ loanId: 'A-1', negativeFrom: '2024-07-10' })]);
    expect(report.inquiries[0]).toMatchObject({ purpose: { code: 'self' } });
  });

  it('drops negative information five years after it ended, on the day after, not on the day itself', async () => {
    expect(negativeShownUntil('2024-08-05')).toBe('2029-08-05');
    expect(negativeShownUntil('2024-02-29')).toBe('2029-02-28');
    const onTheDay = await ctx.services.credit.ownReport(consumer, '2029-08-05');
    expect(onTheDay.tradelines.find((t) => t.loanId === 'A-1')).toMatchObject({ worstDaysPastDue: 21, negative: { endedOn: '2024-08-05' } });
    const after = await ctx.services.credit.ownReport(consumer, '2029-08-06');
    const a = after.tradelines.find((t) => t.loanId === 'A-1')!;
    expect(a).toMatchObject({ worstDaysPastDue: 0, negative: null });
    expect(a.grid.map((g) => g.code).join('')).not.toMatch(/[1-7]/);
  });

  it('answers an institution only with the person’s authorisation for the purpose, logs the inquiry and shows it to them', async () => {
    const inquire = (purpose = 'loan_approval') => ctx.app.inject({ method: 'POST', url: '/v1/credit/inquiries', headers: { 'x-api-key': lenderB.apiKey }, payload: { residentId: PERSON, purpose } });
    const refused = await inquire();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FH_CONSENT_MISSING');
    const granted = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/consents', headers, payload: { institutionId: lenderB.institutionId, scope: 'credit_inquiry', purposes: ['loan_approval'] } });
    expect(granted.statusCode).toBe(201);
    const answered = await inquire();
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().subject).toEqual({ residentIdMasked: expect.stringMatching(/^110\*+\d{3}[\dX]$/) });
    expect(answered.json().tradelines).toHaveLength(2);
    expect((await inquire('post_loan_management')).json().error.code).toBe('FH_CONSENT_PURPOSE');
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/credit/inquiries', headers: { 'x-api-key': lenderB.apiKey }, payload: { residentId: '110105198603140000', purpose: 'loan_approval' } })).json().error.code).toBe('FH_INVALID_RESIDENT_ID');

    await ctx.app.inject({ method: 'POST', url: `/v1/consumer/consents/${granted.json().consentId}/withdraw`, headers });
    expect((await inquire()).json().error.code).toBe('FH_CONSENT_WITHDRAWN');

    const mine = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers })).json();
    expect(mine.inquiries.filter((q: { purpose: { code: string } }) => q.purpose.code === 'loan_approval')).toEqual([expect.objectContaining({ by: { zh: '测试机构702', en: 'Test institution 702' } })]);
    const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=100', headers })).json();
    expect(log.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['credit.inquiry', 'credit.report.read']));
  });

  it('replaces a tradeline when its loan filing is resubmitted, and leaves other institutions’ alone', async () => {
    await file(lenderA, 'loan', '2024-06', [{ loan_id: 'A-1', contract_id: 'CA-1', borrower_id: PERSON, contract_date: '2024-06-10', principal_fen: '1200000', disbursed_fen: '1200000' }], true);
    const report = await ctx.services.credit.ownReport(consumer);
    expect(report.tradelines.find((t) => t.loanId === 'A-1')).toMatchObject({ principalFen: 1_200_000, balanceFen: 1_040_000 });
    expect(report.tradelines.find((t) => t.loanId === 'B-1')).toMatchObject({ principalFen: 300_000 });
  });

  it('marks a dispute on the report at once, lets only the furnishing lender answer, and escalates it on day 21', async () => {
    const other = makeResidentId('110105', '1990-01-01', 77);
    await ctx.services.identity.registerConsumer({ username: 'credit.other', password: 'a long password 4', displayName: '他人', residentId: other });
    const otherLogin = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'credit.other', password: 'a long password 4' } });
    const dispute = (body: Record<string, unknown>, as = headers) => ctx.app.inject({ method: 'POST', url: '/v1/consumer/credit/disputes', headers: as, payload: body });

    const notMine = await dispute({ institutionId: lenderA.institutionId, loanId: 'A-1', reason: '不是我的' }, { authorization: `Bearer ${otherLogin.json().token}` });
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json().error).toMatchObject({ code: 'FH_NOT_FOUND', field: 'body.loanId' });

    const filed = await dispute({ institutionId: lenderA.institutionId, loanId: 'A-1', reason: '7 月那期我按时还了，有转账凭证' });
    expect(filed.statusCode, filed.body).toBe(201);
    const { disputeId, dueOn, filedAt } = filed.json();
    // Twenty calendar days counted from the China-time day it was filed.
    expect(Date.parse(`${dueOn}T00:00:00Z`) - Date.parse(`${chinaDay(new Date(filedAt))}T00:00:00Z`)).toBe(20 * 86_400_000);
    const report = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers })).json();
    expect(report.tradelines.find((t: { loanId: string }) => t.loanId === 'A-1').disputes).toEqual([expect.objectContaining({ disputeId, status: 'open' })]);

    const desk = (await ctx.app.inject({ method: 'GET', url: '/v1/institution/credit/disputes?status=open', headers: { 'x-api-key': lenderA.apiKey } })).json();
    expect(desk.items.map((d: { disputeId: string }) => d.disputeId)).toEqual([disputeId]);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/institution/credit/disputes', headers: { 'x-api-key': lenderB.apiKey } })).json().items).toEqual([]);
    const answer = (who: TestInstitution, body: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: `/v1/institution/credit/disputes/${disputeId}/answer`, headers: { 'x-api-key': who.apiKey }, payload: body });
    expect((await answer(lenderB, { outcome: 'kept', statement: '核实无误' })).statusCode).toBe(404);
    expect((await answer(lenderA, { outcome: 'corrected', statement: '已更正' })).json().error.code).toBe('FH_CREDIT_CORRECTION_MISSING');

    // Day 20 is still the lender's; on day 21 the dispute goes to the supervisor.
    expect(await ctx.services.credit.escalateOverdueDisputes(dueOn)).toBe(0);
    const dayAfter = new Date(Date.parse(`${dueOn}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(await ctx.services.credit.escalateOverdueDisputes(dayAfter)).toBe(1);
    const supervisor = await supervisorSession(ctx, 'credit.supervisor', '110000');
    const escalated = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/credit/disputes?status=escalated', headers: supervisor })).json();
    expect(escalated.items).toEqual([expect.objectContaining({ disputeId, status: 'escalated' })]);
    const elsewhere = await supervisorSession(ctx, 'credit.supervisor.zj', '330000');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/credit/disputes', headers: elsewhere })).json().items).toEqual([]);

    // The lender corrects the record by resubmitting July, then answers.
    await file(lenderA, 'repayment', '2024-07', [{ repayment_id: 'A-1-1-2024-07', loan_id: 'A-1', installment_number: '1', due_date: '2024-07-10', amount_paid_fen: '90000', paid_date: '2024-07-10', days_past_due: '0', status: 'paid_on_time' }], true);
    const corrected = await answer(lenderA, { outcome: 'corrected', statement: '经核实为系统入账延迟，已更正' });
    expect(corrected.json()).toMatchObject({ status: 'corrected', statement: '经核实为系统入账延迟，已更正' });
    expect((await answer(lenderA, { outcome: 'kept', statement: '再次答复' })).json().error.code).toBe('FH_CREDIT_DISPUTE_CLOSED');
    const after = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers })).json();
    const a = after.tradelines.find((t: { loanId: string }) => t.loanId === 'A-1');
    expect(a.grid.at(-2)).toEqual({ month: '2024-07', code: 'N' });
    expect(a.disputes[0]).toMatchObject({ status: 'corrected' });
  });

  it('renders the report as a PDF with the Chinese text in an embedded CJK font, in either language', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report.pdf?lang=zh', headers });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/pdf');
    expect(reply.headers['content-disposition']).toMatch(/^attachment; filename="credit-report-\d{4}-\d{2}-\d{2}\.pdf"$/);
    const pdf = reply.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = readablePdf(pdf);
    // The font is embedded (a subset of Noto Sans SC), and its ToUnicode map carries the characters drawn: 信 (U+4FE1), 报 (U+62A5), 告 (U+544A).
    expect(text).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansSC/);
    expect(text).toMatch(/<[0-9a-f]{4}> <4fe1>/i);
    expect(text).toMatch(/<[0-9a-f]{4}> <62a5>/i);
    expect(text).toMatch(/<[0-9a-f]{4}> <544a>/i);
    const english = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report.pdf?lang=en', headers });
    expect(english.statusCode).toBe(200);
    // The English report draws Latin letters from the same embedded font (P, U+0050) and no Chinese title.
    const englishText = readablePdf(english.rawPayload);
    expect(englishText).toMatch(/<[0-9a-f]{4}> <0050>/i);
    expect(englishText).not.toMatch(/<[0-9a-f]{4}> <62a5>/i);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report.pdf?lang=fr', headers })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report.pdf', headers: { 'x-api-key': lenderA.apiKey } })).statusCode).toBe(403);
  });

  it('trains no scorecard from too few outcomes, says why, and reports no score until one is trained', async () => {
    await expect(ctx.services.credit.trainModel()).rejects.toMatchObject({ code: 'FH_CREDIT_TRAINING_DATA', details: { needed: 20, snapshot: '2023-08', people: 0, bads: 0 } });
    expect((await ctx.services.credit.ownReport(consumer)).score).toBeNull();
    const supervisor = await supervisorSession(ctx, 'credit.models', '000000');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/credit/models', headers: supervisor })).json()).toEqual({ items: [] });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/credit/models', headers })).statusCode).toBe(403);
  });

  it('takes over history with no filing behind it, trains on it, scores the person, and shows the supervisor each version with its points table', async () => {
    const history = demoCreditHistory({ people: 600, lenders: ['a', 'b'], gridTo: '2024-08', seed: 5 });
    const written = await ctx.services.credit.importHistory(history.map(({ lender, ...line }) => ({ ...line, institutionId: lender === 'a' ? lenderA.institutionId : lenderB.institutionId })));
    expect(written).toBe(history.length);
    // The history is keyed like filed tradelines: a borrower's pseudonym finds it, and no notice is recorded.
    const someone = history.find((line) => line.negativeFrom !== null)!;
    const pseudonym = ctx.services.identity.pseudonym('resident_id', someone.residentId);
    const { rows: held } = await sql<{ loan_id: string; source_filing_id: string | null; grid: string }>`select loan_id, source_filing_id, grid from tradeline where party_key = ${pseudonym}`.execute(ctx.platform.database.db);
    expect(held).toEqual(expect.arrayContaining([{ loan_id: someone.loanId, source_filing_id: null, grid: someone.grid }]));
    expect((await sql<{ n: number }>`select count(*)::int as n from credit_notice where party_key = ${pseudonym}`.execute(ctx.platform.database.db)).rows[0]!.n).toBe(0);
    // A bad line is refused whole: nothing of the batch is written.
    const broken = [{ ...history[0]!, loanId: 'BROKEN-1', institutionId: lenderA.institutionId }, { ...history[1]!, loanId: 'BROKEN-2', institutionId: lenderA.institutionId, grid: 'NNN' }];
    await expect(ctx.services.credit.importHistory(broken)).rejects.toThrow(/24 codes/);
    expect((await sql<{ n: number }>`select count(*)::int as n from tradeline where loan_id like 'BROKEN-%'`.execute(ctx.platform.database.db)).rows[0]!.n).toBe(0);

    const first = await ctx.services.credit.trainModel({ snapshot: '2023-08' });
    expect(first).toMatchObject({ version: 1, snapshot: '2023-08', inForce: true });
    expect(first.bads).toBeGreaterThanOrEqual(20);
    const score = (await ctx.services.credit.ownReport(consumer, '2024-09-01')).score!;
    expect(score).toMatchObject({ modelVersion: 1, grade: expect.stringMatching(/^[A-E]$/) });
    // The person's late payment at lender A is among what cost them points.
    expect(score.reasons.length).toBeGreaterThan(0);

    await ctx.services.credit.trainModel({ snapshot: '2023-08', horizon: 6 });
    const supervisor = await supervisorSession(ctx, 'credit.models.2', '000000');
    const models = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/credit/models', headers: supervisor })).json() as { items: { version: number; inForce: boolean; horizonMonths: number; scorecard: { scoreRange: { min: number; max: number }; features: { label: { zh: string }; bins: { lower: number | null; upper: number | null; points: number }[] }[] } }[] };
    expect(models.items.map((m) => [m.version, m.inForce, m.horizonMonths])).toEqual([
      [2, true, 6],
      [1, false, 12],
    ]);
    const table = models.items[0]!.scorecard;
    // The score range is the sum of each attribute's lowest and highest points.
    expect(table.scoreRange.min).toBe(table.features.reduce((sum, f) => sum + Math.min(...f.bins.map((b) => b.points)), 0));
    expect(table.scoreRange.max).toBeGreaterThan(table.scoreRange.min);
    for (const feature of table.features) {
      expect(feature.label.zh).toMatch(/[\u4e00-\u9fff]/);
      // Numeric bins follow each other: each starts where the one before ends.
      const numeric = feature.bins.filter((b) => b.lower !== null || b.upper !== null);
      for (let i = 1; i < numeric.length; i++) expect(numeric[i]!.lower).toBe(numeric[i - 1]!.upper);
    }
    expect((await ctx.services.credit.ownReport(consumer, '2024-09-01')).score!.modelVersion).toBe(2);
  });

  it('puts each grid together from the months filed: older months drop out, a gap is *, 90 days is 4, a write-off W, months before the loan /; a corrected filing that drops a loan drops its tradeline', async () => {
    const lenderD = await institution(ctx, 704, '110000');
    const borrower = makeResidentId('110105', '1990-01-01', 58);
    const partyKey = ctx.services.identity.pseudonym('resident_id', borrower);
    const loan = (loanId: string, contractDate: string) => ({ loan_id: loanId, contract_id: `C${loanId}`, borrower_id: borrower, contract_date: contractDate, disbursement_date: contractDate, first_due_date: `${contractDate.slice(0, 8)}28`.replace(/-(\d\d)-28$/, (_m, month: string) => `-${String(Number(month) + 1).padStart(2, '0')}-10`), principal_fen: '3600000', disbursed_fen: '3600000', installments: '36' });
    const instalment = (loanId: string, k: number, period: string, state: { dpd: number; status: string }) => ({
      repayment_id: `${loanId}-${k}-${period}`, loan_id: loanId, installment_number: String(k), installments: '36', due_date: `${period}-10`,
      principal_due_fen: '100000', interest_due_fen: '10000', fee_due_fen: '0',
      amount_paid_fen: state.dpd === 0 ? '110000' : '0', paid_date: state.dpd === 0 ? `${period}-10` : '', days_past_due: String(state.dpd), status: state.status,
    });
    const onTime = { dpd: 0, status: 'paid_on_time' };
    await file(lenderD, 'loan', '2022-01', [loan('D-1', '2022-01-15')]);
    await file(lenderD, 'loan', '2024-02', [loan('D-2', '2024-02-20')]);
    await file(lenderD, 'repayment', '2022-02', [instalment('D-1', 1, '2022-02', onTime)]);
    await file(lenderD, 'repayment', '2022-04', [instalment('D-1', 3, '2022-04', onTime)]);
    await file(lenderD, 'repayment', '2024-03', [instalment('D-1', 26, '2024-03', { dpd: 95, status: 'overdue' })]);
    await file(lenderD, 'repayment', '2024-04', [instalment('D-1', 27, '2024-04', { dpd: 125, status: 'written_off' }), instalment('D-2', 1, '2024-04', onTime)]);
    const lines = async () => (await sql<{ loan_id: string; grid_to: string; grid: string; status: string }>`select loan_id, grid_to, grid, status from tradeline where party_key = ${partyKey} order by loan_id`.execute(ctx.platform.database.db)).rows;
    expect(await lines()).toEqual([
      // 2022-05 … 2024-04: the months of 2022 before May are out of the window; nothing filed from May 2022 to February 2024.
      { loan_id: 'D-1', grid_to: '2024-04', grid: `${'*'.repeat(22)}4W`, status: 'written_off' },
      // Opened in February 2024 (nothing due that month), on time in April.
      { loan_id: 'D-2', grid_to: '2024-04', grid: `${'/'.repeat(21)}**N`, status: 'current' },
    ]);
    // February 2024 filed again without D-2 and with D-3: D-2 is gone from the report, D-3 is there.
    await file(lenderD, 'loan', '2024-02', [loan('D-3', '2024-02-21')], true);
    expect((await lines()).map((line) => [line.loan_id, line.grid])).toEqual([
      ['D-1', `${'*'.repeat(22)}4W`],
      // No instalment filed yet: its grid ends with its own month.
      ['D-3', `${'/'.repeat(23)}*`],
    ]);
  });

  it('refuses whole a furnishing that would make a balance negative (V031), by loan or by repayment, and accepts one that brings it to zero', async () => {
    const lenderC = await institution(ctx, 703, '110000');
    const db = ctx.platform.database.db;
    const lineC = async () => (await ctx.services.credit.ownReport(consumer, '2024-09-01')).tradelines.find((t) => t.loanId === 'C-1')!;
    const findings = async (filingId: string) => (await ctx.services.filing.get(lenderC.caller, filingId)).findings;
    const rowsOf = async (filingId: string) => (await sql<{ n: number }>`select count(*)::int as n from filed_repayment where filing_id = ${filingId}`.execute(db)).rows[0]!.n;
    const loanC = (principal: string) => ({ loan_id: 'C-1', contract_id: 'CC-1', borrower_id: PERSON, contract_date: '2024-06-10', principal_fen: principal, disbursed_fen: principal, installments: '2' });
    const instalment = (k: number, principalDue: number, period: string) => ({
      repayment_id: `C-1-${k}-${period}`, loan_id: 'C-1', installment_number: String(k), installments: '2', due_date: `${period}-10`,
      principal_due_fen: String(principalDue), interest_due_fen: '2000', fee_due_fen: '0', amount_paid_fen: String(principalDue + 2000), paid_date: `${period}-10`, days_past_due: '0', status: 'paid_on_time',
    });
    await file(lenderC, 'loan', '2024-06', [loanC('300000')]);
    await file(lenderC, 'repayment', '2024-07', [instalment(1, 200_000, '2024-07')]);
    expect(await lineC()).toMatchObject({ principalFen: 300_000, balanceFen: 100_000, status: 'current' });

    // One fen more principal than is outstanding: the balance would be -0.01 yuan. Refused, and nothing of it is in force.
    const over = await fileAndSign(ctx, lenderC, 'repayment', '2024-08', recordsCsv('repayment', [instalment(2, 100_001, '2024-08')]));
    expect(over.status).toBe('errors');
    expect(await findings(over.filingId)).toEqual([expect.objectContaining({ editId: 'V031', severity: 'error', count: 1 })]);
    const examples = await ctx.services.filing.findings(lenderC.caller, over.filingId, { editId: 'V031', page: 1, pageSize: 10 });
    expect(examples.items).toEqual([expect.objectContaining({ values: { loan_id: 'C-1', principal_fen: '300000', principal_repaid_fen: '300001' } })]);
    expect(await rowsOf(over.filingId)).toBe(0);
    await ctx.services.credit.onFilingAccepted({ filingId: over.filingId, institutionId: lenderC.institutionId, recordType: 'repayment', period: '2024-08', version: over.version, records: 0 });
    expect(await lineC()).toMatchObject({ balanceFen: 100_000, status: 'current' });

    // Exactly what is outstanding: the balance comes to zero, accepted, and the loan is closed.
    const exact = await file(lenderC, 'repayment', '2024-08', [instalment(2, 100_000, '2024-08')]);
    expect(await rowsOf(exact.filingId)).toBe(1);
    expect(await lineC()).toMatchObject({ balanceFen: 0, status: 'closed' });

    // The loan side: a corrected loan filing whose principal is one fen below what has been repaid is refused; the loan in force stays.
    const lower = await fileAndSign(ctx, lenderC, 'loan', '2024-06', recordsCsv('loan', [loanC('299999')]), { resubmission: true });
    expect(lower.status).toBe('errors');
    expect(await findings(lower.filingId)).toEqual([expect.objectContaining({ editId: 'V031' })]);
    const inForce = await sql<{ principal_fen: number | string }>`select principal_fen from filed_loan where institution_id = ${lenderC.institutionId} and loan_id = 'C-1' and valid_to is null`.execute(db);
    expect(inForce.rows.map((row) => Number(row.principal_fen))).toEqual([300_000]);
    const same = await file(lenderC, 'loan', '2024-06', [loanC('300000')], true);
    expect(same.status).toBe('accepted');
  });
});

/** The PDF with its compressed streams inflated, as text to search. */
function readablePdf(pdf: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const start = pdf.indexOf('stream\n', at);
    if (start < 0) break;
    const end = pdf.indexOf('\nendstream', start);
    parts.push(pdf.subarray(at, start).toString('latin1'));
    const body = pdf.subarray(start + 7, end);
    try {
      parts.push(inflateSync(body).toString('latin1'));
    } catch {
      parts.push(body.toString('latin1'));
    }
    at = end + 10;
  }
  parts.push(pdf.subarray(at).toString('latin1'));
  return parts.join('\n');
}
