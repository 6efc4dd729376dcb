import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses } from '../platform/schemas.js';
import { chinaDay } from '../standard/china-time.js';
import { dataRequestKinds } from './data-rights.schema.js';
import type { DataRightsService } from './data-rights.service.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Text = Type.Object({ zh: Type.String(), en: Type.String() });
const Hold = Type.Object({ code: Type.String(), title: Text, basis: Text, resource: Type.String() });
const Retention = Type.Object({ category: Type.String(), title: Text, basis: Text });
const DataRequest = Type.Object({
  requestId: Type.String({ format: 'uuid' }),
  kind: literals(dataRequestKinds),
  outcome: literals(['completed', 'refused'] as const),
  detail: Type.Record(Type.String(), Type.Unknown()),
  refusal: Type.Union([Type.Array(Hold), Type.Null()]),
  requestedAt: Type.String({ format: 'date-time' }),
});

/** The consumer's data rights: a copy of everything (Art.45), correction (Art.46), deletion (Art.47) with reasons for a refusal (Art.50). */
export function dataRightsRoutes(services: { dataRights: DataRightsService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { dataRights } = services;

    app.get(
      '/consumer/data-export',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'privacy'],
          summary: 'Download everything the platform holds about me, as one JSON file (PIPL Art.45)',
          description: 'Identity in clear, consents, credit report and disputes, payment reminders, complaints and evidence when held, the whole access log and earlier requests. The download itself is recorded and logged.',
          response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { document } = await dataRights.export(callerOf(request));
        return reply.header('content-disposition', `attachment; filename="fenghuo-personal-data-${chinaDay()}.json"`).send(document);
      },
    );

    app.get(
      '/consumer/data-requests',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'privacy'], summary: 'My data-rights requests, newest first', response: { 200: Type.Object({ items: Type.Array(DataRequest) }), ...errorResponses } } },
      async (request) => ({ items: await dataRights.requests(callerOf(request)) }),
    );

    app.post(
      '/consumer/data-requests/correction',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'privacy'],
          summary: 'Correct what the platform holds on me: my display name or mobile number (PIPL Art.46)',
          description: 'Records an institution reported are corrected by disputing them on the credit report.',
          body: Type.Object(
            {
              displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
              phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()], { description: 'null removes the number' })),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 201: DataRequest, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await dataRights.correct(callerOf(request), request.body)),
    );

    app.get(
      '/consumer/data-requests/deletion-plan',
      {
        config: { access: ['consumer'] },
        schema: { tags: ['consumer', 'privacy'], summary: 'What deleting my data would do now: what stops it, what it erases, what the law keeps', response: { 200: Type.Object({ holds: Type.Array(Hold), erases: Type.Array(Text), retained: Type.Array(Retention) }), ...errorResponses } },
      },
      async (request) => dataRights.deletionPlan(callerOf(request)),
    );

    app.post(
      '/consumer/data-requests/deletion',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'privacy'],
          summary: 'Delete my personal data and close my account (PIPL Art.47), confirmed with my password',
          description: 'Refused with FH_DATA_LEGAL_HOLD and its reasons while a case is pending. Irreversible: the session ends with it.',
          body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: DataRequest, ...errorResponses },
        },
      },
      async (request) => dataRights.delete(callerOf(request), request.body.password, request.ip),
    );
  };
}
