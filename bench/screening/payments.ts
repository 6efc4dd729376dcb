/**
 * The screening benchmark's population and payments: `accounts` payment accounts, each with its
 * own device, account class and a few usual payees drawn from the same population; a warm history
 * of past payments per account; and a stream of new payments, most of them ordinary and a few
 * percent risky (bursts from one account, a large first payment to a new payee, a large payment at
 * night). Deterministic for a seed.
 */
import type { Observation } from '../../src/screening/features.js';
import type { ScreeningRecord } from '../../src/screening/engine.js';

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** A small fast PRNG (mulberry32): the same stream for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const accountOf = (i: number): string => `62${String(i).padStart(14, '0')}`;
export const deviceOf = (i: number): string => `dev-${(i * 2654435761) >>> 0}`;
/** One account in ten is class I, three in ten class II, the rest class III. */
export const classOf = (i: number): 'I' | 'II' | 'III' => (i % 10 === 0 ? 'I' : i % 10 <= 3 ? 'II' : 'III');
/** The j-th usual payee of account i (three of them), another account of the population. */
export const usualPayee = (i: number, j: number, accounts: number): number => (i * 7 + j * 104_729 + 1) % accounts;

/**
 * An ordinary amount in fen for account i: each account has its usual scale (from about 10 to
 * about 2,000 yuan) and pays around it, rarely more than twice or less than half of it.
 */
function ordinaryAmount(random: () => number, i: number): number {
  const scale = 7 + 3 * ((i * 0.6180339887) % 1);
  const u = random() + random() + random() - 1.5;
  return Math.max(100, Math.round(Math.exp(scale + 0.4 * u) / 10) * 10);
}

/** A payment as it goes over HTTP (Fenghuo's JSON form), with the population index of its payer. */
export interface BenchPayment {
  paymentId: string;
  initiatedAt: string;
  amount: string;
  currency: 'CNY';
  payer: { account: string; verificationClass: 'I' | 'II' | 'III' };
  payee: { account: string };
  device: string;
  fundingSource: 'balance' | 'bank_card' | 'other';
}

export type RiskKind = 'ordinary' | 'burst' | 'new_payee_large' | 'night';

export interface GeneratedPayment {
  kind: RiskKind;
  payer: number;
  /** The payee's index in the population, or -1 for an account outside it. */
  payee: number;
  payeeAccount: string;
  amountFen: number;
  atMs: number;
  fundingSource: 'balance' | 'bank_card' | 'other';
}

const payeeOf = (index: number): { payee: number; payeeAccount: string } => ({ payee: index, payeeAccount: accountOf(index) });

function fundingOf(random: () => number): 'balance' | 'bank_card' | 'other' {
  const r = random();
  return r < 0.3 ? 'balance' : r < 0.9 ? 'bank_card' : 'other';
}

/** China-time hour 2 of the day of `atMs`. */
export function nightOf(atMs: number): number {
  const day = Math.floor((atMs + CHINA_OFFSET_MS) / 86_400_000) * 86_400_000 - CHINA_OFFSET_MS;
  return day + 2 * 3_600_000 + (atMs % 3_600_000);
}

/**
 * `count` new payments from `startMs`, `perSecond` of them a second. About 2% start a burst of 8
 * payments from one account inside a minute, 1.5% are a large first payment to a new payee, 1% a
 * large payment at night.
 */
