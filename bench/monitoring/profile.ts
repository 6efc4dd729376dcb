/**
 * Where the monitoring check spends its time: generates a data set on PostgreSQL, then checks it
 * once with every SQL statement timed by its text (client side: the wait for the server's answer)
 * and, with --cpu-profile, a CPU profile of the check alone for the JavaScript side:
 *
 *   npx tsx bench/monitoring/profile.ts --loans 100000 --cpu-profile /tmp/check.cpuprofile
 *
 * With --explain, the plans of the three slowest reads, each run again under EXPLAIN ANALYZE with
 * the arguments of its slowest call. With --multilending, what is timed is the balance sweep over
 * every borrower (after the filings' checks, and after the same re-check by borrower chunks, whose
 * time is printed beside it) instead of the checks themselves.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { scratchEnvironment } from '../common.js';

const { values } = parseArgs({ options: { loans: { type: 'string', default: '20000' }, institutions: { type: 'string', default: '20' }, engine: { type: 'string', default: 'postgres' }, keep: { type: 'boolean', default: false }, 'no-check': { type: 'boolean', default: false }, 'cpu-profile': { type: 'string' }, explain: { type: 'boolean', default: false }, multilending: { type: 'boolean', default: false } } });

// Every statement's round trip, by the statement's text.
const statements = new Map<string, { calls: number; ms: number; rows: number; slowest?: { ms: number; text: string; values: unknown[] } }>();
const original = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  const result = (original as (...a: unknown[]) => unknown).apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function' && text) {
    const started = performance.now();
    const key = text.replace(/\s+/g, ' ').slice(0, 140);
    void (result as Promise<{ rowCount?: number }>).then(
      (r) => {
        const s = statements.get(key) ?? { calls: 0, ms: 0, rows: 0 };
        s.calls++;
        s.ms += performance.now() - started;
        s.rows += r?.rowCount ?? 0;
        const ms = performance.now() - started;
        if (values.explain && (!s.slowest || ms > s.slowest.ms)) s.slowest = { ms, text, values: (typeof first === 'string' ? args[1] : (first as { values?: unknown[] }).values) as unknown[] ?? [] };
        statements.set(key, s);
      },
      () => {},
    );
  }
  return result;
};

const { loadConfig } = await import('../../src/platform/config.js');
const { createPlatform, closePlatform } = await import('../../src/platform/platform.js');
const { createServices } = await import('../../src/api/services.js');
const { generate } = await import('./generate.js');
const { checkAll, compare } = await import('./check.js');
const scratch = await scratchEnvironment('profile', values.engine === 'postgres' ? 'postgres' : 'pglite');
const env = scratch.env;
const platform = await createPlatform(loadConfig(env));
try {
  const services = createServices(platform);
  await services.rulebook.syncFiles();
  const set = await generate(services, { loans: Number(values.loans), institutions: Number(values.institutions), perRule: 3 });
  statements.clear();
  const pglite = platform.database.pglite;
  if (pglite) {
    // The embedded engine answers in process: its statements are timed around its query call.
    const query = pglite.query.bind(pglite);
    (pglite as unknown as { query: unknown }).query = async (text: string, params?: unknown[], opts?: unknown) => {
      const started = performance.now();
      const result = await query(text, params as never, opts as never);
      const key = text.replace(/\s+/g, ' ').slice(0, 140);
      const s = statements.get(key) ?? { calls: 0, ms: 0, rows: 0 };
      s.calls++;
      s.ms += performance.now() - started;
      s.rows += result.rows.length;
      const ms = performance.now() - started;
      if (values.explain && (!s.slowest || ms > s.slowest.ms)) s.slowest = { ms, text, values: (params as unknown[]) ?? [] };
      statements.set(key, s);
      return result;
    };
  }
  if (values['no-check']) throw new Error(`generated, not checked: ${scratch.database}`);
  // The JavaScript side of the check alone (not the generation): a CPU profile around it.
  const session = values['cpu-profile'] ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
  }
  let pass: { seconds: number; byType: Record<string, number> };
  if (values.multilending) {
    await checkAll(services, set);
    statements.clear();
    const keys = (await platform.database.db.selectFrom('filed_loan').select('party_key').distinct().where('valid_to', 'is', null).execute()).map((r) => r.party_key);
    const r0 = performance.now();
    await services.monitoring.recheckBalances(keys, undefined, 'profile');
    console.log(`balance re-check by borrower chunks over ${keys.length} borrowers: ${((performance.now() - r0) / 1000).toFixed(2)} s`);
    statements.clear();
    if (session) await session.post('Profiler.start');
    const t0 = performance.now();
    const swept = await services.monitoring.sweepBalances('profile');
    pass = { seconds: (performance.now() - t0) / 1000, byType: { multilending: (performance.now() - t0) / 1000 } };
    console.log(`balance sweep over ${keys.length} borrowers: ${JSON.stringify(swept)}`);
  } else {
    if (session) await session.post('Profiler.start');
    pass = await checkAll(services, set);
  }
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(values['cpu-profile']!, JSON.stringify(profile));
    session.disconnect();
  }
  const result = await compare(services, set);
  const sqlMs = [...statements.values()].reduce((s, v) => s + v.ms, 0);
  console.log(`check: ${pass.seconds.toFixed(2)} s for ${set.loans} loans (${Math.round(set.loans / pass.seconds)} loans/s), by type ${JSON.stringify(pass.byType)}; recall ${result.recall}, false ${result.falseAlerts}`);
  console.log(`SQL round trips: ${(sqlMs / 1000).toFixed(2)} s in ${[...statements.values()].reduce((s, v) => s + v.calls, 0)} statements`);
  const slowest = [...statements.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [text, s] of slowest.slice(0, 15)) console.log(`${(s.ms / 1000).toFixed(2).padStart(8)} s ${String(s.calls).padStart(6)} calls ${String(s.rows).padStart(8)} rows  ${text}`);
  if (values.explain) {
    const explainers: ((text: string, args: unknown[]) => Promise<string[]>)[] = [];
    let client: pg.Client | undefined;
    if (env.DATABASE_URL) {
      client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      explainers.push(async (text, args) => (await client!.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${text}`, args)).rows.map((r) => r['QUERY PLAN']));
    } else if (pglite) {
      explainers.push(async (text, args) => (await pglite.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${text}`, args)).rows.map((r) => r['QUERY PLAN']));
    }
    try {
      for (const [, s] of slowest.filter(([text]) => /^\s*(with|select)/i.test(text)).slice(0, 3)) {
        const plan = await explainers[0]!(s.slowest!.text, s.slowest!.values);
        console.log(`\n--- ${s.slowest!.ms.toFixed(0)} ms: ${s.slowest!.text.replace(/\s+/g, ' ').slice(0, 200)}`);
        console.log(plan.join('\n'));
      }
    } finally {
      await client?.end();
    }
  }
} finally {
  await closePlatform(platform);
  if (values.keep) console.log(`kept ${scratch.database}`);
  else await scratch.remove();
}
