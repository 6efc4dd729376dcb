/**
 * From a filed row to what a rule reads: the record's fields in CEL's types and the features
 * computed in code (the LPR lookup, China-time hours and days, whether the lender is under the
 * private-lending cap); then each rule evaluated, a hit turned into an alert that explains itself
 * and a rule that throws into a fault, never a crash.
 */
import { createHash } from 'node:crypto';
// The package's main entry is minified CommonJS whose named exports Node cannot see from ESM
// (only bundlers, which read its "module" entry, can): take them from the default export.
import chineseDays from 'chinese-days';
import type { RecordType } from '../standard/standard.js';
import { chinaDay, chinaHour } from '../standard/china-time.js';
import { recordTypeDef } from '../standard/standard.js';
import { celTypeOfValue, celValue, conditionFields, plainParameters, type EvaluationInput } from '../rulebook/compile.js';
import { featureDef } from '../rulebook/features.js';
import type { Fact, FactType } from '../rulebook/explain.js';
import type { ExecutableRule } from '../rulebook/rulebook.service.js';
import type { ResolvedRule } from '../rulebook/rule.js';
import type { FeatureRow } from './features.store.js';
import type { NewAlert, RuleFaultRow } from './monitoring.store.js';

/** What the engine knows of the institution that filed a record. */
export interface InstitutionFacts {
  institutionId: string;
  uscc: string;
  jurisdictionCode: string;
  /** Holds an approved lending licence (online microlending, consumer finance): outside the private-lending cap. */
  lendingLicensed: boolean;
}

const { isWorkday } = chineseDays;
const DAY_MS = 86_400_000;
const instant = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const chinaDateOf = (value: unknown): string => chinaDay(instant(value));

