import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { errorResponses, JurisdictionRef } from '../platform/schemas.js';
import { chinaDay } from '../standard/china-time.js';
import { jurisdictionByCode } from '../standard/regions.js';
import { recordTypes } from '../standard/standard.js';
import { BilingualTextSchema, directions, parameterTypes, rulePacks, RuleDefinitionSchema, RuleId, severities, type ResolvedRule } from './rule.js';
import type { RulebookService } from './rulebook.service.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description: 'YYYY-MM-DD, a date in China' });
const JurisdictionCode = Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 code: 000000 the country, 330000 a province, 330100 a city' });
const Value = Type.Union([Type.Number(), Type.String({ maxLength: 200 }), Type.Boolean()]);

const Parameter = Type.Object({
  name: Type.String(),
  type: literals(parameterTypes),
  direction: literals(directions),
  unit: Type.Optional(Type.String()),
  label: BilingualTextSchema,
  verified: Type.Boolean({ description: 'False for a figure found only in secondary sources' }),
  value: Value,
  codes: Type.Optional(Type.Array(Type.String())),
  setBy: Type.String({ description: 'The tier whose value is in force' }),
  tiers: Type.Array(Type.Object({ jurisdiction: Type.String(), value: Value, version: Type.Integer(), effectiveFrom: Type.String() })),
});

export const RuleView = Type.Object({
  id: Type.String(),
  pack: literals(rulePacks),
  version: Type.String({ description: '3@000000, or 3@000000+1@330000 when a lower tier refined it' }),
  jurisdiction: Type.String({ description: 'The tier that made the rule' }),
  title: BilingualTextSchema,
  explanation: BilingualTextSchema,
  basis: Type.Object({ law: BilingualTextSchema, article: Type.String(), figure: BilingualTextSchema }),
  note: Type.Optional(BilingualTextSchema),
  severity: literals(severities),
  recordTypes: Type.Array(Type.String()),
  condition: Type.String(),
  effectiveFrom: Type.String(),
  effectiveTo: Type.Union([Type.String(), Type.Null()]),
  parameters: Type.Array(Parameter),
});

/** A resolved rule as the API shows it. */
export function ruleView(rule: ResolvedRule) {
  const d = rule.definition;
  return {
    id: rule.id,
    pack: d.pack,
    version: rule.version,
    jurisdiction: rule.jurisdiction,
    title: d.title,
    explanation: d.explanation,
    basis: d.basis,
    ...(d.note ? { note: d.note } : {}),
    severity: d.severity,
    recordTypes: d.recordTypes,
    condition: d.condition,
    effectiveFrom: rule.effectiveFrom,
    effectiveTo: rule.effectiveTo,
    parameters: rule.parameters.map((p) => ({
      name: p.name,
      type: p.type,
      direction: p.direction,
      ...(p.unit ? { unit: p.unit } : {}),
      label: p.label,
      verified: p.verified ?? true,
      value: p.value,
      ...(p.codes ? { codes: p.codes } : {}),
      setBy: p.setBy,
      tiers: p.tiers,
    })),
  };
}

const RulesQuery = Type.Object(
  {
    jurisdiction: Type.Optional(JurisdictionCode),
    date: Type.Optional(DateText),
    pack: Type.Optional(literals(rulePacks)),
    recordType: Type.Optional(literals(recordTypes)),
  },
  { additionalProperties: false },
);

const Refinement = Type.Object(
  {
    jurisdiction: JurisdictionCode,
    parameters: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,59}$' }), Value, { minProperties: 1, maxProperties: 20 }),
    effectiveFrom: DateText,
    reason: BilingualTextSchema,
  },
  { additionalProperties: false },
);

const NewRule = Type.Object({ jurisdiction: JurisdictionCode, rule: Type.Omit(RuleDefinitionSchema, ['jurisdiction', 'version']) }, { additionalProperties: false });

const Lpr = Type.Object({ effectiveOn: Type.String(), rate: Type.Number(), source: Type.String(), createdBy: Type.String() });

