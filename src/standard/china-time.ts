/**
 * The calendar in China: UTC+8 all year (no daylight saving). Reporting periods, the year in a
 * licence number and "today" for birth dates follow it, not the server's clock zone: at 00:30 on
 * the 1st in Beijing the new month has started, although it is still the previous day in UTC.
 */

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Year, month (1–12) and day of `at` in China. */
export function chinaDate(at: Date = new Date()): { year: number; month: number; day: number } {
  const shifted = new Date(at.getTime() + CHINA_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The calendar month of `at` in China, `YYYY-MM`: the reporting period under way. */
export function chinaMonth(at: Date = new Date()): string {
  const { year, month } = chinaDate(at);
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The calendar day of `at` in China, `YYYY-MM-DD`. */
export function chinaDay(at: Date = new Date()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The hour (0–23) of `at` in China. */
export function chinaHour(at: Date): number {
  return new Date(at.getTime() + CHINA_OFFSET_MS).getUTCHours();
}

/** YYYYMMDD of `at` in China as a number (the form birth dates are compared in). */
export function chinaDateKey(at: Date = new Date()): number {
  const { year, month, day } = chinaDate(at);
  return year * 10000 + month * 100 + day;
}
