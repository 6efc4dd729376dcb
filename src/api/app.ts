import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { FhError, type ErrorBody } from '../platform/errors.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../platform/database.js';
import { gauge, histogram } from '../platform/metrics.js';
import { installAccessControl } from '../platform/auth/access.js';
import type { Platform } from '../platform/platform.js';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from './schemas.js';
import { shareErrorResponses } from './openapi.js';
import { capabilityRoutes } from './routes.js';
import { createServices, type Services } from './services.js';
import type { CompiledSchemas } from './compiled-schemas.js';
import { boundaryValidatorCompiler, clientErrorReply, frameworkErrorReply, installBoundary, partName } from './boundary.js';

export const webDistDir = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface AppOptions {
  /** Serve the built web UI from web/dist when it exists (default true). */
  serveWeb?: boolean;
  logger?: boolean | { level: string };
  /** False while the database is not yet reachable: every data route answers 503. */
  isReady?: () => boolean;
  /** Capability services, when the caller already built them (serve, tests). */
  services?: Services;
  /**
   * Schemas compiled by earlier apps of this process, to reuse rather than compile again (tests
   * build an app per database); default none, every schema is compiled for this app.
   */
  compiledSchemas?: CompiledSchemas;
}

/** Map anything thrown in a handler to the catalogue. */
function toFhError(error: unknown): FhError {
  if (error instanceof FhError) return error;
  const e = error as FastifyError & { validation?: { instancePath?: string; params?: { missingProperty?: string } }[]; validationContext?: string };
  if (e.validation && e.validation.length > 0) {
    const first = e.validation[0]!;
    const path = (first.instancePath ?? '').split('/').filter(Boolean).join('.');
    const missing = first.params?.missingProperty;
    const field = [partName(e.validationContext), path, missing].filter(Boolean).join('.');
    return new FhError('FH_VALIDATION', field, { reason: e.message.replace(/^querystring\b/, 'query') });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FhError('FH_PAYLOAD_TOO_LARGE', 'body', { limitBytes: undefined });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FhError('FH_UNSUPPORTED_MEDIA_TYPE', 'headers.content-type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new FhError('FH_MALFORMED_JSON', 'body');
    default:
      break;
  }
  if (e instanceof SyntaxError && e.statusCode === 400) return new FhError('FH_MALFORMED_JSON', 'body');
  if (isDatabaseUnavailable(error)) return new FhError('FH_DATABASE_UNAVAILABLE');
  if (typeof e.statusCode === 'number' && e.statusCode === 413) return new FhError('FH_PAYLOAD_TOO_LARGE', 'body');
  return new FhError('FH_INTERNAL');
}

/** Assemble the HTTP server: platform hooks, every capability's routes, docs, metrics, web UI. */
export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: platform.config.logLevel },
    bodyLimit: platform.config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: frameworkErrorReply,
    clientErrorHandler: clientErrorReply,
  }).withTypeProvider<TypeBoxTypeProvider>();
  const compiledSchemas = options.compiledSchemas;
  app.setValidatorCompiler(compiledSchemas ? compiledSchemas.validator(boundaryValidatorCompiler()) : boundaryValidatorCompiler());
  if (compiledSchemas) app.setSerializerCompiler(compiledSchemas.serializer());

  const metrics = platform.metrics;
  const requestDuration = histogram(metrics, {
    name: 'fenghuo_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern (never the raw URL) and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  });
  // The outbox lag, read from the database at each scrape (one query for the three figures).
  const eventGauges = {
    pending: gauge(metrics, { name: 'fenghuo_events_outbox_pending', help: 'Events not yet published plus deliveries a consumer has not yet taken' }),
    lag: gauge(metrics, { name: 'fenghuo_events_outbox_lag_seconds', help: 'Age of the oldest event or delivery still waiting, in seconds (0 when none)' }),
    parked: gauge(metrics, { name: 'fenghuo_events_parked', help: 'Events parked after their last failed attempt, waiting for a replay' }),
    broker: platform.events.kind === 'nats' ? gauge(metrics, { name: 'fenghuo_events_broker_available', help: 'Whether the NATS broker takes events now (1) or not (0)' }) : undefined,
  };
  const readEventStats = async () => {
    try {
      const stats = await platform.events.stats();
      eventGauges.pending.set(stats.pending);
      eventGauges.lag.set(stats.oldestPendingSeconds);
      eventGauges.parked.set(stats.parked);
      eventGauges.broker?.set(stats.broker === 'available' ? 1 : 0);
    } catch (error) {
      // The database is away: /metrics still answers, with the last figures read.
      app.log.warn({ err: error }, 'event bus figures unavailable for /metrics');
    }
  };
  app.addHook('onResponse', async (request, reply) => {
    requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const fhError = toFhError(error);
    if (fhError.code === 'FH_PAYLOAD_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? platform.config.bodyLimit;
      const body = new FhError('FH_PAYLOAD_TOO_LARGE', 'body', { limitBytes: limit }).toBody();
      return reply.status(413).send(body);
    }
    const retryAfter = fhError.code === 'FH_DATABASE_UNAVAILABLE' ? DATABASE_RETRY_AFTER_SECONDS : fhError.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(Math.ceil(retryAfter)));
    if (fhError.status >= 500 && fhError.code !== 'FH_AUTH_BUSY') request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: fhError.code, field: fhError.field }, 'request refused');
    return reply.status(fhError.status).send(fhError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !isApiPath(request.url) && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage && options.serveWeb !== false && existsSync(`${webDistDir}index.html`)) {
      return reply.type('text/html').sendFile('index.html', webDistDir);
    }
    return reply.status(404).send(new FhError('FH_ROUTE_NOT_FOUND', 'url').toBody() satisfies ErrorBody);
  });

  installAccessControl(app, platform.auth);
  installBoundary(app);
  if (options.isReady) {
    const isReady = options.isReady;
    app.addHook('onRequest', async (request) => {
      const url = request.routeOptions.url ?? '';
      if (!isReady() && isApiPath(url) && url.startsWith('/v1/')) throw new FhError('FH_NOT_READY');
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fenghuo API',
        version: '1',
        description: 'Fenghuo (烽火): internet finance supervision and consumer protection. Errors: see docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Session token from /v1/auth/login, or an institution API key' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
    // Every route's error replies point at one shared response per status instead of repeating the schema.
    transformObject: (document) => ('openapiObject' in document ? shareErrorResponses(document.openapiObject) : document.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/health', { config: { access: 'public' }, schema: { tags: ['platform'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get(
    '/ready',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Readiness: the database answers (503 otherwise); NATS and Redis, when configured, are reported and make the status "degraded" when down',
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('ready'), Type.Literal('degraded')]),
            database: Type.String(),
            nats: Type.Optional(Type.Union([Type.Literal('connected'), Type.Literal('unavailable')])),
            redis: Type.Optional(Type.Union([Type.Literal('connected'), Type.Literal('unavailable')])),
          }),
          503: ErrorReply,
        },
      },
    },
    async (_request, reply) => {
      if (options.isReady && !options.isReady()) return reply.status(503).send(new FhError('FH_NOT_READY').toBody());
      try {
        await platform.database.ping();
      } catch (error) {
        return reply.status(503).header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).send(new FhError('FH_DATABASE_UNAVAILABLE', undefined, undefined, { cause: error }).toBody());
      }
      // The outbox holds events while NATS is away, and only screening needs Redis: a degraded
      // instance still serves, so these do not answer 503.
      const state = (ping: () => Promise<void>) => ping().then(() => 'connected' as const, () => 'unavailable' as const);
      const [nats, redis] = await Promise.all([
        platform.events.kind === 'nats' ? state(() => platform.events.ping()) : undefined,
        platform.counters.kind === 'redis' ? state(() => platform.counters.ping()) : undefined,
      ]);
      const status = nats === 'unavailable' || redis === 'unavailable' ? ('degraded' as const) : ('ready' as const);
      return { status, database: platform.database.engine, ...(nats ? { nats } : {}), ...(redis ? { redis } : {}) };
    },
  );
  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    await readEventStats();
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });

  await app.register(capabilityRoutes(platform, options.services ?? createServices(platform)), { prefix: '/v1' });

  if (options.serveWeb !== false && existsSync(webDistDir)) {
    // One public wildcard route ('/*', allowed by access control) rather than a route per file,
    // which would carry no `access` declaration; a missing file falls to the SPA fallback above.
    await app.register(fastifyStatic, { root: webDistDir, wildcard: true, serve: true, index: ['index.html'] });
  }
  return app;
}

function isApiPath(url: string): boolean {
  return url.startsWith('/v1/') || url === '/v1' || url.startsWith('/openapi') || url.startsWith('/metrics') || url.startsWith('/health') || url.startsWith('/ready');
}
