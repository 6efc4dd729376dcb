import type { Kysely } from 'kysely';
import type { Database } from '../platform/database.js';
import type { Platform } from '../platform/platform.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import { checkResidentId, maskResidentId, normalizeResidentId } from '../standard/identifiers.js';
import { containingJurisdiction, scopePrefix } from '../standard/regions.js';
import { jurisdictionRef, type JurisdictionRef, type RegistryService } from '../registry/registry.service.js';
import type { IdentifierKind } from './identity.schema.js';
import * as store from './identity.store.js';

export interface ConsumerProfile {
  consumerId: string;
  displayName: string;
  residentIdMasked: string;
  birthDate: string;
  sex: 'male' | 'female';
  region: JurisdictionRef | null;
  registeredAt: string;
}

export interface AccessLogEntry {
  seq: number;
  occurredAt: string;
  actorRole: string;
  /** Who it was, by name: the institution, the official, or `self` when the person acted themselves; null for the platform. */
  actor: { self: boolean; nameZh: string; nameEn: string } | null;
  action: string;
  reason: string | null;
  resource: string | null;
}

const PHONE = /^1[3-9]\d{9}$/;

/** The audit subject for a person, whichever capability touches their data. */
export function personSubject(pseudonym: string): string {
  return `person:${pseudonym}`;
}

/**
 * Identity and the personal-data vault. A person is known everywhere by the keyed HMAC of their
 * resident ID number; the clear number is sealed (AES-256-GCM, bound to the pseudonym) in the
 * vault and nowhere else, and only for people who gave it to the platform themselves: the
 * borrowers in a filing stay pseudonyms (PIPL Art.6, collect no more than the purpose needs;
 * their institution holds the number). Every read of the vault is audited.
 */
export class IdentityService {
  private readonly db: Kysely<Database>;
  /** `registry` names the institutions in the access log; without it they are named by role only. */
  constructor(
    private readonly platform: Platform,
    private readonly registry?: RegistryService,
  ) {
    this.db = platform.database.db;
  }

  /** The pseudonym of an identifier; the same everywhere in the platform. */
  pseudonym(kind: IdentifierKind, value: string): string {
    return this.platform.keys.pseudonymizer.pseudonym(kind, value);
  }

  private seal(kind: IdentifierKind, value: string) {
    const pseudonym = this.pseudonym(kind, value);
    const sealed = this.platform.keys.vault.seal(value, pseudonym);
    return { pseudonym, kind, key_id: sealed.keyId, sealed: sealed.sealed };
  }

  /**
   * Register a consumer account: the resident ID is checked (GB 11643), pseudonymised and sealed
   * in the vault; the password is hashed. Throws FH_INVALID_RESIDENT_ID, FH_IDENTITY_CONSUMER_EXISTS,
   * FH_AUTH_USERNAME_TAKEN.
   */
  async registerConsumer(input: { username: string; password: string; displayName: string; residentId: string; phone?: string }, requestId?: string): Promise<{ consumerId: string }> {
    const residentId = normalizeResidentId(input.residentId.trim());
    const check = checkResidentId(residentId);
    if (!check.ok) fail('FH_INVALID_RESIDENT_ID', { field: 'body.residentId', details: { reason: check.reason } });
    if (input.phone !== undefined && !PHONE.test(input.phone)) fail('FH_VALIDATION', { field: 'body.phone', details: { reason: 'a mainland mobile number of 11 digits' } });
    if (input.password.length < 8) fail('FH_AUTH_WEAK_PASSWORD', { field: 'body.password' });
    const person = this.seal('resident_id', residentId);
    const phone = input.phone ? this.seal('phone', input.phone) : undefined;
    return this.db.transaction().execute(async (trx) => {
      if (await store.consumerByPseudonym(trx, person.pseudonym)) fail('FH_IDENTITY_CONSUMER_EXISTS', { field: 'body.residentId' });
      await store.insertVaultEntry(trx, person);
      if (phone) await store.insertVaultEntry(trx, phone);
      const consumer = await store.insertConsumer(trx, {
        pseudonym: person.pseudonym,
        phone_pseudonym: phone?.pseudonym ?? null,
        region_code: containingJurisdiction(check.regionCode)?.code ?? null,
        birth_year: Number(check.birthDate.slice(0, 4)),
      });
      const user = await this.platform.auth.createUser(trx, { username: input.username, password: input.password, role: 'consumer', displayName: input.displayName, consumerId: consumer.consumer_id });
      await this.platform.audit.record(trx, { role: 'consumer', id: user.user_id, ...(requestId ? { requestId } : {}) }, { action: 'consumer.register', subject: personSubject(person.pseudonym), resource: `consumer:${consumer.consumer_id}` });
      return { consumerId: consumer.consumer_id };
    });
  }

