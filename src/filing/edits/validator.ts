/**
 * The file validator: runs the edit catalogue over a file of one record type, row by row. A record
 * type is compiled once (field kinds, limits and code sets in flat arrays, a record factory with a
 * fixed shape), and each validator keeps its scratch arrays, so that checking a row allocates
 * nothing but the normalized record it returns and the findings of the edits that fail.
 */
import { fail } from '../../platform/errors.js';
import { dateKey, normalizeResidentId, normalizeUscc, residentIdProblem, usccProblem } from '../../standard/identifiers.js';
import { chinaDateKey } from '../../standard/china-time.js';
import { codeLists, recordTypeDef, type FieldDef, type RecordType, type RecordTypeDef } from '../../standard/standard.js';
import { defaultThresholds, type EditThresholds } from './catalogue.js';
import { IdSet } from './id-set.js';
import {
  BAD_SHAPE,
  NOT_REAL,
  birthDayOfResidentId,
  birthdayAtAge,
  dayNumber,
  isPhoneNumber,
  parseBoolean,
  parseDateDay,
  parseDateTimeMs,
  parseDecimal,
  parseWhole,
} from './parse.js';
import type { FileStats, FileValidator, IdRegister, NormalizedRecord, RowFinding, ValidatorContext } from './types.js';

type Value = string | number | boolean | null;

const K_STRING = 0;
const K_INTEGER = 1;
const K_MONEY = 2;
const K_RATE = 3;
const K_DECIMAL = 4;
const K_DATE = 5;
const K_DATETIME = 6;
const K_CODE = 7;
const K_BOOLEAN = 8;
const K_RESIDENT_ID = 9;
const K_USCC = 10;
const K_PARTY = 11;
const K_PHONE = 12;

const KIND: Record<FieldDef['type'], number> = {
  string: K_STRING,
  text: K_STRING,
  account: K_STRING,
  integer: K_INTEGER,
  money_fen: K_MONEY,
  rate: K_RATE,
  decimal: K_DECIMAL,
  date: K_DATE,
  datetime: K_DATETIME,
  code: K_CODE,
  boolean: K_BOOLEAN,
  resident_id: K_RESIDENT_ID,
  uscc: K_USCC,
  party_id: K_PARTY,
  phone: K_PHONE,
};

const PERIOD_NONE = 0;
const PERIOD_WITHIN = 1;
const PERIOD_NOT_AFTER = 2;

const MS_PER_DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** A record type in the flat form the row loop reads. */
interface CompiledType {
  def: RecordTypeDef;
  names: string[];
  kinds: Uint8Array;
  required: Uint8Array;
  maxLength: Int32Array;
  min: Float64Array;
  max: Float64Array;
  period: Uint8Array;
  codeSets: (Set<string> | null)[];
  partyType: Int32Array;
  idIndex: number;
  /** Column name (snake_case, or the Chinese field name) → field index. */
  headerNames: Map<string, number>;
  makeRecord: (values: Value[]) => NormalizedRecord;
}

const compiled = new Map<RecordType, CompiledType>();

