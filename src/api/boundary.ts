/**
 * The HTTP boundary: what every request must satisfy before a handler, a service or the database
 * sees it, checked in one place for every route.
 *
 * - Text: no NUL character (PostgreSQL cannot store byte 0) and no unpaired UTF-16 surrogate (it
 *   has no UTF-8 form) in any JSON string, object key, query value or path parameter.
 * - Ids: a uuid is exactly 8-4-4-4-12 hex digits (ajv-formats also accepts `urn:uuid:…`, which
 *   PostgreSQL refuses).
 * - Numbers: finite and within ±(2^53 − 1), so that `page=Infinity` or `1e309` never reaches SQL.
 * - Types: a JSON body is never coerced (`"label": 123` is refused); query strings, params and
 *   headers are text on the wire, so they are coerced to the schema's types.
 * - Replies that fastify or Node would otherwise write without a catalogue code (bad percent
 *   escapes, over-long paths, oversized headers, timeouts) get one.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { Ajv, type Options as AjvOptions } from 'ajv';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { FhError } from '../platform/errors.js';
import { isUnstorableText, storableText } from '../platform/text.js';

/** A uuid as PostgreSQL's `uuid` type and every id of this platform write it. */
export const STRICT_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ajv-formats is CommonJS: under NodeNext its default export arrives as the module object.
const addFormats = (formatsModule as unknown as { default?: FormatsPlugin }).default ?? (formatsModule as unknown as FormatsPlugin);

function validatorAjv(coerceTypes: AjvOptions['coerceTypes']): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    addUsedSchema: false,
    // One error is enough for the reply, and allErrors lets a crafted body cost more to check.
    allErrors: false,
    // Infinity and NaN are not numbers a request may carry.
    strictNumbers: true,
  });
  addFormats(ajv);
  ajv.addFormat('uuid', STRICT_UUID);
  return ajv;
}

/**
 * The validator compiler for every route: bodies against an ajv instance that never coerces,
 * query strings, params and headers against one that coerces text to the schema's types.
 */
export function boundaryValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = validatorAjv(false);
  const coercing = validatorAjv('array');
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}

/** The name a part of the request has in error replies: `query.period`, `params.id`, `body.label`. */
export function partName(validationContext: string | undefined): string {
  if (validationContext === 'querystring') return 'query';
  return validationContext ?? 'body';
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  // The query parser makes its objects from a prototype that itself has no prototype.
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/**
 * The path of the first leaf of `value` (depth-first, arrays and plain objects) that `isBad` refuses,
 * or of the first object key `badKey` names; undefined when there is none.
 */
function findPath(value: unknown, path: string, isBad: (leaf: unknown) => boolean, badKey?: (key: string) => string | undefined, depth = 0): string | undefined {
  if (isBad(value)) return path;
  if (depth > 64) return undefined;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((inner, i) => [String(i), inner]) : isPlain(value) ? Object.entries(value) : [];
  for (const [key, inner] of entries) {
    const named = badKey?.(key);
    if (named !== undefined) return `${path}.${named}`;
    const found = findPath(inner, `${path}.${key}`, isBad, badKey, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * True when some leaf of `value` (arrays and plain objects, to depth 64) is refused by `isBad` or
 * some object key by `badKey`. The walk every request takes: it builds no paths and allocates
 * nothing, so that the path is worked out (by `findPath`) only for a request that is refused.
 */
function anyBad(value: unknown, isBad: (leaf: unknown) => boolean, badKey: ((key: string) => boolean) | undefined, depth = 0): boolean {
  if (isBad(value)) return true;
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (anyBad(value[i], isBad, badKey, depth + 1)) return true;
    return false;
  }
  if (!isPlain(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (badKey?.(key) || anyBad(value[key], isBad, badKey, depth + 1)) return true;
  }
  return false;
}

const unstorableLeaf = (leaf: unknown) => typeof leaf === 'string' && isUnstorableText(leaf);
const unsafeNumber = (leaf: unknown) => typeof leaf === 'number' && !(Number.isFinite(leaf) && Math.abs(leaf) <= Number.MAX_SAFE_INTEGER);

/** The path of the first string (value or key) in `value` that cannot be stored, or undefined. */
function findUnstorableText(value: unknown, path: string): string | undefined {
  if (!anyBad(value, unstorableLeaf, isUnstorableText)) return undefined;
  // A key that cannot be stored is named by its well-formed part only.
  return findPath(value, path, unstorableLeaf, (key) => (isUnstorableText(key) ? storableText(key) : undefined));
}

/** The path of the first number in `value` that is not finite or beyond ±(2^53 − 1). */
function findUnsafeNumber(value: unknown, path: string): string | undefined {
  if (!anyBad(value, unsafeNumber, undefined)) return undefined;
  return findPath(value, path, unsafeNumber);
}

const PARTS = [
  ['params', (r: FastifyRequest) => r.params],
  ['query', (r: FastifyRequest) => r.query],
  ['body', (r: FastifyRequest) => r.body],
] as const;

/** Install the text and number checks on every route of `app`. */
export function installBoundary(app: FastifyInstance): void {
  // Before validation: the text as it arrived, so that no error message echoes it further.
  app.addHook('preValidation', async (request) => {
    for (const [name, get] of PARTS) {
      const field = findUnstorableText(get(request), name);
      if (field) throw new FhError('FH_INVALID_TEXT', field);
    }
  });
  // After validation: query strings are numbers only once coerced.
  app.addHook('preHandler', async (request) => {
    for (const [name, get] of PARTS) {
      const field = findUnsafeNumber(get(request), name);
      if (field) throw new FhError('FH_VALIDATION', field, { reason: 'the number is not finite or larger than 2^53 − 1' });
    }
  });
}

/**
 * Errors fastify meets before a route is chosen (a malformed percent-escape, a path parameter
 * over the length limit), answered from the catalogue.
 */
export function frameworkErrorReply(error: { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const fhError = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new FhError('FH_URI_TOO_LONG', 'url') : error.code === 'FST_ERR_BAD_URL' ? new FhError('FH_BAD_URL', 'url') : new FhError('FH_MALFORMED_REQUEST');
  void reply.status(fhError.status).send(fhError.toBody());
}

/**
 * Errors Node's HTTP parser meets before fastify sees a request (oversized headers, a request that
 * does not arrive in time, bytes that are not HTTP), answered from the catalogue on the socket.
 */
export function clientErrorReply(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const fhError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new FhError('FH_HEADERS_TOO_LARGE', 'headers')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new FhError('FH_REQUEST_TIMEOUT')
        : error.code === 'HPE_URI_TOO_LONG'
          ? new FhError('FH_URI_TOO_LONG', 'url')
          : new FhError('FH_MALFORMED_REQUEST');
  const body = JSON.stringify(fhError.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${fhError.status} ${STATUS_CODES[fhError.status] ?? 'Error'}\r\n` +
        `Connection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
