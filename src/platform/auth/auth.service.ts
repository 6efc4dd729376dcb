import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { fail } from '../errors.js';
import { safeEqual, sha256Hex } from '../crypto.js';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { decoyHash, defaultHashPool, hashPassword, verifyPassword, type HashPool } from './password.js';
import type { LoginGuard } from './login-guard.js';
import * as store from './auth.store.js';

/** Who is calling. Every request has one; `public` when nobody has authenticated. */
export type Principal =
  | { role: 'public' }
  | { role: 'supervisor'; userId: string; displayName: string; jurisdictionCode: string }
  | { role: 'institution'; institutionId: string; keyId: string }
  | { role: 'consumer'; userId: string; consumerId: string; displayName: string };

export type Role = Principal['role'];

export interface Session {
  token: string;
  expiresAt: Date;
  principal: Principal;
}

export const SESSION_PREFIX = 'fhs_';
export const API_KEY_PREFIX = 'fhk_';

/** The audit actor for a principal. */
export function actorOf(principal: Principal, requestId?: string): Actor {
  const id =
    principal.role === 'supervisor' || principal.role === 'consumer'
      ? principal.userId
      : principal.role === 'institution'
        ? principal.institutionId
        : null;
  return { role: principal.role, id, ...(requestId ? { requestId } : {}) };
}

function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Authentication: password logins for supervisors and consumers, API keys for institutions, and
 * opaque bearer sessions. Tokens and key secrets are stored only as SHA-256 hashes.
 */
/**
 * How long a verified API key row is reused without reading it again: a key revoked in this
 * process stops working at once; one revoked by another server process, within this time.
 */
export const API_KEY_CACHE_MS = 1_000;
const API_KEYS_CACHED = 10_000;

