import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { recordTypeDef } from '../standard/standard.js';
import { chinaDay } from '../standard/china-time.js';
import { CONSENT_HOLDER, DEMO_HISTORY_PEOPLE, DEMO_LOAN_PERIODS, DEMO_REPAYMENT_PERIODS, demoDaytime, demoScreenedPayments, loadDemoIfEmpty } from './demo.js';
import { DEMO_PASSWORD, demoConsumers, demoInstitutions, demoPeople, demoViolations, lenderFiles, OLD_NEGATIVE_LENDER, oldNegativeFiles } from './demo-data.js';

// The demo runs on the embedded engine, as `npm start` does.
describe('demo data set', () => {
  let ctx: TestContext;
  const lines: string[] = [];
  beforeAll(async () => {
    ctx = await startPlatform('pglite');
    expect(await loadDemoIfEmpty(ctx.services, (line) => lines.push(line))).toBe(true);
  }, 180_000);
  afterAll(() => ctx.close());

  it('registers every institution with licences in every state', async () => {
    const all = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?pageSize=200' })).json();
    expect(all.total).toBe(demoInstitutions.length);
    const statuses = new Set(all.items.flatMap((i: { licences: { status: string }[] }) => i.licences.map((l) => l.status)));
    expect([...statuses].sort()).toEqual(['applied', 'approved', 'revoked', 'suspended']);
  });

  it('files every lender’s data through the pipeline, each filing accepted with a receipt', async () => {
    const lenders = demoInstitutions.filter((d) => d.lending).length;
    const national = await supervisorSession(ctx, 'demo-check', '000000');
    const filings = (await ctx.app.inject({ method: 'GET', url: '/v1/filings?pageSize=200', headers: national })).json();
    // Products, two months of loans, two months of instalments, collection actions, complaints, a
    // disclosure; the fund flows of the two lenders with P2P loans; a month of each payment institution's payments;
    // consumer2's old loan and two months of its instalments.
    const payers = demoInstitutions.filter((d) => d.payments).length;
    expect(filings.total).toBe(lenders * 8 + 2 + payers + 3);
    for (const filing of filings.items) expect(filing.status).toBe('accepted');
  });

  it("shows each supervisor the filed business of their own jurisdiction on the home page", async () => {
    const national = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'overview-cn', '000000') })).json();
    const zhejiang = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'overview-zj', '330000') })).json();
    const sichuan = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'overview-sc', '510000') })).json();
    expect(national.institutions).toBe(demoInstitutions.length);
    expect(national.consumers).toBe(3);
    expect(zhejiang.consumers).toBe(1);
    // The provinces of the demo partition the country: their loans add up to the national figure.
    let byProvinces = 0;
    for (const code of ['330000', '440000', '310000', '510000', '110000']) {
      const overview = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, `overview-${code}`, code) })).json();
      byProvinces += overview.business.loans.loans;
    }
    expect(byProvinces).toBe(national.business.loans.loans);
    expect(zhejiang.business.loans.loans).toBeGreaterThan(0);
    expect(zhejiang.business.loans.loans).toBeLessThan(national.business.loans.loans);
    const oldLoanMonth = oldNegativeFiles(chinaDay(), demoConsumers(demoPeople(900))[1]!.person).loanPeriod;
    expect(national.business.loansByMonth.map((m: { month: string }) => m.month)).toEqual([oldLoanMonth, '2026-09', '2026-10']);
    // Loans above the cap are deliberate violations, in Sichuan and Guangdong (demoViolations); none in Zhejiang.
    expect(sichuan.business.loans.aboveCap).toBeGreaterThan(0);
    expect(zhejiang.business.loans.aboveCap).toBe(0);
    expect(national.business.multiLendingBorrowers).toBeGreaterThan(0);
    expect(national.business.complaints.complaints).toBeGreaterThan(zhejiang.business.complaints.complaints);
    expect(national.business.repayments.overdue).toBeGreaterThan(0);
  });

  it('files the same overdue instalments for two months, and the dashboard counts each once', async () => {
    // What the demo filed, from its own generator: the state of each instalment in each period.
    const people = demoPeople(900);
    const newest = new Map<string, { period: string; daysPastDue: number }>();
    let filedRows = 0;
    let filedOverdueRows = 0;
    for (const [index, demo] of demoInstitutions.entries()) {
      if (!demo.lending) continue;
      const files = lenderFiles(demo, index, people, DEMO_LOAN_PERIODS, DEMO_REPAYMENT_PERIODS);
      for (const period of DEMO_REPAYMENT_PERIODS) {
        for (const row of files.repaymentsByPeriod.get(period) ?? []) {
          filedRows++;
          const days = Number(row.days_past_due);
          if (days > 0) filedOverdueRows++;
          const key = `${demo.key}/${String(row.repayment_id)}`;
          const seen = newest.get(key);
          if (!seen || seen.period < period) newest.set(key, { period, daysPastDue: days });
        }
      }
    }
    // consumer2's old instalments: the fifth filed overdue, then paid late.
    const old = oldNegativeFiles(chinaDay(), demoConsumers(people)[1]!.person);
    for (const [period, rows] of old.repaymentsByPeriod) {
      for (const row of rows) {
        filedRows++;
        const days = Number(row.days_past_due);
        if (days > 0) filedOverdueRows++;
        const key = `${OLD_NEGATIVE_LENDER}/${String(row.repayment_id)}`;
        const seen = newest.get(key);
        if (!seen || seen.period < period) newest.set(key, { period, daysPastDue: days });
      }
    }
    const instalments = newest.size;
    const overdue = [...newest.values()].filter((s) => s.daysPastDue > 0).length;
    // The same instalments were filed again: more rows filed than instalments.
    expect(filedOverdueRows).toBeGreaterThan(overdue);
    expect(filedRows).toBeGreaterThan(instalments);
    const national = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'overview-once', '000000') })).json();
    expect(national.business.repayments).toEqual({ instalments, overdue, overdueRate: overdue / instalments });
  });

  it('holds every deliberate violation it lists, in at least three provinces and eight rules', async () => {
    const rules = new Set(demoViolations.map((v) => v.rule));
    expect(rules.size).toBeGreaterThanOrEqual(8);
    expect(new Set(demoViolations.map((v) => v.province)).size).toBeGreaterThanOrEqual(3);
    const db = ctx.platform.database.db;
    const filed = async (institution: string, recordType: (typeof demoViolations)[number]['recordType'], period: string): Promise<Set<string>> => {
      const def = recordTypeDef(recordType);
      const { rows } = await sql<{ id: string }>`
        select r.${sql.ref(def.idField)} as id from ${sql.table(def.table)} r join institution i using (institution_id)
        where i.name_zh = ${demoInstitutions.find((d) => d.key === institution)!.nameZh} and r.period = ${period}`.execute(db);
      return new Set(rows.map((r) => r.id));
    };
    for (const violation of demoViolations) {
      const demo = demoInstitutions.find((d) => d.key === violation.institution)!;
      expect(violation.province).toBe(`${demo.city.slice(0, 2)}0000`);
      const own = await filed(violation.institution, violation.recordType, violation.period);
      for (const id of violation.recordIds) expect(own.has(id), `${violation.rule} ${violation.institution} ${id}`).toBe(true);
      for (const entry of violation.context ?? []) {
        const [id, institution] = entry.split('@') as [string, string | undefined];
        const records = institution ? await filed(institution, violation.recordType, violation.period) : own;
        expect(records.has(id), `${violation.rule} ${entry}`).toBe(true);
      }
    }
  });

  it('files every payment with the time its payer was verified, before it, but for the deliberate violations', async () => {
    const db = ctx.platform.database.db;
    const { rows } = await sql<{ payment_id: string }>`
      select payment_id from filed_payment where payer_verified_at is null or payer_verified_at > transaction_time order by payment_id`.execute(db);
    const deliberate = demoViolations.filter((v) => v.rule === 'CN-PAY-BEFORE-VERIFICATION').flatMap((v) => v.recordIds);
    expect(rows.map((r) => r.payment_id)).toEqual([...deliberate].sort());
  });

  it('raises the alerts of the deliberate violations, and no other, once monitoring has checked every filing', async () => {
    const national = await supervisorSession(ctx, 'demo-alerts', '000000');
    const filings = (await ctx.app.inject({ method: 'GET', url: '/v1/filings?pageSize=200', headers: national })).json() as { items: { filingId: string }[] };
    for (const filing of filings.items) {
      while (!(await ctx.services.monitoring.runOf(filing.filingId))) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const page = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/alerts?pageSize=200&status=new', headers: national })).json() as { items: { ruleId: string; recordId: string; institution: { nameEn: string } }[]; total: number };
    expect(page.total).toBe(page.items.length);
    const raised = new Set(page.items.map((a) => `${a.ruleId} ${a.recordId}`));
    const expected = new Set(demoViolations.flatMap((v) => v.recordIds.map((id) => `${v.rule} ${id}`)));
    for (const key of expected) expect(raised, key).toContain(key);
    // Besides them, only the low-severity 24 % warning, on loans that are planted violations anyway (and the Zhejiang medical loan).
    const planted = new Set(demoViolations.flatMap((v) => v.recordIds));
    const others = [...raised].filter((key) => !expected.has(key));
    for (const key of others) {
      const [rule, id] = key.split(' ') as [string, string];
      expect(rule, key).toBe('CN-LOAN-COST-WINDOW-24');
      expect(planted, key).toContain(id);
    }
    expect(new Set(page.items.map((a) => a.ruleId)).size).toBeGreaterThanOrEqual(8);
    // A supervisor in Guangdong sees the Guangdong and Shenzhen tiers at work, and nothing from Sichuan.
    const guangdong = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/alerts?pageSize=200', headers: await supervisorSession(ctx, 'demo-gd', '440000') })).json() as { items: { recordId: string; ruleVersion: string }[] };
    expect(guangdong.items.find((a) => a.recordId === 'QIAN-CX08')?.ruleVersion).toBe('1@000000+1@440000');
    expect(guangdong.items.find((a) => a.recordId === 'QIAN-X20')?.ruleVersion).toBe('1@000000+1@440300');
    expect(guangdong.items.some((a) => a.recordId.startsWith('JINJ-'))).toBe(false);
  });

  it("screens Xihu Payment's payments, and holds a large first payment to a new payee in consumer1's inbox", async () => {
    const login = (await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'consumer1', password: DEMO_PASSWORD } })).json() as { token: string };
    const consumer = { authorization: `Bearer ${login.token}` };
    const inbox = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/reminders?status=pending', headers: consumer })).json() as { items: { summary: { amountMinor: number; currency: string; payeeName: string; reasons: { ruleId: string }[] } }[] };
    expect(inbox.items).toHaveLength(1);
    expect(inbox.items[0]!.summary).toMatchObject({ amountMinor: 800_000, currency: 'CNY', payeeName: '张伟' });
    expect(inbox.items[0]!.summary.reasons.map((r) => r.ruleId)).toEqual(['CN-SCREEN-NEW-PAYEE-LARGE']);
    for (const other of ['consumer2', 'consumer3']) {
      const token = ((await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: other, password: DEMO_PASSWORD } })).json() as { token: string }).token;
      expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/reminders', headers: { authorization: `Bearer ${token}` } })).json().items).toEqual([]);
    }

    // The demo screens its payments in one China daytime span, the evening before when started at night; the test may also run after midnight.
    const stats = (await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/screening/stats?from=${chinaDay(new Date(Date.now() - 2 * 86_400_000))}&to=${chinaDay(new Date())}`, headers: await supervisorSession(ctx, 'demo-screening', '330000') })).json() as {
      days: { total: number; allow: number; confirm: number; block: number }[];
      rules: { ruleId: string; hits: number; confirmedFraud: number; precision: number | null }[];
    };
    const count = (decision: string) => demoScreenedPayments.filter((p) => p.decision === decision).length;
    expect(stats.days).toEqual([expect.objectContaining({ total: demoScreenedPayments.length, allow: count('allow'), confirm: count('confirm'), block: count('block'), review: 0 })]);
    expect(stats.rules.find((r) => r.ruleId === 'CN-SCREEN-CLASS-I-LIMIT')).toMatchObject({ hits: 1, confirmedFraud: 1, precision: 1 });
    expect(stats.rules.find((r) => r.ruleId === 'CN-SCREEN-NEW-PAYEE-LARGE')).toMatchObject({ hits: 1, precision: null });
  });

  it("builds consumer1's credit report from several lenders' filings, one late, and lets the authorised lender inquire", async () => {
    const login = (await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'consumer1', password: DEMO_PASSWORD } })).json() as { token: string };
    const consumer = { authorization: `Bearer ${login.token}` };
    type Report = { tradelines: { institution: { institutionId: string; nameZh: string }; loanId: string; worstDaysPastDue: number; grid: { code: string }[]; negative: { shownUntil: string | null } | null }[] };
    // Tradelines are built from filing.accepted events in the background: wait until both planted loans are there.
    let report: Report;
    for (;;) {
      report = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers: consumer })).json() as Report;
      if (report.tradelines.some((t) => t.loanId === 'QIAN-X40') && report.tradelines.some((t) => t.loanId === 'YONG-X40')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(new Set(report.tradelines.map((t) => t.institution.institutionId)).size).toBeGreaterThanOrEqual(2);
    const late = report.tradelines.find((t) => t.loanId === 'YONG-X40')!;
    expect(late.worstDaysPastDue).toBeGreaterThan(0);
    expect(late.grid.some((m) => /[1-7]/.test(m.code))).toBe(true);
    expect(report.tradelines.find((t) => t.loanId === 'QIAN-X40')!.worstDaysPastDue).toBe(0);

    // The lender holding consumer1's authorisation may inquire for a loan approval.
    const registry = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?pageSize=200' })).json() as { items: { institutionId: string; nameZh: string }[] };
    const holder = registry.items.find((i) => i.nameZh === demoInstitutions.find((d) => d.key === CONSENT_HOLDER)!.nameZh)!;
    const key = (await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${holder.institutionId}/api-keys`, headers: await supervisorSession(ctx, 'demo-credit', '000000'), payload: { label: 'demo-test' } })).json() as { apiKey: string };
    const inquiry = await ctx.app.inject({ method: 'POST', url: '/v1/credit/inquiries', headers: { 'x-api-key': key.apiKey }, payload: { residentId: demoConsumers(demoPeople(900))[0]!.person.residentId, purpose: 'loan_approval' } });
    expect(inquiry.statusCode).toBe(200);
    expect(inquiry.json().tradelines.length).toBe(report.tradelines.length);
  });

  it("shows consumer2 a negative record that leaves the report within the next months", async () => {
    const login = (await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'consumer2', password: DEMO_PASSWORD } })).json() as { token: string };
    const consumer = { authorization: `Bearer ${login.token}` };
    const loanId = oldNegativeFiles(chinaDay(), demoConsumers(demoPeople(900))[1]!.person).loan.loan_id;
    type Report = { tradelines: { loanId: string; status: string; negative: { endedOn: string | null; shownUntil: string | null } | null }[] };
    let line: Report['tradelines'][number] | undefined;
    while (!(line = ((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers: consumer })).json() as Report).tradelines.find((t) => t.loanId === loanId))) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(line.status).toBe('closed');
    const today = chinaDay();
    const shownUntil = line.negative!.shownUntil!;
    expect(shownUntil > today).toBe(true);
    const months = (Date.parse(shownUntil) - Date.parse(today)) / (30 * 86_400_000);
    expect(months).toBeLessThan(4);
  });

  it('holds consents in each standing and data-rights requests, a deletion among them refused with its reason', async () => {
    const headersOf = async (username: string) => ({ authorization: `Bearer ${((await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: DEMO_PASSWORD } })).json() as { token: string }).token}` });
    const consumer2 = await headersOf('consumer2');
    const consents = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/consents', headers: consumer2 })).json().items as { scope: string; status: string }[];
    expect(consents.map((c) => `${c.scope} ${c.status}`).sort()).toEqual(['processing active', 'sharing withdrawn']);
    const requests2 = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-requests', headers: consumer2 })).json().items as { kind: string; outcome: string }[];
    expect(requests2.map((r) => `${r.kind} ${r.outcome}`).sort()).toEqual(['correction completed', 'export completed']);
    const requests1 = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-requests', headers: await headersOf('consumer1') })).json().items as { kind: string; outcome: string; refusal: { code: string }[] }[];
    expect(requests1).toEqual([expect.objectContaining({ kind: 'deletion', outcome: 'refused', refusal: [expect.objectContaining({ code: 'payment_awaiting_confirmation' })] })]);
  });

  it('trains a scorecard on the anonymous borrowers’ history, so the demo consumers’ reports carry a score and its reasons', async () => {
    const models = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/credit/models', headers: await supervisorSession(ctx, 'demo-models', '000000') })).json() as {
      items: { version: number; inForce: boolean; rows: number; bads: number; metrics: { auc: number; calibration: unknown[] }; scorecard: { features: { bins: { points: number }[] }[] } }[];
    };
    expect(models.items).toHaveLength(1);
    const [model] = models.items;
    expect(model).toMatchObject({ version: 1, inForce: true });
    // Most history borrowers have an account by the snapshot, a year before the last month filed.
    expect(model!.rows).toBeGreaterThan(DEMO_HISTORY_PEOPLE * 0.7);
    expect(model!.bads).toBeGreaterThanOrEqual(20);
    expect(model!.metrics.auc).toBeGreaterThan(0.7);
    expect(model!.metrics.calibration.length).toBeGreaterThan(0);
    expect(model!.scorecard.features.length).toBeGreaterThanOrEqual(2);
    // The history's borrowers have no accounts: the consumers are still the demo's three.
    const overview = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'demo-models-overview', '000000') })).json();
    expect(overview.consumers).toBe(3);

    type Score = { modelVersion: number; score: number; grade: string; reasons: { label: { zh: string; en: string }; pointsLost: number }[] } | null;
    for (const username of ['consumer1', 'consumer2']) {
      const login = (await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: DEMO_PASSWORD } })).json() as { token: string };
      const report = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers: { authorization: `Bearer ${login.token}` } })).json() as { score: Score };
      expect(report.score, username).toMatchObject({ modelVersion: 1, grade: expect.stringMatching(/^[A-E]$/) });
      for (const reason of report.score!.reasons) expect(reason.pointsLost).toBeGreaterThan(0);
    }
    // consumer1 has a late loan: it costs points, and the report says which attribute did.
    const login = (await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'consumer1', password: DEMO_PASSWORD } })).json() as { token: string };
    const report = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers: { authorization: `Bearer ${login.token}` } })).json() as { score: Score };
    expect(report.score!.reasons.length).toBeGreaterThan(0);
    expect(report.score!.reasons[0]!.label.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('does nothing the second time', async () => {
    expect(await loadDemoIfEmpty(ctx.services, () => {})).toBe(false);
  });
});