function periodEnd(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Working days after `from` up to and including `to`, on the official calendar (make-up working days count). */
export function workingDaysBetween(from: string, to: string): number {
  let count = 0;
  for (let t = Date.parse(`${from}T00:00:00Z`) + DAY_MS, end = Date.parse(`${to}T00:00:00Z`); t <= end; t += DAY_MS) {
    if (isWorkday(new Date(t).toISOString().slice(0, 10))) count++;
  }
  return count;
}

const OPEN_COMPLAINT = new Set(['received', 'in_progress', 'escalated']);

/**
 * The columns the engine reads of a record beside those its rules read: the day whose rules apply
 * (`ruleDateOf`) and what the features computed in code take (`codeFeatures`).
 */
export const ENGINE_COLUMNS: Readonly<Record<RecordType, readonly string[]>> = {
  product: ['period', 'risk_warning'],
  loan: ['contract_date', 'annualised_cost'],
  repayment: ['period', 'overdue_interest_fen', 'penalty_fen', 'days_past_due', 'principal_due_fen'],
  payment: ['transaction_time', 'payer_verified_at'],
  fund_flow: ['flow_time', 'to_party_uscc'],
  collection: ['action_time'],
  complaint: ['period', 'received_at', 'status', 'closed_at'],
  disclosure: ['as_of_date'],
  algorithm_decision: ['decided_at'],
};

/** The date whose rules apply to a record: when the act happened, or the period end for a state. */
export function ruleDateOf(recordType: RecordType, row: FeatureRow): string {
  switch (recordType) {
    case 'loan':
      return String(row.contract_date);
    case 'payment':
      return chinaDateOf(row.transaction_time);
    case 'fund_flow':
      return chinaDateOf(row.flow_time);
    case 'collection':
      return chinaDateOf(row.action_time);
    case 'complaint':
      return chinaDateOf(row.received_at);
    case 'disclosure':
      return String(row.as_of_date);
    case 'algorithm_decision':
      return chinaDateOf(row.decided_at);
    case 'product':
    case 'repayment':
      return periodEnd(row.period);
  }
}

const round12 = (x: number) => Number(x.toFixed(12));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** The features computed in code for a row, by name (undefined = absent). */
function codeFeatures(recordType: RecordType, row: FeatureRow, institution: InstitutionFacts, lpr: (date: string) => number | undefined): Record<string, unknown> {
  const underCap = row.product_type_feature === 'p2p_loan' || !institution.lendingLicensed;
  switch (recordType) {
    case 'loan':
      return {
        lpr_1y_at_contract: lpr(String(row.contract_date)),
        private_lending_cap_applies: underCap,
        product_type: row.product_type_feature ?? '',
        annualised_cost: num(row.annualised_cost),
        loan_outstanding_fen: num(row.outstanding),
        borrower_outstanding_on_platform_fen: num(row.on_platform),
        borrower_outstanding_all_platforms_fen: num(row.all_platforms),
        borrower_platforms: num(row.platforms),
      };
    case 'repayment': {
      const contract = row.loan_contract_date === null || row.loan_contract_date === undefined ? undefined : String(row.loan_contract_date);
      const overdue = num(row.overdue_interest_fen);
      const penalty = num(row.penalty_fen);
      const dpd = Number(row.days_past_due);
      const principalDue = Number(row.principal_due_fen);
      const charged = overdue !== undefined || penalty !== undefined;
      return {
        loan_contract_date: contract,
        lpr_1y_at_contract: contract ? lpr(contract) : undefined,
        private_lending_cap_applies: underCap,
        overdue_charges_annual_rate: charged && dpd > 0 && principalDue > 0 ? round12((((overdue ?? 0) + (penalty ?? 0)) / principalDue) * (365 / dpd)) : undefined,
      };
    }
    case 'payment': {
      const verified = row.payer_verified_at;
      return {
        payer_balance_paid_this_year_fen: num(row.this_year),
        payer_balance_paid_since_opening_fen: num(row.since_opening),
        payer_verified_before_payment: verified === null || verified === undefined ? undefined : new Date(verified as string).getTime() <= new Date(row.transaction_time as string).getTime(),
      };
    }
    case 'fund_flow':
      return { to_own_account: row.to_party_uscc !== null && row.to_party_uscc === institution.uscc };
    case 'collection': {
      return { action_hour_china: chinaHour(instant(row.action_time)), connected_calls_same_day: num(row.calls_day), connected_call_order_in_day: num(row.call_order) };
    }
    case 'complaint': {
      const received = chinaDateOf(row.received_at);
      const open = OPEN_COMPLAINT.has(String(row.status));
      const end = open || row.closed_at === null || row.closed_at === undefined ? periodEnd(row.period) : chinaDateOf(row.closed_at);
      return { handling_days_calendar: Math.max(daysBetween(received, end), 0), handling_days_working: end > received ? workingDaysBetween(received, end) : 0, open_at_period_end: open };
    }
    case 'product':
      return { risk_warning_length: [...String(row.risk_warning ?? '').trim()].length };
    case 'disclosure':
    case 'algorithm_decision':
      return {};
  }
}

type ConditionFields = ReturnType<typeof conditionFields>;
const fieldsByType = new Map<RecordType, ConditionFields>();

/** The fields a condition can read, built once per record type rather than for every row. */
function fieldsOf(recordType: RecordType): ConditionFields {
  let fields = fieldsByType.get(recordType);
  if (!fields) {
    fields = conditionFields(recordType);
    fieldsByType.set(recordType, fields);
  }
  return fields;
}

/**
 * What the conditions read of one row. Plain values (numbers for CEL's ints) for the conditions
 * compiled to plain functions, and CEL-typed values, built only when some rule needs the
 * interpreter or fires (its derived values are CEL expressions). Absent values are left out.
 */
export class RowInputs {
  /** The record's fields as plain values; undefined when an int is beyond 2^53, which only the interpreter holds exactly. */
  readonly plainRecord: Record<string, unknown> | undefined;
  /** The features computed in code, as plain values (undefined: absent). */
  readonly plain: Record<string, unknown>;
  private celInput: EvaluationInput | undefined;

  constructor(
    private readonly recordType: RecordType,
    private readonly row: FeatureRow,
    institution: InstitutionFacts,
    lpr: (date: string) => number | undefined,
  ) {
    let exact = true;
    const record: Record<string, unknown> = {};
    for (const [name, type] of fieldsOf(recordType)) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      if (type === 'int') {
        const n = typeof value === 'number' ? value : Number(value);
        if (!Number.isSafeInteger(n)) exact = false;
        record[name] = n;
      } else if (type === 'double') record[name] = Number(value);
      else if (type === 'string') record[name] = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
      else record[name] = value;
    }
    const plain = codeFeatures(recordType, row, institution, lpr);
    for (const name in plain) {
      const value = plain[name];
      if (value === undefined) continue;
      const type = celTypeOfValue(featureDef(name)!.type);
      if (type === 'int' && !Number.isSafeInteger(value)) exact = false;
      else if (type === 'string' && typeof value !== 'string') plain[name] = String(value);
    }
    this.plainRecord = exact ? record : undefined;
    this.plain = plain;
  }

  /** `record` and `features` in CEL's types (ints as BigInt), for the interpreter. */
  get cel(): EvaluationInput {
    if (this.celInput === undefined) {
      const record: Record<string, unknown> = {};
      for (const [name, type] of fieldsOf(this.recordType)) {
        const value = celValue(type, this.row[name]);
        if (value !== undefined) record[name] = value;
      }
      const features: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(this.plain)) {
        if (value !== undefined) features[name] = celValue(celTypeOfValue(featureDef(name)!.type), value);
      }
      this.celInput = { record, features };
    }
    return this.celInput;
  }
}

