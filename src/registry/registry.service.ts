import { chinaDate } from '../standard/china-time.js';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database.js';
import type { Platform } from '../platform/platform.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { checkUscc } from '../standard/identifiers.js';
import { allJurisdictions, COUNTRY_CODE, isWithin, jurisdictionByCode, scopePrefix, type Jurisdiction } from '../standard/regions.js';
import { canTransition, licenceTypeInfo, licenceTypes, type InstitutionKind, type LicenceStatus, type LicenceType } from './licence-types.js';
import * as store from './registry.store.js';

export interface JurisdictionRef {
  code: string;
  nameZh: string;
  nameEn: string;
}

/** What other capabilities need to know of an institution. */
export interface Institution {
  institutionId: string;
  uscc: string;
  nameZh: string;
  nameEn: string;
  kind: InstitutionKind;
  jurisdictionCode: string;
}

export interface LicenceSummary {
  licenceId: string;
  licenceNo: string | null;
  type: LicenceType;
  status: LicenceStatus;
  statusChangedAt: string;
}

export interface InstitutionSummary {
  institutionId: string;
  uscc: string;
  nameZh: string;
  nameEn: string;
  kind: InstitutionKind;
  jurisdiction: JurisdictionRef;
  licences: LicenceSummary[];
}

export interface LicenceView extends LicenceSummary {
  institutionId: string;
  appliedAt: string;
  qualifications: { key: string; nameZh: string; nameEn: string; met: boolean; note: string; checkedAt: string | null }[];
  history: { fromStatus: LicenceStatus | null; toStatus: LicenceStatus; reason: string; at: string }[];
}

export interface InstitutionDetail extends Omit<InstitutionSummary, 'licences'> {
  registeredAt: string;
  licences: LicenceView[];
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface RegistrySearch {
  q?: string;
  licenceType?: LicenceType;
  licenceStatus?: LicenceStatus;
  jurisdiction?: string;
  page: number;
  pageSize: number;
}

export interface Overview {
  jurisdiction: JurisdictionRef;
  institutions: number;
  licencesByStatus: Record<LicenceStatus, number>;
  licencesByType: Record<LicenceType, number>;
  byRegion: (JurisdictionRef & { institutions: number; approvedLicences: number })[];
}

/** The jurisdiction reference for a code, with the code itself as the name when unknown. */
export function jurisdictionRef(code: string): JurisdictionRef {
  const j = jurisdictionByCode(code);
  return { code, nameZh: j?.nameZh ?? code, nameEn: j?.nameEn ?? code };
}

function toInstitution(row: store.InstitutionRow): Institution {
  return { institutionId: row.institution_id, uscc: row.uscc, nameZh: row.name_zh, nameEn: row.name_en, kind: row.kind, jurisdictionCode: row.jurisdiction_code };
}

function toSummary(row: store.InstitutionRow, licences: store.LicenceRow[]): InstitutionSummary {
  return { institutionId: row.institution_id, uscc: row.uscc, nameZh: row.name_zh, nameEn: row.name_en, kind: row.kind, jurisdiction: jurisdictionRef(row.jurisdiction_code), licences: licences.map(toLicenceSummary) };
}

function toLicenceSummary(row: store.LicenceRow): LicenceSummary {
  return { licenceId: row.licence_id, licenceNo: row.licence_no, type: row.licence_type, status: row.status, statusChangedAt: row.status_changed_at.toISOString() };
}

/** The supervisor's scope, or a refusal for anyone else. */
function supervisorScope(caller: Caller): string {
  if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
  return caller.principal.jurisdictionCode;
}

/**
 * Registry and market access: institutions by unified social credit code, licences by business
 * type with their qualification checklist, and the licence lifecycle, each step taken by a
 * supervisor of the institution's jurisdiction with a reason, and audited.
 */
export class RegistryService {
  private readonly db: Kysely<Database>;
  constructor(private readonly platform: Platform) {
    this.db = platform.database.db;
  }

  /** The jurisdiction tree: country, provinces, cities. */
  jurisdictions(): readonly Jurisdiction[] {
    return allJurisdictions();
  }

  /** Licence types with the qualifications each needs. */
  licenceTypes() {
    return licenceTypes.map((type) => licenceTypeInfo[type]);
  }

  /** One institution, for other capabilities (receipts, scoping). Throws FH_NOT_FOUND. */
  async getInstitution(institutionId: string): Promise<Institution> {
    const row = await store.institutionById(this.db, institutionId);
    if (!row) fail('FH_NOT_FOUND', { field: 'institutionId' });
    return toInstitution(row);
  }