describe('the moment the demo screens its payments at', () => {
  const at = (iso: string, minutes = 0) => new Date(new Date(iso).getTime() + minutes * 60_000);
  const hourOf = (moment: Date) => (moment.getUTCHours() + 8) % 24;
  const series = (start: Date) => [start, at(start.toISOString(), demoScreenedPayments.length - 1)] as const;

  it('is ten minutes before now in the China daytime', () => {
    expect(demoDaytime(at('2026-12-07T15:00:00+08:00'))).toEqual(at('2026-12-07T14:50:00+08:00'));
    expect(demoDaytime(at('2026-12-07T08:10:00+08:00'))).toEqual(at('2026-12-07T08:00:00+08:00'));
    // Started so that the series' last payment is at 23:59 China time: still that day.
    const lastAt2359 = at('2026-12-07T23:59:00+08:00', 10 - (demoScreenedPayments.length - 1));
    expect(demoDaytime(lastAt2359)).toEqual(at(lastAt2359.toISOString(), -10));
    expect(series(demoDaytime(lastAt2359)).map((m) => chinaDay(m))).toEqual(['2026-12-07', '2026-12-07']);
  });

  it('moves to the evening when the series would reach midnight or start in the small hours', () => {
    // A minute later the last payment would fall at 00:00 the next day: the same day's evening instead.
    const lastAtMidnight = at('2026-12-08T00:00:00+08:00', 10 - (demoScreenedPayments.length - 1));
    expect(demoDaytime(lastAtMidnight)).toEqual(at('2026-12-07T20:00:00+08:00'));
    for (const now of ['2026-12-08T00:05:00+08:00', '2026-12-08T03:00:00+08:00', '2026-12-08T08:09:59+08:00']) {
      expect(demoDaytime(at(now)), now).toEqual(at('2026-12-07T20:00:00+08:00'));
    }
    for (const now of ['2026-12-07T23:58:00+08:00', '2026-12-08T00:05:00+08:00', '2026-12-08T08:09:59+08:00', '2026-01-01T00:01:00+08:00', '2026-12-08T08:10:00+08:00']) {
      const [first, last] = series(demoDaytime(at(now)));
      expect(chinaDay(first), now).toBe(chinaDay(last));
      expect(hourOf(first), now).toBeGreaterThanOrEqual(8);
      expect(first.getTime(), now).toBeLessThan(at(now).getTime());
    }
  });
});
