/**
 * Rule conditions in CEL (the Common Expression Language, through @marcbachmann/cel-js): parsed
 * and type-checked once when a rule is loaded or posted, then evaluated per record. A condition
 * reads three typed maps: `record` (the record's fields as the standard defines them; identifiers,
 * phone numbers and accounts are not there, since rules need none), `features` (featureCatalogue)
 * and `params` (the rule's parameters, resolved through the tiers).
 *
 * Money and counts are CEL `int` (exact, in fen); rates are `double`. `times(a, b)` multiplies two
 * decimals and rounds to 12 places, so that 4 × 3.85% is exactly the 15.4% a filed rate of
 * 0.154 is, and a boundary compares as the law states it rather than as binary floating point does.
 */
import { Environment } from '@marcbachmann/cel-js';
import { fail } from '../platform/errors.js';
import { recordTypeDef, type FieldType, type RecordType } from '../standard/standard.js';
import { featureDef, featuresFor, screeningFeatureCatalogue, screeningFeatureDef, screeningRecordFields, type FeatureDef, type FeatureType } from './features.js';
import { recordTypeOf, type ParameterDef, type ParameterValue, type RuleDefinition } from './rule.js';
import { decimalProduct, plainCondition, type PlainCondition } from './closure.js';

type CelType = 'int' | 'double' | 'string' | 'bool';

const HIDDEN_FIELD_TYPES: ReadonlySet<FieldType> = new Set(['resident_id', 'party_id', 'phone', 'account']);
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(['device_id']);

function celTypeOfField(type: FieldType): CelType {
  switch (type) {
    case 'integer':
    case 'money_fen':
      return 'int';
    case 'rate':
    case 'decimal':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'string':
    case 'text':
    case 'date':
    case 'datetime':
    case 'code':
    case 'resident_id':
    case 'uscc':
    case 'party_id':
    case 'phone':
    case 'account':
      return 'string';
  }
}

/** The CEL type of a feature's or parameter's value. */
export function celTypeOfValue(type: FeatureType | ParameterDef['type']): CelType {
  switch (type) {
    case 'money_fen':
    case 'integer':
      return 'int';
    case 'rate':
    case 'decimal':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'string':
    case 'date':
    case 'code':
      return 'string';
  }
}

/** The fields of a record type a condition can read, with their CEL types. */
export function conditionFields(recordType: RecordType): Map<string, CelType> {
  const fields = new Map<string, CelType>();
  for (const field of recordTypeDef(recordType).fields) {
    if (HIDDEN_FIELD_TYPES.has(field.type) || HIDDEN_FIELDS.has(field.name)) continue;
    fields.set(field.name, celTypeOfField(field.type));
  }
  return fields;
}

const baseEnvironments = new Map<RecordType, Environment>();

function baseEnvironment(recordType: RecordType): Environment {
  let env = baseEnvironments.get(recordType);
  if (!env) {
    const features = Object.fromEntries(featuresFor(recordType).map((feature) => [feature.name, celTypeOfValue(feature.type)]));
    env = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 100, maxMapEntries: 50, maxCallArguments: 8 } })
      .registerVariable({ name: 'record', schema: Object.fromEntries(conditionFields(recordType)) })
      .registerVariable({ name: 'features', schema: features })
      .registerFunction('times(double, double): double', (a: number, b: number) => decimalProduct(a, b))
      .registerFunction('times(int, double): double', (a: bigint, b: number) => decimalProduct(Number(a), b));
    baseEnvironments.set(recordType, env);
  }
  return env;
}

let screeningEnvironment: Environment | undefined;

/** The environment of screening rules: a payment as it arrives and the real-time features. */
function screeningBaseEnvironment(): Environment {
  screeningEnvironment ??= new Environment({ limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 100, maxMapEntries: 50, maxCallArguments: 8 } })
    .registerVariable({ name: 'record', schema: Object.fromEntries(screeningRecordFields.map((field) => [field.name, celTypeOfValue(field.type)])) })
    .registerVariable({ name: 'features', schema: Object.fromEntries(screeningFeatureCatalogue.map((feature) => [feature.name, celTypeOfValue(feature.type)])) })
    .registerFunction('times(double, double): double', (a: number, b: number) => decimalProduct(a, b))
    .registerFunction('times(int, double): double', (a: bigint, b: number) => decimalProduct(Number(a), b));
  return screeningEnvironment;
}

