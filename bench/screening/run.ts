/**
 * The screening benchmark (`npm run bench:screening -- --accounts 1000000`).
 *
 * Starts the platform in embedded mode (PGlite in a temporary directory, features in this
 * process), registers an institution with an API key, feeds a warm history of `--history` past
 * payments for each of `--accounts` accounts straight into the feature state (observe + settle,
 * not over HTTP), then measures:
 *   inprocess_decisions_per_s   observe the payment's features + evaluate the 13 screening rules +
 *                               decide (+ settle the allowed ones), one payment after another over
 *                               the warm state; the median of --runs passes on fresh payments
 *                               (inprocess_cpu_decisions_per_s: the same per second of the
 *                               process's CPU time, which the machine's other work does not dilute)
 *   json_rules_engine_ratio     the in-process rate ÷ json-rules-engine's rate evaluating the same
 *                               rules (translated by hand in peer.ts) on the same payments and
 *                               features (their features given, not counted: the ratio is in the
 *                               peer's favour); agreement of the decisions on that sample
 *   http_decisions_per_s        200 replies a second of POST /v1/screen at saturation, load from a
 *   http_p99_ms                 second process (autocannon, load.ts), each request a distinct
 *                               payment; and at fixed rates (--rates): p50/p99 and whether the rate
 *                               was held. Every 200 reply must be a row in screening_decision.
 *   http_server_cpu_us_per_decision  the server process's CPU time (all its threads) per decision
 *                               at saturation, which the load generator's share does not dilute
 *   http_floor_replies_per_s    a bare Fastify route at the same path, same bodies and load, that
 *   http_share_of_floor         parses the body and answers without deciding or recording: what
 *                               this machine and load generator allow at all; the share of it the
 *                               screening route reaches
 *   redis_*                     the same over HTTP with the features in Redis (a key prefix of the
 *                               run's own, deleted at the end), warmed with --redis-accounts accounts
 * and writes bench/results/screening.json as /work/shared/BENCHMARKS.md describes.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/platform/config.js';
import { createPlatform, closePlatform } from '../../src/platform/platform.js';
import { createServices, capabilities } from '../../src/api/services.js';
import { buildApp } from '../../src/api/app.js';
import { startCapabilities } from '../../src/platform/capability.js';
import type { Caller } from '../../src/platform/auth/access.js';
import { chinaDay } from '../../src/standard/china-time.js';
import { usccCheckCharacter } from '../../src/standard/identifiers.js';
import { ScreeningRuleSet, type ScreeningRecord } from '../../src/screening/engine.js';
import { InProcessFeatureState, RedisFeatureState, type FeatureState, type FeatureValues } from '../../src/screening/features.js';
import { DEFAULT_THRESHOLDS } from '../../src/screening/screening.service.js';
import { historyStream, observationOf, paymentStream, RefTable } from './payments.js';
import { PeerScreening } from './peer.js';

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(thisFile), '../..');
const HOUR_MS = 3_600_000;

/**
 * This process's CPU time (every thread) since `since`, in µs for each of `count` replies: the
 * server's own cost, which the load generator's share of the machine does not dilute.
 */
function cpuMicrosEach(since: NodeJS.CpuUsage, count: number): number {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / Math.max(1, count));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000000' },
    history: { type: 'string', default: '6' },
    'history-days': { type: 'string', default: '5' },
    inprocess: { type: 'string', default: '1000000' },
    sample: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    rates: { type: 'string', default: '2000,5000' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '64' },
    'redis-accounts': { type: 'string', default: '100000' },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'no-redis': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'no-http': { type: 'boolean', default: false },
    // A CPU profile of this process (the server) during the first saturation pass, for finding where a request's time goes.
    'cpu-profile': { type: 'string' },
  },
});
const accounts = Number(args.accounts);
const historyPerAccount = Number(args.history);
const inprocessCount = Number(args.inprocess);
const sampleSize = Number(args.sample);
const runs = Number(args.runs);
const rates = args.rates ? args.rates.split(',').filter(Boolean).map(Number) : [];
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const redisAccounts = Math.min(accounts, Number(args['redis-accounts']));
const log = (line: string) => process.stderr.write(`[bench:screening] ${line}\n`);

interface LoadResult {
  seconds: number;
  sent: number;
  replies: number;
  ok: number;
  statuses: Record<string, number>;
  kinds: Record<string, number>;
  errors: number;
  timeouts: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
}

