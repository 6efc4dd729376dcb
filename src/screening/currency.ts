/**
 * ISO 4217 currencies and exact amounts. An amount is read from its decimal text digit by digit and
 * becomes an integer count of the currency's minor units: a payment of 0.1 + 0.2 yuan must be 30
 * fen, not 30.000000000000004, and a threshold compared against it must compare integers.
 */
import { code as iso4217 } from 'currency-codes';
import { fail } from '../platform/errors.js';

/**
 * Codes whose minor unit ISO 4217 gives as "N.A.": precious metals, bond-market units, the SDR, the
 * testing code and "no currency". The currency-codes table records these as 0 digits, which would
 * make 1 XAU look like a payment of one unit; nobody pays a consumer in them, so screening treats
 * them as unknown.
 */
const noMinorUnits = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/** ISO 20022 amounts (ActiveCurrencyAndAmount) allow at most 18 digits in all. */
const MAX_SIGNIFICANT_DIGITS = 18;

/** A plain positive-or-zero decimal: digits, optionally a point and more digits. No sign, no exponent, no spaces. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * The minor units (decimal places) ISO 4217 gives an active currency code, e.g. 2 for CNY, 0 for
 * JPY, 3 for KWD, 4 for CLF; undefined for a code that is not an active currency or has no minor
 * unit (XAU, XXX, …). The code must be upper case, as ISO 4217 writes it.
 */
export function currencyMinorUnits(code: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(code) || noMinorUnits.has(code)) return undefined;
  return iso4217(code)?.digits;
}

/**
 * Parse `amount` in `currency` into an integer of minor units, exactly. A string is read as it is;
 * a JSON number is read from its shortest round-trip text (`String(n)`), which is the text the
 * sender wrote for any amount of up to 15 significant digits. `field` names the amount in errors and
 * `currencyField` the currency (they differ in XML, where the currency is an attribute).
 *
 * Refused with FH_SCREEN_AMOUNT_INVALID: anything but a plain decimal (a sign, an exponent, NaN,
 * Infinity, spaces), zero, more than 18 significant digits, or more minor units than a safe integer
 * holds. Refused with FH_SCREEN_AMOUNT_PRECISION: a non-zero digit beyond the currency's minor
 * units ('10.501' CNY, '100.5' JPY); trailing zeros beyond them ('10.500' CNY) are accepted, the
 * value being exact.
 */
export function toMinorUnits(amount: string | number, currency: string, field: string, currencyField: string = field): { amountMinor: number; minorUnits: number } {
  const minorUnits = currencyMinorUnits(currency);
  if (minorUnits === undefined) fail('FH_SCREEN_CURRENCY_UNKNOWN', { field: currencyField, details: { currency } });

  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) fail('FH_SCREEN_AMOUNT_INVALID', { field });
    // String() switches to exponent form below 1e-6 and from 1e21; DECIMAL below refuses those.
    text = String(amount);
  } else if (typeof amount === 'string') {
    text = amount;
  } else {
    fail('FH_SCREEN_AMOUNT_INVALID', { field });
  }

  const match = DECIMAL.exec(text);
  if (!match) fail('FH_SCREEN_AMOUNT_INVALID', { field });
  const whole = match[1]!.replace(/^0+/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');

  const significant = (whole + fraction).replace(/^0+/, '').length;
  if (significant > MAX_SIGNIFICANT_DIGITS) fail('FH_SCREEN_AMOUNT_INVALID', { field, details: { maxDigits: MAX_SIGNIFICANT_DIGITS } });
  if (fraction.length > minorUnits) fail('FH_SCREEN_AMOUNT_PRECISION', { field, details: { currency, minorUnits } });

  // BigInt keeps all 18 digits exact while we check the range; the result then fits a number.
  const minor = BigInt(whole + fraction.padEnd(minorUnits, '0'));
  if (minor === 0n) fail('FH_SCREEN_AMOUNT_INVALID', { field });
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) fail('FH_SCREEN_AMOUNT_INVALID', { field, details: { maxMinorUnits: Number.MAX_SAFE_INTEGER } });
  return { amountMinor: Number(minor), minorUnits };
}
