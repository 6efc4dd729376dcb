/**
 * Decisions are written in batches, off the request path: a decision is answered at once and
 * kept in memory until its batch commits (every `flushMs`, or sooner when `batchSize` are
 * waiting). A decision about an identified payer writes the audit log in the same transaction, so
 * that it appears in the consumer's access log. What a crash loses: the batch not yet committed
 * (at most `flushMs` of decisions); see the README.
 *
 * A held payment (`confirm`) is different: its decision, its reminder and the reminder's audit
 * entry must be on record before the institution is answered. Holds wait at most `holdMs` for
 * others to share their transaction (group commit), and each caller waits for that commit.
 *
 * A batch goes in by COPY, in slices of `sliceRows` with the event loop let go between them, so
 * that on the embedded engine (which runs in this thread) no request waits for a whole batch. A
 * COPY meeting a decision that is already there (same id or idempotency key, written by another
 * process) fails; the batch is then written again with inserts that leave such a row alone. Fewer
 * than `copyFromRows` rows go in as one JSON parameter instead (COPY's fixed cost is higher), and
 * alone, with nothing else to write, as one statement without BEGIN and COMMIT.
 */
import type { DatabaseHandle } from '../platform/database.js';
import { databaseErrorState, withBulkTransaction } from '../platform/database.js';
import type { Actor, AuditEntry, AuditLog } from '../platform/audit/audit.service.js';
import { personSubject } from '../identity/identity.service.js';
import * as store from './screening.store.js';

type Kept = store.NewDecision & { reasons: string };

interface Hold {
  decision: store.NewDecision;
  reminder: store.NewReminder;
  audit: { actor: Actor; entry: AuditEntry };
  resolve: () => void;
  reject: (error: unknown) => void;
}

const UNIQUE_VIOLATION = '23505';

export class DecisionRecorder {
  private queue: Kept[] = [];
  private holds: Hold[] = [];
  private readonly byId = new Map<string, Kept>();
  private readonly byKey = new Map<string, Kept>();
  private timer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly holdMs: number;
  private readonly batchSize: number;
  private readonly sliceRows: number;
  private readonly copyFromRows: number;
  /** Decisions committed since start; for the benchmark and metrics. */
  recorded = 0;
  /** Transactions committed since start (batches and holds together). */
  batches = 0;
  lastError: Error | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly audit: AuditLog,
    options: { flushMs?: number; holdMs?: number; batchSize?: number; sliceRows?: number; copyFromRows?: number } = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.holdMs = options.holdMs ?? 5;
    this.batchSize = options.batchSize ?? 1000;
    this.sliceRows = options.sliceRows ?? 100;
    this.copyFromRows = options.copyFromRows ?? 32;
  }

  /** Queue a decision. */
  add(row: store.NewDecision): void {
    const kept = row as Kept;
    this.queue.push(kept);
    this.byId.set(row.decision_id, kept);
    if (row.idempotency_key) this.byKey.set(`${row.institution_id}|${row.idempotency_key}`, kept);
    if (this.queue.length >= this.batchSize) void this.flush();
  }

  /**
   * Write a held payment's decision and reminder with the reminder's audit entry; resolves once
   * they are committed, rejects when their transaction failed (nothing of it was written).
   */
  hold(decision: store.NewDecision, reminder: store.NewReminder, audit: { actor: Actor; entry: AuditEntry }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.holds.push({ decision, reminder, audit, resolve, reject });
      this.holdTimer ??= setTimeout(() => {
        this.holdTimer = undefined;
        void this.flush();
      }, this.holdMs);
    });
  }

  /** A decision still waiting for its batch. */
  pending(decisionId: string): Kept | undefined {
    return this.byId.get(decisionId);
  }

  pendingByKey(institutionId: string, idempotencyKey: string): (Kept & { decided_at: Date }) | undefined {
    return this.byKey.get(`${institutionId}|${idempotencyKey}`) as (Kept & { decided_at: Date }) | undefined;
  }

  get waiting(): number {
    return this.queue.length + this.holds.length;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Write what is waiting; resolves when everything queued before the call is committed (or failed and re-queued). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatches());
    return this.flushing;
  }

  private async writeBatches(): Promise<void> {
    while (this.queue.length > 0 || this.holds.length > 0) {
      const holds = this.holds.splice(0);
      const batch = this.queue.splice(0, this.batchSize);
      let failedHolds: unknown;
      try {
        try {
          await this.write(batch, holds, true);
        } catch (error) {
          if (databaseErrorState(error) !== UNIQUE_VIOLATION) throw error;
          // Apart, so that a hold that cannot be written fails alone.
          await this.write(batch, [], false);
          if (holds.length > 0) await this.write([], holds, false).catch((holdError: unknown) => (failedHolds = holdError ?? new Error('hold not written')));
        }
      } catch (error) {
        // Keep the batch, in order, for the next flush: the database may be back by then. A hold's
        // caller is waiting: it hears of the failure now.
        this.queue.unshift(...batch);
        for (const hold of holds) hold.reject(error);
        this.lastError = error as Error;
        return;
      }
      this.lastError = undefined;
      this.recorded += batch.length + (failedHolds === undefined ? holds.length : 0);
      this.batches++;
      for (const row of batch) {
        this.byId.delete(row.decision_id);
        if (row.idempotency_key) this.byKey.delete(`${row.institution_id}|${row.idempotency_key}`);
      }
      for (const hold of holds) {
        if (failedHolds === undefined) hold.resolve();
        else hold.reject(failedHolds);
      }
    }
  }

  /** One transaction: the decisions (by COPY, or by inserts that skip existing rows), the reminders, the audit entries. */
  private async write(batch: Kept[], holds: Hold[], copy: boolean): Promise<void> {
    const decisions = holds.length === 0 ? batch : [...holds.map((hold) => hold.decision), ...batch];
    const entries = [
      ...holds.map((hold) => hold.audit),
      ...batch.flatMap((row) =>
        row.payer_pseudonym
          ? [{ actor: { role: 'institution' as const, id: row.institution_id }, entry: { action: 'screening.decision', subject: personSubject(row.payer_pseudonym), resource: `screening_decision:${row.decision_id}`, reason: '支付交易风险筛查 / real-time payment screening', detail: { decision: row.decision, score: row.score } } }]
          : [],
      ),
    ];
    if (entries.length === 0 && holds.length === 0 && decisions.length < this.copyFromRows) {
      // One statement is a transaction of its own: no BEGIN and COMMIT to pay for.
      await store.insertDecisionsAsJson(this.database.db, decisions);
      return;
    }
    await withBulkTransaction(this.database, async (tx) => {
      for (let i = 0; i < decisions.length; i += this.sliceRows) {
        // Between slices, requests waiting on the embedded engine's thread are served.
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        const slice = decisions.slice(i, i + this.sliceRows);
        if (!copy) await store.insertDecisions(tx.db, slice);
        else if (slice.length < this.copyFromRows) await store.insertDecisionsAsJson(tx.db, slice);
        else await store.copyDecisions(tx, slice);
      }
      if (holds.length > 0) await store.insertReminders(tx.db, holds.map((hold) => hold.reminder));
      // The batch's entries in one statement, in the transaction of its decisions.
      await this.audit.recordMany(tx.db, entries);
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    await this.flush();
  }
}
