import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate, openDatabase } from './database.js';
import { createEventBus } from './events.js';

declare module './events.js' {
  interface EventPayloads {
    'test.cli': { n: number };
  }
}

const mainScript = fileURLToPath(new URL('../main.ts', import.meta.url));

describe('fenghuo events list | parked | replay', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fh-events-cli-'));
  const env = { ...process.env, DATA_DIR: dir, FH_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: '', NATS_URL: '' };
  const fenghuo = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', mainScript, 'events', ...args], { encoding: 'utf8', env });
  let parkedIds: string[] = [];

  beforeAll(async () => {
    // Two events a consumer gave up on, in the embedded database the command line then opens.
    const database = await openDatabase({ dataDir: dir, databaseUrl: undefined });
    try {
      await migrate(database);
      const bus = await createEventBus(database.db, { natsUrl: undefined }, { maxAttempts: 1, onError: () => {} });
      await bus.subscribe('test.cli', 'ledger', async (payload) => {
        throw new Error(`ledger refuses ${payload.n}`);
      });
      await database.db.transaction().execute(async (trx) => {
        await bus.enqueue(trx, 'test.cli', { n: 1 });
        await bus.enqueue(trx, 'test.cli', { n: 2 });
      });
      bus.start();
      await vi.waitFor(async () => expect(await bus.failedEvents()).toHaveLength(2), { timeout: 15_000 });
      parkedIds = (await bus.failedEvents()).map((event) => event.failureId);
      await bus.close();
    } finally {
      await database.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the consumers and the parked events, replays one by id, refuses an unknown id, and forgets a consumer', () => {
    const list = fenghuo('list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('outbox: 0 pending');
    expect(list.stdout).toContain('2 parked');
    expect(list.stdout).toMatch(/ledger {2}test\.cli {2}backfill outbox {2}pending 0 {2}parked 2/);

    const parked = fenghuo('parked', '--consumer', 'ledger');
    expect(parked.status, parked.stderr).toBe(0);
    for (const id of parkedIds) expect(parked.stdout).toContain(id);
    expect(parked.stdout).toContain('ledger refuses 1');
    expect(parked.stdout).toContain('2 parked event(s)');

    const replay = fenghuo('replay', parkedIds[0]!);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`replayed ${parkedIds[0]}: test.cli for ledger`);

    const after = fenghuo('list');
    // The replayed event waits for the consumer again; one is still parked.
    expect(after.stdout).toMatch(/ledger {2}test\.cli {2}backfill outbox {2}pending 1 {2}parked 1/);

    const unknown = fenghuo('replay', '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('no parked event 00000000-0000-4000-8000-000000000000');

    // Gone for good: nothing is kept for it any longer; its parked event stays listed.
    const forget = fenghuo('forget', 'ledger');
    expect(forget.status, forget.stderr).toBe(0);
    const last = fenghuo('list');
    expect(last.stdout).toContain('outbox: 0 pending');
    expect(last.stdout).toContain('1 parked');
    expect(last.stdout).toContain('no consumer has registered yet');
  }, 120_000);
});
