/**
 * Property-based fuzzing of every route in the OpenAPI document: generated path parameters, query
 * strings and bodies (shaped after each route's own schemas, mixed with hostile values), sent as a
 * caller the route admits. Whatever arrives, the answer is never a 5xx, and every error carries a
 * catalogue code.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution } from '../filing/filing.test-support.js';

/** Runs per route and engine: enough to meet every hostile constant, small enough for `npm test`. */
const RUNS_PER_ROUTE = 20;

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema }[];
  body?: Schema;
}

/** Values that broke this server before, or that servers commonly trip on. */
const HOSTILE_TEXT = ['', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '𠮷', 'Infinity', '-Infinity', 'NaN', '1e309', '-0', '9007199254740993', '%', '%25', '../../etc/passwd', '<script>', "' or 1=1 --", 'true', 'null', '[]', '{}', 'ｘ'.repeat(300)];
const HOSTILE_NUMBERS = [0, -1, 1, 2 ** 53, -(2 ** 53), 2 ** 31, 0.5, 1e308, Number.MAX_SAFE_INTEGER];

function textArbitrary(schema: Schema, ids: readonly string[]): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(...HOSTILE_TEXT)];
  if (schema.format === 'uuid') options.push(fc.constantFrom(...ids), fc.uuid(), fc.constantFrom(...ids.map((id) => `urn:uuid:${id}`), ...ids.map((id) => id.toUpperCase())));
  if (schema.enum) options.push(fc.constantFrom(...schema.enum.map(String)));
  if (schema.pattern) {
    try {
      options.push(fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, 80)));
    } catch {
      // A pattern fast-check cannot generate from: the other options still apply.
    }
  }
  return fc.oneof(...options);
}

/** A value for `schema`: usually of its shape, sometimes of another. */
function valueArbitrary(schema: Schema, ids: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((s) => valueArbitrary(s, ids, depth + 1)));
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), fc.jsonValue({ maxDepth: 1 }));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const wrongType = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 10 }), fc.constant([]), fc.constant({}));
  switch (type) {
    case 'string':
      return fc.oneof({ weight: 4, arbitrary: textArbitrary(schema, ids) }, { weight: 1, arbitrary: wrongType });
    case 'integer':
    case 'number':
      return fc.oneof({ weight: 4, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...HOSTILE_NUMBERS)) }, { weight: 1, arbitrary: wrongType });
    case 'boolean':
      return fc.oneof({ weight: 3, arbitrary: fc.boolean() }, { weight: 1, arbitrary: wrongType });
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.oneof(fc.array(valueArbitrary(schema.items ?? {}, ids, depth + 1), { maxLength: 4 }), wrongType);
    case 'object': {
      if (depth > 3 || !schema.properties) return fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), wrongType);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, inner] of Object.entries(schema.properties)) shape[name] = valueArbitrary(inner, ids, depth + 1);
      const record = fc.record(shape, { requiredKeys: [] });
      const withExtra = fc.tuple(record, fc.dictionary(fc.constantFrom('extra', '\u0000', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })).map(([r, extra]) => ({ ...r, ...extra }));
      return fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: withExtra }, { weight: 1, arbitrary: wrongType });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A query or path value as text on the wire (JSON for what is not already text). */
function wireText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** Percent-encode text, writing an unpaired surrogate as the bytes a careless client would send. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
  }
}

/** Bodies as raw text: JSON of the generated value, or text JSON cannot write (1e309) or that is not JSON. */
function bodyArbitrary(schema: Schema | undefined, ids: readonly string[]): fc.Arbitrary<{ contentType: string; payload: string }> {
  const json = valueArbitrary(schema ?? {}, ids).map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) ?? 'null' }));
  const odd = fc.oneof(
    fc.constantFrom('{"page":1e309}', '{"a":"\\u0000"}', '{"a":"\\ud800"}', '{', '', 'null', '[1,2', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}').map((payload) => ({ contentType: 'application/json', payload })),
    fc.tuple(fc.constantFrom('text/csv', 'application/x-ndjson', 'text/plain', 'application/xml'), fc.string({ maxLength: 200 })).map(([contentType, payload]) => ({ contentType, payload })),
  );
  return fc.oneof({ weight: 3, arbitrary: json }, { weight: 1, arbitrary: odd });
}

