import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import type { ConsentService } from './consent.service.js';
import type { DataRequestKind } from './data-rights.schema.js';
import * as store from './data-rights.store.js';

type Text = { zh: string; en: string };

/** Something that forbids deleting a person's data now, with its legal basis (PIPL Art.50: a refusal gives reasons). */
export interface LegalHold {
  /** Stable, for scripts: what kind of hold. */
  code: string;
  title: Text;
  basis: Text;
  /** What it concerns, e.g. `credit_dispute:<id>`. */
  resource: string;
}

/** Data that stays after a deletion because a law requires it to be kept (PIPL Art.47, second paragraph). */
export interface Retention {
  category: string;
  title: Text;
  basis: Text;
}

/**
 * A capability that holds personal data, as the data-rights desk sees it: what goes into the
 * person's copy, what forbids deletion now, what a deletion erases and what it must keep.
 */
export interface PersonalDataSource {
  /** The section of the export this source fills. */
  readonly section: string;
  /** The person's data in this capability, as they may read it. */
  exportOf(caller: Caller, pseudonym: string): Promise<unknown>;
  holdsOn?(caller: Caller, pseudonym: string): Promise<LegalHold[]>;
  /**
   * Erase within the deletion's transaction: counts by what was erased, and what to do once it
   * has committed (removing files, which a rollback could not bring back).
   */
  erase?(db: Kysely<Database>, caller: Caller, pseudonym: string): Promise<{ counts: Record<string, number>; afterCommit?: () => Promise<void> }>;
  /** What `erase` removes, in words. */
  readonly erases?: readonly Text[];
  readonly retained?: readonly Retention[];
}

export interface DataRequestView {
  requestId: string;
  kind: DataRequestKind;
  outcome: 'completed' | 'refused';
  detail: Record<string, unknown>;
  refusal: LegalHold[] | null;
  requestedAt: string;
}

export interface DeletionPlan {
  /** Empty: the deletion may go ahead. */
  holds: LegalHold[];
  /** What a deletion erases, in words. */
  erases: Text[];
  retained: Retention[];
}

export const EXPORT_FORMAT = 'fenghuo.personal-data';

const t = (zh: string, en: string): Text => ({ zh, en });

const PLATFORM_ERASES: Text[] = [
  t('您的账户、登录名和显示名称', 'Your account, username and display name'),
  t('加密保存的身份证号码和手机号码', 'Your identity card number and mobile number, kept encrypted'),
  t('访问记录与您之间的关联（记录本身保留，以保证审计日志完整可验证）', 'The link between the access log and you (the entries stay, so the audit log remains whole and verifiable)'),
];

const PLATFORM_RETAINED: Retention[] = [
  { category: 'consent_records', title: t('授权记录（已全部撤回）', 'Authorisation records (all withdrawn)'), basis: t('《征信业管理条例》第十八条、第二十二条：查询须经本人授权，查询记录须留存', 'Credit Reporting Industry Regulation Art.18 and 22: an inquiry needs the person’s authorisation, and inquiries are logged') },
  { category: 'data_requests', title: t('本次及以往的个人信息权利请求记录', 'The record of this and earlier data-rights requests'), basis: t('《个人信息保护法》第五十条：个人信息处理者应当建立便捷的个人行使权利的申请受理和处理机制', 'PIPL Art.50: a handler keeps a mechanism to receive and handle the exercise of rights') },
];

/**
 * The person's rights over their own data (PIPL Art.45–47, 50): a machine-readable copy of
 * everything the platform holds on them, correction of what the platform holds directly, and
 * deletion, refused with its reasons while a case is pending. Every request is recorded.
 */
