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
}

declare module './database.js' {
  interface Database {
    event_outbox: EventOutboxTable;
    event_failure: EventFailureTable;
  }
}
