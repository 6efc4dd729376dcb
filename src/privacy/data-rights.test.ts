import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, type TestContext } from '../../test/harness.js';
import { fileAndSign, institution, recordsCsv, type TestInstitution } from '../filing/filing.test-support.js';
import { personSubject } from '../identity/identity.service.js';
import { voucherPng } from '../evidence/samples.js';

const PERSON = makeResidentId('330106', '1988-05-20', 31);
const PASSWORD = 'a long password 4';

describeEachEngine('data rights: copy, correction and deletion', (engine) => {
  let ctx: TestContext;
  let lender: TestInstitution;
  let headers: { authorization: string };

  const login = async (username: string, password = PASSWORD) => ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
  const register = async (username: string, residentId: string, phone?: string) => {
    const reply = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username, password: PASSWORD, displayName: username, residentId, ...(phone ? { phone } : {}) } });
    expect(reply.statusCode, reply.body).toBe(201);
    return { authorization: `Bearer ${(await login(username)).json().token}` };
  };
  const requests = async (as = headers) => (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-requests', headers: as })).json().items as { kind: string; outcome: string; refusal: { code: string }[] | null; detail: Record<string, unknown> }[];

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lender = await institution(ctx, 801, '330100');
    headers = await register('rights.person', PERSON, '13812345678');
    const filing = await fileAndSign(ctx, lender, 'loan', '2024-06', recordsCsv('loan', [{ loan_id: 'R-1', contract_id: 'CR-1', borrower_id: PERSON, contract_date: '2024-06-10', principal_fen: '500000', disbursed_fen: '500000' }]));
    expect(filing.status).toBe('accepted');
    await ctx.services.credit.onFilingAccepted({ filingId: filing.filingId, institutionId: lender.institutionId, recordType: 'loan', period: '2024-06', version: filing.version, records: 0 });
    const consent = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/consents', headers, payload: { institutionId: lender.institutionId, scope: 'credit_inquiry', purposes: ['loan_approval'], dataCategories: ['credit'] } });
    expect(consent.statusCode, consent.body).toBe(201);
  }, 300_000);
  afterAll(async () => ctx?.close());

  it('hands the person one machine-readable file of everything held on them, and logs the download', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-export', headers });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.headers['content-disposition']).toMatch(/^attachment; filename="fenghuo-personal-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const document = reply.json();
    expect(document).toMatchObject({ format: 'fenghuo.personal-data', version: 1, identity: { residentId: PERSON, phone: '13812345678', displayName: 'rights.person', region: { code: '330100' } } });
    expect(document.consents).toEqual([expect.objectContaining({ scope: 'credit_inquiry', status: 'active', institution: expect.objectContaining({ institutionId: lender.institutionId }) })]);
    expect(document.credit.report.tradelines).toEqual([expect.objectContaining({ loanId: 'R-1', principalFen: 500_000 })]);
    expect(document.paymentReminders).toEqual([]);
    // The copy holds its own download among the accesses.
    expect(document.accessLog.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(['personal_data.export', 'consent.granted', 'consumer.register']));
    expect(document.dataRequests).toEqual([expect.objectContaining({ kind: 'export', outcome: 'completed', requestId: document.requestId })]);
    // The access log names who it was: the lender by name, the person as themselves.
    const inquiry = await ctx.app.inject({ method: 'POST', url: '/v1/credit/inquiries', headers: { 'x-api-key': lender.apiKey }, payload: { residentId: PERSON, purpose: 'loan_approval' } });
    expect(inquiry.statusCode, inquiry.body).toBe(200);
    const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log', headers })).json().items as { actorRole: string; actor: { self: boolean; nameZh: string } | null }[];
    expect(log.find((entry) => entry.actorRole === 'institution')?.actor).toEqual({ self: false, nameZh: '测试机构801', nameEn: expect.any(String) });
    expect(log.filter((entry) => entry.actorRole === 'consumer').every((entry) => entry.actor?.self === true)).toBe(true);
    const other = await register('rights.other', makeResidentId('330106', '1990-01-02', 41));
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-export', headers: other })).json().identity.residentId).not.toBe(PERSON);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-export', headers: { 'x-api-key': lender.apiKey } })).statusCode).toBe(403);
  });

  it('corrects the name and number the platform holds, refuses a bad number or no change, and records each correction', async () => {
    const correct = (payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: '/v1/consumer/data-requests/correction', headers, payload });
    const badPhone = await correct({ phone: '1234' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.phone' });
    expect((await correct({})).statusCode).toBe(400);
    const same = await correct({ displayName: 'rights.person', phone: '13812345678' });
    expect(same.statusCode).toBe(422);
    expect(same.json().error).toMatchObject({ code: 'FH_DATA_NOTHING_TO_CORRECT', field: 'body' });

    const done = await correct({ displayName: '李四', phone: '13900001111' });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ kind: 'correction', outcome: 'completed', detail: { fields: ['displayName', 'phone'] } });
    const copy = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-export', headers })).json();
    expect(copy.identity).toMatchObject({ displayName: '李四', phone: '13900001111' });
    const removed = await correct({ phone: null });
    expect(removed.json().detail).toEqual({ fields: ['phone'] });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-export', headers })).json().identity.phone).toBeNull();
    expect((await requests()).filter((r) => r.kind === 'correction')).toHaveLength(2);
  });

  it('refuses deletion with its reasons while a dispute is pending, keeps everything, and records the refusal', async () => {
    const wrong = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/data-requests/deletion', headers, payload: { password: 'not my password' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'FH_AUTH_INVALID_CREDENTIALS', field: 'body.password' });

    const dispute = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/credit/disputes', headers, payload: { institutionId: lender.institutionId, loanId: 'R-1', reason: '金额不对' } });
    expect(dispute.statusCode, dispute.body).toBe(201);
    const plan = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-requests/deletion-plan', headers })).json();
    expect(plan.holds).toEqual([expect.objectContaining({ code: 'credit_dispute_pending', resource: `credit_dispute:${dispute.json().disputeId}` })]);
    expect(plan.retained.map((r: { category: string }) => r.category)).toEqual(expect.arrayContaining(['credit_records', 'consent_records']));

    const refused = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/data-requests/deletion', headers, payload: { password: PASSWORD } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'FH_DATA_LEGAL_HOLD', field: 'body', details: { holds: [expect.objectContaining({ code: 'credit_dispute_pending', basis: expect.objectContaining({ en: expect.stringContaining('Art.25') }) })] } });
    expect((await requests())[0]).toMatchObject({ kind: 'deletion', outcome: 'refused', refusal: [expect.objectContaining({ code: 'credit_dispute_pending' })] });
    // Nothing was erased.
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile', headers })).statusCode).toBe(200);
    const pseudonym = ctx.services.identity.pseudonym('resident_id', PERSON);
    await expect(ctx.services.consent.require(lender.institutionId, pseudonym, 'credit_inquiry', 'loan_approval')).resolves.toMatchObject({ consentId: expect.any(String) });

    // An open complaint holds it too, until it is closed.
    const complaint = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/complaints', headers, payload: { institutionId: lender.institutionId, product: '消费贷', issue: 'hidden_fees', narrative: '多收了服务费' } });
    expect(complaint.statusCode, complaint.body).toBe(201);
    const complaintId = complaint.json().complaintId as string;
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-requests/deletion-plan', headers })).json().holds.map((h: { code: string; resource: string }) => h.resource)).toEqual(expect.arrayContaining([`complaint:${complaintId}`]));
    const reply = await ctx.app.inject({ method: 'POST', url: `/v1/institution/complaints/${complaintId}/answer`, headers: { 'x-api-key': lender.apiKey }, payload: { category: 'closed_with_explanation', text: '已退还服务费' } });
    expect(reply.statusCode, reply.body).toBe(200);
    const satisfied = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers, payload: { verdict: 'satisfied' } });
    expect(satisfied.statusCode, satisfied.body).toBe(200);

    const answered = await ctx.app.inject({ method: 'POST', url: `/v1/institution/credit/disputes/${dispute.json().disputeId}/answer`, headers: { 'x-api-key': lender.apiKey }, payload: { outcome: 'kept', statement: '经核实金额无误' } });
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/data-requests/deletion-plan', headers })).json().holds).toEqual([]);
  });

  it('deletes: consents withdrawn, vault and account gone, the audit log unlinked from the person and still verifiable', async () => {
    const pseudonym = ctx.services.identity.pseudonym('resident_id', PERSON);
    expect((await ctx.services.platform.audit.about(personSubject(pseudonym))).length).toBeGreaterThan(0);
    const item = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/evidence?fileName=voucher.png', headers: { ...headers, 'content-type': 'image/png' }, payload: voucherPng() });
    expect(item.statusCode, item.body).toBe(201);
    const deleted = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/data-requests/deletion', headers, payload: { password: PASSWORD } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toMatchObject({ kind: 'deletion', outcome: 'completed', detail: { erased: { consentsWithdrawn: 1, vaultEntries: 1, accounts: 1, evidenceItems: 1 }, retained: expect.arrayContaining(['credit_records']) } });
    expect(await ctx.services.evidence.exportOf(pseudonym)).toEqual([]);

    // The session ends and the login no longer works.
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile', headers })).statusCode).toBe(401);
    expect((await login('rights.person')).statusCode).toBe(401);
    // The institution may no longer act on the consent.
    await expect(ctx.services.consent.require(lender.institutionId, pseudonym, 'credit_inquiry', 'loan_approval')).rejects.toMatchObject({ code: 'FH_CONSENT_WITHDRAWN' });
    // No entry links to the person any more, yet the log verifies whole.
    expect(await ctx.services.platform.audit.about(personSubject(pseudonym))).toEqual([]);
    await ctx.services.platform.audit.seal();
    const report = await ctx.services.platform.audit.verify();
    expect(report).toMatchObject({ ok: true });
    // The identity is gone from the vault: the same person may register afresh, and the reported loan is still theirs.
    const again = await register('rights.person.again', PERSON);
    const report2 = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/credit-report', headers: again })).json();
    expect(report2.tradelines).toEqual([expect.objectContaining({ loanId: 'R-1' })]);
    // The record of the requests stays (Art.50), and is theirs to see again.
    expect((await requests(again)).map((r) => r.kind)).toContain('deletion');
  });
});
