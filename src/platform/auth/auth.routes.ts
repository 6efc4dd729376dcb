import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform.js';
import { errorResponses } from '../schemas.js';
import { principalAs } from './access.js';
import type { Principal } from './auth.service.js';

/** Turns a principal into what the client shows (names of the jurisdiction, the institution). */
export type PrincipalView = (principal: Principal) => Promise<Record<string, unknown>>;

const SessionReply = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  principal: Type.Record(Type.String(), Type.Unknown()),
});

/** Login, logout, who-am-I, and an institution's own API keys. */
export function authRoutes(platform: Platform, describe: PrincipalView): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { auth } = platform;

    app.post(
      '/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Log in as a supervisor, mediator or consumer. Attempts are limited per account and per address (429 with Retry-After)',
          body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
          response: { 200: SessionReply, ...errorResponses, 429: errorResponses[400] },
        },
      },
      async (request) => {
        const session = await auth.login(request.body.username, request.body.password, request.id, request.ip);
        return { token: session.token, expiresAt: session.expiresAt.toISOString(), principal: await describe(session.principal) };
      },
    );

    app.post(
      '/auth/api-key',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: "Open an institution portal session with one of the institution's API keys",
          body: Type.Object({ apiKey: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: SessionReply, ...errorResponses },
        },
      },
      async (request) => {
        const session = await auth.loginWithApiKey(request.body.apiKey, request.id);
        return { token: session.token, expiresAt: session.expiresAt.toISOString(), principal: await describe(session.principal) };
      },
    );

    app.post(
      '/auth/logout',
      { config: { access: ['supervisor', 'institution', 'consumer', 'mediator'] }, schema: { tags: ['auth'], summary: 'End this session', response: { 204: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        if (token) await auth.logout(token);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        config: { access: ['supervisor', 'institution', 'consumer', 'mediator'] },
        schema: { tags: ['auth'], summary: 'Who is calling', response: { 200: Type.Object({ principal: Type.Record(Type.String(), Type.Unknown()) }), ...errorResponses } },
      },
      async (request) => ({ principal: await describe(request.principal) }),
    );

    const ApiKeyView = Type.Object({
      keyId: Type.String(),
      label: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
      lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    });

    app.get(
      '/institution/api-keys',
      { config: { access: ['institution'] }, schema: { tags: ['institution'], summary: "The institution's API keys (never their secrets)", response: { 200: Type.Object({ items: Type.Array(ApiKeyView) }), ...errorResponses } } },
      async (request) => {
        const me = principalAs(request, 'institution');
        const keys = await auth.listApiKeys(me.institutionId);
        return {
          items: keys.map((k) => ({ keyId: k.key_id, label: k.label, createdAt: k.created_at.toISOString(), lastUsedAt: k.last_used_at?.toISOString() ?? null, revokedAt: k.revoked_at?.toISOString() ?? null })),
        };
      },
    );

    app.post(
      '/institution/api-keys',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['institution'],
          summary: 'Issue a new API key; the key is shown once',
          body: Type.Object({ label: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })) }, { additionalProperties: false }),
          response: { 201: Type.Object({ apiKey: Type.String(), keyId: Type.String(), createdAt: Type.String({ format: 'date-time' }) }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const me = principalAs(request, 'institution');
        const created = await auth.createApiKey(platform.database.db, me.institutionId, request.body?.label ?? 'API key', request.actor);
        return reply.status(201).send({ apiKey: created.apiKey, keyId: created.keyId, createdAt: created.createdAt.toISOString() });
      },
    );

    app.delete(
      '/institution/api-keys/:keyId',
      {
        config: { access: ['institution'] },
        schema: { tags: ['institution'], summary: 'Revoke an API key', params: Type.Object({ keyId: Type.String({ pattern: '^[0-9a-f]{12}$' }) }), response: { 204: Type.Null(), ...errorResponses } },
      },
      async (request, reply) => {
        const me = principalAs(request, 'institution');
        await auth.revokeApiKey(me.institutionId, request.params.keyId, request.actor);
        return reply.status(204).send(null);
      },
    );
  };
}
