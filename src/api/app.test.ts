import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { describeEachEngine, engines, adminQuery, POSTGRES_ADMIN_URL, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { errorCatalogue, FhError, renderErrorReference } from '../platform/errors.js';
import { loadConfig } from '../platform/config.js';
import { openPostgres } from '../platform/database.js';
import { ephemeralKeyMaterial } from '../platform/crypto.js';
import { closePlatform, createPlatform } from '../platform/platform.js';
import { buildApp } from './app.js';
import { docsDir, renderOpenApi } from './generated-docs.js';
import { errorResponseName, shareErrorResponses } from './openapi.js';

describeEachEngine('HTTP platform: errors, limits and roles', (engine) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startPlatform(engine, { bodyLimit: 4096 });
  });
  afterAll(() => ctx.close());

  it('answers health, readiness and metrics', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await ctx.app.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({ status: 'ready', database: engine });
    await ctx.app.inject({ method: 'GET', url: '/v1/public/licence-types' });
    const metrics = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('fenghuo_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/v1/public/licence-types"');
  });

  it('answers an unknown route with a JSON 404 from the catalogue', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/no/such/thing' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().error).toMatchObject({ code: 'FH_ROUTE_NOT_FOUND', message: { zh: errorCatalogue.FH_ROUTE_NOT_FOUND.zh, en: errorCatalogue.FH_ROUTE_NOT_FOUND.en } });
  });

  it('refuses a body over the limit with 413 and the limit', async () => {
    const reply = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'x', password: 'y'.repeat(10_000) }) });
    expect(reply.statusCode).toBe(413);
    expect(reply.json().error).toMatchObject({ code: 'FH_PAYLOAD_TOO_LARGE', details: { limitBytes: 4096 } });
  });

  it('refuses malformed JSON and a wrong content type', async () => {
    const malformed = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('FH_MALFORMED_JSON');
    const xml = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<login/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('FH_UNSUPPORTED_MEDIA_TYPE');
  });

  it('tells a missing login from a wrong role, and never says which half of a login was wrong', async () => {
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('FH_UNAUTHENTICATED');
    const garbage = await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: { authorization: 'Bearer fhs_not-a-session' } });
    expect(garbage.statusCode).toBe(401);
    const supervisor = await supervisorSession(ctx, 'roles', '330000');
    const wrongRole = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile', headers: supervisor });
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json().error.code).toBe('FH_FORBIDDEN');
    const noUser = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'nobody', password: 'whatever' } });
    const badPassword = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'roles', password: 'whatever' } });
    expect(noUser.json()).toEqual(badPassword.json());
    expect(noUser.json().error.code).toBe('FH_AUTH_INVALID_CREDENTIALS');
    await ctx.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: supervisor });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/auth/me', headers: supervisor })).statusCode).toBe(401);
  });

  it('refuses to register a route that does not say who may call it', async () => {
    const app = await buildApp(ctx.platform, { services: ctx.services, serveWeb: false, logger: false });
    expect(() => app.get('/v1/undeclared', async () => 'open')).toThrow(/does not declare who may call it/);
    await app.close();
  });
});

