import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeLists, STANDARD_VERSION } from './standard.js';

const CodeListSchema = Type.Object({
  name: Type.String(),
  zh: Type.String(),
  en: Type.String(),
  codes: Type.Array(Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() })),
});

/** The code lists of the data standard, so that clients name codes in both languages without a copy of their own. */
export function standardRoutes(): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/standard/code-lists',
      {
        config: { access: 'public' },
        schema: { tags: ['standard'], summary: 'Every code list of the data standard, with the names of its codes', response: { 200: Type.Object({ version: Type.String(), codeLists: Type.Array(CodeListSchema) }) } },
      },
      async () => ({ version: STANDARD_VERSION, codeLists: Object.values(codeLists).map((list) => ({ ...list, codes: [...list.codes] })) }),
    );
  };
}
