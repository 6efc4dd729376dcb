import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { describeEachEngine, makeResidentId, startPlatform, type TestContext } from '../../test/harness.js';
import { ephemeralKeyMaterial, VaultCipher } from '../platform/crypto.js';
import { IdentityService } from './identity.service.js';

describeEachEngine('identity and the personal-data vault', (engine) => {
  let ctx: TestContext;
  // The vault key is the test's own, so that a rotation can be shown to need only the new key.
  const firstKey = { id: 'k1', key: randomBytes(32) };
  beforeAll(async () => {
    ctx = await startPlatform(engine, {}, { keys: { ...ephemeralKeyMaterial(), vault: new VaultCipher([firstKey]) } });
  });
  afterAll(() => ctx.close());

  const residentId = makeResidentId('330106', '1990-03-07', 123);
  const registration = { username: 'lin.wei', password: 'a long passphrase', displayName: '林薇', residentId, phone: '13800138000' };

  it('registers a consumer, refusing a bad ID number, a weak password and a second account for the same person', async () => {
    const badId = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { ...registration, residentId: residentId.slice(0, 17) + (residentId.endsWith('1') ? '2' : '1') } });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error).toMatchObject({ code: 'FH_INVALID_RESIDENT_ID', field: 'body.residentId', details: { reason: 'check_digit' } });
    const badDate = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { ...registration, residentId: makeResidentId('330106', '1990-02-30', 1) } });
    expect(badDate.json().error.details.reason).toBe('birth_date');
    const weak = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { ...registration, password: 'short' } });
    expect(weak.json().error).toMatchObject({ code: 'FH_AUTH_WEAK_PASSWORD', field: 'body.password' });
    const badPhone = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { ...registration, phone: '12345' } });
    expect(badPhone.json().error.field).toBe('body.phone');

    const created = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: registration });
    expect(created.statusCode).toBe(201);
    const twice = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { ...registration, username: 'someone.else' } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('FH_IDENTITY_CONSUMER_EXISTS');
    // The refused attempts left no account behind.
    const users = await sql<{ n: number }>`select count(*)::int as n from app_user`.execute(ctx.platform.database.db);
    expect(users.rows[0]!.n).toBe(1);
  });

  it('keeps the clear ID number only in the vault, sealed', async () => {
    const db = ctx.platform.database.db;
    for (const table of ['consumer', 'app_user', 'audit_log', 'person_vault', 'auth_session']) {
      const { rows } = await sql<{ text: string }>`select string_agg(t::text, '|') as text from ${sql.table(table)} t`.execute(db);
      expect(rows[0]!.text ?? '', table).not.toContain(residentId);
      expect(rows[0]!.text ?? '', table).not.toContain('13800138000');
    }
    const vault = await sql<{ n: number }>`select count(*)::int as n from person_vault`.execute(db);
    expect(vault.rows[0]!.n).toBe(2);
  });

  it("shows the consumer their masked profile and a log of who read their data, and nobody else's", async () => {
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'lin.wei', password: 'a long passphrase' } });
    const headers = { authorization: `Bearer ${login.json().token}` };
    const profile = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile', headers });
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ displayName: '林薇', residentIdMasked: `330106********${residentId.slice(14)}`, birthDate: '1990-03-07', sex: 'male', region: { code: '330100', nameZh: '杭州市' } });

    const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log', headers })).json();
    expect(log.items[0]).toMatchObject({ action: 'personal_data.read', actorRole: 'consumer', reason: '本人查看个人资料 / the data subject viewed their own profile' });
    expect(log.items.map((e: { action: string }) => e.action)).toContain('consumer.register');

    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile' })).statusCode).toBe(401);
    await ctx.platform.auth.createUser(ctx.platform.database.db, { username: 'sup', password: 'supervisor pass', role: 'supervisor', displayName: 'sup', jurisdictionCode: '000000' });
    const sup = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'sup', password: 'supervisor pass' } });
    const refused = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile', headers: { authorization: `Bearer ${sup.json().token}` } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FH_FORBIDDEN');
  });

  it('re-seals the vault under a new key so that the old key can be retired', async () => {
    const { platform } = ctx;
    const newKey = { id: 'k2', key: randomBytes(32) };
    // The ring of a deployment that put a new key first and still holds the old one.
    const rotated = new IdentityService({ ...platform, keys: { ...platform.keys, vault: new VaultCipher([newKey, firstKey]) } });
    expect(await rotated.rotateVault()).toBe(2);
    expect(await rotated.rotateVault()).toBe(0);
    // Only the new key is needed now.
    const onlyNew = new IdentityService({ ...platform, keys: { ...platform.keys, vault: new VaultCipher([newKey]) } });
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'lin.wei', password: 'a long passphrase' } });
    const caller = { principal: login.json().principal, actor: { role: 'consumer' as const, id: login.json().principal.userId } };
    expect((await onlyNew.profile(caller)).residentIdMasked).toMatch(/^330106\*{8}/);
    // Without the key that sealed it, the vault cannot be opened.
    const wrong = new IdentityService({ ...platform, keys: { ...platform.keys, vault: new VaultCipher([{ id: 'k2', key: randomBytes(32) }]) } });
    await expect(wrong.profile(caller)).rejects.toThrow();
  });
});
