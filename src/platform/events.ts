/**
 * The event bus: capabilities announce what happened (a filing was accepted, a payment arrived)
 * and others react, without calling each other.
 *
 * Publishing goes through a transactional outbox: `enqueue` writes the event in the caller's own
 * transaction, so an event exists exactly when the business write committed. A relay hands the
 * outbox rows over in order — after `flush()` and on a poll interval — and marks them published.
 * The transport is in-process by default and NATS JetStream when `config.natsUrl` is set; the
 * outbox, the relay, the retry policy and the parking of failures are the same code for both.
 *
 * Delivery is at least once: handlers must be idempotent (the event id is in `meta`).
 * The in-process transport serves one process (the embedded default); several processes sharing
 * one PostgreSQL set NATS_URL, where JetStream de-duplicates by event id what two relays publish.
 */
import type { Kysely } from 'kysely';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Config } from './config.js';
import type { Database } from './database.js';
import * as store from './events.store.js';

/**
 * Subject → payload of every event. Capabilities add theirs by module augmentation:
 * `declare module '../platform/events.js' { interface EventPayloads { 'filing.accepted': { filingId: string } } }`.
 * Payloads travel as JSON: plain data only (no Date, bigint or Map).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface EventPayloads {}

export type EventSubject = keyof EventPayloads & string;

/** What a handler learns besides the payload; `attempt` starts at 1. */
export interface EventMeta {
  eventId: string;
  attempt: number;
}

export type EventHandler<S extends EventSubject> = (payload: EventPayloads[S], meta: EventMeta) => Promise<void>;

export interface Subscription {
  /** Stop taking new events; resolves once the handler call under way (if any) has finished. */
  stop(): Promise<void>;
}

/** An event a consumer gave up on after its last attempt. */
export interface FailedEvent {
  eventId: string;
  consumer: string;
  subject: string;
  payload: unknown;
  attempts: number;
  error: string;
  failedAt: Date;
}

export interface EventBus {
  readonly kind: 'in-process' | 'nats';
  /** Write the event into the transactional outbox inside the caller's Kysely transaction; it is published after commit. */
  enqueue<S extends EventSubject>(trx: Kysely<Database>, subject: S, payload: EventPayloads[S]): Promise<void>;
  /** Publish what the outbox holds now (called after a commit for prompt delivery; a relay also polls). */
  flush(): Promise<void>;
  /**
   * Call `handler` for every event on `subject` published from now on (with NATS, a consumer name
   * the stream has never seen starts from the oldest event the stream still holds). Subscribers with the same
   * `consumer` name share the events between them (one of them gets each event, also across
   * processes with NATS); each distinct consumer name gets every event. A handler that throws is
   * called again later, up to `maxAttempts`, then the event is parked (see `failedEvents`).
   * `consumer` is letters, digits and hyphens, e.g. 'supervision' or 'credit-tradelines'.
   */
  subscribe<S extends EventSubject>(subject: S, consumer: string, handler: EventHandler<S>): Promise<Subscription>;
  /** Events parked after their last failed attempt, oldest first, optionally for one consumer. */
  failedEvents(consumer?: string): Promise<FailedEvent[]>;
  /** Resolves when the transport answers (in-process: always); throws otherwise. For readiness. */
  ping(): Promise<void>;
  /** Stop the relay and every subscription. Events not yet handled stay in the outbox (in-process) or stream (NATS) and are delivered after the next start. */
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** Attempts per event and consumer before the event is parked (default 5). */
  maxAttempts?: number;
  /** Delay before the next attempt is base × 2^(attempt − 1) ms, at most 60 s (default base 1000). */
  retryBaseDelayMs?: number;
  /** How often the relay looks at the outbox without a flush (default 1000 ms). */
  pollIntervalMs?: number;
  /** Outbox rows read per relay round trip (default 200). */
  batchSize?: number;
  /** Published outbox rows are deleted after this long (default 7 days). */
  retentionMs?: number;
  /** JetStream stream name (default 'FENGHUO'). */
  stream?: string;
  /** Prefix of every NATS subject; the stream holds `<prefix>.>` (default 'fenghuo'). */
  subjectPrefix?: string;
  /** Where relay and consumer errors go that no caller can receive (default console.error). */
  onError?: (error: unknown, context: string) => void;
}

