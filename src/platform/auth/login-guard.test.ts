import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEachEngine, REDIS_TEST_URL, serviceAvailable, startPlatform, type TestContext } from '../../../test/harness.js';
import { createCounterStore, InProcessCounterStore, type CounterStore } from '../counters.js';
import type { FhError } from '../errors.js';
import { LoginGuard } from './login-guard.js';
import { HashPool, PASSWORD_HASH_COST, setPasswordHashCost } from './password.js';

const PASSWORD = 'correct horse battery';
const redisUp = await serviceAvailable('Redis', REDIS_TEST_URL, 'the Redis login-limit tests');

// The hashing pool is under test here: each hash takes its real time, so that a flood of logins fills the pool.
let testCost: ReturnType<typeof setPasswordHashCost>;
beforeAll(() => {
  testCost = setPasswordHashCost(PASSWORD_HASH_COST);
});
afterAll(() => {
  setPasswordHashCost(testCost);
});

describeEachEngine('logins resist guessing (HTTP)', (engine) => {
  let ctx: TestContext;
  beforeAll(async () => {
    // A pool of one hash at a time with two waiting, so that a flood of twelve overflows it.
    ctx = await startPlatform(engine, { loginAttemptsPerAccount: 3, loginAttemptsPerAddress: 8, passwordHashConcurrency: 1, passwordHashQueue: 2 });
    for (const username of ['alice', 'bob', 'carol', 'dave', 'grace']) {
      await ctx.platform.auth.createUser(ctx.platform.database.db, { username, password: PASSWORD, role: 'supervisor', displayName: username, jurisdictionCode: '000000' });
    }
  });
  afterAll(() => ctx.close());

  const login = (username: string, password: string, remoteAddress: string) => ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password }, remoteAddress });

  it('refuses an account after its allowance of wrong passwords with 429 and Retry-After, the same for an unknown user', async () => {
    const known: { status: number; body: string; retryAfter: unknown }[] = [];
    const unknown: typeof known = [];
    for (let i = 0; i < 5; i++) {
      const a = await login('alice', `wrong ${i}`, '10.0.0.1');
      known.push({ status: a.statusCode, body: a.body, retryAfter: a.headers['retry-after'] });
      const n = await login('nobody-at-all', `wrong ${i}`, '10.0.0.2');
      unknown.push({ status: n.statusCode, body: n.body, retryAfter: n.headers['retry-after'] });
    }
    expect(known.map((r) => r.status)).toEqual([401, 401, 401, 429, 429]);
    expect(unknown).toEqual(known);
    const limited = JSON.parse(known[3]!.body) as { error: { code: string } };
    expect(limited.error.code).toBe('FH_RATE_LIMITED');
    expect(known[3]!.retryAfter).toBe('60');

    // The account is held, whatever the address and even with the right password …
    expect((await login('alice', PASSWORD, '10.0.0.3')).statusCode).toBe(429);
    // … but not the address: another account logs in from it.
    expect((await login('bob', PASSWORD, '10.0.0.1')).statusCode).toBe(200);
  });

  it('refuses a source address after its allowance across accounts, and not another address', async () => {
    for (let i = 0; i < 8; i++) expect((await login(`guess-${i}`, 'wrong', '10.0.1.1')).statusCode).toBe(401);
    const refused = await login('carol', PASSWORD, '10.0.1.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('FH_RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('60');
    expect((await login('carol', PASSWORD, '10.0.1.2')).statusCode).toBe(200);
  });

  it('does not count successful logins against the account', async () => {
    for (let i = 0; i < 6; i++) expect((await login('dave', PASSWORD, `10.0.2.${i}`)).statusCode).toBe(200);
  });

  it('answers the logins beyond the pool 503 FH_AUTH_BUSY at once and keeps serving other requests', async () => {
    const flood = Array.from({ length: 12 }, (_, i) => ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: `flood-${i}`, password: 'wrong' }, remoteAddress: `10.3.0.${i}` }));
    const search = await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions' });
    expect(search.statusCode).toBe(200);
    const replies = await Promise.all(flood);
    const busy = replies.filter((r) => r.statusCode === 503);
    const refused = replies.filter((r) => r.statusCode === 401);
    expect(busy.length + refused.length).toBe(12);
    expect(busy.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const reply of busy) {
      expect(reply.json().error.code).toBe('FH_AUTH_BUSY');
      expect(reply.headers['retry-after']).toBe('1');
    }
    // Once the flood has passed, the right password works.
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'grace', password: PASSWORD } })).statusCode).toBe(200);
  });
});

