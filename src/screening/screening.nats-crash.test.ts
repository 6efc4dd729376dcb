import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { adminQuery, engines, NATS_TEST_URL, POSTGRES_ADMIN_URL, serviceAvailable } from '../../test/harness.js';
import { loadConfig } from '../platform/config.js';
import { closePlatform, createPlatform, type Platform } from '../platform/platform.js';
import { createServices } from '../api/services.js';
import { supervisorCaller, testUscc } from '../filing/filing.test-support.js';
import { ensureScreeningStreams, publishPayment, type PublishedResult } from './screening.nats.js';

const childScript = fileURLToPath(new URL('./screening.worker-child.ts', import.meta.url));
const natsUp = await serviceAvailable('NATS', NATS_TEST_URL, 'the screening worker crash test');
const PAYMENTS = 300;

describe.skipIf(!natsUp || !engines.includes('postgres'))('a screening worker killed between publishing decisions and acknowledging them [postgres, NATS]', () => {
  const name = `fh_test_screen_${randomBytes(5).toString('hex')}`;
  const stream = `FH_SCREEN_C${randomBytes(5).toString('hex').toUpperCase()}`;
  const names = { stream, subjects: stream.toLowerCase().replace(/_/g, '.') };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fh-screen-crash-'));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString(), DATA_DIR: dataDir, FH_DEMO: 'false', LOG_LEVEL: 'silent', FH_SCREENING_STREAM: stream };
  let platform: Platform;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let institutionId: string;
  const children: ChildProcess[] = [];

  const worker = (killAfter: number) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript], { env: { ...process.env, ...env, NATS_URL: NATS_TEST_URL, FH_TEST_KILL_AFTER: String(killAfter) }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (part: Buffer) => (output += part.toString()));
    child.stderr!.on('data', (part: Buffer) => (output += part.toString()));
    const exited = new Promise<{ signal: NodeJS.Signals | null; output: () => string }>((resolve) => child.on('exit', (_code, signal) => resolve({ signal, output: () => output })));
    return { child, exited, output: () => output };
  };
  const streamState = async (suffix: string) => (await jsm.streams.info(`${stream}${suffix}`)).state;
  const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    await adminQuery(`create database ${name}`);
    platform = await createPlatform(loadConfig(env));
    const services = createServices(platform);
    await services.rulebook.capability().start?.();
    institutionId = (await services.registry.registerInstitution(supervisorCaller, { uscc: testUscc(77), nameZh: '筛查崩溃测试机构', nameEn: 'Screening crash test institution', kind: 'payment_institution', jurisdictionCode: '110000' })).institutionId;
    nc = await connect({ servers: NATS_TEST_URL });
    jsm = await jetstreamManager(nc);
    // A short ack wait, so that the killed worker's requests come back in seconds rather than half a minute.
    await ensureScreeningStreams(jsm, names, { ackWaitMs: 2000 });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (jsm) for (const suffix of ['_REQUESTS', '_DECISIONS', '_EVENTS']) await jsm.streams.delete(`${stream}${suffix}`).catch(() => false);
    await nc?.close();
    if (platform) await closePlatform(platform);
    await adminQuery(`drop database if exists ${name} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged payment and gives none two decisions', async () => {
    const js = jetstream(nc);
    const requestIds: string[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const body = JSON.stringify({ paymentId: `CRASH-${i}`, initiatedAt: new Date(Date.UTC(2026, 5, 10, 2, 0, i)).toISOString(), amount: `${100 + i}.00`, currency: 'CNY', payer: { account: `PAYER-${i % 40}` }, payee: { account: `PAYEE-${i % 13}` } });
      requestIds.push((await publishPayment(js, { institutionId, body, contentType: 'application/json' }, names)).requestId);
    }
    expect((await streamState('_REQUESTS')).messages).toBe(PAYMENTS);

    const first = worker(1);
    const killed = await first.exited;
    expect(killed.signal, killed.output()).toBe('SIGKILL');
    const published = Number(/published (\d+)/.exec(killed.output())?.[1]);
    expect(published).toBeGreaterThan(0);
    // Published, never acknowledged: every request is still in the work queue.
    expect((await streamState('_DECISIONS')).messages).toBe(published);
    expect((await streamState('_REQUESTS')).messages).toBe(PAYMENTS);

    const second = worker(0);
    await until(() => streamState('_REQUESTS'), (state) => state.messages === 0, 'requests acknowledged');
    second.child.kill('SIGTERM');

    // One decision message per request, whatever was published before the crash.
    const decisions = await streamState('_DECISIONS');
    expect(decisions.messages).toBe(PAYMENTS);
    const ids = new Set<string>();
    for (const requestId of requestIds) {
      const message = await jsm.streams.getMessage(`${stream}_DECISIONS`, { last_by_subj: `${names.subjects}.decision.${institutionId}.${requestId}` });
      const result = message!.json<PublishedResult>();
      expect(result.status).toBe(200);
      if ('decision' in result) ids.add(result.decision.decisionId);
    }
    expect(ids.size).toBe(PAYMENTS);
    // And one decision in the database per payment, the same ones.
    const rows = await platform.database.db.selectFrom('screening_decision').select(['decision_id', 'idempotency_key']).execute();
    expect(rows).toHaveLength(PAYMENTS);
    expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(PAYMENTS);
    expect(new Set(rows.map((r) => r.decision_id))).toEqual(ids);
  }, 240_000);
});
