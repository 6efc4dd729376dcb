import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { annualisedCostOfCredit, buildSchedule, type RepaymentMethod } from '../../standard/cost-of-credit.js';
import { IdSet } from './id-set.js';
import { mayExceedCost, schedulePresentValue, METHOD_BULLET, METHOD_EQUAL_INSTALLMENT, METHOD_EQUAL_PRINCIPAL, METHOD_FLAT_RATE, METHOD_INTEREST_FIRST } from './loan-cost.js';
import { BAD_SHAPE, NOT_REAL, canonicalPhone, dayNumber, isPhoneNumber, parseDateDay, parseDateTimeMs, parseDecimal, parseWhole } from './parse.js';

describe('value readers', () => {
  it('read decimals exactly as Number() does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 99_999_999 }), fc.boolean(), (whole, fraction, negative) => {
        const text = `${negative ? '-' : ''}${whole}.${String(fraction).padStart(8, '0')}`;
        expect(parseDecimal(text)).toBe(Number(text));
      }),
    );
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('12.')).toBe(12);
    for (const bad of ['', '.', '-', '1.2.3', '1e5', '12%', ' 1', '0x10', '１２']) expect(parseDecimal(bad)).toBeNaN();
  });

  it('read whole numbers up to 15 digits and nothing else', () => {
    expect(parseWhole('0')).toBe(0);
    expect(parseWhole('-42')).toBe(-42);
    expect(parseWhole('999999999999999')).toBe(999_999_999_999_999);
    for (const bad of ['', '-', '1.0', '1,000', '+1', '1234567890123456', '١٢']) expect(parseWhole(bad)).toBeNaN();
  });

  it('read dates as day numbers, telling a wrong shape from a date that does not exist', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        expect(parseDateDay(iso)).toBe(Math.floor(date.getTime() / 86_400_000));
      }),
    );
    expect(parseDateDay('2024-02-29')).toBe(dayNumber(2024, 2, 29));
    expect(parseDateDay('2023-02-29')).toBe(NOT_REAL);
    expect(parseDateDay('2024-13-01')).toBe(NOT_REAL);
    expect(parseDateDay('2024-04-31')).toBe(NOT_REAL);
    for (const bad of ['2024/06/01', '2024-6-1', '20240601', '2024-06-01T00:00', '２０２４-06-01']) expect(parseDateDay(bad)).toBe(BAD_SHAPE);
  });

  it('read times with offsets as epoch milliseconds, as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseDateTimeMs(text)).toBe(date.getTime());
        },
      ),
    );
    expect(parseDateTimeMs('2024-06-05T10:00:00Z')).toBe(Date.UTC(2024, 5, 5, 10));
    expect(parseDateTimeMs('2024-06-05 10:00+0800')).toBe(Date.UTC(2024, 5, 5, 2));
    expect(parseDateTimeMs('2024-06-05T10:00:00.5+08')).toBe(Date.UTC(2024, 5, 5, 2, 0, 0, 500));
    expect(parseDateTimeMs('2024-06-05T24:00:00Z')).toBe(NOT_REAL);
    expect(parseDateTimeMs('2024-02-30T10:00:00Z')).toBe(NOT_REAL);
    for (const bad of ['2024-06-05T10:00:00', '2024-06-05', '2024-06-05T10:00:00 +08:00', '2024-06-05T10:00:00+8', '2024-06-05T10:00:00Zulu', '2024-06-05T1:00:00Z']) {
      expect(parseDateTimeMs(bad)).toBe(BAD_SHAPE);
    }
  });

  it('read phone numbers and put them in one canonical form for pseudonyms', () => {
    for (const good of ['13800138000', '+8613800138000', '010-88886666', '+86-13800138000']) expect(isPhoneNumber(good)).toBe(true);
    for (const bad of ['', '1234', '138 0013 8000', '138-0013-8000', '-13800138000', '13800138000-', '1380013800012345', '+']) expect(isPhoneNumber(bad)).toBe(false);
    expect(canonicalPhone('+86-13800138000')).toBe('13800138000');
    expect(canonicalPhone('8613800138000')).toBe('13800138000');
    expect(canonicalPhone('010-88886666')).toBe('01088886666');
  });
});

