/**
 * The real-time features of a payment (see `screeningFeatureCatalogue`): sliding-window counts and
 * sums per payer account, payee account and device, the payer's history (first payment to a payee,
 * robust z-score of the amount), balance-payment totals, and the watch list. In process by default;
 * in Redis when configured, so that several server processes (and the NATS workers) share them.
 *
 * Two steps, because an attempt and a payment are not the same thing: `observe` counts the attempt
 * in the velocity windows (a burst of blocked attempts is itself a signal) and returns the features;
 * `settle` is called once the payment goes ahead (allowed, or confirmed by the consumer) and adds
 * it to the history — the payee becomes known, the amount joins the payer's usual amounts, and a
 * balance payment counts towards the PBOC 43 limits. A blocked payment moves no money and so
 * changes none of those.
 */
import { Redis } from 'ioredis';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Earlier amounts kept per payer account and currency for the robust z-score. */
export const HISTORY_SIZE = 50;
/** Fewer earlier payments than this and the z-score is absent. */
export const MIN_HISTORY = 5;
/** Payees remembered per payer account (the oldest forgotten first). */
export const PAYEES_KEPT = 500;

/** A payment as the feature state sees it: references, never account numbers. */
export interface Observation {
  payerRef: string;
  payeeRef: string;
  deviceRef?: string | undefined;
  /** The payer as a person, when known: balance totals join all their accounts. */
  payerPseudonym?: string | undefined;
  currency: string;
  amountMinor: number;
  /** Balance payment in CNY: counts towards the PBOC 43 limits once settled. */
  balanceFen: number;
  atMs: number;
  /** The China-time calendar year of `atMs`. */
  chinaYear: number;
  /** The China-time hour of `atMs`. */
  chinaHour: number;
}

export type FeatureValues = Record<string, number | boolean>;

