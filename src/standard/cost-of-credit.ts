/**
 * Repayment schedules and the comprehensive annualised cost of credit (综合年化成本), computed
 * from cash flows so that fees and up-front deductions (砍头息) cannot hide cost.
 *
 * The cost is the internal rate of return of the actual cash flows — the amount the borrower
 * received, out on the day it was received; every payment, in on its day — annualised the way
 * PBOC Announcement [2021] No.3 does. Two figures come out side by side: the simple one (nominal
 * APR: the IRR per period × periods per year) and the compound one (effective annual:
 * (1 + IRR per period)^(periods per year) − 1). The period is the greatest common number of whole
 * months between the disbursement and every payment when all of them fall on monthly anniversaries,
 * otherwise the greatest common number of days (a 14-day loan has one 14-day period; a schedule of
 * irregular days has one-day periods). The compound figure does not depend on that choice; the simple
 * one does, which is why it must say that it is simple.
 *
 * Pure functions over integers: amounts are fen, dates 'YYYY-MM-DD' turned into day numbers by
 * integer arithmetic (no Date objects), so that a filing of a million loans can afford it.
 *
 * Bad input is a programming error here (filed records pass the filing edits first): every function
 * throws a RangeError whose message names the argument at fault.
 */

export type RepaymentMethod = 'equal_installment' | 'equal_principal' | 'interest_first' | 'bullet' | 'flat_rate';

export interface LoanTerms {
  /** The principal the contract states, on which interest is charged. */
  principalFen: number;
  /** What the borrower actually received (less than principalFen when fees or interest are deducted up front). */
  disbursedFen: number;
  disbursedOn: string;
  firstDueOn: string;
  installments: number;
  /** Months between two installments; 1 = monthly. Exactly one of periodMonths and periodDays is given. */
  periodMonths?: number | undefined;
  /** Days between two installments (a 14-day loan: 14); the rate per period is then rate × periodDays / 365. */
  periodDays?: number | undefined;
  /**
   * Nominal annual rate as a decimal (0.24 = 24%); the rate per period is rate × periodMonths / 12,
   * or rate × periodDays / 365 (0.1% a day is 0.365).
   */
  nominalAnnualRate: number;
  method: RepaymentMethod;
  feePerInstallmentFen: number;
  /** Fees charged with the last installment (e.g. a service fee due at maturity). */
  otherFeesAtEndFen?: number;
}

export interface ScheduledPayment {
  dueOn: string;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  totalFen: number;
}

/** How a cost was annualised, for an alert that explains itself. */
export interface CostOfCreditDetail {
  /** The comprehensive annualised cost by IRR, compounded over a year, a decimal (0.3 = 30%). */
  annualRate: number;
  /** The period rate times the periods in a year: the "simple" figure (nominal APR), which must be labelled so. */
  simpleAnnualRate: number;
  /** 'months': every payment on a whole-month anniversary of the disbursement; 'days' otherwise. */
  basis: 'months' | 'days';
  /** Months per period when basis is 'months' (1 = monthly, 3 = quarterly, 12 for a one-year bullet); null for 'days'. */
  periodMonths: number | null;
  /** Days per period when basis is 'days' (14 for a 14-day loan, 1 for irregular dates); null for 'months'. */
  periodDays: number | null;
  /** 12 / periodMonths or 365 / periodDays. */
  periodsPerYear: number;
  /** The IRR per period. */
  periodRate: number;
  /**
   * (1 + periodRate)^(periods per year) − 1, the same as annualRate. PBOC's worked example: equal
   * monthly installments at 12.80% give simpleAnnualRate 12.80% and annualRate 13.58%.
   */
  effectiveAnnualRate: number;
}

const MAX_INSTALLMENTS = 1200;
const MAX_PERIOD_MONTHS = 120;
const MAX_PERIOD_DAYS = 3660;
/** Days per year for a daily rate (0.1% a day = 36.5% a year), as contracts in China count them. */
const DAYS_PER_YEAR = 365;

