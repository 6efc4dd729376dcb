/**
 * The explainable credit scorecard: coarse-classed bins with weight of evidence, a logistic
 * regression on those weights, and points per bin that add up to the score a supervisor reads.
 *
 * Conventions, fixed throughout:
 *   - a label of 1 is a bad (default), 0 a good;
 *   - WoE = ln(%good / %bad) of a bin, Laplace-smoothed, so a bin riskier than average has a
 *     negative WoE;
 *   - the regression models ln(P(bad) / P(good)) = intercept + Σ coefficient × WoE, so a feature
 *     that separates in the expected direction has a negative coefficient;
 *   - the score rises with the odds of good: base 600 points at odds 50:1 (good:bad), and 20 more
 *     points for each doubling of the odds (PDO 20). A score of 600 is a PD of 1/51 ≈ 2%, 512
 *     about 30% (odds 7:3, the German Credit average), 487 even odds (PD 50%).
 *
 * The score of an applicant is the sum of the integer points of its bins, nothing else: the points
 * table printed is the whole model. Its PD is read back from the score by the scaling.
 *
 * Everything is deterministic: ties are broken by position, folds by a seeded generator, and the
 * regression starts from the same point every time.
 */

// ---------------------------------------------------------------------------------------------
// Types

export interface BilingualLabel {
  en: string;
  zh: string;
}

/** One applicant's attributes, by feature name. A missing numeric value is null, NaN or ''. */
export type ApplicantRow = Readonly<Record<string, string | number | null | undefined>>;

interface FeatureSpecBase {
  /** The attribute's key in an ApplicantRow. */
  name: string;
  label: BilingualLabel;
  /**
   * A protected or sensitive attribute (sex, nationality, …): kept only when the trainer is told
   * to, so a scorecard can be built and compared without it.
   */
  sensitive?: boolean;
}

export interface CategoricalFeatureSpec extends FeatureSpecBase {
  kind: 'categorical';
  /** Readable names of the codes, for the points table and the reason codes. */
  categories?: Readonly<Record<string, BilingualLabel>>;
}

export interface NumericFeatureSpec extends FeatureSpecBase {
  kind: 'numeric';
  /**
   * The bad rate across the bins: 'auto' keeps whichever monotone direction carries more
   * information; 'none' lets it bend (a U shape, say); 'ascending' means riskier as it grows.
   */
  monotone?: 'auto' | 'ascending' | 'descending' | 'none';
  /** The unit, shown with the bin bounds. */
  unit?: BilingualLabel;
}

export type FeatureSpec = CategoricalFeatureSpec | NumericFeatureSpec;

/** A bin of a trained feature, with its counts on the training data, its WoE and its points. */
export interface ScorecardBin {
  /** Readable description: '< 12', '[12, 24)', '≥ 36', or the category codes joined. */
  label: string;
  /** Numeric bins: [lower, upper), null for an open end. */
  lower?: number | null;
  upper?: number | null;
  /** Categorical bins: the codes grouped in it. */
  categories?: string[];
  /** The bin that takes missing values (numeric) or codes not seen in training (categorical). */
  fallback?: boolean;
  goods: number;
  bads: number;
  woe: number;
  points: number;
}

export interface ScorecardFeature {
  name: string;
  kind: 'categorical' | 'numeric';
  label: BilingualLabel;
  /** Information value of the coarse bins on the training data. */
  iv: number;
  coefficient: number;
  bins: ScorecardBin[];
}

export interface ScoreScaling {
  /** The score at baseOdds (good:bad). */
  baseScore: number;
  baseOdds: number;
  /** Points to double the odds. */
  pdo: number;
  /** pdo / ln 2. */
  factor: number;
  /** baseScore − factor × ln(baseOdds). */
  offset: number;
}

export interface CalibrationBin {
  count: number;
  meanPd: number;
  badRate: number;
}

export interface CostMatrix {
  /** Cost of accepting (predicting good for) an applicant who turns out bad. */
  acceptBad: number;
  /** Cost of rejecting (predicting bad for) an applicant who would have been good. */
  rejectGood: number;
}

export interface ValidationMetrics {
  n: number;
  bads: number;
  auc: number;
  ks: number;
  brier: number;
  calibration: CalibrationBin[];
  /** Average cost per applicant when rejecting every PD above the Bayes threshold. */
  costBayes?: number;
  bayesThreshold?: number;
  /** Average cost per applicant at the thresholds tuned on training data only. */
  costTuned?: number;
}