function compile(type: RecordType): CompiledType {
  const cached = compiled.get(type);
  if (cached) return cached;
  const def = recordTypeDef(type);
  const count = def.fields.length;
  const names = def.fields.map((f) => f.name);
  const index = (name: string): number => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`${type}: no field ${name}`);
    return i;
  };
  const partyType = new Int32Array(count).fill(-1);
  const headerNames = new Map<string, number>();
  def.fields.forEach((f, i) => {
    headerNames.set(f.name, i);
    headerNames.set(f.zh, i);
    if (f.partyTypeField) {
      partyType[i] = index(f.partyTypeField);
      // The row loop reads the party type before the identifier it qualifies.
      if (partyType[i]! > i) throw new Error(`${type}.${f.name}: ${f.partyTypeField} must come first`);
    }
  });
  for (const name of names) if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`${type}: field name ${name} is not snake_case`);
  // A factory with a literal shape gives every record one hidden class and plain property stores.
  const makeRecord = new Function('v', `return { ${names.map((n, i) => `${n}: v[${i}]`).join(', ')} };`) as (values: Value[]) => NormalizedRecord;
  const result: CompiledType = {
    def,
    names,
    kinds: Uint8Array.from(def.fields, (f) => KIND[f.type]),
    required: Uint8Array.from(def.fields, (f) => (f.required ? 1 : 0)),
    maxLength: Int32Array.from(def.fields, (f) => f.maxLength ?? 64),
    min: Float64Array.from(def.fields, (f) => f.min ?? (f.type === 'money_fen' ? 0 : -Infinity)),
    max: Float64Array.from(def.fields, (f) => f.max ?? Infinity),
    period: Uint8Array.from(def.fields, (f) => (f.period === 'within' ? PERIOD_WITHIN : f.period === 'not_after' ? PERIOD_NOT_AFTER : PERIOD_NONE)),
    codeSets: def.fields.map((f) => (f.codeList ? new Set(codeLists[f.codeList].codes.map((c) => c.code)) : null)),
    partyType,
    idIndex: index(def.idField),
    headerNames,
    makeRecord,
  };
  compiled.set(type, result);
  return result;
}

/** The per-row scratch the rules read: raw text, numbers (NaN when absent or unreadable), values. */
interface RowState {
  raw: string[];
  num: Float64Array;
  val: Value[];
  /** Birth day number of a resident-ID party field that passed its check, else NaN. */
  birth: Float64Array;
}

/** A cross-field or quality check: returns true when the row FAILS it. */
interface Rule {
  editId: string;
  fields: number[];
  warning: boolean;
  fails(s: RowState): boolean;
}

interface Environment {
  thresholds: EditThresholds;
  periodStartDay: number;
  periodEndDay: number;
  periodStartMs: number;
  /** Exclusive: midnight China time after the last day. */
  periodEndMs: number;
}

const CLOSED_COMPLAINT = new Set(['resolved', 'rejected', 'withdrawn']);

