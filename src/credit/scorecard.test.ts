import { describe, expect, it } from 'vitest';
import { GERMAN_COST, GERMAN_FEATURES, parseGermanCredit, readGermanCredit } from './german.js';
import {
  auc,
  bayesThreshold,
  calibration,
  crossValidatedPds,
  evaluate,
  fitLogistic,
  ks,
  pdFromScore,
  reasonCodes,
  scalingOf,
  scoreApplicant,
  scoreFromPd,
  stratifiedFolds,
  trainScorecard,
  totalCost,
  tuneScorecard,
  weightOfEvidence,
  type ApplicantRow,
  type FeatureSpec,
} from './scorecard.js';

describe('AUC and KS', () => {
  it('is 1 for a perfect ranking, 0 reversed, 0.5 when every score ties', () => {
    const labels = [0, 0, 0, 1, 1];
    expect(auc([1, 2, 3, 4, 5], labels)).toBe(1);
    expect(auc([5, 4, 3, 2, 1], labels)).toBe(0);
    expect(auc([7, 7, 7, 7, 7], labels)).toBe(0.5);
  });

  it('counts a tie between a bad and a good as one half', () => {
    // Pairs (bad, good): bad 0.8 beats both goods, bad 0.5 ties one and beats one → 3.5 / 4.
    expect(auc([0.5, 0.2, 0.8, 0.5], [0, 0, 1, 1])).toBe(0.875);
  });

  it('KS is the largest gap of the cumulative shares, ties stepped together', () => {
    expect(ks([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(ks([1, 1, 1, 1], [0, 0, 1, 1])).toBe(0);
    // Goods at 1, 2, 3; bads at 2, 4: after 1, goods 1/3 and bads 0; after 2, 2/3 and 1/2; after 3, 1 and 1/2.
    expect(ks([1, 2, 2, 3, 4], [0, 0, 1, 0, 1])).toBeCloseTo(0.5, 12);
  });

  it('calibration groups by predicted PD and the Bayes threshold of 5:1 is 1/6', () => {
    const bins = calibration([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1], 2);
    expect(bins).toEqual([
      { count: 2, meanPd: expect.closeTo(0.15, 12) as number, badRate: 0 },
      { count: 2, meanPd: expect.closeTo(0.35, 12) as number, badRate: 1 },
    ]);
    expect(bayesThreshold(GERMAN_COST)).toBeCloseTo(1 / 6, 12);
    // Accept a bad (PD 0.1 ≤ 1/6): 5; reject a good (PD 0.5): 1.
    expect(totalCost([0.1, 0.5, 0.05, 0.9], [1, 0, 0, 1], 1 / 6, GERMAN_COST)).toBe(6);
  });
});

describe('weight of evidence', () => {
  it('is negative for a bin with more bads than average, positive for fewer', () => {
    const { woe, iv } = weightOfEvidence([
      { goods: 80, bads: 10 },
      { goods: 20, bads: 30 },
    ]);
    expect(woe[0]).toBeGreaterThan(0);
    expect(woe[1]).toBeLessThan(0);
    expect(iv).toBeGreaterThan(0);
  });

  it('stays finite for a bin without bads (Laplace smoothing)', () => {
    const { woe } = weightOfEvidence([
      { goods: 50, bads: 0 },
      { goods: 50, bads: 20 },
    ]);
    expect(Number.isFinite(woe[0]!)).toBe(true);
  });
});

describe('logistic regression', () => {
  it('recovers the direction of a signal and is deterministic', () => {
    const x = Array.from({ length: 200 }, (_, i) => [((i * 37) % 200) / 100 - 1]);
    const labels = x.map(([v], i) => (v! + (((i * 53) % 100) / 100 - 0.5) > 0.2 ? 1 : 0));
    const a = fitLogistic(x, labels, 0.1);
    const b = fitLogistic(x, labels, 0.1);
    expect(a).toEqual(b);
    expect(a.coefficients[0]).toBeGreaterThan(1);
  });
});

/** A small synthetic book: risk rises with utilisation and falls with tenure; region is noise but for 'X'. */
function synthetic(n: number): { rows: ApplicantRow[]; labels: number[]; specs: FeatureSpec[] } {
  const rows: ApplicantRow[] = [];
  const labels: number[] = [];
  let s = 12345;
  const random = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const utilisation = Math.round(random() * 100);
    const tenure = Math.round(random() * 20);
    const region = ['N', 'S', 'E', 'W', 'X'][Math.floor(random() * 5)]!;
    const logit = -1 + 0.04 * (utilisation - 50) - 0.15 * (tenure - 10) + (region === 'X' ? 1 : 0);
    labels.push(random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
    rows.push({ utilisation, tenure, region });
  }
  const specs: FeatureSpec[] = [
    { name: 'utilisation', kind: 'numeric', label: { en: 'Credit utilisation', zh: '授信使用率' } },
    { name: 'tenure', kind: 'numeric', label: { en: 'Years with the lender', zh: '客户关系年限' } },
    { name: 'region', kind: 'categorical', label: { en: 'Region', zh: '地区' }, categories: { X: { en: 'region X', zh: 'X 区' } } },
  ];
  return { rows, labels, specs };
}

describe('the scorecard', () => {
  const { rows, labels, specs } = synthetic(2000);
  const model = trainScorecard(rows, labels, specs, { trainedAt: '2026-12-07T00:00:00.000Z', version: 'test-1' });

  it('bins numerics monotonically in the direction of the risk', () => {
    const utilisation = model.features.find((f) => f.name === 'utilisation')!;
    const woes = utilisation.bins.map((b) => b.woe);
    expect(woes.length).toBeGreaterThan(2);
    for (let i = 1; i < woes.length; i++) expect(woes[i]).toBeLessThan(woes[i - 1]!);
    for (const b of utilisation.bins) expect(b.goods + b.bads).toBeGreaterThanOrEqual(0.05 * rows.length);
    // Riskier bins earn fewer points.
    const points = utilisation.bins.map((b) => b.points);
    for (let i = 1; i < points.length; i++) expect(points[i]).toBeLessThanOrEqual(points[i - 1]!);
  });

  it('scores as the sum of the points of the applicant’s bins, and the PD follows the scaling', () => {
    for (const row of rows.slice(0, 50)) {
      const scored = scoreApplicant(model, row);
      const byHand = model.features.reduce((sum, f) => {
        const v = row[f.name];
        const bin = f.bins.find((b) => (b.categories ? b.categories.includes(String(v)) : (b.lower == null || Number(v) >= b.lower) && (b.upper == null || Number(v) < b.upper)))!;
        return sum + bin.points;
      }, 0);
      expect(scored.score).toBe(byHand);
      expect(scored.points.reduce((s, p) => s + p.points, 0)).toBe(scored.score);
      expect(scored.pd).toBeCloseTo(pdFromScore(scored.score, model.scaling), 12);
    }
    const scaling = scalingOf();
    expect(scoreFromPd(1 / 51, scaling)).toBeCloseTo(600, 9);
    expect(scoreFromPd(1 / 101, scaling) - scoreFromPd(1 / 51, scaling)).toBeCloseTo(20, 1);
  });

  it('names the feature that cost the most points as the first reason', () => {
    const row = { utilisation: 99, tenure: 10, region: 'N' };
    const reasons = reasonCodes(model, row, 2, specs);
    expect(reasons[0]!.feature).toBe('utilisation');
    expect(reasons[0]!.label).toEqual({ en: 'Credit utilisation', zh: '授信使用率' });
    const lost = model.features.map((f) => {
      const best = Math.max(...f.bins.map((b) => b.points));
      return { name: f.name, lost: best - scoreApplicant(model, row).points.find((p) => p.feature === f.name)!.points };
    });
    expect(reasons[0]!.pointsLost).toBe(Math.max(...lost.map((l) => l.lost)));
    const x = reasonCodes(model, { utilisation: 0, tenure: 20, region: 'X' }, 3, specs);
    expect(x[0]!.feature).toBe('region');
    expect(x[0]!.value).toEqual({ en: 'region X', zh: 'X 区' });
  });

  it('scores a code never seen in training as the riskiest bin', () => {
    const region = model.features.find((f) => f.name === 'region')!;
    const lowest = Math.min(...region.bins.map((b) => b.points));
    expect(scoreApplicant(model, { utilisation: 50, tenure: 10, region: 'Z' }).points.find((p) => p.feature === 'region')!.points).toBe(lowest);
  });

  it('leaves out sensitive attributes when told to, and weak ones below the IV threshold', () => {
    const marked = specs.map((s) => (s.name === 'region' ? { ...s, sensitive: true } : s));
    const without = trainScorecard(rows, labels, marked, { includeSensitive: false, trainedAt: 'x' });
    expect(without.features.map((f) => f.name)).toEqual(['utilisation', 'tenure']);
    expect(without.excluded).toEqual([{ name: 'region', reason: 'sensitive attribute' }]);
    const region = model.features.find((f) => f.name === 'region')!;
    const strict = trainScorecard(rows, labels, specs, { minIv: region.iv + 1e-9, trainedAt: 'x' });
    expect(strict.features.map((f) => f.name)).not.toContain('region');
  });

  it('tunes options by inner cross-validation on the rows given, deterministically', () => {
    const grid = [{ l2: 1, minBinShare: 0.05 }, { l2: 1000, minBinShare: 0.2, maxBins: 2 }];
    const tuned = tuneScorecard(rows.slice(0, 1000), labels.slice(0, 1000), specs, grid, { folds: 5, seed: 3, cost: GERMAN_COST });
    expect(tuned.tried.map((t) => t.options)).toEqual(grid);
    expect(tuned.options).toEqual(grid[0]);
    expect(tuned.innerAuc).toBeGreaterThan(tuned.tried[1]!.auc);
    expect(tuned.threshold).toBeGreaterThan(0);
    expect(tuneScorecard(rows.slice(0, 1000), labels.slice(0, 1000), specs, grid, { folds: 5, seed: 3, cost: GERMAN_COST })).toEqual(tuned);
  });

  it('trains deterministically into plain JSON', () => {
    const again = trainScorecard(rows, labels, specs, { trainedAt: '2026-12-07T00:00:00.000Z', version: 'test-1' });
    expect(again).toEqual(model);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});

describe('stratified folds', () => {
  it('keep every fold’s bads within one row of each other, cover each row once, and repeat with the seed', () => {
    const labels = Array.from({ length: 1003 }, (_, i) => (i % 10 < 3 ? 1 : 0));
    const folds = stratifiedFolds(labels, 10, 7);
    const bads = folds.map((f) => f.filter((i) => labels[i] === 1).length);
    expect(Math.max(...bads) - Math.min(...bads)).toBeLessThanOrEqual(1);
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(stratifiedFolds(labels, 10, 7)).toEqual(folds);
    expect(stratifiedFolds(labels, 10, 8)).not.toEqual(folds);
  });
});

describe('German Credit', () => {
  const { rows, labels } = readGermanCredit();

  it('reads 1,000 applicants, 300 of them bad', () => {
    expect(rows).toHaveLength(1000);
    expect(labels.filter((y) => y === 1)).toHaveLength(300);
    expect(rows[0]).toMatchObject({ checking_status: 'A11', duration: 6, credit_history: 'A34', age: 67, foreign_worker: 'A201' });
    expect(() => parseGermanCredit('A11,6\n')).toThrow(/fields/);
  });

  it('reaches a 10-fold cross-validated AUC of at least 0.79', () => {
    // Default options, no tuning: the benchmark (bench/credit/german.ts) tunes inside the folds.
    const { pds } = crossValidatedPds(labels, 10, 1, (train) => {
      const model = trainScorecard(
        train.map((i) => rows[i]!),
        train.map((i) => labels[i]!),
        GERMAN_FEATURES,
        { trainedAt: 'cv' },
      );
      return (i) => scoreApplicant(model, rows[i]!).pd;
    });
    const metrics = evaluate(pds, labels, GERMAN_COST);
    expect(metrics.auc).toBeGreaterThanOrEqual(0.79);
    expect(metrics.ks).toBeGreaterThan(0.4);
    expect(metrics.costBayes).toBeLessThan(0.6);
  });
});
