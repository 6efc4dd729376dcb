/**
 * The event bus: capabilities announce what happened (a filing was accepted, a payment arrived)
 * and others react, without calling each other.
 *
 * Publishing goes through a transactional outbox: `enqueue` writes the event in the caller's own
 * transaction, so an event exists exactly when the business write committed. A relay hands the
 * outbox rows over in order — when nudged after a commit, and on a poll interval — and marks them
 * published. No request waits for it: a caller nudges the relay and returns.
 *
 * Consumers are durable. A (consumer, subject) pair is registered in the database the first time
 * it subscribes, and from then on every event of the subject is kept for it until it has taken
 * it, whether or not it is running: in process as a delivery row per consumer and event, with NATS
 * as a durable JetStream consumer per name. A consumer registering for the first time catches up
 * as it asks: on the events still in the outbox ('outbox', the default), on nothing ('none'), or
 * on events its capability rebuilds (a callback, e.g. from the accepted filings).
 *
 * Delivery is at least once: handlers must be idempotent (the event id is in `meta`). A handler
 * that keeps failing is parked after its last attempt; parked events are listed and replayed
 * (`npx fenghuo events`, `/v1/events/parked`). The in-process transport serves one process (the
 * embedded default); several processes sharing one PostgreSQL set NATS_URL.
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

/**
 * What a consumer registering for the first time catches up on: the events of its subject still
 * in the outbox (published within the retention, or not yet published), nothing, or the events a
 * callback rebuilds from the capability's own records (run once; again at the next start if it
 * did not finish).
 */
export type Backfill<S extends EventSubject> = 'outbox' | 'none' | (() => Promise<Iterable<EventPayloads[S]>>);

export interface SubscribeOptions<S extends EventSubject> {
  /** Default 'outbox'. Only the first registration of a (consumer, subject) pair backfills. */
  backfill?: Backfill<S>;
}

export interface Subscription {
  /** Stop taking new events; resolves once the handler call under way (if any) has finished. */
  stop(): Promise<void>;
}

/** An event a consumer gave up on after its last attempt; `failureId` names it for a replay. */
export type FailedEvent = store.FailureRow;

/** A registered consumer: what it has still to take (in process) and what is parked. */
export interface ConsumerInfo {
  consumer: string;
  subject: string;
  backfill: 'outbox' | 'none' | 'callback';
  registeredAt: Date;
  pending: number;
  parked: number;
}

/** The outbox lag, for metrics and operators. */
export interface EventBusStats {
  /** Events not yet published plus deliveries a consumer has not yet taken. */
  pending: number;
  /** Age of the oldest of them, in seconds (0 when nothing waits). */
  oldestPendingSeconds: number;
  /** Events parked after their last failed attempt. */
  parked: number;
  /** Whether the broker takes events now ('in-process' has none). */
  broker: 'in-process' | 'available' | 'unavailable';
}

