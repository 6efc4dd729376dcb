/**
 * Asynchronous screening through NATS JetStream. An institution publishes a payment (any of the
 * forms `POST /v1/screen` takes) to `<subjects>.request.<institutionId>`; the screening workers of
 * every Fenghuo process pull from one durable consumer (a queue group: each payment goes to one
 * worker) and publish the decision, or the error, to `<subjects>.decision.<institutionId>.<requestId>`.
 *
 * Nothing acknowledged is lost and no payment gets two decisions: a worker writes a batch's
 * decisions to the database, then publishes them (each with a message id, so that a re-publish
 * is dropped by the stream), and only then acknowledges the requests. A worker killed anywhere
 * in between leaves its requests unacknowledged; another worker (or the same one restarted) takes
 * them again, finds each decision by its idempotency key and publishes the same one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { FhError } from '../platform/errors.js';
import type { Caller } from '../platform/auth/access.js';
import { readPayment } from './detect.js';
import type { DecisionView, ScreeningService } from './screening.service.js';

const ACK_WAIT_MS = 30_000;

/** Stream and subject names; tests give each run names of its own. */
export interface ScreeningStreamNames {
  /** Stream name prefix, e.g. `FH_SCREEN` → FH_SCREEN_REQUESTS and FH_SCREEN_DECISIONS. */
  stream: string;
  /** Subject prefix, e.g. `fh.screen`. */
  subjects: string;
}

export const DEFAULT_STREAM_NAMES: ScreeningStreamNames = { stream: 'FH_SCREEN', subjects: 'fh.screen' };

/** The id of a request: the same payment under the same key is the same request, however often it is published. */
export function requestIdOf(institutionId: string, idempotencyKey: string, body: string): string {
  return createHash('sha256').update(institutionId).update('\0').update(idempotencyKey).update('\0').update(body).digest('hex').slice(0, 32);
}

/**
 * Create the two streams and the workers' durable consumer when they are missing: requests as a
 * work queue, decisions kept a week. A request not acknowledged within `ackWaitMs` (its worker
 * died) goes to another worker.
 */
export async function ensureScreeningStreams(manager: JetStreamManager, names: ScreeningStreamNames = DEFAULT_STREAM_NAMES, options: { ackWaitMs?: number } = {}): Promise<void> {
  const ensure = async (name: string, config: Parameters<JetStreamManager['streams']['add']>[0]) => {
    try {
      await manager.streams.info(name);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 10059) throw error;
      await manager.streams.add(config);
    }
  };
  await ensure(`${names.stream}_REQUESTS`, {
    name: `${names.stream}_REQUESTS`,
    subjects: [`${names.subjects}.request.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    duplicate_window: nanos(10 * 60 * 1000),
  });
  await ensure(`${names.stream}_DECISIONS`, {
    name: `${names.stream}_DECISIONS`,
    subjects: [`${names.subjects}.decision.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(7 * 24 * 3600 * 1000),
    duplicate_window: nanos(10 * 60 * 1000),
  });
  try {
    await manager.consumers.info(`${names.stream}_REQUESTS`, 'screening-workers');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 10014) throw error;
    await manager.consumers.add(`${names.stream}_REQUESTS`, { durable_name: 'screening-workers', ack_policy: AckPolicy.Explicit, ack_wait: nanos(options.ackWaitMs ?? ACK_WAIT_MS), max_ack_pending: 10_000, max_deliver: -1 });
  }
}

/**
 * Publish a payment for screening (what an institution's system does). Returns the request id and
 * the subject its decision will be published on.
 */
export async function publishPayment(
  js: JetStreamClient,
  input: { institutionId: string; body: string; contentType: string; idempotencyKey?: string | undefined },
  names: ScreeningStreamNames = DEFAULT_STREAM_NAMES,
): Promise<{ requestId: string; decisionSubject: string; duplicate: boolean }> {
  const requestId = requestIdOf(input.institutionId, input.idempotencyKey ?? randomUUID(), input.body);
  const h = natsHeaders();
  h.set('Content-Type', input.contentType);
  if (input.idempotencyKey !== undefined) h.set('Idempotency-Key', input.idempotencyKey);
  h.set('Fenghuo-Request-Id', requestId);
  const ack = await js.publish(`${names.subjects}.request.${input.institutionId}`, input.body, { msgID: requestId, headers: h });
  return { requestId, decisionSubject: `${names.subjects}.decision.${input.institutionId}.${requestId}`, duplicate: ack.duplicate };
}

/** What a worker publishes: the decision, or the error with its HTTP status as the API would give it. */
export type PublishedResult = { status: 200; decision: DecisionView } | { status: number; error: ReturnType<FhError['toBody']>['error'] };

interface Outcome {
  message: JsMsg;
  institutionId: string;
  requestId: string;
  result: PublishedResult;
}

/** Test hooks: called with the batch after its decisions are published and before it is acknowledged. */
export interface WorkerHooks {
  beforeAck?: (published: number) => void;
}

