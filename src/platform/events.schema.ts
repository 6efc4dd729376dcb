import type { ColumnType, Generated } from 'kysely';

/** One event written by a business transaction; `published_at` is set once the relay handed it over. */
export interface EventOutboxTable {
  seq: Generated<number>;
  event_id: Generated<string>;
  subject: string;
  payload: ColumnType<unknown, string, never>;
  created_at: Generated<Date>;
  published_at: ColumnType<Date | null, never, string | null>;
}

/** An event a consumer gave up on after its last attempt, with the last error. */
export interface EventFailureTable {
  event_id: string;
  consumer: string;
  subject: string;
  payload: ColumnType<unknown, string, string>;
  attempts: number;
  error: string;
  failed_at: Generated<Date>;
  failure_id: Generated<string>;
}

/** A (consumer, subject) pair that subscribed once; events are kept for it from then on. */
export interface EventConsumerTable {
  consumer: string;
  subject: string;
  backfill: 'outbox' | 'none' | 'callback';
  registered_at: Generated<Date>;
  backfilled_at: Date | null;
}

/** An event a consumer has still to take; deleted once handled, moved to event_failure when parked. */
export interface EventDeliveryTable {
  consumer: string;
  seq: number;
  subject: string;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
}

/** An event a NATS consumer has handled (redeliveries of it are acknowledged without a call). */
export interface EventHandledTable {
  consumer: string;
  event_id: string;
  handled_at: Generated<Date>;
}

declare module './database.js' {
  interface Database {
    event_outbox: EventOutboxTable;
    event_failure: EventFailureTable;
    event_consumer: EventConsumerTable;
    event_delivery: EventDeliveryTable;
    event_handled: EventHandledTable;
  }
}
