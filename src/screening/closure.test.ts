/**
 * The screening rules' conditions as plain functions (CompiledRule.plain) answer as the CEL
 * interpreter does: on random payments and features — any feature absent or present, values near
 * each rule's thresholds, random parameter values — the same hit, the same miss, or an error in
 * both. And a whole ScreeningRuleSet decides the same with the plain functions as without them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRule, celParameters, type CompiledRule } from '../rulebook/compile.js';
import { readRuleFiles } from '../rulebook/files.js';
import { screeningFeatureCatalogue, screeningFeatureDef } from '../rulebook/features.js';
import type { RuleDefinition } from '../rulebook/rule.js';
import type { ExecutableRule } from '../rulebook/rulebook.service.js';
import { celValue } from '../rulebook/compile.js';
import { NEEDS_INTERPRETER } from '../rulebook/closure.js';
import { ScreeningRuleSet, type ScreeningRecord } from './engine.js';
import type { FeatureValues } from './features.js';

const definitions: RuleDefinition[] = (await readRuleFiles()).flatMap((file) => (file.kind === 'rule' && file.definition.pack === 'screening' ? [file.definition] : []));

/** Numbers around the thresholds the rules use, and some far from them. */
const count = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30_000_000 }));
const featureValue = (type: string): fc.Arbitrary<number | boolean> => {
  if (type === 'boolean') return fc.boolean();
  if (type === 'decimal') return fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(3.5, 3.4999, 3.5001, 0, -0));
  if (type === 'integer') return fc.oneof(count, fc.integer({ min: 0, max: 23 }));
  return fc.oneof(count, fc.constantFrom(100_000, 100_001, 10_000_000, 10_000_001, 20_000_000, 20_000_001, 5_000_000, 5_000_001, 500_000, 499_999, 200_000));
};

/** Every feature of the catalogue, each present or absent. */
const features: fc.Arbitrary<FeatureValues> = fc.record(Object.fromEntries(screeningFeatureCatalogue.map((f) => [f.name, featureValue(f.type)])), { requiredKeys: [] }) as fc.Arbitrary<FeatureValues>;

const record: fc.Arbitrary<ScreeningRecord> = fc
  .record(
    {
      currency: fc.constantFrom('CNY', 'USD', 'JPY'),
      amount_minor: count,
      funding_source: fc.constantFrom('balance', 'bank_card', 'other'),
      verification_class: fc.constantFrom('I', 'II', 'III', 'IV'),
      purpose: fc.constantFrom('MP2P', 'SALA'),
      withFen: fc.boolean(),
    },
    { requiredKeys: ['currency', 'amount_minor', 'funding_source', 'withFen'] },
  )
  .map(({ withFen, ...r }) => ({ ...r, ...(withFen ? { amount_fen: r.amount_minor } : {}) }) as ScreeningRecord);

/** A random value for each parameter, within its bounds, or its default. */
function parameters(definition: RuleDefinition): fc.Arbitrary<Record<string, number | string | boolean>> {
  return fc.record(
    Object.fromEntries(
      Object.entries(definition.parameters).map(([name, def]) => {
        const value = def.value as number;
        if (def.type === 'decimal' || def.type === 'rate') return [name, fc.oneof(fc.constant(value), fc.double({ min: def.min ?? 0, max: def.max ?? 10, noNaN: true }))];
        return [name, fc.oneof(fc.constant(value), fc.integer({ min: def.min ?? 0, max: def.max ?? 30_000_000 }))];
      }),
    ),
  );
}

/** What the interpreter says, on CEL-typed values as the engine gives them. */
function interpreted(compiled: CompiledRule, r: ScreeningRecord, f: FeatureValues, params: Record<string, unknown>): boolean | 'error' {
  const celRecord: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(r)) if (value !== undefined) celRecord[name] = celValue(typeof value === 'number' ? 'int' : 'string', value);
  const celFeatures: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(f)) {
    const def = screeningFeatureDef(name);
    celFeatures[name] = def && (def.type === 'integer' || def.type === 'money_fen') ? BigInt(value as number) : value;
  }
  try {
    return compiled.fires({ record: celRecord, features: celFeatures }, celParameters(compiled.definition, params as never));
  } catch {
    return 'error';
  }
}