  /** The calling consumer's own profile; opening the vault to show the masked number is audited. */
  async profile(caller: Caller): Promise<ConsumerProfile> {
    const consumer = await this.ownConsumer(caller);
    const vault = await store.vaultEntry(this.db, consumer.pseudonym);
    if (!vault) fail('FH_NOT_FOUND', { field: 'consumer' });
    const residentId = this.platform.keys.vault.open({ keyId: vault.key_id, sealed: vault.sealed }, consumer.pseudonym);
    const check = checkResidentId(residentId);
    await this.platform.audit.append(caller.actor, { action: 'personal_data.read', subject: personSubject(consumer.pseudonym), resource: `consumer:${consumer.consumer_id}`, reason: '本人查看个人资料 / the data subject viewed their own profile' });
    const region = consumer.region_code ? jurisdictionRef(consumer.region_code) : null;
    return {
      consumerId: consumer.consumer_id,
      displayName: caller.principal.role === 'consumer' ? caller.principal.displayName : '',
      residentIdMasked: maskResidentId(residentId),
      birthDate: check.ok ? check.birthDate : '',
      sex: check.ok ? check.sex : 'male',
      region,
      registeredAt: consumer.registered_at.toISOString(),
    };
  }

  /** Who touched the calling consumer's data, newest first (PIPL Art.45; credit reporting Art.22). */
  async accessLog(caller: Caller, page: number, pageSize: number): Promise<{ items: AccessLogEntry[]; page: number; pageSize: number }> {
    const consumer = await this.ownConsumer(caller);
    const rows = await this.platform.audit.about(personSubject(consumer.pseudonym), pageSize, undefined, (page - 1) * pageSize);
    const self = caller.principal.role === 'consumer' ? caller.principal.userId : '';
    const ids = (role: string) => [...new Set(rows.filter((r) => r.actor_role === role && r.actor_id !== null && r.actor_id !== self).map((r) => r.actor_id!))];
    const institutions = this.registry ? await this.registry.institutionsByIds(ids('institution')) : new Map<string, { nameZh: string; nameEn: string }>();
    const people = await this.platform.auth.displayNames([...ids('supervisor'), ...ids('mediator'), ...ids('consumer')]);
    const actorOf = (r: (typeof rows)[number]): AccessLogEntry['actor'] => {
      if (r.actor_id === null) return null;
      if (r.actor_id === self) return { self: true, nameZh: '本人', nameEn: 'You' };
      const institution = r.actor_role === 'institution' ? institutions.get(r.actor_id) : undefined;
      if (institution) return { self: false, nameZh: institution.nameZh, nameEn: institution.nameEn };
      const person = people.get(r.actor_id);
      return person === undefined ? null : { self: false, nameZh: person, nameEn: person };
    };
    return {
      items: rows.map((r) => ({ seq: Number(r.seq), occurredAt: r.occurred_at.toISOString(), actorRole: r.actor_role, actor: actorOf(r), action: r.action, reason: r.reason, resource: r.resource })),
      page,
      pageSize,
    };
  }

  /**
   * The calling consumer's own identity number, opened from the vault, for a page that shows it to
   * them alone (their credit report). The caller records the read in the audit log.
   */
  async residentIdOf(caller: Caller): Promise<string> {
    const consumer = await this.ownConsumer(caller);
    const vault = await store.vaultEntry(this.db, consumer.pseudonym);
    if (!vault) fail('FH_NOT_FOUND', { field: 'consumer' });
    return this.platform.keys.vault.open({ keyId: vault.key_id, sealed: vault.sealed }, consumer.pseudonym);
  }

  /**
   * Everything the identity capability holds on the calling consumer, in clear, for their own copy
   * (PIPL Art.45). Opening the vault is audited.
   */
  async exportOf(caller: Caller): Promise<{ consumerId: string; displayName: string; residentId: string; phone: string | null; region: JurisdictionRef | null; birthYear: number | null; registeredAt: string }> {
    const consumer = await this.ownConsumer(caller);
    const residentId = await this.residentIdOf(caller);
    const phone = await this.openPhone(consumer);
    await this.platform.audit.append(caller.actor, { action: 'personal_data.read', subject: personSubject(consumer.pseudonym), resource: `consumer:${consumer.consumer_id}`, reason: '本人下载个人信息副本 / the data subject downloaded a copy of their data' });
    return {
      consumerId: consumer.consumer_id,
      displayName: caller.principal.role === 'consumer' ? caller.principal.displayName : '',
      residentId,
      phone,
      region: consumer.region_code ? jurisdictionRef(consumer.region_code) : null,
      birthYear: consumer.birth_year,
      registeredAt: consumer.registered_at.toISOString(),
    };
  }