export interface ScorecardVersion {
  version: string;
  trainedAt: string;
  /** What was trained on, what options were used: for the record. */
  training: { rows: number; bads: number; options: Required<Omit<ScorecardOptions, 'scaling'>> };
  features: ScorecardFeature[];
  /** Features given but not in the scorecard, and why. */
  excluded: { name: string; reason: string }[];
  coefficients: Record<string, number>;
  intercept: number;
  scaling: ScoreScaling;
  /** Validation metrics (cross-validated, normally) stored with the version. */
  metrics?: Record<string, unknown>;
}

export interface ScorecardOptions {
  /** Quantile bins before merging. */
  fineBins?: number;
  /** Smallest share of the training rows a bin may hold. */
  minBinShare?: number;
  /** At most this many bins per feature after merging. */
  maxBins?: number;
  /** Adjacent bins whose goods and bads differ less than this chi-square (1 d.f.) are merged. */
  mergeChiSquare?: number;
  /** Laplace pseudo-count added to the goods and bads of each bin. */
  smoothing?: number;
  /** L2 penalty on the coefficients (not the intercept). */
  l2?: number;
  /** Leave out features whose information value is below this. */
  minIv?: number;
  /** Refit without features whose coefficient has the wrong sign (points against their WoE). */
  dropWrongSign?: boolean;
  /** Keep features marked sensitive. */
  includeSensitive?: boolean;
  scaling?: { baseScore: number; baseOdds: number; pdo: number };
  version?: string;
  trainedAt?: string;
}

const DEFAULTS = {
  fineBins: 20,
  minBinShare: 0.05,
  maxBins: 6,
  mergeChiSquare: 0,
  smoothing: 0.5,
  l2: 1,
  minIv: 0,
  dropWrongSign: true,
  includeSensitive: true,
  version: '0',
  trainedAt: '',
};

export const DEFAULT_SCALING = { baseScore: 600, baseOdds: 50, pdo: 20 } as const;

// ---------------------------------------------------------------------------------------------
// Helpers

function isMissing(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value));
}

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function scalingOf(s: { baseScore: number; baseOdds: number; pdo: number } = DEFAULT_SCALING): ScoreScaling {
  const factor = s.pdo / Math.LN2;
  return { baseScore: s.baseScore, baseOdds: s.baseOdds, pdo: s.pdo, factor, offset: s.baseScore - factor * Math.log(s.baseOdds) };
}

/** The probability of default a score stands for. */
export function pdFromScore(score: number, scaling: ScoreScaling): number {
  const lnOddsGood = (score - scaling.offset) / scaling.factor;
  return 1 / (1 + Math.exp(lnOddsGood));
}

/** The score of a probability of default (not rounded). */
export function scoreFromPd(pd: number, scaling: ScoreScaling): number {
  return scaling.offset + scaling.factor * Math.log((1 - pd) / pd);
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and folds

/** A small seeded generator (mulberry32): the same seed gives the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Stratified k folds: the bads shuffled and dealt round the folds, then the goods dealt on from
 * where the bads stopped, so every fold holds the same number of bads give or take one, and the
 * same number of rows give or take one. Returns the test indices of each fold, sorted.
 */
export function stratifiedFolds(labels: readonly number[], k: number, seed: number): number[][] {
  if (k < 2 || k > labels.length) throw new Error(`cannot make ${k} folds of ${labels.length} rows`);
  const random = seededRandom(seed);
  const bads = shuffled(labels.flatMap((y, i) => (y === 1 ? [i] : [])), random);
  const goods = shuffled(labels.flatMap((y, i) => (y === 1 ? [] : [i])), random);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const i of [...bads, ...goods]) {
    folds[next]!.push(i);
    next = (next + 1) % k;
  }
  return folds.map((fold) => fold.sort((a, b) => a - b));
}

// ---------------------------------------------------------------------------------------------
// Binning

interface WorkBin {
  lower: number | null;
  upper: number | null;
  categories: string[];
  goods: number;
  bads: number;
  fallback?: boolean;
}

const badRate = (b: WorkBin) => (b.bads + 0.5) / (b.goods + b.bads + 1);

