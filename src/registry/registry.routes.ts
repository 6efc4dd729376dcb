import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses, JurisdictionRef, Page } from '../platform/schemas.js';
import type { RegistryService } from './registry.service.js';
import { institutionKinds, licenceStatuses, licenceTypes } from './licence-types.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const LicenceTypeSchema = literals(licenceTypes);
const LicenceStatusSchema = literals(licenceStatuses);
const InstitutionKindSchema = literals(institutionKinds);
const Uuid = Type.String({ format: 'uuid' });
const JurisdictionCode = Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 code' });

const LicenceSummary = Type.Object({
  licenceId: Uuid,
  licenceNo: Type.Union([Type.String(), Type.Null()]),
  type: LicenceTypeSchema,
  status: LicenceStatusSchema,
  statusChangedAt: Type.String({ format: 'date-time' }),
});

const InstitutionSummary = Type.Object({
  institutionId: Uuid,
  uscc: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: InstitutionKindSchema,
  jurisdiction: JurisdictionRef,
  licences: Type.Array(LicenceSummary),
});

const Licence = Type.Composite([
  LicenceSummary,
  Type.Object({
    institutionId: Uuid,
    appliedAt: Type.String({ format: 'date-time' }),
    qualifications: Type.Array(Type.Object({ key: Type.String(), nameZh: Type.String(), nameEn: Type.String(), met: Type.Boolean(), note: Type.String(), checkedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) })),
    history: Type.Array(Type.Object({ fromStatus: Type.Union([LicenceStatusSchema, Type.Null()]), toStatus: LicenceStatusSchema, reason: Type.String(), at: Type.String({ format: 'date-time' }) })),
  }),
]);

const InstitutionDetail = Type.Composite([Type.Omit(InstitutionSummary, ['licences']), Type.Object({ registeredAt: Type.String({ format: 'date-time' }), licences: Type.Array(Licence) })]);

const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name (Chinese or English) or the start of the USCC' })),
    licenceType: Type.Optional(LicenceTypeSchema),
    licenceStatus: Type.Optional(LicenceStatusSchema),
    jurisdiction: Type.Optional(JurisdictionCode),
    page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  },
  { additionalProperties: false },
);


const InstitutionParams = Type.Object({ institutionId: Uuid });
const LicenceParams = Type.Object({ licenceId: Uuid });

