import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../platform/schemas.js';
import { codeLists, recordTypes, STANDARD_VERSION } from './standard.js';
import { csvTemplate, jsonLinesTemplate, TEMPLATE_PERIOD } from './template.js';

const CodeListSchema = Type.Object({
  name: Type.String(),
  zh: Type.String(),
  en: Type.String(),
  codes: Type.Array(Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() })),
});

const TemplateParams = Type.Object({ recordType: Type.Union(recordTypes.map((type) => Type.Literal(type))) });

/**
 * The code lists of the data standard, so that clients name codes in both languages without a copy
 * of their own; and a template file of each record type to start an extract from.
 */
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

    app.get(
      '/standard/record-types/:recordType/template.csv',
      {
        config: { access: 'public' },
        schema: {
          tags: ['standard'],
          summary: `A CSV template of a record type: the header row and one example row (dates in ${TEMPLATE_PERIOD})`,
          params: TemplateParams,
          produces: ['text/csv'],
          response: { 200: Type.String(), ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="template-${request.params.recordType}.csv"`).send(csvTemplate(request.params.recordType)),
    );

    app.get(
      '/standard/record-types/:recordType/template.jsonl',
      {
        config: { access: 'public' },
        schema: {
          tags: ['standard'],
          summary: `A JSON Lines template of a record type: one example record (dates in ${TEMPLATE_PERIOD})`,
          params: TemplateParams,
          produces: ['application/x-ndjson'],
          response: { 200: Type.String(), ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.type('application/x-ndjson; charset=utf-8').header('content-disposition', `attachment; filename="template-${request.params.recordType}.jsonl"`).send(jsonLinesTemplate(request.params.recordType)),
    );
  };
}