  /**
   * The person corrects what the platform holds on them directly (PIPL Art.46): the name they are
   * shown by and their mobile number. `null` for the phone removes it. Runs in the caller's
   * transaction; audited. Returns the fields changed.
   */
  async correct(db: Kysely<Database>, caller: Caller, input: { displayName?: string | undefined; phone?: string | null | undefined }): Promise<string[]> {
    const consumer = await this.ownConsumer(caller, db);
    if (caller.principal.role !== 'consumer') fail('FH_FORBIDDEN');
    const changed: string[] = [];
    if (input.displayName !== undefined) {
      const name = input.displayName.trim();
      if (name.length === 0 || name.length > 60) fail('FH_VALIDATION', { field: 'body.displayName', details: { reason: '1 to 60 characters' } });
      if (name !== caller.principal.displayName) {
        await this.platform.auth.renameUser(db, caller.principal.userId, name);
        changed.push('displayName');
      }
    }
    if (input.phone !== undefined) {
      if (input.phone !== null && !PHONE.test(input.phone)) fail('FH_VALIDATION', { field: 'body.phone', details: { reason: 'a mainland mobile number of 11 digits' } });
      const next = input.phone === null ? null : this.seal('phone', input.phone);
      if ((next?.pseudonym ?? null) !== consumer.phone_pseudonym) {
        if (next) await store.insertVaultEntry(db, next);
        await store.setPhone(db, consumer.consumer_id, next?.pseudonym ?? null);
        if (consumer.phone_pseudonym) await store.deleteVaultEntry(db, consumer.phone_pseudonym, { otherThan: consumer.consumer_id });
        changed.push('phone');
      }
    }
    if (changed.length > 0) {
      await this.platform.audit.record(db, caller.actor, { action: 'personal_data.correct', subject: personSubject(consumer.pseudonym), resource: `consumer:${consumer.consumer_id}`, detail: { fields: changed } });
    }
    return changed;
  }

  /**
   * Erase the calling consumer's identity (PIPL Art.47): the vault entries that hold their clear
   * identity number and phone, their consumer record, and their account. Runs in the caller's
   * transaction; the audit entries about them are unlinked by the caller afterwards.
   */
  async erase(db: Kysely<Database>, caller: Caller): Promise<{ vaultEntries: number }> {
    const consumer = await this.ownConsumer(caller, db);
    if (caller.principal.role !== 'consumer') fail('FH_FORBIDDEN');
    let vaultEntries = await store.deleteVaultEntry(db, consumer.pseudonym);
    if (consumer.phone_pseudonym) vaultEntries += await store.deleteVaultEntry(db, consumer.phone_pseudonym, { otherThan: consumer.consumer_id });
    await store.deleteConsumer(db, consumer.consumer_id);
    await this.platform.auth.closeUser(db, caller.principal.userId);
    return { vaultEntries };
  }

  private async openPhone(consumer: store.ConsumerRow): Promise<string | null> {
    if (!consumer.phone_pseudonym) return null;
    const vault = await store.vaultEntry(this.db, consumer.phone_pseudonym);
    return vault ? this.platform.keys.vault.open({ keyId: vault.key_id, sealed: vault.sealed }, consumer.phone_pseudonym) : null;
  }

  /** The region (city, else province) of the calling consumer, from their identity number; null when unknown. */
  async regionCodeOf(caller: Caller): Promise<string | null> {
    return (await this.ownConsumer(caller)).region_code;
  }

  /** The pseudonym of the calling consumer. */
  async pseudonymOf(caller: Caller): Promise<string> {
    return (await this.ownConsumer(caller)).pseudonym;
  }

  private async ownConsumer(caller: Caller, db: Kysely<Database> = this.db): Promise<store.ConsumerRow> {
    if (caller.principal.role !== 'consumer') fail('FH_FORBIDDEN');
    const consumer = await store.consumerById(db, caller.principal.consumerId);
    if (!consumer) fail('FH_NOT_FOUND', { field: 'consumer' });
    return consumer;
  }

  /**
   * Re-seal every vault entry that another key sealed with the current key, after a new key was
   * put first in FH_VAULT_KEYS. Returns how many were re-sealed; the old key can then be retired.
   */
  async rotateVault(onProgress?: (done: number) => void): Promise<number> {
    const { vault } = this.platform.keys;
    let done = 0;
    for (;;) {
      const batch = await store.entriesNotSealedWith(this.db, vault.currentKeyId, 1000);
      if (batch.length === 0) return done;
      await this.db.transaction().execute(async (trx) => {
        for (const row of batch) {
          const clear = vault.open({ keyId: row.key_id, sealed: row.sealed }, row.pseudonym);
          const sealed = vault.seal(clear, row.pseudonym);
          await store.reseal(trx, row.pseudonym, sealed.keyId, sealed.sealed);
        }
        await this.platform.audit.record(trx, { role: 'system', id: null }, { action: 'vault.rotate', detail: { entries: batch.length, toKey: vault.currentKeyId } });
      });
      done += batch.length;
      onProgress?.(done);
    }
  }

  /** Consumers registered within a jurisdiction (by the city of their ID number). */
  async countConsumers(jurisdictionCode: string): Promise<number> {
    return store.countConsumers(this.db, scopePrefix(jurisdictionCode));
  }
}