function merged(a: WorkBin, b: WorkBin): WorkBin {
  return {
    lower: a.lower,
    upper: b.upper,
    categories: [...a.categories, ...b.categories],
    goods: a.goods + b.goods,
    bads: a.bads + b.bads,
  };
}

/** Pearson's chi-square of the 2×2 table of two bins' goods and bads. */
function chiSquare(a: WorkBin, b: WorkBin): number {
  const n = a.goods + a.bads + b.goods + b.bads;
  const goods = a.goods + b.goods;
  const bads = a.bads + b.bads;
  if (goods === 0 || bads === 0) return 0;
  let chi = 0;
  for (const bin of [a, b]) {
    const rows = bin.goods + bin.bads;
    const expectedGood = (rows * goods) / n;
    const expectedBad = (rows * bads) / n;
    chi += (bin.goods - expectedGood) ** 2 / expectedGood + (bin.bads - expectedBad) ** 2 / expectedBad;
  }
  return chi;
}

function mergeAt(bins: WorkBin[], i: number): WorkBin[] {
  return [...bins.slice(0, i), merged(bins[i]!, bins[i + 1]!), ...bins.slice(i + 2)];
}

/**
 * Coarse classing of ordered bins: first every bin too small (rows, goods or bads) is merged with
 * the neighbour closer in bad rate; then, if asked, the bad rate made monotone; then the adjacent
 * pair least different (smallest chi-square) merged while there are more than maxBins or the pair
 * is below the chi-square threshold.
 */
function coarse(
  start: WorkBin[],
  minRows: number,
  minClass: number,
  maxBins: number,
  mergeChi: number,
  direction: 1 | -1 | 0,
): WorkBin[] {
  let bins = start.filter((b) => b.goods + b.bads > 0);
  const small = (b: WorkBin) => b.goods + b.bads < minRows || b.goods < minClass || b.bads < minClass;
  while (bins.length > 1) {
    let worst = -1;
    for (let i = 0; i < bins.length; i++) {
      const b = bins[i]!;
      if (small(b) && (worst < 0 || b.goods + b.bads < bins[worst]!.goods + bins[worst]!.bads)) worst = i;
    }
    if (worst < 0) break;
    if (worst === 0) bins = mergeAt(bins, 0);
    else if (worst === bins.length - 1) bins = mergeAt(bins, worst - 1);
    else {
      const here = badRate(bins[worst]!);
      const left = Math.abs(badRate(bins[worst - 1]!) - here);
      const right = Math.abs(badRate(bins[worst + 1]!) - here);
      bins = right < left ? mergeAt(bins, worst) : mergeAt(bins, worst - 1);
    }
  }
  if (direction !== 0) {
    // Merge the first pair out of order until none is: pooling adjacent violators.
    for (let i = 0; i < bins.length - 1; ) {
      if ((badRate(bins[i + 1]!) - badRate(bins[i]!)) * direction < 0) {
        bins = mergeAt(bins, i);
        i = Math.max(0, i - 1);
      } else i++;
    }
  }
  while (bins.length > 1) {
    let best = 0;
    let bestChi = Infinity;
    for (let i = 0; i < bins.length - 1; i++) {
      const chi = chiSquare(bins[i]!, bins[i + 1]!);
      if (chi < bestChi) {
        bestChi = chi;
        best = i;
      }
    }
    if (bins.length > maxBins || bestChi < mergeChi) bins = mergeAt(bins, best);
    else break;
  }
  return bins;
}

function informationValue(bins: readonly WorkBin[], smoothing: number): { iv: number; woe: number[] } {
  const k = bins.length;
  const goods = bins.reduce((s, b) => s + b.goods, 0);
  const bads = bins.reduce((s, b) => s + b.bads, 0);
  let iv = 0;
  const woe = bins.map((b) => {
    const pg = (b.goods + smoothing) / (goods + k * smoothing);
    const pb = (b.bads + smoothing) / (bads + k * smoothing);
    const w = Math.log(pg / pb);
    iv += (pg - pb) * w;
    return w;
  });
  return { iv, woe };
}

/** WoE = ln(%good / %bad) of each bin, with `smoothing` added to every bin's goods and bads. */
export function weightOfEvidence(bins: readonly { goods: number; bads: number }[], smoothing = DEFAULTS.smoothing): { iv: number; woe: number[] } {
  return informationValue(
    bins.map((b) => ({ lower: null, upper: null, categories: [], goods: b.goods, bads: b.bads })),
    smoothing,
  );
}