export function* paymentStream(options: { accounts: number; count: number; startMs: number; perSecond: number; seed: number }): Generator<GeneratedPayment> {
  const random = prng(options.seed);
  const { accounts } = options;
  let burst: { payer: number; left: number } | undefined;
  let fresh = 0;
  for (let n = 0; n < options.count; n++) {
    const atMs = options.startMs + Math.floor((n * 1000) / options.perSecond);
    if (burst && burst.left > 0) {
      burst.left--;
      yield { kind: 'burst', payer: burst.payer, ...payeeOf(usualPayee(burst.payer, burst.left % 3, accounts)), amountFen: ordinaryAmount(random, burst.payer), atMs, fundingSource: 'bank_card' };
      continue;
    }
    const payer = Math.floor(random() * accounts);
    const r = random();
    if (r < 0.02 / 8) {
      burst = { payer, left: 7 };
      yield { kind: 'burst', payer, ...payeeOf(usualPayee(payer, 0, accounts)), amountFen: ordinaryAmount(random, payer), atMs, fundingSource: 'bank_card' };
    } else if (r < 0.0025 + 0.015) {
      yield { kind: 'new_payee_large', payer, payee: -1, payeeAccount: `99${String(options.seed).padStart(4, '0')}${String(fresh++).padStart(10, '0')}`, amountFen: 500_000 + Math.floor(random() * 50) * 100_000, atMs, fundingSource: 'bank_card' };
    } else if (r < 0.0175 + 0.01) {
      yield { kind: 'night', payer, ...payeeOf(usualPayee(payer, 1, accounts)), amountFen: 200_000 + Math.floor(random() * 20) * 10_000, atMs: nightOf(atMs), fundingSource: 'bank_card' };
    } else {
      yield { kind: 'ordinary', payer, ...payeeOf(usualPayee(payer, Math.floor(random() * 3), accounts)), amountFen: ordinaryAmount(random, payer), atMs, fundingSource: fundingOf(random) };
    }
  }
}

/**
 * The warm history: `perAccount` past payments of every account to its usual payees, spread over
 * the `days` before `endMs`, oldest first overall (as they would have arrived).
 */
export function* historyStream(options: { accounts: number; perAccount: number; days: number; endMs: number; seed: number }): Generator<GeneratedPayment> {
  const random = prng(options.seed);
  const span = options.days * 86_400_000;
  for (let k = 0; k < options.perAccount; k++) {
    const sliceStart = options.endMs - span + (k * span) / options.perAccount;
    for (let i = 0; i < options.accounts; i++) {
      const atMs = Math.floor(sliceStart + (i * (span / options.perAccount)) / options.accounts);
      yield { kind: 'ordinary', payer: i, ...payeeOf(usualPayee(i, k % 3, options.accounts)), amountFen: ordinaryAmount(random, i), atMs, fundingSource: random() < 0.3 ? 'balance' : 'bank_card' };
    }
  }
}

/** The HTTP body of a generated payment. */
export function bodyOf(p: GeneratedPayment, id: string): BenchPayment {
  return {
    paymentId: id,
    initiatedAt: new Date(p.atMs).toISOString(),
    amount: (p.amountFen / 100).toFixed(2),
    currency: 'CNY',
    payer: { account: accountOf(p.payer), verificationClass: classOf(p.payer) },
    payee: { account: p.payeeAccount },
    device: deviceOf(p.payer),
    fundingSource: p.fundingSource,
  };
}

/** References as the service makes them (the first 128 bits of the account's or device's pseudonym). */
export type RefOf = (kind: 'account' | 'device', value: string) => string;

/** Every account's and device's reference, worked out once (an HMAC each). */
export class RefTable {
  readonly accounts: string[];
  readonly devices: string[];
  constructor(
    private readonly refOf: RefOf,
    size: number,
  ) {
    this.accounts = new Array<string>(size);
    this.devices = new Array<string>(size);
    for (let i = 0; i < size; i++) {
      this.accounts[i] = refOf('account', accountOf(i));
      this.devices[i] = refOf('device', deviceOf(i));
    }
  }
  payee(p: GeneratedPayment): string {
    return p.payee >= 0 ? this.accounts[p.payee]! : this.refOf('account', p.payeeAccount);
  }
}

/** The observation and record of a generated payment, as ScreeningService.screen builds them. */
export function observationOf(p: GeneratedPayment, refs: RefTable): { observation: Observation; record: ScreeningRecord } {
  const shifted = new Date(p.atMs + CHINA_OFFSET_MS);
  const observation: Observation = {
    payerRef: refs.accounts[p.payer]!,
    payeeRef: refs.payee(p),
    deviceRef: refs.devices[p.payer]!,
    payerPseudonym: undefined,
    currency: 'CNY',
    amountMinor: p.amountFen,
    balanceFen: p.fundingSource === 'balance' ? p.amountFen : 0,
    atMs: p.atMs,
    chinaYear: shifted.getUTCFullYear(),
    chinaHour: shifted.getUTCHours(),
  };
  const record: ScreeningRecord = { currency: 'CNY', amount_minor: p.amountFen, amount_fen: p.amountFen, funding_source: p.fundingSource, verification_class: classOf(p.payer) };
  return { observation, record };
}