// ---------------------------------------------------------------------------------------------
// Dates as integers.

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian), by integer arithmetic. */
function dayNumberOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The civil date of a day number (the inverse of dayNumberOf), formatted 'YYYY-MM-DD'. */
function dateOfDayNumber(dayNumber: number): string {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return formatDate(year, month, day);
}

function digit(value: string, index: number): number {
  const code = value.charCodeAt(index) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

// The parsed parts of the last date read; module-level so that parsing allocates nothing.
let parsedYear = 0;
let parsedMonth = 0;
let parsedDay = 0;

/** Parse 'YYYY-MM-DD' into parsedYear/Month/Day; false when it is not a real date. */
function parseDate(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const y0 = digit(value, 0), y1 = digit(value, 1), y2 = digit(value, 2), y3 = digit(value, 3);
  const m0 = digit(value, 5), m1 = digit(value, 6), d0 = digit(value, 8), d1 = digit(value, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  parsedYear = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  parsedMonth = m0 * 10 + m1;
  parsedDay = d0 * 10 + d1;
  return parsedYear >= 1 && parsedMonth >= 1 && parsedMonth <= 12 && parsedDay >= 1 && parsedDay <= daysInMonth(parsedYear, parsedMonth);
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function formatDate(year: number, month: number, day: number): string {
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * The date `months` months after 'YYYY-MM-DD', clamped to the end of a shorter month
 * (2024-01-31 + 1 month = 2024-02-29). Always counted from the given date, so a schedule does not drift.
 * @example addMonths('2023-01-31', 1) // '2023-02-28'
 */
export function addMonths(date: string, months: number): string {
  if (!parseDate(date)) throw new RangeError(`date "${String(date)}" is not a valid YYYY-MM-DD date`);
  if (!Number.isSafeInteger(months)) throw new RangeError(`months must be a whole number, got ${months}`);
  const monthIndex = parsedYear * 12 + (parsedMonth - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  if (year < 1 || year > 9999) throw new RangeError(`date "${date}" + ${months} months is outside years 1–9999`);
  return formatDate(year, month, Math.min(parsedDay, daysInMonth(year, month)));
}

// ---------------------------------------------------------------------------------------------
// Schedules.

function requireInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

// The terms of the last schedule checked by prepareTerms; module-level so that the fast path allocates nothing.
let termPrincipal = 0;
let termInstallments = 0;
let termPeriodMonths = 0; // 0 when the term is in days
let termPeriodDays = 0; // 0 when the term is in months
let termFee = 0;
let termEndFees = 0;
let termPeriodRate = 0;
/** The interest factor of the first period: whole periods at the period rate, days left over at rate / 365. */
let termFirstFactor = 0;
let termStartDayNumber = 0;
let termFirstDueDayNumber = 0;
let termFirstMonthIndex = 0;
let termFirstDayOfMonth = 0;

const METHODS: readonly RepaymentMethod[] = ['equal_installment', 'equal_principal', 'interest_first', 'bullet', 'flat_rate'];
const LAST_DAY_NUMBER = dayNumberOf(9999, 12, 31);

/** The interest factor of a first period of `wholePeriods` periods and `extraDays` days. */
function firstPeriodFactor(periodRate: number, rate: number, wholePeriods: number, extraDays: number): number {
  return periodRate * wholePeriods + (rate * extraDays) / DAYS_PER_YEAR;
}

/** Check the terms and fill the term* variables; throws RangeError naming the field at fault. */
function prepareTerms(terms: LoanTerms): void {
  termPrincipal = requireInteger('principalFen', terms.principalFen, 1);
  requireInteger('disbursedFen', terms.disbursedFen, 1);
  termInstallments = requireInteger('installments', terms.installments, 1, MAX_INSTALLMENTS);
  const byMonths = terms.periodMonths !== undefined && terms.periodMonths !== null;
  const byDays = terms.periodDays !== undefined && terms.periodDays !== null;
  if (byMonths === byDays) throw new RangeError('periodMonths or periodDays: exactly one of them must be given');
  termPeriodMonths = byMonths ? requireInteger('periodMonths', terms.periodMonths, 1, MAX_PERIOD_MONTHS) : 0;
  termPeriodDays = byDays ? requireInteger('periodDays', terms.periodDays, 1, MAX_PERIOD_DAYS) : 0;
  termFee = requireInteger('feePerInstallmentFen', terms.feePerInstallmentFen, 0);
  termEndFees = requireInteger('otherFeesAtEndFen', terms.otherFeesAtEndFen ?? 0, 0);
  const rate = terms.nominalAnnualRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 100) {
    throw new RangeError(`nominalAnnualRate must be a decimal from 0 to 100, got ${String(rate)}`);
  }
  if (!METHODS.includes(terms.method)) {
    throw new RangeError(`method must be equal_installment, equal_principal, interest_first, bullet or flat_rate, got "${String(terms.method)}"`);
  }
  if (!parseDate(terms.disbursedOn)) throw new RangeError(`disbursedOn "${String(terms.disbursedOn)}" is not a valid YYYY-MM-DD date`);
  termStartDayNumber = dayNumberOf(parsedYear, parsedMonth, parsedDay);
  const startMonthIndex = parsedYear * 12 + parsedMonth - 1;
  const startDay = parsedDay;
  if (!parseDate(terms.firstDueOn)) throw new RangeError(`firstDueOn "${String(terms.firstDueOn)}" is not a valid YYYY-MM-DD date`);
  termFirstDueDayNumber = dayNumberOf(parsedYear, parsedMonth, parsedDay);
  if (termFirstDueDayNumber <= termStartDayNumber) throw new RangeError('firstDueOn must be after disbursedOn');
  termFirstMonthIndex = parsedYear * 12 + parsedMonth - 1;
  termFirstDayOfMonth = parsedDay;
  const n = termInstallments;
  if (byMonths) {
    if (Math.floor((termFirstMonthIndex + (n - 1) * termPeriodMonths) / 12) > 9999) throw new RangeError('installments × periodMonths runs past the year 9999');
    termPeriodRate = (rate * termPeriodMonths) / 12;
    // Whole periods: the last anniversary of the disbursement, every periodMonths months (clamped
    // to month end), on or before the first due date; the days after it count by the day.
    let whole = Math.floor((termFirstMonthIndex - startMonthIndex) / termPeriodMonths);
    let anniversary: number;
    for (;;) {
      const monthIndex = startMonthIndex + whole * termPeriodMonths;
      const year = Math.floor(monthIndex / 12);
      const month = monthIndex - year * 12 + 1;
      anniversary = dayNumberOf(year, month, Math.min(startDay, daysInMonth(year, month)));
      if (anniversary <= termFirstDueDayNumber || whole === 0) break;
      whole--;
    }
    termFirstFactor = firstPeriodFactor(termPeriodRate, rate, whole, termFirstDueDayNumber - anniversary);
  } else {
    if (termFirstDueDayNumber + (n - 1) * termPeriodDays > LAST_DAY_NUMBER) throw new RangeError('installments × periodDays runs past the year 9999');
    termPeriodRate = (rate * termPeriodDays) / DAYS_PER_YEAR;
    const firstDays = termFirstDueDayNumber - termStartDayNumber;
    const whole = Math.floor(firstDays / termPeriodDays);
    termFirstFactor = firstPeriodFactor(termPeriodRate, rate, whole, firstDays - whole * termPeriodDays);
  }
}

// The principal and interest parts of the last schedule computed; reused between calls.
let principalParts = new Float64Array(64);
let interestParts = new Float64Array(64);

/**
 * The principal and interest of every installment of the prepared terms, into principalParts and
 * interestParts. One arithmetic for buildSchedule and the fast path, so that both give the same fen.
 */
function scheduleAmounts(method: RepaymentMethod): void {
  const principal = termPrincipal;
  const n = termInstallments;
  const periodRate = termPeriodRate;
  const firstFactor = termFirstFactor;
  if (principalParts.length < n) {
    principalParts = new Float64Array(Math.max(n, principalParts.length * 2));
    interestParts = new Float64Array(principalParts.length);
  }
  let level = 0;
  if (method === 'equal_installment') {
    level = periodRate === 0 ? principal / n : (principal * periodRate) / (1 - Math.pow(1 + periodRate, -n));
    level = Math.round(level);
  }
  const equalPrincipal = Math.floor(principal / n);
  let balance = principal;
  for (let k = 0; k < n; k++) {
    const last = k === n - 1;
    const factor = k === 0 ? firstFactor : periodRate;
    let principalPart: number;
    let interest: number;
    switch (method) {
      case 'equal_installment': {
        interest = Math.round(balance * factor);
        // The principal part is the regular schedule's; a longer or shorter first period moves only its interest.
        const regularInterest = k === 0 ? Math.round(balance * periodRate) : interest;
        principalPart = last ? balance : Math.min(balance, Math.max(0, level - regularInterest));
        break;
      }
      case 'equal_principal':
        interest = Math.round(balance * factor);
        principalPart = last ? balance : equalPrincipal;
        break;
      case 'interest_first':
        interest = Math.round(principal * factor);
        principalPart = last ? balance : 0;
        break;
      case 'flat_rate':
        interest = Math.round(principal * factor);
        principalPart = last ? balance : equalPrincipal;
        break;
      case 'bullet':
        interest = last ? Math.round(principal * (firstFactor + periodRate * (n - 1))) : 0;
        principalPart = last ? balance : 0;
        break;
    }
    balance -= principalPart;
    principalParts[k] = principalPart;
    interestParts[k] = interest;
  }
}

/** The due date of installment k (from 0) of the prepared terms. */
function dueDateOf(k: number): string {
  if (termPeriodDays > 0) return dateOfDayNumber(termFirstDueDayNumber + k * termPeriodDays);
  const monthIndex = termFirstMonthIndex + k * termPeriodMonths;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return formatDate(year, month, Math.min(termFirstDayOfMonth, daysInMonth(year, month)));
}

/**
 * The repayment schedule of a loan, one entry per installment, amounts in whole fen.
 *
 * Interest is charged per period at the period rate: nominalAnnualRate × periodMonths / 12, or
 * nominalAnnualRate × periodDays / 365 for a term in days. The first period is counted by its actual
 * length: the whole periods from the disbursement to the first due date (anniversaries of the
 * disbursement, clamped to month end) at the period rate, and the days left over at the annual
 * rate / 365 — a first installment two months after the disbursement carries two months of
 * interest, one 14 days after it carries 14 days. Per method:
 * - equal_installment (等额本息): equal total payments (the annuity of the period rate); interest
 *   rounded per installment; a first period of another length changes only its interest;
 * - equal_principal (等额本金): equal principal (floor), interest on the declining balance;
 * - interest_first (先息后本): interest each installment, all principal with the last;
 * - bullet (到期一次还本付息): simple interest for the whole term and all principal with the last
 *   installment; earlier installments carry only their fee;
 * - flat_rate (等本等息): equal principal (floor) and interest on the original principal every period.
 * Rounding remainders go to the last installment, so the principal parts sum to principalFen
 * exactly. Every installment carries feePerInstallmentFen; the last also otherFeesAtEndFen.
 * Due dates: firstDueOn, then firstDueOn + k × periodMonths months (clamped to month end) or
 * + k × periodDays days.
 * Throws RangeError naming the field when a term is out of range.
 * @example buildSchedule({ principalFen: 1_200_000, disbursedFen: 1_200_000, disbursedOn: '2024-01-15', firstDueOn: '2024-02-15',
 *   installments: 12, periodMonths: 1, nominalAnnualRate: 0.12, method: 'equal_principal', feePerInstallmentFen: 0 })[0]
 * // { dueOn: '2024-02-15', principalFen: 100000, interestFen: 12000, feeFen: 0, totalFen: 112000 }
 */
export function buildSchedule(terms: LoanTerms): ScheduledPayment[] {
  prepareTerms(terms);
  scheduleAmounts(terms.method);
  const n = termInstallments;
  const schedule: ScheduledPayment[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const feeFen = k === n - 1 ? termFee + termEndFees : termFee;
    const principalFen = principalParts[k]!;
    const interestFen = interestParts[k]!;
    schedule[k] = { dueOn: dueDateOf(k), principalFen, interestFen, feeFen, totalFen: principalFen + interestFen + feeFen };
  }
  return schedule;
}

// ---------------------------------------------------------------------------------------------
// Cost of credit.

// Reused between calls: the cash flows as (time, amount), time in periods or days.
let times = new Float64Array(64);
let amounts = new Float64Array(64);
let monthOffsets = new Float64Array(64);

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

let lastBasis: 'months' | 'days' = 'days';
/** Months or days per period, by lastBasis. */
let lastPeriodLength = 1;
let lastPeriodRate = 0;

/**
 * The comprehensive annualised cost (IRR of disbursed out, every scheduled payment in, annualised as
 * PBOC Announcement [2021] No.3 does). null when it cannot be computed.
 *
 * `disbursedFen` is what the borrower actually received on `disbursedOn`; `payments` are every
 * amount the borrower pays (principal, interest, fees, whatever the name), in any order, on or after
 * `disbursedOn`. When every payment falls on a whole-month anniversary of the disbursement (clamped
 * to month end), the periods are the greatest common number of months m between them and the
 * period IRR is compounded over 12 / m periods; otherwise the periods are the greatest common number
 * of days d (every day counted: a period of irregular length is its actual days) over 365 / d. The
 * announcement computes the annual rate by IRR, compound; a simple figure (period rate × 12) must
 * say that it is simple, so the cost that caps are checked against is the compound one.
 * The result may be negative (the payments sum to less than what was received). It is null when no
 * rate equates the flows: nothing is paid after the disbursement day, or what is paid on that day
 * already equals or exceeds what was received.
 * Throws RangeError naming the argument when an amount or date is malformed or a payment precedes the disbursement.
 * @example
 * // 10,000 yuan in 12 equal monthly installments of 892.23 yuan (PBOC's worked example):
 * annualisedCostOfCredit(1_000_000, '2021-01-15', schedule.map((p) => ({ dueOn: p.dueOn, amountFen: p.totalFen }))) // ≈ 0.1358
 * // (the period rate × 12 is the 12.80% "simple" figure, which must say that it is simple)
 */
export function annualisedCostOfCredit(disbursedFen: number, disbursedOn: string, payments: readonly { dueOn: string; amountFen: number }[]): number | null {
  if (!solveCost(disbursedFen, disbursedOn, payments)) return null;
  return compounded(lastPeriodRate, lastBasis === 'days' ? DAYS_PER_YEAR / lastPeriodLength : 12 / lastPeriodLength);
}

/** (1 + rate)^periods − 1, kept finite: a cost past the largest double has no meaning anyway. */
function compounded(rate: number, periods: number): number {
  const value = Math.expm1(periods * Math.log1p(rate));
  return Number.isFinite(value) ? value : Number.MAX_VALUE;
}

/** Like {@link annualisedCostOfCredit}, and says how the rate was annualised: the simple and compound figures side by side. */
export function costOfCreditDetail(disbursedFen: number, disbursedOn: string, payments: readonly { dueOn: string; amountFen: number }[]): CostOfCreditDetail | null {
  if (!solveCost(disbursedFen, disbursedOn, payments)) return null;
  const byDays = lastBasis === 'days';
  const periodsPerYear = byDays ? DAYS_PER_YEAR / lastPeriodLength : 12 / lastPeriodLength;
  const annualRate = compounded(lastPeriodRate, periodsPerYear);
  return {
    annualRate,
    simpleAnnualRate: lastPeriodRate * periodsPerYear,
    basis: lastBasis,
    periodMonths: byDays ? null : lastPeriodLength,
    periodDays: byDays ? lastPeriodLength : null,
    periodsPerYear,
    periodRate: lastPeriodRate,
    effectiveAnnualRate: annualRate,
  };
}

/** Fills lastBasis, lastPeriodLength and lastPeriodRate; false when there is no rate. */
function solveCost(disbursedFen: number, disbursedOn: string, payments: readonly { dueOn: string; amountFen: number }[]): boolean {
  requireInteger('disbursedFen', disbursedFen, 1);
  if (!Array.isArray(payments) || payments.length === 0) throw new RangeError('payments must be a non-empty array');
  if (!parseDate(disbursedOn)) throw new RangeError(`disbursedOn "${String(disbursedOn)}" is not a valid YYYY-MM-DD date`);
  const startMonthIndex = parsedYear * 12 + parsedMonth - 1;
  const startDay = parsedDay;
  const startDayNumber = dayNumberOf(parsedYear, parsedMonth, parsedDay);

  const count = payments.length;
  if (times.length < count) {
    times = new Float64Array(Math.max(count, times.length * 2));
    amounts = new Float64Array(times.length);
    monthOffsets = new Float64Array(times.length);
  }
  // First pass: day offsets, and whether every payment is on a monthly anniversary.
  let regular = true;
  let periodMonths = 0;
  let periodDays = 0;
  let paidOnDisbursement = 0;
  let paidLater = 0;
  for (let i = 0; i < count; i++) {
    const payment = payments[i]!;
    const amount = payment.amountFen;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
      throw new RangeError(`payments[${i}].amountFen must be a whole number of fen ≥ 0, got ${String(amount)}`);
    }
    if (!parseDate(payment.dueOn)) throw new RangeError(`payments[${i}].dueOn "${String(payment.dueOn)}" is not a valid YYYY-MM-DD date`);
    const offsetDays = dayNumberOf(parsedYear, parsedMonth, parsedDay) - startDayNumber;
    if (offsetDays < 0) throw new RangeError(`payments[${i}].dueOn is before disbursedOn`);
    amounts[i] = amount;
    times[i] = offsetDays;
    if (offsetDays === 0) paidOnDisbursement += amount;
    else {
      paidLater += amount;
      periodDays = greatestCommonDivisor(offsetDays, periodDays);
    }
    if (regular && offsetDays > 0) {
      const months = parsedYear * 12 + parsedMonth - 1 - startMonthIndex;
      monthOffsets[i] = months;
      const anniversaryDay = Math.min(startDay, daysInMonth(parsedYear, parsedMonth));
      if (parsedDay !== anniversaryDay || months < 1) regular = false;
      else periodMonths = greatestCommonDivisor(months, periodMonths);
    }
  }
  const owed = disbursedFen - paidOnDisbursement;
  if (paidLater <= 0 || owed <= 0) return false;

  // Second pass: time in periods of `periodMonths` months, or of `periodDays` days.
  if (regular) {
    for (let i = 0; i < count; i++) if (times[i]! > 0) times[i] = monthOffsets[i]! / periodMonths;
  } else if (periodDays > 1) {
    for (let i = 0; i < count; i++) times[i] = times[i]! / periodDays;
  }
  const logRate = solveLogRate(owed, paidLater, count);
  lastBasis = regular ? 'months' : 'days';
  lastPeriodLength = regular ? periodMonths : periodDays;
  lastPeriodRate = Math.expm1(logRate);
  return true;
}

/**
 * The s = ln(1 + rate) with Σ amount·e^(−s·t) = owed over the flows with t > 0. The left side is
 * strictly decreasing and convex in s, so the root is unique: Newton's method, kept inside a
 * bracket that bisection narrows whenever a Newton step would leave it or overflow.
 */
function solveLogRate(owed: number, paidLater: number, count: number): number {
  let weightedTime = 0;
  for (let i = 0; i < count; i++) if (times[i]! > 0) weightedTime += amounts[i]! * times[i]!;
  // Exact when everything is paid at one time; close otherwise (the payment-weighted mean time).
  let s = Math.log(paidLater / owed) / (weightedTime / paidLater);
  let low = -Infinity; // value > 0 here
  let high = Infinity; // value < 0 here
  for (let iteration = 0; iteration < 200; iteration++) {
    let value = -owed;
    let slope = 0;
    for (let i = 0; i < count; i++) {
      const t = times[i]!;
      if (t <= 0) continue;
      const discounted = amounts[i]! * Math.exp(-s * t);
      value += discounted;
      slope -= discounted * t;
    }
    if (!Number.isFinite(value)) {
      // Far too low a rate for the exponent: move towards the known side.
      low = s;
      s = Number.isFinite(high) ? (s + high) / 2 : s + 1;
      continue;
    }
    if (value === 0) return s;
    if (value > 0) low = s;
    else high = s;
    let next = s - value / slope;
    if (!(next > low && next < high)) {
      if (Number.isFinite(low) && Number.isFinite(high)) next = (low + high) / 2;
      else next = value > 0 ? s + Math.max(1, Math.abs(s)) : s - Math.max(1, Math.abs(s));
    }
    if (Math.abs(next - s) <= 1e-15 * Math.max(1, Math.abs(s))) return next;
    s = next;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The same figure without dates, for the common case.

/**
 * `annualisedCostOfCredit(terms.disbursedFen, terms.disbursedOn, buildSchedule(terms) as payments)`
 * computed from the amounts alone when the schedule is regular — a term in months whose first
 * payment falls on the same day of the month as the disbursement, a whole number of periods after
 * it (so every payment is on a whole-month anniversary, both clamped to month end alike) — which is
 * how most loans are written. The payments are then at whole months m₀ + k·p, the period is
 * gcd(m₀, p) months, and the IRR is solved on those integer periods exactly as the general path
 * does (same amounts, same times, same iteration), so the two agree to the last bit; a property test
 * holds them to it. Returns undefined when the schedule is not regular or a term is unusual (the
 * caller then takes the general path), null when there is no rate, and throws RangeError as
 * buildSchedule does on malformed terms.
 */
export function annualisedCostOfRegularSchedule(terms: LoanTerms): number | null | undefined {
  if (terms.periodDays !== undefined && terms.periodDays !== null) return undefined;
  const periodMonths = terms.periodMonths;
  if (typeof periodMonths !== 'number' || !Number.isSafeInteger(periodMonths) || periodMonths < 1 || periodMonths > MAX_PERIOD_MONTHS) return undefined;
  if (!parseDate(terms.disbursedOn)) return undefined;
  const startMonthIndex = parsedYear * 12 + parsedMonth - 1;
  const startDay = parsedDay;
  if (!parseDate(terms.firstDueOn) || parsedDay !== startDay) return undefined;
  const firstMonths = parsedYear * 12 + parsedMonth - 1 - startMonthIndex;
  if (firstMonths < 1 || firstMonths % periodMonths !== 0) return undefined;
  try {
    prepareTerms(terms);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  const n = termInstallments;
  scheduleAmounts(terms.method);
  if (times.length < n) {
    times = new Float64Array(Math.max(n, times.length * 2));
    amounts = new Float64Array(times.length);
    monthOffsets = new Float64Array(times.length);
  }
  const period = n === 1 ? firstMonths : greatestCommonDivisor(periodMonths, firstMonths);
  let paidLater = 0;
  for (let k = 0; k < n; k++) {
    const amount = principalParts[k]! + interestParts[k]! + (k === n - 1 ? termFee + termEndFees : termFee);
    // The general path refuses what is not a whole number of fen ≥ 0 (overflow): so does this one.
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`payments[${k}].amountFen must be a whole number of fen ≥ 0, got ${amount}`);
    amounts[k] = amount;
    times[k] = (firstMonths + k * periodMonths) / period;
    paidLater += amount;
  }
  if (paidLater <= 0) return null;
  const logRate = solveLogRate(terms.disbursedFen, paidLater, n);
  return compounded(Math.expm1(logRate), 12 / period);
}
