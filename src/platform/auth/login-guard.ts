/**
 * Password guessing is limited per account and per source address, with back-off: each counts
 * attempts in three sliding windows (a minute, a quarter of an hour, an hour) whose limits grow
 * less than the windows do (L, 2L, 4L), so that a guesser who keeps on is held back for longer and
 * longer. The counts live in the platform's counter store: in process, or in Redis when configured,
 * so that every process of a deployment sees the same attempts.
 *
 * The answer does not depend on whether the account exists: an unknown username is counted and
 * refused exactly like a known one. A successful login is not counted against the account.
 */
import { createHash } from 'node:crypto';
import type { CounterStore } from '../counters.js';
import { FhError } from '../errors.js';

export interface LoginLimits {
  /** Attempts per account in a minute; 2× in 15 minutes, 4× in an hour. */
  perAccount: number;
  /** Attempts per source address in a minute; 2× in 15 minutes, 4× in an hour. */
  perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20 };

const TIERS = [
  { windowMs: 60_000, factor: 1 },
  { windowMs: 15 * 60_000, factor: 2 },
  { windowMs: 60 * 60_000, factor: 4 },
] as const;

interface Window {
  key: string;
  windowMs: number;
  limit: number;
}

/** Counter keys hold a digest of the username: any text, bounded length, nothing personal in Redis. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

export class LoginGuard {
  constructor(
    private readonly counters: CounterStore,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly onStoreError: (error: unknown) => void = () => {},
  ) {}

  private windows(username: string, address: string): Window[] {
    // The same person writes their name in different cases and widths; count them as one.
    const account = digest(username.normalize('NFKC').toLowerCase());
    const source = digest(address);
    return TIERS.flatMap(({ windowMs, factor }) => [
      { key: `login:account:${account}:${windowMs}`, windowMs, limit: this.limits.perAccount * factor },
      { key: `login:address:${source}:${windowMs}`, windowMs, limit: this.limits.perAddress * factor },
    ]);
  }

  /**
   * Run `check` (the password comparison) for one login attempt, unless the account or the address
   * has used up an allowance: then throw FH_RATE_LIMITED (429) with `retryAfterSeconds`, the length
   * of the longest window exceeded (when the attempts that fill it have surely expired). The attempt
   * is counted before `check` runs, so that concurrent guesses cannot all slip under the limit; a
   * refused attempt and a successful login are taken back out.
   */
  async attempt(username: string, address: string, check: () => Promise<boolean>): Promise<boolean> {
    const windows = this.windows(username, address);
    const at = Date.now();
    let sums: number[];
    try {
      sums = await Promise.all(windows.map((w) => this.counters.add(w.key, w.windowMs, 1, at)));
    } catch (error) {
      // Without its counters the guard cannot count; the bounded hashing pool still limits the cost.
      this.onStoreError(error);
      return check();
    }
    const exceeded = windows.filter((w, i) => sums[i]! > w.limit);
    if (exceeded.length > 0) {
      await this.takeBack(windows, at);
      throw new FhError('FH_RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(...exceeded.map((w) => w.windowMs)) / 1000 });
    }
    const ok = await check();
    if (ok) await this.takeBack(windows, at);
    return ok;
  }

  private async takeBack(windows: readonly Window[], at: number): Promise<void> {
    // −1 at the attempt's own time: it leaves the window together with the +1 it cancels.
    await Promise.all(windows.map((w) => this.counters.add(w.key, w.windowMs, -1, at))).catch((error: unknown) => this.onStoreError(error));
  }
}
