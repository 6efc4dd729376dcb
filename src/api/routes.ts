import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { authRoutes } from '../platform/auth/auth.routes.js';
import type { Principal } from '../platform/auth/auth.service.js';
import { createServices, type Services } from './services.js';

/** What the client is shown of a principal. */
function describePrincipal(_services: Services) {
  return async (principal: Principal): Promise<Record<string, unknown>> => ({ ...principal });
}

/** Every capability's routes, under /v1. */
export function capabilityRoutes(platform: Platform, services: Services = createServices(platform)): FastifyPluginAsync {
  return async (app) => {
    await app.register(authRoutes(platform, describePrincipal(services)));
  };
}
