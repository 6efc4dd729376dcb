import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { REDIS_TEST_URL, serviceAvailable } from '../../test/harness.js';
import { createCounterStore, InProcessCounterStore, type CounterStore } from './counters.js';

const REDIS_URL = REDIS_TEST_URL;

const redisAvailable = await serviceAvailable('Redis', REDIS_URL, 'the Redis counter tests');

/** Every Redis key of this run lives under this prefix and is deleted at the end. */
const prefix = `fhtest:${randomBytes(4).toString('hex')}:`;

async function deleteRunKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

function counterSuite(kind: 'in-process' | 'redis'): void {
  let counters: CounterStore;
  let keyNumber = 0;
  const key = () => `k${++keyNumber}`;

  beforeAll(async () => {
    counters = await createCounterStore({ redisUrl: kind === 'redis' ? REDIS_URL : undefined }, { keyPrefix: prefix });
  });
  afterAll(async () => {
    await counters?.close();
  });

  it(`is the ${kind} store`, () => {
    expect(counters.kind).toBe(kind);
  });

  it('sums what was added within the window ending at the given time', async () => {
    const k = key();
    expect(await counters.add(k, 1000, 5, 10_000)).toBe(5);
    expect(await counters.add(k, 1000, 7, 10_500)).toBe(12);
    // 10 000 is exactly one window before 11 000: it has left the window.
    expect(await counters.add(k, 1000, 1, 11_000)).toBe(8);
    expect(await counters.add(k, 1000, 0, 11_499)).toBe(8);
    expect(await counters.add(k, 1000, 0, 11_500)).toBe(1);
    expect(await counters.add(k, 1000, 0, 12_000)).toBe(0);
  });

  it('counts one per add by default, keeps keys apart and takes negative amounts', async () => {
    const a = key();
    const b = key();
    expect(await counters.add(a, 60_000, undefined, 1)).toBe(1);
    expect(await counters.add(a, 60_000, undefined, 2)).toBe(2);
    expect(await counters.add(b, 60_000, undefined, 2)).toBe(1);
    expect(await counters.add(a, 60_000, -2, 3)).toBe(0);
  });

  it('uses the current time when no time is given', async () => {
    const k = key();
    expect(await counters.add(k, 3_600_000, 100)).toBe(100);
    expect(await counters.add(k, 3_600_000, 50)).toBe(150);
  });

  it('does not count entries later than the time of a late add', async () => {
    const k = key();
    await counters.add(k, 1000, 1, 5000);
    await counters.add(k, 1000, 10, 5400);
    expect(await counters.add(k, 1000, 100, 5200)).toBe(101);
    expect(await counters.add(k, 1000, 0, 5400)).toBe(111);
  });

  it('keeps exact sums of large amounts in fen', async () => {
    const k = key();
    const large = 2 ** 40 + 3;
    expect(await counters.add(k, 86_400_000, large, 1_700_000_000_000)).toBe(large);
    expect(await counters.add(k, 86_400_000, large, 1_700_000_000_001)).toBe(2 * large);
  });

  it('is exact when many adds race on one key', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 200 }, () => counters.add(k, 60_000, 1, 1000)));
    expect(Math.max(...results)).toBe(200);
    expect(new Set(results).size).toBe(200);
  });

  it('refuses bad arguments', async () => {
    await expect(counters.add('', 1000)).rejects.toThrow(RangeError);
    await expect(counters.add('x', 0)).rejects.toThrow(RangeError);
    await expect(counters.add('x', 1.5)).rejects.toThrow(RangeError);
    await expect(counters.add('x', 1000, 0.5)).rejects.toThrow(RangeError);
    await expect(counters.add('x', 1000, 1, -1)).rejects.toThrow(RangeError);
    await expect(counters.add('x', 1000, Number.NaN)).rejects.toThrow(RangeError);
  });

  it('answers a ping', async () => {
    await expect(counters.ping()).resolves.toBeUndefined();
  });
}

describe('counters, in process', () => counterSuite('in-process'));

describe.skipIf(!redisAvailable)('counters, Redis', () => {
  counterSuite('redis');
  afterAll(deleteRunKeys);
});

/** The plain definition, with no forgetting: what a single add sees when nothing arrives late. */
function referenceSum(history: { at: number; amount: number }[], at: number, windowMs: number): number {
  let sum = 0;
  for (const entry of history) if (entry.at > at - windowMs && entry.at <= at) sum += entry.amount;
  return sum;
}

const operations = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c'),
    step: fc.integer({ min: -300, max: 1500 }),
    amount: fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
  }),
  { minLength: 1, maxLength: 60 },
);

describe('counters agree', () => {
  it('in process with the plain definition when times never go back', async () => {
    await fc.assert(
      fc.asyncProperty(operations, fc.integer({ min: 1, max: 5000 }), async (ops, windowMs) => {
        const store = new InProcessCounterStore();
        const history = new Map<string, { at: number; amount: number }[]>();
        let at = 1_000_000;
        try {
          for (const op of ops) {
            at += Math.abs(op.step);
            const entries = history.get(op.key) ?? [];
            history.set(op.key, entries);
            entries.push({ at, amount: op.amount });
            expect(await store.add(op.key, windowMs, op.amount, at)).toBe(referenceSum(entries, at, windowMs));
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it.skipIf(!redisAvailable)('in process with Redis on random sequences, late adds included', async () => {
    const redisStore = await createCounterStore({ redisUrl: REDIS_URL }, { keyPrefix: `${prefix}property:` });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(operations, fc.integer({ min: 1, max: 5000 }), async (ops, windowMs) => {
          const memory = new InProcessCounterStore();
          run++;
          let at = 1_000_000;
          try {
            for (const op of ops) {
              at += op.step;
              const key = `${run}:${op.key}`;
              const expected = await memory.add(key, windowMs, op.amount, at);
              expect(await redisStore.add(key, windowMs, op.amount, at)).toBe(expected);
            }
          } finally {
            await memory.close();
          }
        }),
        { numRuns: 100 },
      );
    } finally {
      await redisStore.close();
      await deleteRunKeys();
    }
  });
});