export interface FeatureState {
  readonly kind: 'in-process' | 'redis';
  /** Count the attempt and give its features. */
  observe(observation: Observation): FeatureValues | Promise<FeatureValues>;
  /** The payment goes ahead: add it to the payer's history and balance totals. */
  settle(observation: Observation): void | Promise<void>;
  /** Put a payee account on the watch list (or take it off): at once for every later payment. */
  setWatched(payeeRef: string, watched: { confirmedFraud: boolean; complaint: boolean }): void | Promise<void>;
  /** Mark payers known to borrow on many platforms (by pseudonym); replaces the set. */
  setMultiPlatformBorrowers(pseudonyms: Iterable<string>): void | Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Median of a sorted array. */
function medianOf(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The centre and spread of a payer's history that the robust z-score divides by. */
export interface RobustScale {
  median: number;
  /** 1.4826 · MAD, or 1.2533 · the mean absolute deviation when the MAD is 0. */
  divisor: number;
}

/** The median and spread of a history; undefined with fewer than MIN_HISTORY values or no spread at all. */
export function robustScale(history: readonly number[]): RobustScale | undefined {
  if (history.length < MIN_HISTORY) return undefined;
  const sorted = [...history].sort((a, b) => a - b);
  const median = medianOf(sorted);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  const mad = medianOf(deviations);
  if (mad > 0) return { median, divisor: 1.4826 * mad };
  const meanAbs = deviations.reduce((sum, d) => sum + d, 0) / deviations.length;
  if (meanAbs > 0) return { median, divisor: 1.2533 * meanAbs };
  return undefined;
}

/** The z-score of an amount against a history's scale, to 4 decimal places. */
export function zOf(scale: RobustScale, amount: number): number {
  return Number(((amount - scale.median) / scale.divisor).toFixed(4));
}

/**
 * The modified z-score of Iglewicz and Hoaglin: (x − median) / (1.4826 · MAD), with the mean
 * absolute deviation (× 1.2533) standing in when the MAD is 0; undefined with fewer than
 * MIN_HISTORY values or no spread at all.
 */
export function robustZ(history: readonly number[], amount: number): number | undefined {
  const scale = robustScale(history);
  return scale === undefined ? undefined : zOf(scale, amount);
}

// ---------------------------------------------------------------------------------------------

/**
 * Entries of one key within the last 24 hours, oldest first, with running counts and sums for the
 * minute, the hour and the day. `head*` index the first entry inside each window.
 */
class Series {
  times: number[] = [];
  amounts: number[] = [];
  start = 0;
  headHour = 0;
  headMinute = 0;
  sumDay = 0;
  sumHour = 0;
  sumMinute = 0;

  /**
   * Add an entry at `at` and move each window's start past what fell out of it. The windows end at
   * the latest time seen, so a late arrival counts where it belongs and moves nothing back.
   */
  add(at: number, amount: number): void {
    const n = this.times.length;
    if (n === 0 || this.times[n - 1]! <= at) {
      this.times.push(at);
      this.amounts.push(amount);
      this.sumDay += amount;
      this.sumHour += amount;
      this.sumMinute += amount;
    } else {
      // A late arrival (clocks of several senders a little apart): insert it in order and recount.
      let i = n;
      while (i > this.start && this.times[i - 1]! > at) i--;
      this.times.splice(i, 0, at);
      this.amounts.splice(i, 0, amount);
      let sum = 0;
      for (let j = this.start; j < this.times.length; j++) sum += this.amounts[j]!;
      this.headHour = this.headMinute = this.start;
      this.sumDay = this.sumHour = this.sumMinute = sum;
    }
    const last = this.times[this.times.length - 1]!;
    const length = this.times.length;
    while (this.start < length && this.times[this.start]! <= last - DAY_MS) this.sumDay -= this.amounts[this.start++]!;
    while (this.headHour < length && this.times[this.headHour]! <= last - HOUR_MS) this.sumHour -= this.amounts[this.headHour++]!;
    while (this.headMinute < length && this.times[this.headMinute]! <= last - MINUTE_MS) this.sumMinute -= this.amounts[this.headMinute++]!;
    // Drop the forgotten prefix now and then, so that the arrays do not grow for ever.
    if (this.start > 64 && this.start * 2 > length) {
      const cut = this.start;
      this.times = this.times.slice(cut);
      this.amounts = this.amounts.slice(cut);
      this.start = 0;
      this.headHour -= cut;
      this.headMinute -= cut;
    }
  }

  countDay(): number {
    return this.times.length - this.start;
  }
  countHour(): number {
    return this.times.length - this.headHour;
  }
  countMinute(): number {
    return this.times.length - this.headMinute;
  }
}

/** A payer's earlier settled amounts in one currency, with their median and spread worked out once per change. */
class PayerHistory {
  /** Earlier settled amounts, newest last. */
  amounts: number[] = [];
  private scale: RobustScale | undefined;
  private stale = true;

  constructor(readonly currency: string) {}

  push(amount: number): void {
    this.amounts.push(amount);
    if (this.amounts.length > HISTORY_SIZE) this.amounts.shift();
    this.stale = true;
  }

  z(amount: number): number | undefined {
    if (this.stale) {
      this.scale = robustScale(this.amounts);
      this.stale = false;
    }
    return this.scale === undefined ? undefined : zOf(this.scale, amount);
  }
}

/** Sliding windows of one account's payments in one currency. */
interface CurrencySeries {
  currency: string;
  series: Series;
}

/**
 * Everything kept about one account, as payer and as payee, in one place: one lookup per payment
 * and side rather than one per feature.
 */
class AccountState {
  /** Payments made, every currency. */
  paid: Series | undefined;
  /** Amounts paid, per currency (almost always one). */
  paidIn: CurrencySeries[] | undefined;
  /** Payments received, every currency. */
  received: Series | undefined;
  receivedIn: CurrencySeries[] | undefined;
  histories: PayerHistory[] | undefined;
  payees: Set<string> | undefined;
  /** Balance payments since the account was opened (fen). */
  openingTotal = 0;
  /** Balance payments per China year of the account, when the payer is not known as a person. */
  yearTotals: Map<number, number> | undefined;

  static seriesIn(list: CurrencySeries[], currency: string): Series {
    for (let i = 0; i < list.length; i++) if (list[i]!.currency === currency) return list[i]!.series;
    const series = new Series();
    list.push({ currency, series });
    return series;
  }

  history(currency: string): PayerHistory | undefined {
    const list = this.histories;
    if (list) for (let i = 0; i < list.length; i++) if (list[i]!.currency === currency) return list[i];
    return undefined;
  }
}

/** Features in this process's memory: the embedded mode. Lost on a restart (see the README). */
export class InProcessFeatureState implements FeatureState {
  readonly kind = 'in-process' as const;
  private readonly accounts = new Map<string, AccountState>();
  private readonly devices = new Map<string, Series>();
  /** Balance payments per person (pseudonym) and China year, over all their accounts. */
  private readonly personYearTotals = new Map<string, number>();
  private readonly confirmedFraud = new Set<string>();
  private readonly complained = new Set<string>();
  private multiPlatform = new Set<string>();

  private account(ref: string): AccountState {
    let state = this.accounts.get(ref);
    if (!state) {
      state = new AccountState();
      this.accounts.set(ref, state);
    }
    return state;
  }

  /** See {@link FeatureState.observe}. */
  observe(o: Observation): FeatureValues {
    const at = o.atMs;
    const payerState = this.account(o.payerRef);
    const payer = (payerState.paid ??= new Series());
    payer.add(at, 1);
    const payerAmount = AccountState.seriesIn((payerState.paidIn ??= []), o.currency);
    payerAmount.add(at, o.amountMinor);
    const payeeState = o.payeeRef === o.payerRef ? payerState : this.account(o.payeeRef);
    const payee = (payeeState.received ??= new Series());
    payee.add(at, 1);
    const payeeAmount = AccountState.seriesIn((payeeState.receivedIn ??= []), o.currency);
    payeeAmount.add(at, o.amountMinor);
    const history = payerState.history(o.currency);
    const confirmedFraud = this.confirmedFraud.size > 0 && this.confirmedFraud.has(o.payeeRef);
    const features: FeatureValues = {
      payer_payments_1m: payer.countMinute(),
      payer_payments_1h: payer.countHour(),
      payer_payments_24h: payer.countDay(),
      payer_amount_1h: payerAmount.sumHour,
      payer_amount_24h: payerAmount.sumDay,
      payee_payments_1h: payee.countHour(),
      payee_payments_24h: payee.countDay(),
      payee_amount_24h: payeeAmount.sumDay,
      first_payment_to_payee: !(payerState.payees?.has(o.payeeRef) ?? false),
      payer_history_size: history ? history.amounts.length : 0,
      hour_china: o.chinaHour,
      payee_confirmed_fraud: confirmedFraud,
      payee_on_watch_list: confirmedFraud || (this.complained.size > 0 && this.complained.has(o.payeeRef)),
    };
    const z = history?.z(o.amountMinor);
    if (z !== undefined) features.amount_robust_z = z;
    if (o.deviceRef !== undefined) {
      let device = this.devices.get(o.deviceRef);
      if (!device) {
        device = new Series();
        this.devices.set(o.deviceRef, device);
      }
      device.add(at, 1);
      features.device_payments_1h = device.countHour();
      features.device_payments_24h = device.countDay();
    }
    if (o.currency === 'CNY') {
      features.payer_amount_24h_fen = payerAmount.sumDay;
      const yearTotal = o.payerPseudonym !== undefined ? this.personYearTotals.get(`${o.payerPseudonym}|${o.chinaYear}`) : payerState.yearTotals?.get(o.chinaYear);
      features.payer_balance_paid_year_fen = (yearTotal ?? 0) + o.balanceFen;
      features.payer_balance_paid_since_opening_fen = payerState.openingTotal + o.balanceFen;
    }
    if (o.payerPseudonym !== undefined) features.payer_multi_platform_borrower = this.multiPlatform.has(o.payerPseudonym);
    return features;
  }

  /** See {@link FeatureState.settle}. */
  settle(o: Observation): void {
    const payerState = this.account(o.payerRef);
    let history = payerState.history(o.currency);
    if (!history) {
      history = new PayerHistory(o.currency);
      (payerState.histories ??= []).push(history);
    }
    history.push(o.amountMinor);
    const payees = (payerState.payees ??= new Set());
    payees.add(o.payeeRef);
    if (payees.size > PAYEES_KEPT) payees.delete(payees.values().next().value!);
    if (o.balanceFen > 0) {
      if (o.payerPseudonym !== undefined) {
        const yearKey = `${o.payerPseudonym}|${o.chinaYear}`;
        this.personYearTotals.set(yearKey, (this.personYearTotals.get(yearKey) ?? 0) + o.balanceFen);
      } else {
        const totals = (payerState.yearTotals ??= new Map());
        totals.set(o.chinaYear, (totals.get(o.chinaYear) ?? 0) + o.balanceFen);
      }
      payerState.openingTotal += o.balanceFen;
    }
  }

  /** See {@link FeatureState.setWatched}. */
  setWatched(payeeRef: string, watched: { confirmedFraud: boolean; complaint: boolean }): void {
    if (watched.confirmedFraud) this.confirmedFraud.add(payeeRef);
    else this.confirmedFraud.delete(payeeRef);
    if (watched.complaint) this.complained.add(payeeRef);
    else this.complained.delete(payeeRef);
  }

  /** See {@link FeatureState.setMultiPlatformBorrowers}. */
  setMultiPlatformBorrowers(pseudonyms: Iterable<string>): void {
    this.multiPlatform = new Set(pseudonyms);
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

// ---------------------------------------------------------------------------------------------
// Redis: the same features shared by every process. One script call observes a payment (all its
// windows, its history and the lists in one round trip, atomically); another settles it.

const OBSERVE_SCRIPT = `
local at = tonumber(ARGV[1])
local member = ARGV[2]
local amount = tonumber(ARGV[3])
local ttl = ARGV[4]
local function window_add(zkey, sumkey, value, window)
  redis.call('ZADD', zkey, at, member .. ':' .. value)
  local top = redis.call('ZREVRANGE', zkey, 0, 0, 'WITHSCORES')
  local last = tonumber(top[2])
  local sum = redis.call('INCRBY', sumkey, value)
  local cutoff = string.format('%.0f', last - window)
  local old = redis.call('ZRANGEBYSCORE', zkey, '-inf', cutoff)
  for _, m in ipairs(old) do
    sum = redis.call('DECRBY', sumkey, tonumber(string.match(m, ':(%-?%d+)$')))
  end
  if #old > 0 then redis.call('ZREMRANGEBYSCORE', zkey, '-inf', cutoff) end
  redis.call('PEXPIRE', zkey, ttl)
  redis.call('PEXPIRE', sumkey, ttl)
  return last, sum
end
local function counts(zkey, last)
  return redis.call('ZCARD', zkey),
    redis.call('ZCOUNT', zkey, '(' .. string.format('%.0f', last - 3600000), '+inf'),
    redis.call('ZCOUNT', zkey, '(' .. string.format('%.0f', last - 60000), '+inf')
end
local out = {}
local last = window_add(KEYS[1], KEYS[1] .. ':s', 1, 86400000)
out[1], out[2], out[3] = counts(KEYS[1], last)
local _, s1 = window_add(KEYS[2], KEYS[2] .. ':s', amount, 3600000)
local _, s2 = window_add(KEYS[3], KEYS[3] .. ':s', amount, 86400000)
out[4], out[5] = s1, s2
last = window_add(KEYS[4], KEYS[4] .. ':s', 1, 86400000)
out[6], out[7] = counts(KEYS[4], last)
local _, s3 = window_add(KEYS[5], KEYS[5] .. ':s', amount, 86400000)
out[8] = s3
if KEYS[6] ~= '' then
  last = window_add(KEYS[6], KEYS[6] .. ':s', 1, 86400000)
  out[9], out[10] = counts(KEYS[6], last)
else
  out[9], out[10] = -1, -1
end
out[11] = redis.call('SISMEMBER', KEYS[7], ARGV[5])
out[12] = tonumber(redis.call('GET', KEYS[8]) or '0')
out[13] = tonumber(redis.call('GET', KEYS[9]) or '0')
out[14] = redis.call('SISMEMBER', KEYS[10], ARGV[5])
out[15] = redis.call('SISMEMBER', KEYS[11], ARGV[5])
if ARGV[6] ~= '' then out[16] = redis.call('SISMEMBER', KEYS[12], ARGV[6]) else out[16] = -1 end
out[17] = redis.call('LRANGE', KEYS[13], 0, -1)
return out
`;

const SETTLE_SCRIPT = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -${HISTORY_SIZE}, -1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if tonumber(ARGV[3]) > 0 then
  redis.call('INCRBY', KEYS[3], ARGV[3])
  redis.call('PEXPIRE', KEYS[3], 34560000000)
  redis.call('INCRBY', KEYS[4], ARGV[3])
end
return 1
`;

/** How long a payer's history and payees are kept after their last payment: about 400 days. */
const HISTORY_TTL_MS = 400 * DAY_MS;
const WINDOW_TTL_MS = DAY_MS + MINUTE_MS;

type ObserveCommand = (...args: string[]) => Promise<unknown[]>;
type SettleCommand = (...args: string[]) => Promise<number>;

/** Features shared through Redis by every process that screens. */
export class RedisFeatureState implements FeatureState {
  readonly kind = 'redis' as const;
  private sequence = 0;
  private readonly instance = Math.random().toString(36).slice(2, 10);

  private constructor(private readonly redis: Redis & { fenghuoScreenObserve: ObserveCommand; fenghuoScreenSettle: SettleCommand }) {}

  /** Connect; throws when Redis cannot be reached. `keyPrefix` namespaces the keys (tests give each run its own). */
  static async open(url: string, keyPrefix = 'fenghuo:screen:'): Promise<RedisFeatureState> {
    const redis = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, enableOfflineQueue: false });
    // Errors surface on the commands (503 to the caller); an unhandled 'error' event would end the process.
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`Redis at ${url} cannot be reached`, { cause: error });
    }
    redis.defineCommand('fenghuoScreenObserve', { numberOfKeys: 13, lua: OBSERVE_SCRIPT });
    redis.defineCommand('fenghuoScreenSettle', { numberOfKeys: 4, lua: SETTLE_SCRIPT });
    return new RedisFeatureState(redis as Redis & { fenghuoScreenObserve: ObserveCommand; fenghuoScreenSettle: SettleCommand });
  }

  /** See {@link FeatureState.observe}. */
  async observe(o: Observation): Promise<FeatureValues> {
    const member = `${this.instance}${(this.sequence++).toString(36)}`;
    const payerId = o.payerPseudonym ?? o.payerRef;
    const raw = await this.redis.fenghuoScreenObserve(
      `pc:${o.payerRef}`,
      `pa1:${o.payerRef}:${o.currency}`,
      `pa24:${o.payerRef}:${o.currency}`,
      `qc:${o.payeeRef}`,
      `qa24:${o.payeeRef}:${o.currency}`,
      o.deviceRef !== undefined ? `dc:${o.deviceRef}` : '',
      `payees:${o.payerRef}`,
      `year:${payerId}:${o.chinaYear}`,
      `opening:${o.payerRef}`,
      'watch:fraud',
      'watch:complaint',
      'multi-platform',
      `hist:${o.payerRef}:${o.currency}`,
      String(o.atMs),
      member,
      String(o.amountMinor),
      String(WINDOW_TTL_MS),
      o.payeeRef,
      o.payerPseudonym ?? '',
    );
    const n = (i: number) => Number(raw[i]);
    const history = (raw[16] as string[]).map(Number);
    const features: FeatureValues = {
      payer_payments_24h: n(0),
      payer_payments_1h: n(1),
      payer_payments_1m: n(2),
      payer_amount_1h: n(3),
      payer_amount_24h: n(4),
      payee_payments_24h: n(5),
      payee_payments_1h: n(6),
      payee_amount_24h: n(7),
      first_payment_to_payee: n(10) === 0,
      payer_history_size: history.length,
      hour_china: o.chinaHour,
      payee_confirmed_fraud: n(13) === 1,
      payee_on_watch_list: n(13) === 1 || n(14) === 1,
    };
    const z = robustZ(history, o.amountMinor);
    if (z !== undefined) features.amount_robust_z = z;
    if (o.deviceRef !== undefined) {
      features.device_payments_24h = n(8);
      features.device_payments_1h = n(9);
    }
    if (o.currency === 'CNY') {
      features.payer_amount_24h_fen = n(4);
      features.payer_balance_paid_year_fen = n(11) + o.balanceFen;
      features.payer_balance_paid_since_opening_fen = n(12) + o.balanceFen;
    }
    if (o.payerPseudonym !== undefined) features.payer_multi_platform_borrower = n(15) === 1;
    return features;
  }

  /** See {@link FeatureState.settle}. */
  async settle(o: Observation): Promise<void> {
    const payerId = o.payerPseudonym ?? o.payerRef;
    await this.redis.fenghuoScreenSettle(`hist:${o.payerRef}:${o.currency}`, `payees:${o.payerRef}`, `year:${payerId}:${o.chinaYear}`, `opening:${o.payerRef}`, String(o.amountMinor), o.payeeRef, String(o.balanceFen), String(HISTORY_TTL_MS));
  }

  /** See {@link FeatureState.setWatched}. */
  async setWatched(payeeRef: string, watched: { confirmedFraud: boolean; complaint: boolean }): Promise<void> {
    const multi = this.redis.multi();
    if (watched.confirmedFraud) multi.sadd('watch:fraud', payeeRef);
    else multi.srem('watch:fraud', payeeRef);
    if (watched.complaint) multi.sadd('watch:complaint', payeeRef);
    else multi.srem('watch:complaint', payeeRef);
    await multi.exec();
  }

  /** See {@link FeatureState.setMultiPlatformBorrowers}. */
  async setMultiPlatformBorrowers(pseudonyms: Iterable<string>): Promise<void> {
    const all = [...pseudonyms];
    const pipeline = this.redis.multi().del('multi-platform:next');
    for (let i = 0; i < all.length; i += 1000) pipeline.sadd('multi-platform:next', ...all.slice(i, i + 1000));
    if (all.length > 0) pipeline.rename('multi-platform:next', 'multi-platform');
    else pipeline.del('multi-platform');
    await pipeline.exec();
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