/** One screening worker: pulls payments from the request stream and publishes decisions. */
export class ScreeningWorker {
  private connection: NatsConnection | undefined;
  private stopped = false;
  private close: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** Decisions published since start. */
  published = 0;

  constructor(
    private readonly screening: ScreeningService,
    private readonly url: string,
    private readonly names: ScreeningStreamNames = DEFAULT_STREAM_NAMES,
    private readonly hooks: WorkerHooks = {},
    private readonly onError: (error: unknown, where: string) => void = () => {},
  ) {}

  /** Connect (in the background, retrying while the broker is away) and start pulling. */
  start(): void {
    this.running = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.connection = await connect({ servers: this.url, name: 'fenghuo-screening', maxReconnectAttempts: -1, reconnectTimeWait: 1000, timeout: 2000 });
        const manager = await jetstreamManager(this.connection);
        await ensureScreeningStreams(manager, this.names);
        const js = jetstream(this.connection);
        const consumer = await js.consumers.get(`${this.names.stream}_REQUESTS`, 'screening-workers');
        const messages = await consumer.consume({ max_messages: 1000 });
        this.close = () => void messages.close();
        // Messages gather while a batch is being handled, so that batches grow with the load and
        // one database write and one round of acknowledgements serve many payments.
        const waiting: JsMsg[] = [];
        let wake: (() => void) | undefined;
        let ended = false;
        const reader = (async () => {
          for await (const message of messages) {
            waiting.push(message);
            wake?.();
          }
        })().finally(() => {
          ended = true;
          wake?.();
        });
        while (!this.stopped && !ended) {
          if (waiting.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          const batch = waiting.splice(0, 500);
          if (batch.length > 0) await this.handle(js, batch);
        }
        await reader;
      } catch (error) {
        if (this.stopped) break;
        this.onError(error, 'screening worker');
        await this.connection?.close().catch(() => {});
        this.connection = undefined;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async handle(js: JetStreamClient, batch: JsMsg[]): Promise<void> {
    const outcomes: Outcome[] = [];
    for (const message of batch) {
      const institutionId = message.subject.split('.').at(-1)!;
      const body = message.string();
      const idempotencyKey = message.headers?.get('Idempotency-Key') || undefined;
      const requestId = message.headers?.get('Fenghuo-Request-Id') || requestIdOf(institutionId, `seq:${message.seq}`, body);
      const caller: Caller = { principal: { role: 'institution', institutionId, keyId: 'nats' }, actor: { role: 'institution', id: institutionId } };
      const contentType = message.headers?.get('Content-Type') || 'application/json';
      try {
        const parsed = /json/i.test(contentType) ? parseJson(body) : body;
        // Without a key of its own, the request id is the key: a redelivered request is the same payment.
        const decision = await this.screening.screen(caller, { contentType, body: parsed, idempotencyKey: idempotencyKey ?? `nats:${requestId}` }, readPayment);
        outcomes.push({ message, institutionId, requestId, result: { status: 200, decision } });
      } catch (error) {
        if (error instanceof FhError && error.status < 500) {
          outcomes.push({ message, institutionId, requestId, result: { status: error.status, error: error.toBody().error } });
        } else {
          // The database or the counters are away: take it again later.
          this.onError(error, `screening request ${requestId}`);
          message.nak(1000);
        }
      }
    }
    if (outcomes.length === 0) return;
    // Durable first: a decision is in the database before anyone hears of it.
    await this.screening.recorder.flush();
    if (this.screening.recorder.lastError) {
      for (const outcome of outcomes) outcome.message.nak(1000);
      return;
    }
    await Promise.all(
      outcomes.map(async (outcome) => {
        const h = natsHeaders();
        h.set('Fenghuo-Request-Id', outcome.requestId);
        await js.publish(`${this.names.subjects}.decision.${outcome.institutionId}.${outcome.requestId}`, JSON.stringify(outcome.result), { msgID: `decision:${outcome.requestId}`, headers: h });
      }),
    );
    this.published += outcomes.length;
    this.hooks.beforeAck?.(this.published);
    for (const outcome of outcomes) outcome.message.ack();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.close?.();
    await this.connection?.drain().catch(() => {});
    await this.running?.catch(() => {});
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new FhError('FH_MALFORMED_JSON');
  }
}

/**
 * Wait for the decision of a published request (reads the decision stream, so it finds one
 * published before the call). Throws after `timeoutMs`.
 */
export async function awaitDecision(manager: JetStreamManager, decisionSubject: string, names: ScreeningStreamNames = DEFAULT_STREAM_NAMES, timeoutMs = 30_000): Promise<PublishedResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const message = await manager.streams.getMessage(`${names.stream}_DECISIONS`, { last_by_subj: decisionSubject });
      if (message) return message.json<PublishedResult>();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 10037) throw error;
    }
    if (Date.now() > deadline) throw new Error(`no decision on ${decisionSubject} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

