import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerOf } from '../platform/auth/access.js';
import { errorResponses, JurisdictionRef } from '../platform/schemas.js';
import { mediationParties, mediationStatuses, referrals } from './mediation.schema.js';
import type { MediationService } from './mediation.service.js';
import type { AgreementBody } from './agreement.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Mediator = Type.Object({ userId: Uuid, username: Type.String(), displayName: Type.String(), jurisdiction: JurisdictionRef, appointedAt: Time, revokedAt: OrNull(Time) });

const CaseSummary = Type.Object({
  caseId: Uuid,
  complaintId: Uuid,
  status: literals(mediationStatuses),
  issue: Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() }),
  amountAtStakeFen: OrNull(Type.Integer()),
  institution: OrNull(Type.Object({ institutionId: Uuid, nameZh: Type.String(), nameEn: Type.String() })),
  jurisdiction: JurisdictionRef,
  mediator: OrNull(Type.Object({ userId: Uuid, displayName: Type.String() })),
  requestedAt: Time,
  takenAt: OrNull(Time),
  closedAt: OrNull(Time),
  referral: OrNull(literals(referrals)),
  yourParty: OrNull(literals(mediationParties)),
});

const Answer = OrNull(literals(['accepted', 'rejected'] as const));
const CaseView = Type.Composite([
  CaseSummary,
  Type.Object({
    positions: Type.Array(Type.Object({ positionId: Uuid, party: literals(mediationParties), text: Type.String(), evidenceIds: Type.Array(Type.String()), submittedAt: Time })),
    proposals: Type.Array(
      Type.Object({
        proposalId: Uuid,
        terms: Type.String(),
        amountFen: OrNull(Type.Integer()),
        proposedAt: Time,
        current: Type.Boolean({ description: 'False once a newer proposal replaced it' }),
        answers: Type.Object({ consumer: Answer, consumerAt: OrNull(Time), institution: Answer, institutionAt: OrNull(Time) }),
      }),
    ),
    evidence: Type.Array(
      Type.Object({ evidenceId: Type.String(), fileName: Type.String(), mediaType: Type.String(), sizeBytes: Type.Integer(), hashAlgorithm: Type.String(), hash: Type.String(), party: literals(mediationParties), receivedAt: Time }),
    ),
    events: Type.Array(Type.Object({ kind: Type.String(), actorRole: Type.String(), at: Time })),
  }),
]);

const SignedAgreement = Type.Object(
  {
    agreement: Type.Unsafe<AgreementBody>(Type.Object({}, { additionalProperties: true, description: 'The outcome record: case, complaint, parties, terms, acceptances, outcome, referral, closedAt, keyId, algorithm' })),
    signature: Type.String({ description: 'Over the canonical JSON of `agreement` (keys sorted at every level): base64 Ed25519 or hex SM2' }),
  },
  { description: 'Check offline with `npx fenghuo mediation verify --agreement a.json --public-key key.json`' },
);

const CaseParams = Type.Object({ caseId: Uuid });
const ProposalParams = Type.Object({ caseId: Uuid, proposalId: Uuid });
const EvidenceParams = Type.Object({ caseId: Uuid, evidenceId: Type.String({ minLength: 1, maxLength: 100 }) });
const StatusQuery = Type.Object({ status: Type.Optional(literals(mediationStatuses)) }, { additionalProperties: false });
const Items = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item) });

/**
 * Online mediation: the consumer's and the institution's mediation room, the mediator's workspace
 * (queue, take, propose, close), and the supervisor's appointments and cases.
 */
