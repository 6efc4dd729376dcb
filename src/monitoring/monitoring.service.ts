import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import type { Capability } from '../platform/capability.js';
import type { EventPayloads } from '../platform/events.js';
import { fail, FhError } from '../platform/errors.js';
import { counter, histogram } from '../platform/metrics.js';
import { scopePrefix } from '../standard/regions.js';
import { chinaMonth } from '../standard/china-time.js';
import type { RecordType } from '../standard/standard.js';
import type { RegistryService } from '../registry/registry.service.js';
import type { FilingService } from '../filing/filing.service.js';
import type { ExecutableRule, ProposedChange, RulebookService } from '../rulebook/rulebook.service.js';
import { renderExplanation, type Fact } from '../rulebook/explain.js';
import type { ResolvedRule } from '../rulebook/rule.js';
import { alertOf, ENGINE_COLUMNS, evaluateRow, ruleDateOf, type InstitutionFacts, type Outcome } from './engine.js';
import { dueDateOf, nextPeriod, obligationStatus, periodsBetween, type CalendarEntry } from './obligations.js';
import { addBalances } from './balances.js';
import { borrowerLedger, borrowerPageEnd, EVERY_DAY, loansInForce, recordPage, partiesChangedByFiling, type ChangedParty, type Columns, type FeatureRow, type LoanFeatureSet, type RecordScope } from './features.store.js';
import * as store from './monitoring.store.js';
import type { AlertRecordRef, AlertStatus, RuleText } from './monitoring.schema.js';

/** Records read per page, and parties per re-check chunk. */
const PAGE = 5000;
/** Features that read other loans of the borrower: a change to those loans re-checks these rules. */
const BALANCE_FEATURES = new Set(['loan_outstanding_fen', 'borrower_outstanding_on_platform_fen', 'borrower_outstanding_all_platforms_fen', 'borrower_platforms']);
// Balance features read as of today rather than as of the loan's signing: any change moves them on every loan.
const BALANCE_TODAY_FEATURES = new Set(['borrower_platforms']);
/** Features that add up a payer's other payments: a payment filed for another period re-checks these rules. */
const PAYMENT_TOTAL_FEATURES = new Set(['payer_balance_paid_this_year_fen', 'payer_balance_paid_since_opening_fen']);

/** Which of a borrower's balances to work out for rules that read `features` (null: any feature). */
function loanFeaturesRead(features: ReadonlySet<string> | null): LoanFeatureSet {
  const reads = (wanted: (f: string) => boolean) => features === null || [...features].some(wanted);
  return { balances: reads((f) => BALANCE_FEATURES.has(f) && !BALANCE_TODAY_FEATURES.has(f)), platforms: reads((f) => BALANCE_TODAY_FEATURES.has(f)) };
}

export interface AlertSummary {
  id: string;
  ruleId: string;
  ruleVersion: string;
  title: { zh: string; en: string };
  severity: 'low' | 'medium' | 'high';
  status: AlertStatus;
  institution: { id: string; nameZh: string; nameEn: string };
  jurisdictionCode: string;
  recordType: string;
  recordId: string;
  period: string;
  createdAt: string;
  updatedAt: string;
}

export interface AlertDetail extends AlertSummary {
  explanation: { zh: string; en: string };
  basis: RuleText['basis'];
  facts: Fact[];
  records: AlertRecordRef[];
  /** `by`: 'system', or the supervisor's user id ('supervisor' to an institution); `byName`: their display name. */
  history: { from: AlertStatus | null; to: AlertStatus; at: string; by: string; byName: string | null; reason: string | null }[];
}

export interface AlertQuery {
  ruleId?: string;
  institutionId?: string;
  severity?: string;
  status?: string;
  period?: string;
  page: number;
  pageSize: number;
}

export interface AlertPage {
  items: AlertSummary[];
  total: number;
  page: number;
  pageSize: number;
  counts: { byRule: { ruleId: string; title: { zh: string; en: string }; count: number }[]; bySeverity: Record<string, number>; byStatus: Record<string, number> };
}

export interface RunSummary {
  records: number;
  rules: number;
  raised: number;
  superseded: number;
  faults: number;
}

export interface DryRunResult {
  added: number;
  removed: number;
  unchanged: number;
  byInstitution: { institutionId: string; nameZh: string; nameEn: string; added: number; removed: number }[];
  examples: { change: 'added' | 'removed'; institutionId: string; recordType: string; recordId: string; period: string; facts: Fact[] }[];
}

export interface DryRunJob {
  jobId: string;
  status: 'running' | 'done' | 'failed';
  progress: { checked: number; total: number };
  result?: DryRunResult;
  error?: { code: string; message: { zh: string; en: string } };
  /** Who may read it: the supervisor who started it. */
  owner: string;
  startedAt: string;
}

/** The transitions a supervisor may make. Superseded is the system's, when a resubmission drops the record. */
const TRANSITIONS: Record<AlertStatus, readonly AlertStatus[]> = {
  new: ['triaged', 'escalated', 'dismissed'],
  triaged: ['escalated', 'dismissed'],
  escalated: [],
  dismissed: [],
  superseded: [],
};

