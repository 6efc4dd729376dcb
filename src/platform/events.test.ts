import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeEachEngine, freshDatabase, NATS_TEST_URL, REDIS_TEST_URL, serviceAvailable } from '../../test/harness.js';
import type { Engine } from './database.js';
import { migrate, type DatabaseHandle } from './database.js';
import { createEventBus, deleteNatsStream, type EventBus, type EventBusOptions } from './events.js';
import { loadConfig } from './config.js';
import { ephemeralKeyMaterial } from './crypto.js';
import { closePlatform, createPlatform } from './platform.js';
import { buildApp } from '../api/app.js';

declare module './events.js' {
  interface EventPayloads {
    'test.ping': { marker: string; n: number };
    'test.other': { marker: string; text: string };
  }
}

const NATS_URL = NATS_TEST_URL;
const REDIS_URL = REDIS_TEST_URL;

const natsAvailable = await serviceAvailable('NATS', NATS_URL, 'the NATS transport tests');
const redisAvailable = await serviceAvailable('Redis', REDIS_URL, 'the Redis readiness tests');

const runId = randomBytes(4).toString('hex');
let streamCounter = 0;

/** A promise with its resolver, to wait for a handler without timing anything. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Transport = 'in-process' | 'nats';

function eventBusSuite(engine: Engine, transport: Transport): void {
  let database: DatabaseHandle;
  const buses: EventBus[] = [];
  const streams: string[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    database = await freshDatabase(engine);
    await migrate(database);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    if (transport === 'nats') await Promise.all(streams.splice(0).map((stream) => deleteNatsStream(NATS_URL, stream)));
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A bus on its own stream and subject prefix, so that no test sees another's events. */
  async function openBus(options: EventBusOptions = {}, reuseStreamOf?: EventBusOptions): Promise<{ bus: EventBus; options: EventBusOptions }> {
    let busOptions: EventBusOptions = { retryBaseDelayMs: 5, pollIntervalMs: 60_000, onError: (error) => errors.push(error), ...options };
    if (transport === 'nats') {
      if (reuseStreamOf) busOptions = { ...busOptions, stream: reuseStreamOf.stream!, subjectPrefix: reuseStreamOf.subjectPrefix! };
      else {
        const n = ++streamCounter;
        busOptions = { ...busOptions, stream: `FHTEST_${runId}_${engine}_${n}`, subjectPrefix: `fhtest_${runId}_${engine}_${n}` };
        streams.push(busOptions.stream!);
      }
    }
    const bus = await createEventBus(database.db, { natsUrl: transport === 'nats' ? NATS_URL : undefined }, busOptions);
    buses.push(bus);
    return { bus, options: busOptions };
  }

  const marker = () => randomBytes(6).toString('hex');

  it(`is the ${transport} transport`, async () => {
    const { bus } = await openBus();
    expect(bus.kind).toBe(transport);
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('delivers an event only when its transaction commits', async () => {
    const { bus } = await openBus();
    const run = marker();
    const received: number[] = [];
    const third = signal();
    await bus.subscribe('test.ping', 'committed-only', async (payload) => {
      if (payload.marker !== run) return;
      received.push(payload.n);
      if (payload.n === 3) third.resolve();
    });

    await database.db.transaction().execute(async (trx) => {
      await bus.enqueue(trx, 'test.ping', { marker: run, n: 1 });
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await bus.enqueue(trx, 'test.ping', { marker: run, n: 2 });
        throw new Error('the business write failed');
      }),
    ).rejects.toThrow('the business write failed');
    await database.db.transaction().execute(async (trx) => {
      await bus.enqueue(trx, 'test.ping', { marker: run, n: 3 });
    });
    await bus.flush();
    await third.promise;
    // One consumer gets events in outbox order, so the rolled-back event would have come before 3.
    expect(received).toEqual([1, 3]);

    const rows = await database.db.selectFrom('event_outbox').select(['payload']).execute();
    const mine = rows.map((row) => row.payload as { marker: string; n: number }).filter((payload) => payload.marker === run);
    expect(mine.map((payload) => payload.n).sort()).toEqual([1, 3]);
  });

  it('marks outbox rows published once handed over and handled', async () => {
    const { bus } = await openBus();
    const run = marker();
    const handled = signal();
    await bus.subscribe('test.ping', 'marks', async (payload) => {
      if (payload.marker === run) handled.resolve();
    });
    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 1 }));
    const unpublished = () =>
      database.db
        .selectFrom('event_outbox')
        .select(['published_at', 'payload'])
        .execute()
        .then((rows) => rows.filter((row) => (row.payload as { marker: string }).marker === run && row.published_at === null).length);
    expect(await unpublished()).toBe(1);
    await bus.flush();
    await handled.promise;
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 10_000 });
  });

  it('gives every consumer name every event, and shares them within one consumer name', async () => {
    const { bus } = await openBus();
    const run = marker();
    const solo: number[] = [];
    const shared: [number, number][] = [];
    const soloDone = signal();
    const sharedDone = signal();
    await bus.subscribe('test.ping', 'solo', async (payload) => {
      if (payload.marker !== run) return;
      solo.push(payload.n);
      if (solo.length === 10) soloDone.resolve();
    });
    for (const worker of [0, 1]) {
      await bus.subscribe('test.ping', 'shared', async (payload) => {
        if (payload.marker !== run) return;
        shared.push([worker, payload.n]);
        if (shared.length === 10) sharedDone.resolve();
      });
    }
    let otherSeen = false;
    await bus.subscribe('test.other', 'solo', async (payload) => {
      if (payload.marker === run) otherSeen = true;
    });
    await database.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 10; n++) await bus.enqueue(trx, 'test.ping', { marker: run, n });
    });
    await bus.flush();
    await Promise.all([soloDone.promise, sharedDone.promise]);
    expect(solo).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shared.map(([, n]) => n).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // In process the two subscribers take turns; NATS decides the split itself.
    if (transport === 'in-process') expect(new Set(shared.map(([worker]) => worker)).size).toBe(2);
    expect(otherSeen).toBe(false);
  });

  it('calls a failing handler again with the next attempt number until it succeeds', async () => {
    const { bus } = await openBus({ maxAttempts: 5 });
    const run = marker();
    const attempts: { attempt: number; eventId: string }[] = [];
    const succeeded = signal();
    await bus.subscribe('test.ping', 'flaky', async (payload, meta) => {
      if (payload.marker !== run) return;
      attempts.push(meta);
      if (meta.attempt < 3) throw new Error(`transient failure ${meta.attempt}`);
      succeeded.resolve();
    });
    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 1 }));
    await bus.flush();
    await succeeded.promise;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
    expect(await bus.failedEvents('flaky')).toEqual([]);
  });

  it('parks an event with its last error after the last attempt, and goes on with the next', async () => {
    const { bus } = await openBus({ maxAttempts: 3 });
    const run = marker();
    const attempts: number[] = [];
    const nextHandled = signal();
    await bus.subscribe('test.ping', 'hopeless', async (payload, meta) => {
      if (payload.marker !== run) return;
      if (payload.n === 2) {
        nextHandled.resolve();
        return;
      }
      attempts.push(meta.attempt);
      throw new Error(`cannot handle ${payload.n}`);
    });
    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 1 }));
    await bus.flush();
    await vi.waitFor(async () => expect(await bus.failedEvents('hopeless')).toHaveLength(1), { timeout: 10_000 });
    const [failure] = await bus.failedEvents('hopeless');
    expect(failure).toMatchObject({ consumer: 'hopeless', subject: 'test.ping', attempts: 3, payload: { marker: run, n: 1 } });
    expect(failure!.error).toContain('cannot handle 1');

    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 2 }));
    await bus.flush();
    await nextHandled.promise;
    expect(attempts).toEqual([1, 2, 3]);
    expect(await bus.failedEvents('somebody-else')).toEqual([]);
  });

  it('publishes after a restart what was committed while no relay ran', async () => {
    const first = await openBus();
    const run = marker();
    await database.db.transaction().execute((trx) => first.bus.enqueue(trx, 'test.other', { marker: run, text: 'kept' }));
    await first.bus.close();
    await expect(first.bus.flush()).rejects.toThrow();

    const second = await openBus({}, first.options);
    const received = signal<string>();
    await second.bus.subscribe('test.other', 'after-restart', async (payload) => {
      if (payload.marker === run) received.resolve(payload.text);
    });
    await second.bus.flush();
    expect(await received.promise).toBe('kept');
  });

  it('refuses an enqueue outside a transaction, a malformed subject and a malformed consumer name', async () => {
    const { bus } = await openBus();
    await expect(bus.enqueue(database.db, 'test.ping', { marker: 'x', n: 1 })).rejects.toThrow(RangeError);
    await expect(database.db.transaction().execute((trx) => bus.enqueue(trx, 'Not A Subject' as 'test.ping', { marker: 'x', n: 1 }))).rejects.toThrow(RangeError);
    await expect(bus.subscribe('test.ping', 'has_underscore', async () => {})).rejects.toThrow(RangeError);
    await expect(bus.subscribe('test.ping', '', async () => {})).rejects.toThrow(RangeError);
    const rows = await database.db.selectFrom('event_outbox').select('payload').execute();
    expect(rows.filter((row) => (row.payload as { marker: string }).marker === 'x')).toEqual([]);
  });
}