const SUBJECT_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const CONSUMER_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
const MAX_RETRY_DELAY_MS = 60_000;
/** Events handed to in-process consumers but not yet settled; beyond this the relay waits. */
const MAX_IN_FLIGHT = 10_000;
const NATS_ACK_WAIT_MS = 60_000;

/**
 * Open the event bus: NATS JetStream when `config.natsUrl` is set (creating the stream when it
 * does not exist), in-process otherwise; starts the relay. Throws when NATS cannot be reached.
 * The database must be migrated (it holds the outbox).
 */
export async function createEventBus(db: Kysely<Database>, config: Pick<Config, 'natsUrl'>, options: EventBusOptions = {}): Promise<EventBus> {
  const settings = {
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    batchSize: options.batchSize ?? 200,
    retentionMs: options.retentionMs ?? 7 * 24 * 3600 * 1000,
    stream: options.stream ?? 'FENGHUO',
    subjectPrefix: options.subjectPrefix ?? 'fenghuo',
    onError: options.onError ?? ((error: unknown, context: string) => console.error(`[fenghuo] event bus: ${context}:`, error)),
  };
  if (!Number.isInteger(settings.maxAttempts) || settings.maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number ≥ 1');
  if (!SUBJECT_PATTERN.test(settings.subjectPrefix)) throw new RangeError(`subjectPrefix "${settings.subjectPrefix}" must be dot-separated lowercase tokens`);
  const transport: Transport = config.natsUrl
    ? await NatsTransport.open(config.natsUrl, settings.stream, settings.subjectPrefix, settings.onError)
    : new InProcessTransport(settings.onError);
  const bus = new OutboxEventBus(db, transport, settings);
  bus.start();
  return bus;
}

/** The delay before attempt `attempt + 1` after attempt `attempt` failed. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
}

// ---------------------------------------------------------------------------------------------
// The parts both transports share.

interface Envelope {
  eventId: string;
  subject: string;
  payload: unknown;
}

type Outcome = { kind: 'handled' } | { kind: 'parked' } | { kind: 'retry'; delayMs: number };

/** Runs one handler call for a transport and decides what happens to the event after it. */
type Deliver = (event: Envelope, attempt: number) => Promise<Outcome>;

interface Transport {
  readonly kind: 'in-process' | 'nats';
  /**
   * Hand one event over, in outbox order. Resolves once handed over, with either null (the event
   * may be marked published now) or a promise that resolves when it may (wrapped, since awaiting
   * would otherwise wait for it).
   */
  publish(event: Envelope): Promise<{ settled: Promise<void> } | null>;
  subscribe(subject: string, consumer: string, deliver: Deliver): Promise<Subscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface Settings {
  maxAttempts: number;
  retryBaseDelayMs: number;
  pollIntervalMs: number;
  batchSize: number;
  retentionMs: number;
  onError: (error: unknown, context: string) => void;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 4000);
  return String(error).slice(0, 4000);
}

class OutboxEventBus implements EventBus {
  readonly kind: 'in-process' | 'nats';
  private timer: NodeJS.Timeout | undefined;
  /** Relay passes run one after another, never overlapping. */
  private relayChain: Promise<void> = Promise.resolve();
  /** Handed over, waiting for the transport to settle them before they are marked published. */
  private readonly inFlight = new Set<string>();
  private settledIds: string[] = [];
  private markChain: Promise<void> = Promise.resolve();
  private readonly subscriptions = new Set<Subscription>();
  private passes = 0;
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly transport: Transport,
    private readonly settings: Settings,
  ) {
    this.kind = transport.kind;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.relay().catch((error: unknown) => {
        if (!this.closed) this.settings.onError(error, 'relay');
      });
    }, this.settings.pollIntervalMs);
    // The relay must never keep a command-line run alive on its own.
    this.timer.unref();
  }

  async enqueue<S extends EventSubject>(trx: Kysely<Database>, subject: S, payload: EventPayloads[S]): Promise<void> {
    if (!trx.isTransaction) throw new RangeError('enqueue needs the caller’s transaction, so that the event commits with the business write');
    checkSubject(subject);
    await store.insertOutboxEvent(trx, subject, JSON.stringify(payload));
  }

  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the event bus is closed'));
    return this.relay();
  }

  async subscribe<S extends EventSubject>(subject: S, consumer: string, handler: EventHandler<S>): Promise<Subscription> {
    if (this.closed) throw new Error('the event bus is closed');
    checkSubject(subject);
    if (!CONSUMER_PATTERN.test(consumer)) throw new RangeError(`consumer "${consumer}" must be 1–64 letters, digits or hyphens`);
    const deliver: Deliver = async (event, attempt) => {
      try {
        await handler(event.payload as EventPayloads[S], { eventId: event.eventId, attempt });
        return { kind: 'handled' };
      } catch (error) {
        if (attempt < this.settings.maxAttempts) return { kind: 'retry', delayMs: retryDelayMs(attempt, this.settings.retryBaseDelayMs) };
        try {
          await store.insertFailure(this.db, { eventId: event.eventId, consumer, subject: event.subject, payload: event.payload, attempts: attempt, error: errorText(error) });
          return { kind: 'parked' };
        } catch (parkError) {
          // Not parked means not given up: try again later rather than lose the event.
          this.settings.onError(parkError, `parking event ${event.eventId} for ${consumer}`);
          return { kind: 'retry', delayMs: retryDelayMs(attempt, this.settings.retryBaseDelayMs) };
        }
      }
    };
    const inner = await this.transport.subscribe(subject, consumer, deliver);
    const subscription: Subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await inner.stop();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  failedEvents(consumer?: string): Promise<FailedEvent[]> {
    return store.failures(this.db, consumer);
  }

  ping(): Promise<void> {
    return this.transport.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.relayChain.catch(() => {});
    // The transport stops first, so that stopping a subscription at shutdown lets nothing go unhandled.
    await this.transport.close();
    this.subscriptions.clear();
    await this.markChain.catch(() => {});
  }

  /** Queue a relay pass behind the one running, so that a flush covers everything committed before it. */
  private relay(): Promise<void> {
    const pass = this.relayChain.catch(() => {}).then(() => (this.closed ? undefined : this.pass()));
    this.relayChain = pass;
    return pass;
  }

  private async pass(): Promise<void> {
    this.passes++;
    if (this.passes % 3600 === 1) {
      await store.prunePublished(this.db, this.settings.retentionMs).catch((error: unknown) => this.settings.onError(error, 'pruning the outbox'));
    }
    for (;;) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) return;
      // In-flight rows are still unpublished in the table; read past them and skip them here.
      const limit = this.settings.batchSize + this.inFlight.size;
      const rows = await store.unpublishedEvents(this.db, limit);
      for (const row of rows) {
        if (this.closed) return;
        if (this.inFlight.has(row.eventId)) continue;
        // A failed hand-over ends the pass, so that later events never overtake it.
        const handedOver = await this.transport.publish({ eventId: row.eventId, subject: row.subject, payload: row.payload });
        this.inFlight.add(row.eventId);
        if (handedOver === null) this.settledIds.push(row.eventId);
        else {
          handedOver.settled.then(
            () => {
              this.settledIds.push(row.eventId);
              this.markSettled().catch((error: unknown) => this.settings.onError(error, 'marking events published'));
            },
            () => this.inFlight.delete(row.eventId),
          );
        }
      }
      await this.markSettled();
      if (rows.length < limit) return;
    }
  }

  /** Mark what has settled as published, one update at a time. */
  private markSettled(): Promise<void> {
    const next = this.markChain.catch(() => {}).then(async () => {
      const ids = this.settledIds;
      if (ids.length === 0) return;
      this.settledIds = [];
      try {
        await store.markPublished(this.db, ids);
      } finally {
        // Marked or not, they leave the in-flight set: an unmarked one is handed over again (at least once).
        for (const id of ids) this.inFlight.delete(id);
      }
    });
    this.markChain = next;
    return next;
  }
}