export function mediationRoutes(services: { mediation: MediationService }): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { mediation } = services;

    app.post(
      '/consumer/complaints/:complaintId/mediation',
      {
        config: { access: ['consumer'] },
        schema: { tags: ['consumer', 'mediation'], summary: 'Ask for mediation of my complaint whose answer I disputed', params: Type.Object({ complaintId: Uuid }), response: { 201: CaseView, ...errorResponses } },
      },
      async (request, reply) => reply.status(201).send(await mediation.request(callerOf(request), request.params.complaintId)),
    );

    // The two parties' rooms are the same routes under each role's prefix.
    for (const party of ['consumer', 'institution'] as const) {
      const base = `/${party}/mediations`;
      const tags = [party, 'mediation'];
      const who = party === 'consumer' ? 'my' : "my institution's";

      app.get(
        base,
        { config: { access: [party] }, schema: { tags, summary: `Mediation cases of ${who} complaints, newest first`, querystring: StatusQuery, response: { 200: Items(CaseSummary), ...errorResponses } } },
        async (request) => ({ items: await mediation.list(callerOf(request), request.query.status ? { status: [request.query.status] } : {}) }),
      );

      app.get(
        `${base}/:caseId`,
        { config: { access: [party] }, schema: { tags, summary: 'One case: both parties’ positions and evidence, the proposals and every step', params: CaseParams, response: { 200: CaseView, ...errorResponses } } },
        async (request) => mediation.get(callerOf(request), request.params.caseId),
      );

      app.post(
        `${base}/:caseId/positions`,
        {
          config: { access: [party] },
          schema: {
            tags,
            summary: 'State a position, with evidence items of my own from the evidence vault (linked to the case)',
            params: CaseParams,
            body: Type.Object(
              { text: Type.String({ minLength: 1, maxLength: 4000 }), evidenceIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 })) },
              { additionalProperties: false },
            ),
            response: { 201: CaseView, ...errorResponses },
          },
        },
        async (request, reply) => reply.status(201).send(await mediation.submitPosition(callerOf(request), request.params.caseId, request.body)),
      );

      for (const answer of ['accept', 'reject'] as const) {
        app.post(
          `${base}/:caseId/proposals/:proposalId/${answer}`,
          {
            config: { access: [party] },
            schema: {
              tags,
              summary: answer === 'accept' ? "Accept the mediator's current proposal; when both parties have, the case is settled" : "Reject the mediator's current proposal",
              params: ProposalParams,
              response: { 200: CaseView, ...errorResponses },
            },
          },
          async (request) => mediation.answer(callerOf(request), request.params.caseId, request.params.proposalId, answer === 'accept' ? 'accepted' : 'rejected'),
        );
      }

      app.get(
        `${base}/:caseId/agreement`,
        { config: { access: [party] }, schema: { tags, summary: 'The signed outcome of a closed case', params: CaseParams, response: { 200: SignedAgreement, ...errorResponses } } },
        async (request, reply) =>
          reply.header('content-disposition', `attachment; filename="mediation-${request.params.caseId}.json"`).send(await mediation.agreement(callerOf(request), request.params.caseId)),
      );

      app.get(
        `${base}/:caseId/evidence/:evidenceId`,
        { config: { access: [party] }, schema: { tags, summary: 'Open one evidence item of the case (reading the consumer’s is audited)', params: EvidenceParams, produces: ['application/octet-stream'] } },
        async (request, reply) => {
          const { summary, stream } = await mediation.openEvidence(callerOf(request), request.params.caseId, request.params.evidenceId);
          return reply.type(summary.mediaType).header('content-length', summary.sizeBytes).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(summary.fileName)}`).send(stream);
        },
      );
    }

    // The mediator's workspace.
    app.get(
      '/mediator/queue',
      { config: { access: ['mediator'] }, schema: { tags: ['mediation'], summary: 'Cases of my jurisdiction that no mediator has taken yet, newest first', response: { 200: Items(CaseSummary), ...errorResponses } } },
      async (request) => ({ items: await mediation.list(callerOf(request), { mediatorView: 'queue' }) }),
    );

    app.get(
      '/mediator/cases',
      { config: { access: ['mediator'] }, schema: { tags: ['mediation'], summary: 'The cases I took, newest first', querystring: StatusQuery, response: { 200: Items(CaseSummary), ...errorResponses } } },
      async (request) => ({ items: await mediation.list(callerOf(request), { mediatorView: 'mine', ...(request.query.status ? { status: [request.query.status] } : {}) }) }),
    );

    app.get(
      '/mediator/cases/:caseId',
      { config: { access: ['mediator'] }, schema: { tags: ['mediation'], summary: 'One case of my jurisdiction (read audited)', params: CaseParams, response: { 200: CaseView, ...errorResponses } } },
      async (request) => mediation.get(callerOf(request), request.params.caseId),
    );

    app.post(
      '/mediator/cases/:caseId/take',
      { config: { access: ['mediator'] }, schema: { tags: ['mediation'], summary: 'Take a case from the queue', params: CaseParams, response: { 200: CaseView, ...errorResponses } } },
      async (request) => mediation.take(callerOf(request), request.params.caseId),
    );

    app.post(
      '/mediator/cases/:caseId/proposals',
      {
        config: { access: ['mediator'] },
        schema: {
          tags: ['mediation'],
          summary: 'Propose terms; a newer proposal replaces the open one',
          params: CaseParams,
          body: Type.Object(
            { terms: Type.String({ minLength: 1, maxLength: 4000 }), amountFen: Type.Optional(OrNull(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'Amount paid to the consumer, in fen' }))) },
            { additionalProperties: false },
          ),
          response: { 201: CaseView, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await mediation.propose(callerOf(request), request.params.caseId, request.body)),
    );

    app.post(
      '/mediator/cases/:caseId/close',
      {
        config: { access: ['mediator'] },
        schema: {
          tags: ['mediation'],
          summary: 'Close the case as not settled, referring the dispute to arbitration or court; the outcome is signed',
          params: CaseParams,
          body: Type.Object({ referral: literals(referrals), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false }),
          response: { 200: CaseView, ...errorResponses },
        },
      },
      async (request) => mediation.closeNotSettled(callerOf(request), request.params.caseId, request.body),
    );

    app.get(
      '/mediator/cases/:caseId/agreement',
      { config: { access: ['mediator'] }, schema: { tags: ['mediation'], summary: 'The signed outcome of a closed case', params: CaseParams, response: { 200: SignedAgreement, ...errorResponses } } },
      async (request) => mediation.agreement(callerOf(request), request.params.caseId),
    );

    app.get(
      '/mediator/cases/:caseId/evidence/:evidenceId',
      { config: { access: ['mediator'] }, schema: { tags: ['mediation'], summary: 'Open one evidence item of the case (audited)', params: EvidenceParams, produces: ['application/octet-stream'] } },
      async (request, reply) => {
        const { summary, stream } = await mediation.openEvidence(callerOf(request), request.params.caseId, request.params.evidenceId);
        return reply.type(summary.mediaType).header('content-length', summary.sizeBytes).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(summary.fileName)}`).send(stream);
      },
    );

    // The supervisor: appointments and the cases of the jurisdiction.
    app.post(
      '/supervisor/mediators',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['supervisor', 'mediation'],
          summary: 'Appoint a mediator for a jurisdiction within mine, creating the account',
          body: Type.Object(
            {
              username: Type.String({ pattern: '^[A-Za-z0-9._-]{3,64}$' }),
              password: Type.String({ minLength: 8, maxLength: 256 }),
              displayName: Type.String({ minLength: 1, maxLength: 100 }),
              jurisdictionCode: Type.String({ pattern: '^\\d{6}$' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Mediator, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await mediation.appointMediator(callerOf(request), request.body)),
    );

    app.get(
      '/supervisor/mediators',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervisor', 'mediation'], summary: 'Mediators appointed within my jurisdiction, revoked ones too', response: { 200: Items(Mediator), ...errorResponses } } },
      async (request) => ({ items: await mediation.mediators(callerOf(request)) }),
    );

    app.post(
      '/supervisor/mediators/:userId/revoke',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['supervisor', 'mediation'], summary: "End a mediator's appointment; their sessions stop working at once", params: Type.Object({ userId: Uuid }), response: { 200: Mediator, ...errorResponses } },
      },
      async (request) => mediation.revokeMediator(callerOf(request), request.params.userId),
    );

    app.get(
      '/supervisor/mediations',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervisor', 'mediation'], summary: 'Mediation cases of my jurisdiction, newest first', querystring: StatusQuery, response: { 200: Items(CaseSummary), ...errorResponses } } },
      async (request) => ({ items: await mediation.list(callerOf(request), request.query.status ? { status: [request.query.status] } : {}) }),
    );

    app.get(
      '/supervisor/mediations/:caseId',
      { config: { access: ['supervisor'] }, schema: { tags: ['supervisor', 'mediation'], summary: 'One mediation case of my jurisdiction (read audited)', params: CaseParams, response: { 200: CaseView, ...errorResponses } } },
      async (request) => mediation.get(callerOf(request), request.params.caseId),
    );
  };
}
