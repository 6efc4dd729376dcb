import { describe, expect, it } from 'vitest';
import { suppressSmallCells } from './complaint.service.js';

const rows = (...filed: number[]) => filed.map((n, i) => ({ key: String.fromCharCode(97 + i), filed: n }));

describe('suppression of small cells in the public statistics', () => {
  it('publishes every row at or above the threshold when none is small', () => {
    expect([...suppressSmallCells(rows(5, 9, 40), 5)]).toEqual([]);
  });

  it('suppresses a row under the threshold and the smallest other, so the total does not give it away', () => {
    expect(suppressSmallCells(rows(40, 9, 2), 5)).toEqual(new Set(['c', 'b']));
  });

  it('adds rows until the suppressed ones hold at least the threshold together', () => {
    // 1 + 1 = 2 < 5: the smallest published row (6) joins them.
    expect(suppressSmallCells(rows(1, 1, 6, 30), 5)).toEqual(new Set(['a', 'b', 'c']));
    // 3 + 4 = 7 ≥ 5 and two rows: nothing more.
    expect(suppressSmallCells(rows(3, 4, 6, 30), 5)).toEqual(new Set(['a', 'b']));
  });

  it('suppresses everything when there is nothing else to hide a small row behind', () => {
    expect(suppressSmallCells(rows(2), 5)).toEqual(new Set(['a']));
    expect(suppressSmallCells(rows(2, 7), 5)).toEqual(new Set(['a', 'b']));
  });

  it('never leaves a single suppressed row or a suppressed sum under the threshold when it can avoid it', () => {
    for (let seed = 1; seed < 500; seed++) {
      const filed = Array.from({ length: 2 + (seed % 7) }, (_, i) => ((seed * 7919 + i * 104729) % 23) + 1);
      const all = rows(...filed);
      const hidden = suppressSmallCells(all, 5);
      for (const row of all) if (row.filed < 5) expect(hidden.has(row.key)).toBe(true);
      const sum = all.filter((r) => hidden.has(r.key)).reduce((total, r) => total + r.filed, 0);
      if (hidden.size > 0 && hidden.size < all.length) {
        expect(hidden.size).toBeGreaterThanOrEqual(2);
        expect(sum).toBeGreaterThanOrEqual(5);
      }
    }
  });
});
