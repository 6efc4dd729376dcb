/**
 * The check the benchmark times: every generated filing through MonitoringService.checkFiling, as
 * the `filing.accepted` consumer runs it (loans first, then the records of the next period), and
 * the comparison of the alerts it raised with the ones the generator seeded.
 */
import { createHash } from 'node:crypto';
import type { Services } from '../../src/api/services.js';
import type { RecordType } from '../../src/standard/standard.js';
import '../../src/monitoring/monitoring.schema.js';
import type { ExpectedAlert, GeneratedSet } from './generate.js';

const ORDER: RecordType[] = ['loan', 'repayment', 'collection', 'payment', 'fund_flow'];

export interface CheckTimes {
  seconds: number;
  /** Seconds spent on the filings of each record type. */
  byType: Record<string, number>;
  records: number;
  raised: number;
  faults: number;
}

/** Check every filing of the set, one after another; the time of each record type's filings. */
export async function checkAll(services: Services, set: GeneratedSet, log: (line: string) => void = () => {}): Promise<CheckTimes> {
  const filings = [...set.filings].sort((a, b) => ORDER.indexOf(a.recordType) - ORDER.indexOf(b.recordType) || a.period.localeCompare(b.period) || a.institution - b.institution);
  const byType: Record<string, number> = {};
  let records = 0;
  let raised = 0;
  let faults = 0;
  const started = performance.now();
  for (const filing of filings) {
    const t0 = performance.now();
    const summary = await services.monitoring.checkFiling({ filingId: filing.filingId, institutionId: filing.institutionId, recordType: filing.recordType, period: filing.period, version: filing.version, records: filing.records });
    const seconds = (performance.now() - t0) / 1000;
    byType[filing.recordType] = (byType[filing.recordType] ?? 0) + seconds;
    records += summary.records;
    raised += summary.raised;
    faults += summary.faults;
    if (seconds > 5) log(`  ${filing.recordType} ${filing.period} of institution ${filing.institution}: ${summary.records} records in ${seconds.toFixed(1)} s`);
  }
  return { seconds: (performance.now() - started) / 1000, byType, records, raised, faults };
}

export interface Comparison {
  expected: number;
  found: number;
  /** Seeded violations found ÷ seeded violations. */
  recall: number;
  /** Alerts on records that break no rule. */
  falseAlerts: number;
  missing: ExpectedAlert[];
  unexpected: { ruleId: string; institution: number; recordType: string; recordId: string }[];
  /** Alerts by rule. */
  byRule: Record<string, number>;
  faults: number;
  /**
   * SHA-256 over every alert as rule, version, institution (by index), record type, record id and
   * facts, sorted: equal digests on two engines mean the same alerts with the same explanations.
   */
  digest: string;
}

const keyOf = (a: { ruleId: string; institution: number; recordType: string; recordId: string }) => `${a.ruleId}|${a.institution}|${a.recordType}|${a.recordId}`;

/** The alerts in the database against the alerts the generator seeded. */
export async function compare(services: Services, set: GeneratedSet): Promise<Comparison> {
  const db = services.platform.database.db;
  const index = new Map(set.institutions.map((i) => [i.institutionId, i.index]));
  const rows = await db.selectFrom('alert').select(['rule_id', 'rule_version', 'institution_id', 'record_type', 'record_id', 'facts', 'status']).execute();
  const faults = Number((await db.selectFrom('rule_fault').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const expected = new Map(set.expected.map((e) => [keyOf(e), e]));
  const seen = new Set<string>();
  const unexpected: Comparison['unexpected'] = [];
  const byRule: Record<string, number> = {};
  const lines: string[] = [];
  for (const row of rows) {
    const alert = { ruleId: row.rule_id, institution: index.get(row.institution_id) ?? -1, recordType: row.record_type, recordId: row.record_id };
    const key = keyOf(alert);
    byRule[row.rule_id] = (byRule[row.rule_id] ?? 0) + 1;
    lines.push(`${key}|${row.rule_version}|${row.status}|${JSON.stringify(row.facts)}`);
    if (expected.has(key)) seen.add(key);
    else unexpected.push(alert);
  }
  const missing = [...expected.entries()].filter(([key]) => !seen.has(key)).map(([, e]) => e);
  lines.sort();
  return {
    expected: expected.size,
    found: seen.size,
    recall: expected.size === 0 ? 1 : seen.size / expected.size,
    falseAlerts: unexpected.length,
    missing,
    unexpected,
    byRule,
    faults,
    digest: createHash('sha256').update(lines.join('\n')).digest('hex'),
  };
}
