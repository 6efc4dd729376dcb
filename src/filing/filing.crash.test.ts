import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, adminQuery, POSTGRES_ADMIN_URL } from '../../test/harness.js';
import { loadConfig } from '../platform/config.js';
import { closePlatform, createPlatform, type Platform } from '../platform/platform.js';
import { createServices, type Services } from '../api/services.js';
import { loanCsv, supervisorCaller, testUscc } from './filing.test-support.js';
import type { Caller } from '../platform/auth/access.js';

const childScript = fileURLToPath(new URL('./filing.crash-child.ts', import.meta.url));

describe.skipIf(!engines.includes('postgres'))('a load killed in the middle of its COPY [postgres]', () => {
  const name = `fh_test_crash_${randomBytes(5).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fh-crash-'));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString(), DATA_DIR: dataDir, FH_DEMO: 'false', LOG_LEVEL: 'silent' };
  let platform: Platform;
  let services: Services;
  let caller: Caller;

  beforeAll(async () => {
    await adminQuery(`create database ${name}`);
    platform = await createPlatform(loadConfig(env));
    services = createServices(platform);
    const registered = await services.registry.registerInstitution(supervisorCaller, { uscc: testUscc(9), nameZh: '崩溃测试机构', nameEn: 'Crash test institution', kind: 'online_lender', jurisdictionCode: '110000' });
    caller = { principal: { role: 'institution', institutionId: registered.institutionId, keyId: 'test' }, actor: { role: 'institution', id: registered.institutionId } };
  });
  afterAll(async () => {
    if (platform) await closePlatform(platform);
    await adminQuery(`drop database if exists ${name} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const file = (rows: number, seed: number, resubmission = false) =>
    services.filing.fileRecords(caller, { recordType: 'loan', period: '2024-06', source: [Buffer.from(loanCsv({ rows, seed }))], contentType: 'text/csv', resubmission });

  it('leaves the previous accepted version in place, and a restart loads the new one', async () => {
    const v1 = await file(500, 81);
    expect((await services.filing.sign(caller, v1.filingId)).filing.status).toBe('accepted');
    expect(await services.filing.domainRowCount(v1.filingId)).toBe(500);

    const v2 = await file(30_000, 82, true);
    expect(v2.status).toBe('clean');
    expect((await services.filing.sign(caller, v2.filingId, { load: false })).filing.status).toBe('signed');

    const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
      env: { ...process.env, ...env, FH_TEST_FILING_ID: v2.filingId, FH_TEST_KILL_AFTER_ROWS: '15000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (part: Buffer) => (output += part.toString()));
    child.stderr.on('data', (part: Buffer) => (output += part.toString()));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    expect(exit.signal, output).toBe('SIGKILL');
    // It had copied rows of the new version (one COPY committed to the transaction, one under way).
    const copied = [...output.matchAll(/copied (\d+)/g)].map((m) => Number(m[1]));
    expect(copied.at(-1)).toBeGreaterThanOrEqual(15_000);
    expect(copied.at(-1)).toBeLessThan(30_000);
    expect(output).not.toContain('finished without being killed');

    // Nothing of the half-done load is visible: the previous version is whole and still in force.
    const v1After = await services.filing.get(caller, v1.filingId);
    const v2After = await services.filing.get(caller, v2.filingId);
    expect(v1After.status).toBe('accepted');
    expect(v2After.status).toBe('signed');
    expect(await services.filing.domainRowCount(v1.filingId)).toBe(500);
    expect(await services.filing.domainRowCount(v2.filingId)).toBe(0);

    // A new upload must wait for the signed version's load.
    await expect(file(10, 83, true)).rejects.toMatchObject({ code: 'FH_FILING_IN_PROGRESS' });

    // What start-up does: resume the signed filing's load.
    expect(await services.filing.resumePendingLoads()).toEqual([v2.filingId]);
    expect((await services.filing.get(caller, v2.filingId)).status).toBe('accepted');
    expect((await services.filing.get(caller, v1.filingId)).status).toBe('superseded');
    expect(await services.filing.domainRowCount(v2.filingId)).toBe(30_000);
    expect(await services.filing.domainRowCount(v1.filingId)).toBe(0);
  });
});
