import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addMonths, annualisedCostOfCredit, annualisedCostOfRegularSchedule, buildSchedule, costOfCreditDetail, type LoanTerms, type RepaymentMethod } from './cost-of-credit.js';

// ---- Independent arithmetic for the checks: Date.UTC day counts and plain bisection on the NPV.

const MS_PER_DAY = 86_400_000;

function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / MS_PER_DAY);
}

/** Net present value of the flows at `rate` per unit of time: −disbursed at 0, +amount at time t. */
function npv(rate: number, disbursed: number, flows: { t: number; amount: number }[]): number {
  let value = -disbursed;
  for (const flow of flows) value += flow.amount / Math.pow(1 + rate, flow.t);
  return value;
}

/** The rate where the NPV crosses zero, by bisection between −0.99 and 10 per unit of time. */
function bisectRate(disbursed: number, flows: { t: number; amount: number }[]): number {
  let low = -0.99;
  let high = 10;
  for (let i = 0; i < 300; i++) {
    const middle = (low + high) / 2;
    if (npv(middle, disbursed, flows) > 0) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Monthly flows: time in months since disbursement, counted by calendar month. */
function monthlyFlows(disbursedOn: string, payments: { dueOn: string; amountFen: number }[]): { t: number; amount: number }[] {
  const [sy, sm] = disbursedOn.split('-').map(Number) as [number, number];
  return payments.map((p) => {
    const [y, m] = p.dueOn.split('-').map(Number) as [number, number];
    return { t: (y - sy) * 12 + (m - sm), amount: p.amountFen };
  });
}

function dailyFlows(disbursedOn: string, payments: { dueOn: string; amountFen: number }[]): { t: number; amount: number }[] {
  return payments.map((p) => ({ t: daysBetween(disbursedOn, p.dueOn), amount: p.amountFen }));
}

const paymentsOf = (schedule: { dueOn: string; totalFen: number }[]) => schedule.map((p) => ({ dueOn: p.dueOn, amountFen: p.totalFen }));

function terms(overrides: Partial<LoanTerms> = {}): LoanTerms {
  return {
    principalFen: 1_000_000,
    disbursedFen: 1_000_000,
    disbursedOn: '2021-01-15',
    firstDueOn: '2021-02-15',
    installments: 12,
    periodMonths: 1,
    nominalAnnualRate: 0.128,
    method: 'equal_installment',
    feePerInstallmentFen: 0,
    ...overrides,
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('addMonths', () => {
  it('adds months and clamps to the end of a shorter month, always from the given date', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2023-01-31', 2)).toBe('2023-03-31');
    expect(addMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(addMonths('2024-03-15', -3)).toBe('2023-12-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-05-10', 0)).toBe('2024-05-10');
  });

  it('refuses a date that does not exist', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-4-01', '20240401', '2024-04-31', '']) {
      expect(() => addMonths(bad, 1)).toThrow(RangeError);
    }
    expect(() => addMonths('2024-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('buildSchedule', () => {
  it('equal installment (等额本息): level payments, interest on the declining balance, principal exact', () => {
    const schedule = buildSchedule(terms());
    expect(schedule).toHaveLength(12);
    // 10,000 yuan at 12.80%: 892.23 yuan a month (annuity formula, rounded to the fen).
    const r = 0.128 / 12;
    const level = Math.round((1_000_000 * r) / (1 - Math.pow(1 + r, -12)));
    expect(level).toBe(89_223);
    for (const payment of schedule.slice(0, 11)) expect(payment.totalFen).toBe(level);
    expect(Math.abs(schedule[11]!.totalFen - level)).toBeLessThanOrEqual(12);
    expect(schedule[0]).toEqual({ dueOn: '2021-02-15', principalFen: 89_223 - 10_667, interestFen: 10_667, feeFen: 0, totalFen: 89_223 });
    expect(sum(schedule.map((p) => p.principalFen))).toBe(1_000_000);
    for (let k = 1; k < 12; k++) expect(schedule[k]!.interestFen).toBeLessThan(schedule[k - 1]!.interestFen);
    expect(schedule.map((p) => p.dueOn).at(-1)).toBe('2022-01-15');
  });

  it('equal principal (等额本金): equal principal, the remainder on the last installment', () => {
    const schedule = buildSchedule(terms({ principalFen: 1_000_001, installments: 3, nominalAnnualRate: 0.12, method: 'equal_principal' }));
    expect(schedule.map((p) => p.principalFen)).toEqual([333_333, 333_333, 333_335]);
    expect(schedule.map((p) => p.interestFen)).toEqual([10_000, 6_667, 3_333]);
    expect(schedule.map((p) => p.totalFen)).toEqual([343_333, 340_000, 336_668]);
  });

  it('interest first (先息后本): interest every installment, all principal with the last', () => {
    const schedule = buildSchedule(terms({ installments: 6, nominalAnnualRate: 0.18, method: 'interest_first' }));
    expect(schedule.map((p) => p.interestFen)).toEqual([15_000, 15_000, 15_000, 15_000, 15_000, 15_000]);
    expect(schedule.map((p) => p.principalFen)).toEqual([0, 0, 0, 0, 0, 1_000_000]);
  });

  it('bullet (到期一次还本付息): simple interest for the whole term with the principal at the end', () => {
    const yearly = buildSchedule(terms({ installments: 1, periodMonths: 12, firstDueOn: '2022-01-15', nominalAnnualRate: 0.1, method: 'bullet' }));
    expect(yearly).toEqual([{ dueOn: '2022-01-15', principalFen: 1_000_000, interestFen: 100_000, feeFen: 0, totalFen: 1_100_000 }]);
    const monthly = buildSchedule(terms({ installments: 3, nominalAnnualRate: 0.12, method: 'bullet', feePerInstallmentFen: 500 }));
    expect(monthly.map((p) => [p.principalFen, p.interestFen, p.feeFen])).toEqual([
      [0, 0, 500],
      [0, 0, 500],
      [1_000_000, 30_000, 500],
    ]);
  });

  it('puts the fee on every installment and the fees at the end on the last', () => {
    const schedule = buildSchedule(terms({ installments: 3, feePerInstallmentFen: 1_500, otherFeesAtEndFen: 20_000 }));
    expect(schedule.map((p) => p.feeFen)).toEqual([1_500, 1_500, 21_500]);
    for (const p of schedule) expect(p.totalFen).toBe(p.principalFen + p.interestFen + p.feeFen);
  });

  it('spreads a zero-rate loan evenly with the rounding remainder on the last installment', () => {
    const schedule = buildSchedule(terms({ principalFen: 1_000, installments: 3, nominalAnnualRate: 0 }));
    expect(schedule.map((p) => p.principalFen)).toEqual([333, 333, 334]);
    expect(schedule.map((p) => p.interestFen)).toEqual([0, 0, 0]);
  });

  it('counts due dates from the first due date, clamped to month end, every periodMonths', () => {
    expect(buildSchedule(terms({ firstDueOn: '2024-01-31', disbursedOn: '2023-12-31', installments: 4 })).map((p) => p.dueOn)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    expect(buildSchedule(terms({ firstDueOn: '2024-11-30', disbursedOn: '2024-08-30', installments: 3, periodMonths: 3 })).map((p) => p.dueOn)).toEqual([
      '2024-11-30',
      '2025-02-28',
      '2025-05-30',
    ]);
  });

  it('refuses terms out of range, naming the field', () => {
    const cases: [Partial<LoanTerms>, string][] = [
      [{ principalFen: 0 }, 'principalFen'],
      [{ principalFen: 100.5 }, 'principalFen'],
      [{ disbursedFen: -1 }, 'disbursedFen'],
      [{ installments: 0 }, 'installments'],
      [{ installments: 1201 }, 'installments'],
      [{ periodMonths: 0 }, 'periodMonths'],
      [{ nominalAnnualRate: -0.01 }, 'nominalAnnualRate'],
      [{ nominalAnnualRate: Number.NaN }, 'nominalAnnualRate'],
      [{ feePerInstallmentFen: -5 }, 'feePerInstallmentFen'],
      [{ otherFeesAtEndFen: 1.5 }, 'otherFeesAtEndFen'],
      [{ disbursedOn: '2021-02-30' }, 'disbursedOn'],
      [{ firstDueOn: 'soon' }, 'firstDueOn'],
      [{ firstDueOn: '2021-01-15' }, 'firstDueOn'],
      [{ method: 'balloon' as RepaymentMethod }, 'method'],
    ];
    for (const [override, field] of cases) {
      expect(() => buildSchedule(terms(override))).toThrow(RangeError);
      expect(() => buildSchedule(terms(override))).toThrow(field);
    }
  });

  it('always repays exactly the principal, with no negative part, on increasing dates', () => {
    fc.assert(
      fc.property(
        fc.record({
          principalFen: fc.integer({ min: 1, max: 10_000_000_000 }),
          installments: fc.integer({ min: 1, max: 360 }),
          periodMonths: fc.integer({ min: 1, max: 12 }),
          nominalAnnualRate: fc.double({ min: 0, max: 2, noNaN: true }),
          method: fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal', 'interest_first', 'bullet', 'flat_rate'),
          feePerInstallmentFen: fc.integer({ min: 0, max: 100_000 }),
          firstDay: fc.integer({ min: 2, max: 28 }),
        }),
        (t) => {
          const { firstDay, ...rest } = t;
          const firstDueOn = `2024-02-${String(firstDay).padStart(2, '0')}`;
          const schedule = buildSchedule({ ...terms(), ...rest, disbursedFen: t.principalFen, disbursedOn: '2024-01-01', firstDueOn });
          expect(schedule).toHaveLength(t.installments);
          expect(sum(schedule.map((p) => p.principalFen))).toBe(t.principalFen);
          for (let k = 0; k < schedule.length; k++) {
            const p = schedule[k]!;
            expect(p.principalFen).toBeGreaterThanOrEqual(0);
            expect(p.interestFen).toBeGreaterThanOrEqual(0);
            expect(p.totalFen).toBe(p.principalFen + p.interestFen + p.feeFen);
            if (k > 0) expect(p.dueOn > schedule[k - 1]!.dueOn).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** What the announcement calls the IRR annual rate: the period rate compounded over a year. */
const compound = (rate: number, periodsPerYear: number) => Math.pow(1 + rate, periodsPerYear) - 1;

describe('annualisedCostOfCredit', () => {
  it("PBOC Announcement [2021] No.3 worked example: 10,000 yuan, 12 equal monthly installments at 12.80% → 12.80% simple, 13.58% IRR", () => {
    const schedule = buildSchedule(terms());
    const payments = paymentsOf(schedule);
    const monthlyRate = bisectRate(1_000_000, monthlyFlows('2021-01-15', payments));
    const cost = annualisedCostOfCredit(1_000_000, '2021-01-15', payments)!;
    expect(cost).toBeCloseTo(Math.pow(1 + monthlyRate, 12) - 1, 9);
    expect((monthlyRate * 12 * 100).toFixed(2)).toBe('12.80');
    expect((cost * 100).toFixed(2)).toBe('13.58');
    const detail = costOfCreditDetail(1_000_000, '2021-01-15', payments)!;
    expect(detail).toMatchObject({ basis: 'months', periodMonths: 1, periodDays: null, periodsPerYear: 12, annualRate: cost });
    expect((detail.simpleAnnualRate * 100).toFixed(2)).toBe('12.80');
    expect(detail.effectiveAnnualRate).toBeCloseTo(Math.pow(1 + monthlyRate, 12) - 1, 9);
    expect((detail.effectiveAnnualRate * 100).toFixed(2)).toBe('13.58');
  });

  it('shows the cost that 12.80% "add-on" interest on the full principal hides (12 × 940 yuan: 22.8% simple, 25.4% IRR)', () => {
    const payments = Array.from({ length: 12 }, (_, k) => ({ dueOn: addMonths('2021-01-15', k + 1), amountFen: 94_000 }));
    const monthly = bisectRate(1_000_000, monthlyFlows('2021-01-15', payments));
    const cost = annualisedCostOfCredit(1_000_000, '2021-01-15', payments)!;
    expect(cost).toBeCloseTo(compound(monthly, 12), 9);
    expect(monthly * 12).toBeGreaterThan(0.22);
    expect(cost).toBeGreaterThan(0.25);
    expect(cost).toBeLessThan(0.26);
  });

  it('counts interest deducted in advance (砍头息): 8,800 received on a 10,000 schedule costs far more than the nominal rate', () => {
    const schedule = buildSchedule(terms({ disbursedFen: 880_000, nominalAnnualRate: 0.1 }));
    const payments = paymentsOf(schedule);
    const cost = annualisedCostOfCredit(880_000, '2021-01-15', payments)!;
    const expected = compound(bisectRate(880_000, monthlyFlows('2021-01-15', payments)), 12);
    expect(cost).toBeCloseTo(expected, 9);
    expect(cost).toBeGreaterThan(0.36);
    // The same schedule on the full 10,000 costs the nominal rate, compounded monthly.
    expect(annualisedCostOfCredit(1_000_000, '2021-01-15', payments)!).toBeCloseTo(compound(0.1 / 12, 12), 4);
  });

  it('finds the cost of a zero-interest loan with fees', () => {
    const schedule = buildSchedule(terms({ nominalAnnualRate: 0, feePerInstallmentFen: 6_000 }));
    const payments = paymentsOf(schedule);
    expect(sum(schedule.map((p) => p.interestFen))).toBe(0);
    const cost = annualisedCostOfCredit(1_000_000, '2021-01-15', payments)!;
    expect(cost).toBeCloseTo(compound(bisectRate(1_000_000, monthlyFlows('2021-01-15', payments)), 12), 9);
    expect(cost).toBeGreaterThan(0.12);
  });

  it('is exact for one installment: a month at 1% is 1.01^12 − 1, a year at 10% is 10%', () => {
    expect(annualisedCostOfCredit(1_000_000, '2024-01-31', [{ dueOn: '2024-02-29', amountFen: 1_010_000 }])).toBeCloseTo(compound(0.01, 12), 12);
    const yearly = costOfCreditDetail(1_000_000, '2024-03-01', [{ dueOn: '2025-03-01', amountFen: 1_100_000 }])!;
    expect(yearly).toMatchObject({ basis: 'months', periodMonths: 12 });
    expect(yearly.annualRate).toBeCloseTo(0.1, 12);
  });

  it('annualises a quarterly schedule by quarters', () => {
    const schedule = buildSchedule(terms({ firstDueOn: '2021-04-15', periodMonths: 3, installments: 4, nominalAnnualRate: 0.16 }));
    const payments = paymentsOf(schedule);
    const detail = costOfCreditDetail(1_000_000, '2021-01-15', payments)!;
    expect(detail).toMatchObject({ basis: 'months', periodMonths: 3 });
    const quarterly = bisectRate(1_000_000, monthlyFlows('2021-01-15', payments).map((f) => ({ t: f.t / 3, amount: f.amount })));
    expect(detail.annualRate).toBeCloseTo(compound(quarterly, 4), 9);
    expect(detail.simpleAnnualRate).toBeCloseTo(0.16, 4);
  });

  it('treats month-end anniversaries as regular periods', () => {
    const payments = ['2023-02-28', '2023-03-31', '2023-04-30'].map((dueOn) => ({ dueOn, amountFen: 34_000 }));
    expect(costOfCreditDetail(100_000, '2023-01-31', payments)).toMatchObject({ basis: 'months', periodMonths: 1 });
  });

  it('compounds the daily rate over 365 days when payments are not on monthly anniversaries', () => {
    const schedule = buildSchedule(terms({ disbursedOn: '2024-01-20', firstDueOn: '2024-02-25', nominalAnnualRate: 0.18, feePerInstallmentFen: 500 }));
    const payments = paymentsOf(schedule);
    const detail = costOfCreditDetail(1_000_000, '2024-01-20', payments)!;
    expect(detail).toMatchObject({ basis: 'days', periodMonths: null, periodDays: 1, periodsPerYear: 365 });
    const daily = bisectRate(1_000_000, dailyFlows('2024-01-20', payments));
    expect(detail.annualRate).toBeCloseTo(compound(daily, 365), 9);
    expect(detail.simpleAnnualRate).toBeCloseTo(daily * 365, 9);
    expect(annualisedCostOfCredit(1_000_000, '2024-01-20', payments)).toBe(detail.annualRate);
  });

  it('takes payments in any order and split payments on one day like one payment', () => {
    const payments = paymentsOf(buildSchedule(terms({ disbursedOn: '2024-01-20', firstDueOn: '2024-02-25' })));
    const cost = annualisedCostOfCredit(1_000_000, '2024-01-20', payments)!;
    expect(annualisedCostOfCredit(1_000_000, '2024-01-20', [...payments].reverse())).toBeCloseTo(cost, 12);
    const split = payments.flatMap((p) => [
      { dueOn: p.dueOn, amountFen: Math.floor(p.amountFen / 2) },
      { dueOn: p.dueOn, amountFen: p.amountFen - Math.floor(p.amountFen / 2) },
    ]);
    expect(annualisedCostOfCredit(1_000_000, '2024-01-20', split)).toBeCloseTo(cost, 12);
  });

  it('returns a negative cost when less is repaid than was received', () => {
    const payments = [1, 2, 3, 4].map((k) => ({ dueOn: addMonths('2024-01-10', k), amountFen: 240_000 }));
    const cost = annualisedCostOfCredit(1_000_000, '2024-01-10', payments)!;
    expect(cost).toBeLessThan(0);
    expect(cost).toBeCloseTo(compound(bisectRate(1_000_000, monthlyFlows('2024-01-10', payments)), 12), 9);
  });

  it('counts a fee paid on the disbursement day as money not received, or returns null when no rate exists', () => {
    const later = [{ dueOn: '2024-02-10', amountFen: 1_000_000 }];
    // 5% taken on day 0, the full amount back a month later: 1,000,000 / 950,000 − 1 a month.
    expect(annualisedCostOfCredit(1_000_000, '2024-01-10', [{ dueOn: '2024-01-10', amountFen: 50_000 }, ...later])).toBeCloseTo(compound(1_000_000 / 950_000 - 1, 12), 12);
    expect(annualisedCostOfCredit(1_000_000, '2024-01-10', [{ dueOn: '2024-01-10', amountFen: 1_000_000 }, ...later])).toBeNull();
    expect(annualisedCostOfCredit(1_000_000, '2024-01-10', [{ dueOn: '2024-01-10', amountFen: 1_010_000 }])).toBeNull();
    expect(annualisedCostOfCredit(1_000_000, '2024-01-10', [{ dueOn: '2024-03-10', amountFen: 0 }])).toBeNull();
  });

  it('never returns NaN or Infinity, even for extreme flows', () => {
    expect(annualisedCostOfCredit(1, '2024-01-10', [{ dueOn: '2054-01-10', amountFen: 1_000_000_000_000 }])).toSatisfy(Number.isFinite);
    expect(annualisedCostOfCredit(1_000_000_000_000, '2024-01-10', [{ dueOn: '2024-01-11', amountFen: 1 }])).toSatisfy(Number.isFinite);
    expect(annualisedCostOfCredit(100, '2024-01-10', [{ dueOn: '2024-01-11', amountFen: 1_000_000_000 }])).toSatisfy(Number.isFinite);
  });

  it('refuses malformed input, naming the argument', () => {
    const ok = [{ dueOn: '2024-02-10', amountFen: 100 }];
    expect(() => annualisedCostOfCredit(0, '2024-01-10', ok)).toThrow(/disbursedFen/);
    expect(() => annualisedCostOfCredit(10.5, '2024-01-10', ok)).toThrow(/disbursedFen/);
    expect(() => annualisedCostOfCredit(100, '2024-02-30', ok)).toThrow(/disbursedOn/);
    expect(() => annualisedCostOfCredit(100, '2024-01-10', [])).toThrow(/payments/);
    expect(() => annualisedCostOfCredit(100, '2024-01-10', [{ dueOn: '2024-01-09', amountFen: 100 }])).toThrow(/payments\[0\]\.dueOn/);
    expect(() => annualisedCostOfCredit(100, '2024-01-10', [...ok, { dueOn: '2024/03/10', amountFen: 100 }])).toThrow(/payments\[1\]\.dueOn/);
    expect(() => annualisedCostOfCredit(100, '2024-01-10', [{ dueOn: '2024-02-10', amountFen: -1 }])).toThrow(/payments\[0\]\.amountFen/);
    expect(() => annualisedCostOfCredit(100, '2024-01-10', [{ dueOn: '2024-02-10', amountFen: 1.5 }])).toThrow(RangeError);
  });

  const loanArbitrary = fc.record({
    principalFen: fc.integer({ min: 10_000, max: 100_000_000 }),
    deductedPermille: fc.integer({ min: 0, max: 300 }),
    installments: fc.integer({ min: 1, max: 36 }),
    nominalAnnualRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
    method: fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal', 'interest_first', 'bullet', 'flat_rate'),
    feePerInstallmentFen: fc.integer({ min: 0, max: 50_000 }),
    irregularDays: fc.integer({ min: 0, max: 20 }),
  });

  function loan(l: { principalFen: number; deductedPermille: number; installments: number; nominalAnnualRate: number; method: RepaymentMethod; feePerInstallmentFen: number; irregularDays: number }): LoanTerms {
    const disbursedOn = '2024-03-05';
    const firstDue = addMonths(disbursedOn, 1);
    const firstDueOn = l.irregularDays === 0 ? firstDue : `2024-04-${String(5 + l.irregularDays).padStart(2, '0')}`;
    return terms({
      principalFen: l.principalFen,
      disbursedFen: l.principalFen - Math.floor((l.principalFen * l.deductedPermille) / 1000),
      disbursedOn,
      firstDueOn,
      installments: l.installments,
      nominalAnnualRate: l.nominalAnnualRate,
      method: l.method,
      feePerInstallmentFen: l.feePerInstallmentFen,
    });
  }

  it('property: the net present value at the returned rate is zero', () => {
    fc.assert(
      fc.property(loanArbitrary, (l) => {
        const t = loan(l);
        const payments = paymentsOf(buildSchedule(t));
        const detail = costOfCreditDetail(t.disbursedFen, t.disbursedOn, payments);
        expect(detail).not.toBeNull();
        const flows =
          detail!.basis === 'days'
            ? dailyFlows(t.disbursedOn, payments).map((f) => ({ t: f.t / detail!.periodDays!, amount: f.amount }))
            : monthlyFlows(t.disbursedOn, payments).map((f) => ({ t: f.t / detail!.periodMonths!, amount: f.amount }));
        expect(detail!.basis === 'days').toBe(l.irregularDays !== 0);
        expect(Math.abs(npv(detail!.periodRate, t.disbursedFen, flows))).toBeLessThan(t.disbursedFen * 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it('property: a higher fee never lowers the cost', () => {
    fc.assert(
      fc.property(loanArbitrary, fc.integer({ min: 1, max: 100_000 }), (l, extraFee) => {
        const t = loan(l);
        const cost = annualisedCostOfCredit(t.disbursedFen, t.disbursedOn, paymentsOf(buildSchedule(t)))!;
        const dearer = { ...t, feePerInstallmentFen: t.feePerInstallmentFen + extraFee };
        const higher = annualisedCostOfCredit(dearer.disbursedFen, dearer.disbursedOn, paymentsOf(buildSchedule(dearer)))!;
        expect(higher).toBeGreaterThan(cost);
      }),
      { numRuns: 500 },
    );
  });

  it('property: receiving less for the same schedule never lowers the cost', () => {
    fc.assert(
      fc.property(loanArbitrary, fc.integer({ min: 1, max: 1000 }), (l, lessFen) => {
        const t = loan(l);
        const payments = paymentsOf(buildSchedule(t));
        const full = annualisedCostOfCredit(t.disbursedFen, t.disbursedOn, payments)!;
        const less = annualisedCostOfCredit(t.disbursedFen - lessFen, t.disbursedOn, payments)!;
        expect(less).toBeGreaterThan(full);
      }),
      { numRuns: 300 },
    );
  });
});

describe('annualisedCostOfRegularSchedule (amounts only, no dates)', () => {
  const general = (terms: LoanTerms): number | null | 'RangeError' => {
    try {
      return annualisedCostOfCredit(terms.disbursedFen, terms.disbursedOn, buildSchedule(terms).map((p) => ({ dueOn: p.dueOn, amountFen: p.totalFen })));
    } catch (error) {
      if (error instanceof RangeError) return 'RangeError';
      throw error;
    }
  };
  const fast = (terms: LoanTerms): number | null | undefined | 'RangeError' => {
    try {
      return annualisedCostOfRegularSchedule(terms);
    } catch (error) {
      if (error instanceof RangeError) return 'RangeError';
      throw error;
    }
  };
  const date = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

  it('gives exactly the figure of the general path whenever it answers, and answers for every loan paid on the disbursement day of the month', () => {
    fc.assert(
      fc.property(
        fc.record({
          principalFen: fc.integer({ min: 1, max: 10_000_000_000 }),
          deductedShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
          year: fc.integer({ min: 2000, max: 2030 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 31 }),
          firstDay: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 31 })),
          firstMonths: fc.integer({ min: 0, max: 14 }),
          installments: fc.integer({ min: 1, max: 60 }),
          periodMonths: fc.constantFrom(1, 1, 1, 2, 3, 6, 12),
          nominalAnnualRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1, max: 20, noNaN: true })),
          method: fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal', 'interest_first', 'bullet', 'flat_rate'),
          feePerInstallmentFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
          otherFeesAtEndFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 })),
        }),
        (g) => {
          const days = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
          const day = Math.min(g.day, days(g.year, g.month));
          const dueMonthIndex = g.year * 12 + g.month - 1 + g.firstMonths;
          const dueYear = Math.floor(dueMonthIndex / 12);
          const dueMonth = (dueMonthIndex % 12) + 1;
          const dueDay = Math.min(g.firstDay === 0 ? day : g.firstDay, days(dueYear, dueMonth));
          const terms: LoanTerms = {
            principalFen: g.principalFen,
            disbursedFen: Math.max(1, Math.round(g.principalFen * (1 - g.deductedShare))),
            disbursedOn: date(g.year, g.month, day),
            firstDueOn: date(dueYear, dueMonth, dueDay),
            installments: g.installments,
            periodMonths: g.periodMonths,
            nominalAnnualRate: g.nominalAnnualRate,
            method: g.method,
            feePerInstallmentFen: g.feePerInstallmentFen,
            otherFeesAtEndFen: g.otherFeesAtEndFen,
          };
          const answer = fast(terms);
          if (answer !== undefined) expect(answer).toBe(general(terms));
          if (g.firstMonths >= 1 && dueDay === day && g.firstMonths % g.periodMonths === 0) expect(answer).not.toBeUndefined();
          else expect(answer).toBeUndefined();
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('gives the PBOC worked example: 12.80% simple is 13.58% compounded', () => {
    const terms: LoanTerms = { principalFen: 1_000_000, disbursedFen: 1_000_000, disbursedOn: '2021-01-15', firstDueOn: '2021-02-15', installments: 12, periodMonths: 1, nominalAnnualRate: 0.128, method: 'equal_installment', feePerInstallmentFen: 0 };
    expect(annualisedCostOfRegularSchedule(terms)).toBeCloseTo(0.1358, 4);
    expect(annualisedCostOfRegularSchedule(terms)).toBe(general(terms));
  });

  it('leaves a loan whose first payment is on another day of the month to the general path', () => {
    const terms: LoanTerms = { principalFen: 1_000_000, disbursedFen: 1_000_000, disbursedOn: '2021-01-15', firstDueOn: '2021-02-20', installments: 12, periodMonths: 1, nominalAnnualRate: 0.128, method: 'equal_installment', feePerInstallmentFen: 0 };
    expect(annualisedCostOfRegularSchedule(terms)).toBeUndefined();
    // A first period of one month and five days carries five days more interest than a month's:
    // 1,000,000 × (0.128 / 12 + 0.128 × 5 / 365) = 10,666.67 + 1,753.42 = 12,420 fen. The cost then
    // stays at the regular schedule's 13.58% within a few hundredths of a point (daily IRR).
    expect(buildSchedule(terms)[0]!.interestFen).toBe(12_420);
    expect(general(terms)).toBeGreaterThan(0.1350);
    expect(general(terms)).toBeLessThan(0.1370);
  });
});

describe('worked examples, computed by hand', () => {
  it('a flat-rate loan (等本等息): 10,000 yuan over 12 months at 0.5% a month on the original principal → 10.90% simple, 11.46% compound', () => {
    // By hand: each month 10,000 / 12 = 833.33 principal + 10,000 × 0.5% = 50 interest = 883.33 yuan.
    // The monthly IRR i solves 883.33 × (1 − (1 + i)^−12) / i = 10,000, an annuity factor of 11.3208:
    //   i = 0.9%:  1.009^12 = 1.113510, (1 − 1/1.113510) / 0.009 = 11.3267
    //   i = 0.91%: 1.0091^12 = 1.114835, (1 − 1/1.114835) / 0.0091 = 11.3195
    // so i ≈ 0.9% + 0.01% × (11.3267 − 11.3208) / (11.3267 − 11.3195) = 0.9082% a month:
    // simple 12 × 0.9082% = 10.90%; compound 1.009082^12 − 1 = 11.46%.
    const flat = terms({ nominalAnnualRate: 0.06, method: 'flat_rate' });
    const schedule = buildSchedule(flat);
    expect(schedule.map((p) => p.interestFen)).toEqual(new Array(12).fill(5_000));
    expect(schedule.map((p) => p.principalFen)).toEqual([...new Array(11).fill(83_333), 83_337]);
    const detail = costOfCreditDetail(1_000_000, flat.disbursedOn, paymentsOf(schedule))!;
    expect(detail).toMatchObject({ basis: 'months', periodMonths: 1 });
    expect((detail.simpleAnnualRate * 100).toFixed(2)).toBe('10.90');
    expect((detail.effectiveAnnualRate * 100).toFixed(2)).toBe('11.46');
    // Far above the 6% "annual rate" (0.5% × 12) such a loan is often advertised at.
    expect(detail.simpleAnnualRate).toBeGreaterThan(0.06 * 1.8);
  });

  it('the same flat-rate loan with a 300-yuan service fee deducted up front → 16.71% simple, 18.05% compound', () => {
    // By hand: 9,700 yuan received, the same 883.33 a month: annuity factor 9,700 / 883.33 = 10.9811.
    //   i = 1.39%: 1.0139^12 = 1.180161, (1 − 1/1.180161) / 0.0139 = 10.9826
    //   i = 1.40%: 1.014^12  = 1.181559, (1 − 1/1.181559) / 0.014  = 10.9758
    // i ≈ 1.39% + 0.01% × (10.9826 − 10.9811) / (10.9826 − 10.9758) = 1.3922% a month:
    // simple 12 × 1.3922% = 16.71%; compound 1.013922^12 − 1 = 18.05%.
    const flat = terms({ nominalAnnualRate: 0.06, method: 'flat_rate', disbursedFen: 970_000 });
    const detail = costOfCreditDetail(970_000, flat.disbursedOn, paymentsOf(buildSchedule(flat)))!;
    expect((detail.simpleAnnualRate * 100).toFixed(2)).toBe('16.71');
    expect((detail.effectiveAnnualRate * 100).toFixed(2)).toBe('18.05');
  });

  it('a 14-day loan at 0.1% a day with a 5% fee → 404%, not the 651% of counting its 14 days as a month', () => {
    // By hand: 1,000 yuan for 14 days at 0.1% a day is 14 yuan of interest; with the 50-yuan fee,
    // 1,064 yuan back on day 14. One period of 14 days at 6.4%:
    //   simple   6.4% × 365 / 14 = 166.86%
    //   compound 1.064^(365/14) − 1 = e^(26.0714 × 0.0620354) − 1 = e^1.617352 − 1
    //            = 4.953032 × e^0.017352 − 1 = 4.953032 × 1.017503 − 1 = 403.97%
    // Counting the 14 days as a whole month of interest instead (0.365 / 12 = 3.0417%) gives
    // 1.080417^(365/14) − 1 = e^(26.0714 × 0.077346) − 1 = e^2.01652 − 1 = 651%: the figure the
    // first-period rule used to produce.
    const dayLoan: LoanTerms = { ...terms(), principalFen: 100_000, disbursedFen: 100_000, disbursedOn: '2024-03-01', firstDueOn: '2024-03-15', installments: 1, periodMonths: undefined, periodDays: 14, nominalAnnualRate: 0.365, method: 'bullet', feePerInstallmentFen: 5_000 };
    const schedule = buildSchedule(dayLoan);
    expect(schedule).toEqual([{ dueOn: '2024-03-15', principalFen: 100_000, interestFen: 1_400, feeFen: 5_000, totalFen: 106_400 }]);
    const detail = costOfCreditDetail(100_000, dayLoan.disbursedOn, paymentsOf(schedule))!;
    expect(detail).toMatchObject({ basis: 'days', periodDays: 14, periodMonths: null });
    expect((detail.simpleAnnualRate * 100).toFixed(2)).toBe('166.86');
    expect((detail.effectiveAnnualRate * 100).toFixed(2)).toBe('403.97');
    // The same loan written as a monthly term whose first (only) instalment falls after 14 days:
    // its first period counts 14 days, not a month.
    const asMonths = buildSchedule({ ...dayLoan, periodDays: undefined, periodMonths: 1, method: 'equal_installment' });
    expect(asMonths[0]!.interestFen).toBe(1_400);
    expect((annualisedCostOfCredit(100_000, dayLoan.disbursedOn, paymentsOf(asMonths))! * 100).toFixed(2)).toBe('403.97');
  });

  it('a loan whose first instalment falls two months after disbursement is not cheaper than its nominal rate', () => {
    // 10,000 yuan at 12.80%, 12 monthly instalments, the first on 15 March for money received on 15
    // January: the first period is two whole months, so it carries two months of interest,
    // 1,000,000 × 0.128 / 12 × 2 = 21,333 fen. The monthly IRR by bisection on the flows (months 2..13):
    const late = terms({ firstDueOn: '2021-03-15' });
    const schedule = buildSchedule(late);
    expect(schedule[0]!.interestFen).toBe(21_333);
    const payments = paymentsOf(schedule);
    const monthly = bisectRate(1_000_000, monthlyFlows(late.disbursedOn, payments));
    const detail = costOfCreditDetail(1_000_000, late.disbursedOn, payments)!;
    expect(detail.periodRate).toBeCloseTo(monthly, 10);
    expect(detail.effectiveAnnualRate).toBeGreaterThan(0.128);
    // Only the want of interest on the first period's interest (simple, not compound, within it)
    // keeps the simple figure a hair under 12.80%: 12.78%.
    expect(detail.simpleAnnualRate).toBeGreaterThan(0.1275);
    expect((detail.effectiveAnnualRate * 100).toFixed(1)).toBe('13.6');
  });

  it('terms in days: due dates every periodDays days, a period rate of rate × days / 365', () => {
    const weekly: LoanTerms = { ...terms(), principalFen: 400_000, disbursedFen: 400_000, disbursedOn: '2024-02-20', firstDueOn: '2024-02-27', installments: 4, periodMonths: undefined, periodDays: 7, nominalAnnualRate: 0.365, method: 'equal_principal', feePerInstallmentFen: 0 };
    const schedule = buildSchedule(weekly);
    expect(schedule.map((p) => p.dueOn)).toEqual(['2024-02-27', '2024-03-05', '2024-03-12', '2024-03-19']);
    // 0.1% a day × 7 days = 0.7% a week on the declining balance 4,000 / 3,000 / 2,000 / 1,000 yuan.
    expect(schedule.map((p) => p.interestFen)).toEqual([2_800, 2_100, 1_400, 700]);
    const detail = costOfCreditDetail(400_000, weekly.disbursedOn, paymentsOf(schedule))!;
    expect(detail).toMatchObject({ basis: 'days', periodDays: 7 });
    expect(detail.periodRate).toBeCloseTo(0.007, 10);
  });

  it('refuses terms with both or neither of periodMonths and periodDays', () => {
    expect(() => buildSchedule({ ...terms(), periodDays: 14 })).toThrow(/exactly one/);
    expect(() => buildSchedule({ ...terms(), periodMonths: undefined })).toThrow(/exactly one/);
    expect(() => buildSchedule({ ...terms(), periodMonths: undefined, periodDays: 0 })).toThrow(/periodDays/);
  });

  it('property: a one-instalment loan in days costs (1 + rate × d / 365 + fee / P)^(365 / d) − 1, whatever d', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 365 }), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 20_000 }), (days, ratePermille, fee) => {
        const rate = ratePermille / 1000;
        const principal = 1_000_000;
        const start = '2024-05-01';
        const due = new Date(Date.UTC(2024, 4, 1 + days)).toISOString().slice(0, 10);
        const loan: LoanTerms = { ...terms(), principalFen: principal, disbursedFen: principal, disbursedOn: start, firstDueOn: due, installments: 1, periodMonths: undefined, periodDays: days, nominalAnnualRate: rate, method: 'bullet', feePerInstallmentFen: fee };
        const repaid = buildSchedule(loan)[0]!.totalFen;
        // The repayment, independently: principal + interest for the days (rounded to the fen) + fee.
        expect(repaid).toBe(principal + Math.round((principal * rate * days) / 365) + fee);
        const detail = costOfCreditDetail(principal, start, [{ dueOn: due, amountFen: repaid }])!;
        // One period: the whole months when the due date is a monthly anniversary (the 1st), else the days.
        const months = due.endsWith('-01') ? (Number(due.slice(0, 4)) - 2024) * 12 + Number(due.slice(5, 7)) - 5 : 0;
        const periodsPerYear = months > 0 ? 12 / months : 365 / days;
        expect(detail.periodsPerYear).toBeCloseTo(periodsPerYear, 12);
        expect(detail.effectiveAnnualRate).toBeCloseTo(Math.pow(repaid / principal, periodsPerYear) - 1, 9);
        expect(detail.simpleAnnualRate).toBeCloseTo((repaid / principal - 1) * periodsPerYear, 9);
      }),
      { numRuns: 500 },
    );
  });

  it('property: a flat-rate loan never costs less than the same loan with interest on the declining balance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 36 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 10_000, max: 100_000_000 }), (n, ratePermille, principal) => {
        const base = terms({ principalFen: principal, disbursedFen: principal, installments: n, nominalAnnualRate: ratePermille / 1000 });
        const cost = (method: RepaymentMethod) => annualisedCostOfCredit(principal, base.disbursedOn, paymentsOf(buildSchedule({ ...base, method })))!;
        expect(cost('flat_rate')).toBeGreaterThanOrEqual(cost('equal_principal'));
      }),
      { numRuns: 300 },
    );
  });
});
