import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Caller } from '../platform/auth/access.js';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';
import { chinaDay } from '../standard/china-time.js';
import { quarterOf } from './complaint.service.js';

describeEachEngine('complaints', (engine) => {
  let ctx: TestContext;
  let lender: TestInstitution;
  let other: TestInstitution;
  let zhejiang: TestInstitution;
  const person = makeResidentId('310104', '1990-03-02', 21);
  const stranger = makeResidentId('330106', '1988-11-20', 33);
  let headers: { authorization: string };
  let strangerHeaders: { authorization: string };
  const api = (key: string) => ({ 'x-api-key': key });

  const consumer = async (username: string, residentId: string) => {
    await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username, password: 'a long password 2', displayName: username, residentId } });
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'a long password 2' } });
    return { authorization: `Bearer ${login.json().token}` };
  };
  const file = (body: Record<string, unknown>, as = headers) => ctx.app.inject({ method: 'POST', url: '/v1/consumer/complaints', headers: as, payload: body });
  const base = { product: '极速贷 App 现金贷', productType: 'cash_loan', issue: 'hidden_fees', narrative: '借款时未告知服务费，实际年化成本超过 24%。', amountAtStakeYuan: '1280.5' };
  const answer = (id: string, who: TestInstitution, body: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: `/v1/institution/complaints/${id}/answer`, headers: api(who.apiKey), payload: body });
  const count = async (table: 'complaint' | 'complaint_event' | 'complaint_stat') => Number((await ctx.platform.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lender = await institution(ctx, 701, '310000');
    other = await institution(ctx, 702, '310000');
    zhejiang = await institution(ctx, 703, '330000');
    headers = await consumer('complaint.person', person);
    strangerHeaders = await consumer('complaint.stranger', stranger);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('files a complaint to the institution’s desk with a 15-day deadline, the amount in exact fen and its history', async () => {
    const reply = await file({ ...base, institutionId: lender.institutionId });
    expect(reply.statusCode, reply.body).toBe(201);
    const complaint = reply.json();
    expect(complaint).toMatchObject({ status: 'filed', amountAtStakeFen: 128050, issue: { code: 'hidden_fees' }, institution: { registered: true, nameZh: '测试机构701' }, jurisdiction: { code: '310000' }, deadline: { days: 15, dayKind: 'calendar', policyId: 'cbirc-2020-3' } });
    expect(complaint.deadline.lastDay > complaint.receivedDay).toBe(true);
    expect(complaint.history.map((e: { action: string }) => e.action)).toEqual(['filed']);
    const mine = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/complaints', headers })).json();
    expect(mine.items.map((c: { complaintId: string }) => c.complaintId)).toContain(complaint.complaintId);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/consumer/complaints/${complaint.complaintId}`, headers: strangerHeaders })).statusCode).toBe(404);
    const desk = (await ctx.app.inject({ method: 'GET', url: '/v1/institution/complaints', headers: api(lender.apiKey) })).json();
    expect(desk.items.map((c: { complaintId: string }) => c.complaintId)).toEqual([complaint.complaintId]);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/institution/complaints', headers: api(other.apiKey) })).json().items).toEqual([]);
    const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=100', headers })).json();
    expect(log.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['complaint.filed', 'complaint.read']));
  });

  it('refuses an answer from another institution, changing nothing; the desk answers; the consumer disputes; mediation takes it and closes it', async () => {
    const { complaintId } = (await file({ ...base, institutionId: lender.institutionId })).json();
    const events = await count('complaint_event');
    const foreign = await answer(complaintId, other, { category: 'closed_with_explanation', text: '已解释' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toMatchObject({ code: 'FH_NOT_FOUND', field: 'params.complaintId' });
    expect(await count('complaint_event')).toBe(events);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/consumer/complaints/${complaintId}`, headers })).json().status).toBe('filed');

    expect((await answer(complaintId, lender, { category: 'monetary_relief', text: '退还服务费' })).json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.reliefYuan' });
    expect((await answer(complaintId, lender, { category: 'closed_with_explanation', text: '已解释', reliefYuan: '1' })).json().error.field).toBe('body.reliefYuan');
    const interim = await answer(complaintId, lender, { category: 'in_progress', text: '正在核查' });
    expect(interim.json()).toMatchObject({ status: 'in_progress', response: { category: 'in_progress' } });
    expect((await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers, payload: { verdict: 'satisfied' } })).json().error.code).toBe('FH_COMPLAINT_STATUS');
    const answered = await answer(complaintId, lender, { category: 'monetary_relief', text: '退还服务费 300 元', reliefYuan: '300.00' });
    expect(answered.json()).toMatchObject({ status: 'answered', late: false, response: { category: 'monetary_relief', reliefFen: 30000 } });
    expect((await answer(complaintId, lender, { category: 'closed_with_explanation', text: '再答' })).json().error.code).toBe('FH_COMPLAINT_STATUS');

    expect((await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers: strangerHeaders, payload: { verdict: 'satisfied' } })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers, payload: { verdict: 'disputed' } })).json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.reason' });
    const disputed = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers, payload: { verdict: 'disputed', reason: '退款不足，服务费共 600 元' } });
    expect(disputed.json()).toMatchObject({ status: 'disputed', feedback: { verdict: 'disputed' } });

    const db = ctx.platform.database.db;
    expect(await ctx.services.complaints.partyOf(lender.caller, complaintId)).toBe('institution');
    await expect(ctx.services.complaints.partyOf(other.caller, complaintId)).rejects.toMatchObject({ code: 'FH_NOT_FOUND' });
    const forMediation = await ctx.services.complaints.forMediation(complaintId);
    expect(forMediation).toMatchObject({ institutionId: lender.institutionId, jurisdictionCode: '310000', status: 'disputed', amountAtStakeFen: 128050, consumerUserId: expect.any(String) });
    expect(await ctx.services.complaints.openCasesOf(forMediation.consumerPseudonym)).toEqual(expect.arrayContaining([{ complaintId, status: 'disputed' }]));
    await db.transaction().execute((trx) => ctx.services.complaints.enterMediation(trx, complaintId, 'mediation:case-1'));
    await expect(db.transaction().execute((trx) => ctx.services.complaints.enterMediation(trx, complaintId, 'mediation:case-2'))).rejects.toMatchObject({ code: 'FH_COMPLAINT_STATUS', field: 'complaintId' });
    await db.transaction().execute((trx) => ctx.services.complaints.closeByMediation(trx, complaintId, 'settled'));
    const closed = (await ctx.app.inject({ method: 'GET', url: `/v1/consumer/complaints/${complaintId}`, headers })).json();
    expect(closed).toMatchObject({ status: 'closed', closure: 'settled', caseRef: 'mediation:case-1' });
    expect(closed.history.map((e: { action: string }) => e.action)).toEqual(['filed', 'interim_reply', 'answered', 'disputed', 'mediation_started', 'mediation_settled']);
    expect((await ctx.services.complaints.openCasesOf(forMediation.consumerPseudonym)).map((c) => c.complaintId)).not.toContain(complaintId);
    const exported = await ctx.services.complaints.exportOf(forMediation.consumerPseudonym);
    expect(exported).toEqual(expect.arrayContaining([expect.objectContaining({ complaintId, history: expect.any(Array) })]));
  });

  it('refuses mediation for a complaint nobody disputed, and keeps the event log append-only', async () => {
    const { complaintId } = (await file({ ...base, institutionId: lender.institutionId })).json();
    const db = ctx.platform.database.db;
    await expect(db.transaction().execute((trx) => ctx.services.complaints.enterMediation(trx, complaintId, 'mediation:x'))).rejects.toMatchObject({ code: 'FH_COMPLAINT_STATUS', field: 'complaintId' });
    await expect(db.deleteFrom('complaint_event').where('complaint_id', '=', complaintId).execute()).rejects.toThrow();
    const satisfied = await answer(complaintId, lender, { category: 'non_monetary_relief', text: '已关闭自动续费' });
    expect(satisfied.statusCode).toBe(200);
    const closed = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers, payload: { verdict: 'satisfied' } });
    expect(closed.json()).toMatchObject({ status: 'closed', closure: 'satisfied' });
    expect((await ctx.app.inject({ method: 'POST', url: `/v1/consumer/complaints/${complaintId}/feedback`, headers, payload: { verdict: 'disputed', reason: '又不满意' } })).json().error.code).toBe('FH_COMPLAINT_STATUS');
  });

  it('attaches the consumer’s own evidence, shown to the parties and the supervisor, and refuses anyone else’s', async () => {
    const callerOf = async (username: string): Promise<Caller> => {
      const session = await ctx.platform.auth.login(username, 'a long password 2');
      if (session.principal.role !== 'consumer') throw new Error('not a consumer');
      return { principal: session.principal, actor: { role: 'consumer', id: session.principal.userId } };
    };
    const deposit = async (username: string, text: string) =>
      (await ctx.services.evidence.receive(await callerOf(username), { source: Readable.from([Buffer.from(text)]), fileName: '还款凭证.txt', contentType: 'text/plain' })).evidenceId;
    const mine = await deposit('complaint.person', '2026-11-02 还款 1,080.00 元，流水号 8812');
    const theirs = await deposit('complaint.stranger', '别人的凭证');
    const before = await count('complaint');
    const foreign = await file({ ...base, institutionId: lender.institutionId, evidenceIds: [mine, theirs] });
    expect(foreign.json().error).toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'body.evidenceIds.1' });
    expect((await file({ ...base, institutionId: lender.institutionId, evidenceIds: ['00000000-0000-4000-8000-000000000000'] })).json().error).toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'body.evidenceIds.0' });
    expect(await count('complaint')).toBe(before);

    const filed = await file({ ...base, institutionId: lender.institutionId, evidenceIds: [mine] });
    expect(filed.statusCode, filed.body).toBe(201);
    const { complaintId } = filed.json();
    expect(filed.json().attachments).toEqual([expect.objectContaining({ evidenceId: mine, fileName: '还款凭证.txt', mediaType: expect.stringContaining('text/plain'), receipt: expect.any(Object) })]);
    const url = (prefix: string, id = mine) => `/v1/${prefix}/complaints/${complaintId}/attachments/${id}`;
    const own = await ctx.app.inject({ method: 'GET', url: url('consumer'), headers });
    expect(own.statusCode).toBe(200);
    expect(own.body).toBe('2026-11-02 还款 1,080.00 元，流水号 8812');
    expect((await ctx.app.inject({ method: 'GET', url: url('institution'), headers: api(lender.apiKey) })).body).toContain('流水号 8812');
    expect((await ctx.app.inject({ method: 'GET', url: url('institution'), headers: api(other.apiKey) })).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: url('consumer'), headers: strangerHeaders })).statusCode).toBe(404);
    const shanghai = await supervisorSession(ctx, 'complaints.evidence', '310000');
    expect((await ctx.app.inject({ method: 'GET', url: url('supervisor'), headers: shanghai })).statusCode).toBe(200);
    const notAttached = await ctx.app.inject({ method: 'GET', url: url('consumer', theirs), headers });
    expect(notAttached.json().error).toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'params.evidenceId' });
    // The institution's desk shows the attachment with the complaint.
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/institution/complaints/${complaintId}`, headers: api(lender.apiKey) })).json().attachments).toHaveLength(1);
  });

  it('refuses bad input with its field and writes nothing', async () => {
    const before = await count('complaint');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base }, 'FH_VALIDATION', 'body.institutionId'],
      [{ ...base, institutionId: lender.institutionId, institutionName: '某公司' }, 'FH_VALIDATION', 'body.institutionName'],
      [{ ...base, institutionId: '00000000-0000-4000-8000-000000000000' }, 'FH_NOT_FOUND', 'body.institutionId'],
      [{ ...base, institutionId: lender.institutionId, issue: 'bad_weather' }, 'FH_VALIDATION', 'body.issue'],
      [{ ...base, institutionId: lender.institutionId, productType: 'spaceship' }, 'FH_VALIDATION', 'body.productType'],
      [{ ...base, institutionId: lender.institutionId, amountAtStakeYuan: '12.345' }, 'FH_VALIDATION', 'body.amountAtStakeYuan'],
      [{ ...base, institutionId: lender.institutionId, amountAtStakeYuan: '-5' }, 'FH_VALIDATION', 'body.amountAtStakeYuan'],
      [{ ...base, institutionId: lender.institutionId, narrative: 'x'.repeat(4001) }, 'FH_VALIDATION', 'body.narrative'],
      [{ ...base, institutionId: lender.institutionId, narrative: '   ' }, 'FH_VALIDATION', 'body.narrative'],
      [{ ...base, institutionName: '某无牌网贷', regionCode: '999999' }, 'FH_INVALID_JURISDICTION', 'body.regionCode'],
      [{ ...base, institutionId: lender.institutionId, narrative: '半个代理字符 \ud800 与空字符 \u0000' }, 'FH_INVALID_TEXT', 'body.narrative'],
    ];
    for (const [body, code, field] of cases) {
      const reply = await file(body);
      expect(reply.json().error, JSON.stringify(body).slice(0, 80)).toMatchObject({ code, field });
    }
    expect(await count('complaint')).toBe(before);
    // Each side only reaches its own routes.
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/consumer/complaints', headers: api(lender.apiKey), payload: { ...base, institutionId: lender.institutionId } })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/institution/complaints', headers })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/complaints', headers })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/complaints' })).statusCode).toBe(401);
  });

  it('routes a complaint against an unregistered institution to the supervisor of the consumer’s region, never lost', async () => {
    const reply = await file({ ...base, institutionName: '某无牌网贷平台' });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ institution: { institutionId: null, nameZh: '某无牌网贷平台', registered: false }, jurisdiction: { code: '310100' }, deadline: { lastDay: null } });
    const chosen = (await file({ ...base, institutionName: '另一家无牌机构', regionCode: '330100' })).json();
    expect(chosen.jurisdiction.code).toBe('330100');
    const shanghai = await supervisorSession(ctx, 'complaints.sh', '310000');
    const seen = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/complaints?unknownInstitution=true', headers: shanghai })).json();
    expect(seen.items.map((c: { complaintId: string }) => c.complaintId)).toEqual([reply.json().complaintId]);
    const zj = await supervisorSession(ctx, 'complaints.zj', '330000');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/complaints?unknownInstitution=true', headers: zj })).json().items.map((c: { complaintId: string }) => c.complaintId)).toEqual([chosen.complaintId]);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/complaints/${reply.json().complaintId}`, headers: zj })).json().error).toMatchObject({ code: 'FH_OUT_OF_JURISDICTION', field: 'params.complaintId' });

    // Shanghai's supervisor finds out which registered institution it is and refers it to its desk.
    const refer = (id: string, as: { authorization: string }, institutionId: string) => ctx.app.inject({ method: 'POST', url: `/v1/supervisor/complaints/${id}/refer`, headers: as, payload: { institutionId } });
    expect((await refer(reply.json().complaintId, zj, lender.institutionId)).json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    expect((await refer(reply.json().complaintId, shanghai, '00000000-0000-4000-8000-000000000000')).json().error).toMatchObject({ code: 'FH_NOT_FOUND', field: 'body.institutionId' });
    const referred = (await refer(reply.json().complaintId, shanghai, other.institutionId)).json();
    expect(referred).toMatchObject({ institution: { institutionId: other.institutionId, registered: true }, jurisdiction: { code: '310000' }, status: 'filed' });
    expect(referred.deadline.lastDay > chinaDay()).toBe(true);
    expect(referred.history.map((e: { action: string }) => e.action)).toEqual(['filed', 'referred']);
    expect((await refer(reply.json().complaintId, shanghai, other.institutionId)).json().error.code).toBe('FH_COMPLAINT_STATUS');
    const desk = (await ctx.app.inject({ method: 'GET', url: '/v1/institution/complaints', headers: api(other.apiKey) })).json();
    expect(desk.items.map((c: { complaintId: string }) => c.complaintId)).toContain(reply.json().complaintId);
  });

  it('takes a complaint forwarded by an institution under the consumer’s pseudonym, shown to the consumer', async () => {
    const bad = await ctx.app.inject({ method: 'POST', url: '/v1/institution/complaints', headers: api(zhejiang.apiKey), payload: { ...base, residentId: '330106198811200000' } });
    expect(bad.json().error).toMatchObject({ code: 'FH_INVALID_RESIDENT_ID', field: 'body.residentId' });
    // The institution attaches the hotline's record from its own vault; another institution's item is refused by its place in the list.
    const record = await ctx.app.inject({ method: 'POST', url: '/v1/institution/evidence?fileName=hotline.txt', headers: { ...api(zhejiang.apiKey), 'content-type': 'text/plain' }, payload: '客服热线记录：客户反映服务费未告知。' });
    expect(record.statusCode, record.body).toBe(201);
    const foreign = await ctx.app.inject({ method: 'POST', url: '/v1/institution/evidence?fileName=other.txt', headers: { ...api(lender.apiKey), 'content-type': 'text/plain' }, payload: '另一家机构的记录' });
    const refusedItem = await ctx.app.inject({ method: 'POST', url: '/v1/institution/complaints', headers: api(zhejiang.apiKey), payload: { ...base, residentId: stranger, evidenceIds: [record.json().evidenceId, foreign.json().evidenceId] } });
    expect(refusedItem.json().error).toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'body.evidenceIds.1' });
    const reply = await ctx.app.inject({ method: 'POST', url: '/v1/institution/complaints', headers: api(zhejiang.apiKey), payload: { ...base, residentId: stranger, evidenceIds: [record.json().evidenceId] } });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json().attachments).toEqual([expect.objectContaining({ evidenceId: record.json().evidenceId, fileName: 'hotline.txt' })]);
    expect(reply.json()).toMatchObject({ channel: 'institution', jurisdiction: { code: '330000' } });
    expect(JSON.stringify(reply.json())).not.toContain(stranger);
    const mine = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/complaints', headers: strangerHeaders })).json();
    expect(mine.items.map((c: { complaintId: string }) => c.complaintId)).toContain(reply.json().complaintId);
    // Received by the institution's hotline twenty days ago: the deadline counted from then has passed.
    const earlier = new Date(Date.now() - 20 * 86_400_000);
    const old = await ctx.app.inject({ method: 'POST', url: '/v1/institution/complaints', headers: api(zhejiang.apiKey), payload: { ...base, residentId: stranger, receivedOn: chinaDay(earlier) } });
    expect(old.json()).toMatchObject({ receivedDay: chinaDay(earlier), late: true, status: 'filed' });
    for (const receivedOn of ['2099-01-01', '2020-01-01', '2026-02-30']) {
      const refused = await ctx.app.inject({ method: 'POST', url: '/v1/institution/complaints', headers: api(zhejiang.apiKey), payload: { ...base, residentId: stranger, receivedOn } });
      expect(refused.json().error, receivedOn).toMatchObject({ code: 'FH_VALIDATION', field: 'body.receivedOn' });
    }
  });

  it('flags a complaint late the day after its deadline, keeps the flag on a late answer, and counts it for the institution', async () => {
    const late = await institution(ctx, 704, '310000');
    const { complaintId, deadline } = (await file({ ...base, institutionId: late.institutionId })).json();
    const lastMoment = new Date(Date.parse(`${deadline.lastDay}T23:59:59.999+08:00`));
    const dayAfter = new Date(lastMoment.getTime() + 1);
    expect((await ctx.services.complaints.lateCounts([late.institutionId], lastMoment)).get(late.institutionId) ?? 0).toBe(0);
    expect((await ctx.services.complaints.lateCounts([late.institutionId], dayAfter)).get(late.institutionId)).toBe(1);
    const answered = await ctx.services.complaints.answer(late.caller, complaintId, { category: 'closed_with_explanation', text: '迟到的解释' }, dayAfter);
    expect(answered).toMatchObject({ status: 'answered', late: true });
    expect((await ctx.services.complaints.lateCounts([late.institutionId])).get(late.institutionId)).toBe(1);
    const onTime = (await file({ ...base, institutionId: late.institutionId })).json();
    expect(await ctx.services.complaints.answer(late.caller, onTime.complaintId, { category: 'closed_with_explanation', text: '按时' }, lastMoment)).toMatchObject({ late: false });
    const shanghai = await supervisorSession(ctx, 'complaints.late', '310000');
    const seen = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/complaints?late=true', headers: shanghai })).json();
    expect(seen.items.map((c: { complaintId: string }) => c.complaintId)).toEqual([complaintId]);
    const deskLate = (await ctx.app.inject({ method: 'GET', url: '/v1/institution/complaints?late=true', headers: api(late.apiKey) })).json();
    expect(deskLate.items.map((c: { complaintId: string }) => c.complaintId)).toEqual([complaintId]);
    const deskAnswered = (await ctx.app.inject({ method: 'GET', url: '/v1/institution/complaints?status=answered', headers: api(late.apiKey) })).json();
    expect(deskAnswered.items).toHaveLength(2);
    // The supervisor's page of the institution shows it among its early-warning figures.
    const business = (await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions/${late.institutionId}/business`, headers: shanghai })).json();
    expect(business.platformComplaints).toEqual({ received: 2, open: 2, late: 1, disputed: 0 });
  });

  it('extends a complex complaint to 30 days once, and a further 30 only with the supervisor’s approval', async () => {
    const { complaintId, receivedDay } = (await file({ ...base, institutionId: other.institutionId })).json();
    const extend = (path: string, who = other) => ctx.app.inject({ method: 'POST', url: `/v1/institution/complaints/${complaintId}/${path}`, headers: api(who.apiKey), payload: { reason: '需调取通话录音' } });
    expect((await extend('further-extension')).json().error.code).toBe('FH_COMPLAINT_EXTENSION');
    expect((await extend('extend', lender)).statusCode).toBe(404);
    const extended = (await extend('extend')).json();
    expect(extended.deadline).toMatchObject({ days: 30, extension: 'complex', extensionReason: '需调取通话录音' });
    expect(extended.deadline.lastDay >= new Date(Date.parse(`${receivedDay}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10)).toBe(true);
    expect((await extend('extend')).json().error.code).toBe('FH_COMPLAINT_EXTENSION');
    expect((await extend('further-extension')).json().deadline.extension).toBe('further_requested');
    const zj = await supervisorSession(ctx, 'complaints.zj2', '330000');
    const decide = (as: { authorization: string }, approve: boolean) => ctx.app.inject({ method: 'POST', url: `/v1/supervisor/complaints/${complaintId}/further-extension`, headers: as, payload: { approve, note: '同意' } });
    expect((await decide(zj, true)).json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    const sh = await supervisorSession(ctx, 'complaints.sh2', '310000');
    const waiting = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/complaints?awaitingApproval=true', headers: sh })).json();
    expect(waiting.items.map((c: { complaintId: string }) => c.complaintId)).toEqual([complaintId]);
    const approved = (await decide(sh, true)).json();
    expect(approved.deadline).toMatchObject({ days: 60, extension: 'further' });
    expect((await decide(sh, true)).json().error.code).toBe('FH_COMPLAINT_EXTENSION');
  });

  it('publishes statistics with small cells suppressed, never derivable from the total', async () => {
    const quarter = quarterOf(chinaDay());
    for (let i = 0; i < 3; i++) expect((await file({ ...base, institutionId: lender.institutionId })).statusCode).toBe(201);
    const stats = (await ctx.app.inject({ method: 'GET', url: `/v1/public/complaint-statistics?quarter=${quarter}&by=institution` })).json();
    // The first lender has more than five complaints, every other institution fewer.
    const lenders = Number((await ctx.platform.database.db.selectFrom('complaint').select((eb) => eb.fn.countAll().as('n')).where('institution_id', '=', lender.institutionId).executeTakeFirstOrThrow()).n);
    expect(lenders).toBeGreaterThanOrEqual(5);
    expect(stats.rows.find((r: { key: string }) => r.key === lender.institutionId)).toMatchObject({ suppressed: false, complaints: lenders, nameZh: '测试机构701' });
    expect(stats.rows.find((r: { key: string }) => r.key === other.institutionId)).toMatchObject({ suppressed: true, complaints: null });
    const total = stats.totalComplaints;
    expect(total).toBe(await count('complaint'));
    const published = stats.rows.filter((r: { suppressed: boolean }) => !r.suppressed);
    const hidden = stats.rows.filter((r: { suppressed: boolean }) => r.suppressed);
    for (const row of hidden) expect(row).toMatchObject({ complaints: null, answered: null, onTimePercent: null, outcomes: null });
    for (const row of published) expect(row.complaints).toBeGreaterThanOrEqual(5);
    // What the total leaves for the suppressed rows is at least the threshold and shared by two rows or more.
    const left = total - published.reduce((sum: number, r: { complaints: number }) => sum + r.complaints, 0);
    expect(hidden.length).toBeGreaterThanOrEqual(2);
    expect(left).toBeGreaterThanOrEqual(5);
    expect(stats.rows.find((r: { key: string }) => r.key === '')).toMatchObject({ nameEn: 'Unregistered institutions' });
    expect(JSON.stringify(stats)).not.toContain('无牌');
    const byIssue = (await ctx.app.inject({ method: 'GET', url: `/v1/public/complaint-statistics?quarter=${quarter}&by=issue` })).json();
    expect(byIssue.rows[0]).toMatchObject({ key: 'hidden_fees', suppressed: false, nameZh: '隐性收费或综合成本超过上限' });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/public/complaint-statistics?quarter=2026-Q5' })).json().error).toMatchObject({ code: 'FH_VALIDATION' });
  });
});