export interface EventBus {
  readonly kind: 'in-process' | 'nats';
  /** Write the event into the transactional outbox inside the caller's Kysely transaction; it is published after commit. */
  enqueue<S extends EventSubject>(trx: Kysely<Database>, subject: S, payload: EventPayloads[S]): Promise<void>;
  /**
   * Start the relay. Call it once every capability has subscribed (see `startCapabilities`), so
   * that the first pass already finds them registered.
   */
  start(): void;
  /** Ask the relay for a pass soon, without waiting for it (what a request does after its commit). */
  notify(): void;
  /** Run a relay pass now and wait for it (tests, command-line runs). */
  flush(): Promise<void>;
  /**
   * Register `consumer` for `subject` (durably, the first time) and call `handler` for every event
   * of it this consumer has not taken yet. Subscribers with the same `consumer` name share the
   * events between them; each distinct consumer name gets every event. A handler that throws is
   * called again later, up to `maxAttempts`, then the event is parked (see `failedEvents`).
   * `consumer` is letters, digits and hyphens, e.g. 'supervision' or 'credit-tradelines'.
   */
  subscribe<S extends EventSubject>(subject: S, consumer: string, handler: EventHandler<S>, options?: SubscribeOptions<S>): Promise<Subscription>;
  /** Events parked after their last failed attempt, oldest first, optionally for one consumer. */
  failedEvents(consumer?: string): Promise<FailedEvent[]>;
  /**
   * Give a parked event back to its consumer with fresh attempts; undefined when no parked event
   * has that id. In `trx` when given (to audit the replay in the same transaction).
   */
  replayParked(failureId: string, trx?: Kysely<Database>): Promise<FailedEvent | undefined>;
  /** Every registered consumer. */
  consumers(): Promise<ConsumerInfo[]>;
  /**
   * Unregister a consumer that is gone for good (of one subject, or all), so that events are no
   * longer kept for it; returns the registrations removed. With NATS its durable consumer stays
   * on the stream until removed there. A consumer that subscribes again registers anew.
   */
  forgetConsumer(consumer: string, subject?: string): Promise<number>;
  /** Outbox lag and parked events. */
  stats(): Promise<EventBusStats>;
  /** Resolves when the transport answers (in-process: always); throws otherwise. For readiness. */
  ping(): Promise<void>;
  /** Stop the relay and every subscription. Events not yet taken stay stored and are delivered after the next start. */
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** Attempts per event and consumer before the event is parked (default 5). */
  maxAttempts?: number;
  /** Delay before the next attempt is base × 2^(attempt − 1) ms, at most 60 s (default base 1000). */
  retryBaseDelayMs?: number;
  /** How often the relay and the consumers look at the database without a nudge (default 1000 ms). */
  pollIntervalMs?: number;
  /** Outbox rows read per relay round trip (default 200). */
  batchSize?: number;
  /** Published outbox rows nobody still has to take are deleted after this long (default 7 days). */
  retentionMs?: number;
  /** JetStream stream name (default 'FENGHUO'). */
  stream?: string;
  /** Prefix of every NATS subject; the stream holds `<prefix>.>` (default 'fenghuo'). */
  subjectPrefix?: string;
  /** How long one publish to NATS may take before the broker counts as unavailable (default 5000 ms). */
  publishTimeoutMs?: number;
  /** Where relay and consumer errors go that no caller can receive (default console.error). */
  onError?: (error: unknown, context: string) => void;
  /** Where the start and end of a broker outage are told (default console.warn). */
  onNotice?: (message: string) => void;
}

const SUBJECT_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const CONSUMER_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
const MAX_RETRY_DELAY_MS = 60_000;
/** A delivery being handled is leased this long; a process that died mid-handler lets it go after. */
const DELIVERY_LEASE_MS = 60_000;
/** Deliveries claimed per worker and round trip. */
const CLAIM_PER_WORKER = 16;
const NATS_ACK_WAIT_MS = 60_000;
const NATS_RECONNECT_MS = 1000;

/**
 * Open the event bus: NATS JetStream when `config.natsUrl` is set, in-process otherwise. The relay
 * does not run until `start()`. NATS that cannot be reached does not stop the start: the bus runs
 * degraded (events wait in the outbox, `ping` fails) and connects when the broker is back.
 * The database must be migrated (it holds the outbox and the consumers).
 */