/** What a condition of this rule may read: its environment, its features and its record fields. */
function vocabularyOf(definition: RuleDefinition, recordType: RecordType): { env: Environment; feature: (name: string) => FeatureDef | undefined; fields: Map<string, CelType> } {
  if (definition.pack === 'screening') {
    return { env: screeningBaseEnvironment(), feature: screeningFeatureDef, fields: new Map(screeningRecordFields.map((field) => [field.name, celTypeOfValue(field.type)])) };
  }
  return {
    env: baseEnvironment(recordType),
    feature: (name) => {
      const feature = featureDef(name);
      return feature && feature.recordTypes.includes(recordType) ? feature : undefined;
    },
    fields: conditionFields(recordType),
  };
}

export { decimalProduct } from './closure.js';

/** A CEL value for a parameter of the given type. */
export function celParameter(def: Pick<ParameterDef, 'type'>, value: ParameterValue): unknown {
  return celTypeOfValue(def.type) === 'int' ? BigInt(value as number) : value;
}

/** A record field or feature value as CEL wants it (ints as BigInt); null means absent. */
export function celValue(type: CelType, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (type === 'int') return typeof value === 'bigint' ? value : BigInt(value as number);
  if (type === 'double') return Number(value);
  if (type === 'string') return value instanceof Date ? value.toISOString() : String(value);
  return value;
}

/** What a condition is evaluated over. Absent values are left out (CEL `has()` tests them). */
export interface EvaluationInput {
  record: Record<string, unknown>;
  features: Record<string, unknown>;
}

export interface CompiledRule {
  readonly definition: RuleDefinition;
  readonly recordType: RecordType;
  /** The features the condition and derived values read. */
  readonly features: readonly string[];
  /** The record fields they read. */
  readonly fields: readonly string[];
  /**
   * False when an expression names `record` other than as `record.<field>` (an index, the whole
   * map, the word in a string): `fields` may then miss some, and the whole record must be read.
   */
  readonly fieldsComplete: boolean;
  /** True when the record breaks the rule with these parameter values (CEL-typed, see `celParameters`). Throws when the condition cannot be evaluated on this record. */
  fires(input: EvaluationInput, params: Record<string, unknown>): boolean;
  /** The derived values, for the explanation of a hit. */
  derive(input: EvaluationInput, params: Record<string, unknown>): Record<string, unknown>;
  /**
   * For a condition simple enough: the condition as a plain function of plain values (numbers
   * where `fires` wants BigInt, parameter values as `plainParameters` gives them), answering as
   * `fires` does, or throwing NEEDS_INTERPRETER where only `fires` can. Absent: use `fires`.
   */
  readonly plain?: PlainCondition;
}

/** Parameter values as plain numbers, strings and booleans, for `CompiledRule.plain`. */
export function plainParameters(definition: RuleDefinition, values: Record<string, ParameterValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, values[name] ?? def.value]));
}

/** Parameter values in CEL's types, for `fires`. */
export function celParameters(definition: RuleDefinition, values: Record<string, ParameterValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, celParameter(def, values[name] ?? def.value)]));
}

const FEATURE_REF = /\bfeatures\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;
const FIELD_REF = /\brecord\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;

function position(expression: string, offset: number): { offset: number; line: number; column: number } {
  const before = expression.slice(0, offset);
  const line = before.split('\n').length;
  return { offset, line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Check a parameter value against its definition: its type, its range and, for a code, its list.
 * Throws FH_RULE_PARAMETER_INVALID naming `parameters.<name>`.
 */
export function checkParameterValue(name: string, def: ParameterDef, value: ParameterValue): void {
  const bad = (expected: string) => fail('FH_RULE_PARAMETER_INVALID', { field: `parameters.${name}`, details: { parameter: name, expected, value, ...(def.min !== undefined ? { min: def.min } : {}), ...(def.max !== undefined ? { max: def.max } : {}) } });
  switch (def.type) {
    case 'money_fen':
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) bad('a whole number');
      if (def.type === 'money_fen' && (value as number) < 0) bad('a whole number of fen, not negative');
      break;
    case 'rate':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) bad('a decimal rate between 0 and 100');
      break;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('a decimal number');
      break;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) bad('a date YYYY-MM-DD');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      break;
    case 'code':
      if (typeof value !== 'string' || !(def.codes ?? []).includes(value)) bad(`one of ${(def.codes ?? []).join(', ')}`);
      break;
  }
  if (typeof value === 'number' && ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))) bad('a value within the range');
}

