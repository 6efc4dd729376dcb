/**
 * The filing benchmark (`npm run bench:filing -- --rows 1000000`).
 *
 * Measures, on files from bench/filing/generate.ts:
 *   validate_rows_per_s          parse + every edit, streaming from disk: the median of --runs warm passes in one
 *                                process, after a first, cold pass (reported as validate_rows_per_s_cold)
 *   accept_1m_seconds_<engine>   upload → validated → signed → loaded (accepted) through the filing service
 *   peak_rss_mb                  the largest resident set of any of those processes; RSS of validation at
 *                                a quarter of the size and at the full size shows it is flat in file size
 *   duckdb_ratio                 our validation time ÷ DuckDB's reading the same CSV and counting the
 *                                same validity failures in SQL (same file, same run)
 * and writes bench/results/filing.json as /work/shared/BENCHMARKS.md describes.
 *
 * Each measurement runs in a child process (`--child …`) so that its peak RSS is its own.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeLoanFile } from './generate.js';
import { maxRssMb, median, round, runChild as runChildProcess, scratchEnvironment } from '../common.js';

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(thisFile), '../..');
const PERIOD = '2024-06';
const INSTITUTION_USCC_REGION = '110105';

// ---------------------------------------------------------------------------------------------
// Children

/**
 * Validate `file` `repeat` times in this one process, as a server does file after file: the first
 * pass is cold (worker threads just started, nothing compiled yet), the rest are warm.
 */
async function childValidate(file: string, repeat: number): Promise<Record<string, unknown>> {
  const { validateFile, warmValidationWorkers } = await import('../../src/filing/pipeline.js');
  // Worker threads are started once per server process, not per file.
  await warmValidationWorkers();
  const seconds: number[] = [];
  let outcome: Awaited<ReturnType<typeof validateFile>> | undefined;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    outcome = await validateFile(createReadStream(file, { highWaterMark: 256 * 1024 }), {
      recordType: 'loan',
      period: PERIOD,
      institutionUscc: '91110105MA00000017',
      format: 'csv',
      previousStats: null,
    });
    seconds.push((performance.now() - started) / 1000);
  }
  return { seconds, rows: outcome!.rowCount, status: outcome!.status, counts: Object.fromEntries(outcome!.tallies.map((t) => [t.editId, t.count])), maxRssMb: maxRssMb() };
}

/**
 * Create a PGlite database (initdb and migrations) in `dataDir` and close it, in a process of its
 * own: PGlite's initdb peaks at ~800 MB of RSS, which a server reopening its database never sees
 * again, so it is measured apart (`pglite_initdb_rss_mb`).
 */
async function childInitPglite(dataDir: string): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../../src/platform/config.js');
  const { createPlatform, closePlatform } = await import('../../src/platform/platform.js');
  const platform = await createPlatform(loadConfig({ DATA_DIR: dataDir, FH_DEMO: 'false', LOG_LEVEL: 'silent' }));
  await closePlatform(platform);
  return { maxRssMb: maxRssMb() };
}

async function childAccept(engine: 'postgres' | 'pglite', file: string, existingDataDir?: string): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../../src/platform/config.js');
  const { createPlatform, closePlatform } = await import('../../src/platform/platform.js');
  const { createServices } = await import('../../src/api/services.js');
  const { warmValidationWorkers } = await import('../../src/filing/pipeline.js');
  const { usccCheckCharacter } = await import('../../src/standard/identifiers.js');
  const scratch = await scratchEnvironment('filing', engine, existingDataDir ? { dataDir: existingDataDir } : {});
  const env = scratch.env;
  const platform = await createPlatform(loadConfig(env));
  // As a server does at start-up: the validation worker threads are ready before the first upload.
  await warmValidationWorkers();
  // The engine's own start-up (PGlite runs a WASM PostgreSQL) before any filing work.
  const rssAfterOpenMb = maxRssMb();
  try {
    const services = createServices(platform);
    const supervisor = { principal: { role: 'supervisor' as const, userId: 'bench', displayName: 'bench', jurisdictionCode: '000000' }, actor: { role: 'supervisor' as const, id: 'bench' } };
    const first17 = `91${INSTITUTION_USCC_REGION}MA0000001`;
    const institution = await services.registry.registerInstitution(supervisor, { uscc: first17 + usccCheckCharacter(first17), nameZh: '基准测试机构', nameEn: 'Benchmark institution', kind: 'online_lender', jurisdictionCode: '110000' });
    const caller = { principal: { role: 'institution' as const, institutionId: institution.institutionId, keyId: 'bench' }, actor: { role: 'institution' as const, id: institution.institutionId } };
    const started = performance.now();
    const filed = await services.filing.fileRecords(caller, { recordType: 'loan', period: PERIOD, source: createReadStream(file, { highWaterMark: 256 * 1024 }), contentType: 'text/csv' });
    const uploaded = performance.now();
    const { filing } = await services.filing.sign(caller, filed.filingId);
    const accepted = performance.now();
    return {
      engine,
      seconds: (accepted - started) / 1000,
      uploadSeconds: (uploaded - started) / 1000,
      signAndLoadSeconds: (accepted - uploaded) / 1000,
      status: filing.status,
      records: await services.filing.domainRowCount(filed.filingId),
      rssAfterOpenMb,
      maxRssMb: maxRssMb(),
    };
  } finally {
    await closePlatform(platform);
    await scratch.remove();
  }
}

