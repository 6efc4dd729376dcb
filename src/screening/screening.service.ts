import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import type { Capability } from '../platform/capability.js';
import { fail, FhError } from '../platform/errors.js';
import { counter, histogram } from '../platform/metrics.js';
import { chinaDate, chinaDay, chinaHour } from '../standard/china-time.js';
import { isWithin, scopePrefix } from '../standard/regions.js';
import type { RegistryService } from '../registry/registry.service.js';
import type { RulebookService } from '../rulebook/rulebook.service.js';
import { renderExplanation, type Language } from '../rulebook/explain.js';
import { tierChain } from '../rulebook/tiers.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import type { SupervisionService } from '../supervision/supervision.service.js';
import { paymentHashText, type PaymentToScreen } from './payment.js';
import { ScreeningRuleSet, type Decision, type Reason, type Thresholds, type Verdict } from './engine.js';
import { InProcessFeatureState, RedisFeatureState, type FeatureState, type Observation } from './features.js';
import { DecisionRecorder } from './recorder.js';
import { DEFAULT_STREAM_NAMES, ScreeningWorker, type ScreeningStreamNames } from './screening.nats.js';
import { ReminderDesk, type ReminderChannel, type ReminderView } from './reminders.js';
import * as store from './screening.store.js';
import type { DecisionStatus, FinalDecision, Outcome, ReminderStatus, ReminderSummary } from './screening.schema.js';

/** The national defaults: an institution that set nothing asks for confirmation from 30 points, review from 60, blocks from 90. */
export const DEFAULT_THRESHOLDS: Thresholds = { confirm: 30, review: 60, block: 90 };
/** With no bound set anywhere, any threshold up to 100 is allowed. */
const OPEN_BOUNDS = { confirmMax: 100, reviewMax: 100, blockMax: 100 };
const RULES_TTL_MS = 5_000;
const SETTINGS_TTL_MS = 5_000;
const IDEMPOTENCY_MS = 86_400_000;
const IDEMPOTENCY_KEPT = 1_000_000;
const MULTI_LENDING_REFRESH_MS = 10 * 60_000;

export interface ScreeningSettings {
  currencies: string[];
  thresholds: Thresholds;
  expiryDefault: 'allow' | 'block';
  reminderSeconds: number;
  webhookUrl: string | null;
  webhookSecretSet: boolean;
}

export interface Bounds {
  confirmMax: number;
  reviewMax: number;
  blockMax: number;
  /** For each bound, the jurisdiction whose value holds (null: no bound set). */
  setBy: { confirmMax: string | null; reviewMax: string | null; blockMax: string | null };
}

export interface ReasonView {
  ruleId: string;
  ruleVersion: string;
  weight: number;
  severity: 'low' | 'medium' | 'high';
  title: { zh: string; en: string };
  explanation: { zh: string; en: string };
  facts: Reason['facts'];
}

export interface DecisionView {
  decisionId: string;
  paymentId: string;
  institutionId: string;
  format: PaymentToScreen['format'];
  initiatedAt: string;
  decidedAt: string;
  currency: string;
  amountMinor: number;
  minorUnits: number;
  score: number;
  decision: Decision;
  status: DecisionStatus;
  /** What the institution acts on: null while the consumer has not answered. */
  finalDecision: FinalDecision | null;
  reasons: ReasonView[];
  reminder: { reminderId: string; status: string; deadline: string; channels: string[]; answeredAt: string | null; answeredVia: string | null } | null;
  outcome: { outcome: Outcome; at: string; note: string | null } | null;
}

export interface ScreenInput {
  contentType: string;
  body: unknown;
  idempotencyKey?: string | undefined;
  requestId?: string | undefined;
}

interface CachedRules {
  at: number;
  rules: Promise<ScreeningRuleSet>;
}

interface InstitutionContext {
  at: number;
  jurisdictionCode: string;
  nameZh: string;
  nameEn: string;
  settings: ScreeningSettings;
}

interface RuleTexts {
  title: { zh: string; en: string };
  explanation: { zh: string; en: string };
}

/** The final decision of an engine decision that holds nothing for the consumer. */
function finalOf(decision: Decision): FinalDecision | null {
  return decision === 'confirm' ? null : decision;
}

function maskAccount(account: string): string {
  return account.length <= 4 ? '****' : `****${account.slice(-4)}`;
}

/**
 * Real-time payment screening: a payment in (Fenghuo JSON, pacs.008 XML, Tazama JSON), features
 * counted, the screening rules of the institution's jurisdiction run, a decision out with its
 * reasons. A `confirm` holds the payment for the consumer's answer (see ReminderDesk).
 */
