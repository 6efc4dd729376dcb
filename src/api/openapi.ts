/**
 * The OpenAPI document's error replies, shared: every route declares the catalogue's error reply for
 * each status it may answer with (400, 401, …), and inline that repeats one schema over a thousand
 * times. Here each such response becomes a `$ref` to one response per status under
 * `components/responses`, whose body is `components/schemas/ErrorReply`.
 */
import { STATUS_CODES } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { ErrorReply } from '../platform/schemas.js';

export const ERROR_SCHEMA_REF = '#/components/schemas/ErrorReply';

type Json = Record<string, unknown>;
interface Response {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: unknown;
  $ref?: string;
}

/**
 * A JSON schema as @fastify/swagger writes it into an OpenAPI 3 document: `patternProperties`
 * (TypeBox's `Record`) become `additionalProperties` of the first pattern's schema.
 */
function asOpenApi(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asOpenApi);
  if (typeof schema !== 'object' || schema === null) return schema;
  const converted: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'patternProperties') converted.additionalProperties = asOpenApi(Object.values(value as Json)[0]);
    else converted[key] = asOpenApi(value);
  }
  return converted;
}

/** The error reply as the document spells it (the TypeBox schema without its symbol keys, converted). */
const errorSchema = asOpenApi(JSON.parse(JSON.stringify(ErrorReply))) as Json;

/** `BadRequest` for 400, `ServiceUnavailable` for 503: the name of a status's shared response. */
export function errorResponseName(status: string): string {
  const phrase = STATUS_CODES[Number(status)] ?? `Status ${status}`;
  return phrase.replace(/[^A-Za-z0-9 ]/g, ' ').replace(/(?:^|\s+)(\w)/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * An error reply is JSON whatever the route's own content type (the error handler always sends
 * JSON), so a response counts as the shared one when every body it lists is the error reply.
 */
function isErrorReply(response: Response): boolean {
  if (response.$ref !== undefined || response.headers !== undefined || !response.content) return false;
  const bodies = Object.values(response.content);
  return bodies.length > 0 && bodies.every((body) => isDeepStrictEqual(body.schema, errorSchema));
}

/**
 * Replace each inline error reply of each operation by a `$ref` to the shared response of its
 * status, adding that response (and the error schema) to `components`. Other responses are left
 * as they are. Returns a new document; the one given is not changed.
 */
export function shareErrorResponses<T extends { paths?: unknown; components?: unknown }>(document: T): T {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const shared: Record<string, Json> = {};
  const sharedPaths: Record<string, Record<string, Json>> = {};
  for (const [path, operations] of Object.entries(paths)) {
    sharedPaths[path] = {};
    for (const [method, operation] of Object.entries(operations)) {
      const responses = operation.responses as Record<string, Response> | undefined;
      if (!responses) {
        sharedPaths[path][method] = operation;
        continue;
      }
      const replaced: Record<string, Response> = {};
      for (const [status, response] of Object.entries(responses)) {
        if (!isErrorReply(response)) {
          replaced[status] = response;
          continue;
        }
        const name = errorResponseName(status);
        shared[name] ??= {
          description: `${STATUS_CODES[Number(status)] ?? status}: an error reply, whose stable code is one of docs/errors.md`,
          content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF } } },
        };
        replaced[status] = { $ref: `#/components/responses/${name}` };
      }
      sharedPaths[path][method] = { ...operation, responses: replaced };
    }
  }
  if (Object.keys(shared).length === 0) return document;
  const components = (document.components ?? {}) as { schemas?: Json; responses?: Json };
  const sortedResponses = Object.fromEntries(Object.entries({ ...components.responses, ...shared }).sort(([a], [b]) => a.localeCompare(b)));
  return {
    ...document,
    components: { ...components, schemas: { ...components.schemas, ErrorReply: errorSchema }, responses: sortedResponses },
    paths: sharedPaths,
  };
}
