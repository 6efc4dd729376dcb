/**
 * A rule of the rulebook as data: what a file in `rules/` holds and what the API accepts. National
 * rules are refined by provinces and cities: a lower tier may add rules of its own and tighten a
 * parameter of a rule above it (a cap only down, a floor only up), never loosen one.
 */
import { Type, type Static } from '@sinclair/typebox';
import { recordTypes, type RecordType } from '../standard/standard.js';

export const severities = ['low', 'medium', 'high'] as const;
export type Severity = (typeof severities)[number];

/**
 * `conduct`: checked on every accepted filing; `reporting`: what an institution owes; `screening`:
 * evaluated on a payment in real time, each rule adding its weight to the payment's risk score.
 */
export const rulePacks = ['conduct', 'reporting', 'screening'] as const;
export type RulePack = (typeof rulePacks)[number];

/** How a parameter is given: money in fen, a decimal rate, a whole number, a plain decimal (a multiple), a date, a yes/no, or one code of a list. */
export const parameterTypes = ['money_fen', 'rate', 'integer', 'decimal', 'date', 'boolean', 'code'] as const;
export type ParameterType = (typeof parameterTypes)[number];

/**
 * Which way a lower tier may move a parameter. `cap`: only down (for a code, only towards the
 * start of its list, which runs strictest first); `floor`: only up; `fixed`: not at all.
 */
export const directions = ['cap', 'floor', 'fixed'] as const;
export type Direction = (typeof directions)[number];

export type ParameterValue = number | string | boolean;

const Text = Type.Object({ zh: Type.String({ minLength: 1, maxLength: 2000 }), en: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export type BilingualText = Static<typeof Text>;
export const BilingualTextSchema = Text;

const Date_ = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, a date in China' });
const Value = Type.Union([Type.Number(), Type.String({ maxLength: 200 }), Type.Boolean()]);

export const ParameterDefSchema = Type.Object(
  {
    type: Type.Union(parameterTypes.map((t) => Type.Literal(t))),
    direction: Type.Union(directions.map((d) => Type.Literal(d))),
    label: Text,
    value: Value,
    /** The unit a number counts (`days`, `working_days`, `hours`, `calls`, `times`), shown beside it. */
    unit: Type.Optional(Type.String({ pattern: '^[a-z_]{1,30}$' })),
    /** False for a figure found only in secondary sources: shown as unverified. */
    verified: Type.Optional(Type.Boolean()),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    /** For `code`: the allowed codes, strictest first. */
    codes: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9_]{1,40}$' }), { minItems: 1, maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type ParameterDef = Static<typeof ParameterDefSchema>;

const DerivedSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('money_fen'), Type.Literal('rate'), Type.Literal('integer'), Type.Literal('date'), Type.Literal('boolean'), Type.Literal('string')]),
    label: Text,
    expression: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const Name = Type.String({ pattern: '^[a-z][a-z0-9_]{0,59}$' });
export const RuleId = Type.String({ pattern: '^[A-Z][A-Z0-9]*(-[A-Z0-9]+){1,8}$', maxLength: 80, description: 'e.g. CN-LOAN-RATE-4LPR' });
const Jurisdiction = Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 code: 000000 the country, 330000 a province, 330100 a city' });

/** A rule as written: in a file under `rules/`, or posted by a supervisor. */
export const RuleDefinitionSchema = Type.Object(
  {
    id: RuleId,
    version: Type.Integer({ minimum: 1, maximum: 100000 }),
    jurisdiction: Jurisdiction,
    pack: Type.Union(rulePacks.map((p) => Type.Literal(p))),
    severity: Type.Union(severities.map((s) => Type.Literal(s))),
    /** Screening rules only: the points a hit adds to the payment's risk score (0–100; the score is capped at 100). */
    weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    recordTypes: Type.Array(Type.Union(recordTypes.map((t) => Type.Literal(t))), { minItems: 1, maxItems: 9, uniqueItems: true, description: 'A conduct rule applies to one record type; a reporting rule names the record types it makes owed' }),
    title: Text,
    /** A sentence with `{name}` placeholders: record fields, features, parameters and derived values. */
    explanation: Text,
    basis: Type.Object(
      {
        law: Text,
        article: Type.String({ minLength: 1, maxLength: 100 }),
        figure: Text,
      },
      { additionalProperties: false },
    ),
    effective: Type.Object({ from: Date_, to: Type.Optional(Date_) }, { additionalProperties: false }),
    parameters: Type.Record(Name, ParameterDefSchema, { maxProperties: 20 }),
    /**
     * CEL. Conduct: over `record`, `features` and `params`; true = the record breaks the rule.
     * Reporting: over `institution` (`licences`, `kind`) and `params`; true = it owes the record types.
     */
    condition: Type.String({ minLength: 1, maxLength: 4000 }),
    /** Values worked out from the same inputs for the explanation, e.g. the cap 4 × LPR. */
    derived: Type.Optional(Type.Record(Name, DerivedSchema, { maxProperties: 10 })),
    /** Why the rule reads the law this way, where the reading is a choice. */
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);
export type RuleDefinition = Static<typeof RuleDefinitionSchema>;

/** A lower tier's change to a rule above it: new values for some of its parameters. */
export const RefinementDefinitionSchema = Type.Object(
  {
    refines: RuleId,
    version: Type.Integer({ minimum: 1, maximum: 100000 }),
    jurisdiction: Jurisdiction,
    effective: Type.Object({ from: Date_, to: Type.Optional(Date_) }, { additionalProperties: false }),
    parameters: Type.Record(Name, Value, { minProperties: 1, maxProperties: 20 }),
    reason: Text,
  },
  { additionalProperties: false },
);
export type RefinementDefinition = Static<typeof RefinementDefinitionSchema>;

/** One stored version of a rule or a refinement, as the store keeps it. */
export type RuleVersionDefinition = { kind: 'rule'; definition: RuleDefinition } | { kind: 'refinement'; definition: RefinementDefinition };

/** The parameter's value as a tier set it. */
export interface ParameterTier {
  jurisdiction: string;
  value: ParameterValue;
  version: number;
  effectiveFrom: string;
}

/** A parameter as resolved through the tiers for one jurisdiction and date. */
export interface ResolvedParameter extends ParameterDef {
  name: string;
  /** The tier whose value is in force. */
  setBy: string;
  tiers: ParameterTier[];
}

/** A rule in force for one jurisdiction on one date, with its parameters resolved through the tiers. */
export interface ResolvedRule {
  id: string;
  /** `3@000000`, or `3@000000+1@330000+2@330100` when tiers below refined it: the alert key. */
  version: string;
  /** The tier that made the rule. */
  jurisdiction: string;
  definition: RuleDefinition;
  parameters: ResolvedParameter[];
  /** The dates the resolved rule holds between: the latest start and earliest end of its parts. */
  effectiveFrom: string;
  effectiveTo: string | null;
}

export function recordTypeOf(rule: RuleDefinition): RecordType {
  return rule.recordTypes[0]!;
}
