/**
 * The decision: every screening rule in force for the institution's jurisdiction evaluated on the
 * payment and its features; the weights of the rules that fire add up to the score (at most 100);
 * the institution's thresholds turn the score into allow, confirm, review or block.
 */
import type { ExecutableRule } from '../rulebook/rulebook.service.js';
import { screeningFeatureDef, screeningRecordFields } from '../rulebook/features.js';
import type { Fact, FactType } from '../rulebook/explain.js';
import { celValue, plainParameters } from '../rulebook/compile.js';
import { NEEDS_INTERPRETER, type PlainCondition } from '../rulebook/closure.js';
import type { FeatureValues } from './features.js';

export const decisions = ['allow', 'confirm', 'review', 'block'] as const;
export type Decision = (typeof decisions)[number];

export interface Thresholds {
  confirm: number;
  review: number;
  block: number;
}

/** One rule that fired, with what made it fire. */
export interface Reason {
  ruleId: string;
  ruleVersion: string;
  weight: number;
  severity: 'low' | 'medium' | 'high';
  facts: Fact[];
}

/** A rule that could not be evaluated on this payment: it adds nothing and is reported. */
export interface RuleFault {
  ruleId: string;
  problem: string;
}

export interface Verdict {
  score: number;
  decision: Decision;
  reasons: Reason[];
  faults: RuleFault[];
}

/** The payment's fields as a screening rule reads them (`record.x`). */
export interface ScreeningRecord {
  currency: string;
  amount_minor: number;
  amount_fen?: number;
  funding_source: string;
  verification_class?: string;
  purpose?: string;
}

const recordTypes = new Map(screeningRecordFields.map((field) => [field.name, field.type]));

interface PreparedRule {
  rule: ExecutableRule;
  weight: number;
  /** The condition as a plain function (see CompiledRule.plain), with its parameters as plain values. */
  plain: PlainCondition | undefined;
  plainParams: Record<string, unknown>;
  /** The condition through the CEL interpreter, on CEL-typed values. */
  evaluate: (record: Record<string, unknown>, features: Record<string, unknown>) => boolean;
  /** What a reason shows, worked out once: the record fields its texts name, its features, its parameters. */
  recordFacts: { name: keyof ScreeningRecord; type: FactType; label: Fact['label'] }[];
  featureFacts: { name: string; type: FactType; label: Fact['label'] }[];
  parameterFacts: Fact[];
}

/** The reasons and faults of a payment with none (shared, never changed). */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** The record and features in CEL's types (ints as BigInt), for the rules the interpreter runs. */
function celInputs(record: ScreeningRecord, features: FeatureValues): { record: Record<string, unknown>; features: Record<string, unknown> } {
  const celRecord: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) if (value !== undefined) celRecord[name] = celValue(recordTypes.get(name) === 'string' ? 'string' : typeof value === 'number' ? 'int' : 'string', value);
  const celFeatures: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(features)) {
    if (value === undefined) continue;
    const def = screeningFeatureDef(name);
    celFeatures[name] = def && (def.type === 'integer' || def.type === 'money_fen') ? BigInt(value as number) : value;
  }
  return { record: celRecord, features: celFeatures };
}

/** The score's decision under the thresholds: the highest level reached. */
export function decide(score: number, thresholds: Thresholds): Decision {
  if (score >= thresholds.block) return 'block';
  if (score >= thresholds.review) return 'review';
  if (score >= thresholds.confirm) return 'confirm';
  return 'allow';
}

function factType(type: string): FactType {
  return type === 'string' ? 'string' : (type as FactType);
}

/**
 * The screening rules of one jurisdiction, compiled, ready to run on payment after payment. Built
 * once per rulebook change; `screen` does no I/O.
 */
export class ScreeningRuleSet {
  private readonly rules: PreparedRule[];

  constructor(readonly executables: readonly ExecutableRule[]) {
    this.rules = executables.map((executable) => {
      const { rule, compiled, values } = executable;
      const definition = rule.definition;
      const text = `${definition.condition} ${definition.explanation.zh} ${definition.explanation.en}`;
      return {
        rule: executable,
        weight: definition.weight ?? 0,
        plain: compiled.plain,
        plainParams: plainParameters(definition, values),
        evaluate: (record, features) => compiled.fires({ record, features }, executable.params),
        recordFacts: screeningRecordFields.filter((field) => text.includes(`record.${field.name}`)).map((field) => ({ name: field.name as keyof ScreeningRecord, type: factType(field.type), label: field.label })),
        featureFacts: compiled.features.flatMap((name) => {
          const def = screeningFeatureDef(name);
          return def ? [{ name, type: factType(def.type), label: def.label }] : [];
        }),
        parameterFacts: rule.parameters.map((parameter) => ({ name: parameter.name, kind: 'parameter' as const, type: parameter.type, label: parameter.label, value: values[parameter.name] ?? parameter.value })),
      };
    });
  }

  get size(): number {
    return this.rules.length;
  }

  /** Evaluate every rule; a rule that throws is a fault, not a hit. */
  screen(record: ScreeningRecord, features: FeatureValues, thresholds: Thresholds): Verdict {
    // CEL-typed copies only when a rule needs the interpreter.
    let cel: ReturnType<typeof celInputs> | undefined;
    let score = 0;
    let reasons: Reason[] | undefined;
    let faults: RuleFault[] | undefined;
    const plainRecord = record as unknown as Record<string, unknown>;
    for (let i = 0; i < this.rules.length; i++) {
      const prepared = this.rules[i]!;
      let fired: boolean;
      try {
        try {
          if (prepared.plain === undefined) throw NEEDS_INTERPRETER;
          fired = prepared.plain(plainRecord, features, prepared.plainParams);
        } catch (error) {
          if (error !== NEEDS_INTERPRETER) throw error;
          cel ??= celInputs(record, features);
          fired = prepared.evaluate(cel.record, cel.features);
        }
      } catch (error) {
        (faults ??= []).push({ ruleId: prepared.rule.rule.id, problem: (error as Error).message });
        continue;
      }
      if (!fired) continue;
      score += prepared.weight;
      (reasons ??= []).push(this.reasonOf(prepared, record, features));
    }
    score = Math.min(100, score);
    return { score, decision: decide(score, thresholds), reasons: reasons ?? NONE, faults: faults ?? NONE };
  }

  private reasonOf(prepared: PreparedRule, record: ScreeningRecord, features: FeatureValues): Reason {
    const { rule } = prepared.rule;
    const facts: Fact[] = [];
    for (const field of prepared.recordFacts) {
      const value = record[field.name];
      if (value !== undefined) facts.push({ name: field.name, kind: 'field', type: field.type, label: field.label, value });
    }
    for (const feature of prepared.featureFacts) {
      const value = features[feature.name];
      if (value !== undefined) facts.push({ name: feature.name, kind: 'feature', type: feature.type, label: feature.label, value });
    }
    for (const parameter of prepared.parameterFacts) facts.push({ ...parameter });
    return { ruleId: rule.id, ruleVersion: rule.version, weight: prepared.weight, severity: rule.definition.severity, facts };
  }
}