function plainly(compiled: CompiledRule, r: ScreeningRecord, f: FeatureValues, params: Record<string, unknown>): boolean | 'error' | 'interpreter' {
  try {
    return compiled.plain!(r as unknown as Record<string, unknown>, f, params);
  } catch (error) {
    return error === NEEDS_INTERPRETER ? 'interpreter' : 'error';
  }
}

describe('screening conditions as plain functions', () => {
  it('finds the 13 national screening rules, each with a plain function', () => {
    expect(definitions.length).toBe(13);
    for (const definition of definitions) expect(compileRule(definition).plain, definition.id).toBeDefined();
  });

  for (const definition of definitions) {
    it(`${definition.id}: the plain function and the CEL interpreter agree`, () => {
      const compiled = compileRule(definition);
      fc.assert(
        fc.property(record, features, parameters(definition), (r, f, params) => {
          // Within these ranges a plain number always holds the answer: the interpreter is never needed.
          expect(plainly(compiled, r, f, params)).toBe(interpreted(compiled, r, f, params));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('falls back to the interpreter for what it does not cover, and agrees on the rest', () => {
    const base = definitions.find((d) => d.id === 'CN-SCREEN-PAYER-BURST')!;
    const cases: [string, boolean][] = [
      ['features.payer_payments_1m * 2 > params.max_per_minute', false],
      ["record.currency.startsWith('C') && features.payer_payments_1m > params.max_per_minute", false],
      ['size(record.currency) > 2', false],
      ['features.payer_payments_1m + 1 > params.max_per_minute', true],
      ["record.currency > 'CNY' || record.funding_source <= 'balance'", true],
      ['features.payer_amount_24h_fen - record.amount_minor >= params.max_per_minute', true],
      ["record.currency in ['CNY', 'USD'] && !(features.payer_payments_1m <= params.max_per_minute)", true],
      ['has(features.device_payments_1h) ? features.device_payments_1h > params.max_per_minute : features.payer_payments_1m > params.max_per_minute', true],
      ['features.payer_payments_1m > params.max_per_minute || features.payer_amount_24h_fen > 5', true],
    ];
    for (const [condition, covered] of cases) {
      const compiled = compileRule({ ...base, condition });
      expect(compiled.plain !== undefined, condition).toBe(covered);
      if (!compiled.plain) continue;
      fc.assert(
        fc.property(record, features, (r, f) => {
          expect(plainly(compiled, r, f, { max_per_minute: 5 })).toBe(interpreted(compiled, r, f, { max_per_minute: 5 }));
        }),
        { numRuns: 2000 },
      );
    }
  });

  it('decides the same with the plain functions as with the interpreter alone', () => {
    const executables: ExecutableRule[] = definitions.map((definition) => {
      const compiled = compileRule(definition);
      const values = Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, def.value]));
      return { rule: { id: definition.id, version: '1@000000', jurisdiction: '000000', definition, parameters: [], effectiveFrom: '2024-01-01', effectiveTo: null }, compiled, params: celParameters(definition, values), values } as ExecutableRule;
    });
    const fast = new ScreeningRuleSet(executables);
    const slow = new ScreeningRuleSet(executables.map((e) => ({ ...e, compiled: { ...e.compiled, plain: undefined, fires: e.compiled.fires, derive: e.compiled.derive } })));
    const thresholds = { confirm: 30, review: 60, block: 90 };
    fc.assert(
      fc.property(record, features, (r, f) => {
        const a = fast.screen(r, f, thresholds);
        const b = slow.screen(r, f, thresholds);
        expect({ score: a.score, decision: a.decision, rules: a.reasons.map((x) => x.ruleId), faults: a.faults.map((x) => x.ruleId) }).toEqual({ score: b.score, decision: b.decision, rules: b.reasons.map((x) => x.ruleId), faults: b.faults.map((x) => x.ruleId) });
      }),
      { numRuns: 3000 },
    );
  });
});