describe('generated references', () => {
  it('docs/errors.md documents every code in the catalogue', async () => {
    const committed = await readFile(`${docsDir}errors.md`, 'utf8');
    expect(committed).toBe(renderErrorReference());
    for (const code of Object.keys(errorCatalogue)) {
      const row = committed.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      // code, status, Chinese, English, cause, what to do: none of them empty.
      const cells = row!.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim());
      expect(cells).toHaveLength(6);
      for (const cell of cells) expect(cell.length).toBeGreaterThan(1);
      expect(cells[1]).toBe(String(errorCatalogue[code as keyof typeof errorCatalogue].status));
    }
  });

  it('docs/openapi.json is the document the code generates (run `npx fenghuo docs` after changing a route)', async () => {
    const committed = await readFile(`${docsDir}openapi.json`, 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(await renderOpenApi()));
    expect(JSON.parse(committed).openapi).toBe('3.1.0');
  });

  it('docs/openapi.json states the error reply once and points every error response of every route at it', async () => {
    interface Doc {
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: unknown }> }>>;
      components: { schemas: Record<string, object>; responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> };
    }
    const committed = await readFile(`${docsDir}openapi.json`, 'utf8');
    const document = JSON.parse(committed) as Doc;
    let errorResponses = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          errorResponses++;
          expect(response, `${method} ${path} ${status}`).toEqual({ $ref: `#/components/responses/${errorResponseName(status)}` });
        }
      }
    }
    // Every route documents its errors (seven statuses each), and the schema is written out once.
    expect(errorResponses).toBeGreaterThan(7 * 100);
    expect(committed.split('Stable code from docs/errors.md')).toHaveLength(2);
    for (const [name, response] of Object.entries(document.components.responses)) {
      expect(response.content, name).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorReply' } } });
    }
    expect(Object.keys(document.components.responses)).toEqual(expect.arrayContaining(['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'PayloadTooLarge', 'ServiceUnavailable']));

    // The shared schema is what the server sends: a reply from the catalogue passes, a reply without its message does not.
    const validate = new Ajv({ strict: false }).compile(document.components.schemas.ErrorReply!);
    expect(validate(new FhError('FH_VALIDATION', 'body.uscc', { reason: 'check digit' }).toBody()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(new FhError('FH_NOT_FOUND').toBody())).toBe(true);
    expect(validate({ error: { code: 'FH_NOT_FOUND' } })).toBe(false);
  });

  it('shares only the responses that are the error reply, and leaves the document it is given alone', () => {
    const errorSchema = JSON.parse(committedErrorSchema()) as object;
    const notFound = { description: 'Error reply', content: { 'application/json': { schema: errorSchema } } };
    const csvError = { description: 'Error reply', content: { 'text/csv': { schema: errorSchema } } };
    const conflict = { description: 'Another shape', content: { 'application/json': { schema: { type: 'object', properties: { reason: { type: 'string' } } } } } };
    const withHeaders = { ...notFound, headers: { 'retry-after': { schema: { type: 'integer' } } } };
    const ok = { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } };
    const document = { openapi: '3.1.0', paths: { '/x': { get: { summary: 'x', responses: { 200: ok, 404: notFound, 400: csvError, 409: conflict, 503: withHeaders } } } }, components: { securitySchemes: { bearer: { type: 'http' } } } };
    const before = JSON.stringify(document);
    const shared = shareErrorResponses(document);
    expect(JSON.stringify(document)).toBe(before);
    expect(shared.paths['/x'].get).toEqual({
      summary: 'x',
      responses: { 200: ok, 404: { $ref: '#/components/responses/NotFound' }, 400: { $ref: '#/components/responses/BadRequest' }, 409: conflict, 503: withHeaders },
    });
    expect(Object.keys((shared.components as Record<string, object>).responses!).sort()).toEqual(['BadRequest', 'NotFound']);
    expect(shared.components).toMatchObject({ securitySchemes: { bearer: { type: 'http' } }, schemas: { ErrorReply: errorSchema } });
    // A document without error replies comes back as it was.
    const plain = { openapi: '3.1.0', paths: { '/y': { get: { responses: { 200: ok } } } } };
    expect(shareErrorResponses(plain)).toBe(plain);
  });
});

/** The error reply's schema as the committed document writes it. */
function committedErrorSchema(): string {
  return JSON.stringify(JSON.parse(readFileSync(`${docsDir}openapi.json`, 'utf8')).components.schemas.ErrorReply);
}

describe('configuration', () => {
  it('parses the environment once and names the variable at fault', () => {
    expect(loadConfig({})).toMatchObject({ port: 8080, databaseUrl: undefined, natsUrl: undefined, redisUrl: undefined });
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^PORT: /);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/^PORT: must be between/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: /);
    expect(() => loadConfig({ NATS_URL: 'not a url' })).toThrow(/^NATS_URL: /);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: /);
    expect(() => loadConfig({ FH_VAULT_KEYS: 'k1:short' })).toThrow(/^FH_VAULT_KEYS: /);
    expect(() => loadConfig({ FH_SIGNATURE_ALGORITHM: 'rsa' })).toThrow(/^FH_SIGNATURE_ALGORITHM: /);
  });
});

// A TCP relay in front of PostgreSQL that can be cut, to take the database away from a running server.
async function relayTo(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(engines.includes('postgres'))('database unreachable', () => {
  it('answers 503 while PostgreSQL is away and stays up', async () => {
    const name = `fh_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${name}`);
    const target = new URL(POSTGRES_ADMIN_URL);
    const relay = await relayTo(Number(target.port || 5432));
    target.host = `127.0.0.1:${relay.port}`;
    target.pathname = `/${name}`;
    const config = { ...loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent' }), databaseUrl: target.toString() };
    const platform = await createPlatform(config, { database: await openPostgres(target.toString(), 2), keys: ephemeralKeyMaterial() });
    const app = await buildApp(platform, { serveWeb: false, logger: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/public/institutions' })).statusCode).toBe(200);
      relay.cut();
      const down = await app.inject({ method: 'GET', url: '/v1/public/institutions' });
      expect(down.statusCode).toBe(503);
      expect(down.json().error.code).toBe('FH_DATABASE_UNAVAILABLE');
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await closePlatform(platform).catch(() => {});
      await relay.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    }
  });
});
