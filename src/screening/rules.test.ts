import { describe, expect, it } from 'vitest';
import { readRuleFiles } from '../rulebook/files.js';
import { celParameters, compileRule } from '../rulebook/compile.js';
import type { ResolvedRule, RuleDefinition } from '../rulebook/rule.js';
import type { ExecutableRule } from '../rulebook/rulebook.service.js';
import { decide, ScreeningRuleSet, type ScreeningRecord } from './engine.js';
import type { FeatureValues } from './features.js';

const definitions = (await readRuleFiles()).flatMap((file) => (file.kind === 'rule' && file.definition.pack === 'screening' ? [file.definition] : []));

function executable(definition: RuleDefinition): ExecutableRule {
  const values = Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, def.value]));
  const rule: ResolvedRule = {
    id: definition.id,
    version: `${definition.version}@000000`,
    jurisdiction: '000000',
    definition,
    parameters: Object.entries(definition.parameters).map(([name, def]) => ({ ...def, name, setBy: '000000', tiers: [] })),
    effectiveFrom: definition.effective.from,
    effectiveTo: null,
  };
  return { rule, compiled: compileRule(definition), params: celParameters(definition, values), values };
}

const rules = new ScreeningRuleSet(definitions.map(executable));
const thresholds = { confirm: 30, review: 60, block: 90 };

/** An ordinary CNY payment: nothing fires on it. */
const quiet: FeatureValues = {
  payer_payments_1m: 1,
  payer_payments_1h: 1,
  payer_payments_24h: 1,
  payer_amount_1h: 10_000,
  payer_amount_24h: 10_000,
  payer_amount_24h_fen: 10_000,
  payee_payments_1h: 1,
  payee_payments_24h: 1,
  payee_amount_24h: 10_000,
  first_payment_to_payee: false,
  payer_history_size: 10,
  amount_robust_z: 0.2,
  hour_china: 10,
  payer_balance_paid_year_fen: 10_000,
  payer_balance_paid_since_opening_fen: 10_000,
  payee_on_watch_list: false,
  payee_confirmed_fraud: false,
};
const record = (overrides: Partial<ScreeningRecord> = {}): ScreeningRecord => ({ currency: 'CNY', amount_minor: 10_000, amount_fen: 10_000, funding_source: 'bank_card', ...overrides });
const fired = (features: Partial<FeatureValues>, overrides: Partial<ScreeningRecord> = {}) => {
  const verdict = rules.screen(record(overrides), { ...quiet, ...features } as FeatureValues, thresholds);
  expect(verdict.faults).toEqual([]);
  return verdict.reasons.map((r) => r.ruleId);
};

