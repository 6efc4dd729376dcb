import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { FhError } from '../errors.js';

/**
 * A bound on the password hashes computed at once. Each scrypt takes a libuv thread (there are
 * four by default, shared with file and zlib work) and 32 MiB for a good part of a second: a flood
 * of logins left unbounded starves every other request. At most `concurrency` hashes run; up to
 * `queue` more wait their turn; beyond that a login is answered FH_AUTH_BUSY (503) at once.
 */
export class HashPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency = 2,
    readonly queue = 32,
  ) {}

  /** Hashes running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Run `task` when a place is free; throws FH_AUTH_BUSY when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new FhError('FH_AUTH_BUSY', undefined, { retryAfterSeconds: 1 });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // Hand the place straight to the next waiter, so that a newcomer cannot take it first.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The pool of the process, used when a caller names none. */
export const defaultHashPool = new HashPool();

/** scrypt's cost parameters, stored with each hash. */
export interface PasswordHashCost {
  N: number;
  r: number;
  p: number;
}

/** scrypt is memory-hard and built into Node; N=2^15, r=8 uses 32 MiB per hash. */
export const PASSWORD_HASH_COST: Readonly<PasswordHashCost> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
const KEY_LENGTH = 32;

/** The cost the test suite hashes passwords at (1 MiB, a few milliseconds); never the platform's. */
export const TEST_PASSWORD_HASH_COST: Readonly<PasswordHashCost> = Object.freeze({ N: 2 ** 10, r: 8, p: 1 });

let cost: Readonly<PasswordHashCost> = PASSWORD_HASH_COST;

/**
 * The cost new hashes are made at (checking a password always uses the cost stored with its hash),
 * returning the one before. For the test suite, whose thousands of logins at the full cost would
 * be minutes of CPU: it lowers the cost and raises it again where the cost itself is under test.
 * The platform never calls it, so nothing an operator configures can weaken the hashes.
 */
export function setPasswordHashCost(next: Readonly<PasswordHashCost>): Readonly<PasswordHashCost> {
  const before = cost;
  cost = next;
  return before;
}

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hash a password as `scrypt$N$r$p$salt$hash` (base64), so the cost can rise later. */
export async function hashPassword(password: string, pool: HashPool = defaultHashPool): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = cost;
  const key = await pool.run(() => scrypt(password, salt, { N, r, p }));
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Check a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string, pool: HashPool = defaultHashPool): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts as [string, string, string, string, string, string];
  const key = await pool.run(() => scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }));
  const want = Buffer.from(expected, 'base64');
  return key.length === want.length && timingSafeEqual(key, want);
}

// A hash of a random password, compared against when the user does not exist, so that a wrong
// username takes as long as a wrong password: one for each cost new hashes are made at.
const decoys = new Map<Readonly<PasswordHashCost>, Promise<string>>();
export function decoyHash(): Promise<string> {
  let decoy = decoys.get(cost);
  // Outside any pool: computed once, and a full pool must not make it fail for good.
  if (!decoy) decoys.set(cost, (decoy = hashPassword(randomBytes(16).toString('hex'), new HashPool(1, Number.MAX_SAFE_INTEGER))));
  return decoy;
}
