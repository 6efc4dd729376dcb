import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses } from '../platform/schemas.js';
import { consentScopes } from './consent.schema.js';
import type { ConsentService } from './consent.service.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid' });
const Coded = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });
const Consent = Type.Object({
  consentId: Uuid,
  institution: Type.Object({ institutionId: Uuid, nameZh: Type.String(), nameEn: Type.String() }),
  scope: literals(consentScopes),
  purposes: Type.Array(Coded),
  dataCategories: Type.Array(Type.Composite([Coded, Type.Object({ sensitive: Type.Boolean() })])),
  sensitive: Type.Boolean(),
  recipient: Type.Union([Type.String(), Type.Null()]),
  grantedAt: Type.String({ format: 'date-time' }),
  expiresOn: Type.Union([Type.String(), Type.Null()]),
  withdrawnAt: Type.Union([Type.String(), Type.Null()]),
  status: literals(['active', 'expired', 'withdrawn'] as const),
});

/** The consent registry: a consumer's own consents, granted and withdrawn; an institution's view of those granted to it. */
export function consentRoutes(services: { consent: ConsentService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { consent } = services;

    app.get(
      '/consumer/consents',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'privacy'], summary: 'My consents and authorisations, newest first, with their standing today', response: { 200: Type.Object({ items: Type.Array(Consent) }), ...errorResponses } } },
      async (request) => ({ items: await consent.mine(callerOf(request)) }),
    );

    app.post(
      '/consumer/consents',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'privacy'],
          summary: 'Grant an institution a consent: a credit inquiry authorisation, processing, or sharing with another handler',
          body: Type.Object(
            {
              institutionId: Uuid,
              scope: literals(consentScopes),
              purposes: Type.Array(Type.String({ pattern: '^[a-z_]{1,40}$' }), { minItems: 1, maxItems: 10 }),
              dataCategories: Type.Array(Type.String({ pattern: '^[a-z_]{1,40}$' }), { maxItems: 10, default: [] }),
              expiresOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The last day it holds, China time' })),
              recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              separateConsent: Type.Optional(Type.Boolean({ description: 'The separate consent that sensitive data (PIPL Art.29) and sharing (Art.23) need' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Consent, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await consent.grant(callerOf(request), request.body)),
    );

    app.post(
      '/consumer/consents/:consentId/withdraw',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'privacy'], summary: 'Withdraw a consent, effective at once', params: Type.Object({ consentId: Uuid }), response: { 200: Consent, ...errorResponses } } },
      async (request) => consent.withdraw(callerOf(request), request.params.consentId),
    );

    app.get(
      '/institution/consents',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['privacy'],
          summary: 'Consents granted to my institution, newest first',
          querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(Consent) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await consent.granted(callerOf(request), request.query.page, request.query.pageSize) }),
    );
  };
}
