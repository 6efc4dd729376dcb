import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import type { Capability } from '../platform/capability.js';
import type { EventPayloads } from '../platform/events.js';
import { fail } from '../platform/errors.js';
import { chinaDay } from '../standard/china-time.js';
import { checkResidentId } from '../standard/identifiers.js';
import { codeLists } from '../standard/standard.js';
import type { RegistryService } from '../registry/registry.service.js';
import type { FilingService } from '../filing/filing.service.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import type { ConsentService } from '../privacy/consent.service.js';
import { consentPurposes } from '../privacy/consent.service.js';
import * as store from './credit.store.js';
import { renderReportPdf } from './report-pdf.js';
import { addMonths, attributesAt, CREDIT_FEATURES, scorePerson, trainingRows, type PersonScore, type TradelineFacts } from './credit-model.js';
import { crossValidatedPds, evaluate, scoreApplicant, trainScorecard, type ScorecardVersion } from './scorecard.js';
import type { DisputeStatus, TradelineStatus } from './credit.schema.js';

/** Art.16: negative information is kept for five years from the day the bad event ended. */
export const NEGATIVE_YEARS = 5;

export interface TradelineView {
  institution: { institutionId: string; nameZh: string; nameEn: string };
  loanId: string;
  productType: { code: string; zh: string; en: string } | null;
  purpose: { code: string; zh: string; en: string };
  openedOn: string;
  principalFen: number;
  balanceFen: number;
  installments: number;
  status: TradelineStatus;
  daysPastDue: number;
  worstDaysPastDue: number;
  /** The 24 months up to `gridTo`, oldest first (see the legend). */
  grid: { month: string; code: string }[];
  /** The negative record as shown on the report date; null when there is none or it has expired (Art.16). */
  negative: { from: string; endedOn: string | null; shownUntil: string | null } | null;
  /** Objections to this tradeline, marked from the moment they are filed (Art.25). */
  disputes: { disputeId: string; status: DisputeStatus; filedAt: string; dueOn: string; statement: string | null }[];
}

export interface DisputeView {
  disputeId: string;
  institution: { institutionId: string; nameZh: string; nameEn: string };
  loanId: string;
  reason: string;
  filedAt: string;
  dueOn: string;
  status: DisputeStatus;
  statement: string | null;
  answeredAt: string | null;
  escalatedAt: string | null;
}

/** Art.25: an objection is checked and answered within 20 days of its filing. */
export const DISPUTE_DAYS = 20;

export interface CreditReport {
  reportDate: string;
  subject: { residentIdMasked: string; residentId?: string };
  tradelines: TradelineView[];
  totals: { outstandingFen: number; lenders: number; openTradelines: number; newLoans30Days: number; newLoans90Days: number; overdueTradelines: number };
  inquiries: { at: string; by: { zh: string; en: string }; purpose: { code: string; zh: string; en: string } }[];
  notices: { noticeId: string; institution: { zh: string; en: string }; loanId: string; negativeFrom: string; createdAt: string }[];
  freeReports: { perYear: number; basis: string };
  /** The score of the model in force, or null when none has been trained yet. */
  score: (Omit<PersonScore, 'reasons'> & { reasons: { feature: string; label: { zh: string; en: string }; value: string; pointsLost: number }[] }) | null;
}

/** A tradeline taken over as it stands, with no filing behind it; the borrower is given by their resident ID number. */
export interface HistoryTradeline {
  residentId: string;
  institutionId: string;
  loanId: string;
  productType: string | null;
  purpose: string;
  openedOn: string;
  principalFen: number;
  balanceFen: number;
  installments: number;
  status: TradelineStatus;
  daysPastDue: number;
  worstDaysPastDue: number;
  /** The last month of the grid, YYYY-MM. */
  gridTo: string;
  /** 24 codes, oldest first, as the tradeline table holds them. */
  grid: string;
  negativeFrom: string | null;
  negativeEndedOn: string | null;
}

/** Fewer bads or goods than this and a model is not trained: its figures would say nothing. */
export const MIN_OUTCOMES = 20;

