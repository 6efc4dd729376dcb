/**
 * Audit log benchmark (PostgreSQL): how many entries per second 8 concurrent writers append while
 * the sealer runs, by each path: audited reads (`AuditLog.append`, entries of concurrent callers
 * sharing one statement and one commit, each caller answered after that commit), audited writes
 * (`AuditLog.record` in a transaction of the writer's own) and both at once; against the design it
 * replaced (every append locking one chain row) and the ceiling of one bare insert per transaction,
 * measured in the same run; and how long `verify` takes over a million entries.
 *
 *   npm run bench:audit -- [--seconds 10] [--runs 3] [--writers 8] [--entries 1000000] [--verify-runs 3]
 *
 * Prints a summary and JSON, and writes bench/results/audit.json as /work/shared/BENCHMARKS.md describes.
 * The database is a fresh one on FH_BENCH_POSTGRES_URL's server (default the local one), dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { canonicalJson } from '../../src/platform/canonical-json.js';
import { ephemeralKeyMaterial, sha256Hex } from '../../src/platform/crypto.js';
import { migrate, openPostgres, type Database } from '../../src/platform/database.js';
import { AuditLog, verifyAuditLog } from '../../src/platform/audit/audit.service.js';
import { countUnsealed } from '../../src/platform/audit/audit.store.js';
import { adminQuery, median, POSTGRES_ADMIN_URL } from '../common.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const seconds = option('seconds', 10);
const runs = option('runs', 3);
const writers = option('writers', 8);
const entries = option('entries', 1_000_000);
const verifyRuns = option('verify-runs', 3);
const log = (line: string) => console.error(`[bench:audit] ${line}`);

const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

/** `writers` loops, each committing one audited transaction after another, for `seconds`; appends per second. */
async function concurrentAppends(append: (writer: number, i: number) => Promise<void>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      let done = 0;
      while (performance.now() < deadline) await append(writer, done++);
      return done;
    }),
  );
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000);
}

function entryOf(writer: number, i: number) {
  return { action: 'personal_data.read', subject: `consumer:${(writer * 7919 + i) % 5000}`, resource: `loan:${writer}-${i}`, reason: '贷后管理 / loan servicing', detail: { writer, i, purpose: 'collection' } };
}

