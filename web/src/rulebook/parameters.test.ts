import { describe, expect, it } from 'vitest';
import { formatPercent, fromFormValue, tierChain, tierOf, tighter, toFormValue } from './parameters.js';

describe('rule parameters between the form and the API', () => {
  it('takes money in yuan and sends whole fen', () => {
    expect(toFormValue('money_fen', 20_000_000)).toBe(200_000);
    expect(fromFormValue('money_fen', 100_000)).toBe(10_000_000);
    expect(fromFormValue('money_fen', 0.1 + 0.2)).toBe(30); // no fraction of a fen from float noise
  });

  it('takes rates in percent and sends decimals without float noise', () => {
    expect(toFormValue('rate', 0.154)).toBe(15.4);
    expect(fromFormValue('rate', 15.4)).toBe(0.154);
    expect(fromFormValue('rate', 24)).toBe(0.24);
    expect(toFormValue('rate', 0.0385)).toBe(3.85);
  });

  it('leaves other types as they are', () => {
    expect(fromFormValue('integer', 15)).toBe(15);
    expect(fromFormValue('code', 'working_days')).toBe('working_days');
    expect(toFormValue('date', '2026-12-01')).toBe('2026-12-01');
  });

  it('shows a rate with two to four decimals', () => {
    expect(formatPercent(0.154, 'zh')).toBe('15.40%');
    expect(formatPercent(0.03875, 'en')).toBe('3.875%');
  });
});

describe('tiers', () => {
  it('names the tiers above and at a jurisdiction', () => {
    expect(tierChain('000000')).toEqual(['000000']);
    expect(tierChain('330000')).toEqual(['000000', '330000']);
    expect(tierChain('330100')).toEqual(['000000', '330000', '330100']);
    expect([tierOf('000000'), tierOf('440000'), tierOf('440300')]).toEqual(['national', 'province', 'city']);
  });

  it('calls a lower cap, a higher floor and an earlier code stricter, and a fixed value never', () => {
    expect(tighter({ direction: 'cap' }, 10_000_000, 20_000_000)).toBe(true);
    expect(tighter({ direction: 'cap' }, 20_000_000, 20_000_000)).toBe(false);
    expect(tighter({ direction: 'floor' }, 20, 15)).toBe(true);
    expect(tighter({ direction: 'floor' }, 10, 15)).toBe(false);
    expect(tighter({ direction: 'fixed' }, 1, 2)).toBe(false);
    const codes = ['working_days', 'calendar_days'];
    expect(tighter({ direction: 'cap', codes }, 'working_days', 'calendar_days')).toBe(true);
    expect(tighter({ direction: 'cap', codes }, 'calendar_days', 'working_days')).toBe(false);
    expect(tighter({ direction: 'cap' }, '2026-01-01', '2026-06-01')).toBe(true);
  });
});
