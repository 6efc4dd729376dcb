import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_TEST_URL, serviceAvailable } from '../../test/harness.js';
import { DAY_MS, HOUR_MS, InProcessFeatureState, MINUTE_MS, RedisFeatureState, robustZ, zOf, type Observation } from './features.js';

const redisUp = await serviceAvailable('Redis', REDIS_TEST_URL, 'the Redis feature-state checks');
const T0 = Date.parse('2026-06-10T02:00:00Z');

const observation = (atMs: number, overrides: Partial<Observation> = {}): Observation => ({
  payerRef: 'payer',
  payeeRef: 'payee',
  currency: 'CNY',
  amountMinor: 100,
  balanceFen: 0,
  atMs,
  chinaYear: 2026,
  chinaHour: 10,
  ...overrides,
});

/** The features a plain list of (time, amount) gives, counted the slow way: what the windows must agree with. */
function bruteForce(events: readonly { at: number; amount: number }[]): { m: number; h: number; d: number; sumH: number; sumD: number } {
  const last = Math.max(...events.map((e) => e.at));
  const within = (w: number) => events.filter((e) => e.at > last - w);
  return { m: within(MINUTE_MS).length, h: within(HOUR_MS).length, d: within(DAY_MS).length, sumH: within(HOUR_MS).reduce((s, e) => s + e.amount, 0), sumD: within(DAY_MS).reduce((s, e) => s + e.amount, 0) };
}

describe('sliding windows in process', () => {
  it('count what falls within (latest − window, latest]: a payment exactly a minute old is out', () => {
    const state = new InProcessFeatureState();
    state.observe(observation(T0));
    expect(state.observe(observation(T0 + MINUTE_MS - 1)).payer_payments_1m).toBe(2);
    expect(state.observe(observation(T0 + MINUTE_MS)).payer_payments_1m).toBe(2);
    expect(state.observe(observation(T0 + DAY_MS)).payer_payments_24h).toBe(3);
  });

  it('agree with counting by hand on any sequence, late arrivals included', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: -120_000, max: 7_200_000 }), amount: fc.integer({ min: 1, max: 1_000_000 }) }), { minLength: 1, maxLength: 60 }), (steps) => {
        const state = new InProcessFeatureState();
        const events: { at: number; amount: number }[] = [];
        let at = T0;
        for (const step of steps) {
          at = Math.max(T0, at + step.gap);
          events.push({ at, amount: step.amount });
          const features = state.observe(observation(at, { amountMinor: step.amount }));
          const expected = bruteForce(events);
          expect([features.payer_payments_1m, features.payer_payments_1h, features.payer_payments_24h, features.payer_amount_1h, features.payer_amount_24h]).toEqual([expected.m, expected.h, expected.d, expected.sumH, expected.sumD]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('learn a payee, a usual amount and balance totals only from payments that went ahead', () => {
    const state = new InProcessFeatureState();
    const first = observation(T0, { balanceFen: 500, amountMinor: 500 });
    expect(state.observe(first)).toMatchObject({ first_payment_to_payee: true, payer_balance_paid_year_fen: 500, payer_balance_paid_since_opening_fen: 500 });
    // Not settled (blocked): still unknown, nothing added.
    expect(state.observe(observation(T0 + 1, { balanceFen: 500 }))).toMatchObject({ first_payment_to_payee: true, payer_balance_paid_year_fen: 500 });
    state.settle(first);
    expect(state.observe(observation(T0 + 2, { balanceFen: 500 }))).toMatchObject({ first_payment_to_payee: false, payer_balance_paid_year_fen: 1000 });
    // A new China year starts the year's total again; the since-opening total goes on.
    expect(state.observe(observation(T0 + 3, { balanceFen: 500, chinaYear: 2027 }))).toMatchObject({ payer_balance_paid_year_fen: 500, payer_balance_paid_since_opening_fen: 1000 });
  });
});

describe('the robust z-score', () => {
  it('is (x − median) / (1.4826 · MAD), absent with fewer than five values or no spread', () => {
    expect(robustZ([100, 100, 100, 100], 10_000)).toBeUndefined();
    expect(robustZ([100, 100, 100, 100, 100], 10_000)).toBeUndefined();
    // median 100, deviations 0 0 10 10 20 → MAD 10: (200 − 100) / 14.826 = 6.7449
    expect(robustZ([90, 100, 100, 110, 120], 200)).toBeCloseTo(6.7449, 4);
    // MAD 0 but some spread: the mean absolute deviation stands in (median 100, mean |d| = 20 / 5 = 4).
    expect(robustZ([100, 100, 100, 100, 120], 150)).toBeCloseTo(50 / (1.2533 * 4), 3);
  });

  it('is rounded to 4 places exactly as Number(z.toFixed(4)) rounds, halves and signed zeros included', () => {
    const z = (x: number) => zOf({ median: 0, divisor: 1 }, x);
    const halves = fc.tuple(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.constantFrom(0.5, 0.4999999, 0.5000001)).map(([n, f]) => (n + (n < 0 ? -f : f)) / 10_000);
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), halves, fc.constantFrom(0, -0, 1e-5, -1e-5, 0.00005, -0.00005, 1.00005, 99_999.99995, 1e21, -Infinity)), (x) => {
        expect(Object.is(z(x), Number(x.toFixed(4)))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe.skipIf(!redisUp)('the Redis feature state', () => {
  const prefix = `fenghuo:test:${randomUUID()}:`;
  afterAll(async () => {
    const client = new Redis(REDIS_TEST_URL);
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  it('gives the same features as the in-process state on the same sequence', async () => {
    const redis = await RedisFeatureState.open(REDIS_TEST_URL, prefix);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ gap: fc.integer({ min: -90_000, max: 3_000_000 }), amount: fc.integer({ min: 1, max: 500_000 }), payee: fc.constantFrom('a', 'b', 'c'), device: fc.option(fc.constantFrom('d1', 'd2'), { nil: undefined }), settle: fc.boolean(), balance: fc.boolean() }), { minLength: 1, maxLength: 25 }),
          async (steps) => {
            const run = randomUUID();
            const local = new InProcessFeatureState();
            await redis.setWatched(`${run}-c`, { confirmedFraud: true, complaint: false });
            local.setWatched(`${run}-c`, { confirmedFraud: true, complaint: false });
            let at = T0;
            for (const step of steps) {
              at = Math.max(T0, at + step.gap);
              const o = observation(at, { payerRef: `${run}-payer`, payeeRef: `${run}-${step.payee}`, deviceRef: step.device ? `${run}-${step.device}` : undefined, amountMinor: step.amount, balanceFen: step.balance ? step.amount : 0 });
              expect(await redis.observe(o)).toEqual(local.observe(o));
              if (step.settle) {
                await redis.settle(o);
                local.settle(o);
              }
            }
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await redis.close();
    }
  });
});
