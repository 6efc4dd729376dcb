/**
 * Rule parameters without React: the form's units (yuan, percent) to the API's (fen, decimals) and
 * back, the tiers of a jurisdiction, and which of two values is stricter.
 */
import { formatDateTime } from '../components/format.js';
import type { ParameterType, RuleParameter } from '../types.js';

/** A rate as a percentage with two to four decimals: 0.154 → 15.40%, 0.03875 → 3.875%. */
export function formatPercent(rate: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-US' : 'zh-CN', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(rate);
}

/**
 * A parameter value as the form holds it: yuan for money, percent for a rate (the API keeps fen and
 * decimals; a supervisor thinks in 200,000 yuan and 15.4%).
 */
export function toFormValue(type: ParameterType, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (type === 'money_fen') return value / 100;
  if (type === 'rate') return Math.round(value * 100 * 1e6) / 1e6;
  return value;
}

/** A form value back as the API wants it: fen (an integer) for money, a decimal for a rate. */
export function fromFormValue(type: ParameterType, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (type === 'money_fen') return Math.round(value * 100);
  // Percent to decimal without the float noise of a plain division (15.4 / 100 = 0.15400000000000003).
  if (type === 'rate') return Number((value / 100).toPrecision(12));
  return value;
}

/** The tier a jurisdiction code is: the country, a province (XX0000) or a city. */
export function tierOf(code: string): 'national' | 'province' | 'city' {
  if (code === '000000') return 'national';
  return code.endsWith('0000') ? 'province' : 'city';
}

/** The chain of tiers above and at a jurisdiction: 330100 → 000000, 330000, 330100. */
export function tierChain(code: string): string[] {
  const chain = ['000000'];
  if (code === '000000') return chain;
  chain.push(`${code.slice(0, 2)}0000`);
  if (!code.endsWith('0000')) chain.push(`${code.slice(0, 4)}00`);
  return chain;
}

/**
 * True when `value` is stricter than `than` in the parameter's direction: a lower cap, a higher
 * floor; for a code, nearer the start of its list (which runs strictest first).
 */
export function tighter(parameter: Pick<RuleParameter, 'direction' | 'codes'>, value: unknown, than: unknown): boolean {
  const { direction } = parameter;
  if (direction === 'fixed') return false;
  if (typeof value === 'string' && typeof than === 'string' && parameter.codes) {
    const [a, b] = [parameter.codes.indexOf(value), parameter.codes.indexOf(than)];
    if (a < 0 || b < 0) return false;
    return direction === 'cap' ? a < b : a > b;
  }
  if ((typeof value === 'number' && typeof than === 'number') || (typeof value === 'string' && typeof than === 'string')) {
    return direction === 'cap' ? value < than : value > than;
  }
  return false;
}

/** Today in China, YYYY-MM-DD: the date the rulebook opens on. */
export function todayInChina(): string {
  return formatDateTime(new Date().toISOString(), false);
}
