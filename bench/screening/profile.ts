/**
 * The in-process path alone, for profiling (`node --import tsx bench/screening/profile.ts
 * --accounts 1000000 --profile /tmp/screen.cpuprofile`): no platform, references made without
 * HMAC, the same warm history and payments as run.ts, the rules from the rule files with their
 * default parameters. Prints wall and CPU time per pass, and with --profile writes a CPU profile
 * of the timed passes only.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { compileRule, celParameters } from '../../src/rulebook/compile.js';
import { readRuleFiles } from '../../src/rulebook/files.js';
import type { ExecutableRule } from '../../src/rulebook/rulebook.service.js';
import { ScreeningRuleSet } from '../../src/screening/engine.js';
import { InProcessFeatureState } from '../../src/screening/features.js';
import { DEFAULT_THRESHOLDS } from '../../src/screening/screening.service.js';
import { historyStream, observationOf, paymentStream, prng, RefTable } from './payments.js';

const { values: args } = parseArgs({ options: { accounts: { type: 'string', default: '1000000' }, payments: { type: 'string', default: '200000' }, runs: { type: 'string', default: '3' }, profile: { type: 'string' } } });
const accounts = Number(args.accounts);
const HOUR_MS = 3_600_000;

const definitions = (await readRuleFiles()).flatMap((file) => (file.kind === 'rule' && file.definition.pack === 'screening' ? [file.definition] : []));
const executables: ExecutableRule[] = definitions.map((definition) => {
  const compiled = compileRule(definition);
  const values = Object.fromEntries(Object.entries(definition.parameters).map(([name, def]) => [name, def.value]));
  return { rule: { id: definition.id, version: '1@000000', jurisdiction: '000000', definition, parameters: [], effectiveFrom: '2024-01-01', effectiveTo: null }, compiled, params: celParameters(definition, values), values } as unknown as ExecutableRule;
});
const rules = new ScreeningRuleSet(executables);

// 32 hexadecimal digits, as the service's references are, from a seeded stream.
const random = prng(5);
const hex = () => Array.from({ length: 4 }, () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')).join('');
const refs = new RefTable(() => hex(), accounts);
const state = new InProcessFeatureState();
const now = Date.now();
let t = performance.now();
for (const p of historyStream({ accounts, perAccount: 6, days: 5, endMs: now - 2 * HOUR_MS, seed: 7 })) {
  const { observation } = observationOf(p, refs);
  state.observe(observation);
  state.settle(observation);
}
console.error(`warm: ${((performance.now() - t) / 1000).toFixed(1)} s, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);

const runs = Number(args.runs);
const perRun = Number(args.payments);
const stream = paymentStream({ accounts, count: perRun * runs, startMs: now - 2 * HOUR_MS, perSecond: Math.max(1, Math.floor((perRun * runs) / 3600)), seed: 11 });
const session = args.profile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
for (let run = 0; run < runs; run++) {
  const inputs = [];
  for (let i = 0; i < perRun; i++) inputs.push(observationOf(stream.next().value!, refs));
  const cpu = process.cpuUsage();
  t = performance.now();
  let blocked = 0;
  for (const { observation, record } of inputs) {
    const features = state.observe(observation);
    const verdict = rules.screen(record, features, DEFAULT_THRESHOLDS);
    if (verdict.decision === 'allow') state.settle(observation);
    else if (verdict.decision === 'block') blocked++;
  }
  const wall = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  console.error(`pass ${run + 1}: ${Math.round(perRun / wall)}/s wall, ${Math.round(perRun / ((used.user + used.system) / 1e6))}/s of CPU time (${blocked} blocked)`);
}
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(args.profile!, JSON.stringify(profile));
}
