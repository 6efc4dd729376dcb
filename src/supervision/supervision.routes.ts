import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses, JurisdictionRef } from '../platform/schemas.js';
import type { SupervisionService } from './supervision.service.js';
import type { RegistryService } from '../registry/registry.service.js';
import type { IdentityService } from '../identity/identity.service.js';

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

const Business = Type.Object({
  loans: Type.Object({
    loans: Type.Integer(),
    principalFen: Type.Integer(),
    disbursedFen: Type.Integer(),
    borrowers: Type.Integer(),
    averageAnnualisedCost: Nullable(Type.Number()),
    aboveCap: Type.Integer({ description: 'Loans whose comprehensive annualised cost is above costCap' }),
  }),
  loansByMonth: Type.Array(Type.Object({ month: Type.String(), loans: Type.Integer(), principalFen: Type.Integer() })),
  repayments: Type.Object({ instalments: Type.Integer(), overdue: Type.Integer(), overdueRate: Nullable(Type.Number()) }),
  complaints: Type.Object({ complaints: Type.Integer(), open: Type.Integer(), byCategory: Type.Array(Type.Object({ category: Type.String(), count: Type.Integer() })) }),
  platformComplaints: Type.Object(
    { received: Type.Integer(), open: Type.Integer(), late: Type.Integer({ description: 'Answered after the deadline, or open past it' }), disputed: Type.Integer() },
    { description: 'Complaints consumers filed on the platform against these institutions' },
  ),
  multiLendingBorrowers: Type.Integer({ description: 'Borrowers with loans in force at three or more institutions' }),
  costCap: Type.Union([Type.Number(), Type.Null()], { description: 'The cash-loan cost cap in force (rule CN-LOAN-COST-CASH-LOAN), null where no such rule is in force' }),
  dataAsOf: Type.Union([
    Type.Object({ period: Type.String({ description: 'The newest period with an accepted filing behind the figures' }), acceptedAt: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
});

const Overview = Type.Object({
  jurisdiction: JurisdictionRef,
  institutions: Type.Integer(),
  consumers: Type.Integer(),
  licencesByStatus: Type.Record(Type.String(), Type.Integer()),
  licencesByType: Type.Record(Type.String(), Type.Integer()),
  byRegion: Type.Array(Type.Composite([JurisdictionRef, Type.Object({ institutions: Type.Integer(), approvedLicences: Type.Integer() })])),
  business: Business,
});

const InstitutionParams = Type.Object({ institutionId: Type.String({ format: 'uuid' }) });

/** The supervisor's home page: registry counts and the filed business of the jurisdiction. */
export function supervisionRoutes(services: { supervision: SupervisionService; registry: RegistryService; identity: IdentityService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/supervisor/overview',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervisor'], summary: 'Counts for the home page, within the jurisdiction', response: { 200: Overview, ...errorResponses } } },
      async (request) => {
        const caller = callerOf(request);
        const [registry, business] = await Promise.all([services.registry.overview(caller), services.supervision.businessOverview(caller)]);
        return { ...registry, consumers: await services.identity.countConsumers(registry.jurisdiction.code), business };
      },
    );
    app.get(
      '/supervisor/institutions/:institutionId/business',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['supervisor'], summary: "One institution's filed business: loans, cost, overdue instalments, complaints", params: InstitutionParams, response: { 200: Business, ...errorResponses } },
      },
      async (request) => services.supervision.institutionBusiness(callerOf(request), request.params.institutionId),
    );
  };
}
