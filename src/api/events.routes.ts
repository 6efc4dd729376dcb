import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalAs } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import type { FailedEvent } from '../platform/events.js';
import type { Platform } from '../platform/platform.js';
import { COUNTRY_CODE } from '../standard/regions.js';
import { errorResponses } from './schemas.js';

const ParkedEvent = Type.Object({
  failureId: Type.String({ format: 'uuid', description: 'Names the parked event for a replay' }),
  eventId: Type.String({ format: 'uuid' }),
  consumer: Type.String(),
  subject: Type.String(),
  payload: Type.Unknown(),
  attempts: Type.Integer(),
  error: Type.String({ description: 'The last error of the handler' }),
  failedAt: Type.String({ format: 'date-time' }),
});

const Consumer = Type.Object({
  consumer: Type.String(),
  subject: Type.String(),
  backfill: Type.Union([Type.Literal('outbox'), Type.Literal('none'), Type.Literal('callback')]),
  registeredAt: Type.String({ format: 'date-time' }),
  pending: Type.Integer({ description: 'Events kept for it and not yet taken (in process)' }),
  parked: Type.Integer(),
});

const Stats = Type.Object({
  pending: Type.Integer({ description: 'Events not yet published plus deliveries not yet taken' }),
  oldestPendingSeconds: Type.Number(),
  parked: Type.Integer(),
  broker: Type.Union([Type.Literal('in-process'), Type.Literal('available'), Type.Literal('unavailable')]),
});

const view = (event: FailedEvent) => ({ ...event, failedAt: event.failedAt.toISOString() });

/** The event bus is the platform's, across every jurisdiction: only a national supervisor operates it. */
function nationalSupervisor(request: FastifyRequest): void {
  if (principalAs(request, 'supervisor').jurisdictionCode !== COUNTRY_CODE) fail('FH_FORBIDDEN');
}

/** Operating the event bus: registered consumers, outbox lag, parked events and their replay. */
export function eventRoutes(platform: Platform): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/events/consumers',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['events'], summary: 'Registered event consumers and the outbox lag (national supervisors)', response: { 200: Type.Object({ consumers: Type.Array(Consumer), stats: Stats }), ...errorResponses } },
      },
      async (request) => {
        nationalSupervisor(request);
        const [consumers, stats] = await Promise.all([platform.events.consumers(), platform.events.stats()]);
        return { consumers: consumers.map((c) => ({ ...c, registeredAt: c.registeredAt.toISOString() })), stats };
      },
    );
    app.get(
      '/events/parked',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['events'],
          summary: 'Events a consumer gave up on after its last attempt, oldest first (national supervisors)',
          querystring: Type.Object({ consumer: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' })) }),
          response: { 200: Type.Object({ parked: Type.Array(ParkedEvent) }), ...errorResponses },
        },
      },
      async (request) => {
        nationalSupervisor(request);
        return { parked: (await platform.events.failedEvents(request.query.consumer)).map(view) };
      },
    );
    app.post(
      '/events/parked/:id/replay',
      {
        config: { access: ['supervisor'] },
        schema: {
          tags: ['events'],
          summary: 'Give a parked event back to its consumer with fresh attempts (national supervisors); audited',
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: Type.Object({ replayed: ParkedEvent }), ...errorResponses },
        },
      },
      async (request) => {
        nationalSupervisor(request);
        const replayed = await platform.database.db.transaction().execute(async (trx) => {
          const event = await platform.events.replayParked(request.params.id, trx);
          if (!event) fail('FH_NOT_FOUND', { field: 'params.id' });
          await platform.audit.record(trx, request.actor, {
            action: 'events.replay',
            resource: `event:${event.eventId}`,
            detail: { failureId: event.failureId, consumer: event.consumer, subject: event.subject, attempts: event.attempts },
          });
          return event;
        });
        // Delivered on the consumer's next look at its queue (its poll, at most a second away).
        return { replayed: view(replayed) };
      },
    );
  };
}