/** The facts a reporting obligation's explanation may show as `{record.x}`. */
export const OBLIGATION_FIELDS: ReadonlySet<string> = new Set(['record_type', 'period', 'due_on', 'accepted_at']);

let obligationEnvironment: Environment | undefined;

/** A reporting rule: its condition says whether an institution, by its licences, owes the record types. */
function compileObligation(definition: RuleDefinition): CompiledRule {
  for (const [name, def] of Object.entries(definition.parameters)) checkParameterValue(name, def, def.value);
  if (!('due_day' in definition.parameters)) fail('FH_RULE_PARAMETER_INVALID', { field: 'parameters.due_day', details: { parameter: 'due_day', expected: 'the day of the following month a filing is due by' } });
  obligationEnvironment ??= new Environment({ limits: { maxAstNodes: 500, maxDepth: 30, maxListElements: 50, maxMapEntries: 20, maxCallArguments: 8 } }).registerVariable({ name: 'institution', schema: { licences: 'list<string>', kind: 'string' } });
  const env = obligationEnvironment.clone().registerVariable({ name: 'params', schema: Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, celTypeOfValue(def.type)])) });
  let program: ReturnType<Environment['parse']>;
  try {
    program = env.parse(definition.condition);
  } catch (error) {
    const range = (error as { range?: { start: number } }).range;
    fail('FH_RULE_SYNTAX', { field: 'condition', details: { problem: (error as { summary?: string }).summary ?? (error as Error).message, ...position(definition.condition, range?.start ?? 0) } });
  }
  const checked = env.check(definition.condition);
  if (!checked.valid || checked.type !== 'bool') {
    const error = checked.error as unknown as { summary?: string; message: string; range?: { start: number } } | undefined;
    fail('FH_RULE_TYPE', { field: 'condition', details: { problem: error?.summary ?? error?.message ?? `the condition gives ${String(checked.type)}, not bool`, ...position(definition.condition, error?.range?.start ?? 0) } });
  }
  for (const language of ['zh', 'en'] as const) {
    const text = definition.explanation[language];
    for (const match of text.matchAll(/\{(record|features|params|derived)\.([a-z0-9_]+)\}/g)) {
      const [, prefix, name] = match as unknown as [string, string, string];
      const known = prefix === 'record' ? OBLIGATION_FIELDS.has(name) : prefix === 'params' ? name in definition.parameters : false;
      if (!known) fail('FH_RULE_TYPE', { field: `explanation.${language}`, details: { problem: `no ${prefix}.${name} in a reporting obligation`, ...position(text, match.index) } });
    }
  }
  return {
    definition,
    recordType: recordTypeOf(definition),
    features: [],
    fields: [],
    fieldsComplete: true,
    fires(input, params) {
      return program({ institution: input.record, params }) === true;
    },
    derive() {
      return {};
    },
  };
}

/**
 * Check a rule definition and compile its condition. Refuses, with the position at fault:
 * FH_RULE_SYNTAX (the condition does not parse), FH_RULE_UNKNOWN_FEATURE (a feature the catalogue
 * lacks or that does not apply to the record type), FH_RULE_TYPE (an unknown field or parameter, a
 * type mismatch, a condition that is not true/false), FH_RULE_PARAMETER_INVALID.
 */
