import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';
import { clientErrorReply } from './boundary.js';

/** Send raw bytes to a listening server and read the whole reply. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(request);
  });
}

function replyOf(raw: string): { status: number; body: { error: { code: string; field?: string } } } {
  const [head, body] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), body: JSON.parse(body!) as { error: { code: string; field?: string } } };
}

describeEachEngine('HTTP boundary: text, ids, numbers and types', (engine) => {
  let ctx: TestContext;
  let supervisor: { authorization: string };
  let lender: TestInstitution;
  let licenceId: string;
  beforeAll(async () => {
    ctx = await startPlatform(engine);
    supervisor = await supervisorSession(ctx, 'boundary', '000000');
    lender = await institution(ctx, 1);
    const licence = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${lender.institutionId}/licences`, headers: supervisor, payload: { type: 'online_lending' } });
    expect(licence.statusCode, licence.body).toBe(201);
    licenceId = licence.json().licenceId as string;
  });
  afterAll(() => ctx.close());

  const expectError = (reply: { statusCode: number; json(): unknown }, status: number, code: string, field?: string) => {
    expect(reply.statusCode).toBe(status);
    const error = (reply.json() as { error: { code: string; field?: string } }).error;
    expect(error.code).toBe(code);
    if (field !== undefined) expect(error.field).toBe(field);
  };

  it('refuses a NUL or an unpaired surrogate in a JSON string, a key, a query value or a path parameter', async () => {
    expectError(await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'ro\u0000ot', password: 'whatever' } }), 400, 'FH_INVALID_TEXT', 'body.username');
    // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse turns back into one.
    const lone = JSON.stringify({ label: 'key \ud800' });
    expect(lone).toContain('\\ud800');
    expectError(await ctx.app.inject({ method: 'POST', url: '/v1/institution/api-keys', headers: { 'x-api-key': lender.apiKey, 'content-type': 'application/json' }, payload: lone }), 400, 'FH_INVALID_TEXT', 'body.label');
    expectError(
      await ctx.app.inject({ method: 'PUT', url: `/v1/supervisor/licences/${licenceId}/qualifications/registered_capital`, headers: supervisor, payload: { met: true, note: 'paid in\u0000' } }),
      400,
      'FH_INVALID_TEXT',
      'body.note',
    );
    expectError(await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"a","password":"b","\\u0000":1}' }), 400, 'FH_INVALID_TEXT');
    expectError(await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions?q=%00' }), 400, 'FH_INVALID_TEXT', 'query.q');
    expectError(await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions/%00' }), 400, 'FH_INVALID_TEXT', 'params.institutionId');
    // A surrogate pair is one well-formed character and passes.
    const pair = await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions?q=${encodeURIComponent('𠮷')}` });
    expect(pair.statusCode).toBe(200);
  });

  it('takes only the plain 8-4-4-4-12 form of a uuid, on every kind of id route', async () => {
    const id = randomUUID();
    expectError(await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions/urn:uuid:${id}` }), 400, 'FH_VALIDATION', 'params.institutionId');
    expectError(await ctx.app.inject({ method: 'GET', url: `/v1/filings/urn:uuid:${id}`, headers: { 'x-api-key': lender.apiKey } }), 400, 'FH_VALIDATION', 'params.id');
    expectError(await ctx.app.inject({ method: 'GET', url: `/v1/receipts/urn:uuid:${id}`, headers: { 'x-api-key': lender.apiKey } }), 400, 'FH_VALIDATION', 'params.id');
    expectError(await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/licences/urn:uuid:${licenceId}/transitions`, headers: supervisor, payload: { to: 'approved', reason: 'ok' } }), 400, 'FH_VALIDATION', 'params.licenceId');
    expectError(await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions/${id}` }), 404, 'FH_NOT_FOUND');
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions/${lender.institutionId.toUpperCase()}` })).statusCode).toBe(200);
  });

  it('refuses numbers that are not finite or too large, on every paginated route, and names the query part "query"', async () => {
    for (const url of ['/v1/public/institutions', '/v1/supervisor/institutions', '/v1/filings']) {
      const headers = url.startsWith('/v1/filings') ? { 'x-api-key': lender.apiKey } : supervisor;
      for (const page of ['Infinity', '-Infinity', '1e309', 'NaN', '9007199254740993']) {
        expectError(await ctx.app.inject({ method: 'GET', url: `${url}?page=${page}`, headers }), 400, 'FH_VALIDATION', 'query.page');
      }
      const second = await ctx.app.inject({ method: 'GET', url: `${url}?page=2&pageSize=5`, headers });
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json()).toMatchObject({ page: 2, pageSize: 5 });
    }
    expectError(await ctx.app.inject({ method: 'GET', url: '/v1/filings?period=2024-13', headers: { 'x-api-key': lender.apiKey } }), 400, 'FH_VALIDATION', 'query.period');
    // 1e309 in a JSON body parses to Infinity.
    expectError(
      await ctx.app.inject({ method: 'PUT', url: `/v1/supervisor/licences/${licenceId}/qualifications/registered_capital`, headers: { ...supervisor, 'content-type': 'application/json' }, payload: '{"met":true,"note":"x","extra":1e309}' }),
      400,
      'FH_VALIDATION',
    );
  });

  it('never coerces the type of a JSON body value; query strings still are', async () => {
    expectError(await ctx.app.inject({ method: 'POST', url: '/v1/institution/api-keys', headers: { 'x-api-key': lender.apiKey }, payload: { label: 123 } }), 400, 'FH_VALIDATION', 'body.label');
    const qualification = `/v1/supervisor/licences/${licenceId}/qualifications/registered_capital`;
    expectError(await ctx.app.inject({ method: 'PUT', url: qualification, headers: supervisor, payload: { met: null } }), 400, 'FH_VALIDATION', 'body.met');
    expectError(await ctx.app.inject({ method: 'PUT', url: qualification, headers: supervisor, payload: { met: 'true' } }), 400, 'FH_VALIDATION', 'body.met');
    expectError(await ctx.app.inject({ method: 'PUT', url: qualification, headers: supervisor, payload: { met: true, note: ['a'] } }), 400, 'FH_VALIDATION', 'body.note');
    const good = await ctx.app.inject({ method: 'PUT', url: qualification, headers: supervisor, payload: { met: true, note: 'checked' } });
    expect(good.statusCode, good.body).toBe(200);
    const labelled = await ctx.app.inject({ method: 'POST', url: '/v1/institution/api-keys', headers: { 'x-api-key': lender.apiKey }, payload: { label: 'nightly batch' } });
    expect(labelled.statusCode).toBe(201);
  });

  it('answers a malformed percent-escape and an over-long path parameter from the catalogue', async () => {
    expectError(await ctx.app.inject({ method: 'GET', url: '/v1/public/institutions/%E0%A4%A' }), 400, 'FH_BAD_URL', 'url');
    expectError(await ctx.app.inject({ method: 'GET', url: `/v1/public/institutions/${'a'.repeat(500)}` }), 414, 'FH_URI_TOO_LONG', 'url');
  });

  it('answers oversized headers and bytes that are not HTTP from the catalogue, on a listening server', async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (ctx.app.server.address() as net.AddressInfo).port;
    const big = replyOf(await rawRequest(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
    expect(big.status).toBe(431);
    expect(big.body.error.code).toBe('FH_HEADERS_TOO_LARGE');
    const garbage = replyOf(await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('FH_MALFORMED_REQUEST');
    const fine = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(fine).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('errors before a request is parsed', () => {
  /** What clientErrorReply writes for a parser error `code`, on a socket that records it. */
  function written(code: string): { status: number; body: { error: { code: string } } } {
    let text = '';
    const socket = { destroyed: false, writable: true, write: (chunk: string) => (text += chunk), destroy: () => {} } as unknown as net.Socket;
    clientErrorReply(Object.assign(new Error(code), { code }), socket);
    return replyOf(text);
  }

  it('answers a request that does not arrive in time, oversized headers and garbage from the catalogue', () => {
    expect(written('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({ status: 408, body: { error: { code: 'FH_REQUEST_TIMEOUT' } } });
    expect(written('HPE_HEADER_OVERFLOW')).toMatchObject({ status: 431, body: { error: { code: 'FH_HEADERS_TOO_LARGE' } } });
    expect(written('HPE_INVALID_METHOD')).toMatchObject({ status: 400, body: { error: { code: 'FH_MALFORMED_REQUEST' } } });
  });
});
