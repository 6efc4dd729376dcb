/** Amounts of a payment as people read them: yuan for CNY, the currency's code and its own decimals otherwise. */
import { formatYuan } from '../components/format.js';

/** `amountMinor` of a currency with `minorUnits` decimals, exact (no floating point): 123456, 2 → "1,234.56". */
export function majorUnits(amountMinor: number, minorUnits: number): string {
  const digits = String(Math.abs(Math.trunc(amountMinor))).padStart(minorUnits + 1, '0');
  const whole = digits.slice(0, digits.length - minorUnits);
  const fraction = digits.slice(digits.length - minorUnits);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amountMinor < 0 ? '-' : ''}${grouped}${minorUnits > 0 ? `.${fraction}` : ''}`;
}

/** ¥8,000.00 for yuan; USD 1,234.56 or JPY 5,000 for any other currency. */
export function formatAmount(currency: string, amountMinor: number, minorUnits: number): string {
  if (currency === 'CNY' && minorUnits === 2) return formatYuan(amountMinor);
  return `${currency} ${majorUnits(amountMinor, minorUnits)}`;
}
