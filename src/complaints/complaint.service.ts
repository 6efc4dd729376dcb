import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { chinaDay } from '../standard/china-time.js';
import { checkResidentId, normalizeResidentId } from '../standard/identifiers.js';
import { jurisdictionByCode, isWithin, scopePrefix } from '../standard/regions.js';
import { codeLists } from '../standard/standard.js';
import { jurisdictionRef, type Institution, type JurisdictionRef, type RegistryService } from '../registry/registry.service.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import type { EvidenceService, EvidenceSummary } from '../evidence/evidence.service.js';
import type { Readable } from 'node:stream';
import { complaintIssues, type Closure, type ComplaintIssue, type ComplaintStatus, type DayKind, type Extension, type ResponseCategory } from './complaint.schema.js';
import { deadlineOf } from './deadlines.js';
import * as store from './complaint.store.js';

/** Longest narrative a consumer may write. */
export const NARRATIVE_MAX = 4000;

/** The issues of the complaint taxonomy with their bilingual names, for capabilities that show a complaint's issue. */
export { complaintIssues } from './complaint.schema.js';

export interface ComplaintInput {
  /** A registered institution; or `institutionName` for one that is not registered. */
  institutionId?: string | undefined;
  institutionName?: string | undefined;
  /** The consumer's region, when their identity number does not give it (unregistered institution only). */
  regionCode?: string | undefined;
  product: string;
  productType?: string | undefined;
  issue: ComplaintIssue;
  narrative: string;
  /** Yuan as a decimal string with at most two decimals, e.g. "1280.50". */
  amountAtStakeYuan?: string | undefined;
  /** Items of the caller's own evidence vault to attach: the consumer's, or the forwarding institution's. */
  evidenceIds?: string[] | undefined;
}

export interface ForwardInput extends Omit<ComplaintInput, 'institutionId' | 'institutionName' | 'regionCode'> {
  residentId: string;
  /** The day the institution received it (China time), when earlier than today: the deadline counts from then. */
  receivedOn?: string | undefined;
}

/** How far back an institution may date a complaint it forwards. */
const FORWARD_BACKDATE_DAYS = 366;

