/**
 * Safe-transaction reminders (seed 004 §3.3): a payment the engine scored for confirmation is held
 * until the consumer confirms or rejects it, or its deadline passes and the institution's default
 * applies. The reminder reaches the consumer through channels (the portal inbox always, when the
 * payer is known as a person; SMS through a gateway when a phone number came with the payment);
 * the institution learns the outcome by a signed webhook, retried with back-off, or by polling.
 * Every step is in the audit log, under the consumer where they are known.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Actor, AuditEntry } from '../platform/audit/audit.service.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { personSubject } from '../identity/identity.service.js';
import * as store from './screening.store.js';
import type { ReminderStatus, ReminderSummary } from './screening.schema.js';

/** What a channel needs to reach the consumer. The phone number is never stored: it is passed through. */
export interface ReminderMessage {
  reminderId: string;
  consumerPseudonym: string | null;
  phone: string | undefined;
  summary: ReminderSummary;
  deadline: Date;
}

/** A way to reach a consumer. `applies` says whether it can carry this reminder (a phone number for SMS). */
export interface ReminderChannel {
  readonly name: string;
  applies(message: ReminderMessage): boolean;
  /** Deliver; throws when the channel failed (the reminder stays in the inbox all the same). */
  deliver(message: ReminderMessage): Promise<void>;
}

/**
 * SMS through an HTTP gateway: POST `{ to, text }` as JSON. Real gateways (the operators' SMS
 * platforms) sit behind an adapter of this shape; the tests run a fake one on loopback.
 */
export class SmsGatewayChannel implements ReminderChannel {
  readonly name = 'sms';

  constructor(
    private readonly url: string,
    private readonly portalUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  applies(message: ReminderMessage): boolean {
    return message.phone !== undefined && message.phone.length > 0;
  }

  async deliver(message: ReminderMessage): Promise<void> {
    const { summary } = message;
    const amount = (summary.amountMinor / 10 ** summary.minorUnits).toFixed(summary.minorUnits);
    // The deadline in China time, as the person reads a clock.
    const deadline = new Date(message.deadline.getTime() + 8 * 3_600_000).toISOString();
    const text = `【烽火】您正在向${summary.payeeName ?? summary.payeeAccountMasked}付款 ${amount} ${summary.currency}，存在风险，已暂停。请在北京时间 ${deadline.slice(5, 10)} ${deadline.slice(11, 16)} 前登录 ${this.portalUrl} 确认或拒绝。如非本人操作，请拒绝。`;
    const reply = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: message.phone, text, reference: message.reminderId }), signal: AbortSignal.timeout(this.timeoutMs) });
    if (!reply.ok) throw new Error(`the SMS gateway answered ${reply.status}`);
  }
}

const SYSTEM: Actor = { role: 'system', id: 'screening' };
const MAX_WEBHOOK_ATTEMPTS = 12;
const NEVER = new Date('9999-12-31T00:00:00Z');

/** Seconds until the next webhook attempt: 1, 2, 4 … doubling, at most an hour, with up to 10% jitter. */
export function webhookBackoffSeconds(attempts: number): number {
  const base = Math.min(3600, 2 ** Math.max(0, attempts - 1));
  return base + Math.floor(Math.random() * base * 0.1);
}