describeEachEngine('event bus, in process', (engine) => eventBusSuite(engine, 'in-process'));

describeEachEngine('event bus, NATS JetStream', (engine) => {
  if (!natsAvailable) {
    it.skip(`NATS is not reachable at ${NATS_URL}`, () => {});
    return;
  }
  eventBusSuite(engine, 'nats');
});

describe('event bus in the platform', () => {
  it('is in process with counters in process by default, and /ready shows no NATS or Redis', async () => {
    const database = await freshDatabase('pglite');
    const config = loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent' });
    const platform = await createPlatform(config, { database, keys: ephemeralKeyMaterial('ed25519') });
    try {
      expect(platform.events.kind).toBe('in-process');
      expect(platform.counters.kind).toBe('in-process');
      const app = await buildApp(platform, { serveWeb: false, logger: false });
      const reply = await app.inject({ method: 'GET', url: '/ready' });
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({ status: 'ready', database: 'pglite' });
      await app.close();
    } finally {
      await closePlatform(platform);
    }
  });

  it.skipIf(!natsAvailable || !redisAvailable)('uses NATS and Redis when configured, and /ready reports them', async () => {
    const database = await freshDatabase('pglite');
    const config = { ...loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent' }), natsUrl: NATS_URL, redisUrl: REDIS_URL };
    const stream = `FHTEST_${runId}_PLATFORM`;
    const platform = await createPlatform(config, {
      database,
      keys: ephemeralKeyMaterial('ed25519'),
      events: { stream, subjectPrefix: `fhtest_${runId}_platform`, pollIntervalMs: 60_000 },
      counterKeyPrefix: `fhtest:${runId}:platform:`,
    });
    try {
      expect(platform.events.kind).toBe('nats');
      expect(platform.counters.kind).toBe('redis');
      const app = await buildApp(platform, { serveWeb: false, logger: false });
      const reply = await app.inject({ method: 'GET', url: '/ready' });
      expect(reply.json()).toEqual({ status: 'ready', database: 'pglite', nats: 'connected', redis: 'connected' });
      await app.close();
    } finally {
      await closePlatform(platform);
      await deleteNatsStream(NATS_URL, stream);
    }
  });

  it('refuses to start when the configured NATS cannot be reached', async () => {
    const database = await freshDatabase('pglite');
    try {
      await expect(createEventBus(database.db, { natsUrl: 'nats://127.0.0.1:1' })).rejects.toThrow('cannot be reached');
    } finally {
      await database.close();
    }
  });
});