export interface ComplaintEventView {
  action: string;
  actorRole: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface ComplaintView {
  complaintId: string;
  channel: 'portal' | 'institution';
  institution: { institutionId: string | null; nameZh: string; nameEn: string; registered: boolean };
  jurisdiction: JurisdictionRef;
  product: string;
  productType: { code: string; zh: string; en: string } | null;
  issue: { code: ComplaintIssue; zh: string; en: string };
  narrative: string;
  amountAtStakeFen: number | null;
  receivedAt: string;
  receivedDay: string;
  deadline: { days: number; dayKind: DayKind; lastDay: string | null; extension: Extension; extensionReason: string | null; furtherReason: string | null; policyId: string };
  status: ComplaintStatus;
  late: boolean;
  response: { category: ResponseCategory; text: string; reliefFen: number | null; answeredAt: string | null } | null;
  feedback: { verdict: 'satisfied' | 'disputed'; reason: string | null } | null;
  caseRef: string | null;
  closure: Closure | null;
  closedAt: string | null;
  history?: ComplaintEventView[];
  /** The evidence attached (with each item's signed receipt); shown with the history. */
  attachments?: EvidenceSummary[];
}

export interface MediationComplaint {
  complaintId: string;
  consumerPseudonym: string;
  consumerUserId?: string;
  institutionId: string | null;
  institutionName: string | null;
  jurisdictionCode: string;
  status: ComplaintStatus;
  amountAtStakeFen: number | null;
  issue: ComplaintIssue;
  product: string;
  narrative: string;
  response: { category: ResponseCategory; text: string; reliefFen: number | null } | null;
  feedbackReason: string | null;
}

export interface ComplaintIndicators {
  received: number;
  open: number;
  late: number;
  disputed: number;
}

export interface StatisticsRow {
  key: string;
  nameZh: string;
  nameEn: string;
  suppressed: boolean;
  complaints: number | null;
  answered: number | null;
  /** Share of the final answers given on time, percent with one decimal; null when suppressed or none. */
  onTimePercent: number | null;
  outcomes: { closedWithExplanation: number; monetaryRelief: number; nonMonetaryRelief: number } | null;
}

export interface Statistics {
  quarter: string;
  by: store.StatDimension;
  threshold: number;
  /** All complaints received in the quarter; with the published rows, only the sum of the suppressed ones can be derived. */
  totalComplaints: number;
  rows: StatisticsRow[];
}

/** Yuan as written ("1280.5") to fen, exactly, without floating point; null when malformed. */
export function yuanToFen(yuan: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The quarter of a day, `YYYY-Qn`. */
export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

/**
 * The rows to suppress: those under `threshold` (primary), and then the smallest others until the
 * suppressed rows are at least two and hold at least `threshold` together (complementary), so that
 * a published total minus the published rows reveals no single small row.
 *
 * ### Example
 * `suppressSmallCells([{ key: 'a', filed: 40 }, { key: 'b', filed: 9 }, { key: 'c', filed: 2 }], 5)`
 * is `{'c', 'b'}`: c alone would be 40 + 9 away from the total.
 */
export function suppressSmallCells(rows: readonly { key: string; filed: number }[], threshold: number): Set<string> {
  const suppressed = new Set(rows.filter((r) => r.filed < threshold).map((r) => r.key));
  const others = rows.filter((r) => !suppressed.has(r.key)).sort((a, b) => a.filed - b.filed || a.key.localeCompare(b.key));
  let sum = rows.filter((r) => suppressed.has(r.key)).reduce((total, r) => total + r.filed, 0);
  while (suppressed.size > 0 && (suppressed.size === 1 || sum < threshold) && others.length > 0) {
    const next = others.shift()!;
    suppressed.add(next.key);
    sum += next.filed;
  }
  return suppressed;
}

const UNREGISTERED_KEY = '';

/**
 * Consumer complaints: filed by the consumer (or forwarded by the institution that received it),
 * routed to the institution's complaint desk — or to the supervisor of the consumer's region when
 * the institution is not registered — answered within the deadline of the policy in force, and
 * closed by the consumer's feedback or by mediation. Every step is kept in complaint_event and
 * audited with the consumer as the subject.
 */
export class ComplaintService {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly identity: IdentityService,
    private readonly evidence: EvidenceService,
    private readonly options: { statisticsThreshold?: number } = {},
  ) {
    this.db = platform.database.db;
  }

  /** The public statistics with the threshold this service was configured with (5 by default). */
  async publicStatistics(quarter: string, by: store.StatDimension): Promise<Statistics> {
    return this.statistics(quarter, by, this.options.statisticsThreshold ?? 5);
  }

  /** The issue taxonomy and product types, for forms. */
  taxonomy(): { issues: { code: ComplaintIssue; zh: string; en: string; category: string }[]; productTypes: { code: string; zh: string; en: string }[] } {
    return {
      issues: (Object.keys(complaintIssues) as ComplaintIssue[]).map((code) => ({ code, zh: complaintIssues[code].zh, en: complaintIssues[code].en, category: complaintIssues[code].category })),
      productTypes: codeLists.product_type.codes.map((c) => ({ code: c.code, zh: c.zh, en: c.en })),
    };
  }

  /**
   * The calling consumer files a complaint. Against a registered institution (`institutionId`) it
   * goes to that institution's desk with a deadline; against an unregistered one
   * (`institutionName`) to the supervisor of the consumer's region (from their identity number,
   * else `regionCode`). Audited. Throws FH_NOT_FOUND (body.institutionId), FH_VALIDATION,
   * FH_COMPLAINT_REGION_REQUIRED, FH_INVALID_JURISDICTION (body.regionCode).
   */
  async file(caller: Caller, input: ComplaintInput): Promise<ComplaintView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    if ((input.institutionId === undefined) === (input.institutionName === undefined)) {
      fail('FH_VALIDATION', { field: input.institutionId === undefined ? 'body.institutionId' : 'body.institutionName', details: { problem: 'name either a registered institution or an unregistered one by its name, not both' } });
    }
    let institution: Institution | undefined;
    let jurisdictionCode: string;
    if (input.institutionId !== undefined) {
      institution = await this.registry.getInstitution(input.institutionId).catch(() => fail('FH_NOT_FOUND', { field: 'body.institutionId' }));
      jurisdictionCode = institution.jurisdictionCode;
    } else {
      const own = await this.identity.regionCodeOf(caller);
      if (input.regionCode !== undefined) {
        if (!jurisdictionByCode(input.regionCode)) fail('FH_INVALID_JURISDICTION', { field: 'body.regionCode' });
        jurisdictionCode = input.regionCode;
      } else if (own) {
        jurisdictionCode = own;
      } else {
        fail('FH_COMPLAINT_REGION_REQUIRED', { field: 'body.regionCode' });
      }
    }
    return this.create(caller, { pseudonym, consumerUserId: caller.actor.id, channel: 'portal', institution, institutionName: input.institutionName?.trim() ?? null, jurisdictionCode }, input);
  }