function numericLabel(lower: number | null, upper: number | null): string {
  if (lower === null && upper === null) return 'all';
  if (lower === null) return `< ${upper}`;
  if (upper === null) return `≥ ${lower}`;
  return `[${lower}, ${upper})`;
}

function binNumeric(
  spec: NumericFeatureSpec,
  rows: readonly ApplicantRow[],
  labels: readonly number[],
  o: typeof DEFAULTS,
): WorkBin[] {
  const present: { v: number; y: number }[] = [];
  let missingGoods = 0;
  let missingBads = 0;
  rows.forEach((row, i) => {
    const raw = row[spec.name];
    if (isMissing(raw)) {
      if (labels[i] === 1) missingBads++;
      else missingGoods++;
    } else present.push({ v: toNumber(raw), y: labels[i]! });
  });
  present.sort((a, b) => a.v - b.v);
  const cuts: number[] = [];
  for (let q = 1; q < o.fineBins; q++) {
    const v = present[Math.floor((present.length * q) / o.fineBins)]?.v;
    if (v !== undefined && v > (present[0]?.v ?? v) && v !== cuts[cuts.length - 1]) cuts.push(v);
  }
  const fine: WorkBin[] = [null, ...cuts].map((lower, i) => ({
    lower,
    upper: cuts[i] ?? null,
    categories: [],
    goods: 0,
    bads: 0,
  }));
  let b = 0;
  for (const { v, y } of present) {
    while (b < cuts.length && v >= cuts[b]!) b++;
    if (y === 1) fine[b]!.bads++;
    else fine[b]!.goods++;
  }
  const minRows = Math.ceil(o.minBinShare * rows.length);
  const minClass = 1;
  const attempt = (direction: 1 | -1 | 0) => coarse(fine, minRows, minClass, o.maxBins, o.mergeChiSquare, direction);
  const monotone = spec.monotone ?? 'auto';
  let bins: WorkBin[];
  if (monotone === 'auto') {
    const up = attempt(1);
    const down = attempt(-1);
    bins = informationValue(up, o.smoothing).iv >= informationValue(down, o.smoothing).iv ? up : down;
  } else bins = attempt(monotone === 'ascending' ? 1 : monotone === 'descending' ? -1 : 0);
  // Missing values: a bin of their own when there are enough, otherwise scored as the riskiest bin.
  if (missingGoods + missingBads >= Math.max(minRows, 1)) {
    bins.push({ lower: null, upper: null, categories: [], goods: missingGoods, bads: missingBads, fallback: true });
  }
  return bins;
}

function binCategorical(
  spec: CategoricalFeatureSpec,
  rows: readonly ApplicantRow[],
  labels: readonly number[],
  o: typeof DEFAULTS,
): WorkBin[] {
  const counts = new Map<string, WorkBin>();
  rows.forEach((row, i) => {
    const code = isMissing(row[spec.name]) ? '' : String(row[spec.name]);
    let bin = counts.get(code);
    if (!bin) counts.set(code, (bin = { lower: null, upper: null, categories: [code], goods: 0, bads: 0 }));
    if (labels[i] === 1) bin.bads++;
    else bin.goods++;
  });
  const minRows = Math.ceil(o.minBinShare * rows.length);
  // Rare codes first pooled together, then everything ordered by bad rate so that coarse classing
  // groups codes of similar risk (nominal codes have no order of their own).
  const rare = [...counts.values()].filter((b) => b.goods + b.bads < minRows);
  let bins = [...counts.values()].filter((b) => b.goods + b.bads >= minRows);
  if (rare.length > 0) bins.push(rare.reduce(merged));
  bins.sort((a, b) => badRate(a) - badRate(b) || (a.categories[0]! < b.categories[0]! ? -1 : 1));
  bins = coarse(bins, minRows, 1, o.maxBins, o.mergeChiSquare, 0);
  for (const bin of bins) bin.categories.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return bins;
}

