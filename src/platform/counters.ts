/**
 * Sliding-window counters for real-time screening (a payer's payments in the last hour, the
 * amount sent to a payee today): in process by default, in Redis when `config.redisUrl` is set so
 * that every process sees the same counts.
 *
 * Semantics, identical in both stores (a test checks they agree on random sequences):
 * `add(key, windowMs, amount, atMs)` records `amount` at time `atMs`, first forgets every entry of
 * the key at or before `atMs − windowMs`, and returns the sum of the entries with
 * `atMs − windowMs < time ≤ atMs`. An add that arrives late (an `atMs` older than one already
 * seen) sees only what later adds have not yet forgotten. Use one window per key.
 * A key nobody touched for its window plus a minute (wall-clock) is dropped.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from './config.js';

export interface CounterStore {
  readonly kind: 'in-process' | 'redis';
  /**
   * Record `amount` (a safe integer: a count or fen; default 1; 0 only reads) for `key` at `atMs`
   * (default now) and return the sum within the sliding window `(atMs − windowMs, atMs]`.
   * @example await counters.add(`payer:${pseudonym}:count`, 3_600_000) // → payments in the last hour, this one included
   */
  add(key: string, windowMs: number, amount?: number, atMs?: number): Promise<number>;
  /** Resolves when the store answers (in-process: always); throws otherwise. For readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Keys live this much longer than their window, so that clocks a little apart do not lose counts. */
const EXPIRY_SLACK_MS = 60_000;

function checkArguments(key: string, windowMs: number, amount: number, atMs: number): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new RangeError('key must be a string of 1 to 512 characters');
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`windowMs must be a whole number of milliseconds ≥ 1, got ${windowMs}`);
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be a safe integer, got ${amount}`);
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new RangeError(`atMs must be a whole number of milliseconds ≥ 0, got ${atMs}`);
}

/**
 * Open the counter store: Redis when `config.redisUrl` is set (throws when it cannot be reached),
 * in process otherwise. `keyPrefix` namespaces the Redis keys (default 'fenghuo:counter:').
 */
export async function createCounterStore(config: Pick<Config, 'redisUrl'>, options: { keyPrefix?: string } = {}): Promise<CounterStore> {
  if (config.redisUrl) return RedisCounterStore.open(config.redisUrl, options.keyPrefix ?? 'fenghuo:counter:');
  return new InProcessCounterStore();
}

// ---------------------------------------------------------------------------------------------

/** Entries of one key, sorted by time; `head` skips the forgotten ones without shifting arrays. */
interface Series {
  times: number[];
  amounts: number[];
  head: number;
  /** Sum of amounts[head…]. */
  total: number;
  touchedAt: number;
  windowMs: number;
}

/** The counters of one process, in memory. */
export class InProcessCounterStore implements CounterStore {
  readonly kind = 'in-process' as const;
  private readonly series = new Map<string, Series>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(Date.now()), EXPIRY_SLACK_MS);
    this.sweeper.unref();
  }

  /** See {@link CounterStore.add}. */
  async add(key: string, windowMs: number, amount = 1, atMs = Date.now()): Promise<number> {
    checkArguments(key, windowMs, amount, atMs);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { times: [], amounts: [], head: 0, total: 0, touchedAt: 0, windowMs };
      this.series.set(key, entry);
    }
    entry.touchedAt = Date.now();
    entry.windowMs = windowMs;
    const { times, amounts } = entry;
    const horizon = atMs - windowMs;
    while (entry.head < times.length && times[entry.head]! <= horizon) {
      entry.total -= amounts[entry.head]!;
      entry.head++;
    }
    if (entry.head > 1024 && entry.head * 2 > times.length) {
      times.splice(0, entry.head);
      amounts.splice(0, entry.head);
      entry.head = 0;
    }
    if (amount !== 0) {
      // Usually an append; a late add is inserted in time order.
      let index = times.length;
      while (index > entry.head && times[index - 1]! > atMs) index--;
      times.splice(index, 0, atMs);
      amounts.splice(index, 0, amount);
      entry.total += amount;
    }
    // Entries after atMs exist only when this add is late; they are outside its window.
    let sum = entry.total;
    for (let i = times.length - 1; i >= entry.head && times[i]! > atMs; i--) sum -= amounts[i]!;
    if (entry.head === times.length) this.series.delete(key);
    return sum;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.series.clear();
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.series) {
      if (now - entry.touchedAt > entry.windowMs + EXPIRY_SLACK_MS) this.series.delete(key);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * One sorted set per key: member "<amount>:<unique id>", score the time. The script forgets,
 * adds, sums and sets the expiry in one step, so concurrent processes never interleave.
 */
const WINDOW_ADD_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if ARGV[3] ~= '0' then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3] .. ':' .. ARGV[4])
end
local sum = 0
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], ARGV[1])
for i = 1, #members do
  sum = sum + tonumber(string.match(members[i], '^(-?%d+):'))
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return sum
`;

// Every number reaches the script as the decimal string JavaScript made of it: Lua would print
// large numbers with 14 significant digits.
type WindowAdd = (key: string, atMs: string, horizonMs: string, amount: string, uniqueId: string, expiryMs: string) => Promise<number>;

/** Counters shared by every process through Redis. */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis' as const;
  private readonly instance = randomBytes(6).toString('hex');
  private sequence = 0;

  private constructor(private readonly redis: Redis & { fenghuoWindowAdd: WindowAdd }) {}

  /** Connect to Redis; throws when it cannot be reached. */
  static async open(url: string, keyPrefix: string): Promise<RedisCounterStore> {
    const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
    // Connection errors surface on the commands; an unhandled 'error' event would end the process.
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`Redis at ${url} cannot be reached`, { cause: error });
    }
    redis.defineCommand('fenghuoWindowAdd', { numberOfKeys: 1, lua: WINDOW_ADD_SCRIPT });
    return new RedisCounterStore(redis as Redis & { fenghuoWindowAdd: WindowAdd });
  }

  /** See {@link CounterStore.add}. */
  async add(key: string, windowMs: number, amount = 1, atMs = Date.now()): Promise<number> {
    checkArguments(key, windowMs, amount, atMs);
    const uniqueId = `${this.instance}${(this.sequence++).toString(36)}`;
    const sum = await this.redis.fenghuoWindowAdd(key, String(atMs), String(atMs - windowMs), String(amount), uniqueId, String(windowMs + EXPIRY_SLACK_MS));
    return Number(sum);
  }

  async ping(): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
