import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { fileAndSign, institution, recordsCsv, supervisorCaller, testUscc, type TestInstitution } from '../filing/filing.test-support.js';
import type { RecordType } from '../standard/standard.js';
import type { FilingView } from '../filing/filing.service.js';
import type { RuleDefinition } from '../rulebook/rule.js';
import { borrowerLedger, borrowerPageEnd, recordPage } from './features.store.js';
import { addBalances } from './balances.js';
import { MonitoringService } from './monitoring.service.js';

const P1 = makeResidentId('330106', '1985-03-02', 17);
const P2 = makeResidentId('440305', '1990-11-20', 23);

/** Wait until monitoring has checked a filing (a state, not a time). */
async function checked(context: TestContext, filing: FilingView): Promise<void> {
  for (;;) {
    if (await context.services.monitoring.runOf(filing.filingId)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeEachEngine('monitoring raises alerts that explain themselves', (engine) => {
  let context: TestContext;
  let hz: TestInstitution;
  let sz: TestInstitution;
  let licensed: TestInstitution;
  const file = async (who: TestInstitution, type: RecordType, period: string, rows: Record<string, string>[], resubmission = false) => {
    const filing = await fileAndSign(context, who, type, period, recordsCsv(type, rows), { resubmission });
    expect(filing.status, `${type} ${period}`).toBe('accepted');
    await checked(context, filing);
    return filing;
  };
  /** A Zhejiang rule on loans, as a provincial supervisor adds one. */
  const zhejiangLoanRule = (rule: Pick<RuleDefinition, 'id' | 'title' | 'explanation' | 'parameters' | 'condition'> & { figure: { zh: string; en: string } }) =>
    context.services.rulebook.apply(supervisorCaller, {
      kind: 'rule',
      jurisdiction: '330000',
      rule: {
        id: rule.id,
        pack: 'conduct',
        severity: 'low',
        recordTypes: ['loan'],
        title: rule.title,
        explanation: rule.explanation,
        basis: { law: { zh: '浙江省监测要求', en: 'Zhejiang monitoring requirement' }, article: 'Art.1', figure: rule.figure },
        effective: { from: '2024-01-01' },
        parameters: rule.parameters,
        condition: rule.condition,
      },
    });
  const alerts = async (query: Record<string, string> = {}) => (await context.services.monitoring.listAlerts(supervisorCaller, { page: 1, pageSize: 200, ...query })).items;

  beforeAll(async () => {
    context = await startPlatform(engine);
    hz = await institution(context, 71, '330100');
    sz = await institution(context, 72, '440300');
    licensed = await institution(context, 73, '330100');
    const registry = context.services.registry;
    const licence = await registry.applyForLicence(supervisorCaller, licensed.institutionId, 'online_lending');
    for (const q of licence.qualifications) await registry.setQualification(supervisorCaller, licence.licenceId, q.key, true, 'checked');
    await registry.transitionLicence(supervisorCaller, licence.licenceId, 'approved', 'qualifications met');
  }, 240_000);
  afterAll(async () => context?.close());

  it('fires 4 × LPR on a rate strictly above the cap, not on the cap itself, and not for a licensed lender', async () => {
    // Contract 2024-06-10: the one-year LPR in force is 3.45% (2023-08-21), so the cap is 13.80%.
    await file(hz, 'loan', '2024-06', [
      { loan_id: 'AT-CAP', contract_id: 'C-AT', borrower_id: P1, nominal_annual_rate: '0.138' },
      { loan_id: 'ABOVE', contract_id: 'C-AB', borrower_id: P1, nominal_annual_rate: '0.1381' },
    ]);
    await file(licensed, 'loan', '2024-06', [{ loan_id: 'LIC', contract_id: 'C-LIC', borrower_id: P1, nominal_annual_rate: '0.18' }]);
    const hits = await alerts({ ruleId: 'CN-LOAN-RATE-4LPR' });
    expect(hits.map((a) => `${a.institution.id === hz.institutionId ? 'hz' : 'other'}:${a.recordId}`)).toEqual(['hz:ABOVE']);
    const detail = await context.services.monitoring.getAlert(supervisorCaller, hits[0]!.id);
    expect(detail.explanation.zh).toContain('13.81%');
    expect(detail.explanation.zh).toContain('3.45%');
    expect(detail.explanation.zh).toContain('13.80%');
    expect(detail.explanation.en).toContain('above 4 times the one-year LPR of 3.45%');
    expect(detail.basis.article).toBe('Art.25');
    expect(detail.facts.find((f) => f.name === 'lpr_1y_at_contract')).toMatchObject({ kind: 'feature', value: 0.0345 });
    expect(detail.records).toEqual([{ recordType: 'loan', recordId: 'ABOVE', filingId: expect.any(String), period: '2024-06' }]);
    expect(detail.history).toEqual([expect.objectContaining({ from: null, to: 'new', by: 'system' })]);
  });

  it('supersedes the alert when a resubmission no longer holds the offending record, and re-running raises nothing new', async () => {
    const before = await alerts({ ruleId: 'CN-LOAN-RATE-4LPR' });
    const resubmitted = await file(hz, 'loan', '2024-06', [{ loan_id: 'AT-CAP', contract_id: 'C-AT', borrower_id: P1, nominal_annual_rate: '0.138' }], true);
    const after = await alerts({ ruleId: 'CN-LOAN-RATE-4LPR' });
    expect(after.map((a) => [a.id, a.status])).toEqual([[before[0]!.id, 'superseded']]);
    const again = await context.services.monitoring.checkFiling({ filingId: resubmitted.filingId, institutionId: hz.institutionId, recordType: 'loan', period: '2024-06', version: 2, records: 1 });
    expect(again.raised).toBe(0);
    const detail = await context.services.monitoring.getAlert(supervisorCaller, before[0]!.id);
    expect(detail.history.map((h) => h.to)).toEqual(['new', 'superseded']);
  });

  it('counts connected calls across the lender and its agency per China-time day, and fires once on the fourth', async () => {
    const call = (id: string, time: string, extra: Record<string, string> = {}) => ({ collection_id: id, debtor_id: P2, action_time: time, ...extra });
    await file(sz, 'collection', '2024-06', [
      call('K1', '2024-06-05T08:00:00+08:00'),
      call('K2', '2024-06-05T12:00:00+08:00', { collector_type: 'agency', agency_uscc: testUscc(99, '440300') }),
      call('K3', '2024-06-05T15:00:00+08:00', { call_connected: 'false' }),
      call('K4', '2024-06-05T16:00:00+08:00'),
      // 23:59:59 China time is still 5 June (15:59:59 UTC); a call on the 6th starts a new day.
      call('K5', '2024-06-05T15:59:59Z'),
      call('K6', '2024-06-05T16:00:00Z'),
      call('K7', '2024-06-05T21:59:59+08:00'),
    ]);
    const calls = await alerts({ ruleId: 'CN-COLL-CALLS-PER-DAY' });
    expect(calls.map((a) => a.recordId)).toEqual(['K7']);
    const detail = await context.services.monitoring.getAlert(supervisorCaller, calls[0]!.id);
    expect(detail.facts.find((f) => f.name === 'connected_calls_same_day')?.value).toBe(5);
    // Night: 08:00 sharp is allowed, 23:59:59 is night, 00:00 on the 6th is night; Guangdong's own tier is not refined here.
    const night = (await alerts({ ruleId: 'CN-COLL-NIGHT' })).map((a) => a.recordId).sort();
    expect(night).toEqual(['K5', 'K6']);
  });

  it('keeps alerts within the supervisor’s jurisdiction and the institution’s own', async () => {
    const zhejiang = await supervisorSession(context, `zj-${engine}`, '330000');
    const list = await context.app.inject({ method: 'GET', url: '/v1/supervisor/alerts?pageSize=200', headers: zhejiang });
    expect(list.statusCode).toBe(200);
    const ids = (list.json() as { items: { institution: { id: string } }[] }).items.map((a) => a.institution.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([hz.institutionId]));
    const shenzhenAlert = (await alerts({ ruleId: 'CN-COLL-CALLS-PER-DAY' }))[0]!;
    const hidden = await context.app.inject({ method: 'GET', url: `/v1/supervisor/alerts/${shenzhenAlert.id}`, headers: zhejiang });
    expect(hidden.statusCode).toBe(404);
    const own = await context.app.inject({ method: 'GET', url: '/v1/institution/alerts', headers: { 'x-api-key': sz.apiKey } });
    expect(own.statusCode).toBe(200);
    expect(new Set((own.json() as { items: { institution: { id: string } }[] }).items.map((a) => a.institution.id))).toEqual(new Set([sz.institutionId]));
    const notTheirs = await context.app.inject({ method: 'POST', url: `/v1/supervisor/alerts/${shenzhenAlert.id}/transitions`, headers: { 'x-api-key': sz.apiKey }, payload: { to: 'dismissed', reason: 'no' } });
    expect(notTheirs.statusCode).toBe(403);
  });

  it('moves an alert new → triaged → dismissed with a reason, audited, and refuses what the lifecycle does not allow', async () => {
    const national = await supervisorSession(context, `cn-${engine}`, '000000');
    const target = (await alerts({ ruleId: 'CN-COLL-CALLS-PER-DAY' }))[0]!;
    const move = (payload: Record<string, string>) => context.app.inject({ method: 'POST', url: `/v1/supervisor/alerts/${target.id}/transitions`, headers: national, payload });
    expect((await move({ to: 'triaged' })).statusCode).toBe(200);
    const noReason = await move({ to: 'dismissed' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.reason' });
    const dismissed = await move({ to: 'dismissed', reason: 'The agency call was a wrong number' });
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json()).toMatchObject({ status: 'dismissed', history: [{ to: 'new' }, { to: 'triaged' }, { to: 'dismissed', reason: 'The agency call was a wrong number' }] });
    const again = await move({ to: 'escalated' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'FH_ALERT_TRANSITION', details: { from: 'dismissed', to: 'escalated' } });
    const audit = await context.platform.database.db.selectFrom('audit_log').select(['action', 'reason']).where('resource', '=', `alert:${target.id}`).orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'alert.triaged', reason: null },
      { action: 'alert.dismissed', reason: 'The agency call was a wrong number' },
    ]);
  });

  it('re-checks every earlier loan of a borrower when a rule reads a balance as of today, not only the loans signed since the change', async () => {
    // A provincial rule on how many platforms lend to a borrower today: a loan elsewhere, signed
    // later, moves it on a loan signed before; balances as of signing alone would not.
    await zhejiangLoanRule({
      id: 'ZJ-BORROW-PLATFORMS',
      title: { zh: '借款人在多个平台有在贷合同', en: 'Borrower owes on several platforms' },
      explanation: { zh: '借款人在 {features.borrower_platforms} 个平台有在贷合同。', en: 'The borrower owes on {features.borrower_platforms} platforms.' },
      figure: { zh: '不超过 1 个平台', en: 'at most 1 platform' },
      parameters: { max_platforms: { type: 'integer', direction: 'cap', label: { zh: '平台数上限', en: 'Most platforms' }, value: 1, min: 0 } },
      condition: 'features.borrower_platforms > params.max_platforms',
    });
    const borrower = makeResidentId('330106', '1979-05-05', 31);
    const loan = (id: string, day: string) => ({ loan_id: id, contract_id: `C-${id}`, borrower_id: borrower, contract_date: day, disbursement_date: day, first_due_date: '2024-08-20' });
    await file(hz, 'loan', '2024-07', [loan('ZJ-FIRST', '2024-07-01')]);
    expect(await alerts({ ruleId: 'ZJ-BORROW-PLATFORMS' })).toEqual([]);
    await file(sz, 'loan', '2024-07', [loan('GD-LATER', '2024-07-10')]);
    const raised = await alerts({ ruleId: 'ZJ-BORROW-PLATFORMS' });
    // Guangdong is not under the Zhejiang rule; the Zhejiang loan signed before is re-checked.
    expect(raised.map((a) => `${a.institution.id === hz.institutionId ? 'hz' : 'other'}:${a.recordId}:${a.status}`)).toEqual(['hz:ZJ-FIRST:new']);
    // Guangdong resubmits its July without that loan (another borrower's in its place): one platform again.
    await file(sz, 'loan', '2024-07', [{ ...loan('GD-OTHER', '2024-07-10'), borrower_id: P2 }], true);
    expect((await alerts({ ruleId: 'ZJ-BORROW-PLATFORMS' })).map((a) => `${a.recordId}:${a.status}`)).toEqual(['ZJ-FIRST:superseded']);
  });

  it('reads every field of the record for a rule that indexes the record instead of naming its fields', async () => {
    // No other loan rule reads the purpose, so only reading the whole record lets this one fire.
    await zhejiangLoanRule({
      id: 'ZJ-LOAN-PURPOSE',
      title: { zh: '教育用途贷款', en: 'Loan for education' },
      explanation: { zh: '贷款用途为教育。', en: 'The loan is for education.' },
      figure: { zh: '教育用途', en: 'education' },
      parameters: {},
      condition: "record['purpose'] == 'education'",
    });
    const signed = { contract_date: '2024-09-05', disbursement_date: '2024-09-05', first_due_date: '2024-10-05' };
    await file(hz, 'loan', '2024-09', [
      { loan_id: 'EDU', contract_id: 'C-EDU', borrower_id: P1, purpose: 'education', ...signed },
      { loan_id: 'TRAVEL', contract_id: 'C-TRAVEL', borrower_id: P1, purpose: 'travel', ...signed },
    ]);
    expect((await alerts({ ruleId: 'ZJ-LOAN-PURPOSE' })).map((a) => a.recordId)).toEqual(['EDU']);
  });
  it('sums a borrower’s balances on a loan page only when asked, the same loans either way', async () => {
    const borrower = makeResidentId('440305', '1988-08-08', 41);
    const signed = (day: string) => ({ contract_date: day, disbursement_date: day, first_due_date: '2024-12-20' });
    const filing = await file(sz, 'loan', '2024-11', [
      { loan_id: 'SUM-A', contract_id: 'C-SUM-A', borrower_id: borrower, principal_fen: '300000', disbursed_fen: '300000', ...signed('2024-11-01') },
      { loan_id: 'SUM-B', contract_id: 'C-SUM-B', borrower_id: borrower, principal_fen: '500000', disbursed_fen: '500000', ...signed('2024-11-02') },
    ]);
    const db = context.platform.database.db;
    const page = async (balances: boolean, platforms: boolean) =>
      (await recordPage(db, 'loan', { filingId: filing.filingId }, '', 100, ['principal_fen'], { balances, platforms })).map((row) => ({
        id: row.record_id,
        principal: Number(row.principal_fen),
        outstanding: row.outstanding === null ? null : Number(row.outstanding),
        allPlatforms: row.all_platforms === null ? null : Number(row.all_platforms),
        platforms: row.platforms === null ? null : Number(row.platforms),
      }));
    // As of each signing: the second loan's all-platform balance holds the first.
    expect(await page(true, true)).toEqual([
      { id: 'SUM-A', principal: 300000, outstanding: 300000, allPlatforms: 300000, platforms: 1 },
      { id: 'SUM-B', principal: 500000, outstanding: 500000, allPlatforms: 800000, platforms: 1 },
    ]);
    expect(await page(true, false)).toEqual([
      { id: 'SUM-A', principal: 300000, outstanding: 300000, allPlatforms: 300000, platforms: null },
      { id: 'SUM-B', principal: 500000, outstanding: 500000, allPlatforms: 800000, platforms: null },
    ]);
    expect(await page(false, false)).toEqual([
      { id: 'SUM-A', principal: 300000, outstanding: null, allPlatforms: null, platforms: null },
      { id: 'SUM-B', principal: 500000, outstanding: null, allPlatforms: null, platforms: null },
    ]);
  });
  it('reaches the same alerts a record per page and a borrower per re-check chunk', async () => {
    const everything = async () => (await alerts()).map((a) => `${a.id}:${a.status}`).sort();
    const before = await everything();
    expect(before.length).toBeGreaterThan(5);
    const { platform, services } = context;
    // Pages of one record and chunks of one borrower: a record skipped between pages, or a chunk
    // lost between lanes, would supersede its alert.
    const paged = new MonitoringService(platform, services.registry, services.rulebook, services.filing, { pageSize: 1 });
    for (const event of await services.filing.acceptedFilingEvents()) {
      const run = await paged.checkFiling(event);
      expect(run, `${event.recordType} ${event.period}`).toMatchObject({ raised: 0, superseded: 0, faults: 0 });
    }
    const borrowers = await platform.database.db.selectFrom('filed_loan').select('party_key').distinct().where('valid_to', 'is', null).execute();
    expect(borrowers.length).toBeGreaterThan(2);
    await paged.recheckBalances(borrowers.map((b) => b.party_key), undefined, 'a test re-checking every borrower');
    expect(await everything()).toEqual(before);
  });
  it('works out the same balances in memory from a borrower sweep’s pages as the page query does in SQL', async () => {
    const db = context.platform.database.db;
    const borrowers = (await db.selectFrom('filed_loan').select('party_key').distinct().where('valid_to', 'is', null).execute()).map((b) => b.party_key);
    const figures = (row: Record<string, unknown>) => `${String(row.institution_id)}|${row.record_id as string}: ${[row.outstanding, row.on_platform, row.all_platforms, row.platforms].map((v) => (v === null ? 'null' : Number(v))).join(' ')}`;
    const inSql = (await recordPage(db, 'loan', { partyKeys: borrowers }, '', 10_000, ['principal_fen'])).map(figures).sort();
    expect(inSql.length).toBeGreaterThan(5);
    // Pages of two loans: most end inside a borrower's loans, unless the page ends on the borrower's last.
    const swept: string[] = [];
    for (let after = ''; ; ) {
      const through = await borrowerPageEnd(db, after, 2);
      const { loans, repaid } = await borrowerLedger(db, after, through, ['principal_fen']);
      addBalances(loans, repaid, { balances: true, platforms: true });
      swept.push(...loans.map(figures));
      if (through === null) break;
      after = through;
    }
    expect(swept.sort()).toEqual(inSql);
  });

  it('re-checks a payer’s payment totals from the earliest payment a filing holds: later alerts move, earlier ones stand', async () => {
    const payer = makeResidentId('330106', '1992-02-02', 51);
    const pay = (id: string, time: string, fen: number) => ({ payment_id: id, transaction_time: time, payer_id: payer, payer_account: 'ACC-RECHECK', payer_verification_class: 'I', amount_fen: String(fen), channel: 'balance' });
    const classOne = async () => (await alerts({ ruleId: 'CN-PAY-CLASS-I-LIMIT' })).map((a) => `${a.recordId}:${a.status}`).sort();
    // Class I: CNY 1,000 since the account was opened; January's payment takes it over.
    await file(hz, 'payment', '2025-01', [pay('JAN-CROSSES', '2025-01-10T10:00:00+08:00', 100_001)]);
    expect(await classOne()).toEqual(['JAN-CROSSES:new']);
    // April, then March, filed late: April is re-checked, January is not (its total is as it
    // was), and its alert stands.
    await file(hz, 'payment', '2025-04', [pay('APR-AFTER', '2025-04-10T10:00:00+08:00', 1)]);
    await file(hz, 'payment', '2025-03', [pay('MAR-AFTER', '2025-03-10T10:00:00+08:00', 1)]);
    expect(await classOne()).toEqual(['JAN-CROSSES:new']);
    // December, filed late, comes before: it crosses itself, and January no longer does.
    await file(hz, 'payment', '2024-12', [pay('DEC-CROSSES', '2024-12-20T10:00:00+08:00', 100_001)]);
    expect(await classOne()).toEqual(['DEC-CROSSES:new', 'JAN-CROSSES:superseded']);
  });
});
