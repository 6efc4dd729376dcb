import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../database.js';
import type { ApiKeyTable, AppUserTable, AuthSessionTable } from './auth.schema.js';
import './auth.schema.js';

export type AppUser = Selectable<AppUserTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type SessionRow = Selectable<AuthSessionTable>;

export async function userByUsername(db: Kysely<Database>, username: string): Promise<AppUser | undefined> {
  return db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function userById(db: Kysely<Database>, userId: string): Promise<AppUser | undefined> {
  return db.selectFrom('app_user').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Several users by id (for naming who acted). */
export async function usersByIds(db: Kysely<Database>, userIds: readonly string[]): Promise<AppUser[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('app_user').selectAll().where('user_id', 'in', [...userIds]).execute();
}

export async function insertUser(db: Kysely<Database>, user: Insertable<AppUserTable>): Promise<AppUser> {
  return db.insertInto('app_user').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function insertSession(db: Kysely<Database>, session: Insertable<AuthSessionTable>): Promise<void> {
  await db.insertInto('auth_session').values(session).execute();
}

export async function sessionByHash(db: Kysely<Database>, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('auth_session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function revokeSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.updateTable('auth_session').set({ revoked_at: new Date() }).where('token_hash', '=', tokenHash).execute();
}

export async function insertApiKey(db: Kysely<Database>, key: Insertable<ApiKeyTable>): Promise<ApiKeyRow> {
  return db.insertInto('api_key').values(key).returningAll().executeTakeFirstOrThrow();
}

export async function apiKeyById(db: Kysely<Database>, keyId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_key').selectAll().where('key_id', '=', keyId).executeTakeFirst();
}

export async function apiKeysOf(db: Kysely<Database>, institutionId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_key').selectAll().where('institution_id', '=', institutionId).orderBy('created_at', 'desc').execute();
}

export async function revokeApiKey(db: Kysely<Database>, institutionId: string, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_key')
    .set({ revoked_at: new Date() })
    .where('key_id', '=', keyId)
    .where('institution_id', '=', institutionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  // Portal sessions opened with the key end with it.
  await db.updateTable('auth_session').set({ revoked_at: new Date() }).where('api_key_id', '=', keyId).where('revoked_at', 'is', null).execute();
  return true;
}

export async function touchApiKey(db: Kysely<Database>, keyId: string): Promise<void> {
  await db.updateTable('api_key').set({ last_used_at: new Date() }).where('key_id', '=', keyId).execute();
}

/** Change the name a user is shown by. */
export async function renameUser(db: Kysely<Database>, userId: string, displayName: string): Promise<void> {
  await db.updateTable('app_user').set({ display_name: displayName }).where('user_id', '=', userId).execute();
}

/**
 * Close an account for good: disabled, its name and username replaced so that nothing personal
 * stays, its password unusable, and every session revoked.
 */
export async function closeUser(db: Kysely<Database>, userId: string, at: Date): Promise<void> {
  await db.updateTable('app_user').set({ disabled_at: at, username: `closed:${userId}`, display_name: '', password_hash: '!' }).where('user_id', '=', userId).execute();
  await db.updateTable('auth_session').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}