export interface ModelSummary {
  version: number;
  trainedAt: string;
  snapshot: string;
  horizonMonths: number;
  rows: number;
  bads: number;
  metrics: Record<string, unknown>;
  /** The newest version is the one reports are scored with. */
  inForce: boolean;
  /** The points table: a person's score is the sum of the points of the bin each attribute falls in. */
  scorecard: PointsTable;
}

export interface PointsTable {
  scaling: { baseScore: number; baseOdds: number; pdo: number };
  /** The lowest and highest score the table can give. */
  scoreRange: { min: number; max: number };
  features: {
    name: string;
    label: { zh: string; en: string };
    unit: { zh: string; en: string } | null;
    /** Information value of the bins on the training data. */
    iv: number;
    /** Numeric bins are [lower, upper), an open end null; the fallback bin takes a missing value. */
    bins: { lower: number | null; upper: number | null; fallback: boolean; goods: number; bads: number; points: number }[];
  }[];
  /** Attributes offered but left out of the table, and why. */
  excluded: { name: string; label: { zh: string; en: string }; reason: ExclusionReason }[];
}

export type ExclusionReason = 'sensitive' | 'single_bin' | 'low_information' | 'wrong_sign';

/** Why the trainer left an attribute out, as a code (the trainer records it in words). */
function exclusionReason(reason: string): ExclusionReason {
  if (reason.startsWith('sensitive')) return 'sensitive';
  if (reason.startsWith('a single bin')) return 'single_bin';
  if (reason.startsWith('information value')) return 'low_information';
  return 'wrong_sign';
}

/** The points table of a scorecard, with the attributes' labels and units. */
export function pointsTable(model: ScorecardVersion): PointsTable {
  const specOf = (name: string) => CREDIT_FEATURES.find((f) => f.name === name);
  return {
    scaling: { baseScore: model.scaling.baseScore, baseOdds: model.scaling.baseOdds, pdo: model.scaling.pdo },
    scoreRange: {
      min: model.features.reduce((sum, f) => sum + Math.min(...f.bins.map((b) => b.points)), 0),
      max: model.features.reduce((sum, f) => sum + Math.max(...f.bins.map((b) => b.points)), 0),
    },
    features: model.features.map((f) => {
      const spec = specOf(f.name);
      return {
        name: f.name,
        label: f.label,
        unit: spec?.kind === 'numeric' && spec.unit ? spec.unit : null,
        iv: f.iv,
        bins: f.bins.map((b) => ({ lower: b.lower ?? null, upper: b.upper ?? null, fallback: b.fallback === true, goods: b.goods, bads: b.bads, points: b.points })),
      };
    }),
    excluded: model.excluded.map((e) => ({ name: e.name, label: specOf(e.name)?.label ?? { zh: e.name, en: e.name }, reason: exclusionReason(e.reason) })),
  };
}

function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // 29 February plus five years is 28 February (the same calendar day does not exist).
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

function toFacts(row: store.TradelineRow): TradelineFacts {
  return { partyKey: row.party_key, institutionId: row.institution_id, openedOn: row.opened_on, principalFen: Number(row.principal_fen), gridTo: row.grid_to, grid: row.grid };
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}


