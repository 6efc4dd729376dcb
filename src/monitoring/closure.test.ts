/**
 * The national conduct rules' conditions as plain functions (CompiledRule.plain) answer as the CEL
 * interpreter does, on random records and features: every field and feature a rule reads absent or
 * present, numbers near the thresholds and near 2^53, dates on both sides of the rules' cut-off
 * days, the codes the conditions name and arbitrary text. Where plain numbers cannot hold the
 * exact answer the function says so (NEEDS_INTERPRETER), and the engine asks the interpreter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { celParameters, celTypeOfValue, celValue, compileRule, conditionFields, plainParameters, type CompiledRule } from '../rulebook/compile.js';
import { NEEDS_INTERPRETER, type CelType } from '../rulebook/closure.js';
import { featureDef } from '../rulebook/features.js';
import { readRuleFiles } from '../rulebook/files.js';
import type { ParameterValue, RuleDefinition } from '../rulebook/rule.js';
import type { RecordType } from '../standard/standard.js';

const definitions: RuleDefinition[] = (await readRuleFiles()).flatMap((file) => (file.kind === 'rule' && file.definition.pack === 'conduct' ? [file.definition] : []));

const BIG = Number.MAX_SAFE_INTEGER;
const int = fc.oneof(
  fc.integer({ min: 0, max: 60 }),
  fc.integer({ min: -1_000, max: 30_000_000 }),
  fc.constantFrom(200_000_00, 200_000_01, 100_000_000, 100_000_001, 500_000_000, 500_000_001, 0, 1, 3, 4, 22, 8),
  // Near 2^53: a sum or difference there needs the interpreter.
  fc.integer({ min: BIG - 10, max: BIG }),
  fc.integer({ min: -BIG, max: -BIG + 10 }),
);
const double = fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.constantFrom(0.24, 0.2400000001, 0.36, 0.154, 0.0385, 0.0345, 0, -0));
const day = fc.oneof(
  fc.constantFrom('2020-08-19', '2020-08-20', '2020-08-21', '2015-01-01', '2024-05-01'),
  fc.date({ min: new Date('2010-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);

/** Values of one CEL type; for strings, the literals the condition names, days, and any text. */
function valueOf(type: CelType, literals: readonly string[]): fc.Arbitrary<unknown> {
  switch (type) {
    case 'int':
      return int;
    case 'double':
      return double;
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.oneof(...(literals.length > 0 ? [fc.constantFrom(...literals)] : []), day, fc.string(), fc.string({ unit: 'grapheme' }));
  }
}

/** The names a condition reads as `record.x` and `features.x`. */
function reads(condition: string, prefix: 'record' | 'features'): string[] {
  return [...new Set([...condition.matchAll(new RegExp(`\\b${prefix}\\.([a-z0-9_]+)`, 'g'))].map((m) => m[1]!))];
}

/** A random value for each parameter: its default, or another within its bounds. */
function parameters(definition: RuleDefinition): fc.Arbitrary<Record<string, ParameterValue>> {
  return fc.record(
    Object.fromEntries(
      Object.entries(definition.parameters).map(([name, def]) => {
        const value = def.value;
        switch (def.type) {
          case 'rate':
          case 'decimal':
            return [name, fc.oneof(fc.constant(value), fc.double({ min: def.min ?? 0, max: def.max ?? 10, noNaN: true }))];
          case 'date':
            return [name, fc.oneof(fc.constant(value), day)];
          case 'code':
            return [name, fc.constantFrom(...(def.codes ?? [value as string]))];
          case 'boolean':
            return [name, fc.boolean()];
          default:
            return [name, fc.oneof(fc.constant(value), fc.integer({ min: def.min ?? 0, max: def.max ?? 30_000_000 }))];
        }
      }),
    ),
  );
}

type Answer = boolean | 'error' | 'interpreter';

function interpreted(compiled: CompiledRule, types: Map<string, CelType>, record: Record<string, unknown>, features: Record<string, unknown>, values: Record<string, ParameterValue>): Answer {
  const celRecord = Object.fromEntries(Object.entries(record).map(([name, value]) => [name, celValue(types.get(name)!, value)]));
  const celFeatures = Object.fromEntries(Object.entries(features).map(([name, value]) => [name, celValue(celTypeOfValue(featureDef(name)!.type), value)]));
  try {
    return compiled.fires({ record: celRecord, features: celFeatures }, celParameters(compiled.definition, values));
  } catch {
    return 'error';
  }
}

function plainly(compiled: CompiledRule, record: Record<string, unknown>, features: Record<string, unknown>, values: Record<string, ParameterValue>): Answer {
  try {
    return compiled.plain!(record, features, plainParameters(compiled.definition, values));
  } catch (error) {
    return error === NEEDS_INTERPRETER ? 'interpreter' : 'error';
  }
}

describe('conduct conditions as plain functions', () => {
  it('compiles every national conduct rule to a plain function', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(18);
    for (const definition of definitions) expect(compileRule(definition).plain, definition.id).toBeDefined();
  });

  for (const definition of definitions) {
    it(`${definition.id}: the plain function and the CEL interpreter agree`, () => {
      const compiled = compileRule(definition);
      const recordType = definition.recordTypes[0] as RecordType;
      const types = conditionFields(recordType);
      const literals = [...definition.condition.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]!);
      const record = fc.record(Object.fromEntries(reads(definition.condition, 'record').map((name) => [name, valueOf(types.get(name)!, literals)])), { requiredKeys: [] });
      const features = fc.record(Object.fromEntries(reads(definition.condition, 'features').map((name) => [name, valueOf(celTypeOfValue(featureDef(name)!.type), literals)])), { requiredKeys: [] });
      let plainAnswers = 0;
      let runs = 0;
      fc.assert(
        fc.property(record, features, parameters(definition), (r, f, values) => {
          runs++;
          const plain = plainly(compiled, r, f, values);
          if (plain === 'interpreter') return;
          plainAnswers++;
          expect(plain).toBe(interpreted(compiled, types, r, f, values));
        }),
        { numRuns: 2000 },
      );
      // Only values near 2^53 may need the interpreter: most answers are the plain function's own.
      expect(plainAnswers / runs).toBeGreaterThan(0.6);
    });
  }

  it('hands an int sum beyond 2^53 to the interpreter, and agrees on both sides of it', () => {
    const base = definitions.find((d) => d.id === 'CN-BORROW-INDIVIDUAL-ALL')!;
    const compiled = compileRule(base);
    const values = { limit_fen: 100 };
    const features = (all: number, loan: number) => ({ borrower_outstanding_all_platforms_fen: all, loan_outstanding_fen: loan });
    const record = { borrower_type: 'individual' };
    // all − loan = 2^53 − 1 + 2: beyond what a plain number holds exactly.
    expect(plainly(compiled, record, features(BIG, -2), values)).toBe('interpreter');
    expect(interpreted(compiled, conditionFields('loan'), record, features(BIG, -2), values)).toBe(false);
    expect(plainly(compiled, record, features(BIG, 1), values)).toBe(false);
    expect(plainly(compiled, record, features(150, 60), values)).toBe(true);
    expect(plainly(compiled, record, features(150, 40), values)).toBe(false);
  });
});
