import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/harness.js';
import { migrate, type DatabaseHandle } from './database.js';
import { createEventBus, type EventBus } from './events.js';
import { startCapabilities, type Capability } from './capability.js';

declare module './events.js' {
  interface EventPayloads {
    'test.capability': { n: number };
  }
}

/** Whether the outbox still holds event n unpublished. */
async function unpublished(database: DatabaseHandle, n: number): Promise<boolean> {
  const rows = await database.db.selectFrom('event_outbox').select(['payload', 'published_at']).execute();
  const row = rows.find((r) => (r.payload as { n?: number }).n === n);
  if (!row) throw new Error(`event ${n} is not in the outbox`);
  return row.published_at === null;
}

describe('capabilities start before the event relay', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await freshDatabase('pglite');
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('starts every capability in order, then the relay, and stops them in reverse order', async () => {
    const bus = await createEventBus(database.db, { natsUrl: undefined }, { onError: () => {} });
    const steps: string[] = [];
    const received: number[] = [];
    let gotIt!: () => void;
    const delivered = new Promise<void>((resolve) => (gotIt = resolve));
    try {
      // Committed before anything subscribed, as the pending loads of a restart are.
      await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.capability', { n: 1 }));
      const listener: Capability = {
        name: 'listener',
        start: async () => {
          // The relay has not run: the event waits for this consumer to register.
          steps.push(`start listener (event 1 unpublished: ${await unpublished(database, 1)})`);
          await bus.subscribe('test.capability', 'listener', async (payload) => {
            received.push(payload.n);
            gotIt();
          });
        },
        stop: async () => {
          steps.push('stop listener');
        },
      };
      const other: Capability = { name: 'other', start: async () => void steps.push('start other'), stop: async () => void steps.push('stop other') };
      const running = await startCapabilities({ events: bus }, [listener, other]);
      expect(running.names).toEqual(['listener', 'other']);
      await delivered;
      expect(received).toEqual([1]);
      await running.stop();
      expect(steps).toEqual(['start listener (event 1 unpublished: true)', 'start other', 'stop other', 'stop listener']);
    } finally {
      await bus.close();
    }
  });

  it('stops what started and leaves the relay off when a capability fails to start', async () => {
    const bus: EventBus = await createEventBus(database.db, { natsUrl: undefined }, { onError: () => {} });
    const steps: string[] = [];
    try {
      await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.capability', { n: 2 }));
      const first: Capability = { name: 'first', start: async () => void steps.push('start first'), stop: async () => void steps.push('stop first') };
      const broken: Capability = {
        name: 'broken',
        start: async () => {
          throw new Error('no configuration');
        },
      };
      const never: Capability = { name: 'never', start: async () => void steps.push('start never') };
      await expect(startCapabilities({ events: bus }, [first, broken, never])).rejects.toThrow('capability broken did not start: no configuration');
      expect(steps).toEqual(['start first', 'stop first']);
      // The relay never started: a nudge publishes nothing.
      bus.notify();
      expect(await unpublished(database, 2)).toBe(true);
      await expect(startCapabilities({ events: bus }, [first, { name: 'first' }])).rejects.toThrow('two capabilities are named "first"');
    } finally {
      await bus.close();
    }
  });
});
