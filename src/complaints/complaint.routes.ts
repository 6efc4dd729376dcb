import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses, JurisdictionRef } from '../platform/schemas.js';
import { chinaDay } from '../standard/china-time.js';
import { complaintIssueCodes, complaintStatuses, responseCategories } from './complaint.schema.js';
import { NARRATIVE_MAX, quarterOf, type ComplaintService } from './complaint.service.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Yuan = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$', description: 'Yuan with at most two decimals, e.g. "1280.50"' });
const Coded = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });

const Attachment = Type.Object({
  evidenceId: Uuid,
  fileName: Type.String(),
  mediaType: Type.String(),
  bytes: Type.Integer(),
  hashAlgorithm: Type.String(),
  hash: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  receipt: Type.Unknown({ description: 'The vault’s signed, timestamped receipt, verifiable offline' }),
});

const Complaint = Type.Object({
  complaintId: Uuid,
  channel: literals(['portal', 'institution'] as const),
  institution: Type.Object({ institutionId: Type.Union([Uuid, Type.Null()]), nameZh: Type.String(), nameEn: Type.String(), registered: Type.Boolean() }),
  jurisdiction: JurisdictionRef,
  product: Type.String(),
  productType: Type.Union([Coded, Type.Null()]),
  issue: Coded,
  narrative: Type.String(),
  amountAtStakeFen: Type.Union([Type.Integer(), Type.Null()]),
  receivedAt: Type.String({ format: 'date-time' }),
  receivedDay: Type.String(),
  deadline: Type.Object({
    days: Type.Integer(),
    dayKind: literals(['calendar', 'working'] as const),
    lastDay: Nullable(Type.String({ description: 'The last day to answer, China time; none while no desk answers' })),
    extension: literals(['none', 'complex', 'further_requested', 'further'] as const),
    extensionReason: Nullable(Type.String()),
    furtherReason: Nullable(Type.String()),
    policyId: Type.String(),
  }),
  status: literals(complaintStatuses),
  late: Type.Boolean(),
  response: Type.Union([Type.Object({ category: literals(responseCategories), text: Type.String(), reliefFen: Type.Union([Type.Integer(), Type.Null()]), answeredAt: Nullable(Type.String({ format: 'date-time' })) }), Type.Null()]),
  feedback: Type.Union([Type.Object({ verdict: literals(['satisfied', 'disputed'] as const), reason: Nullable(Type.String()) }), Type.Null()]),
  caseRef: Nullable(Type.String()),
  closure: Type.Union([literals(['satisfied', 'settled', 'not_settled'] as const), Type.Null()]),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  history: Type.Optional(Type.Array(Type.Object({ action: Type.String(), actorRole: Type.String(), at: Type.String({ format: 'date-time' }), detail: Type.Record(Type.String(), Type.Unknown()) }))),
  attachments: Type.Optional(Type.Array(Attachment)),
});
/** The download's name: an ASCII stand-in for old clients and the exact name (RFC 6266). */
function attachmentHeader(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
const AttachmentParams = Type.Object({ complaintId: Uuid, evidenceId: Uuid });
const ComplaintList = Type.Object({ items: Type.Array(Complaint) });
const Params = Type.Object({ complaintId: Uuid });
const Paging = { page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) };
const ComplaintFields = {
  product: Type.String({ minLength: 1, maxLength: 200, description: 'The product as the consumer names it' }),
  productType: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$', description: 'A product type of the data standard, when one applies' })),
  issue: literals(complaintIssueCodes),
  narrative: Type.String({ minLength: 1, maxLength: NARRATIVE_MAX }),
  amountAtStakeYuan: Type.Optional(Yuan),
};
const Reason = Type.String({ minLength: 1, maxLength: 1000 });

const StatisticsRow = Type.Object({
  key: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  suppressed: Type.Boolean({ description: 'Fewer complaints than the threshold here (or needed to protect such a row): no figures are shown' }),
  complaints: Type.Union([Type.Integer(), Type.Null()]),
  answered: Type.Union([Type.Integer(), Type.Null()]),
  onTimePercent: Type.Union([Type.Number(), Type.Null()]),
  outcomes: Type.Union([Type.Object({ closedWithExplanation: Type.Integer(), monetaryRelief: Type.Integer(), nonMonetaryRelief: Type.Integer() }), Type.Null()]),
});