function runChild(args: string[]): Promise<Record<string, unknown>> {
  return runChildProcess(thisFile, ['--child', ...args], { cwd: repoRoot });
}

// ---------------------------------------------------------------------------------------------
// DuckDB: the same file, the same validity checks, in SQL.

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function residentCheckSql(column: string): string {
  const sum = RESIDENT_WEIGHTS.map((w, i) => `${w} * (ascii(substr(${column}, ${i + 1}, 1)) - 48)`).join(' + ');
  return `(substr('10X98765432', ((${sum}) % 11) + 1, 1) <> upper(substr(${column}, 18, 1)))`;
}

function usccCheckSql(column: string): string {
  const sum = USCC_WEIGHTS.map((w, i) => `${w} * (strpos('${USCC_CHARS}', substr(${column}, ${i + 1}, 1)) - 1)`).join(' + ');
  return `(substr('${USCC_CHARS}', ((31 - ((${sum}) % 31)) % 31) + 1, 1) <> substr(${column}, 18, 1))`;
}

function duckdbQuery(file: string): string {
  const required = ['loan_id', 'contract_id', 'borrower_type', 'borrower_id', 'contract_date', 'principal_fen', 'disbursed_fen', 'disbursement_date', 'first_due_date', 'installments', 'period_months', 'nominal_annual_rate', 'repayment_method', 'fee_per_installment_fen', 'purpose', 'guarantee_type'];
  const whole = ['principal_fen', 'disbursed_fen', 'fee_per_installment_fen', 'other_fees_fen', 'installments', 'period_months'];
  const dates = ['contract_date', 'disbursement_date', 'first_due_date'];
  const start = `${PERIOD}-01`;
  const end = `last_day(date '${start}')`;
  const checks: Record<string, string> = {
    s005_required_empty: required.map((c) => `coalesce(${c}, '') = ''`).join(' or '),
    s006_s007_not_whole_number: whole.map((c) => `(coalesce(${c}, '') <> '' and not regexp_full_match(${c}, '-?[0-9]+'))`).join(' or '),
    s008_rate_not_decimal: `coalesce(nominal_annual_rate, '') <> '' and try_cast(nominal_annual_rate as double) is null`,
    s009_v002_bad_date: dates.map((c) => `(coalesce(${c}, '') <> '' and (not regexp_full_match(${c}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') or try_strptime(${c}, '%Y-%m-%d') is null))`).join(' or '),
    v001_code_list: [
      `borrower_type not in ('individual', 'organisation')`,
      `repayment_method not in ('equal_installment', 'equal_principal', 'interest_first', 'bullet')`,
      `purpose not in ('consumption', 'education', 'medical', 'home_improvement', 'vehicle', 'travel', 'business_operation', 'working_capital', 'agriculture', 'other')`,
      `guarantee_type not in ('none', 'guarantee_company', 'personal_guarantee', 'collateral', 'pledge', 'credit_insurance')`,
      `coalesce(guarantor_type, '') not in ('', 'individual', 'organisation')`,
    ].join(' or '),
    v003_v004_date_outside_period: `try_cast(contract_date as date) not between date '${start}' and ${end} or try_cast(disbursement_date as date) > ${end}`,
    v006_negative_amount: ['principal_fen', 'disbursed_fen', 'fee_per_installment_fen', 'other_fees_fen'].map((c) => `try_cast(${c} as bigint) < 0`).join(' or '),
    v007_rate_range: `try_cast(nominal_annual_rate as double) not between 0 and 10`,
    v008_range: `try_cast(installments as bigint) not between 1 and 360 or try_cast(period_months as bigint) not between 1 and 120 or try_cast(principal_fen as bigint) < 1 or try_cast(disbursed_fen as bigint) < 1`,
    v010_v011_resident_id: `borrower_type = 'individual' and (not regexp_full_match(borrower_id, '[0-9]{17}[0-9Xx]') or try_strptime(substr(borrower_id, 7, 8), '%Y%m%d') is null or ${residentCheckSql('borrower_id')})`,
    v012_v013_uscc: `borrower_type = 'organisation' and (not regexp_full_match(borrower_id, '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}') or ${usccCheckSql('borrower_id')})`,
    v014_phone: `coalesce(borrower_phone, '') <> '' and not regexp_full_match(borrower_phone, '\\+?[0-9]{5,15}(-[0-9]{1,10})?')`,
    v016_disbursed_over_principal: `try_cast(disbursed_fen as bigint) > try_cast(principal_fen as bigint)`,
    v017_disbursed_before_contract: `try_cast(disbursement_date as date) < try_cast(contract_date as date)`,
    v018_first_due_not_after_disbursement: `try_cast(first_due_date as date) <= try_cast(disbursement_date as date)`,
  };
  const columns = Object.entries(checks).map(([name, condition]) => `count(*) filter (where ${condition}) as ${name}`);
  return `select count(*) as rows, count(*) - count(distinct loan_id) as v015_duplicate_ids, ${columns.join(', ')}
    from read_csv('${file.replace(/'/g, "''")}', header = true, all_varchar = true, delim = ',', quote = '"', null_padding = true, strict_mode = false)`;
}

