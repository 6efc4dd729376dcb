import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, type TestContext } from '../../../test/harness.js';
import { loadConfig } from '../config.js';
import { openPglite } from '../database.js';
import { closePlatform, createPlatform } from '../platform.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../bin/fenghuo.js', import.meta.url));

async function tamper(ctx: TestContext, statement: string): Promise<void> {
  const db = ctx.platform.database.db;
  await sql.raw('alter table audit_log disable trigger audit_log_no_update').execute(db);
  await sql.raw(statement).execute(db);
  await sql.raw('alter table audit_log enable trigger audit_log_no_update').execute(db);
}

for (const algorithm of ['ed25519', 'sm2'] as const) {
  describeEachEngine(`tamper-evident audit log (${algorithm})`, (engine) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await startPlatform(engine, { signatureAlgorithm: algorithm, auditCheckpointEvery: 4 });
      for (let i = 1; i <= 10; i++) {
        await ctx.platform.audit.record(ctx.platform.database.db, { role: 'supervisor', id: 'u1' }, { action: 'test.write', subject: `consumer:${i % 3}`, resource: `thing:${i}`, reason: `step ${i}` });
      }
    });
    afterAll(() => ctx.close());

    it('chains every entry and signs checkpoints that verify', async () => {
      const report = await ctx.platform.audit.verify();
      expect(report).toMatchObject({ ok: true, entries: 10, checkpoints: 2, headSeq: 10 });
      expect(await ctx.platform.audit.checkpoint()).toBe(10);
      expect((await ctx.platform.audit.verify()).checkpoints).toBe(3);
    });

    it('refuses updates and deletes at the database', async () => {
      await expect(sql.raw("update audit_log set reason = 'edited' where seq = 2").execute(ctx.platform.database.db)).rejects.toThrow(/append-only/);
      await expect(sql.raw('delete from audit_log where seq = 2').execute(ctx.platform.database.db)).rejects.toThrow(/append-only/);
    });

    it('finds the first entry whose content was changed behind its back', async () => {
      await tamper(ctx, "update audit_log set reason = 'nothing happened' where seq = 6");
      expect((await ctx.platform.audit.verify()).firstBroken).toEqual({ seq: 6, reason: 'content does not match its hash' });
    });

    it('finds a checkpoint signed by a key it does not trust', async () => {
      const report = await ctx.platform.audit.verify({ trustedKeys: new Map() });
      expect(report.firstBroken).toMatchObject({ seq: 4 });
      expect(report.firstBroken!.reason).toMatch(/unknown key/);
    });
  });
}

describe('fenghuo verify (command line)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fh-verify-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('reports an intact log, then the first broken entry with exit code 1', async () => {
    const env = { ...process.env, DATA_DIR: dataDir, FH_DEMO: 'false', DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const platform = await createPlatform(loadConfig(env));
    for (let i = 0; i < 5; i++) await platform.audit.record(platform.database.db, { role: 'system', id: null }, { action: 'test.write', reason: `n${i}` });
    await closePlatform(platform);

    const intact = await run(process.execPath, [cli, 'verify'], { env });
    expect(intact.stdout).toMatch(/audit log intact: 5 entries/);

    const handle = await openPglite(path.join(dataDir, 'pglite'));
    await sql.raw('alter table audit_log disable trigger audit_log_no_update').execute(handle.db);
    await sql.raw('delete from audit_log where seq = 3').execute(handle.db);
    await handle.close();

    const broken = await run(process.execPath, [cli, 'verify'], { env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(broken?.code).toBe(1);
    expect(broken?.stderr).toMatch(/BROKEN at entry 3: entry 3 is missing/);
  });
});
