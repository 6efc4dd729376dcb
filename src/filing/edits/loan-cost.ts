/**
 * The comprehensive annualised cost of a filed loan: the exact figure from the standard's
 * cost-of-credit module, and a cheap screen that lets the validator skip the exact computation for
 * the great majority of loans that are nowhere near the limit.
 */
import { annualisedCostOfCredit, annualisedCostOfRegularSchedule, buildSchedule, type LoanTerms, type RepaymentMethod } from '../../standard/cost-of-credit.js';
import type { NormalizedRecord } from './types.js';

/** The cost-of-credit terms a normalized loan record carries, or null when a term is missing. */
export function loanTermsOf(record: NormalizedRecord): LoanTerms | null {
  const principalFen = record.principal_fen;
  const disbursedFen = record.disbursed_fen;
  const disbursedOn = record.disbursement_date;
  const firstDueOn = record.first_due_date;
  const installments = record.installments;
  const periodMonths = record.period_months;
  const periodDays = record.period_days;
  const nominalAnnualRate = record.nominal_annual_rate;
  const method = record.repayment_method;
  const fee = record.fee_per_installment_fen;
  if (
    typeof principalFen !== 'number' ||
    typeof disbursedFen !== 'number' ||
    typeof disbursedOn !== 'string' ||
    typeof firstDueOn !== 'string' ||
    typeof installments !== 'number' ||
    // Exactly one of the two (edit V030); with neither or both there is no schedule to model.
    (typeof periodMonths === 'number') === (typeof periodDays === 'number') ||
    typeof nominalAnnualRate !== 'number' ||
    typeof method !== 'string' ||
    typeof fee !== 'number'
  ) {
    return null;
  }
  const other = record.other_fees_fen;
  return {
    principalFen,
    disbursedFen,
    disbursedOn,
    firstDueOn,
    installments,
    ...(typeof periodMonths === 'number' ? { periodMonths } : { periodDays: periodDays as number }),
    nominalAnnualRate,
    method: method as RepaymentMethod,
    feePerInstallmentFen: fee,
    ...(typeof other === 'number' && other > 0 ? { otherFeesAtEndFen: other } : {}),
  };
}

/**
 * The comprehensive annualised cost of a loan (IRR of the amount disbursed against every scheduled
 * payment, fees included), or null when it cannot be computed — including terms that pass every
 * edit yet overflow exact arithmetic (a schedule whose amounts exceed 2⁵³ fen).
 */
