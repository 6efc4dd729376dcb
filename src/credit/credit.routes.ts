import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses } from '../platform/schemas.js';
import type { CreditService } from './credit.service.js';

const Text = Type.Object({ zh: Type.String(), en: Type.String() });
const Coded = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });
const Report = Type.Object({
  reportDate: Type.String(),
  subject: Type.Object({ residentIdMasked: Type.String(), residentId: Type.Optional(Type.String({ description: 'Only in the person’s own report' })) }),
  tradelines: Type.Array(
    Type.Object({
      institution: Type.Object({ institutionId: Type.String(), nameZh: Type.String(), nameEn: Type.String() }),
      loanId: Type.String(),
      productType: Type.Union([Coded, Type.Null()]),
      purpose: Coded,
      openedOn: Type.String(),
      principalFen: Type.Integer(),
      balanceFen: Type.Integer(),
      installments: Type.Integer(),
      status: Type.String(),
      daysPastDue: Type.Integer(),
      worstDaysPastDue: Type.Integer(),
      grid: Type.Array(Type.Object({ month: Type.String(), code: Type.String() }), { description: 'N on time; 1–7 days past due in 30-day steps; W written off; * nothing filed; / not yet opened' }),
      negative: Type.Union([Type.Object({ from: Type.String(), endedOn: Type.Union([Type.String(), Type.Null()]), shownUntil: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
      disputes: Type.Array(Type.Object({ disputeId: Type.String(), status: Type.String(), filedAt: Type.String(), dueOn: Type.String(), statement: Type.Union([Type.String(), Type.Null()]) })),
    }),
  ),
  totals: Type.Object({ outstandingFen: Type.Integer(), lenders: Type.Integer(), openTradelines: Type.Integer(), newLoans30Days: Type.Integer(), newLoans90Days: Type.Integer(), overdueTradelines: Type.Integer() }),
  inquiries: Type.Array(Type.Object({ at: Type.String(), by: Text, purpose: Coded })),
  notices: Type.Array(Type.Object({ noticeId: Type.String(), institution: Text, loanId: Type.String(), negativeFrom: Type.String(), createdAt: Type.String() })),
  freeReports: Type.Object({ perYear: Type.Integer(), basis: Type.String() }),
  score: Type.Union([
    Type.Object({
      modelVersion: Type.Integer(),
      score: Type.Integer(),
      pd: Type.Number({ description: 'Probability of going 90 days past due within a year' }),
      grade: Type.Union(['A', 'B', 'C', 'D', 'E'].map((g) => Type.Literal(g))),
      suggestedLimitFen: Type.Integer(),
      reasons: Type.Array(Type.Object({ feature: Type.String(), label: Text, value: Type.String(), pointsLost: Type.Number() })),
    }),
    Type.Null(),
  ]),
});

const PointsTable = Type.Object(
  {
    scaling: Type.Object({ baseScore: Type.Number(), baseOdds: Type.Number(), pdo: Type.Number() }),
    scoreRange: Type.Object({ min: Type.Number(), max: Type.Number() }),
    features: Type.Array(
      Type.Object({
        name: Type.String(),
        label: Text,
        unit: Type.Union([Text, Type.Null()]),
        iv: Type.Number(),
        bins: Type.Array(Type.Object({ lower: Type.Union([Type.Number(), Type.Null()]), upper: Type.Union([Type.Number(), Type.Null()]), fallback: Type.Boolean(), goods: Type.Integer(), bads: Type.Integer(), points: Type.Number() })),
      }),
    ),
    excluded: Type.Array(Type.Object({ name: Type.String(), label: Text, reason: Type.Union(['sensitive', 'single_bin', 'low_information', 'wrong_sign'].map((r) => Type.Literal(r))) })),
  },
  { description: 'The points table: the score is the sum of the points of the bin each attribute falls in; numeric bins are [lower, upper)' },
);

const DisputeStatus = Type.Union([Type.Literal('open'), Type.Literal('escalated'), Type.Literal('corrected'), Type.Literal('kept')]);
const Dispute = Type.Object({
  disputeId: Type.String({ format: 'uuid' }),
  institution: Type.Object({ institutionId: Type.String(), nameZh: Type.String(), nameEn: Type.String() }),
  loanId: Type.String(),
  reason: Type.String(),
  filedAt: Type.String({ format: 'date-time' }),
  dueOn: Type.String({ description: 'The last of the 20 days (China time) the institution has to answer' }),
  status: DisputeStatus,
  statement: Type.Union([Type.String(), Type.Null()]),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  escalatedAt: Type.Union([Type.String(), Type.Null()]),
});
const Disputes = Type.Object({ items: Type.Array(Dispute) });
const StatusQuery = Type.Object({ status: Type.Optional(DisputeStatus) }, { additionalProperties: false });

/** The consolidated credit report: the person's own, and institutions' inquiries with the person's authorisation. */
export function creditRoutes(services: { credit: CreditService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { credit } = services;

    app.get(
      '/consumer/credit-report',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'credit'], summary: 'My consolidated credit report, free at any time; the read is logged', response: { 200: Report, ...errorResponses } } },
      async (request) => credit.ownReport(callerOf(request)),
    );

    app.get(
      '/consumer/credit-report.pdf',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'credit'],
          summary: 'My consolidated credit report as a PDF (Chinese or English)',
          querystring: Type.Object({ lang: Type.Union([Type.Literal('zh'), Type.Literal('en')], { default: 'zh' }) }, { additionalProperties: false }),
          produces: ['application/pdf'],
        },
      },
      async (request, reply) => {
        const { pdf, reportDate } = await credit.ownReportPdf(callerOf(request), request.query.lang);
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="credit-report-${reportDate}.pdf"`).send(pdf);
      },
    );

    app.post(
      '/credit/inquiries',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['credit'],
          summary: "Query a person's credit report, with their authorisation for the purpose",
          body: Type.Object({ residentId: Type.String({ minLength: 1, maxLength: 32 }), purpose: Type.String({ pattern: '^[a-z_]{1,40}$', description: 'loan_approval, post_loan_management, guarantee_qualification, credit_card_approval' }) }, { additionalProperties: false }),
          response: { 200: Type.Composite([Report, Type.Object({ inquiryId: Type.String() })]), ...errorResponses },
        },
      },
      async (request) => credit.inquire(callerOf(request), request.body),
    );

    app.post(
      '/consumer/credit/disputes',
      {
        config: { access: ['consumer'] },
        schema: {
          tags: ['consumer', 'credit'],
          summary: 'Object to one of my tradelines: marked on every report at once, answered by the lender within 20 days',
          body: Type.Object({ institutionId: Type.String({ format: 'uuid' }), loanId: Type.String({ minLength: 1, maxLength: 100 }), reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
          response: { 201: Dispute, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await credit.fileDispute(callerOf(request), request.body)),
    );

    app.get(
      '/consumer/credit/disputes',
      { config: { access: ['consumer'] }, schema: { tags: ['consumer', 'credit'], summary: 'My disputes, newest first', response: { 200: Disputes, ...errorResponses } } },
      async (request) => ({ items: await credit.myDisputes(callerOf(request)) }),
    );

    app.get(
      '/institution/credit/disputes',
      { config: { access: ['institution'] }, schema: { tags: ['credit'], summary: 'My dispute desk: objections to the tradelines I furnished, most urgent first', querystring: StatusQuery, response: { 200: Disputes, ...errorResponses } } },
      async (request) => ({ items: await credit.disputeDesk(callerOf(request), request.query.status) }),
    );

    app.post(
      '/institution/credit/disputes/:disputeId/answer',
      {
        config: { access: ['institution'] },
        schema: {
          tags: ['credit'],
          summary: 'Answer a dispute: corrected (after a corrected filing) or kept with a statement',
          params: Type.Object({ disputeId: Type.String({ format: 'uuid' }) }),
          body: Type.Object({ outcome: Type.Union([Type.Literal('corrected'), Type.Literal('kept')]), statement: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
          response: { 200: Dispute, ...errorResponses },
        },
      },
      async (request) => credit.answerDispute(callerOf(request), request.params.disputeId, request.body),
    );

    app.get(
      '/supervisor/credit/models',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['credit'],
          summary: 'Every trained credit scorecard with its validation figures (AUC, KS, calibration), newest first; the newest is in force',
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  version: Type.Integer(),
                  trainedAt: Type.String(),
                  snapshot: Type.String({ description: 'The month (YYYY-MM) the attributes were taken at' }),
                  horizonMonths: Type.Integer({ description: 'Months after the snapshot in which going 90 days past due counts as bad' }),
                  rows: Type.Integer(),
                  bads: Type.Integer(),
                  metrics: Type.Record(Type.String(), Type.Unknown(), { description: 'Cross-validated: n, bads, auc, ks, brier, calibration (deciles: count, meanPd, badRate)' }),
                  inForce: Type.Boolean({ description: 'The newest version, used for every report' }),
                  scorecard: PointsTable,
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({ items: await credit.modelVersions(callerOf(request)) }),
    );

    app.get(
      '/supervisor/credit/disputes',
      { config: { access: ['supervisor'] }, schema: { tags: ['credit'], summary: 'Disputes about institutions in my jurisdiction (escalated: unanswered after 20 days)', querystring: StatusQuery, response: { 200: Disputes, ...errorResponses } } },
      async (request) => ({ items: await credit.supervisedDisputes(callerOf(request), request.query.status) }),
    );
  };
}
