/**
 * Test harness: runs a suite against every database engine — embedded PGlite always, and the real
 * PostgreSQL server when one is reachable (required when CI=true) — each with a fresh database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/platform/config.js';
import { openPglite, openPostgres, type DatabaseHandle, type Engine } from '../src/platform/database.js';
import { ephemeralKeyMaterial } from '../src/platform/crypto.js';
import { createPlatform, closePlatform, type Platform } from '../src/platform/platform.js';
import { buildApp } from '../src/api/app.js';
import { createServices, type Services } from '../src/api/services.js';

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

/** A fresh, empty database on `engine`; PostgreSQL gets a database of its own, dropped on close. */
export async function freshDatabase(engine: Engine): Promise<DatabaseHandle> {
  if (engine === 'pglite') return openPglite();
  const name = `fh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = await openPostgres(url.toString(), 5);
  return {
    ...handle,
    db: handle.db,
    async close() {
      await handle.close();
      const dropper = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface TestContext {
  engine: Engine;
  platform: Platform;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A migrated platform with its HTTP app on a fresh database, with fresh keys. */
export async function startPlatform(engine: Engine, overrides: Partial<Config> = {}): Promise<TestContext> {
  const database = await freshDatabase(engine);
  const config = { ...loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent' }), ...overrides };
  const platform = await createPlatform(config, { database, keys: ephemeralKeyMaterial(config.signatureAlgorithm) });
  const services = createServices(platform);
  const app = await buildApp(platform, { services, serveWeb: false, logger: false });
  await app.ready();
  return {
    engine,
    platform,
    services,
    app,
    async close() {
      await app.close();
      await closePlatform(platform);
    },
  };
}

/** `describe` once per engine, with the engine's name in the title. */
export function describeEachEngine(title: string, body: (engine: Engine) => void): void {
  for (const engine of engines) describe(`${title} [${engine}]`, () => body(engine));
}