function checkSubject(subject: string): void {
  if (!SUBJECT_PATTERN.test(subject)) throw new RangeError(`event subject "${subject}" must be dot-separated tokens of lowercase letters, digits and underscores`);
}

// ---------------------------------------------------------------------------------------------
// In-process transport: one queue per (subject, consumer) group, each subscriber a worker on it.

interface QueuedEvent {
  event: Envelope;
  attempt: number;
  settle: () => void;
}

interface Worker {
  deliver: Deliver;
  current: Promise<void> | undefined;
}

interface Group {
  queue: QueuedEvent[];
  workers: Worker[];
  nextWorker: number;
}

class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;
  private readonly groups = new Map<string, Map<string, Group>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly onError: (error: unknown, context: string) => void) {}

  async publish(event: Envelope): Promise<{ settled: Promise<void> } | null> {
    const bySubject = this.groups.get(event.subject);
    if (!bySubject || bySubject.size === 0) return null;
    const settlements: Promise<void>[] = [];
    for (const group of bySubject.values()) {
      settlements.push(new Promise<void>((settle) => group.queue.push({ event, attempt: 1, settle })));
      this.schedule(group);
    }
    return { settled: Promise.all(settlements).then(() => undefined) };
  }

  async subscribe(subject: string, consumer: string, deliver: Deliver): Promise<Subscription> {
    const bySubject = this.groups.get(subject) ?? new Map<string, Group>();
    this.groups.set(subject, bySubject);
    let group = bySubject.get(consumer);
    if (!group) bySubject.set(consumer, (group = { queue: [], workers: [], nextWorker: 0 }));
    const worker: Worker = { deliver, current: undefined };
    group.workers.push(worker);
    const owner = group;
    return {
      stop: async () => {
        const index = owner.workers.indexOf(worker);
        if (index >= 0) owner.workers.splice(index, 1);
        await worker.current;
        if (owner.workers.length === 0 && bySubject.get(consumer) === owner) {
          bySubject.delete(consumer);
          // Nobody is left to deliver to. At shutdown the events stay unsettled, so they are
          // handed over again after the next start; a consumer stopped for good lets them go.
          if (!this.closed) for (const queued of owner.queue.splice(0)) queued.settle();
        }
      },
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    const running: Promise<void>[] = [];
    for (const bySubject of this.groups.values()) {
      for (const group of bySubject.values()) for (const worker of group.workers) if (worker.current) running.push(worker.current);
    }
    await Promise.all(running);
  }

  /** Handlers always run after the caller's turn (never inside publish or flush). */
  private schedule(group: Group): void {
    setImmediate(() => this.pump(group));
  }

  private pump(group: Group): void {
    while (!this.closed && group.queue.length > 0) {
      const worker = this.idleWorker(group);
      if (!worker) return;
      const queued = group.queue.shift()!;
      worker.current = this.run(group, worker, queued).finally(() => {
        worker.current = undefined;
        this.pump(group);
      });
    }
  }

  private idleWorker(group: Group): Worker | undefined {
    const count = group.workers.length;
    for (let i = 0; i < count; i++) {
      const worker = group.workers[(group.nextWorker + i) % count]!;
      if (worker.current === undefined) {
        group.nextWorker = (group.nextWorker + i + 1) % count;
        return worker;
      }
    }
    return undefined;
  }

  private async run(group: Group, worker: Worker, queued: QueuedEvent): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await worker.deliver(queued.event, queued.attempt);
    } catch (error) {
      this.onError(error, `delivering event ${queued.event.eventId}`);
      outcome = { kind: 'retry', delayMs: 1000 };
    }
    if (outcome.kind !== 'retry') {
      queued.settle();
      return;
    }
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return;
      group.queue.push({ ...queued, attempt: queued.attempt + 1 });
      this.pump(group);
    }, outcome.delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// NATS JetStream transport: one durable stream; one durable pull consumer per (consumer, subject).