/** The rulebook: public reading of the rules and the LPR; supervisors' edits of their jurisdiction's tier. */
export function rulebookRoutes(services: { rulebook: RulebookService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { rulebook } = services;
    app.get(
      '/rules',
      {
        config: { access: 'public' },
        schema: {
          tags: ['rulebook'],
          summary: 'The rules in force in a jurisdiction on a date, with their legal basis and parameters resolved through the tiers (the law is public)',
          querystring: RulesQuery,
          response: { 200: Type.Object({ jurisdiction: JurisdictionRef, date: Type.String(), rules: Type.Array(RuleView) }), ...errorResponses },
        },
      },
      async (request) => {
        const jurisdiction = request.query.jurisdiction ?? '000000';
        const known = jurisdiction === '000000' ? { nameZh: '全国', nameEn: 'Nationwide' } : jurisdictionByCode(jurisdiction);
        if (!known) fail('FH_INVALID_JURISDICTION', { field: 'query.jurisdiction' });
        const date = request.query.date ?? chinaDay();
        const rules = await rulebook.rulesInForce(jurisdiction, date, { ...(request.query.pack ? { pack: request.query.pack } : {}), ...(request.query.recordType ? { recordType: request.query.recordType } : {}) });
        return { jurisdiction: { code: jurisdiction, nameZh: known.nameZh, nameEn: known.nameEn }, date, rules: rules.map(ruleView) };
      },
    );
    app.get(
      '/rules/:ruleId/versions',
      {
        config: { access: 'public' },
        schema: {
          tags: ['rulebook'],
          summary: 'Every stored version of a rule and of its refinements, at every tier',
          params: Type.Object({ ruleId: RuleId }),
          response: {
            200: Type.Object({
              versions: Type.Array(Type.Object({ ruleId: Type.String(), jurisdiction: Type.String(), version: Type.Integer(), kind: literals(['rule', 'refinement'] as const), effectiveFrom: Type.String(), effectiveTo: Type.Union([Type.String(), Type.Null()]), source: Type.String(), createdAt: Type.String(), definition: Type.Unknown() })),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({ versions: (await rulebook.versions(request.params.ruleId)).map(({ createdBy: _by, ...v }) => v) }),
    );
    app.post(
      '/supervisor/rules/:ruleId/refinements',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['rulebook'],
          summary: 'Tighten parameters of a rule for your jurisdiction (a new version of your tier), or change a rule your tier made',
          params: Type.Object({ ruleId: RuleId }),
          body: Refinement,
          response: { 201: RuleView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const rule = await rulebook.apply(callerOf(request), { kind: 'parameters', ruleId: request.params.ruleId, ...request.body });
        return reply.code(201).send(ruleView(rule));
      },
    );
    app.post(
      '/supervisor/rules',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['rulebook'], summary: 'Add a rule of your jurisdiction (or a new version of one your tier made)', body: NewRule, response: { 201: RuleView, ...errorResponses } },
      },
      async (request, reply) => {
        const rule = await rulebook.apply(callerOf(request), { kind: 'rule', jurisdiction: request.body.jurisdiction, rule: request.body.rule });
        return reply.code(201).send(ruleView(rule));
      },
    );
    app.get(
      '/reference/lpr',
      {
        config: { access: 'public' },
        schema: { tags: ['rulebook'], summary: 'The one-year loan prime rate history the rules read, each value with its source', response: { 200: Type.Object({ series: Type.Literal('lpr_1y'), rates: Type.Array(Lpr) }), ...errorResponses } },
      },
      async () => ({ series: 'lpr_1y' as const, rates: await rulebook.lprHistory() }),
    );
    app.post(
      '/supervisor/reference/lpr',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['rulebook'],
          summary: 'Add a newly published one-year LPR (national supervisors)',
          body: Type.Object({ effectiveOn: DateText, rate: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 0.5 }), source: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }),
          response: { 201: Lpr, ...errorResponses },
        },
      },
      async (request, reply) => reply.code(201).send(await rulebook.addLpr(callerOf(request), request.body)),
    );
  };
}
