/**
 * The monitoring benchmark (`npm run bench:monitoring -- --loans 1000000`).
 *
 * Generates filed business with a known number of seeded violations of every national rule on
 * loans, repayments, collections, payments and fund flows (bench/monitoring/generate.ts), then
 * checks every generated filing through MonitoringService.checkFiling (the code path of the
 * `filing.accepted` consumer) and measures:
 *   loans_per_s_<engine>     loans of the data set ÷ the time to check all its filings (loans, then
 *                            their repayments, collection actions, payments and fund flows, each
 *                            with its re-checks of balances); the median of --runs passes, the
 *                            alerts cleared between passes
 *   seeded_recall            seeded violations found ÷ seeded (1 = all)
 *   false_alerts             alerts on anything not seeded (0)
 *   engines_agree            both engines raise the same alerts, with the same facts, on the same
 *                            seed (--agree-loans loans)
 *   multilending_seconds     the balance rules (one platform, all platforms) checked over every
 *                            borrower of the data set in one sweep in borrower order
 *                            (MonitoringService.sweepBalances), beside the same by re-check chunks
 *                            of borrowers (MonitoringService.recheckBalances, what a filing runs)
 *   sql_peer_ratio           our check time ÷ the same checks as plain set-based SQL (peer-sql.ts)
 *                            over the same tables in the same run
 *   read_floor               the time to read every row in force that the pack checks, with the
 *                            columns it reads, and nothing else (read-floor.ts): the most loans per
 *                            second any check reading the filed rows could reach on this machine;
 *                            on PostgreSQL also by COPY TO STDOUT, each line only split into fields
 *                            (read_floor_copy), the floor without the driver's per-row work
 * and writes bench/results/monitoring.json as /work/shared/BENCHMARKS.md describes. Each engine's
 * run is a child process of its own, on a database of its own that is dropped afterwards.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { maxRssMb, median, round, runChild as runChildProcess, scratchEnvironment } from '../common.js';

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(thisFile), '../..');

type Engine = 'postgres' | 'pglite';

interface ChildOptions {
  engine: Engine;
  loans: number;
  institutions: number;
  perRule: number;
  runs: number;
  peer: boolean;
  multilending: boolean;
}

async function child(options: ChildOptions): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../../src/platform/config.js');
  const { createPlatform, closePlatform } = await import('../../src/platform/platform.js');
  const { createServices } = await import('../../src/api/services.js');
  const { generate } = await import('./generate.js');
  const { checkAll, compare } = await import('./check.js');
  const { peerChecks } = await import('./peer-sql.js');
  const log = (line: string) => process.stderr.write(`[bench:monitoring ${options.engine}] ${line}\n`);
  const scratch = await scratchEnvironment('monitoring', options.engine);
  const env = scratch.env;
  const platform = await createPlatform(loadConfig(env));
  try {
    const services = createServices(platform);
    await services.rulebook.syncFiles();
    log(`generating ${options.loans} loans at ${options.institutions} institutions, ${options.perRule} seeded violations per rule`);
    const set = await generate(services, { loans: options.loans, institutions: options.institutions, perRule: options.perRule, log: (line) => log(`  ${line}`) });
    log(`generated in ${set.seconds.toFixed(1)} s: ${JSON.stringify(set.rows)}`);
    const passes: Awaited<ReturnType<typeof checkAll>>[] = [];
    let comparison: Awaited<ReturnType<typeof compare>> | undefined;
    const digests = new Set<string>();
    for (let run = 0; run < options.runs; run++) {
      // Each pass starts from no alerts, as the first check of newly accepted filings does.
      if (run > 0) await sql`truncate alert_transition, alert, monitoring_run, rule_fault`.execute(platform.database.db);
      const pass = await checkAll(services, set, log);
      passes.push(pass);
      const result = await compare(services, set);
      comparison ??= result;
      digests.add(result.digest);
      log(`check pass ${run + 1}: ${pass.seconds.toFixed(1)} s (${Object.entries(pass.byType).map(([t, s]) => `${t} ${s.toFixed(1)}`).join(', ')}), ${Math.round(set.loans / pass.seconds)} loans/s; recall ${result.recall}, false alerts ${result.falseAlerts}, faults ${result.faults}`);
    }
    let peer: { seconds: number[]; hits: number; recall: number; falseHits: number } | undefined;
    if (options.peer) {
      const seconds: number[] = [];
      let hits: Awaited<ReturnType<typeof peerChecks>>['hits'] = [];
      for (let run = 0; run < options.runs; run++) {
        const result = await peerChecks(services);
        seconds.push(result.seconds);
        hits = result.hits;
        log(`SQL peer pass ${run + 1}: ${result.seconds.toFixed(1)} s, ${result.hits.length} hits`);
      }
      const index = new Map(set.institutions.map((i) => [i.institutionId, i.index]));
      const expected = new Set(set.expected.map((e) => `${e.ruleId}|${e.institution}|${e.recordType}|${e.recordId}`));
      const found = new Set(hits.map((h) => `${h.rule_id}|${index.get(h.institution_id)}|${h.record_type}|${h.record_id}`));
      peer = { seconds, hits: hits.length, recall: [...expected].filter((k) => found.has(k)).length / expected.size, falseHits: [...found].filter((k) => !expected.has(k)).length };
    }
    // The floor under any check that reads the filed rows: reading them, nothing else.
    const { copyFloor, readFloor } = await import('./read-floor.js');
    const floors: { seconds: number; rows: number }[] = [];
    for (let run = 0; run < Math.max(options.runs, 1); run++) floors.push(await readFloor(platform, services, set.institutions.map((i) => i.institutionId)));
    const copies = [];
    if (options.engine === 'postgres') for (let run = 0; run < Math.max(options.runs, 1); run++) copies.push(await copyFloor(platform, services, env.DATABASE_URL!, set.institutions.map((i) => i.institutionId)));
    const floor = { seconds: floors.map((f) => f.seconds), rows: floors[0]!.rows, ...(copies.length > 0 ? { copySeconds: copies.map((c) => c.seconds), copyRows: copies[0]!.rows } : {}) };
    log(`read floor: ${floor.rows} rows in ${floor.seconds.map((s) => s.toFixed(1)).join(', ')} s${copies.length > 0 ? `; by COPY ${copies[0]!.rows} rows in ${copies.map((c) => c.seconds.toFixed(1)).join(', ')} s` : ''}`);
    let multilending: { seconds: number; rechecksSeconds: number; borrowers: number; loans: number; alertsUnchanged: boolean } | undefined;
    if (options.multilending) {
      const keys = (await sql<{ party_key: string }>`select distinct party_key from filed_loan where valid_to is null`.execute(platform.database.db)).rows.map((r) => r.party_key);
      // The same balance rules over every borrower two ways: the re-check by chunks of borrowers a
      // filing runs, and the sweep in borrower order; each must leave the alerts as they were.
      const r0 = performance.now();
      await services.monitoring.recheckBalances(keys, undefined, 'benchmark');
      const rechecksSeconds = (performance.now() - r0) / 1000;
      const afterRechecks = await compare(services, set);
      log(`balance rules over ${keys.length} borrowers by re-check chunks: ${rechecksSeconds.toFixed(1)} s`);
      const t0 = performance.now();
      await services.monitoring.sweepBalances('benchmark', (loans) => {
        if (loans % 500_000 < 20_000) log(`  sweep: ${loans} loans`);
      });
      const seconds = (performance.now() - t0) / 1000;
      const afterSweep = await compare(services, set);
      multilending = { seconds, rechecksSeconds, borrowers: keys.length, loans: set.loans, alertsUnchanged: afterRechecks.digest === comparison!.digest && afterSweep.digest === comparison!.digest };
      log(`balance rules over ${keys.length} borrowers by the sweep: ${seconds.toFixed(1)} s; alerts unchanged: ${multilending.alertsUnchanged}`);
    }
    return {
      engine: options.engine,
      loans: set.loans,
      borrowers: set.borrowers,
      multiLenderBorrowers: set.multiLenderBorrowers,
      rows: set.rows,
      filings: set.filings.length,
      warnings: set.warnings,
      generateSeconds: set.seconds,
      checkSeconds: passes.map((p) => p.seconds),
      byType: passes.map((p) => p.byType),
      records: passes[0]!.records,
      expected: comparison!.expected,
      found: comparison!.found,
      recall: comparison!.recall,
      falseAlerts: comparison!.falseAlerts,
      missing: comparison!.missing.slice(0, 20),
      unexpected: comparison!.unexpected.slice(0, 20),
      byRule: comparison!.byRule,
      faults: comparison!.faults,
      digest: comparison!.digest,
      passesAgree: digests.size === 1,
      ...(peer ? { peer } : {}),
      ...(multilending ? { multilending } : {}),
      floor,
      maxRssMb: maxRssMb(),
    };
  } finally {
    await closePlatform(platform);
    await scratch.remove();
  }
}

function runChild(options: ChildOptions): Promise<Record<string, unknown>> {
  const args = ['--child', options.engine, String(options.loans), String(options.institutions), String(options.perRule), String(options.runs), options.peer ? 'peer' : '-', options.multilending ? 'multilending' : '-'];
  return runChildProcess(thisFile, args, { cwd: repoRoot, maxOldSpaceMb: 12288 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      loans: { type: 'string', default: '1000000' },
      'pglite-loans': { type: 'string', default: '1000000' },
      'agree-loans': { type: 'string', default: '100000' },
      institutions: { type: 'string', default: '20' },
      'per-rule': { type: 'string', default: '10' },
      runs: { type: 'string', default: '3' },
      'pglite-runs': { type: 'string' },
      engines: { type: 'string', default: 'postgres,pglite' },
    },
  });
  const log = (line: string) => console.log(`[bench:monitoring] ${line}`);
  const loans = Number(values.loans);
  const pgliteLoans = Number(values['pglite-loans']);
  const agreeLoans = Number(values['agree-loans']);
  const institutions = Number(values.institutions);
  const perRule = Number(values['per-rule']);
  const runs = Number(values.runs);
  const pgliteRuns = Number(values['pglite-runs'] ?? values.runs);
  const engines = values.engines!.split(',').filter(Boolean) as Engine[];
  const base = { institutions, perRule };

  // engines_agree: both engines on the same seed and size, one pass each.
  const agree: Record<string, Record<string, unknown>> = {};
  if (engines.length === 2 && agreeLoans > 0) {
    for (const engine of engines) {
      log(`engines_agree: ${agreeLoans} loans on ${engine}`);
      agree[engine] = await runChild({ ...base, engine, loans: agreeLoans, runs: 1, peer: false, multilending: false });
      log(`  ${engine}: ${agree[engine].found}/${agree[engine].expected} seeded found, ${agree[engine].falseAlerts} false alerts, digest ${String(agree[engine].digest).slice(0, 16)}`);
    }
  }
  const big: Record<string, Record<string, unknown>> = {};
  for (const engine of engines) {
    const n = engine === 'postgres' ? loans : pgliteLoans;
    if (n <= 0) continue;
    const passes = engine === 'postgres' ? runs : pgliteRuns;
    log(`${engine}: ${n} loans, ${passes} passes`);
    big[engine] = await runChild({ ...base, engine, loans: n, runs: passes, peer: true, multilending: true });
    log(`  ${engine} result: ${JSON.stringify(big[engine])}`);
  }

  const metrics: Record<string, unknown> = {};
  const all = [...Object.values(agree), ...Object.values(big)];
  const expected = all.reduce((s, r) => s + (r.expected as number), 0);
  const found = all.reduce((s, r) => s + (r.found as number), 0);
  metrics.seeded_recall = expected === 0 ? null : round(found / expected, 6);
  metrics.false_alerts = all.reduce((s, r) => s + (r.falseAlerts as number), 0);
  metrics.rule_faults = all.reduce((s, r) => s + (r.faults as number), 0);
  if (Object.keys(agree).length === 2) {
    metrics.engines_agree = agree.postgres!.digest === agree.pglite!.digest;
    metrics.engines_agree_loans = agree.postgres!.loans;
    metrics.engines_agree_alerts = Object.values(agree.postgres!.byRule as Record<string, number>).reduce((a, b) => a + b, 0);
  }
  for (const [engine, r] of Object.entries(big)) {
    const seconds = r.checkSeconds as number[];
    const med = median(seconds);
    const rate = Math.round((r.loans as number) / med);
    metrics[`loans_per_s_${engine}`] = rate;
    metrics[`check_${engine}`] = {
      loans: r.loans,
      borrowers: r.borrowers,
      multiLenderBorrowers: r.multiLenderBorrowers,
      rows: r.rows,
      filings: r.filings,
      checkSecondsMedian: round(med, 1),
      checkSecondsSpread: [round(Math.min(...seconds), 1), round(Math.max(...seconds), 1)],
      secondsByRecordType: Object.fromEntries(Object.keys((r.byType as Record<string, number>[])[0]!).map((t) => [t, round(median((r.byType as Record<string, number>[]).map((b) => b[t]!)), 1)])),
      generateSeconds: round(r.generateSeconds as number, 1),
      alertsByRule: r.byRule,
      peakRssMb: r.maxRssMb,
    };
    const peer = r.peer as { seconds: number[]; hits: number; recall: number; falseHits: number } | undefined;
    if (peer) {
      metrics[`sql_peer_ratio_${engine}`] = round(med / median(peer.seconds), 1);
      metrics[`sql_peer_${engine}`] = { secondsMedian: round(median(peer.seconds), 2), secondsSpread: [round(Math.min(...peer.seconds), 2), round(Math.max(...peer.seconds), 2)], hits: peer.hits, recall: peer.recall, falseHits: peer.falseHits };
    }
    const floor = r.floor as { seconds: number[]; rows: number; copySeconds?: number[]; copyRows?: number } | undefined;
    if (floor) {
      const floorSeconds = median(floor.seconds);
      // The most loans per second any check reading these rows could reach here: the target's yardstick.
      metrics[`read_floor_${engine}`] = { seconds: round(floorSeconds, 2), rows: floor.rows, loansPerSecondCeiling: Math.round((r.loans as number) / floorSeconds), checkOverFloor: round(med / floorSeconds, 1) };
      if (floor.copySeconds) {
        const copySeconds = median(floor.copySeconds);
        metrics[`read_floor_copy_${engine}`] = { seconds: round(copySeconds, 2), rows: floor.copyRows, loansPerSecondCeiling: Math.round((r.loans as number) / copySeconds) };
      }
    }
    const ml = r.multilending as { seconds: number; rechecksSeconds: number; borrowers: number; loans: number; alertsUnchanged: boolean } | undefined;
    if (ml) {
      // Named for a million borrowers only when at least that many were checked: nothing is extrapolated.
      if (ml.borrowers >= 1_000_000) metrics[engine === 'postgres' ? 'multilending_1m_seconds' : `multilending_1m_seconds_${engine}`] = round(ml.seconds, 1);
      metrics[`multilending_${engine}`] = {
        seconds: round(ml.seconds, 1),
        rechecksSeconds: round(ml.rechecksSeconds, 1),
        sweepSpeedup: round(ml.rechecksSeconds / ml.seconds, 1),
        borrowers: ml.borrowers,
        loans: ml.loans,
        alertsUnchanged: ml.alertsUnchanged,
      };
    }
  }
  // The targets' sizes (10,000,000 loans on PostgreSQL, 1,000,000 on PGlite, 1,000,000 borrowers): a smaller run says so.
  const scale: string[] = [];
  if (big.postgres && (big.postgres.loans as number) < 10_000_000) scale.push(`PostgreSQL measured at ${big.postgres.loans as number} loans, not the 10,000,000 of the target`);
  if (big.pglite && (big.pglite.loans as number) < 1_000_000) scale.push(`PGlite at ${big.pglite.loans as number} loans, not 1,000,000`);
  const ml = big.postgres?.multilending as { borrowers: number } | undefined;
  if (ml && ml.borrowers < 1_000_000) scale.push(`the balance re-check over ${ml.borrowers} borrowers, not 1,000,000 (multilending_1m_seconds not reported)`);
  if (scale.length > 0) metrics.scale_note = `${scale.join('; ')}; nothing is extrapolated`;
  const result = {
    name: 'monitoring',
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.versions.node}`,
    command: `npm run bench:monitoring -- --loans ${loans} --pglite-loans ${pgliteLoans} --agree-loans ${agreeLoans} --institutions ${institutions} --per-rule ${perRule} --runs ${runs} --pglite-runs ${pgliteRuns} --engines ${engines.join(',')}`,
    metrics,
  };
  await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(path.join(repoRoot, 'bench/results/monitoring.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(JSON.stringify(metrics, null, 2));
  log('wrote bench/results/monitoring.json');
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [engine, loans, institutions, perRule, runs, peer, multilending] = args.slice(1);
  const result = await child({ engine: engine as Engine, loans: Number(loans), institutions: Number(institutions), perRule: Number(perRule), runs: Number(runs), peer: peer === 'peer', multilending: multilending === 'multilending' });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else {
  await main();
}