export class DataRightsService {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly platform: Platform,
    private readonly identity: IdentityService,
    private readonly consent: ConsentService,
    private readonly sources: readonly PersonalDataSource[],
  ) {
    this.db = platform.database.db;
    const sections = new Set<string>(['identity', 'consents', 'accessLog', 'dataRequests']);
    for (const source of sources) {
      if (sections.has(source.section)) throw new Error(`two personal-data sources fill the section "${source.section}"`);
      sections.add(source.section);
    }
  }

  /**
   * Everything the platform holds on the calling consumer, as one JSON document (PIPL Art.45):
   * identity in clear, consents, each capability's section, the full access log and earlier
   * requests. Recorded as a request and audited.
   */
  async export(caller: Caller): Promise<{ document: Record<string, unknown>; requestId: string }> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const identity = await this.identity.exportOf(caller);
    const sections: Record<string, unknown> = {};
    for (const source of this.sources) sections[source.section] = await source.exportOf(caller, pseudonym);
    const requestId = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await store.insertDataRequest(trx, { request_id: requestId, subject_pseudonym: pseudonym, kind: 'export', outcome: 'completed', detail: { sections: ['identity', 'consents', ...Object.keys(sections), 'accessLog', 'dataRequests'] }, refusal: null, requested_at: now });
      await this.platform.audit.record(trx, caller.actor, { action: 'personal_data.export', subject: personSubject(pseudonym), resource: `data_request:${requestId}`, reason: '本人行使查阅、复制权 / the person exercised the right of access and copy (PIPL Art.45)' });
    });
    // Read after the audit entry, so the copy shows its own download too.
    const accessLog = await this.wholeAccessLog(caller);
    const document = {
      format: EXPORT_FORMAT,
      version: 1,
      generatedAt: now.toISOString(),
      requestId,
      identity,
      consents: await this.consent.mine(caller),
      ...sections,
      accessLog,
      dataRequests: await this.requests(caller),
    };
    return { document, requestId };
  }

  /**
   * Correct what the platform holds on the person directly (PIPL Art.46): their display name and
   * mobile number. Data an institution reported is corrected through that institution (a credit
   * dispute). FH_DATA_NOTHING_TO_CORRECT when nothing would change.
   */
  async correct(caller: Caller, input: { displayName?: string | undefined; phone?: string | null | undefined }): Promise<DataRequestView> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    const requestId = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      const fields = await this.identity.correct(trx, caller, input);
      if (fields.length === 0) fail('FH_DATA_NOTHING_TO_CORRECT', { field: 'body' });
      await store.insertDataRequest(trx, { request_id: requestId, subject_pseudonym: pseudonym, kind: 'correction', outcome: 'completed', detail: { fields }, refusal: null, requested_at: new Date() });
    });
    return this.viewOf(pseudonym, requestId);
  }

  /** What a deletion would do now: the holds that forbid it, what it erases, and what the law keeps. */
  async deletionPlan(caller: Caller): Promise<DeletionPlan> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    return { holds: await this.holdsOn(caller, pseudonym), erases: [...PLATFORM_ERASES, ...this.sources.flatMap((source) => source.erases ?? [])], retained: [...PLATFORM_RETAINED, ...this.sources.flatMap((source) => source.retained ?? [])] };
  }

  /**
   * Delete the calling consumer's personal data and close their account (PIPL Art.47), after
   * they confirm with their password. While a hold stands the request is refused with its reasons
   * (FH_DATA_LEGAL_HOLD, Art.50) and the refusal recorded. Otherwise, in one transaction: every
   * consent withdrawn, each capability's erasable data erased, the vault entries and account
   * removed, and the audit entries about the person unlinked (the log stays verifiable).
   */
  async delete(caller: Caller, password: string, address?: string): Promise<DataRequestView> {
    if (caller.principal.role !== 'consumer') fail('FH_FORBIDDEN');
    const pseudonym = await this.identity.pseudonymOf(caller);
    if (!(await this.platform.auth.checkPassword(caller.principal.userId, password, address))) fail('FH_AUTH_INVALID_CREDENTIALS', { field: 'body.password' });
    const holds = await this.holdsOn(caller, pseudonym);
    const requestId = randomUUID();
    if (holds.length > 0) {
      await this.db.transaction().execute(async (trx) => {
        await store.insertDataRequest(trx, { request_id: requestId, subject_pseudonym: pseudonym, kind: 'deletion', outcome: 'refused', detail: {}, refusal: holds, requested_at: new Date() });
        await this.platform.audit.record(trx, caller.actor, { action: 'personal_data.erase_refused', subject: personSubject(pseudonym), resource: `data_request:${requestId}`, detail: { holds: holds.map((hold) => hold.code) } });
      });
      fail('FH_DATA_LEGAL_HOLD', { field: 'body', details: { requestId, holds } });
    }
    const retained = [...PLATFORM_RETAINED, ...this.sources.flatMap((source) => source.retained ?? [])];
    const afterCommit: (() => Promise<void>)[] = [];
    await this.db.transaction().execute(async (trx) => {
      const erased: Record<string, number> = { consentsWithdrawn: await this.consent.withdrawAllOf(trx, caller, pseudonym) };
      for (const source of this.sources) {
        const done = await source.erase?.(trx, caller, pseudonym);
        if (!done) continue;
        Object.assign(erased, done.counts);
        if (done.afterCommit) afterCommit.push(done.afterCommit);
      }
      const { vaultEntries } = await this.identity.erase(trx, caller);
      erased.vaultEntries = vaultEntries;
      erased.accounts = 1;
      await store.insertDataRequest(trx, { request_id: requestId, subject_pseudonym: pseudonym, kind: 'deletion', outcome: 'completed', detail: { erased, retained: retained.map((item) => item.category) }, refusal: null, requested_at: new Date() });
      await this.platform.audit.record(trx, caller.actor, { action: 'personal_data.erase', subject: personSubject(pseudonym), resource: `data_request:${requestId}`, detail: { erased } });
      await this.platform.audit.eraseSubject(trx, caller.actor, personSubject(pseudonym), 'PIPL Art.47 deletion at the request of the person');
    });
    for (const step of afterCommit) await step();
    return this.viewOf(pseudonym, requestId);
  }

  /** The calling consumer's data-rights requests, newest first. */
  async requests(caller: Caller): Promise<DataRequestView[]> {
    const pseudonym = await this.identity.pseudonymOf(caller);
    return (await store.dataRequestsOf(this.db, pseudonym, 500)).map(viewOfRow);
  }

  private async holdsOn(caller: Caller, pseudonym: string): Promise<LegalHold[]> {
    const holds: LegalHold[] = [];
    for (const source of this.sources) holds.push(...((await source.holdsOn?.(caller, pseudonym)) ?? []));
    return holds;
  }

  private async wholeAccessLog(caller: Caller) {
    const entries = [];
    for (let page = 1; ; page += 1) {
      const { items } = await this.identity.accessLog(caller, page, 200);
      entries.push(...items);
      if (items.length < 200) return entries;
    }
  }

  private async viewOf(pseudonym: string, requestId: string): Promise<DataRequestView> {
    const row = await store.dataRequestById(this.db, requestId);
    if (row?.subject_pseudonym !== pseudonym) throw new Error(`data request ${requestId} was not recorded`);
    return viewOfRow(row);
  }
}

function viewOfRow(row: store.DataRequestRow): DataRequestView {
  return { requestId: row.request_id, kind: row.kind, outcome: row.outcome, detail: row.detail, refusal: (row.refusal as LegalHold[] | null) ?? null, requestedAt: row.requested_at.toISOString() };
}
