import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { ErrorReply, errorResponses, Page } from '../platform/schemas.js';
import { UPLOAD_MEDIA_TYPES, type FilingService } from './filing.service.js';
import { findingFigures, readerPhrasesZh } from './edits/figures.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid' });
const Period = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'Reporting period, a calendar month: YYYY-MM' });
const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const FilingStatusSchema = literals(['received', 'validating', 'errors', 'warnings', 'clean', 'verified', 'signed', 'accepted', 'superseded'] as const);

const FilingView = Type.Object({
  filingId: Uuid,
  institutionId: Uuid,
  institution: Type.Object({ uscc: Type.String(), nameZh: Type.String(), nameEn: Type.String() }, { description: 'The institution that filed' }),
  recordType: Type.String(),
  period: Type.String(),
  version: Type.Integer(),
  status: FilingStatusSchema,
  contentType: Type.String(),
  fileHash: Type.Union([Type.String({ description: 'SHA-256 (hex) of the file content, after removing gzip transfer compression' }), Type.Null()]),
  fileBytes: Type.Union([Type.Integer(), Type.Null()]),
  encoding: Type.Union([Type.String(), Type.Null()]),
  recordCount: Type.Union([Type.Integer(), Type.Null()]),
  errorCount: Type.Integer(),
  warningCount: Type.Integer(),
  explanations: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  validatedAt: Timestamp,
  verifiedAt: Timestamp,
  signedAt: Timestamp,
  acceptedAt: Timestamp,
  supersededAt: Timestamp,
});

const FindingCount = Type.Object({
  editId: Type.String(),
  editClass: Type.String(),
  severity: literals(['error', 'warning'] as const),
  count: Type.Integer(),
  zh: Type.String(),
  en: Type.String(),
});

const FilingDetail = Type.Composite([FilingView, Type.Object({ findings: Type.Array(FindingCount), receiptId: Type.Union([Uuid, Type.Null()]) })]);

const FindingExample = Type.Object({ editId: Type.String(), rowNumber: Type.Integer({ description: '1-based record number; 0 for the header or the whole file' }), values: Type.Record(Type.String(), Type.String()) });

const ReceiptBody = Type.Object({
  receiptId: Uuid,
  filingId: Uuid,
  fileHash: Type.String(),
  hashAlgorithm: Type.Literal('sha256'),
  institution: Type.Object({ id: Uuid, uscc: Type.String(), nameZh: Type.String(), nameEn: Type.String() }),
  recordType: Type.String(),
  period: Type.String(),
  version: Type.Integer(),
  recordCount: Type.Integer(),
  signedAt: Type.String({ format: 'date-time' }),
  keyId: Type.String(),
  algorithm: literals(['ed25519', 'sm2'] as const),
});
const SignedReceipt = Type.Object({ receipt: ReceiptBody, signature: Type.String({ description: 'Over the canonical JSON of `receipt`: base64 for Ed25519, hex r‖s for SM2' }) });

const PublicKey = Type.Object({ algorithm: literals(['ed25519', 'sm2'] as const), keyId: Type.String(), publicKey: Type.String({ description: 'SPKI PEM (Ed25519) or uncompressed hex (SM2)' }) });

const IdParams = Type.Object({ id: Uuid });

const EditSchema = Type.Object({
  id: Type.String(),
  editClass: literals(['syntactical', 'validity', 'quality', 'macro'] as const),
  severity: literals(['error', 'warning'] as const),
  scope: literals(['header', 'row', 'file', 'load'] as const),
  recordTypes: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
  fields: Type.Array(Type.String()),
  zh: Type.String(),
  en: Type.String(),
});

const FigureSchema = Type.Object({
  name: Type.String(),
  kind: literals(['rate', 'count', 'text'] as const),
  zh: Type.String(),
  en: Type.String(),
});

