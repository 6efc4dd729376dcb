/**
 * The comprehensive annualised cost of a filed loan, from the standard's cost-of-credit module:
 * computed for every loan as it is loaded (filed_loan.annualised_cost), where the rulebook's cost
 * caps read it.
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
