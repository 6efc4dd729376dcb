import { spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../platform/config.js';
import { isDatabaseUnavailable } from '../platform/database.js';
import { closePlatform, createPlatform, type Platform } from '../platform/platform.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { FhError } from '../platform/errors.js';
import { buildApp, webDistDir } from './app.js';
import { capabilities, createServices } from './services.js';
import { startCapabilities } from '../platform/capability.js';
import { loadDemoIfEmpty, demoLogins } from '../demo/demo.js';

const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Build the web UI when web/dist is missing or older than its sources. */
export async function ensureWebBuilt(log: (line: string) => void): Promise<void> {
  const index = path.join(webDistDir, 'index.html');
  if (!existsSync(path.join(webRoot, 'src'))) return;
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(webRoot, 'src'))) return;
  log('building the web UI (first start only)…');
  // In a process of its own: the bundler's memory is handed back before the database opens,
  // rather than staying in the server's heap.
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--config', path.join(webRoot, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`building the web UI failed (exit code ${code})`);
}

/**
 * What answers on the port while the platform starts (the UI is built, the database is reached,
 * demo data is loaded): liveness, and 503 with a stable code for everything else, so that a
 * balancer or a person sees a starting server rather than a refused connection.
 */
async function startingServer(config: Config, state: { reason: 'FH_NOT_READY' | 'FH_DATABASE_UNAVAILABLE' }): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get('/health', async () => ({ status: 'ok' }));
  server.setNotFoundHandler((request, reply) => {
    reply.header('retry-after', '5');
    if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      return reply.status(503).type('text/html').send('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>烽火 Fenghuo</title><p>烽火正在启动… / Fenghuo is starting…</p>');
    }
    return reply.status(503).send(new FhError(state.reason).toBody());
  });
  await server.listen({ port: config.port, host: config.host });
  return server;
}

/** Open the platform, retrying while the database cannot be reached. */
async function openWithRetry(config: Config, log: (line: string) => void, onUnavailable: () => void): Promise<Platform> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createPlatform(config, { log });
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      onUnavailable();
      log(`database unreachable (attempt ${attempt}); retrying in 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

/**
 * `fenghuo serve`: build the UI if needed, open the database, load demo data on first start,
 * and serve on config.port until SIGINT/SIGTERM.
 */
export async function serve(config: Config): Promise<void> {
  const log = (line: string) => console.log(`[fenghuo] ${line}`);
  const state: { reason: 'FH_NOT_READY' | 'FH_DATABASE_UNAVAILABLE' } = { reason: 'FH_NOT_READY' };
  const starting = await startingServer(config, state);
  // Before the database opens, so that the build's memory and the engine's never add up.
  await ensureWebBuilt(log);
  const platform = await openWithRetry(config, log, () => (state.reason = 'FH_DATABASE_UNAVAILABLE'));
  state.reason = 'FH_NOT_READY';
  const services = createServices(platform, { log });
  // Consumers subscribe first, then the relay starts: the loads and the demo below publish to them.
  const running = await startCapabilities(platform, capabilities(services));
  // The validation worker threads are not started here: they serve only large CSV files, and
  // start with the first one, so that a server that never receives one never pays for them.
  // Filings a previous process left half-done: uploads that stopped, signed filings not yet loaded.
  const interrupted = await services.filing.recoverStaleUploads({ atStart: true });
  if (interrupted > 0) log(`${interrupted} interrupted filing upload(s) marked as errors`);
  const resumed = await services.filing.resumePendingLoads((filingId, error) => log(`filing ${filingId}: load failed again: ${(error as Error).message}`));
  if (resumed.length > 0) log(`loaded ${resumed.length} signed filing(s) left by an earlier stop`);
  if (config.demo) {
    const loaded = await loadDemoIfEmpty(services, log, config.dataDir);
    if (loaded) log('demo data loaded');
  }
  const app = await buildApp(platform, { services });
  await app.ready();
  await starting.close();
  await app.listen({ port: config.port, host: config.host });
  // Seal audited entries into the tree and publish its signed head (stopped by closePlatform).
  platform.audit.start((error) => log(`audit sealer: ${(error as Error).message}`));
  const url = `http://localhost:${config.port}`;
  log(`database: ${platform.database.engine === 'pglite' ? `PGlite (embedded) in ${config.dataDir}` : 'PostgreSQL'}`);
  log(`Fenghuo is serving on ${url}  (API docs: ${url}/docs)`);
  if (config.demo) {
    log('demo logins:');
    for (const line of await demoLogins(config.dataDir)) log(`  ${line}`);
  }
  const stop = async () => {
    log('stopping');
    await app.close();
    await running.stop();
    services.filing.close();
    await closePlatform(platform);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
