/**
 * The edit catalogue: every check a filing goes through, numbered like the HMDA platform's edits.
 * S = syntactical (the file can be read), V = validity (the values can be true), Q = quality
 * (plausible but suspicious: a warning the filer verifies with an explanation), M = macro (the file
 * as a whole). Ids are stable: an edit is never renumbered, only retired (`retiredEdits`), and a
 * retired id is never given to another edit.
 */
import { recordTypeDef, recordTypes, type FieldDef, type RecordType } from '../../standard/standard.js';

export type EditClass = 'syntactical' | 'validity' | 'quality' | 'macro';
export type EditSeverity = 'error' | 'warning';
/**
 * What an edit looks at: the header, one row, the whole file, or the records in force once the
 * filing is loaded beside them ('load': checked in the load's transaction, which it rolls back).
 */
export type EditScope = 'header' | 'row' | 'file' | 'load';

export interface EditDef {
  /** Stable id: S001, V010, Q003, M001. */
  readonly id: string;
  readonly editClass: EditClass;
  /** An error blocks the filing; a warning must be verified with an explanation. */
  readonly severity: EditSeverity;
  readonly scope: EditScope;
  /** The record types it applies to; `all` for the generic edits. */
  readonly recordTypes: readonly RecordType[] | 'all';
  /** The fields it reads; empty for a generic edit that applies to any field of a kind. */
  readonly fields: readonly string[];
  readonly zh: string;
  readonly en: string;
}

/**
 * The figures quality and macro edits compare against. Each is a parameter a caller may override;
 * these are the defaults. (Legal limits — interest and cost caps, collection hours, complaint
 * deadlines — are not data-quality figures: the rulebook checks them, in one place.)
 */
export interface EditThresholds {
  /** Q004: age of majority at the contract date. */
  adultAge: number;
  /** Q005: principal above this for an individual borrower (fen). */
  largePrincipalIndividualFen: number;
  /** Q005: principal above this for an organisation (fen). */
  largePrincipalOrganisationFen: number;
  /** M001: share of rows whose id repeats an earlier row's. */
  duplicateShareLimit: number;
  /** M002: rise of the overdue share against the previous period, in share points (0.10 = 10 points). */
  overdueJump: number;
  /** M003: fewer rows than this share of the previous period's. */
  rowCollapseShare: number;
  /** M005: more rows than this multiple of the previous period's. */
  rowSurgeFactor: number;
  /** M003 and M005 only compare periods when the previous one had at least this many rows. */
  macroMinimumRows: number;
}

export const defaultThresholds: Readonly<EditThresholds> = {
  adultAge: 18,
  largePrincipalIndividualFen: 100_000_000, // CNY 1 million
  largePrincipalOrganisationFen: 5_000_000_000, // CNY 50 million
  duplicateShareLimit: 0.01,
  overdueJump: 0.1,
  rowCollapseShare: 0.5,
  rowSurgeFactor: 5,
  macroMinimumRows: 100,
};

type Def = Omit<EditDef, 'editClass' | 'severity' | 'scope'>;

const classOf = { S: 'syntactical', V: 'validity', Q: 'quality', M: 'macro' } as const;

function edit(scope: EditScope, severity: EditSeverity, def: Def): EditDef {
  return { ...def, editClass: classOf[def.id[0] as keyof typeof classOf], severity, scope };
}

const header = (def: Def) => edit('header', 'error', def);
const rowError = (def: Def) => edit('row', 'error', def);
const rowWarning = (def: Def) => edit('row', 'warning', def);

