/**
 * Complaint deadlines on the official Chinese calendar.
 *
 * The reading of the rule (CBIRC Order 2020 No.3, with the Civil Code's rules on periods):
 * - The day of receipt does not count; the period starts the next day (Civil Code Art.201).
 * - Calendar days: the last day is the receipt day plus N. When that day is a statutory holiday or
 *   a rest day, the period ends on the next working day (Civil Code Art.203).
 * - Working days: the last day is the Nth working day after the receipt day, on the State
 *   Council's calendar, where make-up days (a Saturday or Sunday declared a working day) count
 *   and holidays that fall on weekdays do not.
 * - Days are China days (UTC+8), whatever the server's clock zone.
 *
 * The calendar comes from `chinese-days`; the index of working days is built from it once, so a
 * deadline is two array reads. Days the package does not cover fall back to Monday–Friday.
 */
import chineseDays from 'chinese-days';
import type { DayKind } from './complaint.schema.js';

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
// The index covers these years; a deadline outside them is refused rather than guessed.
const FIRST_YEAR = 2004;
const LAST_YEAR = 2035;
const FIRST_DAY = Date.UTC(FIRST_YEAR, 0, 1) / DAY_MS;
const LAST_DAY = Date.UTC(LAST_YEAR, 11, 31) / DAY_MS;

/** The day number (days since 1970-01-01) of a `YYYY-MM-DD` date. */
export function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/** The `YYYY-MM-DD` date of a day number. */
export function dayString(dayNo: number): string {
  return new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
}

/** The China day number of an instant. */
export function chinaDayNumber(at: Date): number {
  return Math.floor((at.getTime() + CHINA_OFFSET_MS) / DAY_MS);
}

export interface DayIndex {
  /** 1 when the day (offset from the first day of the index) is a working day. */
  readonly working: Uint8Array;
  /** How many working days there are up to and including each day. */
  readonly workingUpTo: Int32Array;
  /** The offset of the k-th working day (0-based). */
  readonly workingDays: Int32Array;
  /** `YYYY-MM-DD` of each day, and the offset of each such date: dates in and out without Date objects. */
  readonly names: readonly string[];
  readonly offsets: ReadonlyMap<string, number>;
}

let built: DayIndex | undefined;

/** The working-day index, built from the official calendar on first use (about 12,000 days). */
export function dayIndex(): DayIndex {
  if (built) return built;
  const span = LAST_DAY - FIRST_DAY + 1;
  const working = new Uint8Array(span);
  const workingUpTo = new Int32Array(span);
  const list: number[] = [];
  const names: string[] = [];
  const offsets = new Map<string, number>();
  let count = 0;
  for (let i = 0; i < span; i++) {
    const name = dayString(FIRST_DAY + i);
    names.push(name);
    offsets.set(name, i);
    if (chineseDays.isWorkday(name)) {
      working[i] = 1;
      list.push(i);
      count++;
    }
    workingUpTo[i] = count;
  }
  built = { working, workingUpTo, workingDays: Int32Array.from(list), names, offsets };
  return built;
}

/** True when the day is a working day on the official calendar. */
export function isWorkingDay(dayNo: number): boolean {
  return dayIndex().working[dayNo - FIRST_DAY] === 1;
}

/**
 * The last day to answer, as a day number, for a complaint received on day `receivedDay` with
 * `days` days of `kind`. Returns null when the result would leave the calendar the index covers.
 *
 * ### Example
 * `deadlineDay(dayNumber('2026-09-25'), 5, 'working')` is the day number of 2026-10-09: the
 * working days after Friday 25 September are 28, 29, 30 September, then 8 and 9 October.
 */
export function deadlineDay(receivedDay: number, days: number, kind: DayKind): number | null {
  const index = dayIndex();
  const offset = receivedDay - FIRST_DAY;
  if (offset < 0 || offset >= index.working.length) return null;
  let last: number | undefined;
  if (kind === 'working') {
    last = index.workingDays[index.workingUpTo[offset]! + days - 1];
  } else {
    const end = offset + days;
    if (end >= index.working.length) return null;
    // A last day that is not a working day moves to the next working day (Civil Code Art.203).
    last = index.working[end] === 1 ? end : index.workingDays[index.workingUpTo[end]!];
  }
  return last === undefined ? null : last + FIRST_DAY;
}

/** `deadlineDay` on dates: the last day to answer, `YYYY-MM-DD`, or null outside the calendar. */
export function deadlineOf(receivedDay: string, days: number, kind: DayKind): string | null {
  const index = dayIndex();
  const offset = index.offsets.get(receivedDay);
  if (offset === undefined) return null;
  const last = deadlineDay(FIRST_DAY + offset, days, kind);
  return last === null ? null : (index.names[last - FIRST_DAY] ?? null);
}