function binOf(feature: ScorecardFeature, value: unknown): number {
  const missing = isMissing(value);
  if (feature.kind === 'numeric') {
    if (missing) {
      const fallback = feature.bins.findIndex((b) => b.fallback);
      return fallback >= 0 ? fallback : lowestPoints(feature);
    }
    const v = toNumber(value);
    const i = feature.bins.findIndex((b) => !b.fallback && (b.lower === null || b.lower === undefined || v >= b.lower) && (b.upper === null || b.upper === undefined || v < b.upper));
    return i >= 0 ? i : lowestPoints(feature);
  }
  const code = missing ? '' : String(value);
  const i = feature.bins.findIndex((b) => b.categories?.includes(code));
  // A code never seen in training earns no credit: it scores as the riskiest bin.
  return i >= 0 ? i : lowestPoints(feature);
}

function lowestPoints(feature: ScorecardFeature): number {
  let low = 0;
  feature.bins.forEach((b, i) => {
    if (b.points < feature.bins[low]!.points || (b.points === feature.bins[low]!.points && b.woe < feature.bins[low]!.woe)) low = i;
  });
  return low;
}

// ---------------------------------------------------------------------------------------------
// Logistic regression

/** Solves A x = b (A square) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]!;
    if (Math.abs(p) < 1e-300) throw new Error('singular system in logistic regression');
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / p;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
}

/**
 * Logistic regression of labels (1 = bad) on the columns of x by Newton's method (iteratively
 * reweighted least squares), with an L2 penalty `l2` on the coefficients but not the intercept:
 * it minimises −log-likelihood + l2/2 × Σ coefficient². Starts from zero coefficients and the
 * intercept of the overall bad rate, so it is deterministic.
 */
export function fitLogistic(x: readonly (readonly number[])[], labels: readonly number[], l2 = 1, maxIterations = 100): LogisticFit {
  const n = x.length;
  const p = x[0]?.length ?? 0;
  const mean = labels.reduce((s, y) => s + y, 0) / Math.max(n, 1);
  const beta = new Array<number>(p + 1).fill(0);
  beta[0] = Math.log(Math.min(Math.max(mean, 1e-6), 1 - 1e-6) / (1 - Math.min(Math.max(mean, 1e-6), 1 - 1e-6)));
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Array<number>(p + 1).fill(0);
    const hess = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const row = x[i]!;
      let eta = beta[0]!;
      for (let j = 0; j < p; j++) eta += beta[j + 1]! * row[j]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = Math.max(mu * (1 - mu), 1e-10);
      const r = mu - labels[i]!;
      grad[0]! += r;
      hess[0]![0]! += w;
      for (let j = 0; j < p; j++) {
        const xj = row[j]!;
        grad[j + 1]! += r * xj;
        hess[0]![j + 1]! += w * xj;
        for (let k = j; k < p; k++) hess[j + 1]![k + 1]! += w * xj * row[k]!;
      }
    }
    for (let j = 0; j <= p; j++) for (let k = 0; k < j; k++) hess[j]![k] = hess[k]![j]!;
    for (let j = 1; j <= p; j++) {
      grad[j]! += l2 * beta[j]!;
      hess[j]![j]! += l2;
    }
    const step = solve(hess, grad);
    let largest = 0;
    for (let j = 0; j <= p; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < 1e-10) {
      iterations++;
      break;
    }
  }
  return { intercept: beta[0]!, coefficients: beta.slice(1), iterations };
}

// ---------------------------------------------------------------------------------------------
// Training and scoring