export const editCatalogue: readonly EditDef[] = [
  // Syntactical: can the file be read as the standard's columns and types?
  header({ id: 'S001', recordTypes: 'all', fields: [], zh: '缺少必填列。', en: 'A required column is missing from the header.' }),
  header({ id: 'S002', recordTypes: 'all', fields: [], zh: '表头中有标准未定义的列。', en: 'The header has a column the standard does not define.' }),
  header({ id: 'S003', recordTypes: 'all', fields: [], zh: '表头中同一列出现多次。', en: 'A column appears more than once in the header.' }),
  rowError({ id: 'S004', recordTypes: 'all', fields: [], zh: '该行的列数与表头不一致。', en: 'The row has a different number of values from the header.' }),
  rowError({ id: 'S005', recordTypes: 'all', fields: [], zh: '必填项为空。', en: 'A required value is empty.' }),
  rowError({ id: 'S006', recordTypes: 'all', fields: [], zh: '应为整数。', en: 'The value must be a whole number.' }),
  rowError({ id: 'S007', recordTypes: 'all', fields: [], zh: '金额应为以分为单位的整数（不含小数点）。', en: 'An amount must be a whole number of fen (no decimal point).' }),
  rowError({ id: 'S008', recordTypes: 'all', fields: [], zh: '应为小数，如 0.128。', en: 'The value must be a decimal number, such as 0.128.' }),
  rowError({ id: 'S009', recordTypes: 'all', fields: [], zh: '日期格式应为 YYYY-MM-DD。', en: 'A date must be written YYYY-MM-DD.' }),
  rowError({ id: 'S010', recordTypes: 'all', fields: [], zh: '时间应为带时区的 ISO 8601 格式，如 2024-06-01T09:30:00+08:00。', en: 'A time must be ISO 8601 with an offset, such as 2024-06-01T09:30:00+08:00.' }),
  rowError({ id: 'S011', recordTypes: 'all', fields: [], zh: '应为 true 或 false。', en: 'The value must be true or false.' }),
  rowError({ id: 'S012', recordTypes: 'all', fields: [], zh: '内容超过最大长度。', en: 'The value is longer than the field allows.' }),

  // Validity: could the values be true?
  rowError({ id: 'V001', recordTypes: 'all', fields: [], zh: '代码不在该字段的代码表中。', en: "The code is not in the field's code list." }),
  rowError({ id: 'V002', recordTypes: 'all', fields: [], zh: '日期或时间不存在（如 2月30日、25时）。', en: "The date or time does not exist (such as 30 February or 25 o'clock)." }),
  rowError({ id: 'V003', recordTypes: 'all', fields: [], zh: '日期晚于报告期末。', en: 'The date is after the end of the reporting period.' }),
  rowError({ id: 'V004', recordTypes: 'all', fields: [], zh: '日期早于报告期初，而该字段须在报告期内。', en: 'The date is before the start of the reporting period, and the field must lie within it.' }),
  rowError({ id: 'V006', recordTypes: 'all', fields: [], zh: '金额不能为负数。', en: 'An amount cannot be negative.' }),
  rowError({ id: 'V007', recordTypes: 'all', fields: [], zh: '利率应为 0 至 10 之间的小数（0.128 即 12.8%），疑似按百分数填写。', en: 'A rate must be a decimal between 0 and 10 (0.128 = 12.8 %); it looks like a percentage.' }),
  rowError({ id: 'V008', recordTypes: 'all', fields: [], zh: '数值超出该字段允许的范围。', en: 'The number is outside the range the field allows.' }),
  rowError({ id: 'V010', recordTypes: 'all', fields: [], zh: '居民身份证号码格式错误（长度、字符、出生日期或地区码）。', en: 'The resident ID number is malformed (length, characters, birth date or region code).' }),
  rowError({ id: 'V011', recordTypes: 'all', fields: [], zh: '居民身份证号码校验码错误。', en: 'The check character of the resident ID number is wrong.' }),
  rowError({ id: 'V012', recordTypes: 'all', fields: [], zh: '统一社会信用代码格式错误（长度、字符或地区码）。', en: 'The unified social credit code is malformed (length, characters or region code).' }),
  rowError({ id: 'V013', recordTypes: 'all', fields: [], zh: '统一社会信用代码校验码错误。', en: 'The check character of the unified social credit code is wrong.' }),
  rowError({ id: 'V014', recordTypes: 'all', fields: [], zh: '电话号码格式错误。', en: 'The phone number is malformed.' }),
  rowError({ id: 'V015', recordTypes: 'all', fields: [], zh: '记录编号与本文件中前面的记录重复。', en: 'The record id repeats the id of an earlier row in this file.' }),
  rowError({ id: 'V016', recordTypes: ['loan'], fields: ['principal_fen', 'disbursed_fen'], zh: '实际放款金额大于合同本金。', en: 'The amount disbursed is larger than the principal.' }),
  rowError({ id: 'V017', recordTypes: ['loan'], fields: ['contract_date', 'disbursement_date'], zh: '放款日期早于合同签订日期。', en: 'The disbursement date is before the contract date.' }),
  rowError({ id: 'V018', recordTypes: ['loan'], fields: ['disbursement_date', 'first_due_date'], zh: '首期还款日不晚于放款日期。', en: 'The first due date is not after the disbursement date.' }),
  rowError({ id: 'V019', recordTypes: ['loan'], fields: ['guarantee_type', 'guarantor_type', 'guarantor_id'], zh: '保证人信息不完整：担保公司或自然人保证须填保证人类型和证件号码，二者须同时填写。', en: 'The guarantor is incomplete: a guarantee company or personal guarantee needs the guarantor type and identifier, and each needs the other.' }),
  rowError({ id: 'V020', recordTypes: ['repayment'], fields: ['installment_number', 'installments'], zh: '期次大于总期数。', en: 'The instalment number is larger than the number of instalments.' }),
  rowError({ id: 'V021', recordTypes: ['repayment'], fields: ['amount_paid_fen', 'paid_date'], zh: '已还金额大于 0 时须填还款日期。', en: 'A paid amount above 0 needs the date it was paid.' }),
  rowError({ id: 'V022', recordTypes: ['product'], fields: ['min_amount_fen', 'max_amount_fen', 'min_term_months', 'max_term_months'], zh: '最低金额或最短期限大于最高金额或最长期限。', en: 'The minimum amount or shortest term is larger than the maximum or longest.' }),
  rowError({ id: 'V023', recordTypes: ['product'], fields: ['launched_on', 'withdrawn_on'], zh: '下线日期早于上线日期。', en: 'The product was withdrawn before it was launched.' }),
  rowError({ id: 'V024', recordTypes: ['complaint'], fields: ['received_at', 'closed_at'], zh: '办结时间早于受理时间。', en: 'The complaint was closed before it was received.' }),
  rowError({ id: 'V025', recordTypes: ['complaint'], fields: ['status', 'closed_at'], zh: '已办结或撤回的投诉须填办结时间。', en: 'A resolved, rejected or withdrawn complaint needs the time it was closed.' }),
  rowError({ id: 'V026', recordTypes: ['fund_flow'], fields: ['via_custodian', 'custodian_bank_uscc'], zh: '经存管账户的资金须填存管银行统一社会信用代码。', en: "Funds that passed through a custodian account need the custodian bank's USCC." }),
  rowError({ id: 'V027', recordTypes: ['collection'], fields: ['collector_type', 'agency_uscc'], zh: '委托第三方催收须填催收机构统一社会信用代码。', en: "Collection by an outside agency needs the agency's USCC." }),
  rowError({ id: 'V028', recordTypes: ['disclosure'], fields: ['outstanding_balance_fen', 'overdue_balance_fen'], zh: '逾期余额大于借贷余额。', en: 'The overdue balance is larger than the outstanding balance.' }),
  rowError({
    id: 'V029',
    recordTypes: recordTypes.filter((type) => recordTypeDef(type).identity === 'event'),
    fields: [],
    zh: '该记录编号已在其他报告期报送并被接受。交易、资金划转、催收、投诉、算法决策和披露等事件只报送一次；如需更正，请重新报送该记录所属的报告期。',
    en: 'This record id was already accepted for another period. An event (a payment, fund flow, collection action, complaint, algorithm decision or disclosure) is filed once; to correct it, resubmit the period it was filed for.',
  }),
  rowError({ id: 'V030', recordTypes: ['loan'], fields: ['period_months', 'period_days'], zh: '每期月数与每期天数须填且只填一项。', en: 'Give either the months or the days per instalment, not both and not neither.' }),
  // Checked when the filing is loaded, against the loans and instalments in force: the whole filing is refused.
  edit('load', 'error', {
    id: 'V031',
    recordTypes: ['loan', 'repayment'],
    fields: ['loan_id', 'principal_fen', 'principal_due_fen', 'amount_paid_fen'],
    zh: '报送后借款余额将为负数：已还本金合计超过合同本金（按各期最新状态，每期已还本金为已还金额扣除利息和费用后的部分，且不超过应还本金）。在还款报送及更正后的贷款报送入库时检查；整份报送未被接受，请核对本金或还款金额后重新报送。',
    en: "The loan's balance would fall below zero: the principal repaid on its instalments (each in its latest state: what was paid beyond the interest and fees, at most the principal due) adds up to more than the principal. Checked when a repayment filing, or a corrected loan filing, is loaded; the whole filing was refused: check the principal or the repayments and file again.",
  }),

  // Quality: plausible, but the filer must confirm and explain.
  rowWarning({ id: 'Q003', recordTypes: ['loan'], fields: ['borrower_id', 'contract_date'], zh: '借款人出生日期（据身份证号码）晚于合同签订日期。', en: 'The borrower was born (by the resident ID number) after the contract date.' }),
  rowWarning({ id: 'Q004', recordTypes: ['loan'], fields: ['borrower_id', 'contract_date'], zh: '签约时借款人未满 18 周岁。', en: 'The borrower was under 18 on the contract date.' }),
  rowWarning({ id: 'Q005', recordTypes: ['loan'], fields: ['borrower_type', 'principal_fen'], zh: '本金异常大（个人超过 100 万元，单位超过 5000 万元）。', en: 'The principal is implausibly large (over CNY 1 million for an individual, CNY 50 million for an organisation).' }),

  // Macro: the file as a whole.
  edit('file', 'error', { id: 'M001', recordTypes: 'all', fields: [], zh: '重复记录编号的行数占比超过 1%。', en: "More than 1 % of the rows repeat an earlier row's record id." }),
  edit('file', 'warning', { id: 'M002', recordTypes: ['repayment'], fields: ['days_past_due'], zh: '逾期期次占比较上一报告期上升超过 10 个百分点。', en: 'The share of overdue instalments rose more than 10 points against the previous period.' }),
  edit('file', 'warning', { id: 'M003', recordTypes: 'all', fields: [], zh: '记录数不足上一报告期的一半。', en: 'The file has fewer than half the records of the previous period.' }),
  edit('file', 'error', { id: 'M004', recordTypes: 'all', fields: [], zh: '文件中没有数据行。', en: 'The file holds no records.' }),
  edit('file', 'warning', { id: 'M005', recordTypes: 'all', fields: [], zh: '记录数超过上一报告期的 5 倍。', en: 'The file has more than five times the records of the previous period.' }),
];

