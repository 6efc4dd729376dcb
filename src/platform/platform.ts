import type { Config } from './config.js';
import { migrate, openDatabase, type DatabaseHandle } from './database.js';
import { loadKeyMaterial, type KeyMaterial } from './crypto.js';
import { AuditLog } from './audit/audit.service.js';
import { AuthService } from './auth/auth.service.js';

/** The shared platform every capability is built on: database, keys, audit log, authentication. */
export interface Platform {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly keys: KeyMaterial;
  readonly audit: AuditLog;
  readonly auth: AuthService;
}

/**
 * Open the database, apply migrations and load the keys. Throws when the database cannot be
 * reached; `serve` retries in that case while answering 503.
 */
export async function createPlatform(config: Config, options: { database?: DatabaseHandle; keys?: KeyMaterial } = {}): Promise<Platform> {
  const database = options.database ?? (await openDatabase(config));
  try {
    await migrate(database);
    const keys = options.keys ?? (await loadKeyMaterial(config));
    const audit = new AuditLog(database.db, keys.signer, config.auditCheckpointEvery);
    await audit.init();
    return { config, database, keys, audit, auth: new AuthService(database.db, audit) };
  } catch (error) {
    if (!options.database) await database.close().catch(() => {});
    throw error;
  }
}

/** Sign the audit head and close the database. */
export async function closePlatform(platform: Platform): Promise<void> {
  await platform.audit.checkpoint().catch(() => {});
  await platform.database.close();
}
