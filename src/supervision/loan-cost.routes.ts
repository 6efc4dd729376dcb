import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses } from '../api/schemas.js';
import type { Services } from '../api/services.js';

const Rate = (description: string) => Type.Number({ description });
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);

const Payment = Type.Object({
  dueOn: Type.String({ format: 'date' }),
  principalFen: Type.Integer(),
  interestFen: Type.Integer(),
  feeFen: Type.Integer(),
  totalFen: Type.Integer(),
});

const LoanCost = Type.Object({
  institutionId: Type.String({ format: 'uuid' }),
  loanId: Type.String(),
  source: Type.Union([Type.Literal('filed_instalments'), Type.Literal('modelled_schedule')], {
    description: 'filed_instalments: every instalment of the loan is filed and the cost is the IRR of those amounts on their due dates; modelled_schedule: the schedule modelled from the loan terms',
  }),
  instalments: Type.Integer(),
  instalmentsFiled: Type.Integer(),
  principalFen: Type.Integer(),
  disbursedFen: Type.Integer(),
  disbursedOn: Type.String({ format: 'date' }),
  periodMonths: NullableInteger,
  periodDays: NullableInteger,
  nominalAnnualRate: Rate('Contract annual interest rate, fees excluded'),
  repaymentMethod: Type.String(),
  totalRepaidFen: Type.Integer({ description: 'Everything the borrower pays: principal, interest and fees' }),
  costFen: Type.Integer({ description: 'What the borrower pays beyond what they received' }),
  cost: Type.Union([
    Type.Object({
      simpleAnnualRate: Rate('Simple figure (nominal APR): the IRR per period × periods per year'),
      compoundAnnualRate: Rate('Compound figure (effective annual rate): (1 + IRR per period)^(periods per year) − 1'),
      periodRate: Rate('The IRR per period'),
      basis: Type.Union([Type.Literal('months'), Type.Literal('days')]),
      periodMonths: NullableInteger,
      periodDays: NullableInteger,
      periodsPerYear: Type.Number(),
    }),
    Type.Null(),
  ]),
  thresholds: Type.Array(
    Type.Object({
      id: Type.String(),
      limit: Type.Number(),
      figure: Type.Union([Type.Literal('simple'), Type.Literal('compound')], { description: 'Which of the two figures the threshold is compared with' }),
      rate: Type.Union([Type.Number(), Type.Null()]),
      above: Type.Union([Type.Boolean(), Type.Null()]),
      verified: Type.Boolean({ description: 'False for a figure found only in secondary sources' }),
      basisZh: Type.String(),
      basisEn: Type.String(),
    }),
  ),
  payments: Type.Array(Payment, { description: 'The cash flows the cost is computed from' }),
});

/** The true cost of one filed loan, to its institution and the supervisors above it. */
export function loanCostRoutes(services: Services): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/loans/:loanId/cost',
      {
        config: { access: ['institution', 'supervisor'] },
        schema: {
          tags: ['loans'],
          summary: 'The comprehensive annualised cost of one loan: simple and compound figures, the thresholds, and the cash flows',
          params: Type.Object({ loanId: Type.String({ minLength: 1, maxLength: 64 }) }),
          querystring: Type.Object({ institutionId: Type.String({ format: 'uuid' }) }),
          response: { 200: LoanCost, ...errorResponses },
        },
      },
      async (request) => services.loanCost.loanCost(callerOf(request), request.query.institutionId, request.params.loanId),
    );
  };
}
