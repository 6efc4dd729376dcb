import { describe, expect, it } from 'vitest';
import { compareWithThresholds } from './loan-cost.service.js';

const LIMITS = new Map([
  ['cash_loan_cost_cap', 0.36],
  ['internet_consumer_window', 0.24],
]);
const above = (simple: number, compound: number) => Object.fromEntries(compareWithThresholds({ simple, compound }, LIMITS).map((t) => [t.id, t.above]));

describe('regulatory limits on the cost of a loan', () => {
  // Circular 141 (2017): the comprehensive annualised cost "at most 36%", compared on the compound (IRR) figure.
  it('keeps a compound cost of exactly 36% within the cap and one a hair above it over, whatever the simple figure', () => {
    expect(above(0.3, 0.36).cash_loan_cost_cap).toBe(false);
    expect(above(0.3, 0.36 + 1e-9).cash_loan_cost_cap).toBe(true);
    expect(above(0.5, 0.35).cash_loan_cost_cap).toBe(false);
  });

  it('compares the 24% line with the compound figure, as its rule does, equal being within it', () => {
    expect(above(0.3, 0.24).internet_consumer_window).toBe(false);
    expect(above(0.2, 0.24 + 1e-9).internet_consumer_window).toBe(true);
  });

  it('leaves out a threshold whose rule is not in force', () => {
    expect(compareWithThresholds({ simple: 0.5, compound: 0.5 }, new Map([['cash_loan_cost_cap', 0.3]])).map((t) => [t.id, t.limit, t.above])).toEqual([['cash_loan_cost_cap', 0.3, true]]);
  });

  it('says nothing is above when no rate equates the cash flows', () => {
    expect(compareWithThresholds(null, LIMITS).map((t) => [t.rate, t.above])).toEqual([
      [null, null],
      [null, null],
    ]);
  });
});
