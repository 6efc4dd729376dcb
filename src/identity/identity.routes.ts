import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses, JurisdictionRef } from '../platform/schemas.js';
import type { IdentityService } from './identity.service.js';

/** Consumer registration, the consumer's own profile and the log of who touched their data. */
export function identityRoutes(services: { identity: IdentityService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { identity } = services;

    app.post(
      '/public/consumers',
      {
        config: { access: 'public' },
        schema: {
          tags: ['consumer'],
          summary: 'Register a consumer account with a resident identity card number',
          body: Type.Object(
            {
              username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
              password: Type.String({ minLength: 1, maxLength: 256 }),
              displayName: Type.String({ minLength: 1, maxLength: 64 }),
              residentId: Type.String({ minLength: 1, maxLength: 32 }),
              phone: Type.Optional(Type.String({ maxLength: 20 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ consumerId: Type.String({ format: 'uuid' }) }), ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await identity.registerConsumer(request.body, request.id)),
    );

    app.get(
      '/consumer/profile',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer'],
          summary: 'My profile (the identity number masked); the read is logged',
          response: {
            200: Type.Object({
              consumerId: Type.String(),
              displayName: Type.String(),
              residentIdMasked: Type.String(),
              birthDate: Type.String(),
              sex: Type.Union([Type.Literal('male'), Type.Literal('female')]),
              region: Type.Union([JurisdictionRef, Type.Null()]),
              registeredAt: Type.String({ format: 'date-time' }),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => identity.profile(callerOf(request)),
    );

    app.get(
      '/consumer/access-log',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer'],
          summary: 'Every access to my personal data, newest first',
          querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ seq: Type.Integer(), occurredAt: Type.String({ format: 'date-time' }), actorRole: Type.String(), actor: Type.Union([Type.Object({ self: Type.Boolean(), nameZh: Type.String(), nameEn: Type.String() }), Type.Null()], { description: 'Who it was by name; null for the platform itself' }), action: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), resource: Type.Union([Type.String(), Type.Null()]) })),
              page: Type.Integer(),
              pageSize: Type.Integer(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => identity.accessLog(callerOf(request), request.query.page, request.query.pageSize),
    );
  };
}
