import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';
import { chinaDay } from '../standard/china-time.js';

describeEachEngine('the consent registry', (engine) => {
  let ctx: TestContext;
  let lender: TestInstitution;
  let other: TestInstitution;
  const person = makeResidentId('310104', '1991-07-15', 12);
  const stranger = makeResidentId('310104', '1993-02-01', 14);
  let headers: { authorization: string };
  let strangerHeaders: { authorization: string };

  const consumer = async (username: string, residentId: string) => {
    await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username, password: 'a long password 2', displayName: username, residentId } });
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'a long password 2' } });
    return { authorization: `Bearer ${login.json().token}` };
  };
  const grant = (body: Record<string, unknown>, as = headers) => ctx.app.inject({ method: 'POST', url: '/v1/consumer/consents', headers: as, payload: body });
  const pseudonym = (id: string) => ctx.services.identity.pseudonym('resident_id', id);
  const codeOf = async (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string }) => error.code);

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lender = await institution(ctx, 601, '310000');
    other = await institution(ctx, 602, '310000');
    headers = await consumer('consent.person', person);
    strangerHeaders = await consumer('consent.stranger', stranger);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('grants a credit-inquiry authorisation that holds for its purposes, to its last day and not a day more', async () => {
    const today = chinaDay();
    const reply = await grant({ institutionId: lender.institutionId, scope: 'credit_inquiry', purposes: ['loan_approval'], dataCategories: ['credit'], expiresOn: today });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ scope: 'credit_inquiry', status: 'active', expiresOn: today, purposes: [{ code: 'loan_approval', zh: '贷款审批' }], institution: { nameZh: '测试机构601' } });
    const p = pseudonym(person);
    expect(await codeOf(ctx.services.consent.require(lender.institutionId, p, 'credit_inquiry', 'loan_approval'))).toBe('ok');
    expect(await codeOf(ctx.services.consent.require(lender.institutionId, p, 'credit_inquiry', 'post_loan_management'))).toBe('FH_CONSENT_PURPOSE');
    expect(await codeOf(ctx.services.consent.require(other.institutionId, p, 'credit_inquiry', 'loan_approval'))).toBe('FH_CONSENT_MISSING');
    // The next China-time day it no longer holds.
    const tomorrow = new Date(Date.parse(`${today}T00:00:00+08:00`) + 86_400_000);
    const lastMoment = new Date(tomorrow.getTime() - 1);
    expect(await codeOf(ctx.services.consent.require(lender.institutionId, p, 'credit_inquiry', 'loan_approval', lastMoment))).toBe('ok');
    expect(await codeOf(ctx.services.consent.require(lender.institutionId, p, 'credit_inquiry', 'loan_approval', tomorrow))).toBe('FH_CONSENT_EXPIRED');
  });

  it('takes a withdrawal at once; a second withdrawal and a stranger’s are refused', async () => {
    const granted = (await grant({ institutionId: other.institutionId, scope: 'credit_inquiry', purposes: ['post_loan_management', 'loan_approval'] })).json();
    const p = pseudonym(person);
    expect(await codeOf(ctx.services.consent.require(other.institutionId, p, 'credit_inquiry', 'post_loan_management'))).toBe('ok');
    const byStranger = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/consents/${granted.consentId}/withdraw`, headers: strangerHeaders });
    expect(byStranger.statusCode).toBe(404);
    const withdrawn = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/consents/${granted.consentId}/withdraw`, headers });
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String) });
    expect(await codeOf(ctx.services.consent.require(other.institutionId, p, 'credit_inquiry', 'post_loan_management'))).toBe('FH_CONSENT_WITHDRAWN');
    const again = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/consents/${granted.consentId}/withdraw`, headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('FH_CONSENT_CLOSED');
    const events = await ctx.platform.database.db.selectFrom('consent_event').select('action').where('consent_id', '=', granted.consentId).orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(['granted', 'withdrawn']);
  });

  it('asks for a separate consent for sensitive data and for sharing, and refuses unknown purposes and past dates', async () => {
    const sensitive = await grant({ institutionId: lender.institutionId, scope: 'processing', purposes: ['risk_control'], dataCategories: ['location'] });
    expect(sensitive.statusCode).toBe(400);
    expect(sensitive.json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.separateConsent' });
    expect((await grant({ institutionId: lender.institutionId, scope: 'processing', purposes: ['risk_control'], dataCategories: ['location'], separateConsent: true })).json()).toMatchObject({ sensitive: true, status: 'active' });
    expect((await grant({ institutionId: lender.institutionId, scope: 'sharing', purposes: ['collection'], recipient: '某催收公司', dataCategories: ['contact'] })).json().error.field).toBe('body.separateConsent');
    expect((await grant({ institutionId: lender.institutionId, scope: 'credit_inquiry', purposes: ['marketing'] })).json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.purposes.0' });
    expect((await grant({ institutionId: lender.institutionId, scope: 'credit_inquiry', purposes: ['loan_approval'], expiresOn: '2020-01-01' })).json().error.field).toBe('body.expiresOn');
    expect((await grant({ institutionId: '00000000-0000-4000-8000-000000000000', scope: 'credit_inquiry', purposes: ['loan_approval'] })).statusCode).toBe(404);
  });

  it('shows the person all their consents and the steps in their access log; the institution sees what it was given', async () => {
    const mine = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/consents', headers })).json();
    expect(mine.items.length).toBeGreaterThanOrEqual(3);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/consents', headers: strangerHeaders })).json().items).toEqual([]);
    const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=100', headers })).json();
    expect(log.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['consent.granted', 'consent.withdrawn']));
    const given = (await ctx.app.inject({ method: 'GET', url: '/v1/institution/consents', headers: { 'x-api-key': other.apiKey } })).json();
    expect(given.items).toHaveLength(1);
    expect(JSON.stringify(given)).not.toContain(pseudonym(person));
  });
});
