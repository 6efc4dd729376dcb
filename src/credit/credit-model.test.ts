import { describe, expect, it } from 'vitest';
import { addMonths, attributesAt, CREDIT_FEATURES, gradeOf, scorePerson, trainingRows, wentBad, type TradelineFacts } from './credit-model.js';
import { auc, scoreApplicant, seededRandom, trainScorecard } from './scorecard.js';

const line = (overrides: Partial<TradelineFacts>): TradelineFacts => ({ partyKey: 'p', institutionId: 'i1', openedOn: '2023-01-15', principalFen: 1_000_000, gridTo: '2024-12', grid: '//NNNNNNNNNNNNNNNNNNNNNN', ...overrides });

describe('attributes and outcomes from tradelines', () => {
  it('reads a person as of a month from the grid months up to it, not after', () => {
    // Grid 2023-01 … 2024-12: late (2) in 2023-06, late (1) in 2024-03.
    const grid = [...'//NNNNNNNNNNNNNNNNNNNNNN'].map((c, i) => (i === 5 ? '2' : i === 14 ? '1' : c)).join('');
    const lines = [line({ grid }), line({ institutionId: 'i2', openedOn: '2023-11-02', principalFen: 500_000 })];
    expect(attributesAt(lines, '2023-10')).toEqual({ accounts: 1, lenders: 1, new_accounts_6m: 0, oldest_account_months: 9, principal_yuan: 10_000, delinquent_months: 1, worst_delinquency: 2, months_since_delinquency: 4 });
    expect(attributesAt(lines, '2024-06')).toMatchObject({ accounts: 2, lenders: 2, new_accounts_6m: 0, delinquent_months: 2, worst_delinquency: 2, months_since_delinquency: 3 });
    expect(attributesAt(lines, '2022-12')).toBeUndefined();
  });

  it('calls a person bad when a tradeline reaches 90 days past due within the horizon after the snapshot', () => {
    const grid = 'NNNNNNNNNNNNNNNNNN3NNNNN'; // 2024-07 is 61–90 days: not yet bad
    expect(wentBad([line({ grid })], '2023-12')).toBe(false);
    const worse = 'NNNNNNNNNNNNNNNNNN4NNNNN'; // 91–120 days in 2024-07
    expect(wentBad([line({ grid: worse })], '2023-12')).toBe(true);
    expect(wentBad([line({ grid: worse })], '2023-12', 6)).toBe(false);
    expect(wentBad([line({ grid: worse })], '2024-07')).toBe(false);
    expect(wentBad([line({ grid: 'NNNNNNNNNNNNNNNNNNNNNNNW' })], '2023-12')).toBe(true);
  });

  it('grades by the probability of going bad: each band from its lower bound', () => {
    expect([0.0199, 0.02, 0.0499, 0.05, 0.0999, 0.1, 0.1999, 0.2].map(gradeOf)).toEqual(['A', 'B', 'B', 'C', 'C', 'D', 'D', 'E']);
    expect(addMonths('2024-01', -13)).toBe('2022-12');
  });
});

describe('a scorecard trained on tradelines', () => {
  it('ranks a held-out population it never saw, and explains a risky person by what cost them points', () => {
    const random = seededRandom(7);
    const lines: TradelineFacts[] = [];
    for (let p = 0; p < 1200; p++) {
      const risk = random();
      const accounts = 1 + Math.floor(random() * (1 + risk * 4));
      for (let a = 0; a < accounts; a++) {
        let grid = '';
        for (let m = 0; m < 24; m++) {
          const late = random() < risk * (m < 12 ? 0.08 : 0.12);
          grid += late ? String(Math.min(7, 1 + Math.floor(random() * (m < 12 ? 2 : 5)))) : 'N';
        }
        lines.push({ partyKey: `p${p}`, institutionId: `i${Math.floor(random() * 6)}`, openedOn: '2022-12-01', principalFen: Math.round(100_000 + random() * 3_000_000), gridTo: '2024-12', grid });
      }
    }
    const { rows, labels } = trainingRows(lines, '2023-12', 12);
    expect(rows).toHaveLength(1200);
    const bads = labels.filter((y) => y === 1).length;
    expect(bads).toBeGreaterThan(50);
    const model = trainScorecard(rows.slice(0, 800), labels.slice(0, 800), CREDIT_FEATURES);
    const held = rows.slice(800).map((row) => scoreApplicant(model, row).pd);
    expect(auc(held, labels.slice(800))).toBeGreaterThan(0.7);
    const risky = attributesAt([line({ grid: 'NNNNNNNNNNNNNNNN44556NNN' })], '2024-12')!;
    const safe = attributesAt([line({ grid: 'NNNNNNNNNNNNNNNNNNNNNNNN' })], '2024-12')!;
    const riskyScore = scorePerson(model, 1, risky, 900_000);
    const safeScore = scorePerson(model, 1, safe, 900_000);
    expect(riskyScore.score).toBeLessThan(safeScore.score);
    expect(riskyScore.reasons[0]!.feature).toMatch(/delinquen/);
    expect(riskyScore.suggestedLimitFen).toBeLessThanOrEqual(safeScore.suggestedLimitFen);
  });
});