async function duckdbValidate(file: string): Promise<{ seconds: number; counts: Record<string, number> }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const started = performance.now();
  const reader = await connection.runAndReadAll(duckdbQuery(file));
  const seconds = (performance.now() - started) / 1000;
  const row = reader.getRowObjects()[0]!;
  const counts = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  connection.closeSync();
  instance.closeSync();
  return { seconds, counts };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      'errors-per-edit': { type: 'string', default: '10' },
      engines: { type: 'string', default: 'postgres,pglite' },
      child: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  const engines = values.engines!.split(',').filter(Boolean) as ('postgres' | 'pglite')[];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fh-bench-files-'));
  const log = (line: string) => console.log(`[bench:filing] ${line}`);
  try {
    const seeded = path.join(dir, 'loans-seeded.csv');
    const small = path.join(dir, 'loans-quarter.csv');
    const clean = path.join(dir, 'loans-clean.csv');
    log(`generating ${rows} loans (with ${values['errors-per-edit']} seeded failures per edit), a clean file, and a quarter-size file in ${dir}`);
    const summary = await writeLoanFile(seeded, { rows, errorsPerEdit: Number(values['errors-per-edit']), seed: 1, period: PERIOD });
    await writeLoanFile(small, { rows: Math.floor(rows / 4), errorsPerEdit: Number(values['errors-per-edit']), seed: 3, period: PERIOD });
    await writeLoanFile(clean, { rows, errorsPerEdit: 0, seed: 2, period: PERIOD });

    // One process validates the file runs + 1 times: the first pass is the cold one of a fresh
    // server, the median of the others the rate of a server that has been running.
    const validation = await runChild(['validate', seeded, String(runs + 1)]);
    const passes = validation.seconds as number[];
    const cold = passes[0]!;
    const ours = passes.slice(1);
    const rss = [validation.maxRssMb as number];
    const counts = validation.counts as Record<string, number>;
    passes.forEach((secondsTaken, i) => log(`validate pass ${i + 1}${i === 0 ? ' (cold)' : ''}: ${secondsTaken.toFixed(2)} s, ${Math.round(rows / secondsTaken)} rows/s`));
    log(`validation RSS ${validation.maxRssMb} MB`);
    const seededMatch = Object.entries(summary.seeded).every(([editId, n]) => counts[editId] === n);
    const quarter = await runChild(['validate', small, '1']);
    log(`validate quarter-size file: RSS ${quarter.maxRssMb} MB`);

    const duck: number[] = [];
    let duckCounts: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
      const result = await duckdbValidate(seeded);
      duck.push(result.seconds);
      duckCounts = result.counts;
      log(`duckdb run ${i + 1}: ${result.seconds.toFixed(2)} s`);
    }

    const accept: Record<string, Record<string, unknown>> = {};
    let pgliteInitdbRssMb: number | undefined;
    for (const engine of engines) {
      log(`accept on ${engine}: upload → validated → signed → loaded`);
      if (engine === 'pglite') {
        const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'fh-bench-pglite-'));
        const init = await runChild(['init-pglite', pgliteDir]);
        pgliteInitdbRssMb = init.maxRssMb as number;
        log(`  pglite initdb + migrations in a process of its own: RSS ${pgliteInitdbRssMb} MB`);
        accept[engine] = await runChild(['accept', engine, clean, pgliteDir]);
      } else {
        accept[engine] = await runChild(['accept', engine, clean]);
      }
      log(`  ${engine}: ${(accept[engine].seconds as number).toFixed(1)} s (upload ${(accept[engine].uploadSeconds as number).toFixed(1)} s, sign + load ${(accept[engine].signAndLoadSeconds as number).toFixed(1)} s), ${accept[engine].records} rows, RSS ${accept[engine].maxRssMb} MB`);
    }

    const ourMedian = median(ours);
    const duckMedian = median(duck);
    const allRss = [...rss, quarter.maxRssMb as number, ...Object.values(accept).map((a) => a.maxRssMb as number)];
    const metrics: Record<string, unknown> = {
      validate_rows_per_s: Math.round(rows / ourMedian),
      validate_rows_per_s_cold: Math.round(rows / cold),
      validate_seconds_median: round(ourMedian),
      validate_seconds_spread: [round(Math.min(...ours)), round(Math.max(...ours))],
      duckdb_seconds_median: round(duckMedian),
      duckdb_seconds_spread: [round(Math.min(...duck)), round(Math.max(...duck))],
      duckdb_ratio: round(ourMedian / duckMedian),
      peak_rss_mb: Math.max(...allRss),
      // Without the PGlite engine's own start-up peak (reached while opening it, before any filing work).
      peak_rss_mb_without_pglite: Math.max(...rss, quarter.maxRssMb as number, ...Object.entries(accept).filter(([e]) => e !== 'pglite').map(([, a]) => a.maxRssMb as number)),
      rss_validate_mb: { [`rows_${Math.floor(rows / 4)}`]: quarter.maxRssMb, [`rows_${rows}`]: median(rss) },
      // PGlite's initdb of a new database (once per data directory, before any filing work).
      ...(pgliteInitdbRssMb !== undefined ? { pglite_initdb_rss_mb: pgliteInitdbRssMb } : {}),
      seeded_findings_match: seededMatch,
      duckdb_counts: duckCounts,
    };
    for (const engine of engines) {
      const key = rows === 1_000_000 ? `accept_1m_seconds_${engine}` : `accept_seconds_${engine}_${rows}`;
      metrics[key] = round(accept[engine]!.seconds as number, 1);
      metrics[`accept_breakdown_${engine}`] = {
        uploadSeconds: round(accept[engine]!.uploadSeconds as number, 1),
        signAndLoadSeconds: round(accept[engine]!.signAndLoadSeconds as number, 1),
        records: accept[engine]!.records,
        rssAfterOpeningTheDatabaseMb: accept[engine]!.rssAfterOpenMb,
        peakRssMb: accept[engine]!.maxRssMb,
      };
    }
    const result = {
      name: 'filing',
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.versions.node}`,
      command: `npm run bench:filing -- --rows ${rows} --runs ${runs}`,
      metrics,
    };
    await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
    // The first-start figures come from their own benchmark (bench/first-start): keep them.
    const previous = await readFile(path.join(repoRoot, 'bench/results/filing.json'), 'utf8').then((text) => (JSON.parse(text) as { metrics?: Record<string, unknown> }).metrics ?? {}, () => ({}) as Record<string, unknown>);
    for (const [key, value] of Object.entries(previous)) if (key.startsWith('first_start') && !(key in metrics)) metrics[key] = value;
    await writeFile(path.join(repoRoot, 'bench/results/filing.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(`validation: ${metrics.validate_rows_per_s} rows/s (median of ${runs}; ${ours.map((s) => s.toFixed(2)).join(', ')} s); DuckDB ${duck.map((s) => s.toFixed(2)).join(', ')} s; ratio ${metrics.duckdb_ratio}`);
    log(`peak RSS ${metrics.peak_rss_mb} MB; validation RSS at ${Math.floor(rows / 4)} rows ${quarter.maxRssMb} MB, at ${rows} rows ${median(rss)} MB; seeded findings match: ${seededMatch}`);
    log('wrote bench/results/filing.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [mode, ...rest] = args.slice(1);
  const result = mode === 'validate' ? await childValidate(rest[0]!, Number(rest[1] ?? 1)) : mode === 'init-pglite' ? await childInitPglite(rest[0]!) : await childAccept(rest[0] as 'postgres' | 'pglite', rest[1]!, rest[2]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else {
  await main();
}