/** The last day a negative record that ended on `endedOn` is shown: five years on (Art.16: deleted once beyond five years). */
export function negativeShownUntil(endedOn: string): string {
  return addYears(endedOn, NEGATIVE_YEARS);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const codeName = (list: keyof typeof codeLists, code: string) => {
  const found = codeLists[list].codes.find((c) => c.code === code);
  return { code, zh: found?.zh ?? code, en: found?.en ?? code };
};

/**
 * Shared credit information: tradelines built from every institution's accepted loan and
 * repayment filings, one consolidated report per person, inquiries only with the person's
 * authorisation, each one logged and shown to them.
 */
export class CreditService {
  private readonly db: Kysely<Database>;
  private model: { at: number; row: { version: number; model: ScorecardVersion } | undefined } | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly filing: FilingService,
    private readonly identity: IdentityService,
    private readonly consent: ConsentService,
  ) {
    this.db = platform.database.db;
  }

  /** The capability: rebuild tradelines on every accepted loan or repayment filing (those accepted before it first ran included). */
  capability(): Capability {
    let stop: (() => Promise<void>) | undefined;
    return {
      name: 'credit',
      start: async () => {
        const subscription = await this.platform.events.subscribe('filing.accepted', 'credit', async (event) => void (await this.onFilingAccepted(event)), { backfill: () => this.filing.acceptedFilingEvents() });
        // Day 21 comes without any event: unanswered disputes are escalated at start and every hour.
        await this.escalateOverdueDisputes();
        const timer = setInterval(() => void this.escalateOverdueDisputes().catch((error: unknown) => console.error('[fenghuo] credit: escalating disputes:', (error as Error).message)), 3_600_000);
        timer.unref();
        stop = async () => {
          clearInterval(timer);
          await subscription.stop();
        };
      },
      stop: async () => stop?.(),
    };
  }

  /** Rebuild the tradelines a loan or repayment filing touches; other record types are not credit data. Returns the tradelines written. */
  async onFilingAccepted(event: EventPayloads['filing.accepted']): Promise<number> {
    if (event.recordType !== 'loan' && event.recordType !== 'repayment') return 0;
    const filing = { recordType: event.recordType, filingId: event.filingId, institutionId: event.institutionId, period: event.period, replaced: event.version > 1 };
    // PostgreSQL builds the parts of a filing on as many connections at once, one a core; the embedded engine has one connection.
    const parts = this.platform.database.engine === 'postgres' ? Math.max(1, Math.min(4, availableParallelism())) : 1;
    const written = await Promise.all(Array.from({ length: parts }, (_, part) => this.db.transaction().execute((trx) => store.rebuildTradelinesOfFiling(trx, filing, { part, parts }))));
    return written.reduce((sum, n) => sum + n, 0);
  }

  /** The calling consumer's own report, free at any time; the read is logged as an inquiry by the person and audited. */
  async ownReport(caller: Caller, reportDate = chinaDay()): Promise<CreditReport> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const residentId = await this.identity.residentIdOf(caller);
    await this.db.transaction().execute(async (trx) => {
      await store.recordInquiry(trx, { party_key: pseudonym, institution_id: null, purpose: 'self', consent_id: null });
      await this.platform.audit.record(trx, caller.actor, { action: 'credit.report.read', subject: personSubject(pseudonym), reason: '本人查询 / the person read their own report' });
    });
    return this.report(pseudonym, reportDate, residentId, true);
  }

  /** The calling consumer's own report as a PDF in one language (logged and audited as `ownReport`). */
  async ownReportPdf(caller: Caller, language: 'zh' | 'en'): Promise<{ pdf: Buffer; reportDate: string }> {
    const report = await this.ownReport(caller);
    return { pdf: await renderReportPdf(report, language), reportDate: report.reportDate };
  }

  /**
   * An institution's inquiry: only with the person's authorisation for this purpose
   * (FH_CONSENT_MISSING, _EXPIRED, _WITHDRAWN, _PURPOSE otherwise). Logged (Art.22) and audited;
   * the report it gets masks the identity number.
   */
  async inquire(caller: Caller, input: { residentId: string; purpose: string }): Promise<CreditReport & { inquiryId: string }> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const institutionId = caller.principal.institutionId;
    const check = checkResidentId(input.residentId);
    if (!check.ok) fail('FH_INVALID_RESIDENT_ID', { field: 'body.residentId' });
    if (!(input.purpose in consentPurposes.credit_inquiry)) fail('FH_VALIDATION', { field: 'body.purpose', details: { allowed: Object.keys(consentPurposes.credit_inquiry) } });
    const pseudonym = this.identity.pseudonym('resident_id', input.residentId);
    const { consentId } = await this.consent.require(institutionId, pseudonym, 'credit_inquiry', input.purpose);
    const inquiryId = await this.db.transaction().execute(async (trx) => {
      const id = await store.recordInquiry(trx, { party_key: pseudonym, institution_id: institutionId, purpose: input.purpose, consent_id: consentId });
      await this.platform.audit.record(trx, caller.actor, { action: 'credit.inquiry', subject: personSubject(pseudonym), resource: `credit_inquiry:${id}`, reason: input.purpose, detail: { consentId } });
      return id;
    });
    return { ...(await this.report(pseudonym, chinaDay(), input.residentId, false)), inquiryId };
  }

  /** The consolidated report of one person as of `reportDate` (China time). */
  private async report(pseudonym: string, reportDate: string, residentId: string, showIdentity: boolean): Promise<CreditReport> {
    const [rows, inquiries, notices, disputes] = await Promise.all([
      store.tradelinesOf(this.db, pseudonym),
      store.inquiriesOf(this.db, pseudonym, new Date(Date.parse(`${reportDate}T00:00:00+08:00`) - 2 * 365 * 86_400_000)),
      store.noticesOf(this.db, pseudonym),
      store.disputesOf(this.db, pseudonym),
    ]);
    const institutionIds = [...new Set([...rows.map((r) => r.institution_id), ...inquiries.flatMap((q) => (q.institution_id ? [q.institution_id] : [])), ...notices.map((n) => n.institution_id)])];
    const names = await this.registry.institutionsByIds(institutionIds);
    const nameOf = (id: string) => ({ institutionId: id, nameZh: names.get(id)?.nameZh ?? id, nameEn: names.get(id)?.nameEn ?? id });
    const model = await this.modelInForce();
    const tradelines = rows.map((row) =>
      this.tradelineView(
        row,
        reportDate,
        nameOf(row.institution_id),
        disputes.filter((d) => d.institution_id === row.institution_id && d.loan_id === row.loan_id),
      ),
    );
    const open = tradelines.filter((t) => t.status !== 'closed');
    return {
      reportDate,
      subject: { residentIdMasked: `${residentId.slice(0, 3)}***********${residentId.slice(-4)}`, ...(showIdentity ? { residentId } : {}) },
      tradelines,
      totals: {
        outstandingFen: open.reduce((sum, t) => sum + t.balanceFen, 0),
        lenders: new Set(open.map((t) => t.institution.institutionId)).size,
        openTradelines: open.length,
        newLoans30Days: tradelines.filter((t) => daysBetween(t.openedOn, reportDate) >= 0 && daysBetween(t.openedOn, reportDate) < 30).length,
        newLoans90Days: tradelines.filter((t) => daysBetween(t.openedOn, reportDate) >= 0 && daysBetween(t.openedOn, reportDate) < 90).length,
        overdueTradelines: tradelines.filter((t) => t.status === 'overdue').length,
      },
      inquiries: inquiries.map((q) => ({
        at: q.at.toISOString(),
        by: q.institution_id ? { zh: nameOf(q.institution_id).nameZh, en: nameOf(q.institution_id).nameEn } : { zh: '本人', en: 'You' },
        purpose: q.purpose === 'self' ? { code: 'self', zh: '本人查询', en: 'Your own inquiry' } : { code: q.purpose, ...(consentPurposes.credit_inquiry[q.purpose] ?? { zh: q.purpose, en: q.purpose }) },
      })),
      notices: notices.map((n) => ({ noticeId: n.notice_id, institution: { zh: nameOf(n.institution_id).nameZh, en: nameOf(n.institution_id).nameEn }, loanId: n.loan_id, negativeFrom: n.negative_from, createdAt: n.created_at.toISOString() })),
      freeReports: { perYear: 2, basis: '《征信业管理条例》第十七条 / Credit Reporting Industry Regulation Art.17' },
      score: model ? this.scoreOf(model, rows, reportDate, open.reduce((sum, t) => sum + t.balanceFen, 0)) : null,
    };
  }

  private scoreOf(model: { version: number; model: ScorecardVersion }, rows: readonly store.TradelineRow[], reportDate: string, outstandingFen: number): CreditReport['score'] {
    const facts = rows.map(toFacts);
    const attributes = attributesAt(facts, reportDate.slice(0, 7));
    if (!attributes) return null;
    const scored = scorePerson(model.model, model.version, attributes, outstandingFen);
    return {
      ...scored,
      reasons: scored.reasons.map((reason) => ({ feature: reason.feature, label: reason.label, value: reason.value ? `${reason.value.zh} / ${reason.value.en}` : reason.bin, pointsLost: reason.pointsLost })),
    };
  }

  private async modelInForce(): Promise<{ version: number; model: ScorecardVersion } | undefined> {
    if (this.model && Date.now() - this.model.at < 60_000) return this.model.row;
    const row = await store.latestModel(this.db);
    this.model = { at: Date.now(), row: row ? { version: row.version, model: row.model } : undefined };
    return this.model.row;
  }

  /**
   * Take over tradelines as they stand, with no filing behind them (the demo's anonymous
   * borrowers, whose history trains its scorecard), in one transaction; each borrower is keyed by
   * the pseudonym of their resident ID number, as filed tradelines are. No notice is recorded:
   * the history is shown as it was. Returns the tradelines written.
   */
  async importHistory(lines: readonly HistoryTradeline[]): Promise<number> {
    for (const line of lines) {
      if (!checkResidentId(line.residentId).ok) throw new Error(`history tradeline ${line.loanId}: invalid resident ID number`);
      if (!/^[NW*/1-7]{24}$/.test(line.grid)) throw new Error(`history tradeline ${line.loanId}: the grid is not 24 codes`);
    }
    return this.db.transaction().execute((trx) =>
      store.insertTradelines(
        trx,
        lines.map((line) => ({
          party_key: this.identity.pseudonym('resident_id', line.residentId),
          institution_id: line.institutionId,
          loan_id: line.loanId,
          product_type: line.productType,
          purpose: line.purpose,
          opened_on: line.openedOn,
          principal_fen: line.principalFen,
          balance_fen: line.balanceFen,
          installments: line.installments,
          status: line.status,
          days_past_due: line.daysPastDue,
          worst_days_past_due: line.worstDaysPastDue,
          grid_to: line.gridTo,
          grid: line.grid,
          negative_from: line.negativeFrom,
          negative_ended_on: line.negativeEndedOn,
          source_filing_id: null,
        })),
      ),
    );
  }

  /**
   * Train a scorecard from the tradelines Fenghuo holds: attributes as of `snapshot` (default: a
   * year before the latest month filed), outcome 90 days past due within `horizon` months after;
   * validated by 5-fold cross-validation (AUC, KS, calibration), stored as the next version and
   * put in force. Refused with FH_CREDIT_TRAINING_DATA when there are fewer than 20 bads or goods.
   */
  async trainModel(options: { snapshot?: string; horizon?: number; onProgress?: (step: string) => void } = {}): Promise<ModelSummary> {
    const horizon = options.horizon ?? 12;
    options.onProgress?.('reading tradelines');
    const facts = (await store.allTradelineFacts(this.db)).map((row) => ({ partyKey: row.party_key, institutionId: row.institution_id, openedOn: row.opened_on, principalFen: Number(row.principal_fen), gridTo: row.grid_to, grid: row.grid }));
    const latest = facts.reduce((max, line) => (line.gridTo > max ? line.gridTo : max), '0000-00');
    const snapshot = options.snapshot ?? addMonths(latest, -horizon);
    const { rows, labels } = trainingRows(facts, snapshot, horizon);
    const bads = labels.filter((y) => y === 1).length;
    if (bads < MIN_OUTCOMES || rows.length - bads < MIN_OUTCOMES) fail('FH_CREDIT_TRAINING_DATA', { details: { snapshot, people: rows.length, bads, goods: rows.length - bads, needed: MIN_OUTCOMES } });
    options.onProgress?.(`training on ${rows.length} people (${bads} bad) as of ${snapshot}`);
    const { pds } = crossValidatedPds(labels, 5, 1, (train) => {
      const model = trainScorecard(train.map((i) => rows[i]!), train.map((i) => labels[i]!), CREDIT_FEATURES);
      return (i) => scoreApplicant(model, rows[i]!).pd;
    });
    const metrics = evaluate(pds, labels);
    const model = trainScorecard(rows, labels, CREDIT_FEATURES, { trainedAt: new Date().toISOString() });
    const version = await store.insertModel(this.db, { snapshot, horizon_months: horizon, rows_used: rows.length, bads, model: JSON.stringify({ ...model, metrics }), metrics: JSON.stringify({ ...metrics, validation: '5-fold stratified cross-validation' }) });
    this.model = undefined;
    options.onProgress?.(`version ${version}: AUC ${metrics.auc.toFixed(3)}, KS ${metrics.ks.toFixed(3)}`);
    return (await this.modelVersions()).find((m) => m.version === version)!;
  }

  /** Every trained version with its validation figures, newest first (the supervisor's view). */
  async modelVersions(caller?: Caller): Promise<ModelSummary[]> {
    if (caller && caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    return (await store.models(this.db)).map((row, i) => ({
      version: row.version,
      trainedAt: row.trained_at.toISOString(),
      snapshot: row.snapshot,
      horizonMonths: row.horizon_months,
      rows: row.rows_used,
      bads: row.bads,
      metrics: row.metrics,
      inForce: i === 0,
      scorecard: pointsTable(row.model),
    }));
  }

  /** A tradeline as the report shows it on `reportDate`: a negative record beyond five years after it ended is gone (Art.16). */
  private tradelineView(row: store.TradelineRow, reportDate: string, institution: TradelineView['institution'], disputes: readonly store.DisputeRow[]): TradelineView {
    const shownUntil = row.negative_ended_on ? negativeShownUntil(row.negative_ended_on) : null;
    const expired = shownUntil !== null && reportDate > shownUntil;
    const first = addMonths(row.grid_to, -23);
    return {
      institution,
      loanId: row.loan_id,
      productType: row.product_type ? codeName('product_type', row.product_type) : null,
      purpose: codeName('loan_purpose', row.purpose),
      openedOn: row.opened_on,
      principalFen: Number(row.principal_fen),
      balanceFen: Number(row.balance_fen),
      installments: row.installments,
      status: row.status,
      daysPastDue: row.days_past_due,
      worstDaysPastDue: expired ? 0 : row.worst_days_past_due,
      grid: [...row.grid].map((code, i) => ({ month: addMonths(first, i), code: expired && /[1-7]/.test(code) ? 'N' : code })),
      negative: row.negative_from && !expired ? { from: row.negative_from, endedOn: row.negative_ended_on, shownUntil } : null,
      disputes: disputes.map((d) => ({ disputeId: d.dispute_id, status: d.status, filedAt: d.filed_at.toISOString(), dueOn: d.due_on, statement: d.statement })),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Disputes (Art.25)

  /**
   * The calling consumer objects to one of their tradelines: marked on every report at once,
   * due from the furnishing institution within 20 calendar days. Another person's tradeline is
   * not found. Audited.
   */
  async fileDispute(caller: Caller, input: { institutionId: string; loanId: string; reason: string }): Promise<DisputeView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const line = await store.tradeline(this.db, pseudonym, input.institutionId, input.loanId).catch(() => undefined);
    if (!line) fail('FH_NOT_FOUND', { field: 'body.loanId' });
    const filedAt = new Date();
    const dueOn = addDays(chinaDay(filedAt), DISPUTE_DAYS);
    const disputeId = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await store.insertDispute(trx, { dispute_id: disputeId, party_key: pseudonym, institution_id: input.institutionId, loan_id: input.loanId, reason: input.reason, filed_at: filedAt, due_on: dueOn, status: 'open' });
      await this.platform.audit.record(trx, caller.actor, { action: 'credit.dispute.filed', subject: personSubject(pseudonym), resource: `credit_dispute:${disputeId}`, detail: { institutionId: input.institutionId, loanId: input.loanId, dueOn } });
    });
    return this.disputeView((await store.disputeById(this.db, disputeId))!);
  }

  /** The calling consumer's disputes, newest first. */
  async myDisputes(caller: Caller): Promise<DisputeView[]> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    return this.disputeViews(await store.disputesOf(this.db, pseudonym));
  }

  /** The calling institution's dispute desk: disputes about the tradelines it furnished, most urgent first. */
  async disputeDesk(caller: Caller, status?: DisputeStatus): Promise<DisputeView[]> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    return this.disputeViews(await store.disputesAt(this.db, [caller.principal.institutionId], status));
  }

  /** Disputes about institutions of the calling supervisor's jurisdiction (escalated ones: `status=escalated`). */
  async supervisedDisputes(caller: Caller, status?: DisputeStatus): Promise<DisputeView[]> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    const institutionIds = await this.registry.institutionIdsWithin(caller.principal.jurisdictionCode);
    return this.disputeViews(await store.disputesAt(this.db, institutionIds, status));
  }

  /**
   * The furnishing institution answers: `corrected` once a corrected filing has rebuilt the
   * tradeline since the dispute was filed (FH_CREDIT_CORRECTION_MISSING otherwise), or `kept` with
   * a statement that the report then shows. Another institution's dispute is not found; an
   * answered one is FH_CREDIT_DISPUTE_CLOSED. Audited under the person.
   */
  async answerDispute(caller: Caller, disputeId: string, input: { outcome: 'corrected' | 'kept'; statement: string }): Promise<DisputeView> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const dispute = await store.disputeById(this.db, disputeId).catch(() => undefined);
    if (!dispute || dispute.institution_id !== caller.principal.institutionId) fail('FH_NOT_FOUND', { field: 'params.disputeId' });
    if (dispute.status === 'corrected' || dispute.status === 'kept') fail('FH_CREDIT_DISPUTE_CLOSED', { field: 'params.disputeId', details: { status: dispute.status } });
    if (input.outcome === 'corrected') {
      const line = await store.tradeline(this.db, dispute.party_key, dispute.institution_id, dispute.loan_id);
      if (line && line.updated_at <= dispute.filed_at) fail('FH_CREDIT_CORRECTION_MISSING', { field: 'body.outcome' });
    }
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.answerDispute(trx, disputeId, input.outcome, input.statement, new Date()))) fail('FH_CREDIT_DISPUTE_CLOSED', { field: 'params.disputeId' });
      await this.platform.audit.record(trx, caller.actor, { action: `credit.dispute.${input.outcome}`, subject: personSubject(dispute.party_key), resource: `credit_dispute:${disputeId}`, reason: input.statement });
    });
    return this.disputeView((await store.disputeById(this.db, disputeId))!);
  }

  /** Escalate to the supervisor every dispute unanswered after its 20th day; returns how many. */
  async escalateOverdueDisputes(today = chinaDay()): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const escalated = await store.escalateOverdue(trx, today, new Date());
      for (const dispute of escalated) {
        await this.platform.audit.record(trx, { role: 'system', id: 'credit' }, { action: 'credit.dispute.escalated', subject: personSubject(dispute.party_key), resource: `credit_dispute:${dispute.dispute_id}`, detail: { dueOn: dispute.due_on } });
      }
      return escalated.length;
    });
  }

  private async disputeViews(rows: readonly store.DisputeRow[]): Promise<DisputeView[]> {
    const names = await this.registry.institutionsByIds([...new Set(rows.map((r) => r.institution_id))]);
    return rows.map((row) => this.disputeView(row, names.get(row.institution_id)));
  }

  private disputeView(row: store.DisputeRow, institution?: { nameZh: string; nameEn: string }): DisputeView {
    return {
      disputeId: row.dispute_id,
      institution: { institutionId: row.institution_id, nameZh: institution?.nameZh ?? '', nameEn: institution?.nameEn ?? '' },
      loanId: row.loan_id,
      reason: row.reason,
      filedAt: row.filed_at.toISOString(),
      dueOn: row.due_on,
      status: row.status,
      statement: row.statement,
      answeredAt: row.answered_at?.toISOString() ?? null,
      escalatedAt: row.escalated_at?.toISOString() ?? null,
    };
  }
}
