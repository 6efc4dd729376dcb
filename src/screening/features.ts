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
  return round4((amount - scale.median) / scale.divisor);
}

/**
 * `Number(x.toFixed(4))` without building a string where that is safe: below 10^5 the product
 * x · 10^4 is within 10^-7 of its exact value, so away from a tie (where toFixed takes the larger
 * magnitude) rounding it gives toFixed's digits, and n / 10^4 is the double those digits parse to.
 */
function round4(x: number): number {
  const a = Math.abs(x);
  if (a < 1e5) {
    const scaled = a * 10_000;
    const floor = Math.floor(scaled);
    const fraction = scaled - floor;
    if (fraction < 0.499999 || fraction > 0.500001) {
      const r = (fraction > 0.5 ? floor + 1 : floor) / 10_000;
      return x < 0 ? -r : r;
    }
  }
  return Number(x.toFixed(4));
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

/** Sliding windows of one account's payments in one currency (for an account that uses more than one). */
interface CurrencySeries {
  currency: string;
  series: Series;
}

function seriesIn(list: CurrencySeries[], currency: string): Series {
  for (let i = 0; i < list.length; i++) if (list[i]!.currency === currency) return list[i]!.series;
  const series = new Series();
  list.push({ currency, series });
  return series;
}

/**
 * Runs of a Float64Array handed out by size (powers of two) and taken back when a key outgrows its
 * run: growing per-key state without an object per key. `data` is replaced when the pool grows,
 * so it is read again after every `alloc`.
 */
class Pool {
  data: Float64Array;
  private top = 0;
  private readonly free: number[][] = [];

  constructor(
    private readonly width: number,
    initialEntries: number,
  ) {
    this.data = new Float64Array(initialEntries * width);
  }

  /** The first entry of a run of `size` entries (a power of two). */
  alloc(size: number): number {
    const list = this.free[Math.clz32(size)];
    if (list !== undefined && list.length > 0) return list.pop()!;
    const at = this.top;
    this.top += size;
    if (this.top * this.width > this.data.length) {
      const bigger = new Float64Array(Math.max(this.top * this.width, Math.floor(this.data.length * 1.5)));
      bigger.set(this.data);
      this.data = bigger;
    }
    return at;
  }

  release(at: number, size: number): void {
    (this.free[Math.clz32(size)] ??= []).push(at);
  }
}

// A sliding-window series as 16 numbers of a Float64Array (an account's or a device's record): 8
// fields, then a ring of 4 entries (time, amount) in the record itself; a series that outgrows it
// moves to a larger ring of a Pool. The same windows as Series, without objects.
const S_OFF = 0; // first entry of the ring in the pool; -1 while the ring is the record's own
const S_CAP = 1; // ring size (a power of two; 0 before the first entry)
const S_START = 2; // ring position of the oldest entry inside the day
const S_N = 3; // entries inside the day
const S_NH = 4; // of which inside the hour (the newest ones)
const S_NM = 5; // of which inside the minute
const S_DAY = 6; // sum of the amounts inside the day
const S_HOUR = 7; // and inside the hour
const S_RING = 8; // the record's own ring
const RING_INLINE = 4;

// A record's key (see KeyedRecords): its length + 1 (-1: kept aside, 0: free slot), hash, id, characters.
const K_LENGTH = 0;
const K_HASH = 1;
const K_ID = 2;
const K_KEY = 3;
const KEY_BYTES = 32;

// An account's record: its key, the series of what it paid, its payer fields (its first payees among them), the series of what it received.
const A_RECEIVED_CURRENCY = 7;
const A_PAID = 8;
const A_HISTORY_CURRENCY = 24; // currency of the settled amounts kept inline
const A_HISTORY_OFF = 25; // pool run of (amount in arrival order, amount in sorted order) pairs
const A_HISTORY_CAP = 26;
const A_HISTORY_START = 27;
const A_HISTORY_LEN = 28;
const A_MEDIAN = 29; // the robust scale of the inline history, NaN when it has none
const A_DIVISOR = 30;
const A_PAYEES_OFF = 31; // pool run of the payees (account ids), oldest first; -1 while the ring is the record's own
const A_PAYEES_CAP = 32;
const A_PAYEES_START = 33;
const A_PAYEES_LEN = 34;
const A_OPENING = 35; // balance payments since opening (fen)
const A_YEAR = 36; // the latest China year with balance payments (when the payer is not known as a person)
const A_YEAR_TOTAL = 37;
const A_PAID_CURRENCY = 38; // currency id of every payment made so far; negated once a second one appears
const A_PAYEES_RING = 40; // the record's own ring of payees, read with the payer's other fields
const PAYEES_INLINE = 4;
const A_RECEIVED = 48;
const ACCOUNT_FIELDS = 64;
// A device's record: its key and its series.
const D_SERIES = 8;
const DEVICE_FIELDS = 24;


/** FNV-1a of the key, plus 2^32 when it cannot be kept in a record (too long, or not Latin-1). */
function keyHash(key: string): number {
  const length = key.length;
  let hash = 0x811c9dc5 ^ length;
  let wide = length > KEY_BYTES;
  for (let i = 0; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c > 255) wide = true;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  hash = (hash ^ (hash >>> 15)) >>> 0;
  return wide ? hash + 2 ** 32 : hash;
}

/**
 * Records of a fixed number of Float64 fields, one per key, the table itself open-addressed by the
 * key's hash: a key of up to 32 Latin-1 characters is kept in its record's first fields, so that
 * finding a record touches the record and nothing else (no map entry, no string compared
 * elsewhere). Longer keys are kept aside. Records move when the table grows: hold offsets only
 * until the next `find` that may add, and use `id` (fixed at insertion) to refer to a record.
 */
class KeyedRecords {
  data: Float64Array;
  private bytes: Uint8Array;
  private mask: number;
  count = 0;
  /** Bumped whenever records move. */
  generation = 0;
  private readonly longKeys: string[] = [];

  constructor(
    readonly stride: number,
    private readonly onNew: (data: Float64Array, base: number) => void,
    slots = 1024,
  ) {
    this.data = new Float64Array(slots * stride);
    this.bytes = new Uint8Array(this.data.buffer);
    this.mask = slots - 1;
  }

  /** Room for `more` new keys without moving records. */
  reserve(more: number): void {
    if ((this.count + more) * 4 <= (this.mask + 1) * 3) return;
    const old = this.data;
    const slots = (this.mask + 1) * 2;
    this.data = new Float64Array(slots * this.stride);
    this.bytes = new Uint8Array(this.data.buffer);
    this.mask = slots - 1;
    for (let base = 0; base < old.length; base += this.stride) {
      if (old[base + K_LENGTH] === 0) continue;
      let slot = old[base + K_HASH]! & this.mask;
      while (this.data[slot * this.stride + K_LENGTH] !== 0) slot = (slot + 1) & this.mask;
      this.data.set(old.subarray(base, base + this.stride), slot * this.stride);
    }
    this.generation++;
  }

  /** The offset of the first slot a key of this `keyHash` may be in. */
  home(hashed: number): number {
    return (hashed & this.mask) * this.stride;
  }

  /** The offset of the key's record, made (fields 0 but the key's) when absent. Call `reserve(1)` first. */
  find(key: string, hashed: number): number {
    const length = key.length;
    const wide = hashed >= 2 ** 32;
    const hash = wide ? hashed - 2 ** 32 : hashed;
    const d = this.data;
    const bytes = this.bytes;
    const stride = this.stride;
    let slot = hash & this.mask;
    for (;;) {
      const base = slot * stride;
      const stored = d[base + K_LENGTH]!;
      if (stored === 0) break;
      if (d[base + K_HASH] === hash) {
        if (wide) {
          if (stored === -1 && this.longKeys[d[base + K_ID]!] === key) return base;
        } else if (stored === length + 1) {
          const at = (base + K_KEY) * 8;
          let i = 0;
          while (i < length && bytes[at + i] === key.charCodeAt(i)) i++;
          if (i === length) return base;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const base = slot * stride;
    const id = this.count++;
    d[base + K_HASH] = hash;
    d[base + K_ID] = id;
    if (wide) {
      d[base + K_LENGTH] = -1;
      this.longKeys[id] = key;
    } else {
      d[base + K_LENGTH] = length + 1;
      const at = (base + K_KEY) * 8;
      for (let i = 0; i < length; i++) bytes[at + i] = key.charCodeAt(i);
    }
    this.onNew(d, base);
    return base;
  }
}

/**
 * The robust scale of `n` sorted values at pool entries `base`, `base + 2`, …: the median, then
 * the deviations from it visited in ascending order by merging the two sides (no sort, no array):
 * the same values, summed in the same order, as robustScale gives.
 */
function scaleOfSorted(d: Float64Array, base: number, n: number, out: Float64Array): void {
  out[0] = NaN;
  out[1] = NaN;
  if (n < MIN_HISTORY) return;
  const mid = n >> 1;
  const median = n % 2 === 1 ? d[base + 2 * mid]! : (d[base + 2 * (mid - 1)]! + d[base + 2 * mid]!) / 2;
  let j = 0;
  while (j < n && d[base + 2 * j]! < median) j++;
  let i = j - 1;
  const t1 = n % 2 === 1 ? mid : mid - 1;
  let d1 = 0;
  let d2 = 0;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let deviation: number;
    if (i >= 0 && (j >= n || median - d[base + 2 * i]! <= d[base + 2 * j]! - median)) deviation = median - d[base + 2 * i--]!;
    else deviation = d[base + 2 * j++]! - median;
    if (c === t1) d1 = deviation;
    if (c === mid) d2 = deviation;
    sum += deviation;
  }
  const mad = n % 2 === 1 ? d2 : (d1 + d2) / 2;
  if (mad > 0) {
    out[0] = median;
    out[1] = 1.4826 * mad;
    return;
  }
  const meanAbs = sum / n;
  if (meanAbs > 0) {
    out[0] = median;
    out[1] = 1.2533 * meanAbs;
  }
}

/**
 * Features in this process's memory: the embedded mode. Lost on a restart (see the README).
 *
 * Accounts and devices get a number when first seen; their state is a fixed record in one
 * Float64Array each (no map of objects, nothing allocated per payment but the features returned),
 * windows and histories in pooled runs. What is rare keeps the general form beside it: an
 * account's payments in a second currency, settled amounts in a second currency, older China
 * years' balance totals, persons' totals.
 */
export class InProcessFeatureState implements FeatureState {
  readonly kind = 'in-process' as const;
  private readonly accountRecords = new KeyedRecords(ACCOUNT_FIELDS, (d, base) => {
    d[base + A_MEDIAN] = NaN;
    d[base + A_DIVISOR] = NaN;
  });
  private readonly deviceRecords = new KeyedRecords(DEVICE_FIELDS, () => {});
  private readonly series = new Pool(2, 1 << 16);
  private readonly histories = new Pool(2, 1 << 14);
  private readonly payees = new Pool(1, 1 << 14);
  private readonly scale = new Float64Array(2);
  private readonly currencies = new Map<string, number>();
  private lastCurrency = '';
  private lastCurrencyId = 0;
  /** Per-currency windows of the accounts that paid (received) in more than one currency. */
  private readonly paidIn = new Map<number, CurrencySeries[]>();
  private readonly receivedIn = new Map<number, CurrencySeries[]>();
  /** Settled amounts in a currency other than the account's first. */
  private readonly otherHistories = new Map<number, PayerHistory[]>();
  /** Balance totals of China years before an account's latest. */
  private readonly earlierYears = new Map<number, Map<number, number>>();
  /** Balance payments per person (pseudonym) and China year, over all their accounts. */
  private readonly personYearTotals = new Map<string, number>();
  private readonly confirmedFraud = new Set<string>();
  private readonly complained = new Set<string>();
  private multiPlatform = new Set<string>();
  /** The last observation and its records, so that settling it right after needs no lookup. */
  private lastObservation: Observation | undefined;
  private lastPayerRef = '';
  private lastPayeeRef = '';
  private lastPayer = 0;
  private lastPayee = 0;
  private lastGeneration = -1;
  /** What the reads ahead of use read (kept, so that they are not left out). */
  touched = 0;

  private currencyId(currency: string): number {
    if (currency === this.lastCurrency) return this.lastCurrencyId;
    let id = this.currencies.get(currency);
    if (id === undefined) {
      id = this.currencies.size + 1;
      this.currencies.set(currency, id);
    }
    this.lastCurrency = currency;
    this.lastCurrencyId = id;
    return id;
  }

  /** Give the series at `m[b]` a ring twice the size (the record's own to begin with), its entries from position 0. */
  private grow(m: Float64Array, b: number): void {
    const cap = m[b + S_CAP]!;
    if (cap === 0) {
      m[b + S_OFF] = -1;
      m[b + S_CAP] = RING_INLINE;
      m[b + S_START] = 0;
      return;
    }
    const size = cap * 2;
    const off = this.series.alloc(size);
    const d = this.series.data;
    const oldOff = m[b + S_OFF]!;
    const from = oldOff < 0 ? m : d;
    const o = oldOff < 0 ? b + S_RING : 2 * oldOff;
    const n = m[b + S_N]!;
    const start = m[b + S_START]!;
    for (let k = 0; k < n; k++) {
      const at = o + 2 * ((start + k) & (cap - 1));
      d[2 * (off + k)] = from[at]!;
      d[2 * (off + k) + 1] = from[at + 1]!;
    }
    if (oldOff >= 0) this.series.release(oldOff, cap);
    m[b + S_OFF] = off;
    m[b + S_CAP] = size;
    m[b + S_START] = 0;
  }

  /**
   * Series.add on the series at `m[b]`: the windows end at the latest time seen; a late arrival is
   * put in order and the windows counted again.
   */
  private add(m: Float64Array, b: number, at: number, amount: number): void {
    let n = m[b + S_N]!;
    if (n === m[b + S_CAP]) this.grow(m, b);
    const off = m[b + S_OFF]!;
    const d = off < 0 ? m : this.series.data;
    const o = off < 0 ? b + S_RING : 2 * off;
    const mask = m[b + S_CAP]! - 1;
    let start = m[b + S_START]!;
    let nh: number;
    let nm: number;
    let sumDay: number;
    let sumHour: number;
    if (n === 0 || d[o + 2 * ((start + n - 1) & mask)]! <= at) {
      const p = o + 2 * ((start + n) & mask);
      d[p] = at;
      d[p + 1] = amount;
      n++;
      nh = m[b + S_NH]! + 1;
      nm = m[b + S_NM]! + 1;
      sumDay = m[b + S_DAY]! + amount;
      sumHour = m[b + S_HOUR]! + amount;
    } else {
      let i = n;
      while (i > 0) {
        const from = o + 2 * ((start + i - 1) & mask);
        if (d[from]! <= at) break;
        const to = o + 2 * ((start + i) & mask);
        d[to] = d[from]!;
        d[to + 1] = d[from + 1]!;
        i--;
      }
      const p = o + 2 * ((start + i) & mask);
      d[p] = at;
      d[p + 1] = amount;
      n++;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += d[o + 2 * ((start + k) & mask) + 1]!;
      nh = nm = n;
      sumDay = sumHour = sum;
    }
    const last = d[o + 2 * ((start + n - 1) & mask)]!;
    while (nh > 0) {
      const p = o + 2 * ((start + n - nh) & mask);
      if (d[p]! > last - HOUR_MS) break;
      sumHour -= d[p + 1]!;
      nh--;
    }
    while (nm > 0 && d[o + 2 * ((start + n - nm) & mask)]! <= last - MINUTE_MS) nm--;
    while (n > 0) {
      const p = o + 2 * start;
      if (d[p]! > last - DAY_MS) break;
      sumDay -= d[p + 1]!;
      start = (start + 1) & mask;
      n--;
    }
    m[b + S_START] = start;
    m[b + S_N] = n;
    m[b + S_NH] = nh;
    m[b + S_NM] = nm;
    m[b + S_DAY] = sumDay;
    m[b + S_HOUR] = sumHour;
  }

  /** The series at `m[b]` as a Series object: an account's first currency once it uses a second. */
  private seriesObject(m: Float64Array, b: number): Series {
    const series = new Series();
    const off = m[b + S_OFF]!;
    const d = off < 0 ? m : this.series.data;
    const o = off < 0 ? b + S_RING : 2 * off;
    const mask = m[b + S_CAP]! - 1;
    const start = m[b + S_START]!;
    for (let k = 0; k < m[b + S_N]!; k++) {
      const p = o + 2 * ((start + k) & mask);
      series.add(d[p]!, d[p + 1]!);
    }
    return series;
  }

  /**
   * Count the payment in the windows of one side of an account (paid or received, `seriesAt`,
   * currency field `currencyAt`) and give the series whose sums are the payment's currency: the
   * account's own record while it has used one currency, else the general form.
   */
  private addSide(base: number, seriesAt: number, currencyAt: number, others: Map<number, CurrencySeries[]>, o: Observation): Series | undefined {
    const currency = this.currencyId(o.currency);
    let m = this.accountRecords.data;
    let known = m[base + currencyAt]!;
    if (known === 0) m[base + currencyAt] = known = currency;
    else if (known > 0 && known !== currency) {
      const first = [...this.currencies].find(([, id]) => id === known)![0];
      others.set(m[base + K_ID]!, [{ currency: first, series: this.seriesObject(m, base + seriesAt) }]);
      m[base + currencyAt] = known = -known;
    }
    this.add(m, base + seriesAt, o.atMs, o.amountMinor);
    m = this.accountRecords.data;
    if (known > 0) return undefined;
    const series = seriesIn(others.get(m[base + K_ID]!)!, o.currency);
    series.add(o.atMs, o.amountMinor);
    return series;
  }

  /** Whether the payer at `base` has settled a payment to the account whose id is `payee`. */
  private knows(base: number, payee: number): boolean {
    const m = this.accountRecords.data;
    const len = m[base + A_PAYEES_LEN]!;
    if (len === 0) return false;
    const off = m[base + A_PAYEES_OFF]!;
    const d = off < 0 ? m : this.payees.data;
    const o = off < 0 ? base + A_PAYEES_RING : off;
    const mask = m[base + A_PAYEES_CAP]! - 1;
    const start = m[base + A_PAYEES_START]!;
    for (let k = 0; k < len; k++) if (d[o + ((start + k) & mask)] === payee) return true;
    return false;
  }

  /** See {@link FeatureState.observe}. */
  observe(o: Observation): FeatureValues {
    const at = o.atMs;
    const records = this.accountRecords;
    const deviceRecords = this.deviceRecords;
    records.reserve(2);
    deviceRecords.reserve(1);
    // Memory, not arithmetic, is the cost over a million accounts: read the payer's, the payee's and
    // the device's records together, so that their cache misses overlap instead of following one
    // another, then everything they point to, together again.
    let touched = o.payerRef.charCodeAt(0) + o.payeeRef.charCodeAt(0) + (o.deviceRef === undefined ? 0 : o.deviceRef.charCodeAt(0));
    const payerHash = keyHash(o.payerRef);
    const payeeHash = o.payeeRef === o.payerRef ? payerHash : keyHash(o.payeeRef);
    const deviceHash = o.deviceRef === undefined ? -1 : keyHash(o.deviceRef);
    let m = records.data;
    const p0 = records.home(payerHash);
    const q0 = records.home(payeeHash);
    touched += m[p0]! + m[p0 + 8]! + m[p0 + 16]! + m[p0 + 24]! + m[p0 + 32]! + m[p0 + 40]! + m[q0]! + m[q0 + 48]! + m[q0 + 56]!;
    if (deviceHash >= 0) {
      const d0 = deviceRecords.home(deviceHash);
      const d1 = d0 + DEVICE_FIELDS;
      touched += deviceRecords.data[d0]! + deviceRecords.data[d0 + D_SERIES]! + deviceRecords.data[d0 + D_SERIES + S_RING]! + deviceRecords.data[d1 < deviceRecords.data.length ? d1 : 0]!;
    }
    // At half the slots used, a key is often one slot past its home: read that slot's first line too.
    const p1 = p0 + ACCOUNT_FIELDS;
    const q1 = q0 + ACCOUNT_FIELDS;
    touched += m[p1 < m.length ? p1 : 0]! + m[q1 < m.length ? q1 : 0]!;
    const payer = records.find(o.payerRef, payerHash);
    const payee = o.payeeRef === o.payerRef ? payer : records.find(o.payeeRef, payeeHash);
    const device = deviceHash >= 0 ? deviceRecords.find(o.deviceRef!, deviceHash) + D_SERIES : -1;
    m = records.data;
    const sd = this.series.data;
    const paidOff = m[payer + A_PAID + S_OFF]!;
    const receivedOff = m[payee + A_RECEIVED + S_OFF]!;
    const payeesOff = m[payer + A_PAYEES_OFF]!;
    touched += (paidOff >= 0 ? sd[2 * paidOff]! : 0) + (receivedOff >= 0 ? sd[2 * receivedOff]! : 0) + this.histories.data[2 * m[payer + A_HISTORY_OFF]!]! + (payeesOff >= 0 ? this.payees.data[payeesOff]! : 0);
    if (device >= 0 && deviceRecords.data[device + S_OFF]! >= 0) touched += sd[2 * deviceRecords.data[device + S_OFF]!]!;
    this.touched = touched;
    const paidOther = this.addSide(payer, A_PAID, A_PAID_CURRENCY, this.paidIn, o);
    const receivedOther = this.addSide(payee, A_RECEIVED, A_RECEIVED_CURRENCY, this.receivedIn, o);
    m = records.data;
    this.lastObservation = o;
    this.lastPayerRef = o.payerRef;
    this.lastPayeeRef = o.payeeRef;
    this.lastPayer = payer;
    this.lastPayee = payee;
    this.lastGeneration = records.generation;
    const p = payer + A_PAID;
    const q = payee + A_RECEIVED;
    const amountDay = paidOther === undefined ? m[p + S_DAY]! : paidOther.sumDay;
    let historySize = 0;
    let z: number | undefined;
    const historyCurrency = m[payer + A_HISTORY_CURRENCY]!;
    if (historyCurrency !== 0) {
      if (historyCurrency === this.currencyId(o.currency)) {
        historySize = m[payer + A_HISTORY_LEN]!;
        const divisor = m[payer + A_DIVISOR]!;
        if (divisor === divisor) z = round4((o.amountMinor - m[payer + A_MEDIAN]!) / divisor);
      } else {
        const list = this.otherHistories.get(m[payer + K_ID]!);
        let history: PayerHistory | undefined;
        if (list) for (let i = 0; i < list.length; i++) if (list[i]!.currency === o.currency) history = list[i];
        if (history) {
          historySize = history.amounts.length;
          z = history.z(o.amountMinor);
        }
      }
    }
    const confirmedFraud = this.confirmedFraud.size > 0 && this.confirmedFraud.has(o.payeeRef);
    const features: FeatureValues = {
      payer_payments_1m: m[p + S_NM]!,
      payer_payments_1h: m[p + S_NH]!,
      payer_payments_24h: m[p + S_N]!,
      payer_amount_1h: paidOther === undefined ? m[p + S_HOUR]! : paidOther.sumHour,
      payer_amount_24h: amountDay,
      payee_payments_1h: m[q + S_NH]!,
      payee_payments_24h: m[q + S_N]!,
      payee_amount_24h: receivedOther === undefined ? m[q + S_DAY]! : receivedOther.sumDay,
      first_payment_to_payee: !this.knows(payer, m[payee + K_ID]!),
      payer_history_size: historySize,
      hour_china: o.chinaHour,
      payee_confirmed_fraud: confirmedFraud,
      payee_on_watch_list: confirmedFraud || (this.complained.size > 0 && this.complained.has(o.payeeRef)),
    };
    if (z !== undefined) features.amount_robust_z = z;
    if (o.deviceRef !== undefined) {
      const devices = deviceRecords.data;
      this.add(devices, device, at, 1);
      features.device_payments_1h = devices[device + S_NH]!;
      features.device_payments_24h = devices[device + S_N]!;
    }
    if (o.currency === 'CNY') {
      features.payer_amount_24h_fen = amountDay;
      let yearTotal: number | undefined;
      if (o.payerPseudonym !== undefined) yearTotal = this.personYearTotals.get(`${o.payerPseudonym}|${o.chinaYear}`);
      else yearTotal = m[payer + A_YEAR] === o.chinaYear ? m[payer + A_YEAR_TOTAL] : this.earlierYears.get(m[payer + K_ID]!)?.get(o.chinaYear);
      features.payer_balance_paid_year_fen = (yearTotal ?? 0) + o.balanceFen;
      features.payer_balance_paid_since_opening_fen = m[payer + A_OPENING]! + o.balanceFen;
    }
    if (o.payerPseudonym !== undefined) features.payer_multi_platform_borrower = this.multiPlatform.has(o.payerPseudonym);
    return features;
  }

  /** Keep a settled amount in the payer's inline history (the newest HISTORY_SIZE) and work out its scale. */
  private remember(base: number, amount: number): void {
    let m = this.accountRecords.data;
    let len = m[base + A_HISTORY_LEN]!;
    let cap = m[base + A_HISTORY_CAP]!;
    let start = m[base + A_HISTORY_START]!;
    let off = m[base + A_HISTORY_OFF]!;
    let d = this.histories.data;
    if (len === HISTORY_SIZE) {
      // Forget the oldest: out of the arrival ring, and out of the sorted run.
      const oldest = d[2 * (off + start)]!;
      start = (start + 1) & (cap - 1);
      let j = 0;
      while (d[2 * (off + j) + 1] !== oldest) j++;
      for (; j < len - 1; j++) d[2 * (off + j) + 1] = d[2 * (off + j + 1) + 1]!;
      len--;
    }
    if (len === cap) {
      const size = cap === 0 ? 8 : cap * 2;
      const next = this.histories.alloc(size);
      d = this.histories.data;
      for (let k = 0; k < len; k++) {
        d[2 * (next + k)] = d[2 * (off + ((start + k) & (cap - 1)))]!;
        d[2 * (next + k) + 1] = d[2 * (off + k) + 1]!;
      }
      if (cap > 0) this.histories.release(off, cap);
      off = next;
      cap = size;
      start = 0;
    }
    d[2 * (off + ((start + len) & (cap - 1)))] = amount;
    let j = len;
    while (j > 0 && d[2 * (off + j - 1) + 1]! > amount) {
      d[2 * (off + j) + 1] = d[2 * (off + j - 1) + 1]!;
      j--;
    }
    d[2 * (off + j) + 1] = amount;
    len++;
    scaleOfSorted(d, 2 * off + 1, len, this.scale);
    m = this.accountRecords.data;
    m[base + A_HISTORY_LEN] = len;
    m[base + A_HISTORY_CAP] = cap;
    m[base + A_HISTORY_START] = start;
    m[base + A_HISTORY_OFF] = off;
    m[base + A_MEDIAN] = this.scale[0]!;
    m[base + A_DIVISOR] = this.scale[1]!;
  }

  /** Add a payee to what the payer knows, the oldest forgotten past PAYEES_KEPT. */
  private learn(base: number, payee: number): void {
    if (this.knows(base, payee)) return;
    const m = this.accountRecords.data;
    let len = m[base + A_PAYEES_LEN]!;
    let cap = m[base + A_PAYEES_CAP]!;
    let start = m[base + A_PAYEES_START]!;
    let off = m[base + A_PAYEES_OFF]!;
    if (cap === 0) {
      // The first payees go in the record's own ring.
      off = -1;
      cap = PAYEES_INLINE;
      start = 0;
    } else if (len === cap) {
      const size = cap * 2;
      const next = this.payees.alloc(size);
      const d = this.payees.data;
      const from = off < 0 ? m : d;
      const o = off < 0 ? base + A_PAYEES_RING : off;
      for (let k = 0; k < len; k++) d[next + k] = from[o + ((start + k) & (cap - 1))]!;
      if (off >= 0) this.payees.release(off, cap);
      off = next;
      cap = size;
      start = 0;
    }
    if (off < 0) m[base + A_PAYEES_RING + ((start + len) & (cap - 1))] = payee;
    else this.payees.data[off + ((start + len) & (cap - 1))] = payee;
    len++;
    if (len > PAYEES_KEPT) {
      start = (start + 1) & (cap - 1);
      len--;
    }
    m[base + A_PAYEES_LEN] = len;
    m[base + A_PAYEES_CAP] = cap;
    m[base + A_PAYEES_START] = start;
    m[base + A_PAYEES_OFF] = off;
  }

  /** See {@link FeatureState.settle}. */
  settle(o: Observation): void {
    const records = this.accountRecords;
    const same = o === this.lastObservation && o.payerRef === this.lastPayerRef && o.payeeRef === this.lastPayeeRef && records.generation === this.lastGeneration;
    let payer = this.lastPayer;
    let payee = this.lastPayee;
    if (!same) {
      records.reserve(2);
      payer = records.find(o.payerRef, keyHash(o.payerRef));
      payee = o.payeeRef === o.payerRef ? payer : records.find(o.payeeRef, keyHash(o.payeeRef));
    }
    const currency = this.currencyId(o.currency);
    const m = this.accountRecords.data;
    let historyCurrency = m[payer + A_HISTORY_CURRENCY]!;
    if (historyCurrency === 0) m[payer + A_HISTORY_CURRENCY] = historyCurrency = currency;
    if (historyCurrency === currency) this.remember(payer, o.amountMinor);
    else {
      let list = this.otherHistories.get(m[payer + K_ID]!);
      if (!list) this.otherHistories.set(m[payer + K_ID]!, (list = []));
      let history: PayerHistory | undefined;
      for (let i = 0; i < list.length; i++) if (list[i]!.currency === o.currency) history = list[i];
      if (!history) list.push((history = new PayerHistory(o.currency)));
      history.push(o.amountMinor);
    }
    this.learn(payer, this.accountRecords.data[payee + K_ID]!);
    if (o.balanceFen > 0) {
      const a = this.accountRecords.data;
      if (o.payerPseudonym !== undefined) {
        const yearKey = `${o.payerPseudonym}|${o.chinaYear}`;
        this.personYearTotals.set(yearKey, (this.personYearTotals.get(yearKey) ?? 0) + o.balanceFen);
      } else if (a[payer + A_YEAR] === o.chinaYear) a[payer + A_YEAR_TOTAL] = a[payer + A_YEAR_TOTAL]! + o.balanceFen;
      else if (a[payer + A_YEAR] === 0) {
        a[payer + A_YEAR] = o.chinaYear;
        a[payer + A_YEAR_TOTAL] = o.balanceFen;
      } else {
        let years = this.earlierYears.get(a[payer + K_ID]!);
        if (!years) this.earlierYears.set(a[payer + K_ID]!, (years = new Map()));
        if (o.chinaYear > a[payer + A_YEAR]!) {
          // A new latest year: the one inline joins the earlier ones.
          years.set(a[payer + A_YEAR]!, a[payer + A_YEAR_TOTAL]!);
          a[payer + A_YEAR] = o.chinaYear;
          a[payer + A_YEAR_TOTAL] = (years.get(o.chinaYear) ?? 0) + o.balanceFen;
          years.delete(o.chinaYear);
        } else years.set(o.chinaYear, (years.get(o.chinaYear) ?? 0) + o.balanceFen);
      }
      a[payer + A_OPENING] = a[payer + A_OPENING]! + o.balanceFen;
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
