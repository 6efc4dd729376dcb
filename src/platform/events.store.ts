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

/** An event a consumer is to take now, with the attempt this is (1 for the first). */
export interface ClaimedDelivery extends OutboxEvent {
  attempt: number;
}

/** An event a consumer gave up on after its last attempt. */
export interface FailureRow {
  failureId: string;
  eventId: string;
  consumer: string;
  subject: string;
  payload: unknown;
  attempts: number;
  error: string;
  failedAt: Date;
}

/** A registered consumer with what it has still to take. */
export interface ConsumerRow {
  consumer: string;
  subject: string;
  backfill: 'outbox' | 'none' | 'callback';
  registeredAt: Date;
  backfilledAt: Date | null;
  pending: number;
  parked: number;
}

/**
 * Registration and fan-out take this transaction-level lock, so that an event committed while a
 * consumer registers is either copied by the registration or fanned out to it, never neither.
 */
const REGISTRATION_LOCK = 0x66686576;

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

/**
 * In-process publishing: give every consumer registered for an event's subject a delivery row,
 * and mark the events published, in one transaction. An event nobody is registered for gets no
 * row but stays in the outbox, where a consumer registering later with 'outbox' backfill finds it.
 */
export async function fanOut(db: Kysely<Database>, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${REGISTRATION_LOCK})`.execute(trx);
    await sql`
      insert into event_delivery (consumer, seq, subject)
      select c.consumer, e.seq, e.subject
        from event_outbox e join event_consumer c on c.subject = e.subject
       where e.seq in (${sql.join(seqs)})
      on conflict do nothing`.execute(trx);
    await trx
      .updateTable('event_outbox')
      .set({ published_at: sql<string>`now()` })
      .where('seq', 'in', seqs)
      .where('published_at', 'is', null)
      .execute();
  });
}

/**
 * Record a (consumer, subject) pair. The first time, `backfill` says what it catches up on:
 * with `copyOutbox` every event of the subject still in the outbox gets a delivery row for it.
 * Returns whether it was new and whether a callback backfill is still owed.
 */
export async function registerConsumer(
  db: Kysely<Database>,
  consumer: string,
  subject: string,
  backfill: 'outbox' | 'none' | 'callback',
  copyOutbox: boolean,
): Promise<{ created: boolean; backfillOwed: boolean }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${REGISTRATION_LOCK})`.execute(trx);
    const inserted = await trx
      .insertInto('event_consumer')
      .values({ consumer, subject, backfill, backfilled_at: backfill === 'callback' ? null : new Date() })
      .onConflict((oc) => oc.columns(['consumer', 'subject']).doNothing())
      .returning('consumer')
      .executeTakeFirst();
    if (inserted && copyOutbox && backfill === 'outbox') {
      await sql`
        insert into event_delivery (consumer, seq, subject)
        select ${consumer}, seq, subject from event_outbox where subject = ${subject}
        on conflict do nothing`.execute(trx);
    }
    const row = await trx.selectFrom('event_consumer').select(['backfill', 'backfilled_at']).where('consumer', '=', consumer).where('subject', '=', subject).executeTakeFirstOrThrow();
    return { created: inserted !== undefined, backfillOwed: row.backfill === 'callback' && row.backfilled_at === null };
  });
}

/**
 * A callback backfill's events: stored in the outbox as already published (no other consumer
 * gets them) with a delivery row for this consumer only, and the backfill marked done.
 */
export async function insertBackfill(db: Kysely<Database>, consumer: string, subject: string, payloads: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const payload of payloads) {
      const added = await sql<{ seq: number }>`insert into event_outbox (subject, payload, published_at) values (${subject}, ${payload}::jsonb, now()) returning seq`.execute(trx);
      await trx.insertInto('event_delivery').values({ consumer, seq: Number(added.rows[0]!.seq), subject }).execute();
    }
    await trx.updateTable('event_consumer').set({ backfilled_at: new Date() }).where('consumer', '=', consumer).where('subject', '=', subject).execute();
  });
}

/**
 * Take up to `limit` due deliveries of a consumer, oldest first, leasing them for `leaseMs` (a
 * process that dies mid-handler lets them go after that) and counting the attempt.
 */
