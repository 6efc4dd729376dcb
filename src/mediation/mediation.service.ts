import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import type { Principal } from '../platform/auth/auth.service.js';
import { sha256Hex } from '../platform/crypto.js';
import { fail } from '../platform/errors.js';
import { isWithin, jurisdictionByCode, scopePrefix } from '../standard/regions.js';
import { jurisdictionRef, type JurisdictionRef, type RegistryService } from '../registry/registry.service.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import type { EvidenceService, EvidenceSummary } from '../evidence/evidence.service.js';
// The complaint taxonomy is published vocabulary (names of issues), read here to name a case's issue.
import { complaintIssues } from '../complaints/complaint.service.js';
import { signAgreement, type AgreementBody, type SignedAgreement } from './agreement.js';
import type { MediationParty, MediationStatus, ProposalAnswer, Referral } from './mediation.schema.js';
import * as store from './mediation.store.js';

/** What mediation needs to know of a complaint. */
export interface ComplaintForMediation {
  complaintId: string;
  consumerPseudonym: string;
  institutionId: string | null;
  jurisdictionCode: string;
  status: string;
  amountAtStakeFen: number | null;
  issue: string;
}

/** The complaints capability, as mediation uses it. */
export interface MediationComplaints {
  forMediation(complaintId: string): Promise<ComplaintForMediation>;
  partyOf(caller: Caller, complaintId: string): Promise<'consumer' | 'institution'>;
  /** Moves a disputed complaint into mediation (FH_COMPLAINT_STATUS otherwise), inside the caller's transaction. */
  enterMediation(trx: Kysely<Database>, complaintId: string, caseRef: string): Promise<unknown>;
  closeByMediation(trx: Kysely<Database>, complaintId: string, outcome: 'settled' | 'not_settled'): Promise<unknown>;
}

/** One evidence item as a case lists it: the complaint's attachments and what either party added in mediation. */
export interface CaseEvidence {
  evidenceId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  hashAlgorithm: string;
  hash: string;
  /** Which party put it in the case. */
  party: MediationParty;
  receivedAt: string;
}

export interface MediatorView {
  userId: string;
  username: string;
  displayName: string;
  jurisdiction: JurisdictionRef;
  appointedAt: string;
  revokedAt: string | null;
}

export interface CaseSummary {
  caseId: string;
  complaintId: string;
  status: MediationStatus;
  issue: { code: string; zh: string; en: string };
  amountAtStakeFen: number | null;
  institution: { institutionId: string; nameZh: string; nameEn: string } | null;
  jurisdiction: JurisdictionRef;
  mediator: { userId: string; displayName: string } | null;
  requestedAt: string;
  takenAt: string | null;
  closedAt: string | null;
  referral: Referral | null;
  /** The party the caller is in this case, if any. */
  yourParty: MediationParty | null;
}

export interface ProposalView {
  proposalId: string;
  terms: string;
  amountFen: number | null;
  proposedAt: string;
  current: boolean;
  answers: { consumer: ProposalAnswer | null; consumerAt: string | null; institution: ProposalAnswer | null; institutionAt: string | null };
}

export interface CaseView extends CaseSummary {
  positions: { positionId: string; party: MediationParty; text: string; evidenceIds: string[]; submittedAt: string }[];
  proposals: ProposalView[];
  evidence: CaseEvidence[];
  events: { kind: string; actorRole: string; at: string }[];
}

interface OutcomeNames {
  institution: { nameZh: string; nameEn: string } | undefined;
  mediatorName: string;
}

const OPEN: readonly MediationStatus[] = ['requested', 'in_mediation'];

/** The case reference the evidence vault links a case's items under. */
export function caseRefOf(caseId: string): string {
  return `mediation:${caseId}`;
}

/** The case reference the complaints capability links a complaint's attachments under. */
function complaintRefOf(complaintId: string): string {
  return `complaint:${complaintId}`;
}

/** The consumer as an outcome record names them: bound to the case, so records of two cases never link. */
function consumerReference(caseId: string, pseudonym: string): string {
  return sha256Hex(`mediation:${caseId}:${pseudonym}`).slice(0, 32);
}

const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/**
 * Online mediation of disputed complaints: a supervisor appoints mediators for a jurisdiction; a
 * consumer asks for mediation of a disputed answer; a mediator of the jurisdiction takes the case,
 * hears both parties' positions and evidence and proposes terms; when both accept, the case is
 * settled, else the mediator closes it as not settled and names arbitration or court. The outcome
 * is a record signed by the platform that either party checks offline. Every step is kept in
 * mediation_event and audited with the consumer as subject.
 */