/** The public registry, the supervisor's licensing work and the institution's own profile. */
export function registryRoutes(services: { registry: RegistryService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { registry } = services;

    app.get(
      '/public/jurisdictions',
      {
        config: { access: 'public' },
        schema: {
          tags: ['registry'],
          summary: 'The jurisdiction tree (GB/T 2260): country, provinces, cities',
          response: { 200: Type.Object({ items: Type.Array(Type.Composite([JurisdictionRef, Type.Object({ level: literals(['country', 'province', 'city'] as const), parentCode: Type.Union([Type.String(), Type.Null()]) })])) }) },
        },
      },
      async () => ({ items: [...registry.jurisdictions()] }),
    );

    app.get(
      '/public/licence-types',
      {
        config: { access: 'public' },
        schema: {
          tags: ['registry'],
          summary: 'Licence types and the qualifications each needs',
          response: { 200: Type.Object({ items: Type.Array(Type.Object({ type: LicenceTypeSchema, nameZh: Type.String(), nameEn: Type.String(), qualifications: Type.Array(Type.Object({ key: Type.String(), nameZh: Type.String(), nameEn: Type.String() })) })) }) },
        },
      },
      async () => ({ items: registry.licenceTypes().map((info) => ({ ...info, qualifications: [...info.qualifications] })) }),
    );

    app.get(
      '/public/institutions',
      { config: { access: 'public' }, schema: { tags: ['registry'], summary: 'Licence lookup: institutions by name or USCC, with their licences', querystring: SearchQuery, response: { 200: Page(InstitutionSummary), ...errorResponses } } },
      async (request) => registry.searchPublic(request.query),
    );

    app.get(
      '/public/institutions/:institutionId',
      { config: { access: 'public' }, schema: { tags: ['registry'], summary: 'One institution with its licences and their history', params: InstitutionParams, response: { 200: InstitutionDetail, ...errorResponses } } },
      async (request) => registry.publicDetail(request.params.institutionId),
    );

    app.get(
      '/supervisor/institutions',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervisor'], summary: 'Institutions within the jurisdiction', querystring: SearchQuery, response: { 200: Page(InstitutionSummary), ...errorResponses } } },
      async (request) => registry.searchForSupervisor(callerOf(request), request.query),
    );

    app.post(
      '/supervisor/institutions',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervisor'],
          summary: 'Register an institution in the jurisdiction',
          body: Type.Object(
            {
              uscc: Type.String({ minLength: 1, maxLength: 40, description: 'Unified social credit code (GB 32100)' }),
              nameZh: Type.String({ minLength: 1, maxLength: 200 }),
              nameEn: Type.String({ minLength: 1, maxLength: 200 }),
              kind: InstitutionKindSchema,
              jurisdictionCode: JurisdictionCode,
            },
            { additionalProperties: false },
          ),
          response: { 201: InstitutionSummary, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await registry.registerInstitution(callerOf(request), request.body)),
    );

    app.get(
      '/supervisor/institutions/:institutionId',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervisor'], summary: 'One institution of the jurisdiction', params: InstitutionParams, response: { 200: InstitutionDetail, ...errorResponses } } },
      async (request) => registry.detail(callerOf(request), request.params.institutionId),
    );

    app.post(
      '/supervisor/institutions/:institutionId/licences',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['supervisor'], summary: 'Record an application for a licence', params: InstitutionParams, body: Type.Object({ type: LicenceTypeSchema }, { additionalProperties: false }), response: { 201: Licence, ...errorResponses } },
      },
      async (request, reply) => reply.status(201).send(await registry.applyForLicence(callerOf(request), request.params.institutionId, request.body.type)),
    );

    app.post(
      '/supervisor/licences/:licenceId/transitions',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervisor'],
          summary: 'Approve, suspend, reinstate or revoke a licence, with a reason',
          params: LicenceParams,
          body: Type.Object({ to: literals(['approved', 'suspended', 'revoked'] as const), reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
          response: { 200: Licence, ...errorResponses },
        },
      },
      async (request) => registry.transitionLicence(callerOf(request), request.params.licenceId, request.body.to, request.body.reason),
    );

    app.put(
      '/supervisor/licences/:licenceId/qualifications/:key',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervisor'],
          summary: 'Mark a qualification of a licence as met or not',
          params: Type.Object({ licenceId: Uuid, key: Type.String({ pattern: '^[a-z_]{1,64}$' }) }),
          body: Type.Object({ met: Type.Boolean(), note: Type.String({ maxLength: 2000, default: '' }) }, { additionalProperties: false }),
          response: { 200: Licence, ...errorResponses },
        },
      },
      async (request) => registry.setQualification(callerOf(request), request.params.licenceId, request.params.key, request.body.met, request.body.note),
    );

    app.post(
      '/supervisor/institutions/:institutionId/api-keys',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervisor'],
          summary: 'Issue an API key to an institution; the key is shown once',
          params: InstitutionParams,
          body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 80 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ apiKey: Type.String(), keyId: Type.String(), createdAt: Type.String({ format: 'date-time' }) }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const key = await registry.issueApiKey(callerOf(request), request.params.institutionId, request.body.label);
        return reply.status(201).send({ apiKey: key.apiKey, keyId: key.keyId, createdAt: key.createdAt.toISOString() });
      },
    );

    app.get(
      '/institution/profile',
      { config: { access: ['institution'] }, schema: { tags: ['institution'], summary: "The institution's own registry entry and licences", response: { 200: InstitutionDetail, ...errorResponses } } },
      async (request) => {
        const caller = callerOf(request);
        if (caller.principal.role !== 'institution') throw new Error('unreachable: access list admits institutions only');
        return registry.detail(caller, caller.principal.institutionId);
      },
    );
  };
}
