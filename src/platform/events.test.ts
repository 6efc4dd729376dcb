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
  const notices: string[] = [];

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
    let busOptions: EventBusOptions = { retryBaseDelayMs: 5, onError: (error) => errors.push(error), onNotice: (message) => notices.push(message), ...options };
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
    bus.start();
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

  it('delivers an event published before its consumer first subscribed, unless the consumer asks for no backfill', async () => {
    const { bus } = await openBus();
    const run = marker();
    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 1 }));
    await bus.flush();
    // The relay has handed it over while nobody was subscribed: it was published, and kept.
    const published = await database.db.selectFrom('event_outbox').select(['payload', 'published_at']).execute();
    expect(published.filter((row) => (row.payload as { marker: string }).marker === run).map((row) => row.published_at === null)).toEqual([false]);

    const lateComer: number[] = [];
    const gotFirst = signal();
    await bus.subscribe('test.ping', `late-${run}`, async (payload) => {
      if (payload.marker !== run) return;
      lateComer.push(payload.n);
      gotFirst.resolve();
    });
    const fresh: number[] = [];
    const gotSecond = signal();
    await bus.subscribe(
      'test.ping',
      `fresh-${run}`,
      async (payload) => {
        if (payload.marker !== run) return;
        fresh.push(payload.n);
        if (payload.n === 2) gotSecond.resolve();
      },
      { backfill: 'none' },
    );
    await gotFirst.promise;
    expect(lateComer).toEqual([1]);

    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 2 }));
    bus.notify();
    await gotSecond.promise;
    expect(fresh).toEqual([2]);
    await vi.waitFor(() => expect(lateComer).toEqual([1, 2]), { timeout: 10_000 });
  });

  it('keeps what is published while a consumer is stopped, also across a restart, and delivers it when the consumer comes back', async () => {
    const first = await openBus();
    const run = marker();
    const consumer = `returning-${run}`;
    const received: number[] = [];
    const gotOne = signal();
    const subscription = await first.bus.subscribe('test.other', consumer, async (payload) => {
      if (payload.marker !== run) return;
      received.push(Number(payload.text));
      gotOne.resolve();
    });
    await database.db.transaction().execute((trx) => first.bus.enqueue(trx, 'test.other', { marker: run, text: '1' }));
    first.bus.notify();
    await gotOne.promise;
    await subscription.stop();

    // Published while the consumer is down (the relay runs on its own poll, nobody flushes).
    await database.db.transaction().execute(async (trx) => {
      await first.bus.enqueue(trx, 'test.other', { marker: run, text: '2' });
      await first.bus.enqueue(trx, 'test.other', { marker: run, text: '3' });
    });
    const unpublished = async () => (await database.db.selectFrom('event_outbox').select(['payload', 'published_at']).execute()).filter((row) => (row.payload as { marker: string }).marker === run && row.published_at === null).length;
    await vi.waitFor(async () => expect(await unpublished()).toBe(0), { timeout: 10_000 });
    if (transport === 'in-process') {
      expect((await first.bus.consumers()).find((c) => c.consumer === consumer)).toMatchObject({ subject: 'test.other', pending: 2, parked: 0 });
    }
    await first.bus.close();
    expect(received).toEqual([1]);

    const second = await openBus({}, first.options);
    const gotAll = signal();
    await second.bus.subscribe('test.other', consumer, async (payload) => {
      if (payload.marker !== run) return;
      received.push(Number(payload.text));
      if (received.length === 3) gotAll.resolve();
    });
    await gotAll.promise;
    expect(received).toEqual([1, 2, 3]);
  });

  it('delivers to a subscriber that joins while the last one of its consumer name is stopping', async () => {
    const { bus } = await openBus();
    const run = marker();
    const consumer = `relay-race-${run}`;
    const first = await bus.subscribe('test.ping', consumer, async () => {});
    const stopping = first.stop();
    const received = signal<number>();
    await bus.subscribe('test.ping', consumer, async (payload) => {
      if (payload.marker === run) received.resolve(payload.n);
    });
    await stopping;
    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 5 }));
    bus.notify();
    expect(await received.promise).toBe(5);
  });

  it('lists a parked event and delivers it again when it is replayed', async () => {
    const { bus } = await openBus({ maxAttempts: 2 });
    const run = marker();
    const consumer = `replayed-${run}`;
    let healthy = false;
    const handled = signal<number>();
    await bus.subscribe('test.ping', consumer, async (payload, meta) => {
      if (payload.marker !== run) return;
      if (!healthy) throw new Error('the downstream store is down');
      handled.resolve(meta.attempt);
    });
    await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: run, n: 7 }));
    bus.notify();
    await vi.waitFor(async () => expect(await bus.failedEvents(consumer)).toHaveLength(1), { timeout: 10_000 });
    const [parked] = await bus.failedEvents(consumer);
    expect(parked).toMatchObject({ consumer, subject: 'test.ping', attempts: 2, payload: { marker: run, n: 7 } });
    expect(parked!.error).toContain('the downstream store is down');
    expect((await bus.stats()).parked).toBeGreaterThanOrEqual(1);

    healthy = true;
    expect(await bus.replayParked(parked!.failureId)).toMatchObject({ failureId: parked!.failureId, eventId: parked!.eventId });
    expect(await handled.promise).toBe(1);
    expect(await bus.failedEvents(consumer)).toEqual([]);
    expect(await bus.replayParked(parked!.failureId)).toBeUndefined();
    expect(await bus.replayParked('not-an-id')).toBeUndefined();
  });

  it('backfills a new consumer once from a callback', async () => {
    const { bus } = await openBus();
    const run = marker();
    const consumer = `rebuilt-${run}`;
    let calls = 0;
    const backfill = async () => {
      calls++;
      return [
        { marker: run, n: 100 },
        { marker: run, n: 101 },
      ];
    };
    const received: number[] = [];
    const both = signal();
    const subscription = await bus.subscribe(
      'test.ping',
      consumer,
      async (payload) => {
        if (payload.marker !== run) return;
        received.push(payload.n);
        if (received.length === 2) both.resolve();
      },
      { backfill },
    );
    await both.promise;
    expect(received).toEqual([100, 101]);
    await subscription.stop();
    await bus.subscribe('test.ping', consumer, async () => {}, { backfill });
    expect(calls).toBe(1);
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
      // The relay has not started (no capability started it): one event waits, and /metrics says so.
      await database.db.transaction().execute((trx) => platform.events.enqueue(trx, 'test.ping', { marker: 'metrics', n: 1 }));
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^fenghuo_events_outbox_pending 1$/m);
      expect(metrics).toMatch(/^fenghuo_events_outbox_lag_seconds \d+(\.\d+)?(e[-+]?\d+)?$/m);
      expect(metrics).toMatch(/^fenghuo_events_parked 0$/m);
      expect(metrics).not.toContain('fenghuo_events_broker_available');
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
      events: { stream, subjectPrefix: `fhtest_${runId}_platform` },
      counterKeyPrefix: `fhtest:${runId}:platform:`,
    });
    try {
      expect(platform.events.kind).toBe('nats');
      expect(platform.counters.kind).toBe('redis');
      const app = await buildApp(platform, { serveWeb: false, logger: false });
      const reply = await app.inject({ method: 'GET', url: '/ready' });
      expect(reply.json()).toEqual({ status: 'ready', database: 'pglite', nats: 'connected', redis: 'connected' });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^fenghuo_events_broker_available 1$/m);
      await app.close();
    } finally {
      await closePlatform(platform);
      await deleteNatsStream(NATS_URL, stream);
    }
  });

  it('starts the platform while NATS is down, and /ready names the broker, not the database', async () => {
    const database = await freshDatabase('pglite');
    const config = { ...loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent' }), natsUrl: 'nats://127.0.0.1:1' };
    const platform = await createPlatform(config, { database, keys: ephemeralKeyMaterial('ed25519'), events: { onNotice: () => {}, onError: () => {} } });
    try {
      const app = await buildApp(platform, { serveWeb: false, logger: false });
      const reply = await app.inject({ method: 'GET', url: '/ready' });
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toEqual({ status: 'degraded', database: 'pglite', nats: 'unavailable' });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^fenghuo_events_broker_available 0$/m);
      await app.close();
    } finally {
      await closePlatform(platform);
    }
  });

  it('starts degraded when the configured NATS cannot be reached: events wait in the outbox, the outage is told once', async () => {
    const database = await freshDatabase('pglite');
    await migrate(database);
    const notices: string[] = [];
    const bus = await createEventBus(database.db, { natsUrl: 'nats://127.0.0.1:1' }, { onNotice: (message) => notices.push(message), onError: () => {} });
    try {
      bus.start();
      expect(bus.kind).toBe('nats');
      await expect(bus.ping()).rejects.toThrow();
      await database.db.transaction().execute((trx) => bus.enqueue(trx, 'test.ping', { marker: 'degraded', n: 1 }));
      await bus.flush();
      await bus.flush();
      expect(await bus.stats()).toMatchObject({ pending: 1, parked: 0, broker: 'unavailable' });
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('unavailable');
    } finally {
      await bus.close();
      await database.close();
    }
  });

  it('counts what waits: unpublished events and deliveries not yet taken, and their age', async () => {
    const database = await freshDatabase('pglite');
    await migrate(database);
    const bus = await createEventBus(database.db, { natsUrl: undefined }, { onError: () => {} });
    try {
      expect(await bus.stats()).toEqual({ pending: 0, oldestPendingSeconds: 0, parked: 0, broker: 'in-process' });
      const release = signal();
      const taken = signal();
      await bus.subscribe('test.ping', 'slow', async () => {
        taken.resolve();
        await release.promise;
      });
      await database.db.transaction().execute(async (trx) => {
        await bus.enqueue(trx, 'test.ping', { marker: 'lag', n: 1 });
        await bus.enqueue(trx, 'test.ping', { marker: 'lag', n: 2 });
        await bus.enqueue(trx, 'test.other', { marker: 'lag', text: 'nobody listens' });
      });
      // Not yet started: three events wait for the relay.
      const before = await bus.stats();
      expect(before.pending).toBe(3);
      expect(before.oldestPendingSeconds).toBeGreaterThanOrEqual(0);
      bus.start();
      await taken.promise;
      // Published: the event nobody is registered for is done; two deliveries wait for 'slow'.
      expect((await bus.stats()).pending).toBe(2);
      release.resolve();
      await vi.waitFor(async () => expect((await bus.stats()).pending).toBe(0), { timeout: 10_000 });
    } finally {
      await bus.close();
      await database.close();
    }
  });
});
