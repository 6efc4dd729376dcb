/**
 * Test harness: runs a suite against every database engine — embedded PGlite always, and the real
 * PostgreSQL server when one is reachable (required when CI=true) — each with a fresh database.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/platform/config.js';
import { migrate, migrationsDir, openPglite, openPostgres, type DatabaseHandle, type Engine } from '../src/platform/database.js';
import { imageFileFor } from '../src/platform/pglite-image.js';
import { ephemeralKeyMaterial, type KeyMaterial } from '../src/platform/crypto.js';
import { createPlatform, closePlatform, type Platform } from '../src/platform/platform.js';
import { buildApp } from '../src/api/app.js';
import { CompiledSchemas } from '../src/api/compiled-schemas.js';
import { capabilities, createServices, type Services } from '../src/api/services.js';
import { startCapabilities, type Capability } from '../src/platform/capability.js';
import type { EventBusOptions } from '../src/platform/events.js';

export const POSTGRES_ADMIN_URL = process.env.FH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const postgresAvailable = await postgresReachable();
if (!postgresAvailable && process.env.CI) {
  throw new Error(`PostgreSQL is required in CI but ${POSTGRES_ADMIN_URL} is not reachable`);
}

/** The engines this run tests against. */
export const engines: Engine[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

/** Run one statement on the PostgreSQL server as the administrator (create or drop a test database). */
export async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database on `engine`; PostgreSQL gets a database of its own, dropped on close.
 * PGlite starts in memory from the ready-made image (seconds) rather than from initdb (a minute).
 */
export async function freshDatabase(engine: Engine): Promise<DatabaseHandle> {
  if (engine === 'pglite') return openPglite(undefined, { imageFile: imageFileFor() });
  return postgresDatabase();
}

/**
 * Route schemas compiled once per test process rather than once per app: every platform a test
 * starts serves the same routes, and compiling their schemas is most of what an app's start costs.
 */
export const compiledSchemas = new CompiledSchemas();

/** PostgreSQL's own handle on a database of the test server, dropped on close. */
async function postgresDatabase(template?: string): Promise<DatabaseHandle> {
  const name = `fh_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}${template ? ` template ${template}` : ''}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = await openPostgres(url.toString(), 5);
  return {
    ...handle,
    async close() {
      await handle.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

/** A digest of the migration files, naming the migrated PostgreSQL template they make. */
async function migrationsDigest(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort()) hash.update(`${file}\n`).update(await readFile(path.join(migrationsDir, file)));
  return hash.digest('hex').slice(0, 16);
}

let migratedPglite: Promise<Blob> | undefined;
let migratedTemplate: Promise<string> | undefined;

/**
 * The migrated, empty PGlite database as a dump, made once per test process: a platform starts
 * from it rather than running every migration on each new database. `migrate` still runs on it,
 * and finds each migration applied with the checksum of its file.
 */
function migratedPgliteDump(): Promise<Blob> {
  migratedPglite ??= (async () => {
    const database = await freshDatabase('pglite');
    try {
      await migrate(database);
      await database.pglite!.exec('checkpoint');
      return await database.pglite!.dumpDataDir('none');
    } finally {
      await database.close();
    }
  })();
  return migratedPglite;
}

/**
 * The migrated, empty PostgreSQL database new test databases are copied from, named by the
 * migrations it holds and made by the first test process that needs it (under an advisory lock,
 * so that two workers do not both make it). A change to any migration names a new template.
 */
function migratedPostgresTemplate(): Promise<string> {
  migratedTemplate ??= (async () => {
    const name = `fh_template_${await migrationsDigest()}`;
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(727002)');
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        // Made under another name and renamed when complete, so that no half-migrated template is ever used.
        const staging = `${name}_${randomBytes(4).toString('hex')}`;
        await client.query(`create database ${staging}`);
        const url = new URL(POSTGRES_ADMIN_URL);
        url.pathname = `/${staging}`;
        const handle = await openPostgres(url.toString(), 1);
        try {
          await migrate(handle);
        } catch (error) {
          await handle.close();
          await client.query(`drop database if exists ${staging} with (force)`);
          throw error;
        }
        await handle.close();
        // A closed connection's server process can outlive the close by a moment; a database is renamed only with none.
        while ((await client.query('select 1 from pg_stat_activity where datname = $1', [staging])).rowCount! > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        await client.query(`alter database ${staging} rename to ${name}`);
      }
    } finally {
      await client.end();
    }
    return name;
  })();
  return migratedTemplate;
}

/**
 * A fresh database on `engine` with every migration applied, copied from one migrated database
 * per test process (PGlite) or per set of migrations (PostgreSQL, a template database).
 */
export async function migratedDatabase(engine: Engine): Promise<DatabaseHandle> {
  if (engine === 'pglite') return openPglite(undefined, { dump: await migratedPgliteDump() });
  return postgresDatabase(await migratedPostgresTemplate());
}

export interface TestContext {
  engine: Engine;
  platform: Platform;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A migrated platform with its HTTP app on a fresh database, with fresh keys; its capabilities
 * (and `options.capabilities`, a test's own) are started, then the event relay, as `serve` does.
 */
export async function startPlatform(
  engine: Engine,
  overrides: Partial<Config> = {},
  options: { events?: EventBusOptions; keys?: KeyMaterial; capabilities?: (services: Services) => Capability[]; counterKeyPrefix?: string } = {},
): Promise<TestContext> {
  const database = await migratedDatabase(engine);
  // Uploads and generated files go to a directory of this test's own, never the repository's ./data.
  const dataDir = overrides.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'fh-test-')));
  const config = { ...loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), ...overrides, dataDir };
  const platform = await createPlatform(config, {
    database,
    keys: options.keys ?? ephemeralKeyMaterial(config.signatureAlgorithm),
    ...(options.events ? { events: options.events } : {}),
    ...(options.counterKeyPrefix !== undefined ? { counterKeyPrefix: options.counterKeyPrefix } : {}),
  });
  const services = createServices(platform);
  const running = await startCapabilities(platform, [...capabilities(services), ...(options.capabilities?.(services) ?? [])]);
  const app = await buildApp(platform, { services, serveWeb: false, logger: false, compiledSchemas });
  await app.ready();
  return {
    engine,
    platform,
    services,
    app,
    async close() {
      try {
        await app.close();
        await running.stop();
        services.filing.close();
        await closePlatform(platform);
      } finally {
        // Also after a test that closed the database under the platform, which then cannot close cleanly.
        if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** `describe` once per engine, with the engine's name in the title. */
export function describeEachEngine(title: string, body: (engine: Engine) => void): void {
  for (const engine of engines) describe(`${title} [${engine}]`, () => body(engine));
}

/** A supervisor account in `jurisdictionCode`, logged in; returns its bearer header. */
export async function supervisorSession(ctx: TestContext, username: string, jurisdictionCode: string, password = 'correct horse battery'): Promise<{ authorization: string }> {
  await ctx.platform.auth.createUser(ctx.platform.database.db, { username, password, role: 'supervisor', displayName: username, jurisdictionCode });
  const reply = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
  if (reply.statusCode !== 200) throw new Error(`login failed: ${reply.body}`);
  return { authorization: `Bearer ${reply.json().token}` };
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * A syntactically valid USCC for a region, computed here independently of the code under test
 * so that a bug in the checker cannot hide in both.
 */
export function makeUscc(regionCode: string, serial: number): string {
  const body = `91${regionCode}${String(serial).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  return body + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** A valid resident ID number for a region and birth date, computed independently of the checker. */
export function makeResidentId(regionCode: string, birthDate: string, sequence: number): string {
  const body = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * weights[i]!;
  return body + '10X98765432'[sum % 11];
}

export const NATS_TEST_URL = process.env.FH_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_TEST_URL = process.env.FH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function tcpReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Whether a real service (NATS, Redis) answers at `url`. With CI=true a missing service fails the
 * run; locally its tests are skipped with a message saying so.
 */
export async function serviceAvailable(name: string, url: string, skipped: string): Promise<boolean> {
  if (await tcpReachable(url)) return true;
  if (process.env.CI) throw new Error(`${name} is required in CI but ${url} is not reachable`);
  console.warn(`${name} is not reachable at ${url}: ${skipped} are skipped (they are required when CI=true)`);
  return false;
}
