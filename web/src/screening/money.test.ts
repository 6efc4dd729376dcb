import { describe, expect, it } from 'vitest';
import { formatAmount, majorUnits } from './money.js';

describe('payment amounts', () => {
  it('shows yuan with the yuan sign, exact to the fen', () => {
    expect(formatAmount('CNY', 800_000, 2)).toBe('¥8,000.00');
    expect(formatAmount('CNY', 5, 2)).toBe('¥0.05');
  });

  it('shows another currency by its code with its own decimals, without floating point', () => {
    expect(formatAmount('USD', 123_456, 2)).toBe('USD 1,234.56');
    expect(formatAmount('JPY', 5000, 0)).toBe('JPY 5,000');
    expect(formatAmount('BHD', 1_234_567, 3)).toBe('BHD 1,234.567');
    expect(majorUnits(900_719_925_474_099, 2)).toBe('9,007,199,254,740.99');
  });
});