const plainParamsOf = new WeakMap<ExecutableRule, Record<string, unknown>>();

/**
 * Whether a rule fires on a row: its plain function where it has one and the values allow, else
 * the interpreter, which also answers for a plain function that throws, so that a rule's fault
 * reads the same either way.
 */
function fires(executable: ExecutableRule, inputs: RowInputs): boolean {
  const { compiled } = executable;
  if (compiled.plain !== undefined && inputs.plainRecord !== undefined) {
    let params = plainParamsOf.get(executable);
    if (params === undefined) {
      params = plainParameters(compiled.definition, executable.values);
      plainParamsOf.set(executable, params);
    }
    try {
      return compiled.plain(inputs.plainRecord, inputs.plain, params);
    } catch {
      // NEEDS_INTERPRETER, or an error the interpreter words: asked below.
    }
  }
  return compiled.fires(inputs.cel, executable.params);
}

function fieldFactType(recordType: RecordType, name: string): FactType {
  const field = recordTypeDef(recordType).fields.find((f) => f.name === name);
  switch (field?.type) {
    case 'money_fen':
    case 'rate':
    case 'integer':
    case 'date':
    case 'datetime':
    case 'boolean':
    case 'code':
      return field.type;
    case 'decimal':
      return 'decimal';
    default:
      return 'string';
  }
}

function jsonValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

/** The values that made a rule fire on a row: the fields and features it reads, its parameters, its derived values. */
export function factsOf(executable: ExecutableRule, recordType: RecordType, row: FeatureRow, input: RowInputs): Fact[] {
  const { compiled, rule } = executable;
  const facts: Fact[] = [];
  const fieldDefs = recordTypeDef(recordType).fields;
  for (const name of compiled.fields) {
    const def = fieldDefs.find((f) => f.name === name);
    facts.push({ name, kind: 'field', type: fieldFactType(recordType, name), label: { zh: def?.zh ?? name, en: def?.en ?? name }, value: jsonValue(row[name]) });
  }
  for (const name of compiled.features) {
    const def = featureDef(name)!;
    facts.push({ name, kind: 'feature', type: def.type, label: def.label, value: jsonValue(input.plain[name]) });
  }
  for (const p of rule.parameters) facts.push({ name: p.name, kind: 'parameter', type: p.type, label: p.label, value: p.value });
  const derived = compiled.derive(input.cel, executable.params);
  for (const [name, def] of Object.entries(rule.definition.derived ?? {})) {
    if (name in derived) facts.push({ name, kind: 'derived', type: def.type, label: def.label, value: jsonValue(derived[name]) });
  }
  return facts;
}

