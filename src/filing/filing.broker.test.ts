import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine, startPlatform, type TestContext } from '../../test/harness.js';
import type { EventBusStats } from '../platform/events.js';
import { institution, loanCsv, upload, type TestInstitution } from './filing.test-support.js';

const NATS_SERVER = '/usr/sbin/nats-server';

/** A TCP port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This test's own broker (never the shared one), on `port`, keeping its JetStream store in `storeDir`. */
async function startBroker(port: number, storeDir: string): Promise<ChildProcess> {
  const broker = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
  await vi.waitFor(async () => expect(await answers(port)).toBe(true), { timeout: 20_000, interval: 100 });
  return broker;
}

async function killBroker(broker: ChildProcess): Promise<void> {
  if (broker.exitCode !== null || broker.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => broker.once('exit', () => resolve()));
  broker.kill('SIGKILL');
  await exited;
}

describeEachEngine('signing while the NATS broker is killed and restarted', (engine) => {
  let ctx: TestContext;
  let port: number;
  let broker: ChildProcess;
  const storeDir = mkdtempSync(path.join(tmpdir(), 'fh-nats-'));
  const notices: string[] = [];
  /** Handler calls per event id, and the filing each event named. */
  const calls = new Map<string, number>();
  const delivered = new Map<string, string>();
  const lenders: TestInstitution[] = [];

  beforeAll(async () => {
    port = await freePort();
    broker = await startBroker(port, storeDir);
    ctx = await startPlatform(engine, { natsUrl: `nats://127.0.0.1:${port}` }, {
      // A publish may wait 30 s for the broker: a sign that waited for one would take that long,
      // and the outage phase below (six signs within two minutes) could not finish.
      events: { onNotice: (message) => notices.push(message), onError: () => {}, publishTimeoutMs: 30_000 },
      capabilities: (services) => [
        {
          name: 'broker-test',
          start: async () => {
            await services.platform.events.subscribe('filing.accepted', 'broker-test', async (payload, meta) => {
              calls.set(meta.eventId, (calls.get(meta.eventId) ?? 0) + 1);
              delivered.set(meta.eventId, payload.filingId);
            });
          },
        },
      ],
    });
    for (let n = 0; n < 3; n++) lenders.push(await institution(ctx, 60 + n));
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
    if (broker) await killBroker(broker);
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('keeps signing while the broker is away, then delivers every event exactly once', async () => {
    const stats = (): Promise<EventBusStats> => ctx.platform.events.stats();
    const unpublished = async (filingId: string) => {
      const rows = await ctx.platform.database.db.selectFrom('event_outbox').select(['payload', 'published_at']).where('published_at', 'is', null).execute();
      return rows.some((row) => (row.payload as { filingId: string }).filingId === filingId);
    };
    type Phase = 'before' | 'outage' | 'after';
    const state: { phase: Phase } = { phase: 'before' };
    // A sign counts for the outage when it began after the broker was seen down and returned before its restart.
    const accepted: { filingId: string; phase: Phase | 'across'; brokerAtReturn: EventBusStats['broker']; eventWaiting: boolean }[] = [];
    let stop = false;
    let seed = 1000;

    // One signer per institution, each filing period after period, as fast as the platform allows.
    const signer = async (lender: TestInstitution, index: number) => {
      for (let month = 1; !stop; month++) {
        const period = `${2000 + Math.floor((month - 1) / 12) + index * 8}-${String(((month - 1) % 12) + 1).padStart(2, '0')}`;
        const uploaded = await upload(ctx.app, lender.apiKey, loanCsv({ rows: 4, seed: seed++, period }), { recordType: 'loan', period });
        expect(uploaded.json().status, uploaded.body).toBe('clean');
        const filingId = uploaded.json().filingId as string;
        const began = state.phase;
        const signed = await ctx.app.inject({ method: 'POST', url: `/v1/filings/${filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
        expect(signed.statusCode, signed.body).toBe(200);
        expect(signed.json().filing.status).toBe('accepted');
        const ended = state.phase;
        const brokerAtReturn = (await stats()).broker;
        const eventWaiting = await unpublished(filingId);
        accepted.push({ filingId, phase: began === ended ? began : 'across', brokerAtReturn, eventWaiting });
      }
    };
    const failures: unknown[] = [];
    const signers = lenders.map((lender, index) =>
      signer(lender, index).catch((error: unknown) => {
        failures.push(error);
        stop = true;
      }),
    );
    /** Wait until `count` signs are in `phase`, failing at once if a signer failed. */
    const signsIn = (phase: Phase, count: number) =>
      vi.waitFor(
        () => {
          if (failures.length > 0) throw new Error(`a sign failed: ${String(failures[0])}`);
          expect(accepted.filter((a) => a.phase === phase).length).toBeGreaterThanOrEqual(count);
        },
        { timeout: 120_000, interval: 50 },
      );

    // Load with the broker up.
    await signsIn('before', 6);
    await killBroker(broker);
    await vi.waitFor(async () => expect((await stats()).broker).toBe('unavailable'), { timeout: 20_000, interval: 50 });
    state.phase = 'outage';
    // Signing goes on while the broker is down.
    await signsIn('outage', 6);
    state.phase = 'after';
    broker = await startBroker(port, storeDir);
    await signsIn('after', 3);
    stop = true;
    await Promise.all(signers);
    expect(failures).toEqual([]);

    const duringOutage = accepted.filter((a) => a.phase === 'outage');
    expect(duringOutage.length).toBeGreaterThan(0);
    // Each of them returned accepted while the broker was still down, its event still in the outbox:
    // the sign did not wait for a publish.
    for (const sign of duringOutage) expect(sign).toMatchObject({ brokerAtReturn: 'unavailable', eventWaiting: true });

    // Back: everything published and handled, each event once, each filing once.
    await vi.waitFor(async () => expect(await stats()).toMatchObject({ pending: 0, broker: 'available' }), { timeout: 120_000, interval: 200 });
    await vi.waitFor(() => expect(new Set(delivered.values()).size).toBe(accepted.length), { timeout: 120_000, interval: 200 });
    expect([...delivered.values()].sort()).toEqual(accepted.map((a) => a.filingId).sort());
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    expect(calls.size).toBe(accepted.length);
    // The outage was told once when it began and once when it ended.
    expect(notices.filter((n) => n.includes('unavailable'))).toHaveLength(1);
    expect(notices.filter((n) => n.includes('available again'))).toHaveLength(1);
  }, 300_000);
});