class NatsTransport implements Transport {
  readonly kind = 'nats' as const;
  private readonly consumers = new Set<{ messages: ConsumerMessages; loop: Promise<void> }>();

  private constructor(
    private readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly manager: JetStreamManager,
    private readonly stream: string,
    private readonly prefix: string,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  static async open(url: string, stream: string, prefix: string, onError: (error: unknown, context: string) => void): Promise<NatsTransport> {
    let connection: NatsConnection;
    try {
      connection = await connect({ servers: url, name: 'fenghuo', maxReconnectAttempts: -1, timeout: 5000 });
    } catch (error) {
      throw new Error(`NATS at ${url} cannot be reached`, { cause: error });
    }
    try {
      const manager = await jetstreamManager(connection);
      const subjects = [`${prefix}.>`];
      try {
        await manager.streams.info(stream);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 10059) throw error;
        await manager.streams.add({
          name: stream,
          subjects,
          storage: StorageType.File,
          retention: RetentionPolicy.Limits,
          max_age: nanos(7 * 24 * 3600 * 1000),
          // Re-publishing an outbox row within this window (a relay that died before marking it) is dropped by its msgID.
          duplicate_window: nanos(10 * 60 * 1000),
        });
      }
      return new NatsTransport(connection, jetstream(connection), manager, stream, prefix, onError);
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
  }

  async publish(event: Envelope): Promise<null> {
    const body = JSON.stringify({ eventId: event.eventId, subject: event.subject, payload: event.payload });
    await this.js.publish(`${this.prefix}.${event.subject}`, body, { msgID: event.eventId });
    return null;
  }

  async subscribe(subject: string, consumer: string, deliver: Deliver): Promise<Subscription> {
    // Consumer names have no '_' and subjects no '-', so this name is unique per pair.
    const durable = `${consumer}_${subject.replace(/\./g, '-')}`;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${this.prefix}.${subject}`,
      ack_wait: nanos(NATS_ACK_WAIT_MS),
      max_ack_pending: 1000,
    };
    try {
      await this.manager.consumers.info(this.stream, durable);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 10014) throw error;
      await this.manager.consumers.add(this.stream, config);
    }
    const pull = await this.js.consumers.get(this.stream, durable);
    const messages = await pull.consume({ max_messages: 16 });
    const loop = (async () => {
      for await (const message of messages) await this.handle(message, deliver);
    })().catch((error: unknown) => this.onError(error, `consumer ${durable}`));
    const entry = { messages, loop };
    this.consumers.add(entry);
    return {
      stop: async () => {
        if (!this.consumers.delete(entry)) return;
        await messages.close();
        await loop;
      },
    };
  }

  private async handle(message: JsMsg, deliver: Deliver): Promise<void> {
    let event: Envelope;
    try {
      event = message.json<Envelope>();
      if (typeof event?.eventId !== 'string' || typeof event.subject !== 'string') throw new Error('not an event envelope');
    } catch (error) {
      this.onError(error, `unreadable message ${message.subject} #${message.seq}; terminated`);
      message.term('unreadable');
      return;
    }
    // A long handler tells the server it is still at work, so the message is not handed to another.
    const keepAlive = setInterval(() => message.working(), NATS_ACK_WAIT_MS / 3);
    keepAlive.unref();
    let outcome: Outcome;
    try {
      outcome = await deliver(event, message.info.deliveryCount);
    } finally {
      clearInterval(keepAlive);
    }
    if (outcome.kind === 'retry') message.nak(outcome.delayMs);
    else if (outcome.kind === 'parked') message.term('parked after the last attempt');
    else message.ack();
  }

  async ping(): Promise<void> {
    if (this.connection.isClosed()) throw new Error('the NATS connection is closed');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.connection.flush(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('NATS did not answer within 2 s')), 2000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const entries = [...this.consumers];
    this.consumers.clear();
    await Promise.all(
      entries.map(async (entry) => {
        await entry.messages.close();
        await entry.loop;
      }),
    );
    // Drain sends the acks still buffered before closing.
    await this.connection.drain().catch(() => this.connection.close());
  }
}

/** Delete the JetStream stream the bus uses (test runs and teardown of a deployment). */
export async function deleteNatsStream(natsUrl: string, stream: string): Promise<boolean> {
  const connection = await connect({ servers: natsUrl, timeout: 5000 });
  try {
    const manager = await jetstreamManager(connection);
    return await manager.streams.delete(stream);
  } finally {
    await connection.close();
  }
}