/** The key that makes one alert of one rule version on one record, however often it runs. */
export function dedupeKey(ruleId: string, ruleVersion: string, institutionId: string, recordType: string, recordId: string): string {
  return createHash('sha256').update([ruleId, ruleVersion, institutionId, recordType, recordId].join('\u0000')).digest('hex');
}

/** A UUID derived from the dedupe key, so a re-run finds the same alert id. */
export function alertIdOf(key: string): string {
  const hex = `${key.slice(0, 12)}8${key.slice(13, 16)}${((parseInt(key[16]!, 16) & 0x3) | 0x8).toString(16)}${key.slice(17, 32)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export type Outcome = { kind: 'hit'; alert: NewAlert } | { kind: 'fault'; fault: RuleFaultRow };

/** Evaluate rules on one row: an alert per hit, a fault per rule that threw. */
export function evaluateRow(rules: readonly ExecutableRule[], recordType: RecordType, row: FeatureRow, institution: InstitutionFacts, lpr: (date: string) => number | undefined, out: Outcome[]): void {
  if (rules.length === 0) return;
  const input = new RowInputs(recordType, row, institution, lpr);
  for (const executable of rules) {
    let fired: boolean;
    try {
      fired = fires(executable, input);
    } catch (error) {
      out.push({ kind: 'fault', fault: { rule_id: executable.rule.id, rule_version: executable.rule.version, institution_id: institution.institutionId, filing_id: row.filing_id, record_type: recordType, record_id: row.record_id, problem: (error as Error).message.slice(0, 1000) } });
      continue;
    }
    if (!fired) continue;
    out.push({
      kind: 'hit',
      alert: alertOf(executable.rule, 'conduct', {
        institutionId: institution.institutionId,
        jurisdictionCode: institution.jurisdictionCode,
        recordType,
        recordId: row.record_id,
        partyKey: row.party_key ?? null,
        period: row.period,
        filingId: row.filing_id,
        records: [{ recordType, recordId: row.record_id, filingId: row.filing_id, period: row.period }],
        facts: factsOf(executable, recordType, row, input),
      }),
    });
  }
}

/** What an alert is about: the institution, the record, and the facts that made its rule fire. */
export interface AlertSubject {
  institutionId: string;
  jurisdictionCode: string;
  recordType: string;
  recordId: string;
  partyKey: string | null;
  period: string;
  /** The filing that holds the record (the nil UUID for an obligation, which no filing holds). */
  filingId: string;
  records: { recordType: string; recordId: string; filingId: string; period: string }[];
  facts: Fact[];
}

/** The alert a rule raises on a subject, with its dedupe key and the id derived from it. */
export function alertOf(rule: ResolvedRule, pack: NewAlert['pack'], subject: AlertSubject): NewAlert {
  const key = dedupeKey(rule.id, rule.version, subject.institutionId, subject.recordType, subject.recordId);
  const definition = rule.definition;
  return {
    alert_id: alertIdOf(key),
    dedupe_key: key,
    rule_id: rule.id,
    rule_version: rule.version,
    rule_jurisdiction: rule.jurisdiction,
    pack,
    severity: definition.severity,
    rule_text: JSON.stringify({ title: definition.title, explanation: definition.explanation, basis: definition.basis }),
    institution_id: subject.institutionId,
    jurisdiction_code: subject.jurisdictionCode,
    record_type: subject.recordType,
    record_id: subject.recordId,
    party_key: subject.partyKey,
    period: subject.period,
    filing_id: subject.filingId,
    records: JSON.stringify(subject.records),
    facts: JSON.stringify(subject.facts),
  };
}