export class ScreeningService {
  private readonly db: Kysely<Database>;
  private state: FeatureState = new InProcessFeatureState();
  private readonly ruleSets = new Map<string, CachedRules>();
  private readonly ruleTexts = new Map<string, RuleTexts>();
  private readonly institutions = new Map<string, InstitutionContext>();
  private readonly idempotency = new Map<string, { hash: string; at: number; decision: Promise<DecisionView> }>();
  readonly recorder: DecisionRecorder;
  readonly reminders: ReminderDesk;
  private readonly metrics;
  private worker: ScreeningWorker | undefined;
  private multiLendingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly rulebook: RulebookService,
    private readonly identity: IdentityService,
    private readonly supervision: Pick<SupervisionService, 'multiLendingPseudonyms'>,
    private readonly options: { channels?: ReminderChannel[]; flushMs?: number; sweepMs?: number; streamNames?: ScreeningStreamNames; worker?: boolean } = {},
  ) {
    this.db = platform.database.db;
    this.recorder = new DecisionRecorder(platform.database, platform.audit, options.flushMs !== undefined ? { flushMs: options.flushMs } : {});
    this.reminders = new ReminderDesk(platform, {
      channels: options.channels ?? [],
      settle: (decisionId: string) => this.settleConfirmed(decisionId),
      record: (decision, reminder, audit) => this.recorder.hold(decision, reminder, audit),
      ...(options.sweepMs !== undefined ? { sweepMs: options.sweepMs } : {}),
    });
    this.metrics = {
      decisions: counter(platform.metrics, { name: 'fenghuo_screening_decisions_total', help: 'Screening decisions, by decision', labelNames: ['decision'] as const }),
      seconds: histogram(platform.metrics, { name: 'fenghuo_screening_seconds', help: 'Time to screen one payment, from its body to its decision', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5] }),
    };
  }

  /** Start the feature state (Redis when configured), load the watch list, and run the reminder desk. */
  capability(): Capability {
    return {
      name: 'screening',
      start: async () => {
        if (this.platform.config.redisUrl) this.state = await RedisFeatureState.open(this.platform.config.redisUrl);
        for (const entry of await store.watchEntries(this.db)) {
          await this.state.setWatched(entry.payee_ref, { confirmedFraud: entry.source === 'confirmed_fraud', complaint: entry.source === 'complaint' });
        }
        this.recorder.start();
        this.reminders.start();
        await this.refreshMultiLending();
        this.multiLendingTimer = setInterval(() => void this.refreshMultiLending(), MULTI_LENDING_REFRESH_MS);
        this.multiLendingTimer.unref();
        // With NATS, this process is also one worker of the queue group that screens payments published to the stream.
        if (this.platform.config.natsUrl && this.options.worker !== false) {
          this.worker = new ScreeningWorker(this, this.platform.config.natsUrl, this.options.streamNames ?? DEFAULT_STREAM_NAMES, {}, (error, where) => console.error(`[fenghuo] ${where}:`, (error as Error).message));
          this.worker.start();
        }
      },
      stop: async () => {
        clearInterval(this.multiLendingTimer);
        await this.worker?.stop();
        await this.reminders.stop();
        await this.recorder.stop();
        await this.state.close();
      },
    };
  }

  /** Reload who borrows on many platforms from the filed loans (at start and every ten minutes). */
  async refreshMultiLending(): Promise<void> {
    try {
      await this.state.setMultiPlatformBorrowers(await this.supervision.multiLendingPseudonyms());
    } catch (error) {
      // The set in hand stays; the next refresh tries again.
      console.error('[fenghuo] screening: multi-lending borrowers not refreshed:', (error as Error).message);
    }
  }

  /** Use another feature state (tests give Redis a key prefix of their own). */
  async useFeatureState(state: FeatureState): Promise<void> {
    await this.state.close();
    this.state = state;
    await this.refreshMultiLending();
    for (const entry of await store.watchEntries(this.db)) {
      await state.setWatched(entry.payee_ref, { confirmedFraud: entry.source === 'confirmed_fraud', complaint: entry.source === 'complaint' });
    }
  }

  /** Whether screening can decide now (the feature state answers). */
  async ping(): Promise<void> {
    await this.state.ping();
  }

  // ------------------------------------------------------------------------------------------
  // Screening

  /**
   * Screen a payment for the calling institution. With an idempotency key, a retry (same payment)
   * gets the first decision back without counting again; another payment under the same key is
   * refused with FH_SCREEN_IDEMPOTENCY_MISMATCH. Refuses an unknown or not enabled currency and
   * every malformed form before anything is counted.
   */
  async screen(caller: Caller, input: ScreenInput, readPayment: (contentType: string, body: unknown) => PaymentToScreen): Promise<DecisionView> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const institutionId = caller.principal.institutionId;
    const started = performance.now();
    const payment = readPayment(input.contentType, input.body);
    const context = await this.institution(institutionId);
    if (!context.settings.currencies.includes(payment.currency)) {
      fail('FH_SCREEN_CURRENCY_NOT_ENABLED', { field: 'currency', details: { currency: payment.currency, enabled: context.settings.currencies } });
    }
    const hash = createHash('sha256').update(paymentHashText(payment)).digest('hex');
    if (input.idempotencyKey === undefined) return this.decideNew(institutionId, context, payment, hash, undefined, started);

    const key = `${institutionId}|${input.idempotencyKey}`;
    const now = Date.now();
    const known = this.idempotency.get(key) ?? (await this.fromDatabase(institutionId, input.idempotencyKey, now));
    if (known && now - known.at < IDEMPOTENCY_MS) {
      if (known.hash !== hash) fail('FH_SCREEN_IDEMPOTENCY_MISMATCH', { field: 'headers.idempotency-key' });
      return known.decision;
    }
    const decision = this.decideNew(institutionId, context, payment, hash, input.idempotencyKey, started);
    this.idempotency.set(key, { hash, at: now, decision });
    // A refused or failed screening leaves the key free for the retry.
    decision.catch(() => this.idempotency.delete(key));
    if (this.idempotency.size > IDEMPOTENCY_KEPT) this.idempotency.delete(this.idempotency.keys().next().value!);
    return decision;
  }

  private async fromDatabase(institutionId: string, idempotencyKey: string, now: number): Promise<{ hash: string; at: number; decision: Promise<DecisionView> } | undefined> {
    const pending = this.recorder.pendingByKey(institutionId, idempotencyKey);
    const row = pending ?? (await store.decisionByKey(this.db, institutionId, idempotencyKey));
    if (!row) return undefined;
    const decidedAt = new Date(row.decided_at as unknown as string).getTime();
    if (now - decidedAt >= IDEMPOTENCY_MS) return undefined;
    return { hash: row.request_hash, at: decidedAt, decision: this.viewOf(row.decision_id) };
  }

  private async decideNew(institutionId: string, context: InstitutionContext, payment: PaymentToScreen, hash: string, idempotencyKey: string | undefined, started: number): Promise<DecisionView> {
    const decidedAt = new Date();
    const initiated = new Date(payment.initiatedAt);
    const ref = (kind: 'account' | 'device', value: string) => this.refOf(kind, value);
    const payerPseudonym = payment.payer.residentId !== undefined ? this.identity.pseudonym('resident_id', payment.payer.residentId) : undefined;
    // A payer's account and device are the institution's own identifiers; a payee account is
    // counted across institutions, which is what no single institution can see.
    const observation: Observation = {
      payerRef: ref('account', `${institutionId}:${payment.payer.account}`),
      payeeRef: ref('account', payment.payee.account),
      deviceRef: payment.device !== undefined ? ref('device', `${institutionId}:${payment.device}`) : undefined,
      payerPseudonym,
      currency: payment.currency,
      amountMinor: payment.amountMinor,
      balanceFen: payment.currency === 'CNY' && payment.fundingSource === 'balance' ? payment.amountMinor : 0,
      atMs: initiated.getTime(),
      chinaYear: chinaDate(initiated).year,
      chinaHour: chinaHour(initiated),
    };
    const rules = await this.rulesFor(context.jurisdictionCode);
    let features;
    try {
      features = await this.state.observe(observation);
    } catch (error) {
      throw new FhError('FH_SCREEN_COUNTERS_UNAVAILABLE', undefined, undefined, { cause: error });
    }
    const verdict = rules.screen(
      {
        currency: payment.currency,
        amount_minor: payment.amountMinor,
        ...(payment.currency === 'CNY' ? { amount_fen: payment.amountMinor } : {}),
        funding_source: payment.fundingSource,
        ...(payment.payer.verificationClass !== undefined ? { verification_class: payment.payer.verificationClass } : {}),
        ...(payment.purpose !== undefined ? { purpose: payment.purpose } : {}),
      },
      features,
      context.settings.thresholds,
    );
    const decisionId = randomUUID();
    const row: store.NewDecision = {
      decision_id: decisionId,
      institution_id: institutionId,
      jurisdiction_code: context.jurisdictionCode,
      payment_id: payment.paymentId,
      idempotency_key: idempotencyKey ?? null,
      request_hash: hash,
      format: payment.format,
      initiated_at: initiated,
      decided_at: decidedAt,
      currency: payment.currency,
      amount_minor: payment.amountMinor,
      minor_units: payment.minorUnits,
      funding_source: payment.fundingSource,
      payer_ref: observation.payerRef,
      payee_ref: observation.payeeRef,
      device_ref: observation.deviceRef ?? null,
      payer_pseudonym: payerPseudonym ?? null,
      score: verdict.score,
      decision: verdict.decision,
      status: verdict.decision === 'confirm' ? 'awaiting_consumer' : 'decided',
      final_decision: finalOf(verdict.decision),
      rule_ids: verdict.reasons.map((r) => r.ruleId),
      reasons: JSON.stringify(verdict.reasons),
      outcome: null,
      outcome_at: null,
      outcome_note: null,
      settled_at: verdict.decision === 'allow' ? decidedAt : null,
    };
    if (verdict.decision === 'confirm') {
      // A held payment is written before the reply: the consumer's reminder must not be lost.
      await this.reminders.hold(row, this.summaryOf(payment, verdict, context), { payerPhone: payment.payer.phone, deadlineSeconds: context.settings.reminderSeconds });
    } else {
      this.recorder.add(row);
      if (verdict.decision === 'allow') void Promise.resolve(this.state.settle(observation)).catch(() => {});
    }
    this.metrics.decisions.inc({ decision: verdict.decision });
    this.metrics.seconds.observe((performance.now() - started) / 1000);
    return this.view(row, verdict.reasons, null);
  }

  /** An account or device as screening keeps it: the first 128 bits of its pseudonym, enough to tell them apart and half the memory. */
  private refOf(kind: 'account' | 'device', value: string): string {
    return this.platform.keys.pseudonymizer.pseudonym(kind, value).slice(0, 32);
  }

  private summaryOf(payment: PaymentToScreen, verdict: Verdict, context: InstitutionContext): ReminderSummary {
    return {
      payeeName: payment.payee.name ?? null,
      payeeAccountMasked: maskAccount(payment.payee.account),
      currency: payment.currency,
      amountMinor: payment.amountMinor,
      minorUnits: payment.minorUnits,
      initiatedAt: payment.initiatedAt,
      institution: { zh: context.nameZh, en: context.nameEn },
      reasons: verdict.reasons.map((reason) => ({ ruleId: reason.ruleId, ...this.textsOf(reason) })),
    };
  }

  /** A payment confirmed by its consumer goes ahead: it joins the payer's history. */
  private async settleConfirmed(decisionId: string): Promise<void> {
    const row = await store.decisionById(this.db, decisionId);
    if (!row) return;
    const initiated = new Date(row.initiated_at);
    await this.state.settle({
      payerRef: row.payer_ref,
      payeeRef: row.payee_ref,
      deviceRef: row.device_ref ?? undefined,
      payerPseudonym: row.payer_pseudonym ?? undefined,
      currency: row.currency,
      amountMinor: Number(row.amount_minor),
      balanceFen: row.currency === 'CNY' && row.funding_source === 'balance' ? Number(row.amount_minor) : 0,
      atMs: initiated.getTime(),
      chinaYear: chinaDate(initiated).year,
      chinaHour: chinaHour(initiated),
    });
  }

  private async rulesFor(jurisdictionCode: string): Promise<ScreeningRuleSet> {
    const day = chinaDay();
    const key = `${jurisdictionCode}|${day}`;
    const cached = this.ruleSets.get(key);
    const now = Date.now();
    if (cached && now - cached.at < RULES_TTL_MS) return cached.rules;
    const load = (async () => {
      const resolved = await this.rulebook.rulesInForce(jurisdictionCode, day, { pack: 'screening' });
      const executables = resolved.map((rule) => this.rulebook.executable(rule));
      for (const e of executables) this.ruleTexts.set(`${e.rule.id}|${e.rule.version}`, { title: e.rule.definition.title, explanation: e.rule.definition.explanation });
      return new ScreeningRuleSet(executables);
    })();
    if (cached) {
      // Serve the rules in hand while the fresh ones load; a failed load keeps them.
      load.then(
        () => this.ruleSets.set(key, { at: Date.now(), rules: load }),
        () => {},
      );
      cached.at = now;
      return cached.rules;
    }
    this.ruleSets.set(key, { at: now, rules: load });
    load.catch(() => this.ruleSets.delete(key));
    return load;
  }

  private textsOf(reason: Reason): { title: { zh: string; en: string }; explanation: { zh: string; en: string } } {
    const texts = this.ruleTexts.get(`${reason.ruleId}|${reason.ruleVersion}`);
    if (!texts) return { title: { zh: reason.ruleId, en: reason.ruleId }, explanation: { zh: '', en: '' } };
    const render = (language: Language) => renderExplanation(texts.explanation[language], 'payment', reason.facts, language);
    return { title: texts.title, explanation: { zh: render('zh'), en: render('en') } };
  }

  private async institution(institutionId: string): Promise<InstitutionContext> {
    const cached = this.institutions.get(institutionId);
    if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached;
    const institution = await this.registry.getInstitution(institutionId);
    const settings = await this.settingsOf(institutionId);
    // A bound tightened after the institution chose its thresholds holds at once.
    const bounds = await this.boundsFor(institution.jurisdictionCode);
    settings.thresholds = {
      confirm: Math.min(settings.thresholds.confirm, bounds.confirmMax),
      review: Math.min(settings.thresholds.review, bounds.reviewMax),
      block: Math.min(settings.thresholds.block, bounds.blockMax),
    };
    const context = { at: Date.now(), jurisdictionCode: institution.jurisdictionCode, nameZh: institution.nameZh, nameEn: institution.nameEn, settings };
    this.institutions.set(institutionId, context);
    return context;
  }

  // ------------------------------------------------------------------------------------------
  // Reading decisions

  private view(row: store.NewDecision | store.DecisionRow, reasons: readonly Reason[], reminder: store.ReminderRow | null | undefined): DecisionView {
    const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());
    return {
      decisionId: row.decision_id,
      paymentId: row.payment_id,
      institutionId: row.institution_id,
      format: row.format,
      initiatedAt: iso(row.initiated_at),
      decidedAt: iso(row.decided_at),
      currency: row.currency,
      amountMinor: Number(row.amount_minor),
      minorUnits: row.minor_units,
      score: row.score,
      decision: row.decision,
      status: row.status,
      finalDecision: row.final_decision ?? null,
      reasons: reasons.map((reason) => ({ ruleId: reason.ruleId, ruleVersion: reason.ruleVersion, weight: reason.weight, severity: reason.severity, ...this.textsOf(reason), facts: reason.facts })),
      reminder: reminder
        ? {
            reminderId: reminder.reminder_id,
            status: reminder.status,
            deadline: reminder.deadline.toISOString(),
            channels: reminder.channels,
            answeredAt: reminder.answered_at?.toISOString() ?? null,
            answeredVia: reminder.answered_via,
          }
        : null,
      outcome: row.outcome ? { outcome: row.outcome, at: iso(row.outcome_at), note: row.outcome_note ?? null } : null,
    };
  }

  private async viewOf(decisionId: string): Promise<DecisionView> {
    const pending = this.recorder.pending(decisionId);
    if (pending) return this.view(pending, JSON.parse(pending.reasons) as Reason[], null);
    const row = await store.decisionById(this.db, decisionId);
    if (!row) fail('FH_NOT_FOUND', { field: 'params.decisionId' });
    await this.ensureRuleTexts(row);
    return this.view(row, row.reasons, await store.reminderOfDecision(this.db, decisionId));
  }

  /** Rule texts of versions no longer in force (an old decision read later). */
  private async ensureRuleTexts(row: { reasons: readonly Reason[] }): Promise<void> {
    for (const reason of row.reasons) {
      if (this.ruleTexts.has(`${reason.ruleId}|${reason.ruleVersion}`)) continue;
      const versions = await this.rulebook.versions(reason.ruleId).catch(() => []);
      const base = reason.ruleVersion.split('+')[0]!;
      const [version, jurisdiction] = base.split('@');
      const found = versions.find((v) => v.kind === 'rule' && String(v.version) === version && v.jurisdiction === jurisdiction);
      if (found && 'title' in found.definition) this.ruleTexts.set(`${reason.ruleId}|${reason.ruleVersion}`, { title: found.definition.title, explanation: found.definition.explanation });
    }
  }

  /** One decision, for the institution that asked for it or a supervisor of its jurisdiction. */
  async decision(caller: Caller, decisionId: string): Promise<DecisionView> {
    const view = await this.viewOf(decisionId).catch((error: unknown) => {
      // A malformed id is simply not found.
      if (error instanceof FhError) throw error;
      fail('FH_NOT_FOUND', { field: 'params.decisionId' });
    });
    await this.assertCanSeeInstitution(caller, view.institutionId);
    return view;
  }

  private async assertCanSeeInstitution(caller: Caller, institutionId: string): Promise<void> {
    const { principal } = caller;
    if (principal.role === 'institution') {
      if (principal.institutionId !== institutionId) fail('FH_NOT_FOUND', { field: 'params.decisionId' });
      return;
    }
    if (principal.role === 'supervisor') {
      await this.registry.assertCanSee(caller, institutionId);
      return;
    }
    fail('FH_FORBIDDEN');
  }

  /** The decision log: an institution's own, or a supervisor's jurisdiction (optionally one institution). */
  async decisions(caller: Caller, query: { institutionId?: string | undefined; decision?: string | undefined; status?: string | undefined; ruleId?: string | undefined; outcome?: string | undefined; from?: string | undefined; to?: string | undefined; paymentId?: string | undefined; page: number; pageSize: number }): Promise<{ items: DecisionView[]; total: number; page: number; pageSize: number }> {
    await this.recorder.flush();
    const filter: store.DecisionFilter = {
      ...(query.decision ? { decision: query.decision } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.ruleId ? { ruleId: query.ruleId } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.paymentId ? { paymentId: query.paymentId } : {}),
      ...(query.from ? { from: new Date(`${query.from}T00:00:00+08:00`) } : {}),
      ...(query.to ? { to: new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000) } : {}),
    };
    const { principal } = caller;
    if (principal.role === 'institution') filter.institutionId = principal.institutionId;
    else if (principal.role === 'supervisor') {
      filter.jurisdictionPrefix = scopePrefix(principal.jurisdictionCode);
      if (query.institutionId) {
        await this.registry.assertCanSee(caller, query.institutionId);
        filter.institutionId = query.institutionId;
      }
    } else fail('FH_FORBIDDEN');
    const { rows, total } = await store.listDecisions(this.db, filter, query.pageSize, (query.page - 1) * query.pageSize);
    const held = rows.filter((row) => row.decision === 'confirm').map((row) => row.decision_id);
    const reminders = new Map((await store.remindersOfDecisions(this.db, held)).map((reminder) => [reminder.decision_id, reminder]));
    for (const row of rows) await this.ensureRuleTexts(row);
    return { items: rows.map((row) => this.view(row, row.reasons, reminders.get(row.decision_id))), total, page: query.page, pageSize: query.pageSize };
  }

  // ------------------------------------------------------------------------------------------
  // The consumer's side

  /** The calling consumer's safe-transaction reminders, newest first. */
  async inbox(caller: Caller, query: { status?: ReminderStatus | undefined; page: number; pageSize: number }): Promise<{ items: ReminderView[]; page: number; pageSize: number }> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    return { items: await this.reminders.inbox(pseudonym, query.status, query.page, query.pageSize), page: query.page, pageSize: query.pageSize };
  }

  /** One of the calling consumer's reminders. */
  async reminder(caller: Caller, reminderId: string): Promise<ReminderView> {
    return this.reminders.reminder(await this.identity.pseudonymOf(caller), reminderId);
  }

  /** The calling consumer confirms or rejects a held payment (FH_SCREEN_REMINDER_CLOSED once answered or expired). */
  async answerReminder(caller: Caller, reminderId: string, answer: 'confirm' | 'reject', via: 'portal' | 'api'): Promise<ReminderView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    return this.reminders.answer(caller, pseudonym, reminderId, answer, via);
  }

  // ------------------------------------------------------------------------------------------
  // Outcomes

  /**
   * An institution reports what became of a payment it screened: confirmed fraud or a false
   * positive. Recorded once (a different second report is FH_SCREEN_OUTCOME_CONFLICT). A confirmed
   * fraud puts the payee account on the watch list at once, for every institution.
   */
  async reportOutcome(caller: Caller, decisionId: string, outcome: Outcome, note: string | undefined): Promise<DecisionView> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    await this.recorder.flush();
    const existing = await store.decisionById(this.db, decisionId).catch(() => undefined);
    if (!existing || existing.institution_id !== caller.principal.institutionId) fail('FH_NOT_FOUND', { field: 'params.decisionId' });
    if (existing.outcome !== null) {
      if (existing.outcome !== outcome) fail('FH_SCREEN_OUTCOME_CONFLICT', { field: 'outcome', details: { recorded: existing.outcome } });
      return this.viewOf(decisionId);
    }
    await this.db.transaction().execute(async (trx) => {
      const row = await store.setOutcome(trx, decisionId, outcome, note ?? null, new Date());
      if (row?.outcome !== outcome) fail('FH_SCREEN_OUTCOME_CONFLICT', { field: 'outcome', details: { recorded: row?.outcome ?? null } });
      if (outcome === 'confirmed_fraud') await store.addWatchEntry(trx, { payee_ref: existing.payee_ref, source: 'confirmed_fraud', institution_id: existing.institution_id, decision_id: decisionId });
      await this.platform.audit.record(trx, caller.actor, {
        action: `screening.outcome.${outcome}`,
        resource: `screening_decision:${decisionId}`,
        ...(existing.payer_pseudonym ? { subject: personSubject(existing.payer_pseudonym) } : {}),
        ...(note ? { reason: note } : {}),
      });
    });
    if (outcome === 'confirmed_fraud') await this.state.setWatched(existing.payee_ref, { confirmedFraud: true, complaint: (await store.watchSources(this.db, existing.payee_ref)).has('complaint') });
    return this.viewOf(decisionId);
  }

  /** Put a payee account named in a consumer's fraud complaint on the watch list (for the complaints capability). */
  async watchComplainedPayee(payeeAccount: string): Promise<void> {
    const payeeRef = this.refOf('account', payeeAccount);
    await store.addWatchEntry(this.db, { payee_ref: payeeRef, source: 'complaint', institution_id: null, decision_id: null });
    await this.state.setWatched(payeeRef, { confirmedFraud: (await store.watchSources(this.db, payeeRef)).has('confirmed_fraud'), complaint: true });
  }

  // ------------------------------------------------------------------------------------------
  // Settings and bounds

  /** An institution's screening settings (the national defaults when it set none). */
  async settingsOf(institutionId: string): Promise<ScreeningSettings> {
    const row = await store.settingsOf(this.db, institutionId);
    if (!row) return { currencies: ['CNY'], thresholds: { ...DEFAULT_THRESHOLDS }, expiryDefault: 'block', reminderSeconds: 600, webhookUrl: null, webhookSecretSet: false };
    return {
      currencies: row.currencies,
      thresholds: { confirm: row.confirm_threshold, review: row.review_threshold, block: row.block_threshold },
      expiryDefault: row.expiry_default,
      reminderSeconds: row.reminder_seconds,
      webhookUrl: row.webhook_url,
      webhookSecretSet: row.webhook_secret_sealed !== null,
    };
  }

  /** The bounds in force for a jurisdiction: the strictest along country → province → city. */
  async boundsFor(jurisdictionCode: string): Promise<Bounds> {
    const chain = tierChain(jurisdictionCode);
    const rows = await store.boundsOf(this.db, chain);
    const bounds: Bounds = { ...OPEN_BOUNDS, setBy: { confirmMax: null, reviewMax: null, blockMax: null } };
    for (const code of chain) {
      const row = rows.find((r) => r.jurisdiction_code === code);
      if (!row) continue;
      if (bounds.setBy.confirmMax === null || row.confirm_max < bounds.confirmMax) [bounds.confirmMax, bounds.setBy.confirmMax] = [Math.min(row.confirm_max, bounds.confirmMax), code];
      if (bounds.setBy.reviewMax === null || row.review_max < bounds.reviewMax) [bounds.reviewMax, bounds.setBy.reviewMax] = [Math.min(row.review_max, bounds.reviewMax), code];
      if (bounds.setBy.blockMax === null || row.block_max < bounds.blockMax) [bounds.blockMax, bounds.setBy.blockMax] = [Math.min(row.block_max, bounds.blockMax), code];
    }
    return bounds;
  }

  /** The calling institution's settings with the bounds its supervisor set. */
  async ownSettings(caller: Caller): Promise<ScreeningSettings & { bounds: Bounds }> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const institution = await this.registry.getInstitution(caller.principal.institutionId);
    return { ...(await this.settingsOf(institution.institutionId)), bounds: await this.boundsFor(institution.jurisdictionCode) };
  }

  /**
   * Change the calling institution's settings. Thresholds must be in order and within the bounds
   * (FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS); the webhook secret is sealed at rest. Audited.
   */
  async updateSettings(
    caller: Caller,
    input: { currencies?: string[] | undefined; thresholds?: Thresholds | undefined; expiryDefault?: 'allow' | 'block' | undefined; reminderSeconds?: number | undefined; webhookUrl?: string | null | undefined; webhookSecret?: string | undefined },
    knownCurrency: (code: string) => boolean,
  ): Promise<ScreeningSettings & { bounds: Bounds }> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const institutionId = caller.principal.institutionId;
    const institution = await this.registry.getInstitution(institutionId);
    const current = await this.settingsOf(institutionId);
    const bounds = await this.boundsFor(institution.jurisdictionCode);
    const thresholds = input.thresholds ?? current.thresholds;
    checkThresholds(thresholds, bounds);
    const currencies = input.currencies ?? current.currencies;
    currencies.forEach((code, i) => {
      if (!knownCurrency(code)) fail('FH_SCREEN_CURRENCY_UNKNOWN', { field: `body.currencies.${i}` });
    });
    if (input.webhookUrl) {
      const url = new URL(input.webhookUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('FH_VALIDATION', { field: 'body.webhookUrl' });
    }
    const existing = await store.settingsOf(this.db, institutionId);
    const sealed = input.webhookSecret !== undefined ? this.platform.keys.vault.seal(input.webhookSecret, `webhook:${institutionId}`) : undefined;
    await this.db.transaction().execute(async (trx) => {
      await store.putSettings(trx, {
        institution_id: institutionId,
        currencies: [...new Set(currencies)],
        confirm_threshold: thresholds.confirm,
        review_threshold: thresholds.review,
        block_threshold: thresholds.block,
        expiry_default: input.expiryDefault ?? current.expiryDefault,
        reminder_seconds: input.reminderSeconds ?? current.reminderSeconds,
        webhook_url: input.webhookUrl === undefined ? current.webhookUrl : input.webhookUrl,
        webhook_secret_sealed: sealed ? sealed.sealed : (existing?.webhook_secret_sealed ?? null),
        webhook_secret_key_id: sealed ? sealed.keyId : (existing?.webhook_secret_key_id ?? null),
        updated_by: caller.principal.role === 'institution' ? caller.principal.keyId : 'unknown',
      });
      await this.platform.audit.record(trx, caller.actor, { action: 'screening.settings.update', resource: `institution:${institutionId}`, detail: { thresholds, currencies, expiryDefault: input.expiryDefault ?? current.expiryDefault, webhookChanged: input.webhookUrl !== undefined || input.webhookSecret !== undefined } });
    });
    this.institutions.delete(institutionId);
    return this.ownSettings(caller);
  }

  /**
   * A supervisor sets the bounds of their jurisdiction (or one under it). A lower tier may only
   * tighten: a bound above the one in force above it is refused. Institutions whose thresholds
   * now exceed the bounds are named in the reply (they screen at the bound meanwhile).
   */
  async setBounds(caller: Caller, jurisdictionCode: string, input: { confirmMax: number; reviewMax: number; blockMax: number }): Promise<Bounds> {
    const { principal } = caller;
    if (principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    if (!isWithin(jurisdictionCode, principal.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'params.jurisdiction' });
    if (!(input.confirmMax <= input.reviewMax && input.reviewMax <= input.blockMax)) fail('FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS', { field: 'body.confirmMax', details: { problem: 'confirm ≤ review ≤ block' } });
    const chain = tierChain(jurisdictionCode);
    const above = chain.length > 1 ? await this.boundsFor(chain[chain.length - 2]!) : { ...OPEN_BOUNDS };
    for (const name of ['confirmMax', 'reviewMax', 'blockMax'] as const) {
      if (input[name] > above[name]) fail('FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS', { field: `body.${name}`, details: { bound: above[name], value: input[name] } });
    }
    await this.db.transaction().execute(async (trx) => {
      await store.putBounds(trx, { jurisdiction_code: jurisdictionCode, confirm_max: input.confirmMax, review_max: input.reviewMax, block_max: input.blockMax, set_by: principal.userId });
      await this.platform.audit.record(trx, caller.actor, { action: 'screening.bounds.set', resource: `jurisdiction:${jurisdictionCode}`, detail: input });
    });
    this.institutions.clear();
    return this.boundsFor(jurisdictionCode);
  }

  // ------------------------------------------------------------------------------------------
  // The supervisor's view

  /**
   * Volumes, decision mix and per-rule hit counts and precision (confirmed fraud ÷ reported
   * outcomes) per China-time day over `from`–`to`, for the supervisor's jurisdiction or one
   * institution in it.
   */
  async stats(caller: Caller, query: { from: string; to: string; institutionId?: string | undefined }): Promise<ScreeningStats> {
    const { principal } = caller;
    if (principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    if (query.institutionId) await this.registry.assertCanSee(caller, query.institutionId);
    await this.recorder.flush();
    const from = new Date(`${query.from}T00:00:00+08:00`);
    const to = new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000);
    if (!(from < to) || to.getTime() - from.getTime() > 366 * 86_400_000) fail('FH_VALIDATION', { field: 'query.to', details: { problem: 'from ≤ to, at most 366 days' } });
    const prefix = scopePrefix(principal.jurisdictionCode);
    const [volumes, rules] = await Promise.all([store.volumeStats(this.db, prefix, from, to, query.institutionId), store.ruleStats(this.db, prefix, from, to, query.institutionId)]);
    const days = new Map<string, ScreeningStats['days'][number]>();
    for (const v of volumes) {
      const day = days.get(v.day) ?? { day: v.day, total: 0, allow: 0, confirm: 0, review: 0, block: 0 };
      day[v.decision as Decision] += Number(v.n);
      day.total += Number(v.n);
      days.set(v.day, day);
    }
    const byRule = new Map<string, ScreeningStats['rules'][number]>();
    const institutionIds = new Set<string>();
    for (const r of rules) {
      institutionIds.add(r.institution_id);
      const entry = byRule.get(r.rule_id) ?? { ruleId: r.rule_id, title: this.titleOf(r.rule_id), hits: 0, decisions: { allow: 0, confirm: 0, review: 0, block: 0 }, confirmedFraud: 0, falsePositive: 0, precision: null, days: [], institutions: [] };
      const n = (x: string) => Number(x);
      entry.hits += n(r.hits);
      entry.decisions.allow += n(r.allow);
      entry.decisions.confirm += n(r.confirm);
      entry.decisions.review += n(r.review);
      entry.decisions.block += n(r.block);
      entry.confirmedFraud += n(r.confirmed_fraud);
      entry.falsePositive += n(r.false_positive);
      const day = entry.days.find((d) => d.day === r.day);
      if (day) {
        day.hits += n(r.hits);
        day.confirmedFraud += n(r.confirmed_fraud);
        day.falsePositive += n(r.false_positive);
      } else entry.days.push({ day: r.day, hits: n(r.hits), confirmedFraud: n(r.confirmed_fraud), falsePositive: n(r.false_positive), precision: null });
      const inst = entry.institutions.find((i) => i.institutionId === r.institution_id);
      if (inst) {
        inst.hits += n(r.hits);
        inst.confirmedFraud += n(r.confirmed_fraud);
        inst.falsePositive += n(r.false_positive);
      } else entry.institutions.push({ institutionId: r.institution_id, nameZh: '', nameEn: '', hits: n(r.hits), confirmedFraud: n(r.confirmed_fraud), falsePositive: n(r.false_positive), precision: null });
      byRule.set(r.rule_id, entry);
    }
    const names = await this.registry.institutionsByIds([...institutionIds]);
    const precision = (cf: number, fp: number) => (cf + fp === 0 ? null : Number((cf / (cf + fp)).toFixed(4)));
    for (const entry of byRule.values()) {
      entry.precision = precision(entry.confirmedFraud, entry.falsePositive);
      for (const d of entry.days) d.precision = precision(d.confirmedFraud, d.falsePositive);
      for (const i of entry.institutions) {
        i.precision = precision(i.confirmedFraud, i.falsePositive);
        const institution = names.get(i.institutionId);
        i.nameZh = institution?.nameZh ?? i.institutionId;
        i.nameEn = institution?.nameEn ?? i.institutionId;
      }
    }
    return { from: query.from, to: query.to, days: [...days.values()], rules: [...byRule.values()].sort((a, b) => b.hits - a.hits) };
  }

  private titleOf(ruleId: string): { zh: string; en: string } {
    for (const [key, texts] of this.ruleTexts) if (key.startsWith(`${ruleId}|`)) return texts.title;
    return { zh: ruleId, en: ruleId };
  }
}