export async function createEventBus(db: Kysely<Database>, config: Pick<Config, 'natsUrl'>, options: EventBusOptions = {}): Promise<EventBus> {
  const settings: Settings = {
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    batchSize: options.batchSize ?? 200,
    retentionMs: options.retentionMs ?? 7 * 24 * 3600 * 1000,
    publishTimeoutMs: options.publishTimeoutMs ?? 5000,
    onError: options.onError ?? ((error: unknown, context: string) => console.error(`[fenghuo] event bus: ${context}:`, error)),
    onNotice: options.onNotice ?? ((message: string) => console.warn(`[fenghuo] event bus: ${message}`)),
  };
  const stream = options.stream ?? 'FENGHUO';
  const subjectPrefix = options.subjectPrefix ?? 'fenghuo';
  if (!Number.isInteger(settings.maxAttempts) || settings.maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number ≥ 1');
  if (!SUBJECT_PATTERN.test(subjectPrefix)) throw new RangeError(`subjectPrefix "${subjectPrefix}" must be dot-separated lowercase tokens`);
  const bus = new OutboxEventBus(db, settings);
  if (config.natsUrl) bus.useNats(await NatsTransport.open(config.natsUrl, stream, subjectPrefix, settings, (available) => bus.brokerChanged(available)));
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

type Outcome = { kind: 'handled' } | { kind: 'failed'; error: unknown };

/** Runs one handler call. */
type Deliver = (event: Envelope, attempt: number) => Promise<Outcome>;

interface Settings {
  maxAttempts: number;
  retryBaseDelayMs: number;
  pollIntervalMs: number;
  batchSize: number;
  retentionMs: number;
  publishTimeoutMs: number;
  onError: (error: unknown, context: string) => void;
  onNotice: (message: string) => void;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 4000);
  return String(error).slice(0, 4000);
}

class OutboxEventBus implements EventBus {
  kind: 'in-process' | 'nats' = 'in-process';
  private nats: NatsTransport | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The relay pass running, if any; a nudge during it asks for one more pass after it. */
  private running: Promise<void> | undefined;
  private again = false;
  /** Local consumer groups by subject, to wake when the relay fanned events out to them. */
  private readonly groups = new Map<string, DeliveryGroup>();
  private readonly natsSubscriptions = new Set<Subscription>();
  private passes = 0;
  private started = false;
  private closed = false;
  private brokerDownSince: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: Settings,
  ) {}

  useNats(transport: NatsTransport): void {
    this.nats = transport;
    this.kind = 'nats';
    if (!transport.available) this.brokerChanged(false);
  }

  /** Tell the start and the end of a broker outage, once each. */
  brokerChanged(available: boolean): void {
    if (!available && this.brokerDownSince === undefined) {
      this.brokerDownSince = Date.now();
      this.settings.onNotice('the NATS broker is unavailable; events wait in the outbox until it is back');
    } else if (available && this.brokerDownSince !== undefined) {
      const seconds = Math.round((Date.now() - this.brokerDownSince) / 1000);
      this.brokerDownSince = undefined;
      this.settings.onNotice(`the NATS broker is available again after ${seconds} s; publishing what waited`);
      this.notify();
    }
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.timer = setInterval(() => this.notify(), this.settings.pollIntervalMs);
    // The relay must never keep a command-line run alive on its own.
    this.timer.unref();
    this.notify();
  }

  async enqueue<S extends EventSubject>(trx: Kysely<Database>, subject: S, payload: EventPayloads[S]): Promise<void> {
    if (!trx.isTransaction) throw new RangeError('enqueue needs the caller’s transaction, so that the event commits with the business write');
    checkSubject(subject);
    await store.insertOutboxEvent(trx, subject, JSON.stringify(payload));
  }

  notify(): void {
    if (this.closed || !this.started) return;
    this.relay().catch((error: unknown) => {
      if (!this.closed) this.settings.onError(error, 'relay');
    });
  }

  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the event bus is closed'));
    return this.relay();
  }

  async subscribe<S extends EventSubject>(subject: S, consumer: string, handler: EventHandler<S>, options: SubscribeOptions<S> = {}): Promise<Subscription> {
    if (this.closed) throw new Error('the event bus is closed');
    checkSubject(subject);
    if (!CONSUMER_PATTERN.test(consumer)) throw new RangeError(`consumer "${consumer}" must be 1–64 letters, digits or hyphens`);
    const backfill = options.backfill ?? 'outbox';
    const kind = typeof backfill === 'function' ? 'callback' : backfill;
    const registration = await store.registerConsumer(this.db, consumer, subject, kind, this.kind === 'in-process');
    if (registration.backfillOwed && typeof backfill === 'function') {
      const payloads = [...(await backfill())].map((payload) => JSON.stringify(payload));
      await store.insertBackfill(this.db, consumer, subject, payloads);
    }
    const deliver: Deliver = async (event, attempt) => {
      try {
        await handler(event.payload as EventPayloads[S], { eventId: event.eventId, attempt });
        return { kind: 'handled' };
      } catch (error) {
        return { kind: 'failed', error };
      }
    };
    // In process every event comes from the delivery rows; with NATS from the stream, and the
    // rows hold only replays and callback backfills.
    const key = `${consumer} ${subject}`;
    let group = this.groups.get(key);
    // A group whose last subscriber is stopping is replaced, never joined.
    if (!group || group.stopping) this.groups.set(key, (group = new DeliveryGroup(this.db, consumer, subject, this.settings)));
    const local = group.add(deliver);
    const owner = group;
    let remote: Subscription | undefined;
    if (this.nats) {
      const deliverOnce: Deliver = async (event, attempt) => {
        if (await store.wasHandled(this.db, consumer, event.eventId)) return { kind: 'handled' };
        const outcome = await deliver(event, attempt);
        if (outcome.kind === 'handled') await store.markHandled(this.db, consumer, event.eventId);
        return outcome;
      };
      const deliverPolicy = registration.created && kind !== 'outbox' ? DeliverPolicy.New : DeliverPolicy.All;
      remote = this.nats.subscribe(subject, consumer, deliverPolicy, deliverOnce, (event, attempt, error) => this.parkNats(consumer, event, attempt, error));
      this.natsSubscriptions.add(remote);
    }
    return {
      stop: async () => {
        if (remote) {
          this.natsSubscriptions.delete(remote);
          await remote.stop();
        }
        await local.stop();
        if (owner.empty && this.groups.get(key) === owner) this.groups.delete(key);
      },
    };
  }

  /** What a NATS consumer does after a failed attempt: retry later, or park after the last one. */
  private async parkNats(consumer: string, event: Envelope, attempt: number, error: unknown): Promise<{ retryInMs: number } | 'parked'> {
    if (attempt < this.settings.maxAttempts) return { retryInMs: retryDelayMs(attempt, this.settings.retryBaseDelayMs) };
    try {
      await store.insertFailure(this.db, { eventId: event.eventId, consumer, subject: event.subject, payload: event.payload, attempts: attempt, error: errorText(error) });
      return 'parked';
    } catch (parkError) {
      // Not parked means not given up: try again later rather than lose the event.
      this.settings.onError(parkError, `parking event ${event.eventId} for ${consumer}`);
      return { retryInMs: retryDelayMs(attempt, this.settings.retryBaseDelayMs) };
    }
  }

  failedEvents(consumer?: string): Promise<FailedEvent[]> {
    return store.failures(this.db, consumer);
  }

  async replayParked(failureId: string, trx?: Kysely<Database>): Promise<FailedEvent | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(failureId)) return undefined;
    const replayed = await store.replayFailure(trx ?? this.db, failureId);
    if (replayed && !trx) this.groups.get(`${replayed.consumer} ${replayed.subject}`)?.wake();
    return replayed;
  }

  async consumers(): Promise<ConsumerInfo[]> {
    return (await store.consumers(this.db)).map(({ backfilledAt: _, ...row }) => row);
  }

  forgetConsumer(consumer: string, subject?: string): Promise<number> {
    return store.forgetConsumer(this.db, consumer, subject);
  }

  async stats(): Promise<EventBusStats> {
    const counts = await store.stats(this.db);
    return { ...counts, broker: this.nats ? (this.nats.available ? 'available' : 'unavailable') : 'in-process' };
  }

  ping(): Promise<void> {
    return this.nats ? this.nats.ping() : Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.running?.catch(() => {});
    await Promise.all([...this.natsSubscriptions].map((subscription) => subscription.stop()));
    await Promise.all([...this.groups.values()].map((group) => group.close()));
    this.groups.clear();
    await this.nats?.close();
  }

  /** One pass at a time; a nudge during a pass asks for one more after it, so nothing committed before the nudge is left. */
  private relay(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (async () => {
      try {
        do {
          this.again = false;
          if (this.closed) return;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    this.running = run;
    return run;
  }

  private async pass(): Promise<void> {
    this.passes++;
    if (this.passes % 3600 === 1) {
      await store.prunePublished(this.db, this.settings.retentionMs).catch((error: unknown) => this.settings.onError(error, 'pruning the outbox'));
    }
    for (;;) {
      const rows = await store.unpublishedEvents(this.db, this.settings.batchSize);
      if (rows.length === 0) return;
      if (this.nats) {
        const published: string[] = [];
        try {
          for (const row of rows) {
            if (this.closed) break;
            // A failed publish ends the pass, so that later events never overtake it.
            if (!(await this.nats.publish(row))) break;
            published.push(row.eventId);
          }
        } finally {
          await store.markPublished(this.db, published);
        }
        if (published.length < rows.length) return;
      } else {
        const seqs = rows.map((row) => row.seq);
        await store.fanOut(this.db, seqs);
        const subjects = new Set(rows.map((row) => row.subject));
        for (const group of this.groups.values()) if (subjects.has(group.subject)) group.wake();
      }
      if (rows.length < this.settings.batchSize) return;
    }
  }
}

function checkSubject(subject: string): void {
  if (!SUBJECT_PATTERN.test(subject)) throw new RangeError(`event subject "${subject}" must be dot-separated tokens of lowercase letters, digits and underscores`);
}

// ---------------------------------------------------------------------------------------------
// Delivery rows: the subscribers of one (consumer, subject) in this process take the consumer's
// rows in seq order, each subscriber a worker, leasing what they take.

interface Worker {
  deliver: Deliver;
  stopped: boolean;
  current: Promise<void> | undefined;
}

class DeliveryGroup {
  private readonly workers: Worker[] = [];
  private draining: Promise<void> | undefined;
  private again = false;
  private readonly timer: NodeJS.Timeout;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Rows claimed and not yet settled: never claimed twice by this process, even past their lease. */
  private readonly inHand = new Set<number>();
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    readonly consumer: string,
    readonly subject: string,
    private readonly settings: Settings,
  ) {
    this.timer = setInterval(() => this.wake(), settings.pollIntervalMs);
    this.timer.unref();
  }

  get empty(): boolean {
    return this.workers.length === 0;
  }

  get stopping(): boolean {
    return this.closed;
  }

  add(deliver: Deliver): Subscription {
    const worker: Worker = { deliver, stopped: false, current: undefined };
    this.workers.push(worker);
    this.wake();
    return {
      stop: async () => {
        worker.stopped = true;
        const index = this.workers.indexOf(worker);
        if (index >= 0) this.workers.splice(index, 1);
        if (this.workers.length === 0) {
          this.closed = true;
          clearInterval(this.timer);
          for (const timer of this.retryTimers) clearTimeout(timer);
        }
        await worker.current;
        if (this.closed) await this.draining?.catch(() => {});
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    for (const worker of this.workers) worker.stopped = true;
    await this.draining?.catch(() => {});
  }

  /** Look for due rows now (after a fan-out, a replay, a retry delay, or on the poll). */
  wake(): void {
    if (this.closed) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && !this.closed);
      } catch (error) {
        if (!this.closed) this.settings.onError(error, `consumer ${this.consumer} on ${this.subject}`);
      } finally {
        this.draining = undefined;
      }
    })();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const workers = this.workers.filter((worker) => !worker.stopped);
      if (this.closed || workers.length === 0) return;
      const limit = CLAIM_PER_WORKER * workers.length;
      const claimed = await store.claimDeliveries(this.db, this.consumer, this.subject, limit, DELIVERY_LEASE_MS, [...this.inHand]);
      if (claimed.length === 0) return;
      for (const row of claimed) this.inHand.add(row.seq);
      const queue = [...claimed];
      // Each worker takes the next row in seq order when it is free: one worker keeps the order.
      await Promise.all(
        workers.map(async (worker) => {
          while (queue.length > 0 && !worker.stopped && !this.closed) {
            const row = queue.shift()!;
            const run = this.handle(worker, row);
            worker.current = run;
            await run;
            worker.current = undefined;
          }
        }),
      );
      if (queue.length > 0) {
        // Stopped before these were started: they are due again at once, the attempt not counted.
        const seqs = queue.map((row) => row.seq);
        await store.releaseDeliveries(this.db, this.consumer, seqs).finally(() => seqs.forEach((seq) => this.inHand.delete(seq)));
        return;
      }
      if (claimed.length < limit) return;
    }
  }

  private async handle(worker: Worker, row: store.ClaimedDelivery): Promise<void> {
    try {
      const outcome = await worker.deliver({ eventId: row.eventId, subject: row.subject, payload: row.payload }, row.attempt);
      if (outcome.kind === 'handled') {
        await store.completeDelivery(this.db, this.consumer, row.seq);
      } else if (row.attempt < this.settings.maxAttempts) {
        const delayMs = retryDelayMs(row.attempt, this.settings.retryBaseDelayMs);
        await store.retryDelivery(this.db, this.consumer, row.seq, delayMs);
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          this.wake();
        }, delayMs);
        timer.unref();
        this.retryTimers.add(timer);
      } else {
        await store.parkDelivery(this.db, row.seq, { eventId: row.eventId, consumer: this.consumer, subject: row.subject, payload: row.payload, attempts: row.attempt, error: errorText(outcome.error) });
      }
    } catch (error) {
      // The row keeps its lease and is taken again when it runs out.
      this.settings.onError(error, `settling event ${row.eventId} for ${this.consumer}`);
    } finally {
      this.inHand.delete(row.seq);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// NATS JetStream transport: one durable stream; one durable pull consumer per (consumer, subject).
// It connects in the background when the broker is away at the start, and reports when the broker
// goes and comes back; the relay does not wait for a broker it knows is away.

type AfterFailure = (event: Envelope, attempt: number, error: unknown) => Promise<{ retryInMs: number } | 'parked'>;

class NatsTransport {
  private connection: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private manager: JetStreamManager | undefined;
  /** The connection is up and the last publish (if any since) went through. */
  available = false;
  /** The connection is up (a publish while it is down would only wait for its timeout). */
  private connected = false;
  /** Counts the times the broker came back, so that a publish begun before an outage cannot end the next availability. */
  private generation = 0;
  private streamReady = false;
  private readonly attached = new Set<NatsSubscription>();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly stream: string,
    private readonly prefix: string,
    private readonly settings: Settings,
    private readonly onAvailability: (available: boolean) => void,
  ) {}

  static async open(url: string, stream: string, prefix: string, settings: Settings, onAvailability: (available: boolean) => void): Promise<NatsTransport> {
    const transport = new NatsTransport(url, stream, prefix, settings, onAvailability);
    await transport.tryConnect();
    return transport;
  }

  private setAvailable(available: boolean): void {
    if (this.available === available) return;
    this.available = available;
    if (available) this.generation++;
    this.onAvailability(available);
  }

  /** One attempt at the first connection; on failure another in a second, until one succeeds. */
  private async tryConnect(): Promise<void> {
    if (this.closed || this.connection) return;
    try {
      const connection = await connect({ servers: this.url, name: 'fenghuo', maxReconnectAttempts: -1, reconnectTimeWait: NATS_RECONNECT_MS, timeout: 2000 });
      this.connection = connection;
      this.connected = true;
      this.js = jetstream(connection);
      void this.watch(connection);
    } catch (error) {
      this.setAvailable(false);
      if (this.closed) return;
      this.retryTimer = setTimeout(() => void this.tryConnect(), NATS_RECONNECT_MS);
      this.retryTimer.unref();
      if (!(error instanceof Error)) this.settings.onError(error, 'connecting to NATS');
      return;
    }
    try {
      this.manager = await jetstreamManager(this.connection);
      await this.ensureStream();
      this.setAvailable(true);
    } catch (error) {
      // Connected, but JetStream did not answer: publishing finds out when it is back.
      this.settings.onError(error, 'opening the JetStream stream');
      this.setAvailable(false);
    }
    for (const subscription of this.attached) subscription.attach();
  }

  /** Follow the connection: away on a disconnect, back on a reconnect. */
  private async watch(connection: NatsConnection): Promise<void> {
    try {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') {
          this.connected = false;
          this.setAvailable(false);
        } else if (status.type === 'reconnect') {
          this.connected = true;
          try {
            await this.ensureStream(true);
            this.setAvailable(true);
          } catch (error) {
            if (!this.closed) this.settings.onError(error, 'checking the JetStream stream after a reconnect');
          }
        }
      }
    } catch (error) {
      if (!this.closed) this.settings.onError(error, 'watching the NATS connection');
    }
  }

  /** Create the stream when it does not exist (a broker that lost its store gets it again). */
  private async ensureStream(force = false): Promise<void> {
    if (this.streamReady && !force) return;
    this.manager ??= await jetstreamManager(this.connection!);
    const manager = this.manager;
    try {
      await manager.streams.info(this.stream);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 10059) throw error;
      await manager.streams.add({
        name: this.stream,
        subjects: [`${this.prefix}.>`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_age: nanos(7 * 24 * 3600 * 1000),
        // Re-publishing an outbox row within this window (a relay that died before marking it) is dropped by its msgID.
        duplicate_window: nanos(10 * 60 * 1000),
      });
    }
    this.streamReady = true;
  }

  /** Publish one event; false (and the broker counted away) when it did not go through. */
  async publish(event: Envelope): Promise<boolean> {
    const connection = this.connection;
    if (!connection || !this.js || !this.connected || connection.isClosed()) return false;
    const generation = this.generation;
    try {
      const body = JSON.stringify({ eventId: event.eventId, subject: event.subject, payload: event.payload });
      await this.js.publish(`${this.prefix}.${event.subject}`, body, { msgID: event.eventId, timeout: this.settings.publishTimeoutMs });
      this.setAvailable(true);
      return true;
    } catch (error) {
      // A publish that outlived a reconnect failed for the old outage; the next pass tries again.
      if (generation !== this.generation) return false;
      if (this.available) this.settings.onError(error, `publishing event ${event.eventId}`);
      this.setAvailable(false);
      return false;
    }
  }

  subscribe(subject: string, consumer: string, deliverPolicy: DeliverPolicy, deliver: Deliver, afterFailure: AfterFailure): Subscription {
    const subscription = new NatsSubscription(this, subject, consumer, deliverPolicy, deliver, afterFailure);
    this.attached.add(subscription);
    if (this.js) subscription.attach();
    return {
      stop: async () => {
        this.attached.delete(subscription);
        await subscription.stop();
      },
    };
  }

  /** For a subscription: the clients, once connected. */
  clients(): { js: JetStreamClient; manager: JetStreamManager; stream: string; prefix: string; settings: Settings } | undefined {
    if (!this.js || !this.manager) return undefined;
    return { js: this.js, manager: this.manager, stream: this.stream, prefix: this.prefix, settings: this.settings };
  }

  async ping(): Promise<void> {
    const connection = this.connection;
    if (!connection || connection.isClosed()) throw new Error('NATS is not connected');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        connection.flush(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('NATS did not answer within 2 s')), 2000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await Promise.all([...this.attached].map((subscription) => subscription.stop()));
    this.attached.clear();
    // Drain sends the acks still buffered before closing.
    if (this.connection) await this.connection.drain().catch(() => this.connection!.close());
  }
}

