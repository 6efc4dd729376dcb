/**
 * A platform for browser tests: PGlite, the built web UI served by the same Fastify app, listening
 * on a loopback port, seeded through the public HTTP API the way a supervisor would do it.
 */
import { rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/platform/config.js';
import { inject } from 'vitest';
import { ephemeralKeyMaterial } from '../../src/platform/crypto.js';
import { closePlatform, createPlatform, type Platform } from '../../src/platform/platform.js';
import { buildApp } from '../../src/api/app.js';
import { capabilities, createServices } from '../../src/api/services.js';
import { startCapabilities } from '../../src/platform/capability.js';
import { ensureWebBuilt } from '../../src/api/serve.js';
import { loadDemoIfEmpty } from '../../src/demo/demo.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { openPglite } from '../../src/platform/database.js';
import { compiledSchemas, makeResidentId, makeUscc, migratedDatabase } from '../harness.js';

export interface WebPlatform {
  baseUrl: string;
  platform: Platform;
  app: FastifyInstance;
  supervisor: { username: string; password: string; displayName: string };
  consumer: { username: string; password: string };
  /** The institutions seeded, by a short name. */
  institutions: Record<'qiantang' | 'yongjiang' | 'xihu', { institutionId: string; nameZh: string; nameEn: string }>;
  /** An API key of Qiantang, for the institution portal. */
  institutionApiKey: string;
  close(): Promise<void>;
}

/**
 * Build the UI if its sources changed. Vite decides between React's development and production
 * builds by NODE_ENV, which the test runner sets to "test"; the dist left behind is the one
 * `npm start` serves, so it must be the production build.
 */
async function buildForProduction(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await ensureWebBuilt((line) => console.log(`[web] ${line}`));
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

/** Build the UI if its sources changed, start the platform on PGlite and listen on `port` (0: any). */
export async function startWebPlatform(port = 0): Promise<WebPlatform> {
  await buildForProduction();
  const database = await migratedDatabase('pglite');
  // Uploads go to a directory of the test's own, never the repository's ./data.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fh-web-'));
  const config = { ...loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: dataDir }) };
  const platform = await createPlatform(config, { database, keys: ephemeralKeyMaterial(config.signatureAlgorithm) });
  const services = createServices(platform);
  // As `serve` does: the rulebook's files are loaded and monitoring runs, so the pages show the limits in force.
  const running = await startCapabilities(platform, capabilities(services));
  const app = await buildApp(platform, { services, serveWeb: true, logger: false, compiledSchemas });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  try {
    const seeded = await seed(platform, baseUrl);
    return {
      baseUrl,
      platform,
      app,
      ...seeded,
      async close() {
        await app.close();
        await running.stop();
        await closePlatform(platform);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app.close();
    await running.stop();
    await closePlatform(platform);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Call the API as a client would; any answer but the expected status is an error. */
async function call<T>(baseUrl: string, method: string, path: string, body: unknown, token: string | undefined, expected: number): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Licence {
  licenceId: string;
  qualifications: { key: string }[];
}

async function seed(platform: Platform, baseUrl: string) {
  const supervisor = { username: 'zj-analyst', password: 'beacon tower 1234', displayName: '浙江省地方金融管理局 分析员' };
  await platform.auth.createUser(platform.database.db, { ...supervisor, role: 'supervisor', jurisdictionCode: '330000' });
  const { token } = await call<{ token: string }>(baseUrl, 'POST', '/v1/auth/login', { username: supervisor.username, password: supervisor.password }, undefined, 200);
  const asSupervisor = <T>(method: string, path: string, body: unknown, expected = 200) => call<T>(baseUrl, method, path, body, token, expected);

  const register = (serial: number, jurisdictionCode: string, nameZh: string, nameEn: string, kind: string) =>
    asSupervisor<{ institutionId: string; nameZh: string; nameEn: string }>('POST', '/v1/supervisor/institutions', { uscc: makeUscc(jurisdictionCode, serial), nameZh, nameEn, kind, jurisdictionCode }, 201);
  const apply = (institutionId: string, type: string) => asSupervisor<Licence>('POST', `/v1/supervisor/institutions/${institutionId}/licences`, { type }, 201);
  const meetAll = async (licence: Licence) => {
    for (const qualification of licence.qualifications) {
      await asSupervisor('PUT', `/v1/supervisor/licences/${licence.licenceId}/qualifications/${qualification.key}`, { met: true, note: '材料已核验' });
    }
  };
  const move = (licence: Licence, to: string, reason: string) => asSupervisor('POST', `/v1/supervisor/licences/${licence.licenceId}/transitions`, { to, reason });

  // An approved online lender in Hangzhou.
  const qiantang = await register(1, '330100', '钱塘网络小额贷款有限公司', 'Qiantang Online Microcredit Co., Ltd.', 'online_lender');
  const lending = await apply(qiantang.institutionId, 'online_lending');
  await meetAll(lending);
  await move(lending, 'approved', '资质条件全部满足，准予许可');

  // A consumer-finance company in Ningbo whose application is still open.
  const yongjiang = await register(2, '330200', '甬江消费金融股份有限公司', 'Yongjiang Consumer Finance Co., Ltd.', 'consumer_finance_company');
  await apply(yongjiang.institutionId, 'consumer_finance');

  // A payment company in Hangzhou, approved and then suspended.
  const xihu = await register(3, '330100', '西湖支付有限公司', 'Xihu Payment Co., Ltd.', 'payment_institution');
  const payment = await apply(xihu.institutionId, 'payment');
  await meetAll(payment);
  await move(payment, 'approved', '资质条件全部满足，准予许可');
  // A note written in both languages, as supervisors often do: each UI language shows its own half.
  await move(payment, 'suspended', '客户备付金存管不足，暂停业务待整改 / client reserve funds not fully held in custody; business suspended pending correction');

  const issued = await asSupervisor<{ apiKey: string }>('POST', `/v1/supervisor/institutions/${qiantang.institutionId}/api-keys`, { label: '报送系统' }, 201);

  const consumer = { username: 'li-na', password: 'my own secret 99' };
  await call(baseUrl, 'POST', '/v1/public/consumers', { ...consumer, displayName: '李娜', residentId: makeResidentId('330106', '1990-04-12', 28) }, undefined, 201);

  return { supervisor, consumer, institutions: { qiantang, yongjiang, xihu }, institutionApiKey: issued.apiKey };
}

/** The platform with the demo data set, as `npm start` serves it on a fresh start. */
export interface DemoWebPlatform {
  baseUrl: string;
  app: FastifyInstance;
  /** Call the API over HTTP as a script would, with a session token or an API key. */
  call<T>(method: string, url: string, options?: { token?: string; apiKey?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  /** Log a demo user in (the demo password) and return the session token. */
  tokenOf(username: string): Promise<string>;
  /** A fresh API key of the demo institution named `nameZh`, issued by the national supervisor. */
  issueApiKey(nameZh: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Wait until every event the demo raised has been handed to its consumers (monitoring, credit,
 * screening), so a browser test starts on a platform that is not still working through the demo's
 * filings in the background on PGlite's one connection.
 */
async function eventsSettled(app: FastifyInstance, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    if (/^fenghuo_events_outbox_pending 0$/m.test(metrics)) return;
    if (Date.now() > deadline) throw new Error(`the demo's events were not all delivered within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The platform as it stood once the demo was loaded and its events delivered: its database as a
 * dump and its data directory (its keys.json and files such as the audit heads file).
 */
interface DemoSnapshot {
  dump: Blob;
  dataDir: string;
}

/**
 * Where the demo snapshot is kept: in the directory the test run's workers share (see
 * test/global-setup.ts), so that the demo is loaded once per run rather than once per worker;
 * outside such a run, in a directory of this process's own.
 */
let snapshotRoot: string | undefined;
async function demoSnapshotRoot(): Promise<string> {
  if (snapshotRoot) return snapshotRoot;
  const shared = inject('sharedDir') as string | undefined;
  if (shared) return (snapshotRoot = shared);
  const own = await mkdtemp(path.join(tmpdir(), 'fh-demo-snapshot-'));
  process.once('exit', () => rmSync(own, { recursive: true, force: true }));
  return (snapshotRoot = own);
}

let demoSnapshot: DemoSnapshot | undefined;

/** The snapshot if one is complete (it appears whole, by a rename). */
async function readDemoSnapshot(root: string): Promise<DemoSnapshot | undefined> {
  const dir = path.join(root, 'demo');
  const dump = await readFile(path.join(dir, 'database.tar')).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (!dump) return undefined;
  return { dump: new Blob([dump]), dataDir: path.join(dir, 'data') };
}

/**
 * The demo snapshot, waiting while another worker of the run builds it; undefined when there is
 * none and this process is to build it (it then holds the claim until it calls `releaseDemoClaim`
 * on failure, or for good once the snapshot is written).
 */
async function demoSnapshotOrClaim(timeoutMs = 600_000): Promise<DemoSnapshot | undefined> {
  if (demoSnapshot) return demoSnapshot;
  const root = await demoSnapshotRoot();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    demoSnapshot = await readDemoSnapshot(root);
    if (demoSnapshot) return demoSnapshot;
    try {
      await mkdir(path.join(root, 'demo.building'));
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (Date.now() > deadline) throw new Error(`no demo snapshot in ${root} after ${timeoutMs / 1000} s, and another process is still building it`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Give up the claim to build the snapshot, so that another worker builds it. */
async function releaseDemoClaim(): Promise<void> {
  await rm(path.join(await demoSnapshotRoot(), 'demo.building'), { recursive: true, force: true });
}

/** Keep the demo platform's state, so that the next browser test of this run starts from a copy. */
async function takeDemoSnapshot(platform: Platform, dataDir: string): Promise<void> {
  const root = await demoSnapshotRoot();
  const building = path.join(root, `demo.${process.pid}.tmp`);
  await rm(building, { recursive: true, force: true });
  await mkdir(building);
  // The files first, then the database: a heads file may lag the database, as on any platform, never lead it.
  await cp(dataDir, path.join(building, 'data'), { recursive: true });
  const pglite = platform.database.pglite!;
  await pglite.exec('checkpoint');
  const dump = await pglite.dumpDataDir('none');
  await writeFile(path.join(building, 'database.tar'), Buffer.from(await dump.arrayBuffer()));
  await rename(building, path.join(root, 'demo'));
  demoSnapshot = await readDemoSnapshot(root);
}

/**
 * Build the UI if its sources changed, start the platform on PGlite with its capabilities running,
 * with the demo data set loaded and its events delivered, and listen on a loopback port. Loading
 * the demo costs a minute or more; the first browser test of a process loads it, the next ones
 * start from a copy of the database and data directory it left (with the same keys), which is
 * the state a platform reopened on that data directory would be in.
 */
export async function startDemoWebPlatform(): Promise<DemoWebPlatform> {
  await buildForProduction();
  const snapshot = await demoSnapshotOrClaim();
  if (snapshot) return startDemoFrom(snapshot);
  try {
    return await startDemoFrom(undefined);
  } catch (error) {
    // Another worker builds it then.
    if (!demoSnapshot) await releaseDemoClaim();
    throw error;
  }
}

/** The demo platform on a copy of `snapshot`, or loading the demo and taking the snapshot. */
async function startDemoFrom(snapshot: DemoSnapshot | undefined): Promise<DemoWebPlatform> {
  const database = snapshot ? await openPglite(undefined, { dump: snapshot.dump }) : await migratedDatabase('pglite');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fh-demo-web-'));
  if (snapshot) await cp(snapshot.dataDir, dataDir, { recursive: true });
  const config = loadConfig({ FH_DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  // The keys are the data directory's own (keys.json), as on a platform started with `npm start`: made
  // by the platform that loads the demo, and found again in each copy of its directory.
  const platform = await createPlatform(config, { database });
  const services = createServices(platform);
  const running = await startCapabilities(platform, capabilities(services));
  const app = await buildApp(platform, { services, serveWeb: true, logger: false, compiledSchemas });
  const close = async () => {
    await app.close();
    await running.stop();
    services.filing.close();
    await closePlatform(platform);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // On a copy of the demo's database this finds the registry full and loads nothing.
    const loaded = await loadDemoIfEmpty(services, () => undefined, dataDir);
    if (loaded === Boolean(snapshot)) throw new Error(snapshot ? 'the copy of the demo platform was empty' : 'the demo was not loaded into a new database');
    await eventsSettled(app);
    if (!snapshot) await takeDemoSnapshot(platform, dataDir);
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await close();
    throw error;
  }
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const call = async <T>(method: string, url: string, options: { token?: string; apiKey?: string; body?: unknown } = {}) => {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const tokenOf = async (username: string) => (await call<{ token: string }>('POST', '/v1/auth/login', { body: { username, password: DEMO_PASSWORD } })).body.token;
  const issueApiKey = async (nameZh: string) => {
    const registry = await call<{ items: { institutionId: string; nameZh: string }[] }>('GET', '/v1/public/institutions?pageSize=200');
    const institution = registry.body.items.find((item) => item.nameZh === nameZh);
    if (!institution) throw new Error(`no demo institution named ${nameZh}`);
    const issued = await call<{ apiKey: string }>('POST', `/v1/supervisor/institutions/${institution.institutionId}/api-keys`, { token: await tokenOf('national'), body: { label: '浏览器测试' } });
    if (issued.status !== 201) throw new Error(`issuing an API key answered ${issued.status}`);
    return issued.body.apiKey;
  };
  return { baseUrl, app, call, tokenOf, issueApiKey, close };
}
