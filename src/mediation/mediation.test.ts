import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';
import { ed25519Signer, generateSigningKey } from '../platform/crypto.js';
import { verifyAgreement } from './agreement.js';
import { verifyAgreementCommand } from './mediation.cli.js';

describeEachEngine('online mediation', (engine) => {
  let ctx: TestContext;
  let lender: TestInstitution;
  let other: TestInstitution;
  const person = makeResidentId('310104', '1992-05-06', 41);
  const stranger = makeResidentId('310104', '1985-01-09', 43);
  let consumer: { authorization: string };
  let strangerHeaders: { authorization: string };
  let shanghai: { authorization: string };
  let zhejiang: { authorization: string };
  let mediatorA: { authorization: string };
  let mediatorB: { authorization: string };
  let outsider: { authorization: string };
  const key = (who: TestInstitution) => ({ 'x-api-key': who.apiKey });
  type Headers = Record<string, string>;
  const get = (url: string, headers: Headers) => ctx.app.inject({ method: 'GET', url, headers });
  const post = (url: string, headers: Headers, payload: Record<string, unknown> = {}) => ctx.app.inject({ method: 'POST', url, headers, payload });

  const register = async (username: string, residentId: string) => {
    await post('/v1/public/consumers', {}, { username, password: 'a long password 2', displayName: username, residentId });
    return login(username, 'a long password 2');
  };
  const login = async (username: string, password: string) => {
    const reply = await post('/v1/auth/login', {}, { username, password });
    if (reply.statusCode !== 200) throw new Error(reply.body);
    return { authorization: `Bearer ${reply.json().token}` };
  };
  const appoint = (as: Headers, username: string, jurisdictionCode: string) => post('/v1/supervisor/mediators', as, { username, password: 'mediator password', displayName: `调解员${username}`, jurisdictionCode });

  /** A complaint of the consumer against `who`, answered and disputed: ready for mediation. */
  const disputedComplaint = async (who: TestInstitution = lender): Promise<string> => {
    const filed = await post('/v1/consumer/complaints', consumer, { institutionId: who.institutionId, product: '现金贷', productType: 'cash_loan', issue: 'hidden_fees', narrative: '未告知服务费', amountAtStakeYuan: '600' });
    if (filed.statusCode !== 201) throw new Error(filed.body);
    const { complaintId } = filed.json();
    await post(`/v1/institution/complaints/${complaintId}/answer`, key(who), { category: 'monetary_relief', text: '退还服务费 300 元', reliefYuan: '300' });
    const disputed = await post(`/v1/consumer/complaints/${complaintId}/feedback`, consumer, { verdict: 'disputed', reason: '服务费共 600 元' });
    if (disputed.json().status !== 'disputed') throw new Error(disputed.body);
    return complaintId as string;
  };
  const count = async (table: 'mediation_case' | 'mediation_position' | 'mediation_proposal' | 'mediation_event') =>
    Number((await ctx.platform.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const publicKey = () => ({ algorithm: ctx.platform.keys.signer.algorithm, keyId: ctx.platform.keys.signer.keyId, publicKey: ctx.platform.keys.signer.publicKey });

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lender = await institution(ctx, 801, '310000');
    other = await institution(ctx, 802, '310000');
    consumer = await register('mediation.person', person);
    strangerHeaders = await register('mediation.stranger', stranger);
    shanghai = await supervisorSession(ctx, 'mediation.sh', '310000');
    zhejiang = await supervisorSession(ctx, 'mediation.zj', '330000');
    for (const [username, code] of [['med.a', '310000'], ['med.b', '310000']] as const) expect((await appoint(shanghai, username, code)).statusCode).toBe(201);
    expect((await appoint(zhejiang, 'med.zj', '330100')).statusCode).toBe(201);
    mediatorA = await login('med.a', 'mediator password');
    mediatorB = await login('med.b', 'mediator password');
    outsider = await login('med.zj', 'mediator password');
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('lets a supervisor appoint mediators only within their jurisdiction, and revoke them so that their sessions end at once', async () => {
    const outside = await appoint(shanghai, 'med.outside', '330100');
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error).toMatchObject({ code: 'FH_OUT_OF_JURISDICTION', field: 'body.jurisdictionCode' });
    expect((await appoint(shanghai, 'med.unknown', '319900')).json().error).toMatchObject({ code: 'FH_INVALID_JURISDICTION', field: 'body.jurisdictionCode' });
    expect((await appoint(shanghai, 'med.a', '310000')).json().error).toMatchObject({ code: 'FH_AUTH_USERNAME_TAKEN', field: 'body.username' });
    expect((await appoint(mediatorA, 'med.self', '310000')).statusCode).toBe(403);

    const appointed = await appoint(shanghai, 'med.short', '310100');
    expect(appointed.json()).toMatchObject({ username: 'med.short', jurisdiction: { code: '310100' }, revokedAt: null });
    const session = await login('med.short', 'mediator password');
    expect((await get('/v1/auth/me', session)).json().principal).toMatchObject({ role: 'mediator', jurisdictionCode: '310100', jurisdiction: { code: '310100' } });
    expect((await get('/v1/mediator/queue', session)).statusCode).toBe(200);
    expect((await get('/v1/consumer/mediations', session)).statusCode).toBe(403);

    const list = (await get('/v1/supervisor/mediators', shanghai)).json().items.map((m: { username: string }) => m.username);
    expect(list).toEqual(expect.arrayContaining(['med.a', 'med.b', 'med.short']));
    expect(list).not.toContain('med.zj');
    const userId = appointed.json().userId as string;
    expect((await post(`/v1/supervisor/mediators/${userId}/revoke`, zhejiang)).json().error).toMatchObject({ code: 'FH_OUT_OF_JURISDICTION', field: 'params.userId' });
    expect((await post(`/v1/supervisor/mediators/${userId}/revoke`, shanghai)).json()).toMatchObject({ revokedAt: expect.any(String) });
    expect((await get('/v1/mediator/queue', session)).statusCode).toBe(401);
    expect((await post('/v1/auth/login', {}, { username: 'med.short', password: 'mediator password' })).statusCode).toBe(401);
    expect((await post(`/v1/supervisor/mediators/${userId}/revoke`, shanghai)).json().error).toMatchObject({ code: 'FH_MEDIATOR_REVOKED', field: 'params.userId' });
  });

  it('hears a disputed complaint: request, take, positions from both sides, proposals, both acceptances settle it with a signed agreement', async () => {
    const complaintId = await disputedComplaint();
    // Not the stranger's complaint; not before a dispute.
    expect((await post(`/v1/consumer/complaints/${complaintId}/mediation`, strangerHeaders)).json().error).toMatchObject({ code: 'FH_NOT_FOUND', field: 'params.complaintId' });
    const fresh = (await post('/v1/consumer/complaints', consumer, { institutionId: lender.institutionId, product: '现金贷', productType: 'cash_loan', issue: 'hidden_fees', narrative: '未告知服务费', amountAtStakeYuan: '10' })).json();
    const cases = await count('mediation_case');
    expect((await post(`/v1/consumer/complaints/${fresh.complaintId}/mediation`, consumer)).json().error.code).toBe('FH_COMPLAINT_STATUS');
    expect(await count('mediation_case')).toBe(cases);

    const requested = await post(`/v1/consumer/complaints/${complaintId}/mediation`, consumer);
    expect(requested.statusCode, requested.body).toBe(201);
    const room = requested.json();
    expect(room).toMatchObject({ status: 'requested', complaintId, amountAtStakeFen: 60000, jurisdiction: { code: '310000' }, yourParty: 'consumer', mediator: null });
    const caseId = room.caseId as string;
    expect((await post(`/v1/consumer/complaints/${complaintId}/mediation`, consumer)).json().error).toMatchObject({ code: 'FH_MEDIATION_EXISTS', field: 'params.complaintId' });
    expect((await get(`/v1/consumer/complaints/${complaintId}`, consumer)).json().status).toBe('in_mediation');

    // The Shanghai mediators see it in their queue; the Hangzhou one neither sees nor takes it.
    expect((await get('/v1/mediator/queue', mediatorA)).json().items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    expect((await get('/v1/mediator/queue', outsider)).json().items).toEqual([]);
    expect((await post(`/v1/mediator/cases/${caseId}/take`, outsider)).json().error).toMatchObject({ code: 'FH_OUT_OF_JURISDICTION', field: 'params.caseId' });
    expect((await get(`/v1/mediator/cases/${caseId}`, outsider)).json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    expect((await post(`/v1/mediator/cases/${caseId}/proposals`, mediatorA, { terms: '退还 450 元' })).json().error).toMatchObject({ code: 'FH_MEDIATION_STATUS', field: 'params.caseId' });

    expect((await post(`/v1/mediator/cases/${caseId}/take`, mediatorA)).json()).toMatchObject({ status: 'in_mediation', mediator: { displayName: '调解员med.a' } });
    expect((await post(`/v1/mediator/cases/${caseId}/take`, mediatorB)).json().error).toMatchObject({ code: 'FH_MEDIATION_STATUS', field: 'params.caseId' });
    expect((await post(`/v1/mediator/cases/${caseId}/proposals`, mediatorB, { terms: '退还 450 元' })).json().error).toMatchObject({ code: 'FH_MEDIATION_NOT_ASSIGNED', field: 'params.caseId' });

    // Positions: each side's own; a stranger institution and consumer are not parties.
    // Evidence: the consumer's own vault item goes with the position; someone else's is refused.
    const callerOf = async (headers: Headers) => {
      const { principal } = (await get('/v1/auth/me', headers)).json();
      return { principal: { role: 'consumer' as const, userId: principal.userId, consumerId: principal.consumerId, displayName: principal.displayName }, actor: { role: 'consumer' as const, id: principal.userId } };
    };
    const receive = async (headers: Headers, text: string) => (await ctx.services.evidence.receive(await callerOf(headers), { source: Readable.from([Buffer.from(text)]), fileName: '扣款记录.txt', contentType: 'text/plain' })).evidenceId;
    const voucher = await receive(consumer, '2026-10-05 扣款 50.00 元 会员服务费');
    const foreign = await receive(strangerHeaders, '别人的记录');
    const positions = await count('mediation_position');
    expect((await post(`/v1/consumer/mediations/${caseId}/positions`, consumer, { text: '附扣款记录', evidenceIds: [voucher, foreign] })).json().error).toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'body.evidenceIds.1' });
    expect(await count('mediation_position')).toBe(positions);
    expect((await post(`/v1/consumer/mediations/${caseId}/positions`, consumer, { text: '请退还全部服务费 600 元', evidenceIds: [voucher] })).statusCode).toBe(201);
    const seenByInstitution = (await get(`/v1/institution/mediations/${caseId}`, key(lender))).json();
    expect(seenByInstitution.evidence).toEqual([expect.objectContaining({ evidenceId: voucher, party: 'consumer', fileName: '扣款记录.txt' })]);
    const opened = await get(`/v1/institution/mediations/${caseId}/evidence/${voucher}`, key(lender));
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toBe('2026-10-05 扣款 50.00 元 会员服务费');
    expect((await get(`/v1/institution/mediations/${caseId}/evidence/${foreign}`, key(lender))).json().error.code).toBe('FH_EVIDENCE_NOT_FOUND');
    expect((await get(`/v1/institution/mediations/${caseId}/evidence/${voucher}`, key(other))).json().error.code).toBe('FH_NOT_FOUND');
    expect((await post(`/v1/consumer/mediations/${caseId}/positions`, strangerHeaders, { text: '路过' })).statusCode).toBe(404);
    expect((await post(`/v1/consumer/mediations/${caseId}/positions`, consumer, { text: '   ' })).json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.text' });
    const positionsBefore = await count('mediation_position');
    expect((await post(`/v1/institution/mediations/${caseId}/positions`, key(other), { text: '与我无关' })).json().error).toMatchObject({ code: 'FH_NOT_FOUND', field: 'params.caseId' });
    expect(await count('mediation_position')).toBe(positionsBefore);
    const institutionSide = await post(`/v1/institution/mediations/${caseId}/positions`, key(lender), { text: '服务费已在合同中载明，愿退还 300 元' });
    expect(institutionSide.statusCode).toBe(201);
    // Each side sees the other's position.
    expect((await get(`/v1/consumer/mediations/${caseId}`, consumer)).json().positions.map((p: { party: string }) => p.party)).toEqual(['consumer', 'institution']);
    expect((await get(`/v1/institution/mediations/${caseId}`, key(lender))).json()).toMatchObject({ yourParty: 'institution', positions: [{ text: '请退还全部服务费 600 元' }, { party: 'institution' }] });
    expect((await get(`/v1/consumer/mediations/${caseId}/agreement`, consumer)).json().error).toMatchObject({ code: 'FH_MEDIATION_NOT_CLOSED', field: 'params.caseId' });

    // A first proposal, accepted by the institution, then replaced: the old one can no longer be answered.
    const first = (await post(`/v1/mediator/cases/${caseId}/proposals`, mediatorA, { terms: '机构退还服务费 400 元', amountFen: 40000 })).json().proposals[0];
    expect((await post(`/v1/institution/mediations/${caseId}/proposals/${first.proposalId}/accept`, key(lender))).json().proposals[0].answers).toMatchObject({ institution: 'accepted', consumer: null });
    expect((await post(`/v1/institution/mediations/${caseId}/proposals/${first.proposalId}/reject`, key(lender))).json().error).toMatchObject({ code: 'FH_MEDIATION_ALREADY_ANSWERED', field: 'params.proposalId' });
    expect((await post(`/v1/consumer/mediations/${caseId}/proposals/${first.proposalId}/reject`, consumer)).json().proposals[0].answers.consumer).toBe('rejected');
    const second = (await post(`/v1/mediator/cases/${caseId}/proposals`, mediatorA, { terms: '机构于 10 日内退还服务费 450 元，双方再无争议', amountFen: 45000 })).json();
    expect(second.proposals.map((p: { current: boolean }) => p.current)).toEqual([true, false]);
    const proposalId = second.proposals[0].proposalId as string;
    expect((await post(`/v1/institution/mediations/${caseId}/proposals/${first.proposalId}/accept`, key(lender))).json().error).toMatchObject({ code: 'FH_MEDIATION_PROPOSAL_STALE', field: 'params.proposalId' });
    expect((await post(`/v1/mediator/cases/${caseId}/proposals`, mediatorA, { terms: '负数', amountFen: -1 })).json().error.code).toBe('FH_VALIDATION');

    expect((await post(`/v1/consumer/mediations/${caseId}/proposals/${proposalId}/accept`, consumer)).json().status).toBe('in_mediation');
    const settled = (await post(`/v1/institution/mediations/${caseId}/proposals/${proposalId}/accept`, key(lender))).json();
    expect(settled).toMatchObject({ status: 'settled', closedAt: expect.any(String), referral: null });
    expect((await get(`/v1/consumer/complaints/${complaintId}`, consumer)).json().status).toBe('closed');

    // Closed: nothing more is taken, and nothing is half-written.
    const events = await count('mediation_event');
    expect((await post(`/v1/consumer/mediations/${caseId}/proposals/${proposalId}/reject`, consumer)).json().error).toMatchObject({ code: 'FH_MEDIATION_CLOSED', field: 'params.caseId' });
    const late = await post(`/v1/institution/mediations/${caseId}/positions`, key(lender), { text: '补充' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'FH_MEDIATION_CLOSED', field: 'params.caseId' });
    expect((await post(`/v1/mediator/cases/${caseId}/close`, mediatorA, { referral: 'court' })).json().error.code).toBe('FH_MEDIATION_CLOSED');
    expect(await count('mediation_event')).toBe(events);

    // The agreement: the same for both parties, valid, and any change is detected.
    const document = (await get(`/v1/consumer/mediations/${caseId}/agreement`, consumer)).json();
    expect((await get(`/v1/institution/mediations/${caseId}/agreement`, key(lender))).json()).toEqual(document);
    expect(document.agreement).toMatchObject({
      caseId,
      complaintId,
      outcome: 'settled',
      terms: { text: '机构于 10 日内退还服务费 450 元，双方再无争议', amountFen: 45000 },
      parties: { institution: { institutionId: lender.institutionId, nameZh: '测试机构801' } },
      referral: null,
    });
    expect(document.agreement.acceptances.map((a: { party: string }) => a.party)).toEqual(['consumer', 'institution']);
    expect(JSON.stringify(document)).not.toContain(ctx.services.identity.pseudonym('resident_id', person));
    expect(verifyAgreement(document, publicKey())).toEqual({ valid: true });
    const altered = structuredClone(document);
    altered.agreement.terms.amountFen = 60000;
    expect(verifyAgreement(altered, publicKey())).toMatchObject({ valid: false, check: 'signature' });
    const reworded = structuredClone(document);
    reworded.agreement.terms.text = reworded.agreement.terms.text.replace('450', '600');
    expect(verifyAgreement(reworded, publicKey())).toMatchObject({ valid: false, check: 'signature' });
    const otherKey = ed25519Signer(generateSigningKey('ed25519'));
    expect(verifyAgreement(document, { algorithm: otherKey.algorithm, keyId: otherKey.keyId, publicKey: otherKey.publicKey })).toMatchObject({ valid: false, check: 'key' });
    expect(verifyAgreement({ receipt: {} }, publicKey())).toMatchObject({ valid: false, check: 'format' });

    // Every step is in the case's history and in the consumer's access log.
    const history = (await get(`/v1/consumer/mediations/${caseId}`, consumer)).json().events.map((e: { kind: string }) => e.kind);
    expect(history).toEqual(['requested', 'taken', 'position', 'position', 'proposed', 'accepted', 'rejected', 'proposed', 'accepted', 'accepted', 'settled']);
    const log = (await get('/v1/consumer/access-log?pageSize=100', consumer)).json().items.map((i: { action: string }) => i.action);
    expect(log).toEqual(expect.arrayContaining(['mediation.requested', 'mediation.taken', 'mediation.read', 'mediation.settled', 'mediation.agreement_download']));
    await expect(ctx.platform.database.db.updateTable('mediation_event').set({ kind: 'forged' }).where('case_id', '=', caseId).execute()).rejects.toThrow();

    // The supervisor of the jurisdiction sees it; another does not.
    expect((await get('/v1/supervisor/mediations', shanghai)).json().items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    expect((await get('/v1/supervisor/mediations', zhejiang)).json().items).toEqual([]);
    expect((await get(`/v1/supervisor/mediations/${caseId}`, zhejiang)).json().error.code).toBe('FH_OUT_OF_JURISDICTION');
  });

  it('closes a case as not settled with its referral, signed; the command line tells a valid record from an altered one', async () => {
    const complaintId = await disputedComplaint();
    const caseId = (await post(`/v1/consumer/complaints/${complaintId}/mediation`, consumer)).json().caseId as string;
    await post(`/v1/mediator/cases/${caseId}/take`, mediatorB);
    expect((await post(`/v1/mediator/cases/${caseId}/close`, mediatorA, { referral: 'court' })).json().error.code).toBe('FH_MEDIATION_NOT_ASSIGNED');
    expect((await post(`/v1/mediator/cases/${caseId}/close`, mediatorB, { referral: 'mars' })).json().error).toMatchObject({ code: 'FH_VALIDATION' });
    const closed = await post(`/v1/mediator/cases/${caseId}/close`, mediatorB, { referral: 'arbitration', reason: '双方分歧过大' });
    expect(closed.json()).toMatchObject({ status: 'not_settled', referral: 'arbitration' });
    expect((await get(`/v1/consumer/complaints/${complaintId}`, consumer)).json().status).toBe('closed');
    const document = (await get(`/v1/mediator/cases/${caseId}/agreement`, mediatorB)).json();
    expect(document.agreement).toMatchObject({ outcome: 'not_settled', referral: 'arbitration', terms: null, acceptances: [] });

    const dir = await mkdtemp(path.join(tmpdir(), 'fh-mediation-'));
    try {
      const agreementFile = path.join(dir, 'a.json');
      const keyFile = path.join(dir, 'key.json');
      await writeFile(agreementFile, JSON.stringify(document));
      await writeFile(keyFile, (await get('/v1/platform/public-key', {})).body);
      const lines: string[] = [];
      expect(await verifyAgreementCommand({ agreement: agreementFile, publicKey: keyFile }, (line) => lines.push(line))).toBe(0);
      expect(lines.at(-1)).toMatch(/VALID.*not settled, referred to arbitration/);
      await writeFile(agreementFile, JSON.stringify({ ...document, agreement: { ...document.agreement, referral: 'court' } }));
      expect(await verifyAgreementCommand({ agreement: agreementFile, publicKey: keyFile }, (line) => lines.push(line))).toBe(1);
      expect(lines.at(-1)).toMatch(/INVALID \(signature check failed\)/);
      expect(await verifyAgreementCommand({ agreement: path.join(dir, 'missing.json'), publicKey: keyFile }, (line) => lines.push(line))).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