async function main(): Promise<void> {
  const name = `fh_bench_audit_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  // Room for 8 writers, the sealer and the peer's writers.
  const handle = await openPostgres(url.toString(), writers + 4);
  const db: Kysely<Database> = handle.db;
  const loadBefore = os.loadavg();
  try {
    await migrate(handle);
    const keys = ephemeralKeyMaterial('ed25519');
    const audit = new AuditLog(db, keys.signer, { sealBatch: 10_000, sealIntervalMs: 200, headFile: null });
    await audit.init();
    const actor = { role: 'institution' as const, id: 'bench' };

    // The design this replaced, as a peer on the same server in the same run: a chain head row
    // every append locks, hashes after and updates, in the audited transaction.
    await sql`create table peer_chain (id int primary key, last_seq bigint not null, last_hash text not null)`.execute(db);
    await sql`insert into peer_chain values (1, 0, ${'0'.repeat(64)})`.execute(db);
    await sql`create table peer_log (seq bigint primary key, occurred_at timestamptz not null, actor_role text not null, actor_id text, subject text, action text not null, resource text, reason text, detail jsonb not null, prev_hash text not null, hash text not null)`.execute(db);
    const peerAppend = async (writer: number, i: number) => {
      const entry = entryOf(writer, i);
      await db.transaction().execute(async (trx) => {
        const head = await sql<{ last_seq: number; last_hash: string }>`select last_seq, last_hash from peer_chain where id = 1 for update`.execute(trx);
        const seq = Number(head.rows[0]!.last_seq) + 1;
        const occurredAt = new Date().toISOString();
        const hash = sha256Hex(`${head.rows[0]!.last_hash}\n${canonicalJson({ seq, occurredAt, actorRole: actor.role, actorId: actor.id, ...entry })}`);
        await sql`insert into peer_log values (${seq}, ${occurredAt}, ${actor.role}, ${actor.id}, ${entry.subject}, ${entry.action}, ${entry.resource}, ${entry.reason}, ${JSON.stringify(entry.detail)}, ${head.rows[0]!.last_hash}, ${hash})`.execute(trx);
        await sql`update peer_chain set last_seq = ${seq}, last_hash = ${hash} where id = 1`.execute(trx);
      });
    };
    // The ceiling of any design that appends in the caller's transaction: a transaction holding one
    // plain insert and nothing else, through the same driver and pool.
    await sql`create table peer_bare (seq bigserial primary key, occurred_at timestamptz not null default now(), actor_id text, action text not null, detail jsonb not null)`.execute(db);
    const bareAppend = async (writer: number, i: number) => {
      const entry = entryOf(writer, i);
      await db.transaction().execute(async (trx) => {
        await sql`insert into peer_bare (actor_id, action, detail) values (${actor.id}, ${entry.action}, ${JSON.stringify(entry.detail)})`.execute(trx);
      });
    };
    // An audited read: the entry is committed (shared with the other callers') before the caller goes on.
    const readAppend = async (writer: number, i: number) => {
      await audit.append(actor, entryOf(writer, i));
    };
    // An audited write: the entry in the writer's own transaction.
    const writeAppend = async (writer: number, i: number) => {
      await db.transaction().execute((trx) => audit.record(trx, actor, entryOf(writer, i)).then(() => undefined));
    };
    // Half the writers read, half write, at once.
    const mixedAppend = (writer: number, i: number) => (writer % 2 ? writeAppend(writer, i) : readAppend(writer, i));

    const sealedUp = async () => {
      while ((await countUnsealed(db)) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    };

    const reads: number[] = [];
    const writes: number[] = [];
    const mixed: number[] = [];
    const peer: number[] = [];
    const bare: number[] = [];
    audit.start((error) => log(`sealer: ${(error as Error).message}`));
    for (let run = 1; run <= runs; run++) {
      // Alternate which goes first, so that none always meets a warmer or a busier server.
      const order = run % 2 ? (['reads', 'writes', 'mixed', 'peer', 'bare'] as const) : (['bare', 'peer', 'mixed', 'writes', 'reads'] as const);
      const kinds = {
        reads: { append: readAppend, rates: reads, label: 'audited reads (append, shared commits)' },
        writes: { append: writeAppend, rates: writes, label: "audited writes (record, in the writer's transaction)" },
        mixed: { append: mixedAppend, rates: mixed, label: 'half reads, half writes' },
        peer: { append: peerAppend, rates: peer, label: 'one-row-lock chain (peer)' },
        bare: { append: bareAppend, rates: bare, label: 'one bare insert per transaction (ceiling of the write path)' },
      };
      for (const which of order) {
        // Each starts with every earlier entry sealed: the sealer, running throughout, seals only its own.
        await sealedUp();
        const rate = await concurrentAppends(kinds[which].append);
        kinds[which].rates.push(rate);
        log(`run ${run}: ${kinds[which].label}: ${Math.round(rate)} appends/s with ${writers} writers`);
      }
    }
    await audit.stop();
    const appended = await audit.verify();
    log(`appends sealed and verified: ${appended.ok} (${appended.entries} entries, ${appended.heads} heads)`);

    // A million entries, sealed, then verified against the newest head as a second party would.
    log(`inserting ${entries} entries…`);
    await sql`insert into audit_log (actor_role, actor_id, subject_ref, action, resource, reason, detail)
      select 'institution', 'bench', md5(i::text), 'personal_data.read', 'loan:' || i, '贷后管理 / loan servicing', jsonb_build_object('i', i, 'purpose', 'collection')
      from generate_series(1, ${entries}) as i`.execute(db);
    const sealStart = performance.now();
    const head = await audit.seal();
    const sealSeconds = (performance.now() - sealStart) / 1000;
    log(`sealed in ${sealSeconds.toFixed(1)} s: tree of ${head?.treeSize}`);
    const verifySeconds: number[] = [];
    let verified = false;
    let treeSize = 0;
    for (let run = 1; run <= verifyRuns; run++) {
      const start = performance.now();
      const report = await verifyAuditLog(db, { publicKey: audit.publicKey, against: head ? [head] : [] });
      verifySeconds.push((performance.now() - start) / 1000);
      verified = report.ok && report.extends.length === 1;
      treeSize = report.entries;
      log(`verify run ${run}: ${report.entries} entries in ${verifySeconds.at(-1)!.toFixed(1)} s, ok ${report.ok}`);
    }
    const loadAfter = os.loadavg();
    const result = {
      name: 'audit',
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.versions.node}; shared with other work: load average (1, 5, 15 min) ${loadBefore.map((l) => l.toFixed(2)).join(', ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(', ')} after`,
      command: `npm run bench:audit -- --seconds ${seconds} --runs ${runs} --writers ${writers} --entries ${entries} --verify-runs ${verifyRuns}`,
      definitions: {
        audit_appends_per_s: `audited reads: entries per second committed by ${writers} concurrent callers of AuditLog.append, each awaiting its entry's commit before appending the next (entries waiting meanwhile share one INSERT statement and one commit); the path every read of personal data takes`,
        audit_write_appends_per_s: `audited writes: transactions per second, each holding one AuditLog.record, ${writers} concurrent writers`,
        audit_mixed_appends_per_s: `entries per second with ${writers / 2} callers on each path at once`,
        one_row_lock_appends_per_s: 'peer: the design it replaced, each append locking and updating one chain row in its transaction',
        bare_transaction_appends_per_s: 'peer: transactions per second holding one plain insert and nothing else, same driver and pool: the ceiling of any append in its own transaction',
      },
      metrics: {
        audit_appends_per_s: round(median(reads)),
        audit_appends_per_s_spread: [round(Math.min(...reads)), round(Math.max(...reads))],
        audit_write_appends_per_s: round(median(writes)),
        audit_write_appends_per_s_spread: [round(Math.min(...writes)), round(Math.max(...writes))],
        audit_mixed_appends_per_s: round(median(mixed)),
        audit_mixed_appends_per_s_spread: [round(Math.min(...mixed)), round(Math.max(...mixed))],
        one_row_lock_appends_per_s: round(median(peer)),
        one_row_lock_appends_per_s_spread: [round(Math.min(...peer)), round(Math.max(...peer))],
        appends_ratio_vs_one_row_lock: round(median(reads) / median(peer), 2),
        write_appends_ratio_vs_one_row_lock: round(median(writes) / median(peer), 2),
        bare_transaction_appends_per_s: round(median(bare)),
        bare_transaction_appends_per_s_spread: [round(Math.min(...bare)), round(Math.max(...bare))],
        appends_ratio_vs_bare_transaction: round(median(reads) / median(bare), 2),
        write_appends_share_of_bare_transaction: round(median(writes) / median(bare), 2),
        writers,
        appends_verified: appended.ok,
        verify_1m_entries_seconds: round(median(verifySeconds), 1),
        verify_seconds_spread: [round(Math.min(...verifySeconds), 1), round(Math.max(...verifySeconds), 1)],
        verify_entries: treeSize,
        verify_ok: verified,
        seal_1m_entries_seconds: round(sealSeconds, 1),
        postgres: (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db)).rows[0]!.v,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
    await writeFile(path.join(repoRoot, 'bench/results/audit.json'), `${JSON.stringify(result, null, 2)}\n`);
    log('wrote bench/results/audit.json');
  } finally {
    await handle.close();
    await adminQuery(`drop database if exists ${name} with (force)`);
  }
}

await main();
process.exit(0);