export function annualisedCostOfTerms(terms: LoanTerms): number | null {
  try {
    // Most loans pay on the disbursement's day of the month: the same figure from amounts alone.
    const regular = annualisedCostOfRegularSchedule(terms);
    if (regular !== undefined) return regular;
    const schedule = buildSchedule(terms);
    const payments = new Array<{ dueOn: string; amountFen: number }>(schedule.length);
    for (let i = 0; i < schedule.length; i++) payments[i] = { dueOn: schedule[i]!.dueOn, amountFen: schedule[i]!.totalFen };
    return annualisedCostOfCredit(terms.disbursedFen, terms.disbursedOn, payments);
  } catch (error) {
    // The cost-of-credit module throws RangeError on figures it cannot represent; anything else is a bug.
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** The comprehensive annualised cost of a normalized loan record, or null. */
export function annualisedCostOfLoan(record: NormalizedRecord): number | null {
  const terms = loanTermsOf(record);
  return terms ? annualisedCostOfTerms(terms) : null;
}

export const METHOD_EQUAL_INSTALLMENT = 0;
export const METHOD_EQUAL_PRINCIPAL = 1;
export const METHOD_INTEREST_FIRST = 2;
export const METHOD_BULLET = 3;
export const METHOD_FLAT_RATE = 4;

/**
 * Added to every payment of the approximate schedule: the real one rounds each amount to the fen,
 * which on a loan of a few yuan moves the cost by whole points.
 */
const ROUNDING_FEN = 1;

/** The margin below the limit within which the screen hands a loan to the exact computation. */
export const SCREEN_MARGIN = 0.03;

// The discount rate and per-period discount factors of the last limit screened against.
let screenLimit = NaN;
let screenLogRate = 0;
const screenSteps = new Float64Array(121);

/**
 * False only when the loan's annualised cost is certainly below `limit`: the net present value of
 * an approximate schedule (no rounding, months as twelfths of a year) at the effective annual rate
 * `limit − SCREEN_MARGIN` is negative. Effective annual compounding gives the highest figure of all
 * annualisation conventions for the same cash flows, and the margin covers the approximation, so a
 * loan the screen lets through is computed exactly and one it stops is below the limit under any
 * convention (a property test compares the two). Allocation-free: it runs once per loan row. For
 * terms in months only: a loan with a term in days is always computed exactly.
 */
export function mayExceedCost(
  principalFen: number,
  disbursedFen: number,
  disbursementDay: number,
  firstDueDay: number,
  installments: number,
  periodMonths: number,
  nominalAnnualRate: number,
  method: number,
  feePerInstallmentFen: number,
  otherFeesFen: number,
  limit: number,
): boolean {
  if (limit !== screenLimit) {
    screenLimit = limit;
    screenLogRate = Math.log1p(limit - SCREEN_MARGIN);
    screenSteps.fill(0);
  }
  const logRate = screenLogRate;
  let step = periodMonths < screenSteps.length ? screenSteps[periodMonths]! : 0;
  if (step === 0) {
    step = Math.exp(-(periodMonths / 12) * logRate);
    if (periodMonths < screenSteps.length) screenSteps[periodMonths] = step;
  }
  const present = schedulePresentValue(principalFen, firstDueDay - disbursementDay, installments, periodMonths, nominalAnnualRate, method, feePerInstallmentFen, otherFeesFen, logRate, step, step < 1);
  // Not a number (an overflow on absurd terms) also goes to the exact computation.
  return !(present < disbursedFen);
}

/**
 * The present value, at the continuously compounded annual rate `logRate` (per-period discount
 * factor `step`), of the approximate schedule the screen uses: in closed form (geometric series)
 * when `closedForm`, else by walking the payments one by one. Exported so a test can hold the two
 * to each other.
 */
export function schedulePresentValue(
  principalFen: number,
  firstPeriodDays: number,
  installments: number,
  periodMonths: number,
  nominalAnnualRate: number,
  method: number,
  feePerInstallmentFen: number,
  otherFeesFen: number,
  logRate: number,
  step: number,
  closedForm: boolean,
): number {
  const periodic = (nominalAnnualRate * periodMonths) / 12;
  // The first period may be longer than one period: its whole months at the period rate and its
  // other days at rate / 365. Every month has at least 28 days, so days / (12 × 28) of the annual
  // rate is never less; and never less than one period either.
  const firstPeriodic = Math.max(periodic, (nominalAnnualRate * firstPeriodDays) / 336);
  const n = installments;
  let discount = Math.exp((-Math.max(firstPeriodDays, 1) / 365) * logRate);
  let annuity = 0;
  if (method === METHOD_EQUAL_INSTALLMENT) {
    // expm1/log1p keep the denominator exact for rates too small to change 1 + rate.
    annuity = periodic === 0 ? principalFen / n : (principalFen * periodic) / -Math.expm1(-n * Math.log1p(periodic));
  }
  if (closedForm) {
    // The payments are geometric series in the per-period discount factor, plus the first
    // period's extra interest and the fees at the end.
    const stepN = Math.pow(step, n);
    const series = (1 - stepN) / (1 - step);
    const lastDiscount = (discount * stepN) / step;
    const firstExtra = principalFen * (firstPeriodic - periodic) * discount;
    const fee = feePerInstallmentFen + ROUNDING_FEN;
    if (method === METHOD_EQUAL_INSTALLMENT) {
      return (annuity + fee) * discount * series + firstExtra + otherFeesFen * lastDiscount;
    }
    if (method === METHOD_EQUAL_PRINCIPAL) {
      // Σ (n − j) stepʲ for j < n: the declining balance on which interest is charged.
      const declining = (n - (n + 1) * step + stepN * step) / ((1 - step) * (1 - step));
      return discount * ((principalFen / n + fee) * series + periodic * (principalFen / n) * declining) + firstExtra + otherFeesFen * lastDiscount;
    }
    if (method === METHOD_INTEREST_FIRST) {
      return (principalFen * periodic + fee) * discount * series + firstExtra + (principalFen + otherFeesFen) * lastDiscount;
    }
    if (method === METHOD_FLAT_RATE) {
      return (principalFen / n + principalFen * periodic + fee) * discount * series + firstExtra + otherFeesFen * lastDiscount;
    }
    return fee * discount * series + (principalFen * (1 + firstPeriodic + periodic * (n - 1)) + otherFeesFen) * lastDiscount;
  }
  let value = 0;
  let balance = principalFen;
  for (let i = 1; i <= n; i++) {
    const last = i === n;
    let interest: number;
    let principalPart: number;
    if (method === METHOD_BULLET) {
      // All interest and the principal at maturity; fees, if any, every period.
      interest = last ? principalFen * (firstPeriodic + periodic * (n - 1)) : 0;
      principalPart = last ? balance : 0;
    } else if (method === METHOD_INTEREST_FIRST) {
      interest = principalFen * (i === 1 ? firstPeriodic : periodic);
      principalPart = last ? balance : 0;
    } else if (method === METHOD_FLAT_RATE) {
      interest = principalFen * (i === 1 ? firstPeriodic : periodic);
      principalPart = last ? balance : principalFen / n;
    } else {
      interest = balance * (i === 1 ? firstPeriodic : periodic);
      if (last) principalPart = balance;
      else if (method === METHOD_EQUAL_PRINCIPAL) principalPart = principalFen / n;
      else principalPart = Math.min(balance, Math.max(0, annuity - balance * periodic));
    }
    balance -= principalPart;
    let flow = principalPart + interest + feePerInstallmentFen + ROUNDING_FEN;
    if (last) flow += otherFeesFen;
    value += flow * discount;
    discount *= step;
  }
  return value;
}