/** An edit that no longer runs: its id stays taken, so that an old finding never reads as a new edit. */
export interface RetiredEdit {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  /** The standard version from which the filing no longer runs it. */
  readonly retiredIn: string;
  /** The rulebook rule that checks the same thing on accepted records, when it moved there. */
  readonly movedToRule?: string;
}

/**
 * Edits retired from the catalogue. Q001, Q002, Q006, Q007 and Q008 checked legal limits; a legal
 * limit lives in one place, the rulebook, which checks every accepted filing against the rules in
 * force in the institution's jurisdiction (and a tier below may tighten them). They are kept here
 * so that the findings of filings validated before v1.1 still read.
 */
export const retiredEdits: readonly RetiredEdit[] = [
  { id: 'Q001', retiredIn: '1.1', movedToRule: 'CN-LOAN-COST-CASH-LOAN', zh: '综合年化成本（按实际现金流的内部收益率计）超过 36%。（已移至监管规则库）', en: 'The comprehensive annualised cost (IRR of the actual cash flows) is above 36 %. (Moved to the rulebook.)' },
  { id: 'Q002', retiredIn: '1.1', movedToRule: 'CN-LOAN-COST-WINDOW-24', zh: '合同年利率超过 24%。（已移至监管规则库）', en: 'The nominal annual rate is above 24 %. (Moved to the rulebook.)' },
  { id: 'Q006', retiredIn: '1.1', movedToRule: 'CN-COLL-NIGHT', zh: '催收发生在北京时间 22:00 至次日 08:00 之间，且未记录债务人同意。（已移至监管规则库）', en: "The collection took place between 22:00 and 08:00 China time without the debtor's recorded agreement. (Moved to the rulebook.)" },
  { id: 'Q007', retiredIn: '1.1', movedToRule: 'CN-LOAN-UPFRONT-DEDUCTION', zh: '实际放款金额小于本金：疑似预先扣除利息或费用（砍头息）。（已移至监管规则库）', en: 'Less than the principal was disbursed: interest or fees may have been deducted in advance. (Moved to the rulebook.)' },
  { id: 'Q008', retiredIn: '1.1', movedToRule: 'CN-COMPLAINT-LATE', zh: '投诉受理超过 15 日，至报告期末仍未办结。（已移至监管规则库）', en: 'The complaint was still open at the end of the period, more than 15 days after it was received. (Moved to the rulebook.)' },
];