/** Trains a scorecard on rows and labels (1 = bad) with the given feature specs. */
export function trainScorecard(
  rows: readonly ApplicantRow[],
  labels: readonly number[],
  specs: readonly FeatureSpec[],
  options: ScorecardOptions = {},
): ScorecardVersion {
  if (rows.length !== labels.length) throw new Error('rows and labels differ in length');
  const bads = labels.filter((y) => y === 1).length;
  if (bads === 0 || bads === rows.length) throw new Error('training needs both goods and bads');
  const { scaling: scalingOption, ...rest } = options;
  const o = { ...DEFAULTS, ...rest };
  const scaling = scalingOf(scalingOption ?? DEFAULT_SCALING);
  const excluded: { name: string; reason: string }[] = [];

  let candidates: { spec: FeatureSpec; bins: WorkBin[]; woe: number[]; iv: number }[] = [];
  for (const spec of specs) {
    if (spec.sensitive && !o.includeSensitive) {
      excluded.push({ name: spec.name, reason: 'sensitive attribute' });
      continue;
    }
    const bins = spec.kind === 'numeric' ? binNumeric(spec, rows, labels, o) : binCategorical(spec, rows, labels, o);
    const { iv, woe } = informationValue(bins, o.smoothing);
    if (bins.length < 2) excluded.push({ name: spec.name, reason: 'a single bin after coarse classing' });
    else if (iv < o.minIv) excluded.push({ name: spec.name, reason: `information value ${iv.toFixed(3)} below ${o.minIv}` });
    else candidates.push({ spec, bins, woe, iv });
  }

  // Each row's bin per feature, looked up once.
  const indices = new Map(
    candidates.map((c) => {
      const lookup: ScorecardFeature = {
        name: c.spec.name,
        kind: c.spec.kind,
        label: c.spec.label,
        iv: c.iv,
        coefficient: 0,
        bins: c.bins.map((b, i) => ({ ...b, label: '', woe: c.woe[i]!, points: c.woe[i]! })),
      };
      return [c.spec.name, rows.map((row) => binOf(lookup, row[c.spec.name]))] as const;
    }),
  );

  let fit: LogisticFit;
  for (;;) {
    const x = rows.map((_, i) => candidates.map((c) => c.woe[indices.get(c.spec.name)![i]!]!));
    fit = fitLogistic(x, labels, o.l2);
    if (!o.dropWrongSign) break;
    // WoE is higher for safer bins, so a coefficient on ln-odds of bad must be negative.
    let worst = -1;
    fit.coefficients.forEach((b, j) => {
      if (b > 0 && (worst < 0 || b > fit.coefficients[worst]!)) worst = j;
    });
    if (worst < 0) break;
    excluded.push({ name: candidates[worst]!.spec.name, reason: 'coefficient of the wrong sign next to the others' });
    candidates = candidates.filter((_, j) => j !== worst);
  }

  // Points: the intercept's share spread evenly over the features, each bin rounded on its own;
  // the score is the sum of the rounded points.
  const m = candidates.length;
  const share = m > 0 ? (scaling.offset - scaling.factor * fit.intercept) / m : 0;
  const features: ScorecardFeature[] = candidates.map((c, j) => {
    const beta = fit.coefficients[j]!;
    return {
      name: c.spec.name,
      kind: c.spec.kind,
      label: c.spec.label,
      iv: c.iv,
      coefficient: beta,
      bins: c.bins.map((b, k) => {
        const bin: ScorecardBin = {
          label: b.fallback ? 'missing' : c.spec.kind === 'numeric' ? numericLabel(b.lower, b.upper) : b.categories.join(', '),
          goods: b.goods,
          bads: b.bads,
          woe: c.woe[k]!,
          points: Math.round(share - scaling.factor * beta * c.woe[k]!),
        };
        if (c.spec.kind === 'numeric') {
          bin.lower = b.lower;
          bin.upper = b.upper;
        } else bin.categories = b.categories;
        if (b.fallback) bin.fallback = true;
        return bin;
      }),
    };
  });
  return {
    version: o.version,
    trainedAt: o.trainedAt || new Date().toISOString(),
    training: {
      rows: rows.length,
      bads,
      options: {
        fineBins: o.fineBins,
        minBinShare: o.minBinShare,
        maxBins: o.maxBins,
        mergeChiSquare: o.mergeChiSquare,
        smoothing: o.smoothing,
        l2: o.l2,
        minIv: o.minIv,
        dropWrongSign: o.dropWrongSign,
        includeSensitive: o.includeSensitive,
        version: o.version,
        trainedAt: o.trainedAt,
      },
    },
    features,
    excluded,
    coefficients: Object.fromEntries(features.map((f) => [f.name, f.coefficient])),
    intercept: fit.intercept,
    scaling,
  };
}

export interface ScoredApplicant {
  score: number;
  pd: number;
  points: { feature: string; bin: string; points: number }[];
}

export function scoreApplicant(model: ScorecardVersion, row: ApplicantRow): ScoredApplicant {
  const points = model.features.map((f) => {
    const bin = f.bins[binOf(f, row[f.name])]!;
    return { feature: f.name, bin: bin.label, points: bin.points };
  });
  const score = points.reduce((s, p) => s + p.points, 0);
  return { score, pd: pdFromScore(score, model.scaling), points };
}

