import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const mainScript = fileURLToPath(new URL('../main.ts', import.meta.url));

describe('fenghuo monitoring sweep-balances', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fh-sweep-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sweeps an embedded database and prints what it checked, raised and superseded', () => {
    const env = { ...process.env, DATA_DIR: dir, FH_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: '', NATS_URL: '', REDIS_URL: '' };
    const run = spawnSync(process.execPath, ['--import', 'tsx', mainScript, 'monitoring', 'sweep-balances'], { encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ loans: 0, pages: 1, raised: 0, superseded: 0 });
    // Progress goes to stderr, so the summary on stdout stays machine-readable.
    expect(run.stderr).toContain('balances');
  });
});