function rulesFor(type: RecordType, c: CompiledType, env: Environment): Rule[] {
  const ix = (name: string): number => {
    const i = c.names.indexOf(name);
    if (i < 0) throw new Error(`${type}: no field ${name}`);
    return i;
  };
  const t = env.thresholds;
  function rule(editId: string, fieldNames: string[], fails: (s: RowState) => boolean, warning = false): Rule {
    return { editId, fields: fieldNames.map(ix), warning, fails };
  }
  switch (type) {
    case 'loan': {
      const principal = ix('principal_fen');
      const disbursed = ix('disbursed_fen');
      const contractDate = ix('contract_date');
      const disbursementDate = ix('disbursement_date');
      const firstDue = ix('first_due_date');
      const periodMonths = ix('period_months');
      const periodDays = ix('period_days');
      const borrowerType = ix('borrower_type');
      const borrower = ix('borrower_id');
      const guaranteeType = ix('guarantee_type');
      const guarantorType = ix('guarantor_type');
      const guarantor = ix('guarantor_id');
      return [
        rule('V016', ['principal_fen', 'disbursed_fen'], (s) => s.num[disbursed]! > s.num[principal]!),
        rule('V017', ['contract_date', 'disbursement_date'], (s) => s.num[disbursementDate]! < s.num[contractDate]!),
        rule('V018', ['disbursement_date', 'first_due_date'], (s) => s.num[firstDue]! <= s.num[disbursementDate]!),
        rule('V030', ['period_months', 'period_days'], (s) => (s.raw[periodMonths] === '') === (s.raw[periodDays] === '')),
        rule('V019', ['guarantee_type', 'guarantor_type', 'guarantor_id'], (s) => {
          const named = s.val[guaranteeType] === 'guarantee_company' || s.val[guaranteeType] === 'personal_guarantee';
          const hasType = s.raw[guarantorType] !== '';
          const hasId = s.raw[guarantor] !== '';
          return hasType !== hasId || (named && !hasId);
        }),
        rule('Q003', ['borrower_id', 'contract_date'], (s) => s.birth[borrower]! > s.num[contractDate]!, true),
        rule(
          'Q004',
          ['borrower_id', 'contract_date'],
          (s) => s.birth[borrower]! <= s.num[contractDate]! && s.num[contractDate]! < birthdayAtAge(s.raw[borrower]!, t.adultAge),
          true,
        ),
        rule(
          'Q005',
          ['borrower_type', 'principal_fen'],
          (s) => s.num[principal]! > (s.val[borrowerType] === 'organisation' ? t.largePrincipalOrganisationFen : t.largePrincipalIndividualFen),
          true,
        ),
      ];
    }
    case 'repayment': {
      const number = ix('installment_number');
      const installments = ix('installments');
      const paid = ix('amount_paid_fen');
      const paidDate = ix('paid_date');
      return [
        rule('V020', ['installment_number', 'installments'], (s) => s.num[number]! > s.num[installments]!),
        rule('V021', ['amount_paid_fen', 'paid_date'], (s) => s.num[paid]! > 0 && s.raw[paidDate] === ''),
      ];
    }
    case 'product': {
      const minAmount = ix('min_amount_fen');
      const maxAmount = ix('max_amount_fen');
      const minTerm = ix('min_term_months');
      const maxTerm = ix('max_term_months');
      const launched = ix('launched_on');
      const withdrawn = ix('withdrawn_on');
      return [
        rule('V022', ['min_amount_fen', 'max_amount_fen', 'min_term_months', 'max_term_months'], (s) => s.num[minAmount]! > s.num[maxAmount]! || s.num[minTerm]! > s.num[maxTerm]!),
        rule('V023', ['launched_on', 'withdrawn_on'], (s) => s.num[withdrawn]! < s.num[launched]!),
      ];
    }
    case 'complaint': {
      const received = ix('received_at');
      const closed = ix('closed_at');
      const status = ix('status');
      return [
        rule('V024', ['received_at', 'closed_at'], (s) => s.num[closed]! < s.num[received]!),
        rule('V025', ['status', 'closed_at'], (s) => CLOSED_COMPLAINT.has(s.val[status] as string) && s.raw[closed] === ''),
      ];
    }
    case 'fund_flow': {
      const via = ix('via_custodian');
      const bank = ix('custodian_bank_uscc');
      return [rule('V026', ['via_custodian', 'custodian_bank_uscc'], (s) => s.val[via] === true && s.raw[bank] === '')];
    }
    case 'collection': {
      const collector = ix('collector_type');
      const agency = ix('agency_uscc');
      return [rule('V027', ['collector_type', 'agency_uscc'], (s) => s.val[collector] === 'agency' && s.raw[agency] === '')];
    }
    case 'disclosure': {
      const outstanding = ix('outstanding_balance_fen');
      const overdue = ix('overdue_balance_fen');
      return [rule('V028', ['outstanding_balance_fen', 'overdue_balance_fen'], (s) => s.num[overdue]! > s.num[outstanding]!)];
    }
    case 'payment':
    case 'algorithm_decision':
      return [];
  }
}

/** Parse 'YYYY-MM' into the period's bounds; throws FH_VALIDATION on anything else. */
function periodBounds(period: string): Pick<Environment, 'periodStartDay' | 'periodEndDay' | 'periodStartMs' | 'periodEndMs'> {
  const year = parseWhole(period.slice(0, 4));
  const month = parseWhole(period.slice(5, 7));
  if (period.length !== 7 || period[4] !== '-' || !(year >= 1990 && year <= 9999) || !(month >= 1 && month <= 12)) {
    fail('FH_VALIDATION', { field: 'period', details: { expected: 'YYYY-MM', got: period } });
  }
  const periodStartDay = dayNumber(year, month, 1);
  const nextStartDay = dayNumber(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1);
  return {
    periodStartDay,
    periodEndDay: nextStartDay - 1,
    periodStartMs: periodStartDay * MS_PER_DAY - CHINA_OFFSET_MS,
    periodEndMs: nextStartDay * MS_PER_DAY - CHINA_OFFSET_MS,
  };
}

