/**
 * Compiled request validators and response serializers, kept by schema so that a process which
 * builds the HTTP app many times over (the test suite builds one per database it starts) compiles
 * each route's schemas once. Compiling every route's schemas is most of what `ready()` costs.
 * `serve` builds one app and passes no cache: each schema is compiled once there anyway.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/**
 * Compilers that remember what they compiled. A schema is known by its JSON text (and, for a
 * validator, the request part, since bodies and query strings are checked differently), so two
 * apps share a compiled function only where they would have compiled the very same schema.
 * Valid for apps that register no shared schemas (`addSchema`), which this platform's app does not.
 */
export class CompiledSchemas {
  private readonly validators = new Map<string, ReturnType<FastifySchemaCompiler<unknown>>>();
  private readonly serializers = new Map<string, (data: unknown) => string>();
  // Fastify's own serializer compiler with its defaults, as an app without a cache uses it.
  private readonly serialize = SerializerSelector()({}, {});

  /** `compile` behind the cache. */
  validator(compile: FastifySchemaCompiler<unknown>): FastifySchemaCompiler<unknown> {
    return (route) => {
      const key = `${route.httpPart ?? ''}\n${JSON.stringify(route.schema)}`;
      let compiled = this.validators.get(key);
      if (!compiled) {
        compiled = compile(route);
        this.validators.set(key, compiled);
      }
      return compiled;
    };
  }

  /** Fastify's default serializer compiler behind the cache. */
  serializer(): FastifySerializerCompiler<unknown> {
    return (route) => {
      const key = JSON.stringify(route.schema);
      let compiled = this.serializers.get(key);
      if (!compiled) {
        compiled = this.serialize({ ...route, httpStatus: route.httpStatus ?? '' });
        this.serializers.set(key, compiled);
      }
      return compiled;
    };
  }
}
