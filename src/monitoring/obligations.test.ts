import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { fileAndSign, institution, recordsCsv, supervisorCaller, type TestInstitution } from '../filing/filing.test-support.js';
import { chinaMonth } from '../standard/china-time.js';
import { dueDateOf, obligationStatus } from './obligations.js';

describe('a reporting deadline, to the second in China time', () => {
  it('is the due day of the following month, across a year end', () => {
    expect(dueDateOf('2026-10', 15)).toBe('2026-11-15');
    expect(dueDateOf('2026-12', 15)).toBe('2027-01-15');
  });

  it('counts a filing first accepted by 24:00 China time on the due day as on time, and one at 24:00 as late', () => {
    expect(obligationStatus('2026-11-15', new Date('2026-11-15T23:59:59.999+08:00'), new Date('2027-01-01T00:00:00Z'))).toBe('filed');
    expect(obligationStatus('2026-11-15', new Date('2026-11-16T00:00:00+08:00'), new Date('2027-01-01T00:00:00Z'))).toBe('late');
  });

  it('is missing from 24:00 China time on the due day, not before', () => {
    expect(obligationStatus('2026-11-15', undefined, new Date('2026-11-15T15:59:59.999Z'))).toBe('not_due');
    expect(obligationStatus('2026-11-15', undefined, new Date('2026-11-15T16:00:00Z'))).toBe('missing');
  });

  it('reads the month in China: 00:30 on 1 December in Beijing is December', () => {
    expect(chinaMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
    expect(chinaMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11');
  });
});

describeEachEngine('the filing calendar follows the licences', (engine) => {
  let context: TestContext;
  let lender: TestInstitution;
  let unlicensed: TestInstitution;
  const thisMonth = chinaMonth(new Date());

  beforeAll(async () => {
    context = await startPlatform(engine);
    lender = await institution(context, 91, '330100');
    unlicensed = await institution(context, 92, '330100');
    const licence = await context.services.registry.applyForLicence(supervisorCaller, lender.institutionId, 'online_lending');
    for (const q of licence.qualifications) await context.services.registry.setQualification(supervisorCaller, licence.licenceId, q.key, true, 'checked');
    await context.services.registry.transitionLicence(supervisorCaller, licence.licenceId, 'approved', 'qualifications met');
    // This month's loans are filed (on time: the deadline is next month); nothing else is.
    const filing = await fileAndSign(context, lender, 'loan', thisMonth, recordsCsv('loan', [{ contract_date: `${thisMonth}-01`, disbursement_date: `${thisMonth}-01`, first_due_date: `${thisMonth}-28` }]));
    expect(filing.status).toBe('accepted');
    // Until monitoring has taken that filing (and checked the calendar as of now after it), a test's
    // own check of a later date could be undone by it: wait for the state, every event delivered.
    while ((await context.platform.events.stats()).pending > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }, 240_000);
  afterAll(async () => context?.close());

  it('owes a licensed lender’s five record types from the month of approval; an unlicensed institution owes nothing', async () => {
    const now = await context.services.monitoring.filingCalendar(supervisorCaller, lender.institutionId);
    expect(now.map((e) => [e.period, e.recordType, e.status])).toEqual([
      [thisMonth, 'loan', 'filed'],
      [thisMonth, 'repayment', 'not_due'],
      [thisMonth, 'collection', 'not_due'],
      [thisMonth, 'complaint', 'not_due'],
      [thisMonth, 'disclosure', 'not_due'],
    ]);
    expect(await context.services.monitoring.filingCalendar(supervisorCaller, unlicensed.institutionId)).toEqual([]);
  });

  it('raises one alert per missing filing once its deadline has passed, and explains it', async () => {
    const later = new Date(Date.now() + 62 * 86_400_000);
    const result = await context.services.monitoring.checkObligations([lender.institutionId], later);
    // This month: four missing; next month: five missing only if its deadline has also passed (it has not, 62 days on, unless the month is short).
    expect(result.raised).toBeGreaterThanOrEqual(4);
    const again = await context.services.monitoring.checkObligations([lender.institutionId], later);
    expect(again.raised).toBe(0);
    const page = await context.services.monitoring.listAlerts(supervisorCaller, { ruleId: 'CN-REPORT-LENDING', period: thisMonth, page: 1, pageSize: 50 });
    expect(page.items.map((a) => a.recordType).sort()).toEqual(['collection', 'complaint', 'disclosure', 'repayment']);
    const detail = await context.services.monitoring.getAlert(supervisorCaller, page.items.find((a) => a.recordType === 'repayment')!.id);
    expect(detail.explanation.zh).toContain('还款');
    expect(detail.explanation.en).toContain('Repayment');
    expect(detail.explanation.en).toContain('(not filed)');
    // Through HTTP: the supervisor of the jurisdiction sees the calendar; another province does not.
    const zj = await supervisorSession(context, `zj-cal-${engine}`, '330000');
    const gd = await supervisorSession(context, `gd-cal-${engine}`, '440000');
    const url = `/v1/supervisor/institutions/${lender.institutionId}/filing-calendar`;
    expect((await context.app.inject({ method: 'GET', url, headers: zj })).statusCode).toBe(200);
    expect((await context.app.inject({ method: 'GET', url, headers: gd })).statusCode).toBe(403);
    const own = await context.app.inject({ method: 'GET', url: '/v1/institution/filing-calendar', headers: { 'x-api-key': lender.apiKey } });
    expect((own.json() as { entries: unknown[] }).entries).toHaveLength(5);
  });
});