describe('IdSet', () => {
  it('tells a repeated id from a new one across growth', () => {
    const set = new IdSet();
    for (let i = 0; i < 200_000; i++) expect(set.add(`L-${i}`)).toBe(true);
    for (let i = 0; i < 200_000; i += 997) expect(set.add(`L-${i}`)).toBe(false);
    expect(set.add('L-200000')).toBe(true);
    expect(set.size).toBe(200_001);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });
});

const METHOD_CODE: Record<RepaymentMethod, number> = {
  equal_installment: METHOD_EQUAL_INSTALLMENT,
  equal_principal: METHOD_EQUAL_PRINCIPAL,
  interest_first: METHOD_INTEREST_FIRST,
  bullet: METHOD_BULLET,
  flat_rate: METHOD_FLAT_RATE,
};

describe('cost screen', () => {
  it('never lets a loan whose exact annualised cost is above the limit pass unexamined', () => {
    const limit = 0.36;
    let screenedOut = 0;
    fc.assert(
      fc.property(
        fc.record({
          principal: fc.integer({ min: 100, max: 1e10 }),
          deducted: fc.double({ min: 0, max: 0.6, noNaN: true }),
          firstDueDays: fc.integer({ min: 1, max: 400 }),
          installments: fc.integer({ min: 1, max: 60 }),
          periodMonths: fc.constantFrom(1, 1, 1, 3, 6, 12),
          rate: fc.double({ min: 0, max: 0.6, noNaN: true }),
          method: fc.constantFrom<RepaymentMethod>('equal_installment', 'equal_principal', 'interest_first', 'bullet', 'flat_rate'),
          feeShare: fc.double({ min: 0, max: 0.03, noNaN: true }),
          otherShare: fc.double({ min: 0, max: 0.2, noNaN: true }),
          startDay: fc.integer({ min: dayNumber(2020, 1, 1), max: dayNumber(2030, 1, 1) }),
        }),
        (t) => {
          const disbursedFen = Math.max(1, Math.round(t.principal * (1 - t.deducted)));
          const fee = Math.round(t.principal * t.feeShare);
          const other = Math.round(t.principal * t.otherShare);
          const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
          const terms = {
            principalFen: t.principal,
            disbursedFen,
            disbursedOn: iso(t.startDay),
            firstDueOn: iso(t.startDay + t.firstDueDays),
            installments: t.installments,
            periodMonths: t.periodMonths,
            nominalAnnualRate: Math.round(t.rate * 10_000) / 10_000,
            method: t.method,
            feePerInstallmentFen: fee,
            otherFeesAtEndFen: other,
          };
          const mayExceed = mayExceedCost(t.principal, disbursedFen, t.startDay, t.startDay + t.firstDueDays, t.installments, t.periodMonths, terms.nominalAnnualRate, METHOD_CODE[t.method], fee, other, limit);
          if (mayExceed) return;
          screenedOut++;
          const schedule = buildSchedule(terms);
          const cost = annualisedCostOfCredit(disbursedFen, terms.disbursedOn, schedule.map((p) => ({ dueOn: p.dueOn, amountFen: p.totalFen })));
          expect(cost === null || cost <= limit).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
    // The screen must be doing its job too: most of these loans are cheap enough to skip.
    expect(screenedOut).toBeGreaterThan(300);
  });
});

describe('cost screen in closed form', () => {
  it('gives the present value that walking the schedule payment by payment gives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 1e11 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.constantFrom(METHOD_EQUAL_INSTALLMENT, METHOD_EQUAL_PRINCIPAL, METHOD_INTEREST_FIRST, METHOD_BULLET, METHOD_FLAT_RATE),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.double({ min: 0.001, max: 2, noNaN: true }),
        (principal, firstDays, n, periodMonths, rate, method, fee, other, logRate) => {
          const step = Math.exp(-(periodMonths / 12) * logRate);
          const closed = schedulePresentValue(principal, firstDays, n, periodMonths, rate, method, fee, other, logRate, step, true);
          const walked = schedulePresentValue(principal, firstDays, n, periodMonths, rate, method, fee, other, logRate, step, false);
          // Over the terms loans have. (Over decades at high rates the walk itself goes wrong: each
          // early principal part is the difference of two nearly equal numbers, clamped at zero.)
          expect(Math.abs(closed - walked)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(walked)));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
