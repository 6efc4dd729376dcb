import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import { chinaDayNumber, dayNumber, dayString, deadlineDay, deadlineOf } from './deadlines.js';

// The 2026 National Day holiday: 1–7 October off; Sunday 20 September and Saturday 10 October are
// make-up working days; Friday 25 September is the Mid-Autumn Festival.
describe('complaint deadlines', () => {
  it('counts calendar days from the day after receipt, moving a last day off work to the next working day', () => {
    expect(deadlineOf('2026-09-14', 15, 'calendar')).toBe('2026-09-29');
    // The day before the holiday is the last day that needs no moving …
    expect(deadlineOf('2026-09-15', 15, 'calendar')).toBe('2026-09-30');
    // … the next day's 15th day is 1 October, so the period ends on the first working day after the holiday.
    expect(deadlineOf('2026-09-16', 15, 'calendar')).toBe('2026-10-08');
    expect(deadlineOf('2026-09-22', 15, 'calendar')).toBe('2026-10-08');
    expect(deadlineOf('2026-09-23', 15, 'calendar')).toBe('2026-10-08');
    expect(deadlineOf('2026-09-24', 15, 'calendar')).toBe('2026-10-09');
    // The make-up Saturday is a working day and ends the period; the Sunday after does not.
    expect(deadlineOf('2026-09-25', 15, 'calendar')).toBe('2026-10-10');
    expect(deadlineOf('2026-09-26', 15, 'calendar')).toBe('2026-10-12');
  });

  it('counts working days after the day of receipt, with make-up days counted and holidays skipped', () => {
    // The day of receipt never counts, even a working day.
    expect(deadlineOf('2026-10-09', 1, 'working')).toBe('2026-10-10');
    expect(deadlineOf('2026-09-30', 1, 'working')).toBe('2026-10-08');
    expect(deadlineOf('2026-09-19', 1, 'working')).toBe('2026-09-20');
    // 20–24 Sep (5), 28–30 Sep (8), 8–10 Oct (11), 12–15 Oct (15).
    expect(deadlineOf('2026-09-18', 15, 'working')).toBe('2026-10-15');
    expect(deadlineOf('2026-09-25', 5, 'working')).toBe('2026-10-09');
    // Across the 2025 holiday (1–8 October off; Sunday 28 September and Saturday 11 October worked).
    expect(deadlineOf('2025-09-26', 1, 'working')).toBe('2025-09-28');
    expect(deadlineOf('2025-09-30', 3, 'working')).toBe('2025-10-11');
  });

  it('agrees with a day-by-day count on the official calendar for every day of several years', () => {
    const reference = (received: string, days: number, kind: 'calendar' | 'working') => {
      let day = dayNumber(received);
      if (kind === 'working') {
        for (let left = days; left > 0; ) if (chineseDays.isWorkday(dayString(++day))) left--;
        return dayString(day);
      }
      day += days;
      while (!chineseDays.isWorkday(dayString(day))) day++;
      return dayString(day);
    };
    const mismatches: string[] = [];
    for (let day = dayNumber('2024-01-01'); day <= dayNumber('2026-11-30'); day += 3) {
      for (const [days, kind] of [[15, 'working'], [15, 'calendar'], [30, 'calendar'], [60, 'working']] as const) {
        const received = dayString(day);
        if (deadlineOf(received, days, kind) !== reference(received, days, kind)) mismatches.push(`${received} ${days} ${kind}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('takes the day of receipt in China time: 23:59 and 00:00 in Beijing are different days', () => {
    const lastMinute = new Date('2026-09-15T15:59:00Z');
    const nextDay = new Date('2026-09-15T16:00:00Z');
    expect(dayString(chinaDayNumber(lastMinute))).toBe('2026-09-15');
    expect(dayString(chinaDayNumber(nextDay))).toBe('2026-09-16');
    expect(dayString(deadlineDay(chinaDayNumber(lastMinute), 15, 'calendar')!)).toBe('2026-09-30');
    expect(dayString(deadlineDay(chinaDayNumber(nextDay), 15, 'calendar')!)).toBe('2026-10-08');
  });

  it('refuses to guess outside the calendar it covers', () => {
    expect(deadlineOf('1999-05-01', 15, 'calendar')).toBeNull();
    expect(deadlineOf('2035-12-30', 15, 'working')).toBeNull();
  });
});