/** The signature header of a webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. Receivers recompute it and refuse old timestamps. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface ReminderView {
  reminderId: string;
  decisionId: string;
  status: ReminderStatus;
  createdAt: string;
  deadline: string;
  answeredAt: string | null;
  answeredVia: string | null;
  channels: string[];
  summary: ReminderSummary;
}

function toView(row: store.ReminderRow): ReminderView {
  return {
    reminderId: row.reminder_id,
    decisionId: row.decision_id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    deadline: row.deadline.toISOString(),
    answeredAt: row.answered_at?.toISOString() ?? null,
    answeredVia: row.answered_via,
    channels: row.channels,
    summary: row.summary,
  };
}

export class ReminderDesk {
  private readonly db: Kysely<Database>;
  private timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly platform: Platform,
    private readonly options: {
      channels: ReminderChannel[];
      settle: (decisionId: string) => Promise<void>;
      /** Write a held payment's decision, its reminder and the reminder's audit entry together; resolves once committed. */
      record: (decision: store.NewDecision, reminder: store.NewReminder, audit: { actor: Actor; entry: AuditEntry }) => Promise<void>;
      sweepMs?: number;
    },
  ) {
    this.db = platform.database.db;
  }

  start(): void {
    const every = this.options.sweepMs ?? 1000;
    const tick = () => {
      this.sweeping = this.sweeping.then(() => this.expire()).then(() => this.deliverWebhooks()).catch(() => {});
    };
    const timer = setInterval(tick, every);
    timer.unref();
    this.timers.push(timer);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.sweeping;
  }

  /**
   * Hold a payment: write its decision and its reminder together, before the institution is
   * answered, then send it out on every channel that applies (not awaited: a slow SMS gateway
   * does not hold the answer up).
   */
  async hold(decision: store.NewDecision, summary: ReminderSummary, options: { payerPhone: string | undefined; deadlineSeconds: number }): Promise<string> {
    const reminderId = randomUUID();
    const created = new Date();
    const deadline = new Date(created.getTime() + options.deadlineSeconds * 1000);
    const message: ReminderMessage = { reminderId, consumerPseudonym: decision.payer_pseudonym ?? null, phone: options.payerPhone, summary, deadline };
    const channels = [...(message.consumerPseudonym ? ['inbox'] : []), ...this.options.channels.filter((c) => c.applies(message)).map((c) => c.name)];
    const subject = message.consumerPseudonym ? { subject: personSubject(message.consumerPseudonym) } : {};
    // With other holds in one transaction (the recorder's group commit); answered once committed.
    await this.options.record(
      decision,
      { reminder_id: reminderId, decision_id: decision.decision_id, institution_id: decision.institution_id, consumer_pseudonym: message.consumerPseudonym, channels, summary: JSON.stringify(summary), status: 'pending', created_at: created, deadline, answered_at: null, answered_via: null },
      { actor: { role: 'institution', id: decision.institution_id }, entry: { action: 'screening.reminder.created', ...subject, resource: `screening_reminder:${reminderId}`, reason: '交易存在风险，需本人确认 / the payment is held for the payer to confirm', detail: { decisionId: decision.decision_id, channels, deadline: deadline.toISOString() } } },
    );
    for (const channel of this.options.channels) {
      if (!channel.applies(message)) continue;
      void channel.deliver(message).then(
        () => this.platform.audit.append(SYSTEM, { action: 'screening.reminder.sent', ...subject, resource: `screening_reminder:${reminderId}`, detail: { channel: channel.name } }),
        (error: unknown) => this.platform.audit.append(SYSTEM, { action: 'screening.reminder.send_failed', ...subject, resource: `screening_reminder:${reminderId}`, detail: { channel: channel.name, error: String((error as Error).message ?? error).slice(0, 200) } }),
      ).catch(() => {});
    }
    return reminderId;
  }

  /** The calling consumer's reminders, newest first. */
  async inbox(pseudonym: string, status: ReminderStatus | undefined, page: number, pageSize: number): Promise<ReminderView[]> {
    return (await store.remindersOf(this.db, pseudonym, status, pageSize, (page - 1) * pageSize)).map(toView);
  }

  /** One of the consumer's reminders. */
  async reminder(pseudonym: string, reminderId: string): Promise<ReminderView> {
    const row = await store.reminderById(this.db, reminderId).catch(() => undefined);
    if (!row || row.consumer_pseudonym !== pseudonym) fail('FH_NOT_FOUND', { field: 'params.reminderId' });
    return toView(row);
  }

  /**
   * The consumer confirms (the payment goes ahead) or rejects (it is blocked). Refused with
   * FH_SCREEN_REMINDER_CLOSED once answered or expired. The institution is told by webhook.
   */
  async answer(caller: Caller, pseudonym: string, reminderId: string, answer: 'confirm' | 'reject', via: 'portal' | 'api'): Promise<ReminderView> {
    const row = await store.reminderById(this.db, reminderId).catch(() => undefined);
    if (!row || row.consumer_pseudonym !== pseudonym) fail('FH_NOT_FOUND', { field: 'params.reminderId' });
    const status = answer === 'confirm' ? 'confirmed' : 'rejected';
    await this.close(row, status, via, caller.actor);
    if (status === 'confirmed') await this.options.settle(row.decision_id).catch(() => {});
    return toView((await store.reminderById(this.db, reminderId))!);
  }

  private async close(row: store.ReminderRow, status: Exclude<ReminderStatus, 'pending'>, via: 'portal' | 'api' | 'expiry', actor: Actor, expiryDefault?: 'allow' | 'block'): Promise<void> {
    const at = new Date();
    const final = status === 'confirmed' ? 'allow' : status === 'rejected' ? 'block' : expiryDefault!;
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.answerReminder(trx, row.reminder_id, status, via, at))) {
        const now = await store.reminderById(trx, row.reminder_id);
        fail('FH_SCREEN_REMINDER_CLOSED', { field: 'params.reminderId', details: { status: now?.status ?? 'unknown' } });
      }
      await store.settleDecision(trx, row.decision_id, status, final, at);
      const settings = await store.settingsOf(trx, row.institution_id);
      if (settings?.webhook_url) {
        const body = { type: 'screening.reminder.answered', decisionId: row.decision_id, reminderId: row.reminder_id, status, finalDecision: final, answeredAt: at.toISOString(), answeredVia: via };
        await store.insertWebhook(trx, { delivery_id: randomUUID(), institution_id: row.institution_id, decision_id: row.decision_id, body: JSON.stringify(body), attempts: 0, next_attempt_at: at, delivered_at: null, last_error: null });
      }
      await this.platform.audit.record(trx, actor, {
        action: `screening.reminder.${status}`,
        ...(row.consumer_pseudonym ? { subject: personSubject(row.consumer_pseudonym) } : {}),
        resource: `screening_reminder:${row.reminder_id}`,
        detail: { decisionId: row.decision_id, finalDecision: final, via },
      });
    });
  }

  /** Expire the reminders whose deadline has passed: each takes its institution's default. Returns how many. */
  async expire(now = new Date()): Promise<number> {
    let expired = 0;
    for (const row of await store.dueReminders(this.db, now, 500)) {
      const settings = await store.settingsOf(this.db, row.institution_id);
      try {
        await this.close(row, 'expired', 'expiry', SYSTEM, settings?.expiry_default ?? 'block');
        expired++;
      } catch {
        // Answered at the last moment: the answer stands.
      }
    }
    return expired;
  }

  /**
   * Send the webhook calls that are due; a failure is retried with back-off, up to 12 attempts.
   * Returns how many were delivered.
   */
  async deliverWebhooks(now = new Date()): Promise<number> {
    let delivered = 0;
    // Claimed for a minute: longer than one call may take (5 s), so no other sender picks them up meanwhile.
    for (const row of await store.claimDueWebhooks(this.db, now, 100, 60_000)) {
      const settings = await store.settingsOf(this.db, row.institution_id);
      const attempts = row.attempts + 1;
      if (!settings?.webhook_url || !settings.webhook_secret_sealed || !settings.webhook_secret_key_id) {
        await store.webhookAttempted(this.db, row.delivery_id, { delivered: false, error: 'no webhook URL or secret configured', nextAttemptAt: NEVER, attempts });
        continue;
      }
      const secret = this.platform.keys.vault.open({ keyId: settings.webhook_secret_key_id, sealed: settings.webhook_secret_sealed }, `webhook:${row.institution_id}`);
      const body = JSON.stringify(row.body);
      const timestamp = Math.floor(Date.now() / 1000);
      let error: string | null = null;
      try {
        const reply = await fetch(settings.webhook_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'fenghuo-signature': webhookSignature(secret, timestamp, body), 'fenghuo-delivery': row.delivery_id },
          body,
          signal: AbortSignal.timeout(5000),
          redirect: 'manual',
        });
        if (reply.status < 200 || reply.status >= 300) error = `answered ${reply.status}`;
      } catch (failure) {
        error = String((failure as Error).message ?? failure).slice(0, 200);
      }
      const gaveUp = error !== null && attempts >= MAX_WEBHOOK_ATTEMPTS;
      await store.webhookAttempted(this.db, row.delivery_id, {
        delivered: error === null,
        error,
        attempts,
        nextAttemptAt: error === null || gaveUp ? NEVER : new Date(Date.now() + webhookBackoffSeconds(attempts) * 1000),
      });
      if (error === null) delivered++;
      if (error === null || gaveUp) {
        await this.platform.audit.append(SYSTEM, { action: error === null ? 'screening.webhook.delivered' : 'screening.webhook.abandoned', resource: `screening_decision:${row.decision_id}`, detail: { deliveryId: row.delivery_id, attempts, ...(error ? { error } : {}) } });
      }
    }
    return delivered;
  }
}