  /** Several institutions by id at once (for lists that name them), keyed by id. */
  async institutionsByIds(institutionIds: readonly string[]): Promise<Map<string, Institution>> {
    const rows = await store.institutionsByIds(this.db, institutionIds);
    return new Map(rows.map((row) => [row.institution_id, toInstitution(row)]));
  }

  /** The licence types each institution holds approved now (suspended and revoked ones excluded), keyed by id. */
  async approvedLicenceTypes(institutionIds: readonly string[]): Promise<Map<string, Set<LicenceType>>> {
    const out = new Map<string, Set<LicenceType>>(institutionIds.map((id) => [id, new Set<LicenceType>()]));
    for (const licence of await store.licencesOf(this.db, institutionIds)) {
      if (licence.status === 'approved') out.get(licence.institution_id)?.add(licence.licence_type);
    }
    return out;
  }

  /** Each institution's licences approved now, with when they last became approved (the start of what they owe). */
  async approvedLicences(institutionIds: readonly string[]): Promise<Map<string, { type: LicenceType; approvedAt: Date }[]>> {
    const out = new Map<string, { type: LicenceType; approvedAt: Date }[]>(institutionIds.map((id) => [id, []]));
    for (const licence of await store.licencesOf(this.db, institutionIds)) {
      if (licence.status === 'approved') out.get(licence.institution_id)?.push({ type: licence.licence_type, approvedAt: licence.status_changed_at });
    }
    return out;
  }

  /** Ids of the institutions a supervisor's jurisdiction covers (everything under it). */
  async institutionIdsWithin(jurisdictionCode: string): Promise<string[]> {
    return store.institutionIdsWithin(this.db, scopePrefix(jurisdictionCode));
  }

  /** Refuse unless the caller may see this institution's records: its own institution, or a supervisor above it. */
  async assertCanSee(caller: Caller, institutionId: string): Promise<Institution> {
    const { principal } = caller;
    if (principal.role === 'institution') {
      if (principal.institutionId !== institutionId) fail('FH_FORBIDDEN', { field: 'institutionId' });
      return this.getInstitution(institutionId);
    }
    if (principal.role === 'supervisor') {
      const institution = await this.getInstitution(institutionId);
      if (!isWithin(institution.jurisdictionCode, principal.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'institutionId' });
      return institution;
    }
    fail('FH_FORBIDDEN');
  }

  /** Public licence lookup: by name or code, filtered by licence type, status and jurisdiction. */
  async searchPublic(search: RegistrySearch): Promise<Page<InstitutionSummary>> {
    return this.search(search, search.jurisdiction ?? COUNTRY_CODE);
  }

  /** A supervisor's institutions: the same search, never outside their jurisdiction. */
  async searchForSupervisor(caller: Caller, search: RegistrySearch): Promise<Page<InstitutionSummary>> {
    const scope = supervisorScope(caller);
    if (search.jurisdiction && !isWithin(search.jurisdiction, scope)) fail('FH_OUT_OF_JURISDICTION', { field: 'query.jurisdiction' });
    return this.search(search, search.jurisdiction ?? scope);
  }

  private async search(search: RegistrySearch, within: string): Promise<Page<InstitutionSummary>> {
    if (!jurisdictionByCode(within)) fail('FH_INVALID_JURISDICTION', { field: 'query.jurisdiction' });
    const { rows, total } = await store.searchInstitutions(
      this.db,
      { text: search.q?.trim() || undefined, licenceType: search.licenceType, licenceStatus: search.licenceStatus, jurisdictionPrefix: scopePrefix(within) },
      search.pageSize,
      (search.page - 1) * search.pageSize,
    );
    const licences = await store.licencesOf(this.db, rows.map((r) => r.institution_id));
    return {
      items: rows.map((row) => toSummary(row, licences.filter((l) => l.institution_id === row.institution_id))),
      total,
      page: search.page,
      pageSize: search.pageSize,
    };
  }

  /** Public view of one institution with its licences, qualifications and status history. */
  async publicDetail(institutionId: string): Promise<InstitutionDetail> {
    return this.detailOf(institutionId);
  }

  /** One institution for a supervisor of its jurisdiction, or for the institution itself. */
  async detail(caller: Caller, institutionId: string): Promise<InstitutionDetail> {
    await this.assertCanSee(caller, institutionId);
    return this.detailOf(institutionId);
  }

  private async detailOf(institutionId: string): Promise<InstitutionDetail> {
    const row = await store.institutionById(this.db, institutionId);
    if (!row) fail('FH_NOT_FOUND', { field: 'params.institutionId' });
    const licences = await store.licencesOf(this.db, [institutionId]);
    return { ...toSummary(row, []), registeredAt: row.registered_at.toISOString(), licences: await this.licenceViews(this.db, licences) };
  }