  /**
   * The calling institution forwards a complaint it received, naming the consumer by their resident
   * identity number (pseudonymised at once; the number is not kept). It lands on its own desk.
   * Audited. Throws FH_INVALID_RESIDENT_ID (body.residentId), FH_VALIDATION.
   */
  async forward(caller: Caller, input: ForwardInput): Promise<ComplaintView> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const residentId = normalizeResidentId(input.residentId.trim());
    if (!checkResidentId(residentId).ok) fail('FH_INVALID_RESIDENT_ID', { field: 'body.residentId' });
    const pseudonym = this.identity.pseudonym('resident_id', residentId);
    let receivedAt: Date | undefined;
    if (input.receivedOn !== undefined && input.receivedOn !== chinaDay()) {
      const at = new Date(`${input.receivedOn}T00:00:00+08:00`);
      const earliest = Date.now() - FORWARD_BACKDATE_DAYS * 86_400_000;
      if (Number.isNaN(at.getTime()) || chinaDay(at) !== input.receivedOn || at.getTime() > Date.now() || at.getTime() < earliest) {
        fail('FH_VALIDATION', { field: 'body.receivedOn', details: { problem: `a past day within ${FORWARD_BACKDATE_DAYS} days` } });
      }
      receivedAt = at;
    }
    const institution = await this.registry.getInstitution(caller.principal.institutionId);
    return this.create(caller, { pseudonym, consumerUserId: null, channel: 'institution', institution, institutionName: null, jurisdictionCode: institution.jurisdictionCode, receivedAt }, input);
  }

  private async create(
    caller: Caller,
    who: { pseudonym: string; consumerUserId: string | null; channel: 'portal' | 'institution'; institution: Institution | undefined; institutionName: string | null; jurisdictionCode: string; receivedAt?: Date | undefined },
    input: Omit<ComplaintInput, 'institutionId' | 'institutionName' | 'regionCode'>,
  ): Promise<ComplaintView> {
    const evidenceIds = [...new Set(input.evidenceIds ?? [])];
    const product = input.product.trim();
    if (product.length === 0) fail('FH_VALIDATION', { field: 'body.product' });
    if (who.institutionName !== null && who.institutionName.length === 0) fail('FH_VALIDATION', { field: 'body.institutionName' });
    if (!(input.issue in complaintIssues)) fail('FH_VALIDATION', { field: 'body.issue', details: { allowed: Object.keys(complaintIssues) } });
    if (input.productType !== undefined && !codeLists.product_type.codes.some((c) => c.code === input.productType)) {
      fail('FH_VALIDATION', { field: 'body.productType', details: { allowed: codeLists.product_type.codes.map((c) => c.code) } });
    }
    const narrative = input.narrative.trim();
    if (narrative.length === 0 || narrative.length > NARRATIVE_MAX) fail('FH_VALIDATION', { field: 'body.narrative', details: { maxLength: NARRATIVE_MAX } });
    let amount: number | null = null;
    if (input.amountAtStakeYuan !== undefined) {
      amount = yuanToFen(input.amountAtStakeYuan);
      if (amount === null || amount > Number.MAX_SAFE_INTEGER) fail('FH_VALIDATION', { field: 'body.amountAtStakeYuan', details: { problem: 'yuan with at most two decimals' } });
    }
    // The caller's own items only (the consumer's, or the forwarding institution's), each named by its place in the list when it is not.
    if (evidenceIds.length > 0) await this.evidence.requireOwned(caller, input.evidenceIds!, 'body.evidenceIds');
    const receivedAt = who.receivedAt ?? new Date();
    const receivedDay = chinaDay(receivedAt);
    const policy = await store.policyOn(this.db, receivedDay);
    if (!policy) fail('FH_NOT_FOUND', { field: 'policy' });
    // Only a desk answers to a deadline; a complaint against an unregistered institution waits for the supervisor.
    const deadlineDay = who.institution ? deadlineOf(receivedDay, policy.base_days, policy.day_kind) : null;
    const complaintId = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await store.insertComplaint(trx, {
        complaint_id: complaintId,
        consumer_pseudonym: who.pseudonym,
        consumer_user_id: who.consumerUserId,
        channel: who.channel,
        institution_id: who.institution?.institutionId ?? null,
        institution_name: who.institutionName,
        jurisdiction_code: who.jurisdictionCode,
        product,
        product_type: input.productType ?? null,
        issue: input.issue,
        narrative,
        amount_at_stake_fen: amount,
        received_at: receivedAt,
        received_day: receivedDay,
        policy_id: policy.policy_id,
        day_kind: policy.day_kind,
        deadline_days: policy.base_days,
        deadline_day: deadlineDay,
        extension: 'none',
        extension_reason: null,
        further_reason: null,
        status: 'filed',
        response_category: null,
        response_text: null,
        relief_fen: null,
        answered_at: null,
        late: false,
        feedback: null,
        feedback_reason: null,
        case_ref: null,
        closure: null,
        closed_at: null,
      });
      if (evidenceIds.length > 0) await this.evidence.linkToCase(trx, `complaint:${complaintId}`, evidenceIds);
      await store.appendEvent(trx, complaintId, 'filed', caller.actor, { channel: who.channel, routedTo: who.institution ? 'institution' : 'supervisor', deadlineDay, attachments: evidenceIds.length });
      await store.countFiled(trx, this.statKey({ received_day: receivedDay, institution_id: who.institution?.institutionId ?? null, product_type: input.productType ?? null, issue: input.issue }));
      await this.platform.audit.record(trx, caller.actor, { action: 'complaint.filed', subject: personSubject(who.pseudonym), resource: `complaint:${complaintId}`, detail: { channel: who.channel, institutionId: who.institution?.institutionId ?? null, issue: input.issue } });
    });
    return this.viewOne(complaintId, true);
  }

  /** The calling consumer's complaints, newest first (filed by them or forwarded about them). */
  async mine(caller: Caller): Promise<ComplaintView[]> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    return this.views(await store.complaintsOfConsumer(this.db, pseudonym), false);
  }

  /** One of the calling consumer's complaints with its history. Throws FH_NOT_FOUND for anyone else's. */
  async mineOne(caller: Caller, complaintId: string): Promise<ComplaintView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const row = await this.find(complaintId);
    if (row.consumer_pseudonym !== pseudonym) fail('FH_NOT_FOUND', { field: 'params.complaintId' });
    return this.viewOne(complaintId, true);
  }

  /** The calling institution's complaint desk, newest first; reading it is audited per complaint. */
  async desk(caller: Caller, filter: { status?: ComplaintStatus | undefined; late?: boolean | undefined; page: number; pageSize: number }): Promise<ComplaintView[]> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const rows = await store.complaintsOfInstitution(this.db, caller.principal.institutionId, { ...filter, today: chinaDay(), limit: filter.pageSize, offset: (filter.page - 1) * filter.pageSize });
    await this.auditRead(caller, rows, 'complaint.read');
    return this.views(rows, false);
  }

  /** One complaint on the calling institution's desk, with its history. FH_NOT_FOUND when not its own. */
  async deskOne(caller: Caller, complaintId: string): Promise<ComplaintView> {
    const row = await this.ownedByInstitution(caller, complaintId);
    await this.auditRead(caller, [row], 'complaint.read');
    return this.viewOne(complaintId, true);
  }

  /**
   * The calling institution answers a complaint on its desk. `in_progress` is an interim reply that
   * keeps the clock running; the other categories are the final answer, late when given after the
   * deadline (and then late for good). Throws FH_NOT_FOUND (params.complaintId) for a complaint that
   * is not its own, FH_COMPLAINT_STATUS when already answered, FH_VALIDATION. `at` is the moment
   * of the answer (now, except when replaying a record).
   */
  async answer(caller: Caller, complaintId: string, input: { category: ResponseCategory; text: string; reliefYuan?: string | undefined }, at: Date = new Date()): Promise<ComplaintView> {
    await this.ownedByInstitution(caller, complaintId);
    const text = input.text.trim();
    if (text.length === 0 || text.length > NARRATIVE_MAX) fail('FH_VALIDATION', { field: 'body.text', details: { maxLength: NARRATIVE_MAX } });
    let relief: number | null = null;
    if (input.category === 'monetary_relief') {
      relief = input.reliefYuan === undefined ? null : yuanToFen(input.reliefYuan);
      if (relief === null || relief <= 0) fail('FH_VALIDATION', { field: 'body.reliefYuan', details: { problem: 'monetary relief needs its amount in yuan, more than zero' } });
    } else if (input.reliefYuan !== undefined) {
      fail('FH_VALIDATION', { field: 'body.reliefYuan', details: { problem: 'only monetary relief has an amount' } });
    }
    const now = at;
    await this.db.transaction().execute(async (trx) => {
      const row = (await store.complaintForUpdate(trx, complaintId))!;
      if (row.status !== 'filed' && row.status !== 'in_progress') fail('FH_COMPLAINT_STATUS', { field: 'params.complaintId', details: { status: row.status } });
      if (input.category === 'in_progress') {
        await store.updateComplaint(trx, complaintId, ['filed', 'in_progress'], { status: 'in_progress', response_category: 'in_progress', response_text: text });
      } else {
        const late = row.deadline_day !== null && chinaDay(now) > row.deadline_day;
        await store.updateComplaint(trx, complaintId, ['filed', 'in_progress'], { status: 'answered', response_category: input.category, response_text: text, relief_fen: relief, answered_at: now, late });
        await store.countAnswered(trx, this.statKey(row), !late, input.category);
      }
      await store.appendEvent(trx, complaintId, input.category === 'in_progress' ? 'interim_reply' : 'answered', caller.actor, { category: input.category, reliefFen: relief });
      await this.platform.audit.record(trx, caller.actor, { action: 'complaint.answered', subject: personSubject(row.consumer_pseudonym), resource: `complaint:${complaintId}`, detail: { category: input.category } });
    });
    return this.viewOne(complaintId, true);
  }

  /**
   * The calling institution extends the deadline of a complex complaint to the policy's complex
   * period (30 days under CBIRC 2020 No.3), with a reason; once. Throws FH_COMPLAINT_EXTENSION.
   */
  async extend(caller: Caller, complaintId: string, reason: string): Promise<ComplaintView> {
    await this.ownedByInstitution(caller, complaintId);
    const why = this.reason(reason, 'body.reason');
    await this.db.transaction().execute(async (trx) => {
      const row = (await store.complaintForUpdate(trx, complaintId))!;
      this.assertOpenForDesk(row);
      if (row.extension !== 'none') fail('FH_COMPLAINT_EXTENSION', { field: 'params.complaintId', details: { extension: row.extension } });
      if (row.deadline_day !== null && chinaDay() > row.deadline_day) fail('FH_COMPLAINT_EXTENSION', { field: 'params.complaintId', details: { problem: 'the deadline has passed' } });
      const policy = (await store.policyById(trx, row.policy_id))!;
      const lastDay = deadlineOf(row.received_day, policy.complex_days, row.day_kind);
      await store.updateComplaint(trx, complaintId, ['filed', 'in_progress'], { extension: 'complex', extension_reason: why, deadline_days: policy.complex_days, deadline_day: lastDay });
      await store.appendEvent(trx, complaintId, 'extended', caller.actor, { days: policy.complex_days, lastDay, reason: why });
      await this.platform.audit.record(trx, caller.actor, { action: 'complaint.extended', subject: personSubject(row.consumer_pseudonym), resource: `complaint:${complaintId}`, detail: { days: policy.complex_days } });
    });
    return this.viewOne(complaintId, true);
  }

  /** The calling institution asks the supervisor for the further extension, with a reason; only after the complex extension. */
  async requestFurtherExtension(caller: Caller, complaintId: string, reason: string): Promise<ComplaintView> {
    await this.ownedByInstitution(caller, complaintId);
    const why = this.reason(reason, 'body.reason');
    await this.db.transaction().execute(async (trx) => {
      const row = (await store.complaintForUpdate(trx, complaintId))!;
      this.assertOpenForDesk(row);
      if (row.extension !== 'complex') fail('FH_COMPLAINT_EXTENSION', { field: 'params.complaintId', details: { extension: row.extension } });
      await store.updateComplaint(trx, complaintId, ['filed', 'in_progress'], { extension: 'further_requested', further_reason: why });
      await store.appendEvent(trx, complaintId, 'further_extension_requested', caller.actor, { reason: why });
      await this.platform.audit.record(trx, caller.actor, { action: 'complaint.extension_requested', subject: personSubject(row.consumer_pseudonym), resource: `complaint:${complaintId}` });
    });
    return this.viewOne(complaintId, true);
  }

  /**
   * A supervisor of the complaint's jurisdiction decides on a requested further extension: approved,
   * the deadline moves by the policy's further days; refused, it stays. Throws FH_OUT_OF_JURISDICTION,
   * FH_COMPLAINT_EXTENSION when none is requested.
   */
  async decideFurtherExtension(caller: Caller, complaintId: string, input: { approve: boolean; note: string }): Promise<ComplaintView> {
    const row0 = await this.withinJurisdiction(caller, complaintId);
    const note = this.reason(input.note, 'body.note');
    await this.db.transaction().execute(async (trx) => {
      const row = (await store.complaintForUpdate(trx, complaintId))!;
      if (row.extension !== 'further_requested') fail('FH_COMPLAINT_EXTENSION', { field: 'params.complaintId', details: { extension: row.extension } });
      this.assertOpenForDesk(row);
      const policy = (await store.policyById(trx, row.policy_id))!;
      if (input.approve) {
        const days = policy.complex_days + policy.further_days;
        const lastDay = deadlineOf(row.received_day, days, row.day_kind);
        await store.updateComplaint(trx, complaintId, ['filed', 'in_progress'], { extension: 'further', deadline_days: days, deadline_day: lastDay });
        await store.appendEvent(trx, complaintId, 'further_extension_approved', caller.actor, { days, lastDay, note });
      } else {
        await store.updateComplaint(trx, complaintId, ['filed', 'in_progress'], { extension: 'complex' });
        await store.appendEvent(trx, complaintId, 'further_extension_refused', caller.actor, { note });
      }
      await this.platform.audit.record(trx, caller.actor, { action: input.approve ? 'complaint.extension_approved' : 'complaint.extension_refused', subject: personSubject(row0.consumer_pseudonym), resource: `complaint:${complaintId}` });
    });
    return this.viewOne(complaintId, true);
  }

  /**
   * A supervisor of the complaint's jurisdiction refers a complaint against an unregistered
   * institution to a registered one, once it is known which it is (another name, a brand): it lands
   * on that institution's desk, with the deadline of its policy counted from today, the day the
   * institution receives it. Throws FH_OUT_OF_JURISDICTION, FH_NOT_FOUND (body.institutionId),
   * FH_COMPLAINT_STATUS when it already has an institution or was closed.
   */
  async referToInstitution(caller: Caller, complaintId: string, institutionId: string): Promise<ComplaintView> {
    await this.withinJurisdiction(caller, complaintId);
    const institution = await this.registry.getInstitution(institutionId).catch(() => fail('FH_NOT_FOUND', { field: 'body.institutionId' }));
    const today = chinaDay();
    await this.db.transaction().execute(async (trx) => {
      const row = (await store.complaintForUpdate(trx, complaintId))!;
      if (row.institution_id !== null || row.status !== 'filed') fail('FH_COMPLAINT_STATUS', { field: 'params.complaintId', details: { status: row.status, registered: row.institution_id !== null } });
      const lastDay = deadlineOf(today, row.deadline_days, row.day_kind);
      await store.updateComplaint(trx, complaintId, ['filed'], { institution_id: institution.institutionId, jurisdiction_code: institution.jurisdictionCode, deadline_day: lastDay });
      await store.moveFiled(trx, this.statKey(row), this.statKey({ ...row, institution_id: institution.institutionId }));
      await store.appendEvent(trx, complaintId, 'referred', caller.actor, { institutionId: institution.institutionId, lastDay });
      await this.platform.audit.record(trx, caller.actor, { action: 'complaint.referred', subject: personSubject(row.consumer_pseudonym), resource: `complaint:${complaintId}`, detail: { institutionId: institution.institutionId } });
    });
    return this.viewOne(complaintId, true);
  }

  /**
   * The calling consumer's feedback on the final answer: satisfied closes the complaint; disputed
   * (with a reason) leaves it open for mediation. Throws FH_NOT_FOUND, FH_COMPLAINT_STATUS.
   */
  async feedback(caller: Caller, complaintId: string, input: { verdict: 'satisfied' | 'disputed'; reason?: string | undefined }): Promise<ComplaintView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const found = await this.find(complaintId);
    if (found.consumer_pseudonym !== pseudonym) fail('FH_NOT_FOUND', { field: 'params.complaintId' });
    const reason = input.verdict === 'disputed' ? this.reason(input.reason ?? '', 'body.reason') : input.reason?.trim() || null;
    await this.db.transaction().execute(async (trx) => {
      const row = (await store.complaintForUpdate(trx, complaintId))!;
      if (row.status !== 'answered') fail('FH_COMPLAINT_STATUS', { field: 'params.complaintId', details: { status: row.status } });
      const now = new Date();
      if (input.verdict === 'satisfied') {
        await store.updateComplaint(trx, complaintId, ['answered'], { status: 'closed', feedback: 'satisfied', feedback_reason: reason, closure: 'satisfied', closed_at: now });
      } else {
        await store.updateComplaint(trx, complaintId, ['answered'], { status: 'disputed', feedback: 'disputed', feedback_reason: reason });
      }
      await store.appendEvent(trx, complaintId, input.verdict, caller.actor, reason ? { reason } : {});
      await this.platform.audit.record(trx, caller.actor, { action: `complaint.${input.verdict}`, subject: personSubject(pseudonym), resource: `complaint:${complaintId}` });
    });
    return this.viewOne(complaintId, true);
  }

  /**
   * The complaints a supervisor sees: those against institutions in their jurisdiction and those
   * routed to it (unregistered institutions, by the consumer's region). Reading is audited.
   */
  async supervisorList(
    caller: Caller,
    filter: { status?: ComplaintStatus | undefined; late?: boolean | undefined; disputed?: boolean | undefined; unknownInstitution?: boolean | undefined; awaitingApproval?: boolean | undefined; page: number; pageSize: number },
  ): Promise<ComplaintView[]> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    const rows = await store.complaintsWithin(this.db, { ...filter, scopePrefix: scopePrefix(caller.principal.jurisdictionCode), today: chinaDay(), limit: filter.pageSize, offset: (filter.page - 1) * filter.pageSize });
    await this.auditRead(caller, rows, 'complaint.read');
    return this.views(rows, false);
  }

  /** One complaint for a supervisor of its jurisdiction, with its history. */
  async supervisorOne(caller: Caller, complaintId: string): Promise<ComplaintView> {
    const row = await this.withinJurisdiction(caller, complaintId);
    await this.auditRead(caller, [row], 'complaint.read');
    return this.viewOne(complaintId, true);
  }

  /** Late complaints per institution today (answered late, or open past the deadline), for early-warning indicators. */
  async lateCounts(institutionIds: readonly string[], at: Date = new Date()): Promise<Map<string, number>> {
    return store.lateCounts(this.db, institutionIds, chinaDay(at));
  }

  /**
   * The early-warning figures of complaints filed on the platform against these institutions:
   * received, still open, late (answered late or open past the deadline on `at`'s China day) and
   * disputed answers.
   */
  async indicators(institutionIds: readonly string[], at: Date = new Date()): Promise<ComplaintIndicators> {
    return store.indicators(this.db, institutionIds, chinaDay(at));
  }

  /**
   * Public statistics of a quarter by institution, product type or issue. A row with fewer than
   * `threshold` complaints is suppressed (shown as suppressed, without figures); when the suppressed
   * rows together hold fewer than `threshold`, the smallest published rows are suppressed as well, so
   * the quarter's total never gives a suppressed row away. Timeliness and outcomes are shown only
   * for rows with at least `threshold` final answers. Complaints against unregistered institutions
   * are one row, without the names consumers gave.
   */
  async statistics(quarter: string, by: store.StatDimension, threshold: number): Promise<Statistics> {
    const rows = await store.statsBy(this.db, quarter, by);
    const names = by === 'institution' ? await this.registry.institutionsByIds(rows.map((r) => r.key).filter((k) => k !== UNREGISTERED_KEY)) : new Map<string, Institution>();
    const suppressed = suppressSmallCells(rows, threshold);
    const label = (key: string) => {
      if (by === 'institution') {
        if (key === UNREGISTERED_KEY) return { nameZh: '未登记机构', nameEn: 'Unregistered institutions' };
        const i = names.get(key);
        return { nameZh: i?.nameZh ?? key, nameEn: i?.nameEn ?? key };
      }
      if (by === 'issue') {
        const issue = complaintIssues[key as ComplaintIssue] as { zh: string; en: string } | undefined;
        return { nameZh: issue?.zh ?? key, nameEn: issue?.en ?? key };
      }
      if (key === '') return { nameZh: '未注明', nameEn: 'Not stated' };
      const code = codeLists.product_type.codes.find((c) => c.code === key);
      return { nameZh: code?.zh ?? key, nameEn: code?.en ?? key };
    };
    const out: StatisticsRow[] = rows
      .map((r) => {
        if (suppressed.has(r.key)) return { key: r.key, ...label(r.key), suppressed: true, complaints: null, answered: null, onTimePercent: null, outcomes: null };
        const shown = r.answered >= threshold;
        return {
          key: r.key,
          ...label(r.key),
          suppressed: false,
          complaints: r.filed,
          answered: r.answered,
          onTimePercent: shown ? Math.round((r.answered_on_time / r.answered) * 1000) / 10 : null,
          outcomes: shown ? { closedWithExplanation: r.closed_with_explanation, monetaryRelief: r.monetary_relief, nonMonetaryRelief: r.non_monetary_relief } : null,
        };
      })
      .sort((a, b) => Number(a.suppressed) - Number(b.suppressed) || (b.complaints ?? 0) - (a.complaints ?? 0) || a.key.localeCompare(b.key));
    return { quarter, by, threshold, totalComplaints: rows.reduce((sum, r) => sum + r.filed, 0), rows: out };
  }

  /**
   * An attachment of a complaint, for one of its parties (the consumer, or the institution it is
   * against) or a supervisor of its jurisdiction; the read is audited by the vault. Throws
   * FH_NOT_FOUND (params.complaintId) for anyone else, FH_EVIDENCE_NOT_FOUND for an item not attached.
   */
  async openAttachment(caller: Caller, complaintId: string, evidenceId: string): Promise<{ summary: EvidenceSummary; stream: Readable }> {
    if (caller.principal.role === 'supervisor') await this.withinJurisdiction(caller, complaintId);
    else await this.partyOf(caller, complaintId);
    return this.evidence.openInCase(caller, `complaint:${complaintId}`, evidenceId);
  }

  // ---- For mediation and data rights ---------------------------------------------------------

  /** What mediation needs of a complaint. Throws FH_NOT_FOUND. */
  async forMediation(complaintId: string): Promise<MediationComplaint> {
    const row = await this.find(complaintId);
    return {
      complaintId: row.complaint_id,
      consumerPseudonym: row.consumer_pseudonym,
      ...(row.consumer_user_id ? { consumerUserId: row.consumer_user_id } : {}),
      institutionId: row.institution_id,
      institutionName: row.institution_name,
      jurisdictionCode: row.jurisdiction_code,
      status: row.status,
      amountAtStakeFen: row.amount_at_stake_fen,
      issue: row.issue,
      product: row.product,
      narrative: row.narrative,
      response: row.response_category && row.response_category !== 'in_progress' ? { category: row.response_category, text: row.response_text ?? '', reliefFen: row.relief_fen } : null,
      feedbackReason: row.feedback_reason,
    };
  }

  /** Which party of the complaint the caller is. Throws FH_NOT_FOUND (params.complaintId) when neither. */
  async partyOf(caller: Caller, complaintId: string): Promise<'consumer' | 'institution'> {
    const row = await this.find(complaintId);
    if (caller.principal.role === 'institution' && row.institution_id === caller.principal.institutionId) return 'institution';
    if (caller.principal.role === 'consumer' && (await this.identity.pseudonymOf(caller)) === row.consumer_pseudonym) return 'consumer';
    fail('FH_NOT_FOUND', { field: 'params.complaintId' });
  }

  /**
   * Move a disputed complaint into mediation case `caseRef`, inside the caller's transaction.
   * Throws FH_COMPLAINT_STATUS (field complaintId) from any other status, FH_NOT_FOUND.
   */
  async enterMediation(db: Kysely<Database>, complaintId: string, caseRef: string): Promise<void> {
    const row = await store.complaintForUpdate(db, complaintId).catch(() => undefined);
    if (!row) fail('FH_NOT_FOUND', { field: 'complaintId' });
    if (row.status !== 'disputed') fail('FH_COMPLAINT_STATUS', { field: 'complaintId', details: { status: row.status } });
    await store.updateComplaint(db, complaintId, ['disputed'], { status: 'in_mediation', case_ref: caseRef });
    await store.appendEvent(db, complaintId, 'mediation_started', { role: 'system', id: null }, { caseRef });
    await this.platform.audit.record(db, { role: 'system', id: null }, { action: 'complaint.mediation_started', subject: personSubject(row.consumer_pseudonym), resource: `complaint:${complaintId}`, detail: { caseRef } });
  }

  /** Close a complaint in mediation with the mediation's outcome, inside the caller's transaction. Throws FH_COMPLAINT_STATUS. */
  async closeByMediation(db: Kysely<Database>, complaintId: string, outcome: 'settled' | 'not_settled'): Promise<void> {
    const row = await store.complaintForUpdate(db, complaintId).catch(() => undefined);
    if (!row) fail('FH_NOT_FOUND', { field: 'complaintId' });
    if (row.status !== 'in_mediation') fail('FH_COMPLAINT_STATUS', { field: 'complaintId', details: { status: row.status } });
    await store.updateComplaint(db, complaintId, ['in_mediation'], { status: 'closed', closure: outcome, closed_at: new Date() });
    await store.appendEvent(db, complaintId, `mediation_${outcome}`, { role: 'system', id: null }, { caseRef: row.case_ref });
    await this.platform.audit.record(db, { role: 'system', id: null }, { action: 'complaint.mediation_closed', subject: personSubject(row.consumer_pseudonym), resource: `complaint:${complaintId}`, detail: { outcome } });
  }

  /** Everything about the person's complaints, with their history, for their data export (PIPL Art.45). */
  async exportOf(pseudonym: string): Promise<unknown[]> {
    return this.views(await store.complaintsOfConsumer(this.db, pseudonym), true);
  }

  /** The person's complaints not yet closed: a pending case that holds their data against deletion (PIPL Art.47, 50). */
  async openCasesOf(pseudonym: string): Promise<{ complaintId: string; status: string }[]> {
    return (await store.complaintsOfConsumer(this.db, pseudonym, true)).map((r) => ({ complaintId: r.complaint_id, status: r.status }));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async find(complaintId: string): Promise<store.ComplaintRow> {
    const row = await store.complaintById(this.db, complaintId).catch(() => undefined);
    if (!row) fail('FH_NOT_FOUND', { field: 'params.complaintId' });
    return row;
  }

  private async ownedByInstitution(caller: Caller, complaintId: string): Promise<store.ComplaintRow> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const row = await this.find(complaintId);
    // Another institution's complaint is not shown to exist.
    if (row.institution_id !== caller.principal.institutionId) fail('FH_NOT_FOUND', { field: 'params.complaintId' });
    return row;
  }

  private async withinJurisdiction(caller: Caller, complaintId: string): Promise<store.ComplaintRow> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    const row = await this.find(complaintId);
    if (!isWithin(row.jurisdiction_code, caller.principal.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'params.complaintId' });
    return row;
  }

  private assertOpenForDesk(row: store.ComplaintRow): void {
    if (row.status !== 'filed' && row.status !== 'in_progress') fail('FH_COMPLAINT_STATUS', { field: 'params.complaintId', details: { status: row.status } });
  }

  private reason(text: string, field: string): string {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > 1000) fail('FH_VALIDATION', { field, details: { maxLength: 1000 } });
    return trimmed;
  }

  private statKey(row: Pick<store.ComplaintRow, 'received_day' | 'institution_id' | 'product_type' | 'issue'>) {
    return { quarter: quarterOf(row.received_day), institutionKey: row.institution_id ?? UNREGISTERED_KEY, productType: row.product_type ?? '', issue: row.issue };
  }

  private async auditRead(caller: Caller, rows: store.ComplaintRow[], action: string): Promise<void> {
    if (rows.length === 0) return;
    // Queued together, so written by one statement; the rows are shown only once every read is on record.
    await Promise.all(rows.map((row) => this.platform.audit.append(caller.actor, { action, subject: personSubject(row.consumer_pseudonym), resource: `complaint:${row.complaint_id}` })));
  }

  private async viewOne(complaintId: string, withHistory: boolean): Promise<ComplaintView> {
    return (await this.views([(await store.complaintById(this.db, complaintId))!], withHistory))[0]!;
  }

  private async views(rows: store.ComplaintRow[], withHistory: boolean): Promise<ComplaintView[]> {
    const names = await this.registry.institutionsByIds([...new Set(rows.map((r) => r.institution_id).filter((id): id is string => id !== null))]);
    const events = withHistory ? await store.eventsOf(this.db, rows.map((r) => r.complaint_id)) : [];
    const today = chinaDay();
    const out = rows.map((row) => {
      const institution = row.institution_id ? names.get(row.institution_id) : undefined;
      const productType = row.product_type ? codeLists.product_type.codes.find((c) => c.code === row.product_type) : undefined;
      const overdue = row.answered_at === null && row.closed_at === null && row.deadline_day !== null && today > row.deadline_day;
      const view: ComplaintView = {
        complaintId: row.complaint_id,
        channel: row.channel,
        institution: { institutionId: row.institution_id, nameZh: institution?.nameZh ?? row.institution_name ?? '', nameEn: institution?.nameEn ?? row.institution_name ?? '', registered: row.institution_id !== null },
        jurisdiction: jurisdictionRef(row.jurisdiction_code),
        product: row.product,
        productType: productType ? { code: productType.code, zh: productType.zh, en: productType.en } : null,
        issue: { code: row.issue, zh: complaintIssues[row.issue].zh, en: complaintIssues[row.issue].en },
        narrative: row.narrative,
        amountAtStakeFen: row.amount_at_stake_fen,
        receivedAt: row.received_at.toISOString(),
        receivedDay: row.received_day,
        deadline: { days: row.deadline_days, dayKind: row.day_kind, lastDay: row.deadline_day, extension: row.extension, extensionReason: row.extension_reason, furtherReason: row.further_reason, policyId: row.policy_id },
        status: row.status,
        late: row.late || overdue,
        response: row.response_category ? { category: row.response_category, text: row.response_text ?? '', reliefFen: row.relief_fen, answeredAt: row.answered_at?.toISOString() ?? null } : null,
        feedback: row.feedback ? { verdict: row.feedback, reason: row.feedback_reason } : null,
        caseRef: row.case_ref,
        closure: row.closure,
        closedAt: row.closed_at?.toISOString() ?? null,
      };
      if (withHistory) {
        view.history = events.filter((e) => e.complaint_id === row.complaint_id).map((e) => ({ action: e.action, actorRole: e.actor_role, at: e.at.toISOString(), detail: e.detail }));
      }
      return view;
    });
    if (withHistory) {
      for (const view of out) view.attachments = await this.evidence.caseItems(`complaint:${view.complaintId}`);
    }
    return out;
  }
}
