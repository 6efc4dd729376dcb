import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { chinaDay } from '../standard/china-time.js';
import type { RegistryService } from '../registry/registry.service.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import { consentPurposes, dataCategories, type ConsentScope } from './consent.schema.js';
import * as store from './consent.store.js';

/** What each scope of consent may be for, with bilingual names: read by capabilities that check a purpose. */
export { consentPurposes } from './consent.schema.js';

export type ConsentStatus = 'active' | 'expired' | 'withdrawn';

export interface ConsentView {
  consentId: string;
  institution: { institutionId: string; nameZh: string; nameEn: string };
  scope: ConsentScope;
  purposes: { code: string; zh: string; en: string }[];
  dataCategories: { code: string; zh: string; en: string; sensitive: boolean }[];
  sensitive: boolean;
  recipient: string | null;
  grantedAt: string;
  expiresOn: string | null;
  withdrawnAt: string | null;
  status: ConsentStatus;
}

export interface GrantInput {
  institutionId: string;
  scope: ConsentScope;
  purposes: string[];
  dataCategories: string[];
  /** The last day it holds (China time), YYYY-MM-DD; none: until withdrawn. */
  expiresOn?: string | undefined;
  recipient?: string | undefined;
  /** True when the person gave the separate consent that sensitive data and sharing need (PIPL Art.23, 29). */
  separateConsent?: boolean | undefined;
}

/** The consent's standing on `day` (China time): withdrawn wins over expired. */
export function consentStatus(row: Pick<store.ConsentRow, 'withdrawn_at' | 'expires_on'>, day: string): ConsentStatus {
  if (row.withdrawn_at) return 'withdrawn';
  if (row.expires_on !== null && day > row.expires_on) return 'expired';
  return 'active';
}

/**
 * The consent registry: what each person allowed each institution to do with their data. The
 * person grants and withdraws in the portal; other capabilities ask `require` at the moment they
 * act, so a withdrawal takes effect at once (PIPL Art.15).
 */