/** One load run from a process of its own. */
function load(options: { url: string; apiKey: string; accounts: number; seed: number; seconds: number; connections: number; rate?: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(path.dirname(thisFile), 'load.ts'), JSON.stringify(options)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (part: Buffer) => (output += part.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}: ${output.slice(-2000)}`));
      resolve(JSON.parse(output.trim().split('\n').at(-1)!) as LoadResult);
    });
  });
}

/** Feed the warm history into a feature state: observe + settle, as the service does for an allowed payment. */
async function warm(state: FeatureState, refs: RefTable, size: number, endMs: number, concurrency = 1): Promise<{ payments: number; seconds: number }> {
  const t0 = performance.now();
  let payments = 0;
  let batch: Promise<void>[] = [];
  for (const p of historyStream({ accounts: size, perAccount: historyPerAccount, days: Number(args['history-days']), endMs, seed: 7 })) {
    const { observation } = observationOf(p, refs);
    if (concurrency === 1) {
      // In process: both are synchronous.
      void state.observe(observation);
      void state.settle(observation);
    } else {
      batch.push((async () => {
        await state.observe(observation);
        await state.settle(observation);
      })());
      if (batch.length >= concurrency) {
        await Promise.all(batch);
        batch = [];
      }
    }
    payments++;
    if (payments % 1_000_000 === 0) log(`  warm history: ${payments} payments, ${rssMb()} MB`);
  }
  await Promise.all(batch);
  return { payments, seconds: (performance.now() - t0) / 1000 };
}

const started = new Date();
// The machine is shared: the load average says how much else ran meanwhile.
const loadAtStart = os.loadavg().map((l) => round(l, 1));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fh-bench-screening-'));
const config = loadConfig({ DATA_DIR: dataDir, FH_DEMO: 'false', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0' });
const platform = await createPlatform(config);
const services = createServices(platform);
const running = await startCapabilities(platform, capabilities(services));
const app = await buildApp(platform, { services, serveWeb: false, logger: false });
// The server's own count of the decisions it answered 200, to hold against the rows written.
let served200 = 0;
app.addHook('onResponse', (request, reply, done) => {
  if (reply.statusCode === 200 && request.routeOptions.url === '/v1/screen') served200++;
  done();
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const metrics: Record<string, unknown> = {};
const summary: string[] = [];
let redisPrefix: string | undefined;
try {
  const supervisor: Caller = { principal: { role: 'supervisor', userId: randomUUID(), displayName: 'Benchmark', jurisdictionCode: '000000' }, actor: { role: 'supervisor', id: randomUUID() } };
  const institution = await services.registry.registerInstitution(supervisor, { uscc: `91110105MA0000001${usccCheckCharacter('91110105MA0000001')}`, nameZh: '基准测试机构', nameEn: 'Benchmark institution', kind: 'online_lender', jurisdictionCode: '110000' });
  const key = await services.registry.issueApiKey(supervisor, institution.institutionId, 'benchmark');
  const resolved = await services.rulebook.rulesInForce('110000', chinaDay(), { pack: 'screening' });
  const executables = resolved.map((rule) => services.rulebook.executable(rule));
  const rules = new ScreeningRuleSet(executables);
  const thresholds = DEFAULT_THRESHOLDS;
  log(`${rules.size} screening rules in force; server at ${address}`);

  // ---- The warm state --------------------------------------------------------------------
  const pseudonymizer = platform.keys.pseudonymizer;
  const t0 = performance.now();
  const refs = new RefTable((kind, value) => pseudonymizer.pseudonym(kind, value).slice(0, 32), accounts);
  log(`references of ${accounts} accounts and devices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const now = Date.now();
  const state = new InProcessFeatureState();
  const warmed = await warm(state, refs, accounts, now - 2 * HOUR_MS);
  log(`warm history: ${warmed.payments} payments of ${accounts} accounts in ${warmed.seconds.toFixed(1)} s, ${rssMb()} MB`);

  // ---- In process ------------------------------------------------------------------------
  // Payments over the hour before the HTTP runs, so that those arrive in order after them.
  const perRun = Math.ceil(inprocessCount / runs);
  const perSecond = Math.max(1, Math.floor((perRun * runs) / 3600));
  const stream = paymentStream({ accounts, count: perRun * runs, startMs: now - 2 * HOUR_MS, perSecond, seed: 11 });
  const sample: { record: ScreeningRecord; features: FeatureValues }[] = [];
  const inprocessRates: number[] = [];
  // The rate per second of CPU time this process used (all its threads): what the wall-clock rate
  // would be with a core to itself, whatever else the shared machine runs.
  const inprocessCpuRates: number[] = [];
  const decisionsSeen: Record<string, number> = { allow: 0, confirm: 0, review: 0, block: 0 };
  const ruleHits: Record<string, number> = {};
  let faults = 0;
  for (let run = 0; run < runs; run++) {
    const inputs = [];
    for (let i = 0; i < perRun; i++) inputs.push(observationOf(stream.next().value!, refs));
    const cpu = process.cpuUsage();
    const t1 = performance.now();
    for (const { observation, record } of inputs) {
      const features = state.observe(observation);
      const verdict = rules.screen(record, features, thresholds);
      if (verdict.decision === 'allow') state.settle(observation);
      decisionsSeen[verdict.decision]!++;
      for (const reason of verdict.reasons) ruleHits[reason.ruleId] = (ruleHits[reason.ruleId] ?? 0) + 1;
      faults += verdict.faults.length;
      if (run === 0 && sample.length < sampleSize) sample.push({ record, features });
    }
    const rate = perRun / ((performance.now() - t1) / 1000);
    const used = process.cpuUsage(cpu);
    inprocessRates.push(rate);
    inprocessCpuRates.push(perRun / ((used.user + used.system) / 1e6));
    log(`in process, pass ${run + 1}: ${perRun} payments at ${Math.round(rate)}/s (${Math.round(inprocessCpuRates.at(-1)!)}/s of this process's CPU time)`);
  }
  metrics.inprocess_decisions_per_s = Math.round(median(inprocessRates));
  metrics.inprocess_spread = inprocessRates.map((r) => Math.round(r));
  metrics.inprocess_cpu_decisions_per_s = Math.round(median(inprocessCpuRates));
  metrics.inprocess_cpu_spread = inprocessCpuRates.map((r) => Math.round(r));
  metrics.inprocess_decisions = decisionsSeen;
  metrics.inprocess_rule_hits = ruleHits;
  metrics.inprocess_rule_faults = faults;

  // ---- The peer --------------------------------------------------------------------------
  const peer = new PeerScreening(executables);
  let agree = 0;
  let agreeRules = 0;
  const disagreements: unknown[] = [];
  for (const { record, features } of sample) {
    const ours = rules.screen(record, features, thresholds);
    const theirs = await peer.screen(record, features, thresholds);
    if (ours.decision === theirs.decision) agree++;
    const ourRules = ours.reasons.map((r) => r.ruleId).sort();
    if (ourRules.join() === theirs.rules.join()) agreeRules++;
    else if (disagreements.length < 5) disagreements.push({ record, features, ours: ourRules, theirs: theirs.rules });
  }
  const evalRates: number[] = [];
  const peerRates: number[] = [];
  for (let run = 0; run < runs; run++) {
    let t = performance.now();
    const repeat = 20;
    for (let k = 0; k < repeat; k++) for (const { record, features } of sample) rules.screen(record, features, thresholds);
    evalRates.push((sample.length * repeat) / ((performance.now() - t) / 1000));
    t = performance.now();
    for (const { record, features } of sample) await peer.screen(record, features, thresholds);
    peerRates.push(sample.length / ((performance.now() - t) / 1000));
  }
  const peerRate = median(peerRates);
  metrics.json_rules_engine_decisions_per_s = Math.round(peerRate);
  metrics.json_rules_engine_spread = peerRates.map((r) => Math.round(r));
  metrics.json_rules_engine_ratio = round((metrics.inprocess_decisions_per_s as number) / peerRate, 1);
  metrics.rules_only_decisions_per_s = Math.round(median(evalRates));
  metrics.json_rules_engine_ratio_rules_only = round(median(evalRates) / peerRate, 1);
  metrics.json_rules_engine_agreement = { sample: sample.length, sameDecision: agree, sameRules: agreeRules, rate: round(agree / Math.max(1, sample.length), 6) };
  if (disagreements.length) metrics.json_rules_engine_disagreements = disagreements;
  log(`json-rules-engine: ${Math.round(peerRate)}/s on the same ${sample.length} payments and features; ours ${Math.round(median(evalRates))}/s rules only; decisions agree on ${agree}/${sample.length}, rules on ${agreeRules}`);

  // ---- HTTP, embedded ------------------------------------------------------------------
  await services.screening.useFeatureState(state);
  const db = platform.database.db;
  let okTotal = 0;
  /** Decisions the service made (its counter), answered or not. */
  const decisionsMade = async () => {
    const metric = await platform.metrics.getSingleMetric('fenghuo_screening_decisions_total')?.get();
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };
  const countRows = async () => {
    await services.screening.recorder.flush();
    return Number((await sql<{ n: string }>`select count(*)::text as n from screening_decision`.execute(db)).rows[0]!.n);
  };
  const httpRun = async (label: string, size: number, seed: number, rate?: number) => {
    const cpu = process.cpuUsage();
    const result = await load({ url: address, apiKey: key.apiKey, accounts: size, seed, seconds, connections: rate ? Math.max(8, Math.min(connections, Math.ceil(rate / 100))) : connections, ...(rate ? { rate } : {}) });
    const serverCpuUsPerDecision = cpuMicrosEach(cpu, result.ok);
    okTotal += result.ok;
    // Requests still in flight when the load generator stops are answered after it stopped counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rows = await countRows();
    const made = await decisionsMade();
    const held = rate ? result.perSecond >= rate * 0.97 : undefined;
    log(`${label}: ${Math.round(result.perSecond)} decisions/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, statuses ${JSON.stringify(result.statuses)}, errors ${result.errors}, timeouts ${result.timeouts}, server CPU ${serverCpuUsPerDecision} µs a decision; rows ${rows} for ${made} decisions made, ${served200} replies 200 sent, ${okTotal} received`);
    return { rate: rate ?? null, held: held ?? null, decisionsPerSecond: Math.round(result.perSecond), serverCpuUsPerDecision, ...result, rowsInDatabase: rows, decisionsMadeSoFar: made, repliesSentSoFar: served200, repliesReceivedSoFar: okTotal, allRecorded: rows === made && served200 <= rows && okTotal <= served200 };
  };
  // A few seconds unmeasured first: the routes' code compiled, the rules and the institution cached.
  const warmUp = await load({ url: address, apiKey: key.apiKey, accounts, seed: 99, seconds: 3, connections: 8, rate: 300 });
  okTotal += warmUp.ok;
  const http: Record<string, unknown>[] = [];
  for (const rate of args['no-http'] ? [] : rates) http.push(await httpRun(`HTTP at ${rate}/s`, accounts, 100 + rate, rate));
  const saturation: Awaited<ReturnType<typeof httpRun>>[] = [];
  for (let run = 0; run < (args['no-http'] ? 0 : runs); run++) {
    const profiler = run === 0 && args['cpu-profile'] ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    saturation.push(await httpRun(`HTTP saturation, pass ${run + 1}`, accounts, 200 + run));
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(args['cpu-profile']!, JSON.stringify(profile));
      profiler.disconnect();
      log(`CPU profile of the first saturation pass written to ${args['cpu-profile']}`);
    }
  }
  metrics.http_fixed_rates = http;
  metrics.http_saturation = saturation;
  metrics.http_decisions_per_s = Math.round(median(saturation.map((s) => s.decisionsPerSecond)));
  metrics.http_p99_ms = median(saturation.map((s) => s.latencyMs.p99));
  metrics.http_server_cpu_us_per_decision = median(saturation.map((s) => s.serverCpuUsPerDecision));
  metrics.http_all_recorded = [...http, ...saturation].every((r) => r.allRecorded);

  // ---- HTTP floor ------------------------------------------------------------------------
  // What this machine and load generator allow at all: a bare Fastify route at the same path that
  // parses the same bodies and answers a decision of the same shape, deciding and recording nothing.
  if (!args['no-http']) {
    const bare = Fastify({ logger: false });
    bare.post('/v1/screen', async () => ({ decisionId: randomUUID(), decision: 'allow', score: 0, reasons: [] }));
    const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });
    try {
      await load({ url: bareAddress, apiKey: key.apiKey, accounts, seed: 97, seconds: 3, connections: 8, rate: 300 });
      const cpu = process.cpuUsage();
      const floor = await load({ url: bareAddress, apiKey: key.apiKey, accounts, seed: 500, seconds, connections });
      const serverCpuUsPerReply = cpuMicrosEach(cpu, floor.ok);
      metrics.http_floor = { ...floor, serverCpuUsPerReply };
      metrics.http_floor_replies_per_s = Math.round(floor.perSecond);
      metrics.http_share_of_floor = round((metrics.http_decisions_per_s as number) / floor.perSecond, 2);
      log(`HTTP floor (a bare route, same bodies and load): ${Math.round(floor.perSecond)} replies/s, p50 ${floor.latencyMs.p50} ms, p99 ${floor.latencyMs.p99} ms, server CPU ${serverCpuUsPerReply} µs a reply; screening reaches ${metrics.http_share_of_floor} of it`);
    } finally {
      await bare.close();
    }
  }

  // ---- HTTP, Redis ---------------------------------------------------------------------
  if (!args['no-redis'] && !args['no-http']) {
    redisPrefix = `fenghuo:bench:${randomBytes(4).toString('hex')}:`;
    const redisState = await RedisFeatureState.open(args['redis-url']!, redisPrefix);
    const redisWarm = await warm(redisState, refs, redisAccounts, Date.now() - 2 * HOUR_MS, 256);
    log(`Redis warm history: ${redisWarm.payments} payments of ${redisAccounts} accounts in ${redisWarm.seconds.toFixed(1)} s`);
    await services.screening.useFeatureState(redisState);
    okTotal += (await load({ url: address, apiKey: key.apiKey, accounts: redisAccounts, seed: 98, seconds: 3, connections: 8, rate: 300 })).ok;
    const redisRuns: Awaited<ReturnType<typeof httpRun>>[] = [];
    for (const rate of rates.slice(0, 1)) redisRuns.push(await httpRun(`Redis HTTP at ${rate}/s`, redisAccounts, 300 + rate, rate));
    const redisSaturation = await httpRun('Redis HTTP saturation', redisAccounts, 400);
    metrics.redis_accounts = redisAccounts;
    metrics.redis_warm_seconds = round(redisWarm.seconds, 1);
    metrics.redis_fixed_rates = redisRuns;
    metrics.redis_saturation = redisSaturation;
    metrics.redis_http_decisions_per_s = redisSaturation.decisionsPerSecond;
    metrics.redis_http_p99_ms = redisSaturation.latencyMs.p99;
    metrics.redis_all_recorded = [...redisRuns, redisSaturation].every((r) => r.allRecorded);
    await services.screening.useFeatureState(new InProcessFeatureState());
  }

  metrics.accounts = accounts;
  metrics.history_payments = warmed.payments;
  metrics.warm_seconds = round(warmed.seconds, 1);
  metrics.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  const targets = {
    http_decisions_per_s: { target: '>= 10000', met: (metrics.http_decisions_per_s as number) >= 10_000 },
    http_p99_ms: { target: '<= 10', met: (metrics.http_p99_ms as number) <= 10 },
    http_all_recorded: { target: 'every 200 reply recorded', met: metrics.http_all_recorded === true },
    inprocess_decisions_per_s: { target: '>= 1000000', met: (metrics.inprocess_decisions_per_s as number) >= 1_000_000 },
    json_rules_engine_ratio: { target: '>= 30', met: (metrics.json_rules_engine_ratio as number) >= 30 },
    warm_accounts: { target: '1000000', met: accounts >= 1_000_000 },
  };
  for (const [name, t] of Object.entries(targets)) summary.push(`${t.met ? 'met   ' : 'MISSED'} ${name} ${t.target}: ${JSON.stringify(metrics[name] ?? accounts)}`);
  const result = {
    name: 'screening',
    date: started.toISOString(),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
    command: `npm run bench:screening -- ${process.argv.slice(2).join(' ')}`.trim(),
    loadAverage: { start: loadAtStart, end: os.loadavg().map((l) => round(l, 1)) },
    sizes: { accounts, historyPerAccount, historyPayments: warmed.payments, inprocessPayments: perRun * runs, runs, sample: sample.length, httpSeconds: seconds, connections, rates, redisAccounts: args['no-redis'] ? null : redisAccounts },
    targets,
    metrics,
  };
  for (const line of summary) log(line);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!args['no-write']) {
    await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
    await writeFile(path.join(repoRoot, 'bench/results/screening.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
} finally {
  if (redisPrefix) {
    const redis = new Redis(args['redis-url']!);
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
    log(`deleted ${deleted} Redis keys under ${redisPrefix}`);
  }
  await app.close();
  await running.stop();
  services.filing.close();
  await closePlatform(platform);
  rmSync(dataDir, { recursive: true, force: true });
}