const byId = new Map(editCatalogue.map((e) => [e.id, e]));

/** The catalogue entry of an edit; throws when the id is unknown (a programming error). */
export function editById(id: string): EditDef {
  const found = byId.get(id);
  if (!found) throw new Error(`unknown edit ${id}`);
  return found;
}

/** True when edit `def` applies to records of `type`. */
export function editAppliesTo(def: EditDef, type: RecordType): boolean {
  return def.recordTypes === 'all' || def.recordTypes.includes(type);
}

// The generic edits reach a record type only when it has a field they look at.
const reachesField: Record<string, (f: FieldDef) => boolean> = {
  S005: (f) => f.required,
  S006: (f) => f.type === 'integer',
  S007: (f) => f.type === 'money_fen',
  S008: (f) => f.type === 'rate' || f.type === 'decimal',
  S009: (f) => f.type === 'date',
  S010: (f) => f.type === 'datetime',
  S011: (f) => f.type === 'boolean',
  S012: (f) => f.type === 'string' || f.type === 'text' || f.type === 'account',
  V001: (f) => f.type === 'code',
  V002: (f) => f.type === 'date' || f.type === 'datetime',
  V003: (f) => f.period !== undefined,
  V004: (f) => f.period === 'within',
  V006: (f) => f.type === 'money_fen',
  V007: (f) => f.type === 'rate',
  V008: (f) => (f.type === 'integer' && (f.min !== undefined || f.max !== undefined)) || (f.type === 'money_fen' && ((f.min ?? 0) > 0 || f.max !== undefined)),
  V010: (f) => f.type === 'resident_id' || f.type === 'party_id',
  V011: (f) => f.type === 'resident_id' || f.type === 'party_id',
  V012: (f) => f.type === 'uscc' || f.type === 'party_id',
  V013: (f) => f.type === 'uscc' || f.type === 'party_id',
  V014: (f) => f.type === 'phone',
};

/** The edits that can fail for a file of `type`, in catalogue order. */
export function editsFor(type: RecordType): EditDef[] {
  const fields = recordTypeDef(type).fields;
  return editCatalogue.filter((e) => {
    if (!editAppliesTo(e, type)) return false;
    const reaches = reachesField[e.id];
    return reaches ? fields.some(reaches) : true;
  });
}