export interface ReasonCode {
  feature: string;
  label: BilingualLabel;
  /** The applicant's bin, and its readable value where the spec names the codes. */
  bin: string;
  value?: BilingualLabel;
  points: number;
  /** The most points any bin of the feature gives. */
  bestPoints: number;
  /** bestPoints − points: what this attribute cost the applicant. */
  pointsLost: number;
}

/**
 * Why an applicant scored as it did: the features whose bin cost the most points against the
 * best bin of the feature, largest loss first, at most `top`; features at their best bin are not
 * reasons. Labels come from the specs (the model holds the feature labels; code labels, if given).
 */
export function reasonCodes(model: ScorecardVersion, row: ApplicantRow, top = 4, specs: readonly FeatureSpec[] = []): ReasonCode[] {
  const specByName = new Map(specs.map((s) => [s.name, s]));
  const reasons: ReasonCode[] = model.features.map((f) => {
    const bin = f.bins[binOf(f, row[f.name])]!;
    const bestPoints = Math.max(...f.bins.map((b) => b.points));
    const reason: ReasonCode = { feature: f.name, label: f.label, bin: bin.label, points: bin.points, bestPoints, pointsLost: bestPoints - bin.points };
    const spec = specByName.get(f.name);
    const raw = row[f.name];
    if (spec?.kind === 'categorical' && !isMissing(raw) && spec.categories?.[String(raw)]) reason.value = spec.categories[String(raw)]!;
    return reason;
  });
  return reasons
    .filter((r) => r.pointsLost > 0)
    .sort((a, b) => b.pointsLost - a.pointsLost || a.feature.localeCompare(b.feature))
    .slice(0, top);
}

// ---------------------------------------------------------------------------------------------
// Metrics

/**
 * Area under the ROC curve of `scores` (higher = more likely bad) against labels (1 = bad): the
 * Mann–Whitney statistic with tied scores given their average rank, so a tie counts one half.
 */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let rankSumBad = 0;
  let bads = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k]!.y === 1) {
        rankSumBad += averageRank;
        bads++;
      }
    }
    i = j;
  }
  const goods = order.length - bads;
  if (bads === 0 || goods === 0) return NaN;
  return (rankSumBad - (bads * (bads + 1)) / 2) / (bads * goods);
}

/**
 * Kolmogorov–Smirnov statistic: the largest gap between the cumulative shares of bads and goods
 * over the scores, stepping over tied scores together.
 */
export function ks(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  const bads = labels.filter((y) => y === 1).length;
  const goods = labels.length - bads;
  if (bads === 0 || goods === 0) return NaN;
  let cb = 0;
  let cg = 0;
  let best = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) {
      if (order[j]!.y === 1) cb++;
      else cg++;
      j++;
    }
    best = Math.max(best, Math.abs(cb / bads - cg / goods));
    i = j;
  }
  return best;
}

export function brier(pds: readonly number[], labels: readonly number[]): number {
  return pds.reduce((s, p, i) => s + (p - labels[i]!) ** 2, 0) / pds.length;
}