/**
 * A validator for one file of `recordType` filed for `context.period`. Call `header` once, then
 * `row` for every data row, then `finish`.
 *
 * @example
 * const v = createValidator('loan', { period: '2024-06', institutionUscc: '91350100M000100Y43' });
 * v.header(columns); const out: RowFinding[] = []; const record = v.row(values, 1, out); v.finish(null);
 */
export function createValidator(recordType: RecordType, context: ValidatorContext): FileValidator {
  const c = compile(recordType);
  const thresholds: EditThresholds = { ...defaultThresholds, ...context.thresholds };
  const env: Environment = { thresholds, ...periodBounds(context.period) };
  const todayKey = context.today ? dateKey(new Date(`${context.today}T00:00:00Z`)) : chinaDateKey();
  const rules = rulesFor(recordType, c, env);
  const count = c.names.length;
  const { names, kinds, required, maxLength, min, max, period, codeSets, partyType, idIndex, makeRecord } = c;
  const fieldColumn = new Int32Array(count).fill(-1);
  let columnCount = -1;
  const state: RowState = { raw: new Array<string>(count).fill(''), num: new Float64Array(count), val: new Array<Value>(count).fill(null), birth: new Float64Array(count) };
  const { raw, num, val, birth } = state;
  const ids: IdRegister = context.ids ?? new IdSet();
  let rows = 0;
  let errorRows = 0;
  let duplicateIds = 0;
  let warningRows = 0;
  let overdue = 0;
  const daysPastDue = recordType === 'repayment' ? names.indexOf('days_past_due') : -1;
  const { periodStartDay, periodEndDay, periodStartMs, periodEndMs } = env;

  /** The checks of one row of the right width; pushes findings, returns the record or null. */
  function checkRow(values: readonly string[], rowNumber: number, out: RowFinding[]): NormalizedRecord | null {
    let errors = 0;
    for (let f = 0; f < count; f++) {
      const column = fieldColumn[f]!;
      const text = column < 0 ? '' : (values[column] ?? '');
      raw[f] = text;
      num[f] = NaN;
      val[f] = null;
      birth[f] = NaN;
      if (text.length === 0) {
        if (required[f] === 1) {
          out.push({ editId: 'S005', rowNumber, values: { [names[f]!]: text } });
          errors++;
        }
        continue;
      }
      // A limit counts characters (code points), as people and PostgreSQL do, not UTF-16 units.
      if (text.length > maxLength[f]! && kinds[f] === K_STRING && codePointLength(text, maxLength[f]!) > maxLength[f]!) {
        out.push({ editId: 'S012', rowNumber, values: { [names[f]!]: text } });
        errors++;
        continue;
      }
      let editId: string | null = null;
      switch (kinds[f]!) {
        case K_STRING:
          val[f] = text;
          break;
        case K_INTEGER:
        case K_MONEY: {
          const n = parseWhole(text);
          if (n !== n) editId = kinds[f] === K_MONEY ? 'S007' : 'S006';
          else if (n < 0 && kinds[f] === K_MONEY) editId = 'V006';
          else if (n < min[f]! || n > max[f]!) editId = 'V008';
          else {
            num[f] = n;
            val[f] = n;
          }
          break;
        }
        case K_RATE:
        case K_DECIMAL: {
          const n = parseDecimal(text);
          if (n !== n) editId = 'S008';
          else if (kinds[f] === K_RATE && (n < 0 || n > 10)) editId = 'V007';
          else {
            num[f] = n;
            val[f] = n;
          }
          break;
        }
        case K_DATE: {
          const day = parseDateDay(text);
          if (day === BAD_SHAPE) editId = 'S009';
          else if (day === NOT_REAL) editId = 'V002';
          else if (period[f] !== PERIOD_NONE && day > periodEndDay) editId = 'V003';
          else if (period[f] === PERIOD_WITHIN && day < periodStartDay) editId = 'V004';
          else {
            num[f] = day;
            val[f] = text;
          }
          break;
        }
        case K_DATETIME: {
          const ms = parseDateTimeMs(text);
          if (ms === BAD_SHAPE) editId = 'S010';
          else if (ms === NOT_REAL) editId = 'V002';
          else if (period[f] !== PERIOD_NONE && ms >= periodEndMs) editId = 'V003';
          else if (period[f] === PERIOD_WITHIN && ms < periodStartMs) editId = 'V004';
          else {
            num[f] = ms;
            val[f] = text;
          }
          break;
        }
        case K_CODE:
          if (codeSets[f]!.has(text)) val[f] = text;
          else editId = 'V001';
          break;
        case K_BOOLEAN: {
          const b = parseBoolean(text);
          if (b < 0) editId = 'S011';
          else val[f] = b === 1;
          break;
        }
        case K_PHONE:
          if (isPhoneNumber(text)) val[f] = text;
          else editId = 'V014';
          break;
        case K_RESIDENT_ID:
          editId = residentId(f, text);
          break;
        case K_USCC:
          editId = uscc(f, text);
          break;
        case K_PARTY: {
          const partyKind = val[partyType[f]!];
          if (partyKind === 'individual') editId = residentId(f, text);
          else if (partyKind === 'organisation') editId = uscc(f, text);
          else val[f] = text; // no usable type: V001/S005 on the type field already fails the row
          break;
        }
      }
      if (editId !== null) {
        out.push({ editId, rowNumber, values: { [names[f]!]: text } });
        errors++;
      }
    }

    const id = raw[idIndex]!;
    if (id.length > 0) {
      if (!ids.add(id)) {
        out.push({ editId: 'V015', rowNumber, values: { [names[idIndex]!]: id } });
        duplicateIds++;
        errors++;
      } else if (ids.acceptedElsewhere?.(id)) {
        out.push({ editId: 'V029', rowNumber, values: { [names[idIndex]!]: id } });
        errors++;
      }
    }

    let warnings = 0;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      if (rule.warning && errors > 0) continue;
      if (rule.fails(state)) {
        const found: Record<string, string> = {};
        for (const f of rule.fields) found[names[f]!] = raw[f]!;
        out.push({ editId: rule.editId, rowNumber, values: found });
        if (rule.warning) warnings++;
        else errors++;
      }
    }

    if (errors > 0) {
      errorRows++;
      return null;
    }
    if (warnings > 0) warningRows++;
    if (daysPastDue >= 0 && num[daysPastDue]! > 0) overdue++;
    return makeRecord(val);
  }

  return {
    recordType,

    header(columns) {
      const findings: RowFinding[] = [];
      fieldColumn.fill(-1);
      columnCount = -1;
      const seen = new Set<string>();
      columns.forEach((column, position) => {
        let name = position === 0 && column.charCodeAt(0) === 0xfeff ? column.slice(1) : column;
        name = name.trim();
        const key = c.headerNames.has(name) ? name : name.toLowerCase();
        const field = c.headerNames.get(key);
        if (field === undefined) {
          findings.push({ editId: 'S002', rowNumber: 0, values: { column: name } });
        } else if (seen.has(names[field]!)) {
          findings.push({ editId: 'S003', rowNumber: 0, values: { column: name } });
        } else {
          seen.add(names[field]!);
          fieldColumn[field] = position;
        }
      });
      for (let f = 0; f < count; f++) {
        if (required[f] === 1 && fieldColumn[f] === -1) findings.push({ editId: 'S001', rowNumber: 0, values: { column: names[f]! } });
      }
      if (findings.length === 0) columnCount = columns.length;
      return findings;
    },

    row(values, rowNumber, out) {
      if (columnCount < 0) throw new Error('the header has not been accepted; call header() first and check no rows when it fails');
      rows++;
      if (values.length !== columnCount) {
        out.push({ editId: 'S004', rowNumber, values: { column_count: `${values.length}/${columnCount}` } });
        errorRows++;
        return null;
      }
      const firstFinding = out.length;
      const record = checkRow(values, rowNumber, out);
      // Every finding of a row names the record's own id, so that the filer finds it in their system.
      if (out.length > firstFinding) {
        const idColumn = fieldColumn[idIndex]!;
        const idName = names[idIndex]!;
        const id = idColumn < 0 ? '' : (values[idColumn] ?? '');
        for (let i = firstFinding; i < out.length; i++) if (!(idName in out[i]!.values)) out[i]!.values[idName] = id;
      }
      return record;
    },
    finish(previous) {
      const stats = counts();
      return { findings: macroFindings(recordType, stats, previous, thresholds), stats };
    },

    counts,

    idOf(values) {
      if (columnCount < 0 || values.length !== columnCount) return null;
      const column = fieldColumn[idIndex]!;
      const id = column < 0 ? '' : (values[column] ?? '');
      return id.length > 0 ? id : null;
    },
  };

  function counts(): FileStats {
    const stats: FileStats = { rows, errorRows, warningRows, duplicateIds };
    if (recordType === 'repayment') stats.overdue = overdue;
    return stats;
  }

  function residentId(f: number, written: string): string | null {
    const text = normalizeResidentId(written);
    const problem = residentIdProblem(text, todayKey);
    if (problem) return problem === 'check_digit' ? 'V011' : 'V010';
    // The rules read `raw` too: they see the one spelling that is stored.
    raw[f] = text;
    val[f] = text;
    birth[f] = birthDayOfResidentId(text);
    return null;
  }

  function uscc(f: number, written: string): string | null {
    const text = normalizeUscc(written);
    const problem = usccProblem(text);
    if (problem) return problem === 'check_character' ? 'V013' : 'V012';
    raw[f] = text;
    val[f] = text;
    return null;
  }
}

