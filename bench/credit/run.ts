/**
 * The credit benchmark (`npm run bench:credit`), each engine in a child process on a database of
 * its own, dropped afterwards:
 *   tradelines_build_1m_seconds   the loans of an accepted filing set (bench/monitoring's generator:
 *                                 --build-loans loans, in filings per institution and period, with
 *                                 their instalments) turned into tradelines by CreditService.onFilingAccepted,
 *                                 the code path of the `filing.accepted` consumer; loan filings timed
 *                                 apart from the instalment filings that follow, the loan filings
 *                                 --build-repeats times (the tradelines emptied between): the median
 *   report_p99_ms_<engine>_<size> the consolidated report of one person (tradelines, inquiries,
 *                                 notices, disputes, lender names) over --consumers people with
 *                                 --per-consumer tradelines each, written by SQL straight into the
 *                                 tradeline table; --samples people read one after another, after
 *                                 as many unmeasured reads
 * and writes bench/results/credit.json as /work/shared/BENCHMARKS.md describes. The German Credit
 * figures have a benchmark of their own (bench/credit/german.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { maxRssMb, round, runChild as runChildProcess, scratchEnvironment } from '../common.js';

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(thisFile), '../..');

type Engine = 'postgres' | 'pglite';

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

interface ChildOptions {
  engine: Engine;
  buildLoans: number;
  buildRepeats: number;
  consumers: number;
  perConsumer: number;
  samples: number;
}

async function child(options: ChildOptions): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../../src/platform/config.js');
  const { createPlatform, closePlatform } = await import('../../src/platform/platform.js');
  const { createServices } = await import('../../src/api/services.js');
  const { generate } = await import('../monitoring/generate.js');
  const log = (line: string) => process.stderr.write(`[bench:credit ${options.engine}] ${line}\n`);
  const scratch = await scratchEnvironment('credit', options.engine);
  const env = scratch.env;
  const platform = await createPlatform(loadConfig(env));
  const db = platform.database.db;
  const result: Record<string, unknown> = { engine: options.engine };
  try {
    const services = createServices(platform);
    await services.rulebook.syncFiles();
    if (options.buildLoans > 0) {
      log(`generating ${options.buildLoans} loans with their instalments`);
      const set = await generate(services, { loans: options.buildLoans, institutions: 20, perRule: 0, log: (line) => log(`  ${line}`) });
      const byType = async (type: 'loan' | 'repayment') => {
        const t0 = performance.now();
        let tradelines = 0;
        for (const filing of set.filings.filter((f) => f.recordType === type)) {
          tradelines += await services.credit.onFilingAccepted({ filingId: filing.filingId, institutionId: filing.institutionId, recordType: type, period: filing.period, version: filing.version, records: filing.records });
        }
        return { seconds: (performance.now() - t0) / 1000, tradelines };
      };
      const loanRuns: { seconds: number; tradelines: number }[] = [];
      for (let run = 1; run <= options.buildRepeats; run++) {
        await sql`truncate tradeline, credit_notice`.execute(db);
        const loads = os.loadavg().map((v) => round(v));
        loanRuns.push(await byType('loan'));
        log(`tradelines from the loan filings, run ${run}: ${loanRuns.at(-1)!.tradelines} in ${loanRuns.at(-1)!.seconds.toFixed(1)} s (load before: ${loads.join(' ')})`);
      }
      const loans = [...loanRuns].sort((a, b) => a.seconds - b.seconds)[Math.floor(loanRuns.length / 2)]!;
      const repayments = await byType('repayment');
      log(`rebuilt from the instalment filings: ${repayments.tradelines} in ${repayments.seconds.toFixed(1)} s`);
      result.build = {
        loans: set.loans,
        rows: set.rows,
        loanFilings: set.filings.filter((f) => f.recordType === 'loan').length,
        loanSeconds: round(loans.seconds),
        loanSecondsRuns: loanRuns.map((r) => round(r.seconds)),
        tradelines: loans.tradelines,
        repaymentSeconds: round(repayments.seconds),
        rebuiltByRepayments: repayments.tradelines,
      };
      await sql`truncate tradeline, credit_notice`.execute(db);
    }
    if (options.consumers > 0) {
      const institutions = (await sql<{ institution_id: string }>`select institution_id from institution limit 20`.execute(db)).rows.map((r) => r.institution_id);
      if (institutions.length === 0) {
        const { supervisorCaller, testUscc } = await import('../../src/filing/filing.test-support.js');
        for (let i = 0; i < 20; i++) institutions.push((await services.registry.registerInstitution(supervisorCaller, { uscc: testUscc(900 + i), nameZh: `基准机构${i}`, nameEn: `Benchmark lender ${i}`, kind: 'online_lender', jurisdictionCode: '110000' })).institutionId);
      }
      const total = options.consumers * options.perConsumer;
      log(`writing ${total} tradelines for ${options.consumers} people`);
      const t0 = performance.now();
      const chunk = 200_000;
      for (let from = 0; from < total; from += chunk) {
        const to = Math.min(total, from + chunk) - 1;
        // Person p = n / perConsumer (the pseudonym a hash of it); one in twenty lines has a negative record.
        await sql`
          insert into tradeline (party_key, institution_id, loan_id, product_type, purpose, opened_on, principal_fen, balance_fen, installments, status,
            days_past_due, worst_days_past_due, grid_to, grid, negative_from, negative_ended_on, source_filing_id)
          select md5('person' || (n / ${options.perConsumer})), (${institutions}::uuid[])[1 + (n % ${institutions.length})], 'L' || n, 'cash_loan', 'consumption',
            date '2024-01-01' + (n % 700)::int, 100000 + (n % 97) * 10000, (n % 97) * 8000, 12,
            case when n % 20 = 0 then 'overdue' else 'current' end, case when n % 20 = 0 then 35 else 0 end, case when n % 20 = 0 then 35 else 0 end,
            '2025-12', case when n % 20 = 0 then 'NNNNNNNNNNNNNNNNNNNNNN12' else 'NNNNNNNNNNNNNNNNNNNNNNNN' end,
            case when n % 20 = 0 then date '2025-11-10' end, null, ${'00000000-0000-4000-8000-000000000000'}::uuid
          from generate_series(${from}::bigint, ${to}::bigint) as n`.execute(db);
        log(`  ${to + 1} written`);
      }
      await sql`analyze tradeline`.execute(db);
      const writeSeconds = (performance.now() - t0) / 1000;
      log(`written in ${writeSeconds.toFixed(1)} s`);
      const report = (services.credit as unknown as { report(p: string, d: string, id: string, show: boolean): Promise<{ tradelines: unknown[] }> }).report.bind(services.credit);
      const person = (i: number) => (sql<{ k: string }>`select md5(${`person${i}`}) as k`.execute(db).then((r) => r.rows[0]!.k));
      const picks: string[] = [];
      for (let i = 0; i < options.samples * 2; i++) picks.push(await person(Math.floor(Math.random() * options.consumers)));
      for (const p of picks.slice(0, options.samples)) await report(p, '2026-01-15', '110105199001011234', false);
      const times: number[] = [];
      let lines = 0;
      for (const p of picks.slice(options.samples)) {
        const t = performance.now();
        const r = await report(p, '2026-01-15', '110105199001011234', false);
        times.push(performance.now() - t);
        lines += r.tradelines.length;
      }
      times.sort((a, b) => a - b);
      result.report = { consumers: options.consumers, tradelines: total, writeSeconds: round(writeSeconds), samples: times.length, tradelinesPerReport: round(lines / times.length), p50Ms: round(quantile(times, 0.5)), p99Ms: round(quantile(times, 0.99)), maxMs: round(times.at(-1)!) };
      log(`report: p50 ${quantile(times, 0.5).toFixed(2)} ms, p99 ${quantile(times, 0.99).toFixed(2)} ms over ${times.length} people`);
    }
    result.maxRssMb = maxRssMb();
    return result;
  } finally {
    await closePlatform(platform);
    await scratch.remove();
  }
}

function runChild(options: ChildOptions): Promise<Record<string, unknown>> {
  const args = ['--child', options.engine, String(options.buildLoans), String(options.buildRepeats), String(options.consumers), String(options.perConsumer), String(options.samples)];
  return runChildProcess(thisFile, args, { cwd: repoRoot, maxOldSpaceMb: 12288 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'build-loans': { type: 'string', default: '1000000' },
      'build-repeats': { type: 'string', default: '3' },
      consumers: { type: 'string', default: '1000000' },
      'per-consumer': { type: 'string', default: '10' },
      'pglite-consumers': { type: 'string', default: '100000' },
      samples: { type: 'string', default: '1000' },
    },
  });
  const log = (line: string) => console.log(`[bench:credit] ${line}`);
  const loadAverageAtStart = os.loadavg().map((v) => round(v));
  const buildLoans = Number(values['build-loans']);
  const buildRepeats = Math.max(1, Number(values['build-repeats']));
  const consumers = Number(values.consumers);
  const perConsumer = Number(values['per-consumer']);
  const pgliteConsumers = Number(values['pglite-consumers']);
  const samples = Number(values.samples);
  const postgres = await runChild({ engine: 'postgres', buildLoans, buildRepeats, consumers, perConsumer, samples });
  log(`postgres: ${JSON.stringify(postgres)}`);
  const pglite = pgliteConsumers > 0 ? await runChild({ engine: 'pglite', buildLoans: 0, buildRepeats, consumers: pgliteConsumers, perConsumer, samples }) : undefined;
  if (pglite) log(`pglite: ${JSON.stringify(pglite)}`);

  const build = postgres.build as { loans: number; loanSeconds: number; loanSecondsRuns: number[] } | undefined;
  const pgReport = postgres.report as { tradelines: number; p99Ms: number } | undefined;
  const pgliteReport = pglite?.report as { tradelines: number; p99Ms: number } | undefined;
  const size = (n: number) => (n >= 1_000_000 ? `${Math.round(n / 1_000_000)}m` : `${Math.round(n / 1000)}k`);
  const metrics: Record<string, unknown> = {};
  if (build) metrics[`tradelines_build_${size(build.loans)}_seconds`] = build.loanSeconds;
  if (pgReport) metrics[`report_p99_ms_postgres_${size(pgReport.tradelines)}`] = pgReport.p99Ms;
  if (pgliteReport) metrics[`report_p99_ms_pglite_${size(pgliteReport.tradelines)}`] = pgliteReport.p99Ms;
  const targets = [
    { metric: 'tradelines_build_1m_seconds', target: '≤ 30 s for a 1,000,000-loan filing', measured: build ? `${build.loanSeconds} s for ${build.loans} loans (median of ${build.loanSecondsRuns.length}: ${build.loanSecondsRuns.join(', ')} s)` : 'not run', met: build ? build.loans >= 1_000_000 && build.loanSeconds <= 30 : null },
    { metric: 'report_p99_ms_postgres_10m', target: '≤ 10 ms with 10,000,000 tradelines', measured: pgReport ? `${pgReport.p99Ms} ms with ${pgReport.tradelines}` : 'not run', met: pgReport ? pgReport.tradelines >= 10_000_000 && pgReport.p99Ms <= 10 : null },
    { metric: 'report_p99_ms_pglite_1m', target: '≤ 30 ms with 1,000,000 tradelines', measured: pgliteReport ? `${pgliteReport.p99Ms} ms with ${pgliteReport.tradelines}` : 'not run', met: pgliteReport ? pgliteReport.tradelines >= 1_000_000 && pgliteReport.p99Ms <= 30 : null },
  ];
  const output = {
    name: 'credit',
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
    command: `npm run bench:credit -- ${process.argv.slice(2).join(' ')}`.trim(),
    // The machine is shared: its load when the run started and when it ended.
    loadAverageAtStart,
    loadAverage: os.loadavg().map((v) => round(v)),
    metrics,
    targets,
    runs: { postgres, ...(pglite ? { pglite } : {}) },
  };
  console.log(JSON.stringify(output, null, 2));
  await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(path.join(repoRoot, 'bench/results/credit.json'), `${JSON.stringify(output, null, 2)}\n`);
}

if (process.argv[2] === '--child') {
  const [engine, buildLoans, buildRepeats, consumers, perConsumer, samples] = process.argv.slice(3);
  const result = await child({ engine: engine as Engine, buildLoans: Number(buildLoans), buildRepeats: Number(buildRepeats), consumers: Number(consumers), perConsumer: Number(perConsumer), samples: Number(samples) });
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  await main();
}