export class AuthService {
  private readonly hashPool: HashPool;
  /** API key rows read in the last second, by key id (the secret is still compared on every request). */
  private readonly apiKeyRows = new Map<string, { row: store.ApiKeyRow; at: number }>();
  private readonly guard: LoginGuard | undefined;
  private readonly sessionTtlMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    options: { sessionTtlMs?: number; hashPool?: HashPool; guard?: LoginGuard } = {},
  ) {
    this.sessionTtlMs = options.sessionTtlMs ?? 8 * 3600 * 1000;
    this.hashPool = options.hashPool ?? defaultHashPool;
    this.guard = options.guard;
  }

  /** Create a supervisor or consumer account; the password is hashed with scrypt. */
  async createUser(
    db: Kysely<Database>,
    user: { username: string; password: string; role: 'supervisor'; displayName: string; jurisdictionCode: string } | { username: string; password: string; role: 'consumer'; displayName: string; consumerId: string },
  ): Promise<store.AppUser> {
    if (await store.userByUsername(db, user.username)) fail('FH_AUTH_USERNAME_TAKEN', { field: 'body.username' });
    return store.insertUser(db, {
      username: user.username,
      password_hash: await hashPassword(user.password, this.hashPool),
      role: user.role,
      display_name: user.displayName,
      jurisdiction_code: user.role === 'supervisor' ? user.jurisdictionCode : null,
      consumer_id: user.role === 'consumer' ? user.consumerId : null,
    });
  }

  /**
   * Log in with a username and password; returns a bearer session. Attempts are limited per
   * account and per source `address` (FH_RATE_LIMITED), the same for unknown usernames as for
   * known ones; the password hash waits for the bounded hashing pool (FH_AUTH_BUSY when full).
   */
  async login(username: string, password: string, requestId?: string, address = 'unknown'): Promise<Session> {
    const user = await store.userByUsername(this.db, username);
    const check = async (): Promise<boolean> => {
      if (!user || user.disabled_at) {
        await verifyPassword(password, await decoyHash(), this.hashPool);
        return false;
      }
      return verifyPassword(password, user.password_hash, this.hashPool);
    };
    const ok = this.guard ? await this.guard.attempt(username, address, check) : await check();
    if (!ok || !user || user.disabled_at) fail('FH_AUTH_INVALID_CREDENTIALS');
    const token = newToken(SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    const principal = this.principalOfUser(user);
    await this.db.transaction().execute(async (trx) => {
      await store.insertSession(trx, { token_hash: sha256Hex(token), role: user.role, user_id: user.user_id, institution_id: null, api_key_id: null, expires_at: expiresAt, revoked_at: null });
      await this.audit.record(trx, actorOf(principal, requestId), { action: 'session.login', resource: `user:${user.user_id}` });
    });
    return { token, expiresAt, principal };
  }

  /** Open a portal session for an institution from one of its API keys. */
  async loginWithApiKey(apiKey: string, requestId?: string): Promise<Session> {
    if (!apiKey.startsWith(API_KEY_PREFIX)) fail('FH_AUTH_INVALID_API_KEY', { field: 'body.apiKey' });
    const key = await this.checkApiKey(apiKey, 'body.apiKey');
    const token = newToken(SESSION_PREFIX);
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    const principal: Principal = { role: 'institution', institutionId: key.institution_id, keyId: key.key_id };
    await this.db.transaction().execute(async (trx) => {
      await store.insertSession(trx, { token_hash: sha256Hex(token), role: 'institution', user_id: null, institution_id: key.institution_id, api_key_id: key.key_id, expires_at: expiresAt, revoked_at: null });
      await this.audit.record(trx, actorOf(principal, requestId), { action: 'session.login', resource: `api_key:${key.key_id}` });
    });
    return { token, expiresAt, principal };
  }

  /** End a session. */
  /** Whether `password` is the user's password now (a re-confirmation before an irreversible step). Bounded like a login. */
  async checkPassword(userId: string, password: string, address = 'unknown'): Promise<boolean> {
    const user = await store.userById(this.db, userId);
    if (!user || user.disabled_at) return false;
    // Counted with the logins, so a stolen session cannot be used to guess the password.
    const check = () => verifyPassword(password, user.password_hash, this.hashPool);
    return this.guard ? this.guard.attempt(user.username, address, check) : check();
  }

  /** Change the name a supervisor or consumer is shown by (the person's correction of their own data). */
  async renameUser(db: Kysely<Database>, userId: string, displayName: string): Promise<void> {
    await store.renameUser(db, userId, displayName);
  }

  /** Close an account for good: no login, no session, nothing personal left on it. */
  async closeUser(db: Kysely<Database>, userId: string): Promise<void> {
    await store.closeUser(db, userId, new Date());
  }

  /** The display names of some users, by id (unknown ids are left out): who acted, in words. */
  async displayNames(userIds: readonly string[]): Promise<Map<string, string>> {
    const ids = userIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    return new Map((await store.usersByIds(this.db, ids)).map((user) => [user.user_id, user.display_name]));
  }

  async logout(token: string): Promise<void> {
    await store.revokeSession(this.db, sha256Hex(token));
  }

  /**
   * Resolve the credentials of a request into a principal: a bearer session token, or an
   * institution API key (as a bearer token or in `X-Api-Key`). No credentials → public.
   */
  async authenticate(credential: string | undefined): Promise<Principal> {
    if (!credential) return { role: 'public' };
    if (credential.startsWith(API_KEY_PREFIX)) {
      const key = await this.checkApiKey(credential);
      return { role: 'institution', institutionId: key.institution_id, keyId: key.key_id };
    }
    if (!credential.startsWith(SESSION_PREFIX)) fail('FH_UNAUTHENTICATED', { field: 'headers.authorization' });
    const session = await store.sessionByHash(this.db, sha256Hex(credential));
    if (!session || session.revoked_at) fail('FH_UNAUTHENTICATED', { field: 'headers.authorization' });
    if (session.expires_at.getTime() <= Date.now()) fail('FH_AUTH_SESSION_EXPIRED', { field: 'headers.authorization' });
    if (session.role === 'institution') {
      const key = session.api_key_id ? await store.apiKeyById(this.db, session.api_key_id) : undefined;
      if (!key || key.revoked_at) fail('FH_AUTH_INVALID_API_KEY', { field: 'headers.authorization' });
      return { role: 'institution', institutionId: session.institution_id!, keyId: session.api_key_id! };
    }
    const user = session.user_id ? await store.userById(this.db, session.user_id) : undefined;
    if (!user || user.disabled_at) fail('FH_UNAUTHENTICATED', { field: 'headers.authorization' });
    return this.principalOfUser(user);
  }

  private principalOfUser(user: store.AppUser): Principal {
    return user.role === 'supervisor'
      ? { role: 'supervisor', userId: user.user_id, displayName: user.display_name, jurisdictionCode: user.jurisdiction_code! }
      : { role: 'consumer', userId: user.user_id, consumerId: user.consumer_id!, displayName: user.display_name };
  }

  private async checkApiKey(apiKey: string, field = 'headers.authorization'): Promise<store.ApiKeyRow> {
    // fhk_<keyId>.<secret>: the key id finds the row, the secret is compared by hash.
    const body = apiKey.slice(API_KEY_PREFIX.length);
    const dot = body.indexOf('.');
    const key = dot > 0 ? await this.apiKeyRow(body.slice(0, dot)) : undefined;
    if (!key || key.revoked_at || !safeEqual(key.secret_hash, sha256Hex(body.slice(dot + 1)))) {
      fail('FH_AUTH_INVALID_API_KEY', { field });
    }
    // Last use to the minute is enough, and saves a write on every call.
    if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > 60_000) {
      await store.touchApiKey(this.db, key.key_id);
      key.last_used_at = new Date();
    }
    return key;
  }

  /** The API key row, from the last second's reads or the database. */
  private async apiKeyRow(keyId: string): Promise<store.ApiKeyRow | undefined> {
    const now = Date.now();
    const cached = this.apiKeyRows.get(keyId);
    if (cached && now - cached.at < API_KEY_CACHE_MS) return cached.row;
    const row = await store.apiKeyById(this.db, keyId);
    if (row) {
      if (this.apiKeyRows.size >= API_KEYS_CACHED) this.apiKeyRows.clear();
      this.apiKeyRows.set(keyId, { row, at: now });
    } else this.apiKeyRows.delete(keyId);
    return row;
  }

  /**
   * Issue a new API key for an institution. The full key is returned once and never stored;
   * only its SHA-256 is kept.
   */
  async createApiKey(db: Kysely<Database>, institutionId: string, label: string, actor: Actor): Promise<{ apiKey: string; keyId: string; createdAt: Date }> {
    const keyId = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const row = await store.insertApiKey(db, { key_id: keyId, institution_id: institutionId, secret_hash: sha256Hex(secret), label, created_by: `${actor.role}:${actor.id ?? ''}`, revoked_at: null, last_used_at: null });
    await this.audit.record(db, actor, { action: 'api_key.create', subject: `institution:${institutionId}`, resource: `api_key:${keyId}` });
    return { apiKey: `${API_KEY_PREFIX}${keyId}.${secret}`, keyId, createdAt: row.created_at };
  }

  /** The institution's API keys (never their secrets). */
  async listApiKeys(institutionId: string): Promise<store.ApiKeyRow[]> {
    return store.apiKeysOf(this.db, institutionId);
  }

  /** Revoke one of the institution's keys; its portal sessions end too. */
  async revokeApiKey(institutionId: string, keyId: string, actor: Actor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.revokeApiKey(trx, institutionId, keyId))) fail('FH_NOT_FOUND', { field: 'params.keyId' });
      this.apiKeyRows.delete(keyId);
      await this.audit.record(trx, actor, { action: 'api_key.revoke', subject: `institution:${institutionId}`, resource: `api_key:${keyId}` });
    });
    // Again once committed: a request that read the row meanwhile must not keep it.
    this.apiKeyRows.delete(keyId);
  }
}