describe('login back-off (in process, on a controlled clock)', () => {
  afterEach(() => vi.useRealTimers());

  it('holds a guesser back for longer and longer: a minute, then a quarter of an hour, then an hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-05T02:00:00Z'));
    const counters = new InProcessCounterStore();
    const guard = new LoginGuard(counters, { perAccount: 2, perAddress: 1000 });
    const wrong = () => guard.attempt('mallory', '10.9.9.9', async () => false);
    const retryAfter = async (): Promise<unknown> => wrong().then(() => undefined, (error: FhError) => (error.code === 'FH_RATE_LIMITED' ? error.details?.retryAfterSeconds : error));
    // Per minute 2, per quarter hour 4, per hour 8.
    expect(await retryAfter()).toBeUndefined();
    expect(await retryAfter()).toBeUndefined();
    expect(await retryAfter()).toBe(60);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await retryAfter()).toBeUndefined();
    expect(await retryAfter()).toBeUndefined();
    expect(await retryAfter()).toBe(900);
    vi.setSystemTime(Date.now() + 15 * 60_000);
    for (let i = 0; i < 2; i++) expect(await retryAfter()).toBeUndefined();
    vi.setSystemTime(Date.now() + 61_000);
    for (let i = 0; i < 2; i++) expect(await retryAfter()).toBeUndefined();
    // Eight in the last hour: now the hour is what holds it back.
    expect(await retryAfter()).toBe(3600);
    await counters.close();
  });
});

describe('login limits shared through Redis', () => {
  const stores: CounterStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it.runIf(redisUp)('counts the attempts of every process together', async () => {
    const keyPrefix = `fenghuo:test:login:${randomBytes(6).toString('hex')}:`;
    for (let i = 0; i < 2; i++) stores.push(await createCounterStore({ redisUrl: REDIS_TEST_URL }, { keyPrefix }));
    const [one, two] = stores.map((store) => new LoginGuard(store, { perAccount: 3, perAddress: 100 })) as [LoginGuard, LoginGuard];
    expect(stores[0]!.kind).toBe('redis');
    expect(await one.attempt('eve', '10.1.1.1', async () => false)).toBe(false);
    expect(await two.attempt('eve', '10.1.1.2', async () => false)).toBe(false);
    expect(await one.attempt('eve', '10.1.1.3', async () => true)).toBe(true); // a success is taken back
    expect(await two.attempt('eve', '10.1.1.4', async () => false)).toBe(false);
    let checked = false;
    await expect(
      one.attempt('eve', '10.1.1.5', async () => {
        checked = true;
        return true;
      }),
    ).rejects.toMatchObject({ code: 'FH_RATE_LIMITED', details: { retryAfterSeconds: 60 } });
    expect(checked).toBe(false);
    // Another account through the same stores is untouched.
    expect(await two.attempt('frank', '10.1.1.1', async () => true)).toBe(true);
  });
});

describeEachEngine('login limits through Redis (HTTP, two servers)', (engine) => {
  const servers: TestContext[] = [];
  beforeAll(async () => {
    if (!redisUp) return;
    // Two servers, one Redis: as two processes of one deployment. A key prefix of this run's own.
    const counterKeyPrefix = `fenghuo:test:login-http:${randomBytes(6).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const server = await startPlatform(engine, { redisUrl: REDIS_TEST_URL, loginAttemptsPerAccount: 2, loginAttemptsPerAddress: 100 }, { counterKeyPrefix });
      await server.platform.auth.createUser(server.platform.database.db, { username: 'heidi', password: PASSWORD, role: 'supervisor', displayName: 'heidi', jurisdictionCode: '000000' });
      servers.push(server);
    }
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it.runIf(redisUp)('refuses the third wrong password whichever server the guesses went to', async () => {
    const [a, b] = servers as [TestContext, TestContext];
    expect(a.platform.counters.kind).toBe('redis');
    const login = (server: TestContext, password: string) => server.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'heidi', password }, remoteAddress: '10.4.0.1' });
    expect((await login(a, 'wrong 1')).statusCode).toBe(401);
    expect((await login(b, 'wrong 2')).statusCode).toBe(401);
    const third = await login(a, PASSWORD);
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('FH_RATE_LIMITED');
    expect(third.headers['retry-after']).toBe('60');
    expect((await login(b, PASSWORD)).statusCode).toBe(429);
  });
});

describe('the password hashing pool', () => {
  it('runs at most its concurrency, queues up to its bound, and refuses the rest at once with FH_AUTH_BUSY', async () => {
    const pool = new HashPool(2, 3);
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const task = () =>
      pool.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return 'done';
      });
    const results = Array.from({ length: 10 }, () => task().then((v) => v, (error: FhError) => error.code));
    // The five beyond the pool are answered without waiting for any running task.
    expect(await Promise.all(results.slice(5))).toEqual(['FH_AUTH_BUSY', 'FH_AUTH_BUSY', 'FH_AUTH_BUSY', 'FH_AUTH_BUSY', 'FH_AUTH_BUSY']);
    expect(pool.load).toEqual({ running: 2, waiting: 3 });
    // Release the tasks one at a time as they start; every admitted one finishes.
    for (let released = 0; released < 5; released++) {
      const deadline = Date.now() + 5_000;
      while (gates.length === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    expect(await Promise.all(results.slice(0, 5))).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(most).toBe(2);
    expect(pool.load).toEqual({ running: 0, waiting: 0 });
  });
});