export function compileRule(definition: RuleDefinition): CompiledRule {
  if (definition.pack === 'reporting') return compileObligation(definition);
  if (definition.recordTypes.length !== 1) fail('FH_VALIDATION', { field: 'recordTypes', details: { problem: 'a conduct rule applies to one record type' } });
  const recordType = recordTypeOf(definition);
  if (definition.pack === 'screening' && (recordType !== 'payment' || definition.weight === undefined)) {
    fail('FH_VALIDATION', { field: definition.weight === undefined ? 'weight' : 'recordTypes', details: { problem: 'a screening rule applies to payments and has a weight' } });
  }
  if (definition.pack !== 'screening' && definition.weight !== undefined) fail('FH_VALIDATION', { field: 'weight', details: { problem: 'only a screening rule has a weight' } });
  for (const [name, def] of Object.entries(definition.parameters)) {
    if (def.type === 'code' && !def.codes) fail('FH_RULE_PARAMETER_INVALID', { field: `parameters.${name}.codes`, details: { parameter: name, expected: 'the list of codes' } });
    checkParameterValue(name, def, def.value);
  }
  const vocabulary = vocabularyOf(definition, recordType);
  const env = vocabulary.env
    .clone()
    .registerVariable({ name: 'params', schema: Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, celTypeOfValue(def.type)])) });

  const expressions: { field: string; text: string; expect: CelType | 'bool' }[] = [{ field: 'condition', text: definition.condition, expect: 'bool' }];
  for (const [name, derived] of Object.entries(definition.derived ?? {})) {
    expressions.push({ field: `derived.${name}.expression`, text: derived.expression, expect: celTypeOfValue(derived.type) });
  }
  const features = new Set<string>();
  const fields = new Set<string>();
  let fieldsComplete = true;
  const compiled = expressions.map(({ field, text, expect }) => {
    for (const match of text.matchAll(FEATURE_REF)) {
      const name = match[1]!;
      if (!vocabulary.feature(name)) {
        fail('FH_RULE_UNKNOWN_FEATURE', { field, details: { feature: name, recordType, ...position(text, match.index) } });
      }
      features.add(name);
    }
    const named = [...text.matchAll(FIELD_REF)];
    for (const match of named) fields.add(match[1]!);
    if (named.length !== [...text.matchAll(/\brecord\b/g)].length) fieldsComplete = false;
    let program: ReturnType<Environment['parse']>;
    try {
      program = env.parse(text);
    } catch (error) {
      const range = (error as { range?: { start: number } }).range;
      fail('FH_RULE_SYNTAX', { field, details: { problem: (error as { summary?: string }).summary ?? (error as Error).message, ...position(text, range?.start ?? 0) } });
    }
    const checked = env.check(text);
    if (!checked.valid) {
      const error = checked.error as unknown as { summary?: string; message: string; range?: { start: number } };
      fail('FH_RULE_TYPE', { field, details: { problem: error.summary ?? error.message, ...position(text, error.range?.start ?? 0) } });
    }
    if (checked.type !== expect && !(expect === 'double' && checked.type === 'int')) {
      fail('FH_RULE_TYPE', { field, details: { problem: `the expression gives ${String(checked.type)}, not ${expect}`, ...position(text, 0) } });
    }
    return program;
  });
  // The explanation may show more than the condition reads: each placeholder must name something real.
  const knownFields = vocabulary.fields;
  for (const language of ['zh', 'en'] as const) {
    const text = definition.explanation[language];
    for (const match of text.matchAll(/\{(record|features|params|derived)\.([a-z0-9_]+)\}/g)) {
      const [, prefix, name] = match as unknown as [string, string, string];
      const field = `explanation.${language}`;
      if (prefix === 'features') {
        if (!vocabulary.feature(name)) fail('FH_RULE_UNKNOWN_FEATURE', { field, details: { feature: name, recordType, ...position(text, match.index) } });
        features.add(name);
      } else if (prefix === 'record') {
        if (!knownFields.has(name)) fail('FH_RULE_TYPE', { field, details: { problem: `no field ${name} in a ${recordType} record`, ...position(text, match.index) } });
        fields.add(name);
      } else if (prefix === 'params' ? !(name in definition.parameters) : !(name in (definition.derived ?? {}))) {
        fail('FH_RULE_TYPE', { field, details: { problem: `no ${prefix === 'params' ? 'parameter' : 'derived value'} ${name}`, ...position(text, match.index) } });
      }
    }
  }
  const [condition, ...derivedPrograms] = compiled;
  const plain = plainCondition(condition!.ast, (variable, name) => {
    if (variable === 'record') return vocabulary.fields.get(name);
    if (variable === 'features') {
      const feature = vocabulary.feature(name);
      return feature ? celTypeOfValue(feature.type) : undefined;
    }
    const parameter = definition.parameters[name];
    return parameter ? celTypeOfValue(parameter.type) : undefined;
  });
  const derivedNames = Object.keys(definition.derived ?? {});
  const context = (input: EvaluationInput, params: Record<string, unknown>) => ({ record: input.record, features: input.features, params });
  return {
    definition,
    recordType,
    features: [...features],
    fields: [...fields],
    fieldsComplete,
    ...(plain ? { plain } : {}),
    fires(input, params) {
      return condition!(context(input, params)) === true;
    },
    derive(input, params) {
      const out: Record<string, unknown> = {};
      derivedNames.forEach((name, i) => {
        try {
          out[name] = derivedPrograms[i]!(context(input, params));
        } catch {
          // A derived value only explains; one that cannot be worked out on this record is left out.
        }
      });
      return out;
    },
  };
}
