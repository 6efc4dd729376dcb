import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminQuery, describeEachEngine, POSTGRES_ADMIN_URL } from '../../../test/harness.js';
import { loadConfig } from '../config.js';
import { generateSigningKey, signerFor } from '../crypto.js';
import { openPglite, openPostgres, type DatabaseHandle } from '../database.js';
import { closePlatform, createPlatform } from '../platform.js';

const cli = fileURLToPath(new URL('../../../bin/fenghuo.js', import.meta.url));

function fenghuo(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describeEachEngine('fenghuo verify (command line)', (engine) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let databaseName: string | undefined;
  let headsFile: string;

  const openDirect = (): Promise<DatabaseHandle> => (engine === 'pglite' ? openPglite(path.join(dataDir, 'pglite')) : openPostgres(env.DATABASE_URL!, 1));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fh-verify-'));
    let databaseUrl = '';
    if (engine === 'postgres') {
      databaseName = `fh_test_${randomBytes(6).toString('hex')}`;
      await adminQuery(`create database ${databaseName}`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    }
    env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, FH_DEMO: 'false', LOG_LEVEL: 'silent' };
    headsFile = path.join(dataDir, 'audit-heads.jsonl');
    const platform = await createPlatform(loadConfig(env));
    for (let i = 0; i < 3; i++) await platform.audit.record(platform.database.db, { role: 'system', id: null }, { action: 'test.write', reason: `n${i}` });
    await platform.audit.seal();
    await platform.audit.publishHead();
    for (let i = 3; i < 5; i++) await platform.audit.record(platform.database.db, { role: 'system', id: null }, { action: 'test.write', reason: `n${i}` });
    // Closing seals the rest and appends the last head to the heads file.
    await closePlatform(platform);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (databaseName) await adminQuery(`drop database if exists ${databaseName} with (force)`);
  });

  it('keeps a heads file of the signed heads, and proves the log extends each (exit 0)', async () => {
    // PROOF(3, D[5]) by RFC 9162: leaf 2, leaf 3, the node over leaves 0–1, then leaf 4.
    const lines = (await readFile(headsFile, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { treeSize: number }).treeSize)).toEqual([3, 5]);
    const result = await fenghuo(['verify', '--against', headsFile], env);
    expect(result.stderr).not.toMatch(/TAMPERED/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/audit log intact: 5 entries in the tree, 2 signed heads/);
    expect(result.stdout).toMatch(/extends the head of size 3 .*consistency proof of 4 hashes/);
    expect(result.stdout).toMatch(/extends the head of size 5 /);
  });

  it('answers 2 for a heads file it cannot use', async () => {
    const missing = await fenghuo(['verify', '--against', path.join(dataDir, 'nowhere.jsonl')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere\.jsonl: ENOENT/);
    const notHead = await fenghuo(['verify', '--against', '{"treeSize": 3}'], env);
    expect(notHead.code).toBe(2);
    expect(notHead.stderr).toMatch(/not a signed audit head/);
  });

  it('trusts only the public key it is given: heads signed by another key are reported (exit 1)', async () => {
    const other = signerFor('ed25519', generateSigningKey('ed25519'));
    const keyFile = path.join(dataDir, 'other.pem');
    await writeFile(keyFile, other.publicKey);
    const result = await fenghuo(['verify', '--public-key', keyFile], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/audit log TAMPERED at positions 0–2: the signed head of size 3 .* is forged: it names key/);
  });

  it('finds a rewound log only against the heads file, and says where (exit 1)', async () => {
    const handle = await openDirect();
    try {
      for (const table of ['audit_log', 'audit_head']) await sql.raw(`alter table ${table} disable trigger user`).execute(handle.db);
      await sql.raw('delete from audit_log where leaf_index >= 3').execute(handle.db);
      await sql.raw('delete from audit_head where tree_size > 3').execute(handle.db);
      for (const table of ['audit_log', 'audit_head']) await sql.raw(`alter table ${table} enable trigger user`).execute(handle.db);
    } finally {
      await handle.close();
    }
    const alone = await fenghuo(['verify'], env);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/intact: 3 entries/);
    const against = await fenghuo(['verify', '--against', headsFile], env);
    expect(against.code).toBe(1);
    expect(against.stderr).toMatch(/audit log TAMPERED at position 3: the head you hold \(size 5, .*the log holds 3/);
  });
});