describe('the national screening rules, on both sides of each boundary', () => {
  it('loads thirteen rules, each with a weight', () => {
    expect(definitions).toHaveLength(13);
    expect(rules.size).toBe(13);
    expect(fired({})).toEqual([]);
  });

  it('blocks a balance payment over its PBOC 43 class limit: strictly above fires, the limit itself does not', () => {
    const balance = { funding_source: 'balance' };
    expect(fired({ payer_balance_paid_since_opening_fen: 100_000 }, { ...balance, verification_class: 'I' })).toEqual([]);
    expect(fired({ payer_balance_paid_since_opening_fen: 100_001 }, { ...balance, verification_class: 'I' })).toEqual(['CN-SCREEN-CLASS-I-LIMIT']);
    expect(fired({ payer_balance_paid_year_fen: 10_000_000 }, { ...balance, verification_class: 'II' })).toEqual([]);
    expect(fired({ payer_balance_paid_year_fen: 10_000_001 }, { ...balance, verification_class: 'II' })).toEqual(['CN-SCREEN-CLASS-II-LIMIT']);
    expect(fired({ payer_balance_paid_year_fen: 20_000_000 }, { ...balance, verification_class: 'III' })).toEqual([]);
    expect(fired({ payer_balance_paid_year_fen: 20_000_001 }, { ...balance, verification_class: 'III' })).toEqual(['CN-SCREEN-CLASS-III-LIMIT']);
    // A bank-card payment is not a balance payment; a class II account is not held to the class I limit.
    expect(fired({ payer_balance_paid_since_opening_fen: 100_001 }, { verification_class: 'I' })).toEqual([]);
    expect(fired({ payer_balance_paid_since_opening_fen: 100_001, payer_balance_paid_year_fen: 100_001 }, { ...balance, verification_class: 'II' })).toEqual([]);
    const verdict = rules.screen(record({ ...balance, verification_class: 'II' }), { ...quiet, payer_balance_paid_year_fen: 10_000_001 }, thresholds);
    expect(verdict).toMatchObject({ score: 100, decision: 'block' });
  });

  it('counts bursts per payer, per device and per payee above their limits, not at them', () => {
    expect(fired({ payer_payments_1m: 5 })).toEqual([]);
    expect(fired({ payer_payments_1m: 6 })).toEqual(['CN-SCREEN-PAYER-BURST']);
    expect(fired({ payer_payments_1h: 20 })).toEqual([]);
    expect(fired({ payer_payments_1h: 21 })).toEqual(['CN-SCREEN-PAYER-HOURLY']);
    expect(fired({ device_payments_1h: 30 })).toEqual([]);
    expect(fired({ device_payments_1h: 31 })).toEqual(['CN-SCREEN-DEVICE-BURST']);
    expect(fired({ payee_payments_1h: 50 })).toEqual([]);
    expect(fired({ payee_payments_1h: 51 })).toEqual(['CN-SCREEN-PAYEE-FAN-IN']);
    expect(fired({ payer_amount_24h_fen: 5_000_000 })).toEqual([]);
    expect(fired({ payer_amount_24h_fen: 5_000_001 })).toEqual(['CN-SCREEN-PAYER-DAILY-SUM']);
  });

  it('asks about a large first payment from ¥5,000.00, in CNY only', () => {
    expect(fired({ first_payment_to_payee: true }, { amount_minor: 499_999, amount_fen: 499_999 })).toEqual([]);
    expect(fired({ first_payment_to_payee: true }, { amount_minor: 500_000, amount_fen: 500_000 })).toEqual(['CN-SCREEN-NEW-PAYEE-LARGE']);
    expect(fired({ first_payment_to_payee: false }, { amount_minor: 500_000, amount_fen: 500_000 })).toEqual([]);
    expect(fired({ first_payment_to_payee: true, payer_amount_24h_fen: undefined } as Partial<FeatureValues>, { currency: 'USD', amount_minor: 900_000, amount_fen: undefined })).toEqual([]);
  });

  it('flags an amount with a robust z above 3.5 once five earlier payments are known', () => {
    expect(fired({ amount_robust_z: 3.5 })).toEqual([]);
    expect(fired({ amount_robust_z: 3.5001 })).toEqual(['CN-SCREEN-AMOUNT-OUTLIER']);
    expect(fired({ amount_robust_z: 9, payer_history_size: 4 })).toEqual([]);
  });

  it('treats 00:00–05:59 China time as night: 06:00 is day, a fen under ¥2,000.00 is not large', () => {
    const large = { amount_minor: 200_000, amount_fen: 200_000 };
    expect(fired({ hour_china: 0 }, large)).toEqual(['CN-SCREEN-NIGHT-LARGE']);
    expect(fired({ hour_china: 5 }, large)).toEqual(['CN-SCREEN-NIGHT-LARGE']);
    expect(fired({ hour_china: 6 }, large)).toEqual([]);
    expect(fired({ hour_china: 23 }, large)).toEqual([]);
    expect(fired({ hour_china: 3 }, { amount_minor: 199_999, amount_fen: 199_999 })).toEqual([]);
  });

  it('blocks a payee on the watch list, and notes a multi-platform borrower paying someone new', () => {
    expect(rules.screen(record(), { ...quiet, payee_on_watch_list: true }, thresholds)).toMatchObject({ score: 100, decision: 'block' });
    expect(fired({ payer_multi_platform_borrower: true, first_payment_to_payee: true })).toEqual(['CN-SCREEN-BORROWER-NEW-PAYEE']);
    expect(fired({ payer_multi_platform_borrower: true, first_payment_to_payee: false })).toEqual([]);
    expect(fired({ first_payment_to_payee: true })).toEqual([]);
  });

  it('explains a hit with the values that fired it, money in yuan', () => {
    const verdict = rules.screen(record({ amount_minor: 800_000, amount_fen: 800_000 }), { ...quiet, first_payment_to_payee: true }, thresholds);
    expect(verdict).toMatchObject({ score: 40, decision: 'confirm' });
    expect(verdict.reasons[0]!.facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'amount_fen', kind: 'field', value: 800_000 }),
        expect.objectContaining({ name: 'first_payment_to_payee', kind: 'feature', value: true }),
        expect.objectContaining({ name: 'min_amount_fen', kind: 'parameter', value: 500_000 }),
      ]),
    );
  });
});

describe('thresholds', () => {
  it('reach a level at its threshold, not a point below', () => {
    expect(decide(29, thresholds)).toBe('allow');
    expect(decide(30, thresholds)).toBe('confirm');
    expect(decide(59, thresholds)).toBe('confirm');
    expect(decide(60, thresholds)).toBe('review');
    expect(decide(89, thresholds)).toBe('review');
    expect(decide(90, thresholds)).toBe('block');
    expect(decide(100, { confirm: 100, review: 100, block: 100 })).toBe('block');
  });

  it('cap the score at 100 however many rules fire', () => {
    const verdict = rules.screen(record({ funding_source: 'balance', verification_class: 'I', amount_minor: 800_000, amount_fen: 800_000 }), { ...quiet, payee_on_watch_list: true, payer_balance_paid_since_opening_fen: 900_000, first_payment_to_payee: true, payer_payments_1m: 9 }, thresholds);
    expect(verdict.reasons.length).toBeGreaterThanOrEqual(4);
    expect(verdict.score).toBe(100);
  });
});
