/**
 * National identifier checks: the resident identity card number (GB 11643-1999) and the unified
 * social credit code (GB 32100-2015). They run once per row of a filing, so they avoid regular
 * expressions and allocations in favour of character loops.
 */
import { isKnownProvinceNumber } from './regions.js';
import { chinaDateKey } from './china-time.js';

export type ResidentIdCheck =
  | { ok: true; regionCode: string; birthDate: string; sex: 'male' | 'female' }
  | { ok: false; reason: 'format' | 'check_digit' | 'birth_date' | 'region' };

export type UsccCheck = { ok: true; regionCode: string } | { ok: false; reason: 'format' | 'check_character' | 'region' };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// S mod 11 = 0..10 gives this check character.
const ID_CHECK = '10X98765432';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True when year-month-day is a real calendar date. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const max = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= max;
}

function digitAt(value: string, index: number): number {
  const code = value.charCodeAt(index) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/** YYYYMMDD of a date as a number, UTC: what {@link residentIdProblem} compares birth dates with. */
export function dateKey(date: Date): number {
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

/** The province prefix (first two digits) of an identifier as a number, or -1. */
function provinceAt(value: string, index: number): number {
  const tens = digitAt(value, index);
  const units = digitAt(value, index + 1);
  return tens < 0 || units < 0 ? -1 : tens * 10 + units;
}

/**
 * What is wrong with a resident ID number, or null when nothing is: the hot-path form of
 * {@link checkResidentId}, allocation-free. `todayKey` is {@link dateKey} of today.
 */
export function residentIdProblem(value: string, todayKey: number): 'format' | 'check_digit' | 'birth_date' | 'region' | null {
  if (value.length !== 18) return 'format';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const digit = digitAt(value, i);
    if (digit < 0) return 'format';
    sum += digit * ID_WEIGHTS[i]!;
  }
  const last = value.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88)) return 'format';
  const year = digitAt(value, 6) * 1000 + digitAt(value, 7) * 100 + digitAt(value, 8) * 10 + digitAt(value, 9);
  const month = digitAt(value, 10) * 10 + digitAt(value, 11);
  const day = digitAt(value, 12) * 10 + digitAt(value, 13);
  if (!isRealDate(year, month, day) || year < 1800) return 'birth_date';
  if (year * 10000 + month * 100 + day > todayKey) return 'birth_date';
  if (!isKnownProvinceNumber(provinceAt(value, 0))) return 'region';
  if (ID_CHECK.charCodeAt(sum % 11) !== last) return 'check_digit';
  return null;
}

/**
 * A resident ID number in its one spelling: people write the check character 10 as `x` as often as
 * `X`; the card prints `X`. Normalise before checking and before pseudonymising, so that both
 * spellings are one number (and one pseudonym). Anything else is returned as given.
 */
export function normalizeResidentId(value: string): string {
  return value.length === 18 && value.charCodeAt(17) === 120 ? `${value.slice(0, 17)}X` : value;
}

/** A unified social credit code in its one spelling: upper case (GB 32100 has no lower-case letters). */
export function normalizeUscc(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) return value.toUpperCase();
  }
  return value;
}

/**
 * Check an 18-character resident identity card number: digits, a real birth date not in the
 * future (in China) and not before 1800 (the standard itself has an example from 1880), a known
 * province in the address code, and the ISO 7064 MOD 11-2 check character. Only the upper-case X
 * is accepted for check value 10: callers pass the number through {@link normalizeResidentId}.
 *
 * @example checkResidentId('11010519491231002X') // { ok: true, regionCode: '110105', birthDate: '1949-12-31', sex: 'female' }
 */
export function checkResidentId(value: string, today: Date = new Date()): ResidentIdCheck {
  const problem = residentIdProblem(value, chinaDateKey(today));
  if (problem) return { ok: false, reason: problem };
  return {
    ok: true,
    regionCode: value.slice(0, 6),
    birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
    sex: digitAt(value, 16) % 2 === 1 ? 'male' : 'female',
  };
}

/** The check character for the first 17 characters of a resident ID number (for tools and tests). */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

// GB 32100: 0-9 A-H J-N P-R T U W-Y have the values 0..30 (no I, O, Z, S, V).
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_VALUE[USCC_ALPHABET.charCodeAt(i)] = i;
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a unified social credit code. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_VALUE[first17.charCodeAt(i)]! * USCC_WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** What is wrong with a unified social credit code, or null: the allocation-free form of {@link checkUscc}. */
export function usccProblem(value: string): 'format' | 'check_character' | 'region' | null {
  if (value.length !== 18) return 'format';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const code = value.charCodeAt(i);
    const v = code < 128 ? USCC_VALUE[code]! : -1;
    if (v < 0) return 'format';
    if (i >= 2 && i < 8 && v > 9) return 'format';
    sum += v * USCC_WEIGHTS[i]!;
  }
  const last = value.charCodeAt(17);
  const lastValue = last < 128 ? USCC_VALUE[last]! : -1;
  if (lastValue < 0) return 'format';
  if (!isKnownProvinceNumber(provinceAt(value, 2))) return 'region';
  if ((31 - (sum % 31)) % 31 !== lastValue) return 'check_character';
  return null;
}

/**
 * Check an 18-character unified social credit code: the alphabet of GB 32100, digits in the
 * region code (positions 3–8) naming a known province, and the check character.
 *
 * @example checkUscc('91350100M000100Y43') // { ok: true, regionCode: '350100' }
 */
export function checkUscc(value: string): UsccCheck {
  const problem = usccProblem(value);
  return problem ? { ok: false, reason: problem } : { ok: true, regionCode: value.slice(2, 8) };
}

/** `110105********002X`: what a screen may show of a resident ID number. */
export function maskResidentId(value: string): string {
  return value.length === 18 ? `${value.slice(0, 6)}********${value.slice(14)}` : '*'.repeat(value.length);
}
