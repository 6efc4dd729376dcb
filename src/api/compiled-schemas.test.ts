import { describe, expect, it } from 'vitest';
import type { FastifySchema } from 'fastify';
import { Type } from '@sinclair/typebox';
import { boundaryValidatorCompiler } from './boundary.js';
import { CompiledSchemas } from './compiled-schemas.js';

const route = (httpPart: string, schema: object) => ({ schema: schema as FastifySchema, method: 'POST', url: '/things', httpPart });

describe('compiled route schemas kept between apps', () => {
  it('gives the same validator for the same schema and part, and checks a body and a query string each its own way', () => {
    const cache = new CompiledSchemas();
    const schema = Type.Object({ count: Type.Integer() });
    const body = cache.validator(boundaryValidatorCompiler())(route('body', schema));
    // Another app's compiler, with a schema of the same content: nothing is compiled again.
    expect(cache.validator(boundaryValidatorCompiler())(route('body', Type.Object({ count: Type.Integer() })))).toBe(body);
    const query = cache.validator(boundaryValidatorCompiler())(route('querystring', schema));
    expect(query).not.toBe(body);
    // A body is never coerced; a query string's text is.
    expect(body({ count: '3' })).toBe(false);
    expect(query({ count: '3' })).toBe(true);
    expect(cache.validator(boundaryValidatorCompiler())(route('body', Type.Object({ count: Type.String() })))).not.toBe(body);
  });

  it('gives the same serializer for the same response schema, writing only what the schema names', () => {
    const cache = new CompiledSchemas();
    const schema = Type.Object({ name: Type.String() });
    const serialize = cache.serializer()({ schema, method: 'GET', url: '/things', httpStatus: '200' });
    expect(cache.serializer()({ schema: Type.Object({ name: Type.String() }), method: 'GET', url: '/other', httpStatus: '200' })).toBe(serialize);
    expect(serialize({ name: '钱塘', secret: 'not for the reply' })).toBe('{"name":"钱塘"}');
    expect(cache.serializer()({ schema: Type.Object({ title: Type.String() }), method: 'GET', url: '/things', httpStatus: '200' })).not.toBe(serialize);
  });
});