export class MediationService {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly identity: IdentityService,
    private readonly complaints: MediationComplaints,
    /** The evidence vault; without one, cases hold no evidence. */
    private readonly evidence?: Pick<EvidenceService, 'requireOwned' | 'linkToCase' | 'caseItems' | 'openInCase'>,
  ) {
    this.db = platform.database.db;
  }

  // -------------------------------------------------------------------------------------------
  // Mediators

  /**
   * A supervisor appoints a mediator for a jurisdiction within their own, creating the account
   * with its password (FH_OUT_OF_JURISDICTION, FH_INVALID_JURISDICTION, FH_AUTH_USERNAME_TAKEN). Audited.
   */
  async appointMediator(caller: Caller, input: { username: string; password: string; displayName: string; jurisdictionCode: string }): Promise<MediatorView> {
    const supervisor = asSupervisor(caller.principal);
    if (!jurisdictionByCode(input.jurisdictionCode)) fail('FH_INVALID_JURISDICTION', { field: 'body.jurisdictionCode' });
    if (!isWithin(input.jurisdictionCode, supervisor.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'body.jurisdictionCode' });
    if (input.password.length < 8) fail('FH_AUTH_WEAK_PASSWORD', { field: 'body.password' });
    const userId = await this.db.transaction().execute(async (trx) => {
      const user = await this.platform.auth.createUser(trx, { username: input.username, password: input.password, role: 'mediator', displayName: input.displayName, jurisdictionCode: input.jurisdictionCode });
      await store.insertAppointment(trx, { user_id: user.user_id, jurisdiction_code: input.jurisdictionCode, appointed_by: supervisor.userId, revoked_at: null, revoked_by: null });
      await this.platform.audit.record(trx, caller.actor, { action: 'mediator.appoint', resource: `user:${user.user_id}`, detail: { username: input.username, jurisdictionCode: input.jurisdictionCode } });
      return user.user_id;
    });
    return mediatorView((await store.appointmentOf(this.db, userId))!);
  }

  /** The mediators appointed within the supervisor's jurisdiction, newest first, revoked ones too. */
  async mediators(caller: Caller): Promise<MediatorView[]> {
    const supervisor = asSupervisor(caller.principal);
    return (await store.appointmentsWithin(this.db, scopePrefix(supervisor.jurisdictionCode))).map(mediatorView);
  }

  /** End a mediator's appointment: the account stops logging in and its sessions stop working at once. Audited. */
  async revokeMediator(caller: Caller, userId: string): Promise<MediatorView> {
    const supervisor = asSupervisor(caller.principal);
    const appointment = isUuid(userId) ? await store.appointmentOf(this.db, userId) : undefined;
    if (!appointment) fail('FH_NOT_FOUND', { field: 'params.userId' });
    if (!isWithin(appointment.jurisdiction_code, supervisor.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'params.userId' });
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.revokeAppointment(trx, userId, supervisor.userId, new Date()))) fail('FH_MEDIATOR_REVOKED', { field: 'params.userId' });
      await this.platform.auth.disableUser(trx, userId);
      await this.platform.audit.record(trx, caller.actor, { action: 'mediator.revoke', resource: `user:${userId}` });
    });
    return mediatorView((await store.appointmentOf(this.db, userId))!);
  }

  // -------------------------------------------------------------------------------------------
  // Cases

  /**
   * The consumer asks for mediation of their complaint whose answer they disputed. The case goes
   * to the mediators of the complaint's jurisdiction. FH_NOT_FOUND when the complaint is not theirs,
   * FH_MEDIATION_EXISTS when it already is in mediation, the complaint's status code otherwise.
   */
  async request(caller: Caller, complaintId: string): Promise<CaseView> {
    if (caller.principal.role !== 'consumer') fail('FH_FORBIDDEN');
    if (!isUuid(complaintId)) fail('FH_NOT_FOUND', { field: 'params.complaintId' });
    const party = await this.complaints.partyOf(caller, complaintId);
    if (party !== 'consumer') fail('FH_NOT_FOUND', { field: 'params.complaintId' });
    const existing = await store.caseOfComplaint(this.db, complaintId);
    if (existing) fail('FH_MEDIATION_EXISTS', { field: 'params.complaintId', details: { caseId: existing.case_id } });
    const complaint = await this.complaints.forMediation(complaintId);
    const caseId = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await this.complaints.enterMediation(trx, complaintId, caseRefOf(caseId));
      await store.insertCase(trx, {
        case_id: caseId,
        complaint_id: complaintId,
        consumer_pseudonym: complaint.consumerPseudonym,
        institution_id: complaint.institutionId,
        jurisdiction_code: complaint.jurisdictionCode,
        amount_at_stake_fen: complaint.amountAtStakeFen,
        issue: complaint.issue,
        status: 'requested',
        mediator_user_id: null,
        requested_at: new Date(),
        taken_at: null,
        closed_at: null,
        referral: null,
      });
      await this.step(trx, caller, caseId, complaint.consumerPseudonym, 'requested', { complaintId, jurisdictionCode: complaint.jurisdictionCode });
    });
    return this.view(caller, (await store.caseById(this.db, caseId))!);
  }

  /**
   * The cases the caller may see: a consumer's own, an institution's own, a supervisor's within the
   * jurisdiction; a mediator's `queue` is the untaken cases of their jurisdiction, `mine` those they took.
   */
  async list(caller: Caller, options: { mediatorView?: 'queue' | 'mine'; status?: readonly MediationStatus[] } = {}): Promise<CaseSummary[]> {
    const principal = caller.principal;
    let rows: store.CaseRow[];
    switch (principal.role) {
      case 'consumer':
        rows = await store.cases(this.db, { consumerPseudonym: await this.identity.pseudonymOf(caller), ...(options.status ? { status: options.status } : {}) });
        break;
      case 'institution':
        rows = await store.cases(this.db, { institutionId: principal.institutionId, ...(options.status ? { status: options.status } : {}) });
        break;
      case 'supervisor':
        rows = await store.cases(this.db, { jurisdictionPrefix: scopePrefix(principal.jurisdictionCode), ...(options.status ? { status: options.status } : {}) });
        break;
      case 'mediator':
        rows =
          options.mediatorView === 'mine'
            ? await store.cases(this.db, { mediatorUserId: principal.userId, ...(options.status ? { status: options.status } : {}) })
            : await store.cases(this.db, { jurisdictionPrefix: scopePrefix(principal.jurisdictionCode), status: ['requested'] });
        break;
      case 'public':
        fail('FH_FORBIDDEN');
    }
    return this.summaries(caller, rows);
  }

  /** One case with both parties' positions, the proposals, the evidence and the steps. Read by anyone but the consumer, audited. */
  async get(caller: Caller, caseId: string): Promise<CaseView> {
    const row = await this.readable(caller, caseId);
    if (caller.principal.role !== 'consumer') {
      await this.platform.audit.append(caller.actor, { action: 'mediation.read', subject: personSubject(row.consumer_pseudonym), resource: `mediation:${caseId}` });
    }
    return this.view(caller, row);
  }

  /** A mediator of the case's jurisdiction takes an untaken case (FH_MEDIATION_STATUS when someone did). */
  async take(caller: Caller, caseId: string): Promise<CaseView> {
    const mediator = asMediator(caller.principal);
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lockReadable(trx, caller, caseId, undefined);
      if (row.status !== 'requested') fail(OPEN.includes(row.status) ? 'FH_MEDIATION_STATUS' : 'FH_MEDIATION_CLOSED', { field: 'params.caseId', details: { status: row.status } });
      await store.takeCase(trx, caseId, mediator.userId, new Date());
      await this.step(trx, caller, caseId, row.consumer_pseudonym, 'taken', { mediator: mediator.displayName });
    });
    return this.view(caller, (await store.caseById(this.db, caseId))!);
  }

  /**
   * A party states its position, with evidence items of its own from the vault, linked to the case.
   * FH_MEDIATION_CLOSED on a closed case; evidence not the caller's is refused by the vault.
   */
  async submitPosition(caller: Caller, caseId: string, input: { text: string; evidenceIds?: readonly string[] }): Promise<CaseView> {
    const text = input.text.trim();
    if (!text) fail('FH_VALIDATION', { field: 'body.text' });
    const evidenceIds = [...new Set(input.evidenceIds ?? [])];
    const party = partyRole(caller.principal);
    const pseudonym = await this.ownPseudonym(caller);
    const before = await this.readable(caller, caseId);
    if (!OPEN.includes(before.status)) fail('FH_MEDIATION_CLOSED', { field: 'params.caseId', details: { status: before.status } });
    if (evidenceIds.length > 0) {
      if (!this.evidence) fail('FH_NOT_FOUND', { field: 'body.evidenceIds.0' });
      await this.evidence.requireOwned(caller, [...evidenceIds], 'body.evidenceIds');
    }
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lockReadable(trx, caller, caseId, pseudonym);
      if (!OPEN.includes(row.status)) fail('FH_MEDIATION_CLOSED', { field: 'params.caseId', details: { status: row.status } });
      const positionId = randomUUID();
      await store.insertPosition(trx, { position_id: positionId, case_id: caseId, party, text, evidence_ids: evidenceIds });
      if (evidenceIds.length > 0) await this.evidence?.linkToCase(trx, caseRefOf(caseId), [...evidenceIds]);
      await this.step(trx, caller, caseId, row.consumer_pseudonym, 'position', { party, positionId, evidenceIds });
    });
    return this.view(caller, (await store.caseById(this.db, caseId))!);
  }

  /** The mediator who took the case proposes terms (text, an optional amount in fen); a newer proposal replaces the open one. */
  async propose(caller: Caller, caseId: string, input: { terms: string; amountFen?: number | null }): Promise<CaseView> {
    const mediator = asMediator(caller.principal);
    const terms = input.terms.trim();
    if (!terms) fail('FH_VALIDATION', { field: 'body.terms' });
    const amountFen = input.amountFen ?? null;
    if (amountFen !== null && (!Number.isSafeInteger(amountFen) || amountFen < 0)) fail('FH_VALIDATION', { field: 'body.amountFen' });
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lockReadable(trx, caller, caseId, undefined);
      this.requireHandling(row, mediator.userId);
      const proposalId = randomUUID();
      const at = new Date();
      await store.insertProposal(trx, { proposal_id: proposalId, case_id: caseId, terms, amount_fen: amountFen, proposed_by: mediator.userId, consumer_answer: null, consumer_answered_at: null, institution_answer: null, institution_answered_at: null, superseded_at: null }, at);
      await this.step(trx, caller, caseId, row.consumer_pseudonym, 'proposed', { proposalId, amountFen });
    });
    return this.view(caller, (await store.caseById(this.db, caseId))!);
  }

  /**
   * A party accepts or rejects the current proposal. When both have accepted, the case is settled
   * with those terms and the signed outcome is made in the same transaction.
   */
  async answer(caller: Caller, caseId: string, proposalId: string, answer: ProposalAnswer): Promise<CaseView> {
    const party = partyRole(caller.principal);
    const pseudonym = await this.ownPseudonym(caller);
    const before = await this.readable(caller, caseId);
    const names = before.mediator_user_id ? await this.outcomeNames(before, before.mediator_user_id) : undefined;
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lockReadable(trx, caller, caseId, pseudonym);
      if (!OPEN.includes(row.status)) fail('FH_MEDIATION_CLOSED', { field: 'params.caseId', details: { status: row.status } });
      const proposal = isUuid(proposalId) ? await store.proposalById(trx, proposalId) : undefined;
      if (!proposal || proposal.case_id !== caseId) fail('FH_NOT_FOUND', { field: 'params.proposalId' });
      if (proposal.superseded_at) fail('FH_MEDIATION_PROPOSAL_STALE', { field: 'params.proposalId' });
      const already = party === 'consumer' ? proposal.consumer_answer : proposal.institution_answer;
      if (already) fail('FH_MEDIATION_ALREADY_ANSWERED', { field: 'params.proposalId', details: { answer: already } });
      const at = new Date();
      const answered = await store.answerProposal(trx, proposalId, party, answer, at);
      await this.step(trx, caller, caseId, row.consumer_pseudonym, answer === 'accepted' ? 'accepted' : 'rejected', { party, proposalId });
      if (answered.consumer_answer === 'accepted' && answered.institution_answer === 'accepted') {
        await this.close(trx, caller, row, names ?? { institution: undefined, mediatorName: '' }, { outcome: 'settled', referral: null, proposal: answered, at });
      }
    });
    return this.view(caller, (await store.caseById(this.db, caseId))!);
  }

  /** The mediator who took the case closes it as not settled, naming where it goes next. */
  async closeNotSettled(caller: Caller, caseId: string, input: { referral: Referral; reason?: string }): Promise<CaseView> {
    const mediator = asMediator(caller.principal);
    const names = await this.outcomeNames(await this.readable(caller, caseId), mediator.userId);
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lockReadable(trx, caller, caseId, undefined);
      this.requireHandling(row, mediator.userId);
      const proposals = await store.proposalsOf(trx, caseId);
      await this.close(trx, caller, row, names, { outcome: 'not_settled', referral: input.referral, proposal: proposals[0] ?? null, at: new Date(), reason: input.reason ?? null });
    });
    return this.view(caller, (await store.caseById(this.db, caseId))!);
  }

  /** The signed outcome of a closed case, for either party, the mediator or a supervisor (FH_MEDIATION_NOT_CLOSED before). */
  async agreement(caller: Caller, caseId: string): Promise<SignedAgreement> {
    const row = await this.readable(caller, caseId);
    if (!row.agreement) fail('FH_MEDIATION_NOT_CLOSED', { field: 'params.caseId', details: { status: row.status } });
    await this.platform.audit.append(caller.actor, { action: 'mediation.agreement_download', subject: personSubject(row.consumer_pseudonym), resource: `mediation:${caseId}` });
    return JSON.parse(row.agreement) as SignedAgreement;
  }

  /** Open one evidence item of the case, for anyone who may read the case; the vault audits the read. */
  async openEvidence(caller: Caller, caseId: string, evidenceId: string): Promise<{ summary: { fileName: string; mediaType: string; sizeBytes: number }; stream: Readable }> {
    const row = await this.readable(caller, caseId);
    if (!this.evidence) fail('FH_NOT_FOUND', { field: 'params.evidenceId' });
    // An attachment of the complaint is part of the case too.
    const fromComplaint = (await this.evidence.caseItems(complaintRefOf(row.complaint_id))).some((item) => item.evidenceId === evidenceId);
    const opened = await this.evidence.openInCase(caller, fromComplaint ? complaintRefOf(row.complaint_id) : caseRefOf(caseId), evidenceId);
    return { summary: { fileName: opened.summary.fileName, mediaType: opened.summary.mediaType, sizeBytes: opened.summary.bytes }, stream: opened.stream };
  }

  /** The case of a complaint, if one was requested (for the complaint's own pages). */
  async caseOfComplaint(complaintId: string): Promise<{ caseId: string; status: MediationStatus } | null> {
    if (!isUuid(complaintId)) return null;
    const row = await store.caseOfComplaint(this.db, complaintId);
    return row ? { caseId: row.case_id, status: row.status } : null;
  }

  // -------------------------------------------------------------------------------------------

  private requireHandling(row: store.CaseRow, mediatorUserId: string): void {
    if (!OPEN.includes(row.status)) fail('FH_MEDIATION_CLOSED', { field: 'params.caseId', details: { status: row.status } });
    if (row.status === 'requested') fail('FH_MEDIATION_STATUS', { field: 'params.caseId', details: { status: row.status } });
    if (row.mediator_user_id !== mediatorUserId) fail('FH_MEDIATION_NOT_ASSIGNED', { field: 'params.caseId' });
  }

  private async close(
    trx: Kysely<Database>,
    caller: Caller,
    row: store.CaseRow,
    names: OutcomeNames,
    outcome: { outcome: 'settled' | 'not_settled'; referral: Referral | null; proposal: store.ProposalRow | null; at: Date; reason?: string | null },
  ): Promise<void> {
    const signer = this.platform.keys.signer;
    const { institution, mediatorName } = names;
    const mediatorId = row.mediator_user_id!;
    const mediatorAppointment = await store.appointmentOf(trx, mediatorId);
    const p = outcome.proposal;
    const acceptances: AgreementBody['acceptances'] = [];
    if (p?.consumer_answer === 'accepted') acceptances.push({ party: 'consumer', acceptedAt: p.consumer_answered_at!.toISOString() });
    if (p?.institution_answer === 'accepted') acceptances.push({ party: 'institution', acceptedAt: p.institution_answered_at!.toISOString() });
    const body: AgreementBody = {
      kind: 'fenghuo.mediation-outcome',
      caseId: row.case_id,
      complaintId: row.complaint_id,
      parties: {
        consumer: { reference: consumerReference(row.case_id, row.consumer_pseudonym) },
        institution: row.institution_id ? { institutionId: row.institution_id, nameZh: institution?.nameZh ?? '', nameEn: institution?.nameEn ?? '' } : null,
      },
      mediator: { userId: mediatorId, displayName: mediatorName, jurisdictionCode: mediatorAppointment?.jurisdiction_code ?? row.jurisdiction_code },
      outcome: outcome.outcome,
      terms: p ? { text: p.terms, amountFen: p.amount_fen } : null,
      acceptances,
      referral: outcome.referral,
      closedAt: outcome.at.toISOString(),
      keyId: signer.keyId,
      algorithm: signer.algorithm,
    };
    const signed = signAgreement(body, signer);
    await store.closeCase(trx, row.case_id, { status: outcome.outcome, referral: outcome.referral, closedAt: outcome.at, agreement: JSON.stringify(signed) });
    await this.complaints.closeByMediation(trx, row.complaint_id, outcome.outcome);
    await this.step(trx, caller, row.case_id, row.consumer_pseudonym, outcome.outcome, { referral: outcome.referral, ...(outcome.reason ? { reason: outcome.reason } : {}), proposalId: p?.proposal_id ?? null });
  }

  /** One event row and one audit entry with the consumer as subject: every step leaves both. */
  private async step(trx: Kysely<Database>, caller: Caller, caseId: string, pseudonym: string, kind: string, detail: Record<string, unknown>): Promise<void> {
    await store.insertEvent(trx, { caseId, kind, actor: { role: caller.actor.role, id: caller.actor.id }, detail });
    await this.platform.audit.record(trx, caller.actor, { action: `mediation.${kind}`, subject: personSubject(pseudonym), resource: `mediation:${caseId}`, detail });
  }

  /** The case if the caller may read it: FH_NOT_FOUND when it is not theirs, FH_OUT_OF_JURISDICTION for officials outside it. */
  private async readable(caller: Caller, caseId: string, inside?: { trx: Kysely<Database>; pseudonym: string | undefined }): Promise<store.CaseRow> {
    const db = inside?.trx ?? this.db;
    const lock = inside !== undefined;
    const row = isUuid(caseId) ? await (lock ? store.lockCase(db, caseId) : store.caseById(db, caseId)) : undefined;
    if (!row) fail('FH_NOT_FOUND', { field: 'params.caseId' });
    const principal = caller.principal;
    switch (principal.role) {
      case 'consumer':
        // Inside a transaction the pseudonym was read before it began: the embedded engine has one connection.
        if (row.consumer_pseudonym !== (inside ? inside.pseudonym : await this.identity.pseudonymOf(caller))) fail('FH_NOT_FOUND', { field: 'params.caseId' });
        break;
      case 'institution':
        if (row.institution_id !== principal.institutionId) fail('FH_NOT_FOUND', { field: 'params.caseId' });
        break;
      case 'mediator':
      case 'supervisor':
        if (!isWithin(row.jurisdiction_code, principal.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'params.caseId' });
        break;
      case 'public':
        fail('FH_FORBIDDEN');
    }
    return row;
  }

  /** The case locked in `trx`, if the caller may read it; `pseudonym` is the calling consumer's, read before the transaction. */
  private lockReadable(trx: Kysely<Database>, caller: Caller, caseId: string, pseudonym: string | undefined): Promise<store.CaseRow> {
    return this.readable(caller, caseId, { trx, pseudonym });
  }

  /** The calling consumer's pseudonym (undefined for other roles), read before a transaction starts. */
  private async ownPseudonym(caller: Caller): Promise<string | undefined> {
    return caller.principal.role === 'consumer' ? this.identity.pseudonymOf(caller) : undefined;
  }

  /** The names an outcome record carries, read before the transaction that closes the case. */
  private async outcomeNames(row: store.CaseRow, mediatorUserId: string): Promise<OutcomeNames> {
    const institution = row.institution_id ? await this.registry.getInstitution(row.institution_id).catch(() => undefined) : undefined;
    const mediatorName = (await this.platform.auth.displayNames([mediatorUserId])).get(mediatorUserId) ?? '';
    return { institution: institution ? { nameZh: institution.nameZh, nameEn: institution.nameEn } : undefined, mediatorName };
  }

  private async summaries(caller: Caller, rows: store.CaseRow[]): Promise<CaseSummary[]> {
    const institutions = await this.registry.institutionsByIds([...new Set(rows.flatMap((r) => (r.institution_id ? [r.institution_id] : [])))]);
    const mediators = await this.platform.auth.displayNames([...new Set(rows.flatMap((r) => (r.mediator_user_id ? [r.mediator_user_id] : [])))]);
    const yourParty = caller.principal.role === 'consumer' || caller.principal.role === 'institution' ? caller.principal.role : null;
    return rows.map((row) => {
      const institution = row.institution_id ? institutions.get(row.institution_id) : undefined;
      return {
        caseId: row.case_id,
        complaintId: row.complaint_id,
        status: row.status,
        issue: issueOf(row.issue),
        amountAtStakeFen: row.amount_at_stake_fen,
        institution: row.institution_id ? { institutionId: row.institution_id, nameZh: institution?.nameZh ?? '', nameEn: institution?.nameEn ?? '' } : null,
        jurisdiction: jurisdictionRef(row.jurisdiction_code),
        mediator: row.mediator_user_id ? { userId: row.mediator_user_id, displayName: mediators.get(row.mediator_user_id) ?? '' } : null,
        requestedAt: row.requested_at.toISOString(),
        takenAt: row.taken_at?.toISOString() ?? null,
        closedAt: row.closed_at?.toISOString() ?? null,
        referral: row.referral,
        yourParty,
      };
    });
  }

  private async view(caller: Caller, row: store.CaseRow): Promise<CaseView> {
    const [summary] = await this.summaries(caller, [row]);
    const [positions, proposals, attached, added, events] = await Promise.all([
      store.positionsOf(this.db, row.case_id),
      store.proposalsOf(this.db, row.case_id),
      this.evidence ? this.evidence.caseItems(complaintRefOf(row.complaint_id)) : Promise.resolve([]),
      this.evidence ? this.evidence.caseItems(caseRefOf(row.case_id)) : Promise.resolve([]),
      store.eventsOf(this.db, row.case_id),
    ]);
    // Who added an item: the party whose position carried it; the complaint's attachments are the consumer's.
    const partyOf = new Map<string, MediationParty>(positions.flatMap((p) => p.evidence_ids.map((id) => [id, p.party] as const)));
    const item = (summary: EvidenceSummary, party: MediationParty): CaseEvidence => ({
      evidenceId: summary.evidenceId,
      fileName: summary.fileName,
      mediaType: summary.mediaType,
      sizeBytes: summary.bytes,
      hashAlgorithm: summary.hashAlgorithm,
      hash: summary.hash,
      party,
      receivedAt: summary.receivedAt,
    });
    const seen = new Set(attached.map((a) => a.evidenceId));
    const evidence = [...attached.map((a) => item(a, 'consumer')), ...added.filter((a) => !seen.has(a.evidenceId)).map((a) => item(a, partyOf.get(a.evidenceId) ?? 'consumer'))];
    return {
      ...summary!,
      positions: positions.map((p) => ({ positionId: p.position_id, party: p.party, text: p.text, evidenceIds: p.evidence_ids, submittedAt: p.submitted_at.toISOString() })),
      proposals: proposals.map((p) => ({
        proposalId: p.proposal_id,
        terms: p.terms,
        amountFen: p.amount_fen,
        proposedAt: p.proposed_at.toISOString(),
        current: p.superseded_at === null,
        answers: { consumer: p.consumer_answer, consumerAt: p.consumer_answered_at?.toISOString() ?? null, institution: p.institution_answer, institutionAt: p.institution_answered_at?.toISOString() ?? null },
      })),
      evidence,
      events: events.map((e) => ({ kind: e.kind, actorRole: e.actor_role, at: e.at.toISOString() })),
    };
  }
}

function issueOf(code: string): { code: string; zh: string; en: string } {
  const known = (complaintIssues as Record<string, { zh: string; en: string } | undefined>)[code];
  return { code, zh: known?.zh ?? code, en: known?.en ?? code };
}

function asSupervisor(principal: Principal): Extract<Principal, { role: 'supervisor' }> {
  if (principal.role !== 'supervisor') fail('FH_FORBIDDEN');
  return principal;
}

function asMediator(principal: Principal): Extract<Principal, { role: 'mediator' }> {
  if (principal.role !== 'mediator') fail('FH_FORBIDDEN');
  return principal;
}

function partyRole(principal: Principal): MediationParty {
  if (principal.role !== 'consumer' && principal.role !== 'institution') fail('FH_FORBIDDEN');
  return principal.role;
}

function mediatorView(row: store.AppointmentRow): MediatorView {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    jurisdiction: jurisdictionRef(row.jurisdiction_code),
    appointedAt: row.appointed_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