export async function claimDeliveries(db: Kysely<Database>, consumer: string, subject: string, limit: number, leaseMs: number, skip: readonly number[]): Promise<ClaimedDelivery[]> {
  const skipped = skip.length > 0 ? sql`and seq not in (${sql.join(skip)})` : sql``;
  const result = await sql<{ seq: number; attempts: number; event_id: string; payload: unknown }>`
    with due as (
      select consumer, seq from event_delivery
       where consumer = ${consumer} and subject = ${subject} and next_attempt_at <= now() ${skipped}
       order by seq limit ${limit}
       for update skip locked
    )
    update event_delivery d
       set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
      from due join event_outbox o on o.seq = due.seq
     where d.consumer = due.consumer and d.seq = due.seq
    returning d.seq, d.attempts, o.event_id, o.payload`.execute(db);
  return result.rows
    .map((row) => ({ seq: Number(row.seq), attempt: row.attempts, eventId: row.event_id, subject, payload: row.payload }))
    .sort((a, b) => a.seq - b.seq);
}

/** The consumer took the event. */
export async function completeDelivery(db: Kysely<Database>, consumer: string, seq: number): Promise<void> {
  await db.deleteFrom('event_delivery').where('consumer', '=', consumer).where('seq', '=', seq).execute();
}

/** Try again after `delayMs`. */
export async function retryDelivery(db: Kysely<Database>, consumer: string, seq: number, delayMs: number): Promise<void> {
  await db
    .updateTable('event_delivery')
    .set({ next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})` })
    .where('consumer', '=', consumer)
    .where('seq', '=', seq)
    .execute();
}

/** Hand back claimed deliveries that were never started (a consumer stopping): due now, the attempt not counted. */
export async function releaseDeliveries(db: Kysely<Database>, consumer: string, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db
    .updateTable('event_delivery')
    .set((eb) => ({ next_attempt_at: sql<Date>`now()`, attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)` }))
    .where('consumer', '=', consumer)
    .where('seq', 'in', seqs)
    .execute();
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

/** Park a delivery: its failure is recorded and its row leaves the queue, in one transaction. */
export async function parkDelivery(
  db: Kysely<Database>,
  seq: number,
  failure: { eventId: string; consumer: string; subject: string; payload: unknown; attempts: number; error: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertFailure(trx, failure);
    await completeDelivery(trx, failure.consumer, seq);
  });
}

/** Parked events, oldest first (operators and tests read them). */
export async function failures(db: Kysely<Database>, consumer?: string): Promise<FailureRow[]> {
  let query = db.selectFrom('event_failure').selectAll();
  if (consumer !== undefined) query = query.where('consumer', '=', consumer);
  const rows = await query.orderBy('failed_at').orderBy('event_id').execute();
  return rows.map((row) => ({
    failureId: row.failure_id,
    eventId: row.event_id,
    consumer: row.consumer,
    subject: row.subject,
    payload: row.payload,
    attempts: row.attempts,
    error: row.error,
    failedAt: row.failed_at,
  }));
}

/**
 * Put a parked event back in its consumer's queue, with a fresh count of attempts, and remove it
 * from the parked list. The outbox row is written again if it was pruned meanwhile. Returns the
 * parked event, or undefined when there is none with that id. Runs in `trx` when given one.
 */
export async function replayFailure(db: Kysely<Database>, failureId: string): Promise<FailureRow | undefined> {
  const run = async (trx: Kysely<Database>) => {
    const row = await trx.selectFrom('event_failure').selectAll().where('failure_id', '=', failureId).forUpdate().executeTakeFirst();
    if (!row) return undefined;
    await sql`
      insert into event_outbox (event_id, subject, payload, published_at)
      values (${row.event_id}, ${row.subject}, ${JSON.stringify(row.payload)}::jsonb, now())
      on conflict (event_id) do nothing`.execute(trx);
    await sql`
      insert into event_delivery (consumer, seq, subject)
      select ${row.consumer}, seq, subject from event_outbox where event_id = ${row.event_id}
      on conflict (consumer, seq) do update set attempts = 0, next_attempt_at = now()`.execute(trx);
    await trx.deleteFrom('event_failure').where('failure_id', '=', failureId).execute();
    return { failureId: row.failure_id, eventId: row.event_id, consumer: row.consumer, subject: row.subject, payload: row.payload, attempts: row.attempts, error: row.error, failedAt: row.failed_at };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Unregister a consumer (of one subject, or all): its kept deliveries go with it, its parked events
 * stay listed. Returns the registrations removed.
 */
export async function forgetConsumer(db: Kysely<Database>, consumer: string, subject?: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let deliveries = trx.deleteFrom('event_delivery').where('consumer', '=', consumer);
    let registrations = trx.deleteFrom('event_consumer').where('consumer', '=', consumer);
    if (subject !== undefined) {
      deliveries = deliveries.where('subject', '=', subject);
      registrations = registrations.where('subject', '=', subject);
    }
    await deliveries.execute();
    return Number((await registrations.executeTakeFirst()).numDeletedRows);
  });
}