/** One durable pull consumer, attached once the transport is connected and again if its loop ends. */
class NatsSubscription {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: NatsTransport,
    private readonly subject: string,
    private readonly consumer: string,
    private readonly deliverPolicy: DeliverPolicy,
    private readonly deliver: Deliver,
    private readonly afterFailure: AfterFailure,
  ) {}

  attach(): void {
    if (this.stopped || this.loop) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      this.messages = undefined;
      if (this.stopped) return;
      // The consumer loop ended without a stop (the broker went away): attach again shortly.
      this.retry = setTimeout(() => this.attach(), NATS_RECONNECT_MS);
      this.retry.unref();
    });
  }

  private async run(): Promise<void> {
    const clients = this.transport.clients();
    if (!clients) return;
    const { js, manager, stream, prefix, settings } = clients;
    // Consumer names have no '_' and subjects no '-', so this name is unique per pair.
    const durable = `${this.consumer}_${this.subject.replace(/\./g, '-')}`;
    try {
      try {
        await manager.consumers.info(stream, durable);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 10014) throw error;
        await manager.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: this.deliverPolicy,
          filter_subject: `${prefix}.${this.subject}`,
          ack_wait: nanos(NATS_ACK_WAIT_MS),
          max_ack_pending: 1000,
        });
      }
      if (this.stopped) return;
      const pull = await js.consumers.get(stream, durable);
      const messages = await pull.consume({ max_messages: 16 });
      this.messages = messages;
      if (this.stopped) {
        // A close takes effect as the messages are read: read them to the end, handing back at once
        // any already pulled. Awaiting the close without reading waited forever.
        const closing = messages.close();
        for await (const message of messages) message.nak();
        await closing;
        return;
      }
      for await (const message of messages) await this.handle(message, settings);
    } catch (error) {
      if (!this.stopped && this.transport.available) settings.onError(error, `consumer ${durable}`);
    }
  }

  private async handle(message: JsMsg, settings: Settings): Promise<void> {
    let event: Envelope;
    try {
      event = message.json<Envelope>();
      if (typeof event?.eventId !== 'string' || typeof event.subject !== 'string') throw new Error('not an event envelope');
    } catch (error) {
      settings.onError(error, `unreadable message ${message.subject} #${message.seq}; terminated`);
      message.term('unreadable');
      return;
    }
    // A long handler tells the server it is still at work, so the message is not handed to another.
    const keepAlive = setInterval(() => message.working(), NATS_ACK_WAIT_MS / 3);
    keepAlive.unref();
    try {
      const attempt = message.info.deliveryCount;
      const outcome = await this.deliver(event, attempt);
      if (outcome.kind === 'handled') {
        message.ack();
        return;
      }
      const next = await this.afterFailure(event, attempt, outcome.error);
      if (next === 'parked') message.term('parked after the last attempt');
      else message.nak(next.retryInMs);
    } catch (error) {
      // The database did not answer: leave the message to its ack wait and take it again then.
      settings.onError(error, `handling event ${event.eventId}`);
      message.nak(1000);
    } finally {
      clearInterval(keepAlive);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.messages?.close();
    await this.loop;
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
