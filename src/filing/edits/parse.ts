/**
 * Hand-written readers for the standard's value types. They run once per cell of every filed row,
 * so they walk character codes instead of using regular expressions and return plain numbers
 * (day numbers, epoch milliseconds) instead of Date objects.
 */

/** Returned by the readers when the text does not have the type's shape (a syntactical failure). */
export const BAD_SHAPE = -1e17;
/** Returned by the date readers when the shape is right but the date or time does not exist. */
export const NOT_REAL = -2e17;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_PER_DAY = 86_400_000;

/** A whole number: optional minus sign, up to 15 digits; NaN otherwise. */
export function parseWhole(raw: string): number {
  const n = raw.length;
  let i = 0;
  let negative = false;
  if (raw.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  if (i === n || n - i > 15) return NaN;
  let value = 0;
  for (; i < n; i++) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

/** A decimal number: optional minus sign, digits, optionally a point and more digits; NaN otherwise. */
export function parseDecimal(raw: string): number {
  const n = raw.length;
  let i = 0;
  let negative = false;
  if (raw.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === 46) {
      if (fraction >= 0) return NaN;
      fraction = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    mantissa = mantissa * 10 + d;
    digits++;
    if (fraction >= 0) fraction++;
  }
  if (digits === 0) return NaN;
  // Beyond 15 digits the integer mantissa is no longer exact; let the engine round it.
  if (digits > 15) return Number(raw);
  // One correctly rounded division of two exact values: the same double Number(raw) gives.
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month overflow rolls into the next month). */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = (((153 * monthFromMarch + 2) / 5) | 0) + day - 1;
  const dayOfEra = yearOfEra * 365 + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** 'YYYY-MM-DD' of a day number. */
export function isoDate(day: number): string {
  const date = new Date(day * MS_PER_DAY);
  return date.toISOString().slice(0, 10);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function twoDigits(raw: string, at: number): number {
  const a = raw.charCodeAt(at) - 48;
  const b = raw.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Year, month and day of the 'YYYY-MM-DD' at the start of `raw`, or -1 in `year` when the shape is wrong. */
function readYmd(raw: string): number {
  if (raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return -1;
  const high = twoDigits(raw, 0);
  const low = twoDigits(raw, 2);
  const month = twoDigits(raw, 5);
  const day = twoDigits(raw, 8);
  if (high < 0 || low < 0 || month < 0 || day < 0) return -1;
  // Packed as one number so that no object is allocated: YYYYMMDD.
  return (high * 100 + low) * 10000 + month * 100 + day;
}

/** The day number of a 'YYYY-MM-DD' date, or BAD_SHAPE, or NOT_REAL. */
export function parseDateDay(raw: string): number {
  if (raw.length !== 10) return BAD_SHAPE;
  const packed = readYmd(raw);
  if (packed < 0) return BAD_SHAPE;
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  if (!isRealDate(year, month, day)) return NOT_REAL;
  return dayNumber(year, month, day);
}

/**
 * Epoch milliseconds of an ISO 8601 time with an offset: `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM|±HHMM|±HH)`
 * (a space may stand for the T), or BAD_SHAPE, or NOT_REAL.
 */
export function parseDateTimeMs(raw: string): number {
  const n = raw.length;
  if (n < 17) return BAD_SHAPE;
  const packed = readYmd(raw);
  if (packed < 0) return BAD_SHAPE;
  const separator = raw.charCodeAt(10);
  if (separator !== 84 && separator !== 32 && separator !== 116) return BAD_SHAPE;
  const hour = twoDigits(raw, 11);
  if (hour < 0 || raw.charCodeAt(13) !== 58) return BAD_SHAPE;
  const minute = twoDigits(raw, 14);
  if (minute < 0) return BAD_SHAPE;
  let i = 16;
  let second = 0;
  let millis = 0;
  if (raw.charCodeAt(i) === 58) {
    second = twoDigits(raw, i + 1);
    if (second < 0) return BAD_SHAPE;
    i += 3;
    if (raw.charCodeAt(i) === 46 || raw.charCodeAt(i) === 44) {
      i++;
      let scale = 100;
      const start = i;
      for (; i < n; i++) {
        const d = raw.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        millis += d * scale;
        scale /= 10;
      }
      if (i === start) return BAD_SHAPE;
      millis = Math.floor(millis);
    }
  }
  if (i >= n) return BAD_SHAPE;
  let offsetMinutes = 0;
  const sign = raw.charCodeAt(i);
  if (sign === 90 || sign === 122) {
    if (i + 1 !== n) return BAD_SHAPE;
  } else if (sign === 43 || sign === 45) {
    const offsetHours = twoDigits(raw, i + 1);
    if (offsetHours < 0) return BAD_SHAPE;
    let offsetMins = 0;
    const rest = n - (i + 3);
    if (rest === 3 && raw.charCodeAt(i + 3) === 58) offsetMins = twoDigits(raw, i + 4);
    else if (rest === 2) offsetMins = twoDigits(raw, i + 3);
    else if (rest !== 0) return BAD_SHAPE;
    if (offsetMins < 0) return BAD_SHAPE;
    if (offsetHours > 14 || offsetMins > 59) return NOT_REAL;
    offsetMinutes = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
  } else {
    return BAD_SHAPE;
  }
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return NOT_REAL;
  return dayNumber(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis - offsetMinutes * 60_000;
}

/** True for `true`/`false`/`1`/`0` (and 是/否); the value itself is `isTrue`. */
export function parseBoolean(raw: string): number {
  if (raw === 'true' || raw === '1' || raw === 'TRUE' || raw === 'True' || raw === '是') return 1;
  if (raw === 'false' || raw === '0' || raw === 'FALSE' || raw === 'False' || raw === '否') return 0;
  return -1;
}

/** Digits with an optional leading '+' and at most one '-' between digits; 5 to 15 digits. */
export function isPhoneNumber(raw: string): boolean {
  const n = raw.length;
  let i = raw.charCodeAt(0) === 43 ? 1 : 0;
  let digits = 0;
  let dashes = 0;
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 45 && digits > 0 && i + 1 < n && dashes === 0) dashes++;
    else return false;
  }
  return digits >= 5 && digits <= 15;
}

/** The canonical form of a phone number for pseudonyms: digits only, without the +86 / 86 country code. */
export function canonicalPhone(raw: string): string {
  let digits = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += raw[i];
  }
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** The birth date in a resident ID number that has passed its check, as a day number. */
export function birthDayOfResidentId(id: string): number {
  const year = twoDigits(id, 6) * 100 + twoDigits(id, 8);
  return dayNumber(year, twoDigits(id, 10), twoDigits(id, 12));
}

/** The day on which someone born on the ID's birth date turns `years` old (29 February rolls to 1 March). */
export function birthdayAtAge(id: string, years: number): number {
  const year = twoDigits(id, 6) * 100 + twoDigits(id, 8);
  return dayNumber(year + years, twoDigits(id, 10), twoDigits(id, 12));
}