/** Calibration: the rows in `bins` groups of equal size by predicted PD, mean PD against bad rate. */
export function calibration(pds: readonly number[], labels: readonly number[], bins = 10): CalibrationBin[] {
  const order = pds.map((p, i) => ({ p, y: labels[i]!, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const slice = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (slice.length === 0) continue;
    out.push({
      count: slice.length,
      meanPd: slice.reduce((s, r) => s + r.p, 0) / slice.length,
      badRate: slice.reduce((s, r) => s + r.y, 0) / slice.length,
    });
  }
  return out;
}

/** The Bayes threshold on PD: reject above it. For 5:1 it is 1/6. */
export function bayesThreshold(cost: CostMatrix): number {
  return cost.rejectGood / (cost.rejectGood + cost.acceptBad);
}

/** Total cost of rejecting every applicant whose PD is above `threshold`. */
export function totalCost(pds: readonly number[], labels: readonly number[], threshold: number, cost: CostMatrix): number {
  let total = 0;
  pds.forEach((p, i) => {
    const reject = p > threshold;
    if (reject && labels[i] === 0) total += cost.rejectGood;
    if (!reject && labels[i] === 1) total += cost.acceptBad;
  });
  return total;
}

/**
 * The PD threshold with the least total cost on these (training) predictions: every midpoint
 * between distinct PDs is tried; ties go to the threshold nearest the Bayes one.
 */
export function tuneThreshold(pds: readonly number[], labels: readonly number[], cost: CostMatrix): number {
  const distinct = [...new Set(pds)].sort((a, b) => a - b);
  const candidates = [-Infinity, ...distinct.slice(0, -1).map((p, i) => (p + distinct[i + 1]!) / 2), Infinity];
  const bayes = bayesThreshold(cost);
  let best = bayes;
  let bestCost = totalCost(pds, labels, bayes, cost);
  for (const t of candidates) {
    const c = totalCost(pds, labels, t, cost);
    if (c < bestCost || (c === bestCost && Math.abs(t - bayes) < Math.abs(best - bayes))) {
      best = t;
      bestCost = c;
    }
  }
  return best;
}

/** AUC, KS, Brier and calibration of PDs against labels; costs when a cost matrix is given. */
export function evaluate(pds: readonly number[], labels: readonly number[], cost?: CostMatrix): ValidationMetrics {
  const metrics: ValidationMetrics = {
    n: labels.length,
    bads: labels.filter((y) => y === 1).length,
    auc: auc(pds, labels),
    ks: ks(pds, labels),
    brier: brier(pds, labels),
    calibration: calibration(pds, labels),
  };
  if (cost) {
    metrics.bayesThreshold = bayesThreshold(cost);
    metrics.costBayes = totalCost(pds, labels, metrics.bayesThreshold, cost) / labels.length;
  }
  return metrics;
}

// ---------------------------------------------------------------------------------------------
// Cross-validation

/** A model maker for cross-validation: trains on some rows and returns a PD function. */
export type Learner = (trainIndices: readonly number[]) => (testIndex: number) => number;

/** Out-of-fold predictions: each row's PD from the model trained on the other k − 1 folds. */
export function crossValidatedPds(
  labels: readonly number[],
  k: number,
  seed: number,
  learner: Learner,
): { pds: number[]; folds: number[][] } {
  const folds = stratifiedFolds(labels, k, seed);
  const pds = new Array<number>(labels.length).fill(NaN);
  folds.forEach((test, f) => {
    const train = folds.flatMap((fold, g) => (g === f ? [] : fold)).sort((a, b) => a - b);
    const predict = learner(train);
    for (const i of test) pds[i] = predict(i);
  });
  return { pds, folds };
}

export interface TunedScorecard {
  /** The options of the grid with the best inner cross-validated AUC. */
  options: ScorecardOptions;
  innerAuc: number;
  /** Cost-optimal PD threshold on the inner out-of-fold predictions of those options. */
  threshold?: number;
  /** Inner AUC of every option set tried, in grid order. */
  tried: { options: ScorecardOptions; auc: number }[];
}

/**
 * Chooses scorecard options from a grid by inner stratified cross-validation on the rows given,
 * which must be training rows only: the best inner AUC wins, an earlier grid entry on a tie. When a
 * cost matrix is given, the cost-optimal threshold is tuned on the winner's inner out-of-fold PDs.
 */
export function tuneScorecard(
  rows: readonly ApplicantRow[],
  labels: readonly number[],
  specs: readonly FeatureSpec[],
  grid: readonly ScorecardOptions[],
  inner: { folds: number; seed: number; cost?: CostMatrix },
): TunedScorecard {
  if (grid.length === 0) throw new Error('an empty grid');
  let best = 0;
  let bestPds: number[] = [];
  const tried: { options: ScorecardOptions; auc: number }[] = [];
  grid.forEach((options, g) => {
    const { pds } = crossValidatedPds(labels, inner.folds, inner.seed, (train) => {
      const model = trainScorecard(
        train.map((i) => rows[i]!),
        train.map((i) => labels[i]!),
        specs,
        { ...options, trainedAt: options.trainedAt ?? 'inner' },
      );
      return (i) => scoreApplicant(model, rows[i]!).pd;
    });
    tried.push({ options, auc: auc(pds, labels) });
    if (g === 0 || tried[g]!.auc > tried[best]!.auc) {
      best = g;
      bestPds = pds;
    }
  });
  return {
    options: grid[best]!,
    innerAuc: tried[best]!.auc,
    ...(inner.cost ? { threshold: tuneThreshold(bestPds, labels, inner.cost) } : {}),
    tried,
  };
}