/**
 * The macro (file-level) edits over the figures of a whole file: its `stats` (the counts of one
 * validator, or the sums over validators that checked the file in parts) against the previous
 * accepted filing's.
 */
export function macroFindings(recordType: RecordType, stats: FileStats, previous: FileStats | null, thresholds: EditThresholds = defaultThresholds): RowFinding[] {
  const findings: RowFinding[] = [];
  const rows = stats.rows;
  const duplicateIds = stats.duplicateIds ?? 0;
  const overdue = stats.overdue ?? 0;
  const t = thresholds;
  if (rows === 0) findings.push({ editId: 'M004', rowNumber: 0, values: { rows: '0' } });
  if (rows > 0 && duplicateIds / rows > t.duplicateShareLimit) {
    findings.push({ editId: 'M001', rowNumber: 0, values: { duplicate_ids: String(duplicateIds), rows: String(rows), share: (duplicateIds / rows).toFixed(4) } });
  }
  if (previous && previous.rows >= t.macroMinimumRows && rows > 0) {
    if (rows < previous.rows * t.rowCollapseShare) {
      findings.push({ editId: 'M003', rowNumber: 0, values: { rows: String(rows), previous_rows: String(previous.rows) } });
    }
    if (rows > previous.rows * t.rowSurgeFactor) {
      findings.push({ editId: 'M005', rowNumber: 0, values: { rows: String(rows), previous_rows: String(previous.rows) } });
    }
    if (recordType === 'repayment' && typeof previous.overdue === 'number') {
      const before = previous.overdue / previous.rows;
      const now = overdue / rows;
      if (now - before > t.overdueJump) {
        findings.push({ editId: 'M002', rowNumber: 0, values: { overdue_share: now.toFixed(4), previous_overdue_share: before.toFixed(4) } });
      }
    }
  }
  return findings;
}

/** The number of code points in `text`, counted no further than `limit` + 1. */
function codePointLength(text: string, limit: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
