import { describe, expect, it } from 'vitest';
import { formatDateTime, formatRate, formatYuan, localNote } from './format.js';

describe('formatting for readers', () => {
  it('shows fen as exact yuan with the yuan sign', () => {
    expect(formatYuan(5_760_000)).toBe('¥57,600.00');
    expect(formatYuan(1)).toBe('¥0.01');
    expect(formatYuan(-250)).toBe('-¥2.50');
  });

  it('shows a decimal rate as a percentage', () => {
    expect(formatRate(1.2867, 'en')).toBe('128.67%');
    expect(formatRate(1.2867, 'zh')).toBe('128.67%');
    expect(formatRate(null, 'en')).toBe('—');
  });

  it('writes dates year first in Beijing time, never day/month/year', () => {
    expect(formatDateTime('2026-12-01T17:30:00Z')).toBe('2026-12-02 01:30');
    expect(formatDateTime('2026-12-01T17:30:00Z', false)).toBe('2026-12-02');
    expect(formatDateTime(null)).toBe('—');
  });

  it('shows a note stored in both languages in one only, and any other note as written', () => {
    expect(localNote('材料齐全 / documents complete', false)).toBe('材料齐全');
    expect(localNote('材料齐全 / documents complete', true)).toBe('documents complete');
    expect(localNote('违规设立资金池，吸收公众资金 / pooled investors’ funds', true)).toBe('pooled investors’ funds');
    expect(localNote('资质条件全部满足，准予许可', true)).toBe('资质条件全部满足，准予许可');
    expect(localNote('A / B testing', false)).toBe('A / B testing');
    expect(localNote('金额 5 / 10 万元', true)).toBe('金额 5 / 10 万元');
  });
});