export interface ScreeningStats {
  from: string;
  to: string;
  days: { day: string; total: number; allow: number; confirm: number; review: number; block: number }[];
  rules: {
    ruleId: string;
    title: { zh: string; en: string };
    hits: number;
    decisions: Record<Decision, number>;
    confirmedFraud: number;
    falsePositive: number;
    precision: number | null;
    days: { day: string; hits: number; confirmedFraud: number; falsePositive: number; precision: number | null }[];
    institutions: { institutionId: string; nameZh: string; nameEn: string; hits: number; confirmedFraud: number; falsePositive: number; precision: number | null }[];
  }[];
}

/** Thresholds in order (confirm ≤ review ≤ block) and each within its bound. */
export function checkThresholds(thresholds: Thresholds, bounds: Pick<Bounds, 'confirmMax' | 'reviewMax' | 'blockMax'>): void {
  if (!(thresholds.confirm <= thresholds.review && thresholds.review <= thresholds.block)) {
    fail('FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS', { field: 'body.thresholds', details: { problem: 'confirm ≤ review ≤ block' } });
  }
  const pairs = [
    ['confirm', 'confirmMax'],
    ['review', 'reviewMax'],
    ['block', 'blockMax'],
  ] as const;
  for (const [name, bound] of pairs) {
    if (thresholds[name] > bounds[bound]) fail('FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS', { field: `body.thresholds.${name}`, details: { bound: bounds[bound], value: thresholds[name] } });
  }
}