/** Whether a NATS consumer already handled this event (a redelivery after a lost acknowledgement). */
export async function wasHandled(db: Kysely<Database>, consumer: string, eventId: string): Promise<boolean> {
  const row = await db.selectFrom('event_handled').select('event_id').where('consumer', '=', consumer).where('event_id', '=', eventId).executeTakeFirst();
  return row !== undefined;
}

/** Remember that a NATS consumer handled this event. */
export async function markHandled(db: Kysely<Database>, consumer: string, eventId: string): Promise<void> {
  await db.insertInto('event_handled').values({ consumer, event_id: eventId }).onConflict((oc) => oc.doNothing()).execute();
}

/** Every registered consumer with its queued and parked counts. */
export async function consumers(db: Kysely<Database>): Promise<ConsumerRow[]> {
  const result = await sql<{ consumer: string; subject: string; backfill: ConsumerRow['backfill']; registered_at: Date; backfilled_at: Date | null; pending: number; parked: number }>`
    select c.consumer, c.subject, c.backfill, c.registered_at, c.backfilled_at,
           (select count(*) from event_delivery d where d.consumer = c.consumer and d.subject = c.subject)::int as pending,
           (select count(*) from event_failure f where f.consumer = c.consumer and f.subject = c.subject)::int as parked
      from event_consumer c
     order by c.consumer, c.subject`.execute(db);
  return result.rows.map((row) => ({
    consumer: row.consumer,
    subject: row.subject,
    backfill: row.backfill,
    registeredAt: new Date(row.registered_at),
    backfilledAt: row.backfilled_at === null ? null : new Date(row.backfilled_at),
    pending: Number(row.pending),
    parked: Number(row.parked),
  }));
}

/**
 * What waits: events not yet published plus deliveries not yet taken, the age in seconds of the
 * oldest of them (0 when none), and the parked events.
 */
export async function stats(db: Kysely<Database>): Promise<{ pending: number; oldestPendingSeconds: number; parked: number }> {
  const result = await sql<{ pending: number; oldest: number | null; parked: number }>`
    select
      (select count(*) from event_outbox where published_at is null)::int
        + (select count(*) from event_delivery)::int as pending,
      extract(epoch from now() - least(
        (select created_at from event_outbox where published_at is null order by seq limit 1),
        (select min(o.created_at) from event_delivery d join event_outbox o on o.seq = d.seq)
      ))::float8 as oldest,
      (select count(*) from event_failure)::int as parked`.execute(db);
  const row = result.rows[0]!;
  return { pending: Number(row.pending), oldestPendingSeconds: row.oldest === null ? 0 : Math.max(0, Number(row.oldest)), parked: Number(row.parked) };
}

/**
 * Delete events published before `olderThanMs` milliseconds ago that no consumer still has to
 * take, and the handled marks of the same age; they served their purpose.
 */
export async function prunePublished(db: Kysely<Database>, olderThanMs: number): Promise<number> {
  const cutoff = sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`;
  const result = await db
    .deleteFrom('event_outbox')
    .where('published_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('event_delivery').select('event_delivery.seq').whereRef('event_delivery.seq', '=', 'event_outbox.seq'))))
    .executeTakeFirst();
  await db.deleteFrom('event_handled').where('handled_at', '<', cutoff).execute();
  return Number(result.numDeletedRows);
}