  private async licenceViews(db: Kysely<Database>, licences: store.LicenceRow[]): Promise<LicenceView[]> {
    const ids = licences.map((l) => l.licence_id);
    const [qualifications, history] = await Promise.all([store.qualificationsOf(db, ids), store.historyOf(db, ids)]);
    return licences.map((licence) => {
      const info = licenceTypeInfo[licence.licence_type];
      return {
        ...toLicenceSummary(licence),
        institutionId: licence.institution_id,
        appliedAt: licence.applied_at.toISOString(),
        qualifications: info.qualifications.map((qualification) => {
          const state = qualifications.find((r) => r.licence_id === licence.licence_id && r.qualification_key === qualification.key);
          return { ...qualification, met: state?.met ?? false, note: state?.note ?? '', checkedAt: state?.checked_at?.toISOString() ?? null };
        }),
        history: history
          .filter((h) => h.licence_id === licence.licence_id)
          .map((h) => ({ fromStatus: h.from_status, toStatus: h.to_status, reason: h.reason, at: h.changed_at.toISOString() })),
      };
    });
  }

  /** Register an institution in the supervisor's jurisdiction. The USCC's check character is verified. */
  async registerInstitution(caller: Caller, input: { uscc: string; nameZh: string; nameEn: string; kind: InstitutionKind; jurisdictionCode: string }): Promise<InstitutionSummary> {
    const scope = supervisorScope(caller);
    const uscc = input.uscc.trim().toUpperCase();
    const check = checkUscc(uscc);
    if (!check.ok) fail('FH_INVALID_USCC', { field: 'body.uscc', details: { reason: check.reason } });
    const jurisdiction = jurisdictionByCode(input.jurisdictionCode);
    if (!jurisdiction || jurisdiction.level === 'country') fail('FH_INVALID_JURISDICTION', { field: 'body.jurisdictionCode' });
    if (!isWithin(input.jurisdictionCode, scope)) fail('FH_OUT_OF_JURISDICTION', { field: 'body.jurisdictionCode' });
    return this.db.transaction().execute(async (trx) => {
      if (await store.institutionByUscc(trx, uscc)) fail('FH_REGISTRY_DUPLICATE_USCC', { field: 'body.uscc' });
      const row = await store.insertInstitution(trx, {
        uscc,
        name_zh: input.nameZh.trim(),
        name_en: input.nameEn.trim(),
        kind: input.kind,
        jurisdiction_code: input.jurisdictionCode,
        registered_by: `supervisor:${caller.actor.id}`,
      });
      await this.platform.audit.record(trx, caller.actor, { action: 'institution.register', subject: `institution:${row.institution_id}`, resource: `institution:${row.institution_id}`, detail: { uscc, jurisdictionCode: input.jurisdictionCode } });
      return toSummary(row, []);
    });
  }

  /** Record an application for a licence; it starts with every qualification unchecked. */
  async applyForLicence(caller: Caller, institutionId: string, type: LicenceType): Promise<LicenceView> {
    await this.assertSupervises(caller, institutionId);
    return this.db.transaction().execute(async (trx) => {
      if (await store.liveLicenceOfType(trx, institutionId, type)) fail('FH_REGISTRY_LICENCE_EXISTS', { field: 'body.type' });
      const licence = await store.insertLicence(trx, { institution_id: institutionId, licence_type: type, status: 'applied', licence_no: null }, licenceTypeInfo[type].qualifications.map((q) => q.key));
      await store.insertStatusChange(trx, { licence_id: licence.licence_id, from_status: null, to_status: 'applied', reason: '收到许可申请 / application received', actor_id: caller.actor.id });
      await this.platform.audit.record(trx, caller.actor, { action: 'licence.apply', subject: `institution:${institutionId}`, resource: `licence:${licence.licence_id}`, detail: { type } });
      return (await this.licenceViews(trx, [licence]))[0]!;
    });
  }

