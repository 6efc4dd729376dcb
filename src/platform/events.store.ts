import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import './events.schema.js';

/** An outbox row as the relay reads it. */
export interface OutboxEvent {
  seq: number;
  eventId: string;
  subject: string;
  payload: unknown;
}

/** Write one event into the outbox, on whatever connection or transaction `db` is. */
export async function insertOutboxEvent(db: Kysely<Database>, subject: string, payload: string): Promise<void> {
  await db.insertInto('event_outbox').values({ subject, payload }).execute();
}

/** The oldest unpublished events, in publishing order. */
export async function unpublishedEvents(db: Kysely<Database>, limit: number): Promise<OutboxEvent[]> {
  const rows = await db
    .selectFrom('event_outbox')
    .select(['seq', 'event_id', 'subject', 'payload'])
    .where('published_at', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ seq: Number(row.seq), eventId: row.event_id, subject: row.subject, payload: row.payload }));
}

/** Mark events as published. */
export async function markPublished(db: Kysely<Database>, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .updateTable('event_outbox')
    .set({ published_at: sql<string>`now()` })
    .where('event_id', 'in', eventIds)
    .where('published_at', 'is', null)
    .execute();
}

/** Delete events published before `olderThanMs` milliseconds ago; they served their purpose. */
export async function prunePublished(db: Kysely<Database>, olderThanMs: number): Promise<number> {
  const result = await db
    .deleteFrom('event_outbox')
    .where('published_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Park an event a consumer gave up on (the latest failure wins when it is parked again). */
export async function insertFailure(
  db: Kysely<Database>,
  failure: { eventId: string; consumer: string; subject: string; payload: unknown; attempts: number; error: string },
): Promise<void> {
  await db
    .insertInto('event_failure')
    .values({
      event_id: failure.eventId,
      consumer: failure.consumer,
      subject: failure.subject,
      payload: JSON.stringify(failure.payload),
      attempts: failure.attempts,
      error: failure.error,
    })
    .onConflict((oc) =>
      oc.columns(['event_id', 'consumer']).doUpdateSet((eb) => ({
        attempts: eb.ref('excluded.attempts'),
        error: eb.ref('excluded.error'),
        failed_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

/** Parked events, oldest first (operators and tests read them). */
export async function failures(db: Kysely<Database>, consumer?: string): Promise<{ eventId: string; consumer: string; subject: string; payload: unknown; attempts: number; error: string; failedAt: Date }[]> {
  let query = db.selectFrom('event_failure').selectAll();
  if (consumer !== undefined) query = query.where('consumer', '=', consumer);
  const rows = await query.orderBy('failed_at').orderBy('event_id').execute();
  return rows.map((row) => ({
    eventId: row.event_id,
    consumer: row.consumer,
    subject: row.subject,
    payload: row.payload,
    attempts: row.attempts,
    error: row.error,
    failedAt: row.failed_at,
  }));
}
