import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeUscc, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { licenceTypeInfo } from './licence-types.js';

describeEachEngine('registry and market access', (engine) => {
  let ctx: TestContext;
  let zhejiang: { authorization: string };
  let hangzhou: { authorization: string };
  let shenzhen: { authorization: string };

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    zhejiang = await supervisorSession(ctx, 'zj', '330000');
    hangzhou = await supervisorSession(ctx, 'hz', '330100');
    shenzhen = await supervisorSession(ctx, 'sz', '440300');
  });
  afterAll(() => ctx.close());

  const register = (headers: { authorization: string }, payload: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url: '/v1/supervisor/institutions', headers, payload });
  const lender = (serial: number, city = '330100', name = '钱塘网络小额贷款有限公司') => ({ uscc: makeUscc(city, serial), nameZh: name, nameEn: 'Qiantang Online Microcredit Co., Ltd.', kind: 'online_lender', jurisdictionCode: city });

  it('registers an institution whose USCC is valid, and refuses a bad or duplicate one naming the field', async () => {
    const created = await register(hangzhou, lender(1));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ uscc: makeUscc('330100', 1), jurisdiction: { code: '330100', nameZh: '杭州市', nameEn: 'Hangzhou' }, licences: [] });

    const bad = await register(hangzhou, { ...lender(2), uscc: makeUscc('330100', 2).slice(0, 17) + '0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'FH_INVALID_USCC', field: 'body.uscc' });

    const duplicate = await register(zhejiang, lender(1));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('FH_DUPLICATE_USCC');

    const missing = await register(hangzhou, { ...lender(3), kind: undefined });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'body.kind' });
  });

  it('keeps a city supervisor inside their city', async () => {
    const elsewhere = await register(hangzhou, lender(10, '330200'));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error).toMatchObject({ code: 'FH_OUT_OF_JURISDICTION', field: 'body.jurisdictionCode' });

    const ningbo = await register(zhejiang, lender(11, '330200', '甬江消费金融股份有限公司'));
    expect(ningbo.statusCode).toBe(201);
    const id = ningbo.json().institutionId;
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions/${id}`, headers: zhejiang })).statusCode).toBe(200);
    const fromHangzhou = await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions/${id}`, headers: hangzhou });
    expect(fromHangzhou.statusCode).toBe(403);
    expect(fromHangzhou.json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    const fromShenzhen = await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions/${id}`, headers: shenzhen });
    expect(fromShenzhen.statusCode).toBe(403);

    const listed = await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/institutions', headers: shenzhen });
    expect(listed.json().total).toBe(0);
    const widen = await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/institutions?jurisdiction=330000', headers: hangzhou });
    expect(widen.statusCode).toBe(403);
  });

  it('filters the supervisor\'s list by licence status, licence type, jurisdiction and name', async () => {
    const guangdong = await supervisorSession(ctx, 'gd', '440000');
    const list = async (query: string) => {
      const reply = await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions?${query}`, headers: guangdong });
      expect(reply.statusCode).toBe(200);
      return (reply.json().items as { nameZh: string }[]).map((item) => item.nameZh).sort();
    };
    const yangcheng = (await register(guangdong, { ...lender(40, '440100', '羊城网络小额贷款有限公司'), nameEn: 'Yangcheng Online Microcredit' })).json();
    const pengcheng = (await register(guangdong, { ...lender(41, '440300', '鹏城支付有限公司'), nameEn: 'Pengcheng Payment', kind: 'payment_institution' })).json();
    await register(guangdong, { ...lender(42, '440300', '前海众筹有限公司'), nameEn: 'Qianhai Crowdfunding', kind: 'crowdfunding_platform' });
    for (const [institution, type] of [[yangcheng, 'online_lending'], [pengcheng, 'payment']] as const) {
      const applied = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${institution.institutionId}/licences`, headers: guangdong, payload: { type } });
      expect(applied.statusCode).toBe(201);
    }

    expect(await list('')).toEqual(['前海众筹有限公司', '羊城网络小额贷款有限公司', '鹏城支付有限公司']);
    expect(await list('licenceStatus=applied')).toEqual(['羊城网络小额贷款有限公司', '鹏城支付有限公司']);
    expect(await list('licenceStatus=approved')).toEqual([]);
    expect(await list('licenceType=payment')).toEqual(['鹏城支付有限公司']);
    expect(await list('jurisdiction=440300')).toEqual(['前海众筹有限公司', '鹏城支付有限公司']);
    expect(await list('jurisdiction=440300&licenceStatus=applied')).toEqual(['鹏城支付有限公司']);
    expect(await list(`q=${encodeURIComponent('羊城')}`)).toEqual(['羊城网络小额贷款有限公司']);
    expect(await list('q=qianhai')).toEqual(['前海众筹有限公司']);

    const wrong = await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/institutions?licenceStatus=lapsed', headers: guangdong });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('FH_VALIDATION');
    expect(wrong.json().error.field).toMatch(/licenceStatus$/);
  });

  it('moves a licence through its lifecycle: qualifications before approval, a reason at every step, an audit entry each', async () => {
    const institution = (await register(hangzhou, lender(20, '330100', '西湖支付有限公司'))).json();
    const applied = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${institution.institutionId}/licences`, headers: hangzhou, payload: { type: 'payment' } });
    expect(applied.statusCode).toBe(201);
    const licence = applied.json();
    expect(licence).toMatchObject({ status: 'applied', licenceNo: null });
    expect(licence.qualifications.map((q: { key: string }) => q.key)).toEqual(licenceTypeInfo.payment.qualifications.map((q) => q.key));

    const again = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${institution.institutionId}/licences`, headers: hangzhou, payload: { type: 'payment' } });
    expect(again.json().error.code).toBe('FH_LICENCE_EXISTS');

    const transition = (to: string, reason = 'reviewed') => ctx.app.inject({ method: 'POST', url: `/v1/supervisor/licences/${licence.licenceId}/transitions`, headers: hangzhou, payload: { to, reason } });
    const early = await transition('approved');
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('FH_QUALIFICATIONS_MISSING');
    expect(early.json().error.details.unmet).toHaveLength(licence.qualifications.length);

    for (const q of licence.qualifications) {
      const set = await ctx.app.inject({ method: 'PUT', url: `/v1/supervisor/licences/${licence.licenceId}/qualifications/${q.key}`, headers: hangzhou, payload: { met: true, note: 'documents seen' } });
      expect(set.statusCode).toBe(200);
    }
    const unknownKey = await ctx.app.inject({ method: 'PUT', url: `/v1/supervisor/licences/${licence.licenceId}/qualifications/no_such_thing`, headers: hangzhou, payload: { met: true } });
    expect(unknownKey.statusCode).toBe(404);

    const approved = await transition('approved', 'all qualifications met');
    expect(approved.statusCode).toBe(200);
    expect(approved.json().licenceNo).toMatch(/^330100-PY-\d{4}-\d{6}$/);
    expect((await transition('suspended', 'reserve funds shortfall')).json().status).toBe('suspended');
    const reinstated = (await transition('approved', 'shortfall remedied')).json();
    expect(reinstated.licenceNo).toBe(approved.json().licenceNo);
    expect((await transition('revoked', 'repeated violations')).json().status).toBe('revoked');
    const dead = await transition('approved');
    expect(dead.statusCode).toBe(409);
    expect(dead.json().error).toMatchObject({ code: 'FH_INVALID_TRANSITION', details: { from: 'revoked', to: 'approved' } });
    const noReason = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/licences/${licence.licenceId}/transitions`, headers: hangzhou, payload: { to: 'suspended', reason: '' } });
    expect(noReason.statusCode).toBe(400);

    const outsider = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/licences/${licence.licenceId}/transitions`, headers: shenzhen, payload: { to: 'suspended', reason: 'x' } });
    expect(outsider.statusCode).toBe(403);

    const detail = (await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions/${institution.institutionId}` })).json();
    expect(detail.licences[0].history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['applied', 'approved', 'suspended', 'approved', 'revoked']);
    expect(detail.licences[0].history[2].reason).toBe('reserve funds shortfall');

    const actions = (await ctx.platform.audit.about(`institution:${institution.institutionId}`, 100)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['institution.register', 'licence.apply', 'licence.qualification', 'licence.approve', 'licence.suspend', 'licence.reinstate', 'licence.revoke']));
    expect((await ctx.platform.audit.verify()).ok).toBe(true);
  });

  it('lets the public look up licences by name, code, type and status without logging in', async () => {
    const institution = (await register(zhejiang, lender(30, '330300', '瓯江众筹科技有限公司'))).json();
    await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${institution.institutionId}/licences`, headers: zhejiang, payload: { type: 'crowdfunding' } });

    const byName = (await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions?q=${encodeURIComponent('瓯江')}` })).json();
    expect(byName.total).toBe(1);
    expect(byName.items[0]).toMatchObject({ nameZh: '瓯江众筹科技有限公司', licences: [{ type: 'crowdfunding', status: 'applied' }] });
    const byCode = (await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions?q=${institution.uscc.slice(0, 12)}` })).json();
    expect(byCode.items.map((i: { uscc: string }) => i.uscc)).toContain(institution.uscc);
    const byEnglish = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?q=QIANTANG' })).json();
    expect(byEnglish.total).toBeGreaterThan(0);
    const wildcard = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?q=%25' })).json();
    expect(wildcard.total).toBe(0);
    const applied = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?licenceType=crowdfunding&licenceStatus=applied' })).json();
    expect(applied.items.map((i: { institutionId: string }) => i.institutionId)).toEqual([institution.institutionId]);
    // Nothing is registered in Xinjiang by any test of this suite.
    const inXinjiang = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?jurisdiction=650000' })).json();
    expect(inXinjiang.total).toBe(0);
    const inGuangdong = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?jurisdiction=440000' })).json();
    expect(inGuangdong.total).toBe(3);
    expect(inGuangdong.items.every((i: { jurisdiction: { code: string } }) => i.jurisdiction.code.startsWith('44'))).toBe(true);
    const badType = await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?licenceType=casino' });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.field).toMatch(/^query\.licenceType/);
    const paged = (await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?pageSize=1&page=2' })).json();
    expect(paged).toMatchObject({ page: 2, pageSize: 1 });
    expect(paged.items).toHaveLength(1);
    const unknown = await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions/00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
  });

  it('gives an institution its own profile through its API key and nothing of other institutions', async () => {
    const own = (await register(hangzhou, lender(40, '330100', '拱墅金融科技有限公司'))).json();
    const other = (await register(hangzhou, lender(41, '330100', '滨江网络小贷有限公司'))).json();
    const issued = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${own.institutionId}/api-keys`, headers: hangzhou, payload: { label: 'filing system' } });
    expect(issued.statusCode).toBe(201);
    const key = { 'x-api-key': issued.json().apiKey };

    const profile = await ctx.app.inject({ method: 'GET', url: '/v1/institution/profile', headers: key });
    expect(profile.json().institutionId).toBe(own.institutionId);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/institutions', headers: key })).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions/${other.institutionId}`, headers: key })).statusCode).toBe(403);
    const caller = { principal: { role: 'institution' as const, institutionId: own.institutionId, keyId: 'k' }, actor: { role: 'institution' as const, id: own.institutionId } };
    await expect(ctx.services.registry.detail(caller, other.institutionId)).rejects.toMatchObject({ code: 'FH_FORBIDDEN' });

    const portal = await ctx.app.inject({ method: 'POST', url: '/v1/auth/api-key', payload: { apiKey: issued.json().apiKey } });
    expect(portal.json().principal).toMatchObject({ role: 'institution', institutionId: own.institutionId });
    for (const wrong of ['fhk_000000000000.nope', 'not-a-key', `${issued.json().apiKey}x`]) {
      const refused = await ctx.app.inject({ method: 'POST', url: '/v1/auth/api-key', payload: { apiKey: wrong } });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toMatchObject({ code: 'FH_INVALID_API_KEY', field: 'body.apiKey' });
    }

    const me = (await ctx.app.inject({ method: 'GET', url: '/v1/auth/me', headers: key })).json();
    expect(me.principal).toMatchObject({ role: 'institution', institution: { nameZh: '拱墅金融科技有限公司' } });

    await ctx.app.inject({ method: 'DELETE', url: `/v1/institution/api-keys/${issued.json().keyId}`, headers: key });
    const revoked = await ctx.app.inject({ method: 'GET', url: '/v1/institution/profile', headers: key });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('FH_INVALID_API_KEY');
  });

  it("counts the supervisor's own jurisdiction only on the home page", async () => {
    const national = await supervisorSession(ctx, 'cn', '000000');
    const all = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: national })).json();
    const zj = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: zhejiang })).json();
    const hz = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: hangzhou })).json();
    const sz = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: shenzhen })).json();
    const gd = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'gd2', '440000') })).json();
    const listedInZhejiang = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/institutions?pageSize=200', headers: zhejiang })).json().total;
    expect(zj.institutions).toBe(listedInZhejiang);
    // An earlier test of this suite registers three institutions in Guangdong, two of them in Shenzhen.
    expect(gd.institutions).toBe(3);
    expect(all.institutions).toBe(zj.institutions + gd.institutions);
    expect(hz.institutions).toBeLessThan(zj.institutions);
    expect(sz.institutions).toBe(2);
    expect(all.byRegion).toEqual([
      expect.objectContaining({ code: '330000', nameEn: 'Zhejiang', institutions: zj.institutions }),
      expect.objectContaining({ code: '440000', nameEn: 'Guangdong', institutions: 3 }),
    ]);
    expect(zj.byRegion.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['330100', '330200', '330300']));
    expect(zj.licencesByStatus.revoked).toBe(1);
  });
});