const FieldSchema = Type.Object(
  {
    name: Type.String(),
    type: Type.String(),
    required: Type.Boolean(),
    zh: Type.String(),
    en: Type.String(),
    descriptionZh: Type.String(),
    descriptionEn: Type.String(),
    codeList: Type.Optional(Type.String()),
    maxLength: Type.Optional(Type.Integer()),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    period: Type.Optional(Type.String()),
    partyTypeField: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const RecordTypeSchema = Type.Object(
  {
    type: Type.String(),
    zh: Type.String(),
    en: Type.String(),
    descriptionZh: Type.String(),
    descriptionEn: Type.String(),
    idField: Type.String(),
    identity: Type.Union([Type.Literal('state'), Type.Literal('event')], { description: 'state: a later period updates the record; event: it happens once, its id is never filed for another period' }),
    table: Type.String(),
    fields: Type.Array(FieldSchema),
  },
  { additionalProperties: true },
);

const UPLOAD_DESCRIPTION = [
  'Stream one file of one record type for one reporting period: CSV (`text/csv`, comma-separated, header row) or JSON Lines',
  '(`application/x-ndjson` / `application/jsonl`), UTF-8 with or without BOM or GB18030/GBK, optionally gzip',
  '(`Content-Encoding: gzip` or a .gz body). Up to 2 GiB. The file is validated as it arrives; the reply gives the',
  'status (errors | warnings | clean) and the counts per edit. A period already accepted needs `resubmission=true`.',
].join(' ');

/** Filing routes: upload, list, findings, verify, sign, load; receipts; the platform key; the standard and its edits. */
export function filingRoutes(services: { filing: FilingService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { filing } = services;

    // Uploads reach the handler as the raw request stream: nothing is buffered, limits are the service's.
    app.addContentTypeParser(UPLOAD_MEDIA_TYPES, (_request, payload, done) => done(null, payload));

    app.post(
      '/filings',
      {
        config: { access: ['institution'] },
        bodyLimit: filing.uploadLimitBytes,
        schema: {
          tags: ['filing'],
          summary: 'Upload a file of records for a reporting period',
          description: UPLOAD_DESCRIPTION,
          consumes: UPLOAD_MEDIA_TYPES,
          querystring: Type.Object(
            {
              recordType: Type.String({ description: 'product, loan, repayment, payment, fund_flow, collection, disclosure, complaint, algorithm_decision' }),
              period: Period,
              resubmission: Type.Optional(Type.Boolean({ description: 'true to replace a period whose filing was already accepted with a new version' })),
              institutionId: Type.Optional(Type.String({ description: "Must be the caller's own institution when given" })),
            },
            { additionalProperties: false },
          ),
          response: { 201: FilingDetail, ...errorResponses, 415: ErrorReply },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const declared = Number(request.headers['content-length']);
        const created = await filing.fileRecords(caller, {
          recordType: request.query.recordType,
          period: request.query.period,
          source: request.body as Readable,
          contentType: request.headers['content-type'] ?? '',
          ...(request.headers['content-encoding'] ? { contentEncoding: request.headers['content-encoding'] } : {}),
          ...(Number.isFinite(declared) && request.headers['content-length'] !== undefined ? { contentLength: declared } : {}),
          ...(request.query.resubmission !== undefined ? { resubmission: request.query.resubmission } : {}),
          ...(request.query.institutionId !== undefined ? { institutionId: request.query.institutionId } : {}),
        });
        return reply.status(201).send(await filing.get(caller, created.filingId));
      },
    );

    app.get(
      '/filings',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: {
          tags: ['filing'],
          summary: "Filings: an institution's own, or those of the supervisor's jurisdiction",
          querystring: Type.Object(
            {
              recordType: Type.Optional(Type.String()),
              period: Type.Optional(Period),
              status: Type.Optional(FilingStatusSchema),
              institutionId: Type.Optional(Uuid),
              hideReplaced: Type.Optional(Type.Boolean({ description: 'true to leave out superseded versions and versions with errors that a later upload of the same record type and period followed' })),
              page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
              pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Page(FilingView), ...errorResponses },
        },
      },
      async (request) => {
        const { recordType, period, status, institutionId, hideReplaced, page, pageSize } = request.query;
        return filing.list(callerOf(request), {
          page,
          pageSize,
          ...(hideReplaced ? { hideReplaced } : {}),
          ...(recordType ? { recordType } : {}),
          ...(period ? { period } : {}),
          ...(status ? { status } : {}),
          ...(institutionId ? { institutionId } : {}),
        });
      },
    );

    app.get(
      '/filings/:id',
      { config: { access: ['institution', 'supervisor'] }, schema: { tags: ['filing'], summary: 'One filing with its finding counts per edit', params: IdParams, response: { 200: FilingDetail, ...errorResponses } } },
      async (request) => filing.get(callerOf(request), request.params.id),
    );

    app.get(
      '/filings/:id/findings',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: {
          tags: ['filing'],
          summary: 'Finding counts per edit and example rows (first 100 per edit), paginated',
          params: IdParams,
          querystring: Type.Object(
            { editId: Type.Optional(Type.String({ pattern: '^[SVQM][0-9]{3}$' })), page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ counts: Type.Array(FindingCount), items: Type.Array(FindingExample), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const { editId, page, pageSize } = request.query;
        return filing.findings(callerOf(request), request.params.id, { page, pageSize, ...(editId ? { editId } : {}) });
      },
    );

    app.get(
      '/filings/:id/findings.csv',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: { tags: ['filing'], summary: 'The findings as CSV (safe to open in a spreadsheet)', params: IdParams, produces: ['text/csv'], response: { 200: Type.String(), ...errorResponses } },
      },
      async (request, reply) => {
        const csv = await filing.findingsCsv(callerOf(request), request.params.id);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="findings-${request.params.id}.csv"`).send(csv);
      },
    );

    app.post(
      '/filings/:id/verify',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['filing'],
          summary: 'Verify a filing with warnings: an explanation for every warning edit',
          params: IdParams,
          body: Type.Object({ explanations: Type.Record(Type.String({ pattern: '^[SVQM][0-9]{3}$' }), Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
          response: { 200: FilingView, ...errorResponses },
        },
      },
      async (request) => filing.verify(callerOf(request), request.params.id, request.body.explanations),
    );

    app.post(
      '/filings/:id/sign',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['filing'],
          summary: 'Sign a clean or verified filing: the platform signs a receipt and loads the records',
          params: IdParams,
          response: { 200: Type.Object({ filing: FilingView, receipt: SignedReceipt }), ...errorResponses },
        },
      },
      async (request) => filing.sign(callerOf(request), request.params.id),
    );

    app.post(
      '/filings/:id/load',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: { tags: ['filing'], summary: 'Retry the load of a signed filing (a load that did not finish)', params: IdParams, response: { 200: FilingView, ...errorResponses } },
      },
      async (request) => filing.loadFor(callerOf(request), request.params.id),
    );

    app.get(
      '/receipts/:id',
      { config: { access: ['institution', 'supervisor'] }, schema: { tags: ['filing'], summary: 'A signed filing receipt', params: IdParams, response: { 200: SignedReceipt, ...errorResponses } } },
      async (request) => filing.receipt(callerOf(request), request.params.id),
    );

    app.get(
      '/receipts/:id/verify',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: {
          tags: ['filing'],
          summary: "Check a receipt's signature with the platform's public key",
          params: IdParams,
          response: { 200: Type.Object({ valid: Type.Boolean(), reason: Type.Optional(Type.String()), receiptId: Uuid, keyId: Type.String(), algorithm: Type.String() }), ...errorResponses },
        },
      },
      async (request) => filing.verifyStoredReceipt(callerOf(request), request.params.id),
    );

    app.get(
      '/platform/public-key',
      { config: { access: 'public' }, schema: { tags: ['platform'], summary: "The platform's signature public key (receipts, audit checkpoints)", response: { 200: PublicKey } } },
      async () => filing.publicKey(),
    );

    app.get(
      '/standard/edits',
      {
        config: { access: 'public' },
        schema: {
          tags: ['standard'],
          summary: 'The edit catalogue: every check a filing goes through, and the figures its findings carry besides the record fields (with their kind: rate, count or text)',
          response: { 200: Type.Object({ edits: Type.Array(EditSchema), figures: Type.Array(FigureSchema), readerPhrasesZh: Type.Record(Type.String(), Type.String()) }) },
        },
      },
      async () => ({ edits: filing.editCatalogue(), figures: [...findingFigures], readerPhrasesZh: { ...readerPhrasesZh } }),
    );

    app.get(
      '/standard/record-types',
      { config: { access: 'public' }, schema: { tags: ['standard'], summary: 'The data standard: record types and their fields', response: { 200: Type.Object({ recordTypes: Type.Array(RecordTypeSchema) }) } } },
      async () => ({ recordTypes: filing.recordTypes() }),
    );
  };
}
