import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses } from '../platform/schemas.js';
import { BilingualTextSchema } from '../rulebook/rule.js';
import { currencyMinorUnits } from './currency.js';
import { readPayment } from './detect.js';
import { NativePaymentSchema } from './native.js';
import type { ScreeningService } from './screening.service.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid' });
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, China time' });
const FactValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const Fact = Type.Object({ name: Type.String(), kind: Type.String(), type: Type.String(), label: BilingualTextSchema, value: FactValue });
const DecisionKind = literals(['allow', 'confirm', 'review', 'block'] as const);
const Status = literals(['decided', 'awaiting_consumer', 'confirmed', 'rejected', 'expired'] as const);
const Outcome = literals(['confirmed_fraud', 'false_positive'] as const);

const Decision = Type.Object({
  decisionId: Uuid,
  paymentId: Type.String(),
  institutionId: Uuid,
  format: Type.String(),
  initiatedAt: Type.String({ format: 'date-time' }),
  decidedAt: Type.String({ format: 'date-time' }),
  currency: Type.String(),
  amountMinor: Type.Integer(),
  minorUnits: Type.Integer(),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  decision: DecisionKind,
  status: Status,
  finalDecision: Type.Union([literals(['allow', 'review', 'block'] as const), Type.Null()], { description: 'What to act on; null while the consumer has not answered a reminder' }),
  reasons: Type.Array(Type.Object({ ruleId: Type.String(), ruleVersion: Type.String(), weight: Type.Integer(), severity: Type.String(), title: BilingualTextSchema, explanation: BilingualTextSchema, facts: Type.Array(Fact) })),
  reminder: Type.Union([
    Type.Object({ reminderId: Uuid, status: Type.String(), deadline: Type.String({ format: 'date-time' }), channels: Type.Array(Type.String()), answeredAt: Type.Union([Type.String(), Type.Null()]), answeredVia: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  outcome: Type.Union([Type.Object({ outcome: Outcome, at: Type.String(), note: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
});

const Reminder = Type.Object({
  reminderId: Uuid,
  decisionId: Uuid,
  status: literals(['pending', 'confirmed', 'rejected', 'expired'] as const),
  createdAt: Type.String({ format: 'date-time' }),
  deadline: Type.String({ format: 'date-time' }),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  answeredVia: Type.Union([Type.String(), Type.Null()]),
  channels: Type.Array(Type.String()),
  summary: Type.Object({
    payeeName: Type.Union([Type.String(), Type.Null()]),
    payeeAccountMasked: Type.String(),
    currency: Type.String(),
    amountMinor: Type.Integer(),
    minorUnits: Type.Integer(),
    initiatedAt: Type.String(),
    institution: BilingualTextSchema,
    reasons: Type.Array(Type.Object({ ruleId: Type.String(), title: BilingualTextSchema, explanation: BilingualTextSchema })),
  }),
});

const Thresholds = Type.Object({ confirm: Type.Integer({ minimum: 1, maximum: 100 }), review: Type.Integer({ minimum: 1, maximum: 100 }), block: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false });
const Bounds = Type.Object({
  confirmMax: Type.Integer(),
  reviewMax: Type.Integer(),
  blockMax: Type.Integer(),
  setBy: Type.Object({ confirmMax: Type.Union([Type.String(), Type.Null()]), reviewMax: Type.Union([Type.String(), Type.Null()]), blockMax: Type.Union([Type.String(), Type.Null()]) }),
});
const Settings = Type.Object({
  currencies: Type.Array(Type.String()),
  thresholds: Thresholds,
  expiryDefault: literals(['allow', 'block'] as const),
  reminderSeconds: Type.Integer(),
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  webhookSecretSet: Type.Boolean(),
  bounds: Bounds,
});

/** application/xml, text/xml and application/<anything>+xml. */
const XML_TYPES = /^(application\/xml|text\/xml|application\/[a-z0-9.+-]+\+xml)$/;
/** A payment is a few kilobytes; a pacs.008 with long remittance information a few tens. */
const SCREEN_BODY_LIMIT = 256 * 1024;

const SCREEN_DESCRIPTION = `Screen one payment before it completes. The body is one of:

- Fenghuo's JSON (\`application/json\`, the schema below);
- an ISO 20022 **pacs.008** credit transfer (\`application/xml\`), version 001.08 or later, namespaced or prefixed; a DOCTYPE or entity is refused;
- the shortened pacs.008 JSON that Tazama's transaction-monitoring API takes (\`application/json\` with \`TxTp\`).

The answer is \`allow\`, \`confirm\` (held: a safe-transaction reminder went to the consumer; act on \`finalDecision\` once the webhook or \`GET /v1/screen/{decisionId}\` gives it), \`review\` or \`block\`, with the score and each rule that fired, its explanation and the values that fired it. Send an \`Idempotency-Key\` to retry safely.`;

/** Real-time screening for institutions, the consumer's reminders, and the supervisor's view. */
export function screeningRoutes(services: { screening: ScreeningService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { screening } = services;

    app.addContentTypeParser(XML_TYPES, { parseAs: 'string', bodyLimit: SCREEN_BODY_LIMIT }, (_request, body, done) => done(null, body));

    app.post(
      '/screen',
      {
        config: { access: ['institution'] },
        bodyLimit: SCREEN_BODY_LIMIT,
        schema: {
          tags: ['screening'],
          summary: 'Screen a payment: allow, confirm, review or block, with reasons',
          description: SCREEN_DESCRIPTION,
          consumes: ['application/json', 'application/xml'],
          headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' })) }),
          body: Type.Union([NativePaymentSchema, Type.Unknown()], { description: 'Fenghuo JSON (below), Tazama pacs.008 JSON, or pacs.008 XML' }),
          response: { 200: Decision, ...errorResponses },
        },
      },
      async (request) =>
        screening.screen(
          callerOf(request),
          { contentType: request.headers['content-type'] ?? '', body: request.body, idempotencyKey: request.headers['idempotency-key'], requestId: request.id },
          readPayment,
        ),
    );

    app.get(
      '/screen/:decisionId',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: { tags: ['screening'], summary: 'One decision: where a held payment stands, its reasons and outcome', params: Type.Object({ decisionId: Uuid }), response: { 200: Decision, ...errorResponses } },
      },
      async (request) => screening.decision(callerOf(request), request.params.decisionId),
    );

    app.post(
      '/screen/:decisionId/outcome',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['screening'],
          summary: 'Report what became of a screened payment: confirmed fraud (its payee joins the watch list at once) or a false positive',
          params: Type.Object({ decisionId: Uuid }),
          body: Type.Object({ outcome: Outcome, note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false }),
          response: { 200: Decision, ...errorResponses },
        },
      },
      async (request) => screening.reportOutcome(callerOf(request), request.params.decisionId, request.body.outcome, request.body.note),
    );

    const DecisionQuery = Type.Object(
      {
        decision: Type.Optional(DecisionKind),
        status: Type.Optional(Status),
        rule: Type.Optional(Type.String({ maxLength: 80 })),
        outcome: Type.Optional(Outcome),
        from: Type.Optional(DateOnly),
        to: Type.Optional(DateOnly),
        paymentId: Type.Optional(Type.String({ maxLength: 64 })),
        page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
      },
      { additionalProperties: false },
    );
    const DecisionPage = Type.Object({ items: Type.Array(Decision), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

    app.get(
      '/institution/screening/decisions',
      { config: { access: ['institution'] }, schema: { tags: ['screening'], summary: 'My decision log, newest first, with filters', querystring: DecisionQuery, response: { 200: DecisionPage, ...errorResponses } } },
      async (request) => {
        const { rule, ...query } = request.query;
        return screening.decisions(callerOf(request), { ...query, ruleId: rule });
      },
    );

    app.get(
      '/institution/screening/settings',
      { config: { access: ['institution'] }, schema: { tags: ['screening'], summary: 'My screening settings and the bounds my supervisor set', response: { 200: Settings, ...errorResponses } } },
      async (request) => screening.ownSettings(callerOf(request)),
    );

    app.put(
      '/institution/screening/settings',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['screening'],
          summary: 'Change my thresholds, currencies, reminder deadline, expiry default and webhook',
          body: Type.Object(
            {
              currencies: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{3}$' }), { minItems: 1, maxItems: 50, uniqueItems: true })),
              thresholds: Type.Optional(Thresholds),
              expiryDefault: Type.Optional(literals(['allow', 'block'] as const)),
              reminderSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86400 })),
              webhookUrl: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 500 }), Type.Null()])),
              webhookSecret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Settings, ...errorResponses },
        },
      },
      async (request) => screening.updateSettings(callerOf(request), request.body, (code) => currencyMinorUnits(code) !== undefined),
    );

    app.get(
      '/consumer/reminders',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'screening'],
          summary: 'My safe-transaction reminders, newest first',
          querystring: Type.Object({ status: Type.Optional(literals(['pending', 'confirmed', 'rejected', 'expired'] as const)), page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(Reminder), page: Type.Integer(), pageSize: Type.Integer() }), ...errorResponses },
        },
      },
      async (request) => screening.inbox(callerOf(request), request.query),
    );

    app.get(
      '/consumer/reminders/:reminderId',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'screening'], summary: 'One of my reminders', params: Type.Object({ reminderId: Uuid }), response: { 200: Reminder, ...errorResponses } } },
      async (request) => screening.reminder(callerOf(request), request.params.reminderId),
    );

    for (const answer of ['confirm', 'reject'] as const) {
      app.post(
        `/consumer/reminders/:reminderId/${answer}`,
        {
          config: { access: ['consumer'] },
          schema: {
            tags: ['consumer', 'screening'],
            summary: answer === 'confirm' ? 'Confirm a held payment: it was me, let it go ahead' : 'Reject a held payment: block it',
            params: Type.Object({ reminderId: Uuid }),
            headers: Type.Object({ 'x-fenghuo-client': Type.Optional(Type.String({ maxLength: 20 })) }),
            response: { 200: Reminder, ...errorResponses },
          },
        },
        async (request) => screening.answerReminder(callerOf(request), request.params.reminderId, answer, request.headers['x-fenghuo-client'] === 'portal' ? 'portal' : 'api'),
      );
    }

    app.get(
      '/supervisor/screening/stats',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['screening'],
          summary: 'Screening in my jurisdiction per China-time day: volumes, decision mix, and per rule hits and precision',
          querystring: Type.Object({ from: DateOnly, to: DateOnly, institutionId: Type.Optional(Uuid) }, { additionalProperties: false }),
        },
      },
      async (request) => screening.stats(callerOf(request), request.query),
    );

    app.get(
      '/supervisor/screening/decisions',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['screening'], summary: 'Decisions in my jurisdiction, newest first', querystring: Type.Composite([DecisionQuery, Type.Object({ institutionId: Type.Optional(Uuid) })], { additionalProperties: false }), response: { 200: DecisionPage, ...errorResponses } },
      },
      async (request) => {
        const { rule, ...query } = request.query;
        return screening.decisions(callerOf(request), { ...query, ruleId: rule });
      },
    );

    app.get(
      '/supervisor/screening/bounds/:jurisdiction',
      { config: { access: ['supervisor'] }, schema: { tags: ['screening'], summary: 'The threshold bounds in force for a jurisdiction', params: Type.Object({ jurisdiction: Type.String({ pattern: '^\\d{6}$' }) }), response: { 200: Bounds, ...errorResponses } } },
      async (request) => screening.boundsFor(request.params.jurisdiction),
    );

    app.put(
      '/supervisor/screening/bounds/:jurisdiction',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['screening'],
          summary: 'Set the highest scores at which institutions of a jurisdiction must ask for confirmation, review and block',
          params: Type.Object({ jurisdiction: Type.String({ pattern: '^\\d{6}$' }) }),
          body: Type.Object({ confirmMax: Type.Integer({ minimum: 1, maximum: 100 }), reviewMax: Type.Integer({ minimum: 1, maximum: 100 }), blockMax: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
          response: { 200: Bounds, ...errorResponses },
        },
      },
      async (request) => screening.setBounds(callerOf(request), request.params.jurisdiction, request.body),
    );
  };
}