function operationsOf(document: { paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = operation.requestBody?.content?.['application/json']?.schema;
      operations.push({ method: method.toUpperCase(), path, params: operation.parameters ?? [], ...(body ? { body } : {}) });
    }
  }
  // Logging out ends the caller's session: last, so that it does not shorten the other routes' runs.
  return operations.sort((a, b) => Number(a.path === '/v1/auth/logout') - Number(b.path === '/v1/auth/logout'));
}

describeEachEngine('fuzzing every route of the OpenAPI document', (engine) => {
  let ctx: TestContext;
  const credentials: Record<string, Record<string, string>> = { public: {} };
  const ids: string[] = [];
  beforeAll(async () => {
    ctx = await startPlatform(engine);
    credentials.supervisor = await supervisorSession(ctx, 'fuzz.supervisor', '000000');
    const lender = await institution(ctx, 7);
    credentials.institution = { 'x-api-key': lender.apiKey };
    const registration = { username: 'fuzz.consumer', password: 'a long passphrase', displayName: '测试', residentId: makeResidentId('110105', '1990-05-17', 12) };
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: registration })).statusCode).toBe(201);
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: registration.username, password: registration.password } });
    credentials.consumer = { authorization: `Bearer ${login.json().token as string}` };
    const licence = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${lender.institutionId}/licences`, headers: credentials.supervisor, payload: { type: 'online_lending' } });
    ids.push(lender.institutionId, licence.json().licenceId as string, randomUUID());
  });
  afterAll(() => ctx.close());

  /** The first kind of caller the route does not turn away (401/403) for a plain request. */
  async function callerFor(operation: Operation): Promise<Record<string, string>> {
    const url = operation.path.replace(/\{[^}]+\}/g, () => ids[0]!);
    for (const headers of [credentials.public!, credentials.supervisor!, credentials.institution!, credentials.consumer!]) {
      const reply = await ctx.app.inject({ method: operation.method as 'GET', url, headers, ...(operation.body ? { payload: {} } : {}) });
      if (reply.statusCode !== 401 && reply.statusCode !== 403) return headers;
    }
    return credentials.public!;
  }

  it('never answers 5xx, and answers every error with a catalogue code', async () => {
    const document = ctx.app.swagger() as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const operation of operations) {
      const headers = await callerFor(operation);
      const pathParams = operation.params.filter((p) => p.in === 'path');
      const queryParams = operation.params.filter((p) => p.in === 'query');
      const request = fc.record({
        path: fc.tuple(...pathParams.map((p) => valueArbitrary(p.schema, ids))),
        query: fc.tuple(...queryParams.map((p) => fc.option(valueArbitrary(p.schema, ids), { nil: undefined }))),
        extraQuery: fc.option(fc.tuple(fc.constantFrom('page', 'x', '\u0000', 'period'), fc.constantFrom(...HOSTILE_TEXT)), { nil: undefined }),
        body: bodyArbitrary(operation.body, ids),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ path, query, extraQuery, body }) => {
          let i = 0;
          const url = operation.path.replace(/\{[^}]+\}/g, () => encode(wireText(path[i++])) || 'x');
          const pairs = queryParams.flatMap((p, j) => (query[j] === undefined ? [] : [`${encode(p.name)}=${encode(wireText(query[j]))}`]));
          if (extraQuery) pairs.push(`${encode(extraQuery[0])}=${encode(extraQuery[1])}`);
          const withBody = operation.method !== 'GET' && operation.method !== 'DELETE';
          const reply = await ctx.app.inject({
            method: operation.method as 'GET',
            url: pairs.length > 0 ? `${url}?${pairs.join('&')}` : url,
            headers: { ...headers, ...(withBody ? { 'content-type': body.contentType } : {}) },
            ...(withBody ? { payload: body.payload } : {}),
          });
          const description = `${operation.method} ${url} → ${reply.statusCode} ${reply.body.slice(0, 200)}`;
          if (reply.statusCode >= 500) failures.push(description);
          expect(reply.statusCode, description).toBeLessThan(500);
          if (reply.statusCode >= 400) expect((reply.json() as { error?: { code?: string } }).error?.code ?? '', description).toMatch(/^FH_/);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FH_FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
