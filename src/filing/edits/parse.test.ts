import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdSet } from './id-set.js';
import { BAD_SHAPE, NOT_REAL, canonicalPhone, dayNumber, isPhoneNumber, parseDateDay, parseDateTimeMs, parseDecimal, parseWhole } from './parse.js';

describe('value readers', () => {
  it('read decimals exactly as Number() does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 99_999_999 }), fc.boolean(), (whole, fraction, negative) => {
        const text = `${negative ? '-' : ''}${whole}.${String(fraction).padStart(8, '0')}`;
        expect(parseDecimal(text)).toBe(Number(text));
      }),
    );
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('12.')).toBe(12);
    for (const bad of ['', '.', '-', '1.2.3', '1e5', '12%', ' 1', '0x10', '１２']) expect(parseDecimal(bad)).toBeNaN();
  });

  it('read whole numbers up to 15 digits and nothing else', () => {
    expect(parseWhole('0')).toBe(0);
    expect(parseWhole('-42')).toBe(-42);
    expect(parseWhole('999999999999999')).toBe(999_999_999_999_999);
    for (const bad of ['', '-', '1.0', '1,000', '+1', '1234567890123456', '١٢']) expect(parseWhole(bad)).toBeNaN();
  });

  it('read dates as day numbers, telling a wrong shape from a date that does not exist', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        expect(parseDateDay(iso)).toBe(Math.floor(date.getTime() / 86_400_000));
      }),
    );
    expect(parseDateDay('2024-02-29')).toBe(dayNumber(2024, 2, 29));
    expect(parseDateDay('2023-02-29')).toBe(NOT_REAL);
    expect(parseDateDay('2024-13-01')).toBe(NOT_REAL);
    expect(parseDateDay('2024-04-31')).toBe(NOT_REAL);
    for (const bad of ['2024/06/01', '2024-6-1', '20240601', '2024-06-01T00:00', '２０２４-06-01']) expect(parseDateDay(bad)).toBe(BAD_SHAPE);
  });

  it('read times with offsets as epoch milliseconds, as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseDateTimeMs(text)).toBe(date.getTime());
        },
      ),
    );
    expect(parseDateTimeMs('2024-06-05T10:00:00Z')).toBe(Date.UTC(2024, 5, 5, 10));
    expect(parseDateTimeMs('2024-06-05 10:00+0800')).toBe(Date.UTC(2024, 5, 5, 2));
    expect(parseDateTimeMs('2024-06-05T10:00:00.5+08')).toBe(Date.UTC(2024, 5, 5, 2, 0, 0, 500));
    expect(parseDateTimeMs('2024-06-05T24:00:00Z')).toBe(NOT_REAL);
    expect(parseDateTimeMs('2024-02-30T10:00:00Z')).toBe(NOT_REAL);
    for (const bad of ['2024-06-05T10:00:00', '2024-06-05', '2024-06-05T10:00:00 +08:00', '2024-06-05T10:00:00+8', '2024-06-05T10:00:00Zulu', '2024-06-05T1:00:00Z']) {
      expect(parseDateTimeMs(bad)).toBe(BAD_SHAPE);
    }
  });

  it('read phone numbers and put them in one canonical form for pseudonyms', () => {
    for (const good of ['13800138000', '+8613800138000', '010-88886666', '+86-13800138000']) expect(isPhoneNumber(good)).toBe(true);
    for (const bad of ['', '1234', '138 0013 8000', '138-0013-8000', '-13800138000', '13800138000-', '1380013800012345', '+']) expect(isPhoneNumber(bad)).toBe(false);
    expect(canonicalPhone('+86-13800138000')).toBe('13800138000');
    expect(canonicalPhone('8613800138000')).toBe('13800138000');
    expect(canonicalPhone('010-88886666')).toBe('01088886666');
  });
});

describe('IdSet', () => {
  it('tells a repeated id from a new one across growth', () => {
    const set = new IdSet();
    for (let i = 0; i < 200_000; i++) expect(set.add(`L-${i}`)).toBe(true);
    for (let i = 0; i < 200_000; i += 997) expect(set.add(`L-${i}`)).toBe(false);
    expect(set.add('L-200000')).toBe(true);
    expect(set.size).toBe(200_001);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });
});
