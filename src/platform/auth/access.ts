import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../errors.js';
import { actorOf, type AuthService, type Principal, type Role } from './auth.service.js';
import type { Actor } from '../audit/audit.service.js';

/** Who may call a route: `public`, or a list of roles. Every route must declare it. */
export type Access = 'public' | readonly Exclude<Role, 'public'>[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
    actor: Actor;
  }
}

// Routes that plugins register for themselves (API docs UI, static web assets) are public.
const PLUGIN_PUBLIC_PREFIXES = ['/docs'];
const isPluginPublic = (url: string): boolean => PLUGIN_PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`)) || url === '/*';

/** The credential a request carries: `Authorization: Bearer …` or `X-Api-Key`. */
function credentialOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) fail('FH_UNAUTHENTICATED', { field: 'headers.authorization' });
    return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}

/**
 * Deny by default: a route without an `access` declaration cannot be registered; every request
 * is authenticated before its body is read, and refused unless its principal's role is allowed.
 */
export function installAccessControl(app: FastifyInstance, auth: AuthService): void {
  // Fastify wants a null placeholder for per-request objects; onRequest sets both before any handler.
  app.decorateRequest('principal', null as never);
  app.decorateRequest('actor', null as never);
  app.addHook('onRoute', (route) => {
    if (!route.config?.access && !isPluginPublic(route.url)) {
      throw new Error(`route ${String(route.method)} ${route.url} does not declare who may call it (config.access)`);
    }
  });
  app.addHook('onRequest', async (request) => {
    request.principal = { role: 'public' };
    request.actor = actorOf(request.principal, request.id);
    const access = request.routeOptions.config?.access ?? (isPluginPublic(request.routeOptions.url ?? '') ? 'public' : undefined);
    // Unmatched routes fall through to the 404 handler without authentication.
    if (request.routeOptions.url === undefined) return;
    const credential = credentialOf(request);
    if (credential) {
      request.principal = await auth.authenticate(credential);
      request.actor = actorOf(request.principal, request.id);
    }
    if (access === 'public') return;
    if (!access) fail('FH_FORBIDDEN');
    if (request.principal.role === 'public') fail('FH_UNAUTHENTICATED');
    if (!access.includes(request.principal.role)) fail('FH_FORBIDDEN');
  });
}

/** Narrow the principal to one role inside a handler (the route's access list already checked it). */
export function principalAs<R extends Role>(request: FastifyRequest, role: R): Extract<Principal, { role: R }> {
  if (request.principal.role !== role) fail('FH_FORBIDDEN');
  return request.principal as Extract<Principal, { role: R }>;
}

/** Who a service acts for: the principal (for access checks) and the audit actor. */
export interface Caller {
  principal: Principal;
  actor: Actor;
}

/** The caller of a request, to hand to a service. */
export function callerOf(request: FastifyRequest): Caller {
  return { principal: request.principal, actor: request.actor };
}