  /**
   * Move a licence along its lifecycle with a reason. Approval (and reinstatement) needs every
   * qualification met; the licence number is assigned at the first approval.
   */
  async transitionLicence(caller: Caller, licenceId: string, to: LicenceStatus, reason: string): Promise<LicenceView> {
    const current = await store.licenceById(this.db, licenceId);
    if (!current) fail('FH_NOT_FOUND', { field: 'params.licenceId' });
    const institution = await this.assertSupervises(caller, current.institution_id);
    if (!reason.trim()) fail('FH_VALIDATION', { field: 'body.reason' });
    return this.db.transaction().execute(async (trx) => {
      const licence = (await store.licenceById(trx, licenceId, true))!;
      if (!canTransition(licence.status, to)) fail('FH_REGISTRY_INVALID_TRANSITION', { field: 'body.to', details: { from: licence.status, to } });
      if (to === 'approved') {
        const unmet = (await store.qualificationsOf(trx, [licenceId])).filter((q) => !q.met).map((q) => q.qualification_key);
        if (unmet.length > 0) fail('FH_REGISTRY_QUALIFICATIONS_MISSING', { field: 'qualifications', details: { unmet } });
      }
      let licenceNo: string | null = null;
      if (to === 'approved' && !licence.licence_no) {
        const serial = await store.nextLicenceSerial(trx);
        licenceNo = `${institution.jurisdictionCode}-${licenceTypeInfo[licence.licence_type].abbreviation}-${chinaDate().year}-${String(serial).padStart(6, '0')}`;
      }
      const updated = await store.updateLicenceStatus(trx, licenceId, to, licenceNo);
      await store.insertStatusChange(trx, { licence_id: licenceId, from_status: licence.status, to_status: to, reason: reason.trim(), actor_id: caller.actor.id });
      await this.platform.audit.record(trx, caller.actor, { action: `licence.${to === 'approved' && licence.status === 'suspended' ? 'reinstate' : to === 'approved' ? 'approve' : to === 'suspended' ? 'suspend' : 'revoke'}`, subject: `institution:${licence.institution_id}`, resource: `licence:${licenceId}`, reason: reason.trim(), detail: { from: licence.status, to } });
      return (await this.licenceViews(trx, [updated]))[0]!;
    });
  }

  /** Mark one qualification of a licence as met or not, with a note of the evidence seen. */
  async setQualification(caller: Caller, licenceId: string, key: string, met: boolean, note: string): Promise<LicenceView> {
    const licence = await store.licenceById(this.db, licenceId);
    if (!licence) fail('FH_NOT_FOUND', { field: 'params.licenceId' });
    await this.assertSupervises(caller, licence.institution_id);
    if (!licenceTypeInfo[licence.licence_type].qualifications.some((q) => q.key === key)) fail('FH_NOT_FOUND', { field: 'params.key' });
    return this.db.transaction().execute(async (trx) => {
      await store.setQualification(trx, licenceId, key, met, note.trim(), `supervisor:${caller.actor.id}`);
      await this.platform.audit.record(trx, caller.actor, { action: 'licence.qualification', subject: `institution:${licence.institution_id}`, resource: `licence:${licenceId}`, reason: note.trim() || undefined, detail: { key, met } });
      return (await this.licenceViews(trx, [(await store.licenceById(trx, licenceId))!]))[0]!;
    });
  }

  /** Issue an API key for an institution of the supervisor's jurisdiction; the key is returned once. */
  async issueApiKey(caller: Caller, institutionId: string, label: string): Promise<{ apiKey: string; keyId: string; createdAt: Date }> {
    await this.assertSupervises(caller, institutionId);
    return this.db.transaction().execute((trx) => this.platform.auth.createApiKey(trx, institutionId, label, caller.actor));
  }

  /** Counts for a supervisor's home page: institutions, licences by status and type, and by region below them. */
  async overview(caller: Caller): Promise<Overview> {
    const scope = supervisorScope(caller);
    const prefix = scopePrefix(scope);
    const [byCode, licences] = await Promise.all([store.countsByJurisdiction(this.db, prefix), store.licenceCounts(this.db, prefix)]);
    const licencesByStatus = { applied: 0, approved: 0, suspended: 0, revoked: 0 } as Record<LicenceStatus, number>;
    const licencesByType = Object.fromEntries(licenceTypes.map((t) => [t, 0])) as Record<LicenceType, number>;
    for (const l of licences) {
      licencesByStatus[l.status] += l.count;
      if (l.status !== 'revoked') licencesByType[l.type] += l.count;
    }
    // One level down: provinces for the country, cities for a province, the city itself below.
    const level = scope === COUNTRY_CODE ? 2 : scope.endsWith('0000') ? 4 : 6;
    const regions = new Map<string, { institutions: number; approvedLicences: number }>();
    for (const row of byCode) {
      const code = row.code.slice(0, level).padEnd(6, '0');
      const entry = regions.get(code) ?? { institutions: 0, approvedLicences: 0 };
      entry.institutions += row.institutions;
      entry.approvedLicences += row.approvedLicences;
      regions.set(code, entry);
    }
    return {
      jurisdiction: jurisdictionRef(scope),
      institutions: byCode.reduce((sum, r) => sum + r.institutions, 0),
      licencesByStatus,
      licencesByType,
      byRegion: [...regions.entries()].map(([code, counts]) => ({ ...jurisdictionRef(code), ...counts })).sort((a, b) => b.institutions - a.institutions || a.code.localeCompare(b.code)),
    };
  }

  private async assertSupervises(caller: Caller, institutionId: string): Promise<Institution> {
    supervisorScope(caller);
    return this.assertCanSee(caller, institutionId);
  }
}
