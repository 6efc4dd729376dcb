/**
 * Decisions are written in batches, off the request path: a decision is answered at once and
 * kept in memory until its batch commits (every `flushMs`, or sooner when `batchSize` are
 * waiting). A decision about an identified payer writes the audit log in the same transaction, so
 * that it appears in the consumer's access log. What a crash loses: the batch not yet committed
 * (at most `flushMs` of decisions); see the README.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database.js';
import type { AuditLog } from '../platform/audit/audit.service.js';
import { personSubject } from '../identity/identity.service.js';
import * as store from './screening.store.js';

export class DecisionRecorder {
  private queue: store.NewDecision[] = [];
  private readonly byId = new Map<string, store.NewDecision & { reasons: string }>();
  private readonly byKey = new Map<string, store.NewDecision & { reasons: string }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly batchSize: number;
  /** Decisions committed since start; for the benchmark and metrics. */
  recorded = 0;
  lastError: Error | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    options: { flushMs?: number; batchSize?: number } = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.batchSize = options.batchSize ?? 1000;
  }

  /** Queue a decision. */
  add(row: store.NewDecision): void {
    const kept = row as store.NewDecision & { reasons: string };
    this.queue.push(kept);
    this.byId.set(row.decision_id, kept);
    if (row.idempotency_key) this.byKey.set(`${row.institution_id}|${row.idempotency_key}`, kept);
    if (this.queue.length >= this.batchSize) void this.flush();
  }

  /** A decision still waiting for its batch. */
  pending(decisionId: string): (store.NewDecision & { reasons: string }) | undefined {
    return this.byId.get(decisionId);
  }

  pendingByKey(institutionId: string, idempotencyKey: string): (store.NewDecision & { reasons: string; decided_at: Date }) | undefined {
    return this.byKey.get(`${institutionId}|${idempotencyKey}`) as (store.NewDecision & { reasons: string; decided_at: Date }) | undefined;
  }

  get waiting(): number {
    return this.queue.length;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Write what is waiting; resolves when everything queued before the call is committed (or failed and re-queued). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.db.transaction().execute(async (trx) => {
          await store.insertDecisions(trx, batch);
          // The batch's entries in one statement, in the transaction of its decisions.
          await this.audit.recordMany(
            trx,
            batch.flatMap((row) =>
              row.payer_pseudonym
                ? [{ actor: { role: 'institution' as const, id: row.institution_id }, entry: { action: 'screening.decision', subject: personSubject(row.payer_pseudonym), resource: `screening_decision:${row.decision_id}`, reason: '支付交易风险筛查 / real-time payment screening', detail: { decision: row.decision, score: row.score } } }]
                : [],
            ),
          );
        });
        this.lastError = undefined;
        this.recorded += batch.length;
        for (const row of batch) {
          this.byId.delete(row.decision_id);
          if (row.idempotency_key) this.byKey.delete(`${row.institution_id}|${row.idempotency_key}`);
        }
      } catch (error) {
        // Keep them, in order, for the next flush: the database may be back by then.
        this.queue.unshift(...batch);
        this.lastError = error as Error;
        return;
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
