import type { Platform } from './platform.js';
import type { FailedEvent } from './events.js';

type Print = (line: string) => void;

const line = (event: FailedEvent) =>
  `${event.failureId}  ${event.consumer}  ${event.subject}  attempts ${event.attempts}  failed ${event.failedAt.toISOString()}  ${event.error.split('\n')[0]}`;

/** `fenghuo events list`: the registered consumers with what waits for them, and the outbox lag. */
export async function eventsListCommand(platform: Pick<Platform, 'events'>, print: Print = console.log): Promise<number> {
  const [stats, consumers] = await Promise.all([platform.events.stats(), platform.events.consumers()]);
  print(`outbox: ${stats.pending} pending, oldest ${Math.round(stats.oldestPendingSeconds)} s, ${stats.parked} parked; broker: ${stats.broker}`);
  if (consumers.length === 0) {
    print('no consumer has registered yet');
    return 0;
  }
  for (const c of consumers) {
    print(`${c.consumer}  ${c.subject}  backfill ${c.backfill}  pending ${c.pending}  parked ${c.parked}  registered ${c.registeredAt.toISOString()}`);
  }
  return 0;
}

/** `fenghuo events parked`: events a consumer gave up on, oldest first. */
export async function eventsParkedCommand(platform: Pick<Platform, 'events'>, options: { consumer?: string }, print: Print = console.log): Promise<number> {
  const parked = await platform.events.failedEvents(options.consumer);
  for (const event of parked) print(line(event));
  print(`${parked.length} parked event(s)`);
  return 0;
}

/**
 * `fenghuo events replay <id…> | --all [--consumer c]`: give parked events back to their consumers,
 * each replay audited. Exit 1 when an id names no parked event, 2 when nothing was asked.
 */
export async function eventsReplayCommand(
  platform: Pick<Platform, 'events' | 'audit' | 'database'>,
  ids: readonly string[],
  options: { all?: boolean; consumer?: string },
  print: Print = console.log,
): Promise<number> {
  if (ids.length === 0 && !options.all) {
    print('name the parked events to replay, or --all');
    return 2;
  }
  const targets = options.all ? (await platform.events.failedEvents(options.consumer)).map((event) => event.failureId) : ids;
  let missing = 0;
  for (const id of targets) {
    const replayed = await platform.database.db.transaction().execute(async (trx) => {
      const event = await platform.events.replayParked(id, trx);
      if (event) {
        await platform.audit.record(trx, { role: 'system', id: null }, { action: 'events.replay', resource: `event:${event.eventId}`, detail: { failureId: event.failureId, consumer: event.consumer, subject: event.subject, attempts: event.attempts, via: 'cli' } });
      }
      return event;
    });
    if (replayed) print(`replayed ${replayed.failureId}: ${replayed.subject} for ${replayed.consumer}`);
    else {
      missing++;
      print(`no parked event ${id}`);
    }
  }
  print(`${targets.length - missing} event(s) replayed; delivered when their consumer next runs`);
  return missing > 0 ? 1 : 0;
}

/** `fenghuo events forget <consumer> [--subject s]`: unregister a consumer that is gone for good. */
export async function eventsForgetCommand(platform: Pick<Platform, 'events'>, consumer: string, options: { subject?: string }, print: Print = console.log): Promise<number> {
  const removed = await platform.events.forgetConsumer(consumer, options.subject);
  if (removed === 0) {
    print(`no consumer ${consumer}${options.subject ? ` on ${options.subject}` : ''} is registered`);
    return 1;
  }
  print(`${consumer}: ${removed} registration(s) removed; events are no longer kept for it`);
  return 0;
}
