import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses } from '../platform/schemas.js';
import { chinaDay } from '../standard/china-time.js';
import { BilingualTextSchema, RuleDefinitionSchema, RuleId } from '../rulebook/rule.js';
import { alertStatuses } from './monitoring.schema.js';
import type { MonitoringService } from './monitoring.service.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid' });
const Severity = literals(['low', 'medium', 'high'] as const);
const Status = literals(alertStatuses);
const FactValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const Fact = Type.Object({ name: Type.String(), kind: literals(['field', 'feature', 'parameter', 'derived'] as const), type: Type.String(), label: BilingualTextSchema, value: FactValue });

const AlertSummary = Type.Object({
  id: Uuid,
  ruleId: Type.String(),
  ruleVersion: Type.String(),
  title: BilingualTextSchema,
  severity: Severity,
  status: Status,
  institution: Type.Object({ id: Uuid, nameZh: Type.String(), nameEn: Type.String() }),
  jurisdictionCode: Type.String(),
  recordType: Type.String(),
  recordId: Type.String(),
  period: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const AlertDetail = Type.Composite([
  AlertSummary,
  Type.Object({
    explanation: BilingualTextSchema,
    basis: Type.Object({ law: BilingualTextSchema, article: Type.String(), figure: BilingualTextSchema }),
    facts: Type.Array(Fact),
    records: Type.Array(Type.Object({ recordType: Type.String(), recordId: Type.String(), filingId: Uuid, period: Type.String() })),
    history: Type.Array(Type.Object({ from: Type.Union([Status, Type.Null()]), to: Status, at: Type.String({ format: 'date-time' }), by: Type.String({ description: "'system', or the supervisor's user id ('supervisor' when an institution reads it)" }), byName: Type.Union([Type.String(), Type.Null()], { description: "The supervisor's display name" }), reason: Type.Union([Type.String(), Type.Null()]) })),
  }),
]);

const AlertPage = Type.Object({
  items: Type.Array(AlertSummary),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  counts: Type.Object({
    byRule: Type.Array(Type.Object({ ruleId: Type.String(), title: BilingualTextSchema, count: Type.Integer() })),
    bySeverity: Type.Record(Type.String(), Type.Integer()),
    byStatus: Type.Record(Type.String(), Type.Integer()),
  }),
});

const Period = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const AlertQuery = Type.Object(
  {
    rule: Type.Optional(RuleId),
    institution: Type.Optional(Uuid),
    severity: Type.Optional(Severity),
    status: Type.Optional(Status),
    period: Type.Optional(Period),
    page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
const InstitutionAlertQuery = Type.Omit(AlertQuery, ['institution']);
const AlertParams = Type.Object({ alertId: Uuid });

const Value = Type.Union([Type.Number(), Type.String({ maxLength: 200 }), Type.Boolean()]);
const DryRunBody = Type.Object(
  {
    jurisdiction: Type.String({ pattern: '^\\d{6}$' }),
    ruleId: Type.Optional(RuleId),
    parameters: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,59}$' }), Value, { minProperties: 1, maxProperties: 20 })),
    effectiveFrom: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' })),
    rule: Type.Optional(Type.Omit(RuleDefinitionSchema, ['jurisdiction', 'version'])),
  },
  { additionalProperties: false },
);
const DryRunJob = Type.Object({
  jobId: Uuid,
  status: literals(['running', 'done', 'failed'] as const),
  progress: Type.Object({ checked: Type.Integer(), total: Type.Integer() }),
  startedAt: Type.String({ format: 'date-time' }),
  result: Type.Optional(
    Type.Object({
      added: Type.Integer(),
      removed: Type.Integer(),
      unchanged: Type.Integer(),
      byInstitution: Type.Array(Type.Object({ institutionId: Uuid, nameZh: Type.String(), nameEn: Type.String(), added: Type.Integer(), removed: Type.Integer() })),
      examples: Type.Array(Type.Object({ change: literals(['added', 'removed'] as const), institutionId: Uuid, recordType: Type.String(), recordId: Type.String(), period: Type.String(), facts: Type.Array(Fact) })),
    }),
  ),
  error: Type.Optional(Type.Object({ code: Type.String(), message: BilingualTextSchema })),
});

/** Alerts for supervisors (their jurisdiction) and institutions (their own, read-only); rule dry runs. */
export function monitoringRoutes(services: { monitoring: MonitoringService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { monitoring } = services;
    app.get(
      '/supervisor/alerts',
      { config: { access: ['supervisor'] }, schema: { tags: ['monitoring'], summary: 'Alerts in your jurisdiction, filtered and paged, with counts by rule, severity and status', querystring: AlertQuery, response: { 200: AlertPage, ...errorResponses } } },
      async (request) => {
        const q = request.query;
        return monitoring.listAlerts(callerOf(request), { ...(q.rule ? { ruleId: q.rule } : {}), ...(q.institution ? { institutionId: q.institution } : {}), ...(q.severity ? { severity: q.severity } : {}), ...(q.status ? { status: q.status } : {}), ...(q.period ? { period: q.period } : {}), page: q.page, pageSize: q.pageSize });
      },
    );
    app.get(
      '/supervisor/alerts/:alertId',
      { config: { access: ['supervisor'] }, schema: { tags: ['monitoring'], summary: 'One alert: its explanation, legal basis, facts, records and history', params: AlertParams, response: { 200: AlertDetail, ...errorResponses } } },
      async (request) => monitoring.getAlert(callerOf(request), request.params.alertId),
    );
    app.post(
      '/supervisor/alerts/:alertId/transitions',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['monitoring'],
          summary: 'Move an alert: new → triaged → escalated | dismissed (a dismissal needs a reason)',
          params: AlertParams,
          body: Type.Object({ to: literals(['triaged', 'escalated', 'dismissed'] as const), reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
          response: { 200: AlertDetail, ...errorResponses },
        },
      },
      async (request) => monitoring.transition(callerOf(request), request.params.alertId, request.body.to, request.body.reason),
    );
    app.get(
      '/institution/alerts',
      { config: { access: ['institution'] }, schema: { tags: ['monitoring'], summary: 'Alerts about your institution (read-only)', querystring: InstitutionAlertQuery, response: { 200: AlertPage, ...errorResponses } } },
      async (request) => {
        const q = request.query;
        return monitoring.listAlerts(callerOf(request), { ...(q.rule ? { ruleId: q.rule } : {}), ...(q.severity ? { severity: q.severity } : {}), ...(q.status ? { status: q.status } : {}), ...(q.period ? { period: q.period } : {}), page: q.page, pageSize: q.pageSize });
      },
    );
    app.get(
      '/institution/alerts/:alertId',
      { config: { access: ['institution'] }, schema: { tags: ['monitoring'], summary: 'One alert about your institution', params: AlertParams, response: { 200: AlertDetail, ...errorResponses } } },
      async (request) => monitoring.getAlert(callerOf(request), request.params.alertId),
    );
    const Calendar = Type.Object({
      entries: Type.Array(
        Type.Object({
          period: Type.String(),
          recordType: Type.String(),
          ruleId: Type.String(),
          status: literals(['filed', 'late', 'missing', 'not_due'] as const),
          dueOn: Type.String({ description: 'YYYY-MM-DD, China time; due by 24:00 that day' }),
          acceptedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        }),
      ),
    });
    app.get(
      '/supervisor/institutions/:institutionId/filing-calendar',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['monitoring'], summary: 'What an institution owes month by month under its licences: filed on time, late, missing or not yet due', params: Type.Object({ institutionId: Uuid }), response: { 200: Calendar, ...errorResponses } },
      },
      async (request) => ({ entries: await monitoring.filingCalendar(callerOf(request), request.params.institutionId) }),
    );
    app.get(
      '/institution/filing-calendar',
      { config: { access: ['institution'] }, schema: { tags: ['monitoring'], summary: 'What your institution owes month by month, and where each filing stands', response: { 200: Calendar, ...errorResponses } } },
      async (request) => {
        const principal = request.principal;
        return { entries: principal.role === 'institution' ? await monitoring.filingCalendar(callerOf(request), principal.institutionId) : [] };
      },
    );
    app.post(
      '/supervisor/rules/dry-runs',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['rulebook'],
          summary: 'Start a dry run of a rule change over the filings already accepted: new parameter values for a rule (ruleId, parameters) or a new rule (rule)',
          body: DryRunBody,
          response: { 202: DryRunJob, ...errorResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const effectiveFrom = b.effectiveFrom ?? chinaDay();
        const job = b.rule
          ? await monitoring.startDryRun(callerOf(request), { kind: 'rule', jurisdiction: b.jurisdiction, rule: b.rule })
          : await monitoring.startDryRun(callerOf(request), { kind: 'parameters', jurisdiction: b.jurisdiction, ruleId: b.ruleId ?? '', parameters: b.parameters ?? {}, effectiveFrom, reason: { zh: '试运行', en: 'Dry run' } });
        return reply.code(202).send(publicJob(job));
      },
    );
    app.get(
      '/supervisor/rules/:ruleId/faults',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['rulebook'],
          summary: 'Records a rule could not be evaluated on, newest first (findings about the rule; the run went on)',
          params: Type.Object({ ruleId: RuleId }),
          response: { 200: Type.Object({ faults: Type.Array(Type.Object({ ruleVersion: Type.String(), institutionId: Uuid, recordType: Type.String(), recordId: Type.String(), problem: Type.String(), at: Type.String({ format: 'date-time' }) })) }), ...errorResponses },
        },
      },
      async (request) => ({ faults: await monitoring.ruleFaults(callerOf(request), request.params.ruleId) }),
    );
    app.get(
      '/supervisor/rules/dry-runs/:jobId',
      { config: { access: ['supervisor'] }, schema: { tags: ['rulebook'], summary: 'A dry run: its progress, then how many alerts the change would add and remove', params: Type.Object({ jobId: Uuid }), response: { 200: DryRunJob, ...errorResponses } } },
      async (request) => publicJob(monitoring.dryRun(callerOf(request), request.params.jobId)),
    );
  };
}

function publicJob(job: ReturnType<MonitoringService['dryRun']>) {
  const { owner: _owner, ...rest } = job;
  return rest;
}
