import type { Config } from './config.js';
import { migrate, openDatabase, type DatabaseHandle } from './database.js';
import { loadKeyMaterial, type KeyMaterial } from './crypto.js';
import { AuditLog } from './audit/audit.service.js';
import { AuthService } from './auth/auth.service.js';
import { LoginGuard } from './auth/login-guard.js';
import { HashPool } from './auth/password.js';
import { createEventBus, type EventBus, type EventBusOptions } from './events.js';
import { createCounterStore, type CounterStore } from './counters.js';
import { createMetricsRegistry, type MetricsRegistry } from './metrics.js';

/** The shared platform every capability is built on: database, keys, audit log, authentication. */
export interface Platform {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly keys: KeyMaterial;
  readonly audit: AuditLog;
  readonly auth: AuthService;
  /** Events through the transactional outbox: in process, or NATS JetStream when NATS_URL is set. */
  readonly events: EventBus;
  /** Sliding-window counters: in process, or Redis when REDIS_URL is set. */
  readonly counters: CounterStore;
  /**
   * The figures `/metrics` serves. A capability registers its own on it with the helpers of
   * metrics.ts (a gauge read from the database takes a `collect` function, run at scrape time).
   */
  readonly metrics: MetricsRegistry;
}

/**
 * Open the database, apply migrations and load the keys. Throws when the database cannot be
 * reached; `serve` retries in that case while answering 503. A NATS broker that cannot be reached
 * does not stop it (the event bus runs degraded). The event relay is not running yet: start it
 * with `startCapabilities` once the capabilities have subscribed.
 */
export async function createPlatform(config: Config, options: { database?: DatabaseHandle; keys?: KeyMaterial; events?: EventBusOptions; counterKeyPrefix?: string; log?: (line: string) => void } = {}): Promise<Platform> {
  const database = options.database ?? (await openDatabase(config, options.log ? { log: options.log } : {}));
  // First, so that the platform's own parts (the outbox, the counters) can register figures on it.
  const metrics = createMetricsRegistry();
  let events: EventBus | undefined;
  try {
    await migrate(database);
    const keys = options.keys ?? (await loadKeyMaterial(config));
    const audit = new AuditLog(database.db, keys.signer, { sealBatch: config.auditSealBatch, sealIntervalMs: config.auditSealIntervalMs, headFile: config.auditHeadFile, headFileIntervalMs: config.auditHeadFileIntervalMs });
    await audit.init();
    // The relay starts later, in startCapabilities, once every consumer has subscribed.
    events = await createEventBus(database.db, config, options.events);
    const counters = await createCounterStore(config, options.counterKeyPrefix !== undefined ? { keyPrefix: options.counterKeyPrefix } : {});
    const guard = new LoginGuard(counters, { perAccount: config.loginAttemptsPerAccount, perAddress: config.loginAttemptsPerAddress });
    const auth = new AuthService(database.db, audit, { guard, hashPool: new HashPool(config.passwordHashConcurrency, config.passwordHashQueue) });
    return { config, database, keys, audit, auth, events, counters, metrics };
  } catch (error) {
    await events?.close().catch(() => {});
    if (!options.database) await database.close().catch(() => {});
    throw error;
  }
}

/** Stop the event bus and counters, seal the audit log and sign its head, and close the database. */
export async function closePlatform(platform: Platform): Promise<void> {
  await platform.events.close().catch(() => {});
  await platform.counters.close().catch(() => {});
  await platform.audit.stop().catch(() => {});
  await platform.database.close();
}