type Sink = (outcomes: Outcome[], rows: number) => Promise<void> | void;

/**
 * Supervisory monitoring: every accepted filing checked against the rules in force for the
 * institution's jurisdiction on the records' dates; each hit an alert that explains itself, with a
 * lifecycle; rule changes dry-run over what is already filed.
 */
export class MonitoringService {
  private readonly jobs = new Map<string, DryRunJob>();
  private readonly metrics;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly rulebook: RulebookService,
    private readonly filing: FilingService,
    /** `pageSize`: records a page reads and parties a re-check chunk takes (default 5,000). */
    private readonly options: { pageSize?: number } = {},
  ) {
    this.metrics = {
      raised: counter(platform.metrics, { name: 'fenghuo_alerts_raised_total', help: 'Alerts raised (or raised again) by monitoring, by rule pack', labelNames: ['pack'] as const }),
      superseded: counter(platform.metrics, { name: 'fenghuo_alerts_superseded_total', help: 'Open alerts superseded because the data no longer holds them' }),
      faults: counter(platform.metrics, { name: 'fenghuo_rule_faults_total', help: 'Records a rule could not be evaluated on (findings about the rule)' }),
      runSeconds: histogram(platform.metrics, { name: 'fenghuo_monitoring_filing_seconds', help: 'Time to check one accepted filing against the rulebook', buckets: [0.05, 0.2, 1, 5, 20, 60, 300] }),
    };
  }

  private get pageSize(): number {
    return this.options.pageSize ?? PAGE;
  }

  private get db(): Kysely<Database> {
    return this.platform.database.db;
  }

  /** The capability: take every `filing.accepted` (filings accepted before it first ran included); it starts after the rulebook's. */
  capability(): Capability {
    let stop: (() => Promise<void>) | undefined;
    return {
      name: 'monitoring',
      start: async () => {
        const subscription = await this.platform.events.subscribe(
          'filing.accepted',
          'monitoring',
          async (event) => {
            await this.checkFiling(event);
            await this.checkObligations([event.institutionId]);
          },
          { backfill: () => this.filing.acceptedFilingEvents() },
        );
        // Deadlines pass without any event: the calendar is checked at start and every hour.
        let sweeping: Promise<void> | undefined;
        let stopped = false;
        const sweep = () => {
          if (sweeping || stopped) return;
          sweeping = this.checkObligations()
            .then(
              () => undefined,
              (error: unknown) => {
                if (!stopped) console.error('[fenghuo] reporting obligations:', (error as Error).message);
              },
            )
            .finally(() => (sweeping = undefined));
        };
        sweep();
        const timer = setInterval(sweep, 3600_000);
        timer.unref();
        stop = async () => {
          stopped = true;
          clearInterval(timer);
          await sweeping;
          await subscription.stop();
        };
      },
      stop: async () => stop?.(),
    };
  }

  private async institutionFacts(ids: readonly string[]): Promise<Map<string, InstitutionFacts>> {
    const [institutions, licences] = await Promise.all([this.registry.institutionsByIds(ids), this.registry.approvedLicenceTypes(ids)]);
    const out = new Map<string, InstitutionFacts>();
    for (const [id, institution] of institutions) {
      const held = licences.get(id) ?? new Set();
      out.set(id, { institutionId: id, uscc: institution.uscc, jurisdictionCode: institution.jurisdictionCode, lendingLicensed: held.has('online_lending') || held.has('consumer_finance') });
    }
    return out;
  }

  /**
   * Evaluate rules on every record in `scope`, a page at a time. `rulesFor` gives the rules for an
   * institution's jurisdiction on a record's date (memoised here per pair).
   */
  private async evaluate(recordType: RecordType, scope: RecordScope, rulesFor: (jurisdiction: string, date: string) => Promise<ExecutableRule[]>, sink: Sink, options: { everyColumn?: boolean } = {}): Promise<void> {
    const lpr = await this.rulebook.lprLookup();
    // Only the columns some conduct rule on this record type or the engine reads (a dry run's new rule may read any).
    const reads = options.everyColumn ? undefined : await this.rulebook.reads('conduct', recordType);
    const fields = reads ? reads.fields : null;
    const wanted: Columns = fields === null ? null : [...fields, ...ENGINE_COLUMNS[recordType]];
    // Balances across a borrower's loans are summed only when some rule reads them.
    const loanFeatures = loanFeaturesRead(reads ? reads.features : null);
    const institutions = new Map<string, InstitutionFacts>();
    const memo = new Map<string, ExecutableRule[]>();
    const pageAfter = (after: string) => recordPage(this.db, recordType, scope, after, this.pageSize, wanted, loanFeatures);
    let next: Promise<FeatureRow[]> | undefined = pageAfter('');
    while (next) {
      const rows: FeatureRow[] = await next;
      next = undefined;
      if (rows.length === 0) break;
      // The next page is read while this one is evaluated: on a server, the database works as JavaScript does.
      if (rows.length === this.pageSize) {
        const last = rows[rows.length - 1]!;
        next = pageAfter('filingId' in scope ? last.record_id : `${last.institution_id}|${last.record_id}`);
        // Read on if this page's evaluation fails; its error is the one reported.
        next.catch(() => {});
      }
      await sink(await this.evaluateRows(recordType, rows, institutions, memo, rulesFor, lpr), rows.length);
    }
  }

  /** Evaluate the rules in force for each row's institution and date (both looked up once, in `institutions` and `memo`). */
  private async evaluateRows(
    recordType: RecordType,
    rows: readonly FeatureRow[],
    institutions: Map<string, InstitutionFacts>,
    memo: Map<string, ExecutableRule[]>,
    rulesFor: (jurisdiction: string, date: string) => Promise<ExecutableRule[]>,
    lpr: (date: string) => number | undefined,
  ): Promise<Outcome[]> {
    const missing = [...new Set(rows.map((r) => r.institution_id))].filter((id) => !institutions.has(id));
    if (missing.length > 0) for (const [id, facts] of await this.institutionFacts(missing)) institutions.set(id, facts);
    const outcomes: Outcome[] = [];
    for (const row of rows) {
      const institution = institutions.get(row.institution_id);
      if (!institution) continue;
      const date = ruleDateOf(recordType, row);
      const key = `${institution.jurisdictionCode}|${date}`;
      let rules = memo.get(key);
      if (!rules) {
        rules = await rulesFor(institution.jurisdictionCode, date);
        memo.set(key, rules);
      }
      evaluateRow(rules, recordType, row, institution, lpr, outcomes);
    }
    return outcomes;
  }

  private inForce(recordType: RecordType, filter?: (rule: ResolvedRule) => boolean) {
    return async (jurisdiction: string, date: string) =>
      (await this.rulebook.rulesInForce(jurisdiction, date, { pack: 'conduct', recordType })).filter((r) => !filter || filter(r)).map((r) => this.rulebook.executable(r));
  }

  /**
   * Check one accepted filing: raise the alerts its records deserve, supersede the open alerts of
   * its period that it no longer holds, and re-check the balance rules of other institutions' loans
   * to the same borrowers. Re-running gives the same alerts.
   */
  async checkFiling(event: EventPayloads['filing.accepted']): Promise<RunSummary> {
    const endTimer = this.metrics.runSeconds.startTimer();
    try {
      return await this.checkFilingTimed(event);
    } finally {
      endTimer();
    }
  }

  private async checkFilingTimed(event: EventPayloads['filing.accepted']): Promise<RunSummary> {
    const recordType = event.recordType;
    const rules = new Set<string>();
    const rulesFor = this.inForce(recordType);
    const own = async () => {
      const outcomes: Outcome[] = [];
      let records = 0;
      await this.evaluate(recordType, { filingId: event.filingId }, async (j, d) => {
        const found = await rulesFor(j, d);
        for (const r of found) rules.add(r.rule.id);
        return found;
      }, (page, rows) => {
        outcomes.push(...page);
        records += rows;
      });
      return { records, ...(await this.commit(outcomes, { institutionId: event.institutionId, recordType, period: event.period }, `filing ${event.filingId} v${event.version}`)) };
    };
    const filed = { filingId: event.filingId, institutionId: event.institutionId, period: event.period, replaced: event.version > 1 };
    const rechecks = async () => {
      if (recordType === 'loan' || recordType === 'repayment') {
        const parties = await partiesChangedByFiling(this.db, recordType, filed);
        // Every other loan of these borrowers, the filer's of other periods too: a loan filed late can take a later one over a limit.
        await this.recheckBalances(parties, recordType === 'loan' ? { institutionId: event.institutionId, period: event.period } : undefined, `filing ${event.filingId}`);
      }
      if (recordType === 'payment') {
        // Payments filed for an earlier period (late, or resubmitted) change the totals of the payer's later ones.
        const parties = await partiesChangedByFiling(this.db, 'payment', filed);
        await this.recheckPaymentTotals(parties, { institutionId: event.institutionId, period: event.period }, `filing ${event.filingId}`);
      }
    };
    // The filing's own records and the re-checks of other records touch different alerts: a server
    // runs them side by side, the embedded engine one after the other.
    let summary: Awaited<ReturnType<typeof own>> | undefined;
    await this.inLanes([async () => void (summary = await own()), rechecks], (task) => task());
    const { records, ...counts } = summary!;
    // Recorded last, so that a run on record means every alert it leads to, the re-checks' too, is in place.
    await store.recordRun(this.db, { filing_id: event.filingId, institution_id: event.institutionId, record_type: recordType, period: event.period, rules: rules.size, records, alerts_raised: counts.raised, alerts_superseded: counts.superseded, faults: counts.faults });
    return { records, rules: rules.size, ...counts };
  }

  /**
   * Re-check the balance rules on the loans in force of some borrowers, at every institution and
   * in every period, but for those of `exclude` (the institution's period just checked). A new loan,
   * a loan filed late or dropped, or a repayment can move which loan took a borrower over a limit;
   * the alert follows it. A borrower given as a changed party has only the loans signed on or after
   * its day re-checked (a balance is read as of a loan's signing, so earlier loans cannot have
   * moved), unless some rule reads a balance as of today; a party with no such day is skipped then.
   */
  async recheckBalances(parties: readonly (string | ChangedParty)[], exclude: { institutionId: string; period: string } | undefined, cause: string): Promise<void> {
    const readsToday = [...(await this.rulebook.reads('conduct', 'loan')).features].some((f) => BALANCE_TODAY_FEATURES.has(f));
    const keys: string[] = [];
    const from: string[] = [];
    for (const party of parties) {
      if (typeof party === 'string' || readsToday) {
        keys.push(typeof party === 'string' ? party : party.partyKey);
        from.push(EVERY_DAY);
      } else if (party.changedFrom !== null) {
        keys.push(party.partyKey);
        from.push(party.changedFrom);
      }
    }
    const restricted = from.some((day) => day !== EVERY_DAY);
    const chunks: number[] = [];
    const size = this.pageSize;
    for (let i = 0; i < keys.length; i += size) chunks.push(i);
    // Chunks hold different borrowers, so their alerts differ: a server takes two at a time.
    await this.inLanes(chunks, async (i) => {
      const scope = { partyKeys: keys.slice(i, i + size), ...(restricted ? { signedFrom: from.slice(i, i + size) } : {}), ...(exclude ? { exclude } : {}) };
      const outcomes: Outcome[] = [];
      const ruleIds = new Set<string>();
      await this.evaluate('loan', scope, this.balanceRules(ruleIds), (page) => void outcomes.push(...page));
      await this.commit(outcomes, { ...scope, ruleIds: [...ruleIds] }, `balances changed by ${cause}`);
    });
  }

  /**
   * Re-check the balance rules on every loan in force, in one pass over the borrowers in key order:
   * a page of whole borrowers' loans and repayments is read once, their balances worked out in
   * memory (`balances.ts`), the rules evaluated and the page's alerts committed, the next page
   * read meanwhile. What `recheckBalances` over every borrower does, without looking each page's
   * borrowers up again. `onProgress` hears the loans checked so far, and how many are in force.
   */
  async sweepBalances(cause: string, onProgress?: (loans: number, total: number) => void): Promise<{ loans: number; pages: number; raised: number; superseded: number }> {
    const total = onProgress ? await loansInForce(this.db) : 0;
    const ruleIds = new Set<string>();
    const rulesFor = this.balanceRules(ruleIds);
    const lpr = await this.rulebook.lprLookup();
    // Only what the balance rules read: a sweep's time is mostly the rows it reads.
    const reads = await this.rulebook.reads('conduct', 'loan', (compiled) => compiled.features.some((f) => BALANCE_FEATURES.has(f)));
    const wanted: Columns = reads.fields === null ? null : [...reads.fields, ...ENGINE_COLUMNS.loan];
    const computed = loanFeaturesRead(reads.features);
    const institutions = new Map<string, InstitutionFacts>();
    const memo = new Map<string, ExecutableRule[]>();
    // Pages several times a filing page's size: a sweep's cost is in its round trips.
    const limit = this.pageSize * 4;
    const read = async (after: string) => {
      const through = await borrowerPageEnd(this.db, after, limit);
      return { through, ...(await borrowerLedger(this.db, after, through, wanted)) };
    };
    const done = { loans: 0, pages: 0, raised: 0, superseded: 0 };
    let after = '';
    let next: ReturnType<typeof read> | undefined = read(after);
    while (next) {
      const page: Awaited<ReturnType<typeof read>> = await next;
      next = page.through === null ? undefined : read(page.through);
      next?.catch(() => {});
      if (page.loans.length > 0) {
        addBalances(page.loans, page.repaid, computed);
        const outcomes = await this.evaluateRows('loan', page.loans, institutions, memo, rulesFor, lpr);
        const committed = await this.commit(outcomes, { partyRange: { after, through: page.through }, ruleIds: [...ruleIds] }, `balances swept by ${cause}`);
        done.raised += committed.raised;
        done.superseded += committed.superseded;
      }
      done.loans += page.loans.length;
      done.pages++;
      onProgress?.(done.loans, Math.max(total, done.loans));
      if (page.through !== null) after = page.through;
    }
    return done;
  }

  /** The balance rules in force for a jurisdiction and day; the ids of those found are added to `ruleIds`. */
  private balanceRules(ruleIds: Set<string>): (jurisdiction: string, date: string) => Promise<ExecutableRule[]> {
    const inForce = this.inForce('loan', (r) => this.rulebook.executable(r).compiled.features.some((f) => BALANCE_FEATURES.has(f)));
    return async (jurisdiction, date) => {
      const found = await inForce(jurisdiction, date);
      for (const r of found) ruleIds.add(r.rule.id);
      return found;
    };
  }

  /**
   * Run `task` on every item, two at a time on PostgreSQL (the pool has connections to spare and
   * the database then works while JavaScript evaluates), one at a time and in order on the embedded
   * engine, which has one. Every task started is finished before the first error is thrown.
   */
  private async inLanes<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
    const lanes = this.platform.database.engine === 'postgres' ? 2 : 1;
    let next = 0;
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: Math.min(lanes, items.length) }, async () => {
        while (next < items.length && errors.length === 0) {
          const item = items[next++]!;
          await task(item).catch((error: unknown) => void errors.push(error));
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  /**
   * Re-check the payment-total rules on some payers' payments at the institution in other periods
   * than `exclude.period`, made at or after the earliest instant the filing's payments of each payer
   * speak of: a total adds up the payments before it, so earlier payments cannot have moved.
   */
  private async recheckPaymentTotals(parties: readonly ChangedParty[], exclude: { institutionId: string; period: string }, cause: string): Promise<void> {
    const totalRule = (r: ResolvedRule) => this.rulebook.executable(r).compiled.features.some((f) => PAYMENT_TOTAL_FEATURES.has(f));
    const rulesFor = this.inForce('payment', totalRule);
    const partyKeys = parties.map((p) => p.partyKey);
    const from = parties.map((p) => p.changedFrom ?? `${EVERY_DAY}T00:00:00Z`);
    const size = this.pageSize;
    const chunks: number[] = [];
    for (let i = 0; i < partyKeys.length; i += size) chunks.push(i);
    // Chunks hold different payers, so their alerts differ.
    await this.inLanes(chunks, async (i) => {
      const scope = { partyKeys: partyKeys.slice(i, i + size), paidFrom: from.slice(i, i + size), within: exclude.institutionId, exclude };
      const outcomes: Outcome[] = [];
      const ruleIds = new Set<string>();
      await this.evaluate('payment', scope, async (j, d) => {
        const found = await rulesFor(j, d);
        for (const r of found) ruleIds.add(r.rule.id);
        return found;
      }, (page) => void outcomes.push(...page));
      await this.commit(outcomes, { ...scope, ruleIds: [...ruleIds] }, `payment totals changed by ${cause}`);
    });
  }

  private async commit(outcomes: Outcome[], scope: store.SupersedeScope, cause: string): Promise<{ raised: number; superseded: number; faults: number }> {
    const alerts = outcomes.flatMap((o) => (o.kind === 'hit' ? [o.alert] : []));
    const faults = outcomes.flatMap((o) => (o.kind === 'fault' ? [o.fault] : []));
    return this.db.transaction().execute(async (trx) => {
      const inserted = await store.insertAlerts(trx, alerts);
      const keys = alerts.map((a) => a.dedupe_key);
      const reopened = await store.reopenSuperseded(trx, keys, `raised again by ${cause}`);
      const superseded = await store.supersedeMissing(trx, scope, keys, `no longer raised by ${cause}`);
      await store.insertFaults(trx, faults);
      return { raised: inserted.length + reopened.length, superseded: superseded.length, faults: faults.length };
    }).then((result) => {
      this.metrics.raised.inc({ pack: 'institutionId' in scope && 'ruleIds' in scope ? 'reporting' : 'conduct' }, result.raised);
      this.metrics.superseded.inc(result.superseded);
      this.metrics.faults.inc(result.faults);
      return result;
    });
  }

  /**
   * An institution's filing calendar: for each month since each licence was approved, each record
   * type its licences make it owe (the reporting rules in force for its jurisdiction at the month's
   * end), filed on time, late, missing or not yet due as of `asOf` (default now).
   */
  async filingCalendar(caller: Caller, institutionId: string, asOf: Date = new Date()): Promise<CalendarEntry[]> {
    await this.registry.assertCanSee(caller, institutionId);
    return (await this.calendars([institutionId], asOf)).get(institutionId) ?? [];
  }

  private async calendars(institutionIds: readonly string[], asOf: Date): Promise<Map<string, CalendarEntry[]>> {
    const [institutions, licences, accepted] = await Promise.all([this.registry.institutionsByIds(institutionIds), this.registry.approvedLicences(institutionIds), this.filing.firstAcceptances(institutionIds)]);
    const acceptedAt = new Map(accepted.map((a) => [`${a.institutionId}|${a.recordType}|${a.period}`, a.acceptedAt]));
    const lastPeriod = chinaMonth(asOf);
    const out = new Map<string, CalendarEntry[]>();
    for (const id of institutionIds) {
      const institution = institutions.get(id);
      const held = licences.get(id) ?? [];
      if (!institution || held.length === 0) {
        out.set(id, []);
        continue;
      }
      const first = held.map((l) => chinaMonth(l.approvedAt)).sort()[0]!;
      const entries: CalendarEntry[] = [];
      for (const period of periodsBetween(first, lastPeriod)) {
        const monthEnd = `${nextPeriod(period)}-01`;
        const rules = await this.rulebook.rulesInForce(institution.jurisdictionCode, monthEnd, { pack: 'reporting' });
        const licencesThen = held.filter((l) => chinaMonth(l.approvedAt) <= period).map((l) => l.type);
        const owed = new Map<RecordType, { ruleId: string; dueOn: string }>();
        for (const rule of rules) {
          const executable = this.rulebook.executable(rule);
          if (!executable.compiled.fires({ record: { licences: licencesThen, kind: institution.kind }, features: {} }, executable.params)) continue;
          const dueDay = Number(executable.values.due_day);
          for (const recordType of rule.definition.recordTypes) {
            const dueOn = dueDateOf(period, dueDay);
            const seen = owed.get(recordType);
            // Two rules owing the same record type: the earlier deadline binds.
            if (!seen || dueOn < seen.dueOn) owed.set(recordType, { ruleId: rule.id, dueOn });
          }
        }
        for (const [recordType, { ruleId, dueOn }] of owed) {
          const at = acceptedAt.get(`${id}|${recordType}|${period}`);
          entries.push({ period, recordType, ruleId, status: obligationStatus(dueOn, at, asOf), dueOn, acceptedAt: at ? at.toISOString() : null });
        }
      }
      out.set(id, entries);
    }
    return out;
  }

  /**
   * Raise an alert for every late or missing filing of these institutions (all of them when
   * undefined) as of `asOf`, and supersede reporting alerts that no longer hold (a missing filing
   * that arrived late becomes a late one).
   */
  async checkObligations(institutionIds?: readonly string[], asOf: Date = new Date()): Promise<{ raised: number; superseded: number }> {
    const ids = institutionIds ?? (await this.registry.institutionIdsWithin('000000'));
    let raised = 0;
    let superseded = 0;
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const [calendars, institutions] = await Promise.all([this.calendars(chunk, asOf), this.registry.institutionsByIds(chunk)]);
      for (const [id, entries] of calendars) {
        const institution = institutions.get(id)!;
        const alerts: Outcome[] = [];
        const ruleIds = new Set<string>();
        for (const entry of entries) {
          ruleIds.add(entry.ruleId);
          if (entry.status !== 'late' && entry.status !== 'missing') continue;
          const rule = (await this.rulebook.rulesInForce(institution.jurisdictionCode, `${nextPeriod(entry.period)}-01`, { pack: 'reporting' })).find((r) => r.id === entry.ruleId)!;
          const recordId = `${entry.recordType}:${entry.period}:${entry.status}`;
          const facts: Fact[] = [
            { name: 'record_type', kind: 'field', type: 'string', label: { zh: '报送类型', en: 'Record type' }, value: entry.recordType },
            { name: 'period', kind: 'field', type: 'string', label: { zh: '报告期', en: 'Period' }, value: entry.period },
            { name: 'due_on', kind: 'field', type: 'date', label: { zh: '截止日期', en: 'Due on' }, value: entry.dueOn },
            { name: 'accepted_at', kind: 'field', type: 'datetime', label: { zh: '首次受理时间', en: 'First accepted at' }, value: entry.acceptedAt },
            ...rule.parameters.map((p): Fact => ({ name: p.name, kind: 'parameter', type: p.type, label: p.label, value: p.value })),
          ];
          const subject = { institutionId: id, jurisdictionCode: institution.jurisdictionCode, recordType: entry.recordType, recordId, partyKey: null, period: entry.period };
          alerts.push({ kind: 'hit', alert: alertOf(rule, 'reporting', { ...subject, filingId: '00000000-0000-0000-0000-000000000000', records: [], facts }) });
        }
        const result = await this.commit(alerts, { institutionId: id, ruleIds: [...ruleIds] }, `the filing calendar as of ${asOf.toISOString()}`);
        raised += result.raised;
        superseded += result.superseded;
      }
    }
    return { raised, superseded };
  }

  /** What the latest monitoring run over a filing found, or undefined before it has run. */
  async runOf(filingId: string): Promise<{ records: number; rules: number; raised: number; superseded: number; faults: number; finishedAt: string } | undefined> {
    const row = await store.runOf(this.db, filingId);
    return row && { records: row.records, rules: row.rules, raised: row.alerts_raised, superseded: row.alerts_superseded, faults: row.faults, finishedAt: row.finished_at.toISOString() };
  }

  /**
   * The records a rule could not be evaluated on (it threw: a division by zero, a value it did not
   * expect), newest first: findings about the rule for the supervisors who write rules. An
   * institution's identity is shown only within the caller's jurisdiction.
   */
  async ruleFaults(caller: Caller, ruleId: string): Promise<{ ruleVersion: string; institutionId: string; recordType: string; recordId: string; problem: string; at: string }[]> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    const within = new Set(await this.registry.institutionIdsWithin(caller.principal.jurisdictionCode));
    return (await store.faultsOf(this.db, ruleId, 200))
      .filter((row) => within.has(row.institution_id))
      .map((row) => ({ ruleVersion: row.rule_version, institutionId: row.institution_id, recordType: row.record_type, recordId: row.record_id, problem: row.problem, at: row.at.toISOString() }));
  }

  private scopeOf(caller: Caller): store.AlertFilter {
    const { principal } = caller;
    if (principal.role === 'supervisor') return { jurisdictionPrefix: scopePrefix(principal.jurisdictionCode) };
    if (principal.role === 'institution') return { institutionId: principal.institutionId };
    fail('FH_FORBIDDEN');
  }

  private async summaries(rows: store.AlertRow[]): Promise<AlertSummary[]> {
    const institutions = await this.registry.institutionsByIds([...new Set(rows.map((r) => r.institution_id))]);
    return rows.map((row) => {
      const institution = institutions.get(row.institution_id);
      return {
        id: row.alert_id,
        ruleId: row.rule_id,
        ruleVersion: row.rule_version,
        title: row.rule_text.title,
        severity: row.severity,
        status: row.status,
        institution: { id: row.institution_id, nameZh: institution?.nameZh ?? '', nameEn: institution?.nameEn ?? '' },
        jurisdictionCode: row.jurisdiction_code,
        recordType: row.record_type,
        recordId: row.record_id,
        period: row.period,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      };
    });
  }

  /**
   * Alerts the caller may see, filtered and paged, with counts by rule, severity and status: a
   * supervisor's jurisdiction and everything under it, an institution's own.
   */
  async listAlerts(caller: Caller, query: AlertQuery): Promise<AlertPage> {
    const scope = this.scopeOf(caller);
    if (query.institutionId && caller.principal.role === 'supervisor') await this.registry.assertCanSee(caller, query.institutionId);
    const filter: store.AlertFilter = {
      ...scope,
      ...(query.institutionId && caller.principal.role === 'supervisor' ? { institutionId: query.institutionId } : {}),
      ...(query.ruleId ? { ruleId: query.ruleId } : {}),
      ...(query.severity ? { severity: query.severity } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.period ? { period: query.period } : {}),
    };
    const [{ rows, total }, counts] = await Promise.all([store.listAlerts(this.db, filter, query.pageSize, (query.page - 1) * query.pageSize), store.alertCounts(this.db, filter)]);
    const titles = await store.ruleTitles(this.db, counts.byRule.map((r) => r.rule_id));
    return {
      items: await this.summaries(rows),
      total,
      page: query.page,
      pageSize: query.pageSize,
      counts: {
        byRule: counts.byRule.map((r) => ({ ruleId: r.rule_id, title: titles.get(r.rule_id)?.title ?? { zh: r.rule_id, en: r.rule_id }, count: Number(r.n) })),
        bySeverity: Object.fromEntries(['low', 'medium', 'high'].map((s) => [s, Number(counts.bySeverity.find((c) => c.severity === s)?.n ?? 0)])),
        byStatus: Object.fromEntries(['new', 'triaged', 'escalated', 'dismissed', 'superseded'].map((s) => [s, Number(counts.byStatus.find((c) => c.status === s)?.n ?? 0)])),
      },
    };
  }

  private async visibleAlert(caller: Caller, alertId: string): Promise<store.AlertRow> {
    const row = await store.alertById(this.db, alertId);
    const scope = this.scopeOf(caller);
    const visible = row && (scope.institutionId ? row.institution_id === scope.institutionId : row.jurisdiction_code.startsWith(scope.jurisdictionPrefix ?? ''));
    // An alert outside the caller's scope is reported as absent: its existence is not the caller's to know.
    if (!row || !visible) fail('FH_NOT_FOUND', { field: 'params.alertId' });
    return row;
  }

  /** One alert with its explanation in both languages, legal basis, facts, records and history. */
  async getAlert(caller: Caller, alertId: string): Promise<AlertDetail> {
    const row = await this.visibleAlert(caller, alertId);
    const [summary] = await this.summaries([row]);
    const history = await store.transitionsOf(this.db, alertId);
    const names = await this.platform.auth.displayNames(history.flatMap((h) => (h.actor_role === 'supervisor' && h.actor_id ? [h.actor_id] : [])));
    const recordType = row.record_type as RecordType;
    return {
      ...summary!,
      explanation: { zh: renderExplanation(row.rule_text.explanation.zh, recordType, row.facts, 'zh'), en: renderExplanation(row.rule_text.explanation.en, recordType, row.facts, 'en') },
      basis: row.rule_text.basis,
      facts: row.facts,
      records: row.records,
      // An institution reads that a supervisor moved its alert, not which one.
      history: history.map((h) => {
        const by = h.actor_role === 'system' ? 'system' : caller.principal.role === 'institution' ? 'supervisor' : (h.actor_id ?? h.actor_role);
        return { from: h.from_status, to: h.to_status, at: h.at.toISOString(), by, byName: caller.principal.role === 'institution' ? null : (names.get(h.actor_id ?? '') ?? null), reason: h.reason };
      }),
    };
  }

  /** Move an alert along its lifecycle (supervisors of its jurisdiction); a dismissal needs a reason. Audited. */
  async transition(caller: Caller, alertId: string, to: AlertStatus, reason: string | undefined): Promise<AlertDetail> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    const row = await this.visibleAlert(caller, alertId);
    const text = reason?.trim() ?? '';
    if (to === 'dismissed' && text.length === 0) fail('FH_VALIDATION', { field: 'body.reason', details: { required: true } });
    if (!TRANSITIONS[row.status].includes(to)) fail('FH_ALERT_TRANSITION', { field: 'body.to', details: { from: row.status, to } });
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.moveAlert(trx, alertId, row.status, to, { role: caller.actor.role, id: caller.actor.id }, text || null))) {
        fail('FH_ALERT_TRANSITION', { field: 'body.to', details: { from: row.status, to, reason: 'moved meanwhile' } });
      }
      await this.platform.audit.record(trx, caller.actor, { action: `alert.${to}`, subject: `institution:${row.institution_id}`, resource: `alert:${alertId}`, ...(text ? { reason: text } : {}), detail: { from: row.status, to, ruleId: row.rule_id } });
    });
    return this.getAlert(caller, alertId);
  }

  /**
   * Start a dry run of a proposed rule change over the filings already accepted in the change's
   * jurisdiction: how many alerts it would add and remove, per institution, with examples. Runs
   * in the background a page at a time, so a large run never blocks the server; read it with
   * `dryRun(jobId)`.
   */
  async startDryRun(caller: Caller, change: ProposedChange): Promise<DryRunJob> {
    const proposal = await this.rulebook.proposal(caller, change);
    const job: DryRunJob = { jobId: randomUUID(), status: 'running', progress: { checked: 0, total: 0 }, owner: caller.actor.id ?? '', startedAt: new Date().toISOString() };
    this.jobs.set(job.jobId, job);
    for (const [id, old] of this.jobs) if (this.jobs.size > 50 && old.status !== 'running') this.jobs.delete(id);
    void this.runDryRun(job, change.jurisdiction, proposal).catch((error: unknown) => {
      job.status = 'failed';
      const code = error instanceof FhError ? error.code : 'FH_INTERNAL';
      job.error = { code, message: error instanceof FhError ? error.toBody().error.message : { zh: '试运行失败', en: 'The dry run failed' } };
    });
    return job;
  }

  private async runDryRun(job: DryRunJob, jurisdiction: string, proposal: Awaited<ReturnType<RulebookService['proposal']>>): Promise<void> {
    const recordType = proposal.recordType;
    const within = new Set(await this.registry.institutionIdsWithin(jurisdiction));
    const filings = (await this.filing.acceptedFilingEvents()).filter((f) => f.recordType === recordType && within.has(f.institutionId));
    job.progress.total = filings.reduce((n, f) => n + f.records, 0);
    const result: DryRunResult = { added: 0, removed: 0, unchanged: 0, byInstitution: [], examples: [] };
    const perInstitution = new Map<string, { added: number; removed: number }>();
    // Both versions of the rule on each page, read once: a hit is "before" or "after" by its rule version.
    const currentVersions = new Set<string>();
    const proposedVersions = new Set<string>();
    const bothVersions = async (j: string) => {
      const now = (await this.rulebook.rulesInForce(j, proposal.effectiveFrom)).find((r) => r.id === proposal.ruleId);
      const next = await proposal.resolvedAt(j);
      if (now) currentVersions.add(now.version);
      if (next) proposedVersions.add(next.version);
      const rules = [now, next].filter((r): r is ResolvedRule => r !== undefined);
      // The same version twice (a change that leaves this jurisdiction's rule as it is) is evaluated once.
      return (rules.length === 2 && rules[0]!.version === rules[1]!.version ? rules.slice(0, 1) : rules).map((r) => this.rulebook.executable(r));
    };
    for (const filing of filings) {
      const before = new Map<string, Fact[]>();
      const after = new Map<string, Fact[]>();
      await this.evaluate(recordType, { filingId: filing.filingId }, bothVersions, (outcomes, rows) => {
        for (const o of outcomes) {
          if (o.kind !== 'hit' || o.alert.rule_id !== proposal.ruleId) continue;
          const facts = JSON.parse(o.alert.facts) as Fact[];
          if (currentVersions.has(o.alert.rule_version)) before.set(o.alert.record_id, facts);
          if (proposedVersions.has(o.alert.rule_version)) after.set(o.alert.record_id, facts);
        }
        job.progress.checked += rows;
      }, { everyColumn: true });
      const counts = perInstitution.get(filing.institutionId) ?? { added: 0, removed: 0 };
      for (const [recordId, facts] of after) {
        if (before.has(recordId)) {
          result.unchanged++;
          continue;
        }
        result.added++;
        counts.added++;
        if (result.examples.filter((e) => e.change === 'added').length < 5) result.examples.push({ change: 'added', institutionId: filing.institutionId, recordType, recordId, period: filing.period, facts });
      }
      for (const [recordId, facts] of before) {
        if (after.has(recordId)) continue;
        result.removed++;
        counts.removed++;
        if (result.examples.filter((e) => e.change === 'removed').length < 5) result.examples.push({ change: 'removed', institutionId: filing.institutionId, recordType, recordId, period: filing.period, facts });
      }
      perInstitution.set(filing.institutionId, counts);
    }
    const names = await this.registry.institutionsByIds([...perInstitution.keys()]);
    result.byInstitution = [...perInstitution.entries()]
      .filter(([, c]) => c.added + c.removed > 0)
      .map(([id, c]) => ({ institutionId: id, nameZh: names.get(id)?.nameZh ?? '', nameEn: names.get(id)?.nameEn ?? '', ...c }))
      .sort((a, b) => b.added + b.removed - (a.added + a.removed));
    job.result = result;
    job.status = 'done';
  }

  /** A dry run's state, for the supervisor who started it. */
  dryRun(caller: Caller, jobId: string): DryRunJob {
    const job = this.jobs.get(jobId);
    if (!job || job.owner !== (caller.actor.id ?? '')) fail('FH_NOT_FOUND', { field: 'params.jobId' });
    return job;
  }
}