export class ConsentService {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly identity: IdentityService,
  ) {
    this.db = platform.database.db;
  }

  /** The calling consumer grants a consent. Sensitive categories and sharing need `separateConsent`. Audited. */
  async grant(caller: Caller, input: GrantInput): Promise<ConsentView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const institution = await this.registry.getInstitution(input.institutionId).catch(() => fail('FH_NOT_FOUND', { field: 'body.institutionId' }));
    const purposes = [...new Set(input.purposes)];
    purposes.forEach((code, i) => {
      if (!(code in consentPurposes[input.scope])) fail('FH_VALIDATION', { field: `body.purposes.${i}`, details: { allowed: Object.keys(consentPurposes[input.scope]) } });
    });
    const categories = [...new Set(input.dataCategories)];
    categories.forEach((code, i) => {
      if (!(code in dataCategories)) fail('FH_VALIDATION', { field: `body.dataCategories.${i}`, details: { allowed: Object.keys(dataCategories) } });
    });
    const sensitive = categories.some((code) => dataCategories[code]!.sensitive);
    if ((sensitive || input.scope === 'sharing') && input.separateConsent !== true) {
      fail('FH_VALIDATION', { field: 'body.separateConsent', details: { problem: sensitive ? 'sensitive personal information needs a separate consent (PIPL Art.29)' : 'sharing with another handler needs a separate consent (PIPL Art.23)' } });
    }
    if (input.scope === 'sharing' && !input.recipient) fail('FH_VALIDATION', { field: 'body.recipient' });
    const today = chinaDay();
    if (input.expiresOn !== undefined && input.expiresOn < today) fail('FH_VALIDATION', { field: 'body.expiresOn', details: { problem: 'not before today' } });
    const consentId = randomUUID();
    const actor = { role: caller.actor.role, id: caller.actor.id };
    await this.db.transaction().execute(async (trx) => {
      await store.insertConsent(
        trx,
        { consent_id: consentId, subject_pseudonym: pseudonym, institution_id: institution.institutionId, scope: input.scope, purposes, data_categories: categories, sensitive, recipient: input.recipient ?? null, granted_at: new Date(), expires_on: input.expiresOn ?? null, withdrawn_at: null },
        actor,
      );
      await this.platform.audit.record(trx, caller.actor, { action: 'consent.granted', subject: personSubject(pseudonym), resource: `consent:${consentId}`, detail: { institutionId: institution.institutionId, scope: input.scope, purposes, dataCategories: categories, expiresOn: input.expiresOn ?? null } });
    });
    return this.view((await store.consentById(this.db, consentId))!, today, institution);
  }

  /** The calling consumer withdraws a consent, effective at once. Audited. */
  async withdraw(caller: Caller, consentId: string): Promise<ConsentView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const row = await store.consentById(this.db, consentId).catch(() => undefined);
    if (!row || row.subject_pseudonym !== pseudonym) fail('FH_NOT_FOUND', { field: 'params.consentId' });
    const today = chinaDay();
    if (consentStatus(row, today) !== 'active') fail('FH_CONSENT_CLOSED', { field: 'params.consentId', details: { status: consentStatus(row, today) } });
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.withdrawConsent(trx, consentId, new Date(), { role: caller.actor.role, id: caller.actor.id }))) fail('FH_CONSENT_CLOSED', { field: 'params.consentId', details: { status: 'withdrawn' } });
      await this.platform.audit.record(trx, caller.actor, { action: 'consent.withdrawn', subject: personSubject(pseudonym), resource: `consent:${consentId}` });
    });
    const institution = await this.registry.getInstitution(row.institution_id).catch(() => undefined);
    return this.view((await store.consentById(this.db, consentId))!, today, institution);
  }

  /** The calling consumer's consents, newest first, with their standing today. */
  async mine(caller: Caller): Promise<ConsentView[]> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const today = chinaDay();
    const rows = await store.consentsOfSubject(this.db, pseudonym);
    const names = await this.registry.institutionsByIds([...new Set(rows.map((r) => r.institution_id))]);
    return rows.map((row) => this.view(row, today, names.get(row.institution_id)));
  }

  /**
   * The consent that lets `institutionId` act for `purpose` within `scope` on the person now, or a
   * refusal: FH_CONSENT_MISSING (none was ever given), FH_CONSENT_PURPOSE (one holds, for other
   * purposes), FH_CONSENT_WITHDRAWN or FH_CONSENT_EXPIRED (the latest one no longer holds).
   */
  async require(institutionId: string, pseudonym: string, scope: ConsentScope, purpose: string, at: Date = new Date()): Promise<{ consentId: string }> {
    const rows = await store.consentsFor(this.db, institutionId, pseudonym, scope);
    if (rows.length === 0) fail('FH_CONSENT_MISSING', { details: { scope } });
    const day = chinaDay(at);
    const active = rows.filter((row) => consentStatus(row, day) === 'active');
    const covering = active.find((row) => row.purposes.includes(purpose));
    if (covering) return { consentId: covering.consent_id };
    if (active.length > 0) fail('FH_CONSENT_PURPOSE', { field: 'body.purpose', details: { purpose, authorised: [...new Set(active.flatMap((row) => row.purposes))] } });
    const latest = rows[0]!;
    if (consentStatus(latest, day) === 'withdrawn') fail('FH_CONSENT_WITHDRAWN', { details: { withdrawnAt: latest.withdrawn_at!.toISOString() } });
    fail('FH_CONSENT_EXPIRED', { details: { expiresOn: latest.expires_on } });
  }

  /**
   * Withdraw every consent the person still has in force, in the caller's transaction: the person
   * is leaving the platform, so no institution may go on acting on one. Returns how many.
   */
  async withdrawAllOf(db: Kysely<Database>, caller: Caller, pseudonym: string): Promise<number> {
    const ids = await store.withdrawAllOf(db, pseudonym, new Date(), { role: caller.actor.role, id: caller.actor.id });
    await this.platform.audit.recordMany(db, ids.map((consentId) => ({ actor: caller.actor, entry: { action: 'consent.withdrawn', subject: personSubject(pseudonym), resource: `consent:${consentId}` } })));
    return ids.length;
  }

  /** Consents granted to the calling institution, newest first (no person named: only the consent). */
  async granted(caller: Caller, page: number, pageSize: number): Promise<ConsentView[]> {
    if (caller.principal.role !== 'institution') fail('FH_FORBIDDEN');
    const today = chinaDay();
    const institution = await this.registry.getInstitution(caller.principal.institutionId);
    return (await store.consentsOfInstitution(this.db, institution.institutionId, pageSize, (page - 1) * pageSize)).map((row) => this.view(row, today, institution));
  }

  private view(row: store.ConsentRow, today: string, institution?: { institutionId: string; nameZh: string; nameEn: string }): ConsentView {
    return {
      consentId: row.consent_id,
      institution: { institutionId: row.institution_id, nameZh: institution?.nameZh ?? '', nameEn: institution?.nameEn ?? '' },
      scope: row.scope,
      purposes: row.purposes.map((code) => ({ code, ...(consentPurposes[row.scope][code] ?? { zh: code, en: code }) })),
      dataCategories: row.data_categories.map((code) => ({ code, zh: dataCategories[code]?.zh ?? code, en: dataCategories[code]?.en ?? code, sensitive: dataCategories[code]?.sensitive ?? false })),
      sensitive: row.sensitive,
      recipient: row.recipient,
      grantedAt: row.granted_at.toISOString(),
      expiresOn: row.expires_on,
      withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
      status: consentStatus(row, today),
    };
  }
}
