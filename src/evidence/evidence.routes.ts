import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { ErrorReply, errorResponses, Page } from '../platform/schemas.js';
import type { EvidenceService } from './evidence.service.js';
import { ALLOWED_DESCRIPTION } from './media-types.js';

const Uuid = Type.String({ format: 'uuid' });
const IdParams = Type.Object({ id: Uuid });

export const EvidenceReceiptSchema = Type.Object({
  receipt: Type.Object({
    kind: Type.Literal('fenghuo.evidence-receipt'),
    evidenceId: Uuid,
    hashAlgorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sm3')]),
    hash: Type.String({ description: 'Hex digest of the file as received' }),
    bytes: Type.Integer(),
    mediaType: Type.String({ description: 'The type found in the file’s first bytes' }),
    fileName: Type.String(),
    owner: Type.String({ description: '`person:<hex>`, a one-way reference of the person, or `institution:<id>`' }),
    receivedAt: Type.String({ format: 'date-time' }),
    keyId: Type.String(),
    algorithm: Type.Union([Type.Literal('ed25519'), Type.Literal('sm2')]),
  }),
  signature: Type.String({ description: 'Over the canonical JSON of `receipt`: base64 for Ed25519, hex r‖s for SM2' }),
});

export const EvidenceSummarySchema = Type.Object({
  evidenceId: Uuid,
  fileName: Type.String(),
  mediaType: Type.String(),
  bytes: Type.Integer(),
  hashAlgorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sm3')]),
  hash: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  receipt: EvidenceReceiptSchema,
});

const EvidenceDetail = Type.Composite([EvidenceSummarySchema, Type.Object({ erasedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) })]);

const IntegrityCheck = Type.Object({
  evidenceId: Uuid,
  intact: Type.Boolean(),
  code: Type.Optional(Type.Literal('FH_EVIDENCE_DAMAGED')),
  reason: Type.Optional(Type.String()),
  checkedAt: Type.String({ format: 'date-time' }),
});

/** `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name (RFC 6266). */
function disposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The evidence vault's routes, the same for a consumer (/consumer/evidence) and an institution (/institution/evidence). */
export function evidenceRoutes(services: { evidence: EvidenceService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { evidence } = services;

    // A deposit reaches the handler as the raw request stream, whatever its type: the service reads
    // the real type from the bytes and streams them to disk; nothing is buffered.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    for (const [role, who] of [
      ['consumer', 'my'],
      ['institution', "my institution's"],
    ] as const) {
      const base = `/${role}/evidence`;
      const tags = [role === 'consumer' ? 'consumer' : 'institution', 'evidence'];

      app.post(
        base,
        {
          config: { access: [role] },
          // The service enforces the evidence limit while streaming, with its own code; this only keeps Fastify's out of the way.
          bodyLimit: Number.MAX_SAFE_INTEGER,
          schema: {
            tags,
            summary: `Deposit a file in ${who} evidence vault; answers with the signed receipt`,
            description: [
              'The body is the file itself (any Content-Type; `application/octet-stream` declares nothing). Its type is read from its first bytes:',
              `${ALLOWED_DESCRIPTION.join(', ')}. Plain text has no signature, so it is taken only when declared (text/plain or a .txt name) and all of it is UTF-8.`,
              'A declared type or name extension the content contradicts is refused (FH_EVIDENCE_TYPE_MISMATCH), as are an empty file and one over the limit (FH_EVIDENCE_TOO_LARGE, 64 MiB by default).',
              'The file is hashed (SHA-256, or SM3 on a platform that signs with SM2) and kept encrypted; the receipt verifies offline with GET /v1/platform/public-key.',
            ].join(' '),
            querystring: Type.Object({ fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 400, description: 'The file name (or send it percent-encoded in X-File-Name)' })) }, { additionalProperties: false }),
            response: { 201: EvidenceSummarySchema, ...errorResponses, 415: ErrorReply },
          },
        },
        async (request, reply) => {
          const header = request.headers['x-file-name'];
          let fileName = request.query.fileName ?? '';
          if (!fileName && typeof header === 'string') {
            try {
              fileName = decodeURIComponent(header);
            } catch {
              fileName = '';
            }
          }
          const declared = Number(request.headers['content-length']);
          const item = await evidence.receive(callerOf(request), {
            source: request.body as Readable,
            fileName,
            contentType: request.headers['content-type'],
            ...(request.headers['content-length'] !== undefined && Number.isFinite(declared) ? { contentLength: declared } : {}),
          });
          return reply.status(201).send(item);
        },
      );

      app.get(
        base,
        {
          config: { access: [role] },
          schema: {
            tags,
            summary: `${who[0]!.toUpperCase()}${who.slice(1)} evidence, newest first`,
            querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
            response: { 200: Page(EvidenceSummarySchema), ...errorResponses },
          },
        },
        async (request) => evidence.list(callerOf(request), request.query.page, request.query.pageSize),
      );

      app.get(
        `${base}/:id`,
        { config: { access: [role] }, schema: { tags, summary: 'One item with its receipt', params: IdParams, response: { 200: EvidenceDetail, ...errorResponses } } },
        async (request) => evidence.get(callerOf(request), request.params.id),
      );

      app.get(
        `${base}/:id/content`,
        {
          config: { access: [role] },
          schema: { tags, summary: 'Download the item, decrypted and checked as it streams (its own media type)', params: IdParams, produces: ['application/octet-stream'] },
        },
        async (request, reply) => {
          const { summary, stream } = await evidence.content(callerOf(request), request.params.id);
          return reply.type(summary.mediaType).header('content-length', String(summary.bytes)).header('content-disposition', disposition(summary.fileName)).header('x-content-type-options', 'nosniff').send(stream);
        },
      );

      app.get(
        `${base}/:id/receipt`,
        { config: { access: [role] }, schema: { tags, summary: 'The signed receipt, to keep and check offline', params: IdParams, response: { 200: EvidenceReceiptSchema, ...errorResponses } } },
        async (request, reply) => {
          const receipt = await evidence.receipt(callerOf(request), request.params.id);
          return reply.header('content-disposition', `attachment; filename="evidence-${request.params.id}.receipt.json"`).send(receipt);
        },
      );

      app.get(
        `${base}/:id/check`,
        {
          config: { access: [role] },
          schema: { tags, summary: 'Read the stored item back in full: intact, or damaged (FH_EVIDENCE_DAMAGED) with the reason', params: IdParams, response: { 200: IntegrityCheck, ...errorResponses, 410: ErrorReply } },
        },
        async (request) => evidence.check(callerOf(request), request.params.id),
      );
    }
  };
}