/** Complaints: the consumer's portal, the institution's complaint desk, the supervisor's view and the public statistics. */
export function complaintRoutes(services: { complaints: ComplaintService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { complaints } = services;

    app.get(
      '/public/complaint-taxonomy',
      {
        config: { access: 'public' },
        schema: { tags: ['public', 'complaints'], summary: 'The issues a complaint may be about and the product types', response: { 200: Type.Object({ issues: Type.Array(Type.Composite([Coded, Type.Object({ category: Type.String() })])), productTypes: Type.Array(Coded) }), ...errorResponses } },
      },
      async () => complaints.taxonomy(),
    );

    app.get(
      '/public/complaint-statistics',
      {
        config: { access: 'public' },
        schema: {
          tags: ['public', 'complaints'],
          summary: 'Complaint counts, timeliness and outcomes of a quarter by institution, product type or issue; small cells suppressed',
          querystring: Type.Object(
            { quarter: Type.Optional(Type.String({ pattern: '^\\d{4}-Q[1-4]$', description: 'YYYY-Qn; the current quarter by default' })), by: Type.Optional(literals(['institution', 'product_type', 'issue'] as const)) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ quarter: Type.String(), by: Type.String(), threshold: Type.Integer(), totalComplaints: Type.Integer(), rows: Type.Array(StatisticsRow) }), ...errorResponses },
        },
      },
      async (request) => complaints.publicStatistics(request.query.quarter ?? quarterOf(chinaDay()), request.query.by ?? 'institution'),
    );

    app.get(
      '/consumer/complaints',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'complaints'], summary: 'My complaints, newest first', response: { 200: ComplaintList, ...errorResponses } } },
      async (request) => ({ items: await complaints.mine(callerOf(request)) }),
    );

    app.post(
      '/consumer/complaints',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'complaints'],
          summary: 'File a complaint against a registered institution, or an unregistered one by its name',
          body: Type.Object(
            {
              institutionId: Type.Optional(Uuid),
              institutionName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An institution that is not registered' })),
              regionCode: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: 'Your region, when your identity number does not give it' })),
              ...ComplaintFields,
              evidenceIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, description: 'Items of your evidence vault' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Complaint, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await complaints.file(callerOf(request), request.body)),
    );

    app.get(
      '/consumer/complaints/:complaintId',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'complaints'], summary: 'One of my complaints with its history and deadline', params: Params, response: { 200: Complaint, ...errorResponses } } },
      async (request) => complaints.mineOne(callerOf(request), request.params.complaintId),
    );

    app.post(
      '/consumer/complaints/:complaintId/feedback',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'complaints'],
          summary: 'Say whether the answer satisfies me, or dispute it with a reason',
          params: Params,
          body: Type.Object({ verdict: literals(['satisfied', 'disputed'] as const), reason: Type.Optional(Reason) }, { additionalProperties: false }),
          response: { 200: Complaint, ...errorResponses },
        },
      },
      async (request) => complaints.feedback(callerOf(request), request.params.complaintId, request.body),
    );

    app.post(
      '/institution/complaints',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['complaints'],
          summary: 'Forward a complaint the institution received, naming the consumer by resident identity number',
          body: Type.Object(
            {
              residentId: Type.String({ minLength: 1, maxLength: 32 }),
              receivedOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The day the institution received it, China time, when before today; the deadline counts from then' })),
              ...ComplaintFields,
              evidenceIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, description: 'Items of the institution’s own evidence vault: the recording of the call, the letter received' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Complaint, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await complaints.forward(callerOf(request), request.body)),
    );

    app.get(
      '/institution/complaints',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['complaints'],
          summary: 'The complaint desk: complaints against my institution, newest first',
          querystring: Type.Object({ status: Type.Optional(literals(complaintStatuses)), late: Type.Optional(Type.Boolean()), ...Paging }, { additionalProperties: false }),
          response: { 200: ComplaintList, ...errorResponses },
        },
      },
      async (request) => ({ items: await complaints.desk(callerOf(request), request.query) }),
    );

    app.get(
      '/institution/complaints/:complaintId',
      { config: { access: ['institution'] }, schema: { tags: ['complaints'], summary: 'One complaint on my desk with its history', params: Params, response: { 200: Complaint, ...errorResponses } } },
      async (request) => complaints.deskOne(callerOf(request), request.params.complaintId),
    );

    app.post(
      '/institution/complaints/:complaintId/answer',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['complaints'],
          summary: 'Answer a complaint: closed with explanation, monetary relief (with its amount), non-monetary relief, or an interim reply (in progress)',
          params: Params,
          body: Type.Object({ category: literals(responseCategories), text: Type.String({ minLength: 1, maxLength: NARRATIVE_MAX }), reliefYuan: Type.Optional(Yuan) }, { additionalProperties: false }),
          response: { 200: Complaint, ...errorResponses },
        },
      },
      async (request) => complaints.answer(callerOf(request), request.params.complaintId, request.body),
    );

    app.post(
      '/institution/complaints/:complaintId/extend',
      {
        config: { access: ['institution'] },
        schema: { tags: ['complaints'], summary: 'Extend the deadline of a complex complaint, with the reason', params: Params, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: Complaint, ...errorResponses } },
      },
      async (request) => complaints.extend(callerOf(request), request.params.complaintId, request.body.reason),
    );

    app.post(
      '/institution/complaints/:complaintId/further-extension',
      {
        config: { access: ['institution'] },
        schema: { tags: ['complaints'], summary: 'Ask the supervisor for the further extension, with the reason', params: Params, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: Complaint, ...errorResponses } },
      },
      async (request) => complaints.requestFurtherExtension(callerOf(request), request.params.complaintId, request.body.reason),
    );

    for (const [role, prefix] of [['consumer', '/consumer'], ['institution', '/institution'], ['supervisor', '/supervisor']] as const) {
      app.get(
        `${prefix}/complaints/:complaintId/attachments/:evidenceId`,
        {
          config: { access: [role] },
          schema: {
            tags: [role === 'supervisor' ? 'supervision' : role === 'consumer' ? 'consumer' : 'complaints', 'complaints'],
            summary: 'The content of an attachment of a complaint, checked against its hash as it is read',
            params: AttachmentParams,
            produces: ['application/octet-stream'],
          },
        },
        async (request, reply) => {
          const { summary, stream } = await complaints.openAttachment(callerOf(request), request.params.complaintId, request.params.evidenceId);
          return reply
            .type(summary.mediaType)
            .header('content-length', String(summary.bytes))
            .header('content-disposition', attachmentHeader(summary.fileName))
            .send(stream);
        },
      );
    }

    app.get(
      '/supervisor/complaints',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervision', 'complaints'],
          summary: 'Complaints in my jurisdiction: against institutions in it and against unregistered ones routed to it',
          querystring: Type.Object(
            {
              status: Type.Optional(literals(complaintStatuses)),
              late: Type.Optional(Type.Boolean()),
              disputed: Type.Optional(Type.Boolean()),
              unknownInstitution: Type.Optional(Type.Boolean()),
              awaitingApproval: Type.Optional(Type.Boolean({ description: 'A further extension awaits my decision' })),
              ...Paging,
            },
            { additionalProperties: false },
          ),
          response: { 200: ComplaintList, ...errorResponses },
        },
      },
      async (request) => ({ items: await complaints.supervisorList(callerOf(request), request.query) }),
    );

    app.get(
      '/supervisor/complaints/:complaintId',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervision', 'complaints'], summary: 'One complaint in my jurisdiction with its history', params: Params, response: { 200: Complaint, ...errorResponses } } },
      async (request) => complaints.supervisorOne(callerOf(request), request.params.complaintId),
    );

    app.post(
      '/supervisor/complaints/:complaintId/refer',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervision', 'complaints'],
          summary: 'Refer a complaint against an unregistered institution to the registered institution it turns out to be; its deadline counts from today',
          params: Params,
          body: Type.Object({ institutionId: Uuid }, { additionalProperties: false }),
          response: { 200: Complaint, ...errorResponses },
        },
      },
      async (request) => complaints.referToInstitution(callerOf(request), request.params.complaintId, request.body.institutionId),
    );

    app.post(
      '/supervisor/complaints/:complaintId/further-extension',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervision', 'complaints'],
          summary: 'Approve or refuse a requested further extension, with a note',
          params: Params,
          body: Type.Object({ approve: Type.Boolean(), note: Reason }, { additionalProperties: false }),
          response: { 200: Complaint, ...errorResponses },
        },
      },
      async (request) => complaints.decideFurtherExtension(callerOf(request), request.params.complaintId, request.body),
    );
  };
}
