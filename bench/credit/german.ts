/**
 * The scorecard on German Credit (`npm run bench:credit:german -- --seeds 1,2,3`).
 *
 * Runs 10-fold stratified cross-validation, once per seed, of
 *   (a) the scorecard (src/credit/scorecard.ts): for each outer fold its options (L2 penalty,
 *       smallest bin share) are chosen by an inner 5-fold cross-validation on the nine training
 *       folds only, and so is its cost-optimal threshold; the test fold is scored once;
 *   (b) a plain logistic regression on the raw attributes, one-hot encoded (every level), the
 *       numeric ones standardised with the training folds' mean and deviation, with the small L2
 *       penalty that makes a full one-hot design identifiable;
 * and reports, each averaged over the seeds (per-seed figures kept):
 *   german_auc_cv10   out-of-fold AUC of the scorecard's integer score
 *   german_ks_cv10    out-of-fold KS
 *   german_cost_cv10  average cost per applicant (accepting a bad costs 5, rejecting a good 1),
 *                     rejecting above the Bayes threshold PD > 1/6
 * and the same for the baseline, and for the scorecard without the attributes marked sensitive
 * (personal status and sex, foreign-worker status). Then trains the scorecard on all 1,000 rows (options chosen by
 * 10-fold CV on them), prints its points table and writes it to
 * bench/results/credit-german-scorecard.md, and writes bench/results/credit-german.json as
 * /work/shared/BENCHMARKS.md describes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GERMAN_COST, GERMAN_FEATURES, readGermanCredit } from '../../src/credit/german.js';
import {
  auc,
  crossValidatedPds,
  evaluate,
  fitLogistic,
  ks,
  reasonCodes,
  scoreApplicant,
  stratifiedFolds,
  totalCost,
  trainScorecard,
  tuneScorecard,
  type ApplicantRow,
  type FeatureSpec,
  type ScorecardOptions,
  type ScorecardVersion,
} from '../../src/credit/scorecard.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    file: { type: 'string' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const FOLDS = 10;
const INNER_FOLDS = 5;
/** The grid tuned inside the training folds. */
const GRID: ScorecardOptions[] = [1, 3, 10].flatMap((l2) => [0.03, 0.05].map((minBinShare) => ({ l2, minBinShare, maxBins: 6 })));
const BASELINE_L2 = 1;

const data = values.file ? readGermanCredit(values.file) : readGermanCredit();
const { rows, labels } = data;
const pick = <T>(items: readonly T[], indices: readonly number[]) => indices.map((i) => items[i]!);

// ---------------------------------------------------------------------------------------------
// The baseline: one-hot raw attributes, standardised numerics, logistic regression.

function baselineLearner(specs: readonly FeatureSpec[]) {
  return (train: readonly number[]) => {
    const encoders = specs.map((spec) => {
      if (spec.kind === 'numeric') {
        const xs = train.map((i) => Number(rows[i]![spec.name]));
        const mu = mean(xs);
        const sd = Math.sqrt(mean(xs.map((x) => (x - mu) ** 2))) || 1;
        return (row: ApplicantRow) => [(Number(row[spec.name]) - mu) / sd];
      }
      const levels = [...new Set(train.map((i) => String(rows[i]![spec.name])))].sort();
      return (row: ApplicantRow) => levels.map((level) => (String(row[spec.name]) === level ? 1 : 0));
    });
    const encode = (row: ApplicantRow) => encoders.flatMap((e) => e(row));
    const fit = fitLogistic(
      train.map((i) => encode(rows[i]!)),
      pick(labels, train),
      BASELINE_L2,
    );
    return (i: number) => {
      const x = encode(rows[i]!);
      const eta = fit.intercept + fit.coefficients.reduce((s, b, j) => s + b * x[j]!, 0);
      return 1 / (1 + Math.exp(-eta));
    };
  };
}

// ---------------------------------------------------------------------------------------------
// The scorecard, nested.

interface SeedResult {
  seed: number;
  auc: number;
  ks: number;
  costBayes: number;
  costTuned: number;
  chosen: ScorecardOptions[];
  pds: number[];
}

function scorecardCv(seed: number, extra: ScorecardOptions = {}): SeedResult {
  const folds = stratifiedFolds(labels, FOLDS, seed);
  const pds = new Array<number>(labels.length).fill(NaN);
  let tunedCost = 0;
  const chosen: ScorecardOptions[] = [];
  folds.forEach((test, f) => {
    const train = folds.flatMap((fold, g) => (g === f ? [] : fold)).sort((a, b) => a - b);
    const trainRows = pick(rows, train);
    const trainLabels = pick(labels, train);
    const tuned = tuneScorecard(trainRows, trainLabels, GERMAN_FEATURES, GRID.map((o) => ({ ...o, ...extra })), { folds: INNER_FOLDS, seed: seed * 100 + f, cost: GERMAN_COST });
    chosen.push(tuned.options);
    const model = trainScorecard(trainRows, trainLabels, GERMAN_FEATURES, { ...tuned.options, trainedAt: 'cv' });
    const testPds = test.map((i) => scoreApplicant(model, rows[i]!).pd);
    test.forEach((i, k) => (pds[i] = testPds[k]!));
    tunedCost += totalCost(testPds, pick(labels, test), tuned.threshold!, GERMAN_COST);
  });
  const m = evaluate(pds, labels, GERMAN_COST);
  return { seed, auc: m.auc, ks: m.ks, costBayes: m.costBayes!, costTuned: tunedCost / labels.length, chosen, pds };
}

const started = Date.now();
const log = (line: string) => process.stderr.write(`[bench:credit:german] ${line}\n`);
const scorecardRuns: SeedResult[] = [];
const baselineRuns: { seed: number; auc: number; ks: number; costBayes: number }[] = [];
const withoutSensitive: SeedResult[] = [];
for (const seed of seeds) {
  const t = Date.now();
  const sc = scorecardCv(seed);
  scorecardRuns.push(sc);
  const { pds } = crossValidatedPds(labels, FOLDS, seed, baselineLearner(GERMAN_FEATURES));
  const bm = evaluate(pds, labels, GERMAN_COST);
  baselineRuns.push({ seed, auc: bm.auc, ks: bm.ks, costBayes: bm.costBayes! });
  const ws = scorecardCv(seed, { includeSensitive: false });
  withoutSensitive.push(ws);
  log(`seed ${seed}: scorecard without sex and foreign-worker status AUC ${round(ws.auc)} cost ${round(ws.costBayes)}`);
  log(`seed ${seed}: scorecard AUC ${round(sc.auc)} KS ${round(sc.ks)} cost ${round(sc.costBayes)} (tuned ${round(sc.costTuned)}); baseline AUC ${round(bm.auc)} KS ${round(bm.ks)} cost ${round(bm.costBayes!)}; ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
const cvSeconds = (Date.now() - started) / 1000;

// ---------------------------------------------------------------------------------------------
// The scorecard on all rows, with its cross-validated metrics stored with it.

const full = tuneScorecard(rows, labels, GERMAN_FEATURES, GRID, { folds: FOLDS, seed: seeds[0]!, cost: GERMAN_COST });
const first = scorecardRuns[0]!;
const firstMetrics = evaluate(first.pds, labels, GERMAN_COST);
const model: ScorecardVersion = {
  ...trainScorecard(rows, labels, GERMAN_FEATURES, { ...full.options, version: 'german-credit-1' }),
  metrics: {
    method: `${FOLDS}-fold stratified CV, options and threshold tuned by inner ${INNER_FOLDS}-fold CV in each training fold; seeds ${seeds.join(',')}`,
    auc: round(mean(scorecardRuns.map((r) => r.auc))),
    ks: round(mean(scorecardRuns.map((r) => r.ks))),
    costBayes: round(mean(scorecardRuns.map((r) => r.costBayes))),
    costTuned: round(mean(scorecardRuns.map((r) => r.costTuned))),
    calibrationFrom: `the out-of-fold PDs of seed ${seeds[0]}`,
    brier: round(firstMetrics.brier),
    calibration: firstMetrics.calibration.map((c) => ({ count: c.count, meanPd: round(c.meanPd), badRate: round(c.badRate) })),
    thresholdTuned: round(full.threshold!),
  },
};

const specByName = new Map(GERMAN_FEATURES.map((s) => [s.name, s]));
function binMeaning(feature: string, bin: { categories?: string[] }): string {
  const spec = specByName.get(feature);
  if (spec?.kind !== 'categorical' || !bin.categories) return '';
  return bin.categories.map((c) => `${c} ${spec.categories?.[c]?.en ?? ''} / ${spec.categories?.[c]?.zh ?? ''}`).join('; ');
}

function pointsTable(m: ScorecardVersion): string {
  const s = m.scaling;
  const lines = [
    `# German Credit scorecard (${m.version})`,
    '',
    `Trained on ${m.training.rows} applicants (${m.training.bads} bad) with L2 ${m.training.options.l2}, smallest bin ${m.training.options.minBinShare * 100}% of rows, at most ${m.training.options.maxBins} bins.`,
    `Score = sum of the points below. ${s.baseScore} points at odds ${s.baseOdds}:1 good to bad (PD ${round(1 / (1 + s.baseOdds), 3)}), ${s.pdo} points to double the odds; PD = 1 / (1 + exp((score − ${round(s.offset, 2)}) / ${round(s.factor, 3)})).`,
    `Cross-validated (${String(m.metrics?.method)}): AUC ${String(m.metrics?.auc)}, KS ${String(m.metrics?.ks)}, average cost ${String(m.metrics?.costBayes)} per applicant at the Bayes threshold PD > 1/6.`,
    m.excluded.length ? `Left out: ${m.excluded.map((e) => `${e.name} (${e.reason})`).join(', ')}.` : 'All 20 attributes kept.',
    'Personal status and sex, and foreign-worker status, are protected attributes in many jurisdictions: they are offered here to compare with the published results on all 20 attributes; a scorecard for use is trained with `includeSensitive: false`.',
    '',
    '| feature | 特征 | IV | bin | meaning | goods | bads | bad rate | WoE | points |',
    '| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const f of m.features) {
    f.bins.forEach((b, k) => {
      const unit = specByName.get(f.name)?.kind === 'numeric' ? ` ${(specByName.get(f.name) as { unit?: { en: string } }).unit?.en ?? ''}` : '';
      lines.push(
        `| ${k === 0 ? f.label.en : ''} | ${k === 0 ? f.label.zh : ''} | ${k === 0 ? f.iv.toFixed(3) : ''} | ${b.label}${unit} | ${binMeaning(f.name, b)} | ${b.goods} | ${b.bads} | ${((b.bads / (b.goods + b.bads)) * 100).toFixed(1)}% | ${b.woe.toFixed(3)} | ${b.points} |`,
      );
    });
  }
  const lo = m.features.reduce((s, f) => s + Math.min(...f.bins.map((b) => b.points)), 0);
  const hi = m.features.reduce((s, f) => s + Math.max(...f.bins.map((b) => b.points)), 0);
  lines.push('', `Scores run from ${lo} to ${hi}.`);
  // One applicant, explained.
  const worst = rows.map((row, i) => ({ i, score: scoreApplicant(m, row).score })).sort((a, b) => a.score - b.score || a.i - b.i)[Math.floor(rows.length * 0.1)]!;
  const scored = scoreApplicant(m, rows[worst.i]!);
  lines.push('', `Applicant ${worst.i + 1} of the file scores ${scored.score} (PD ${round(scored.pd, 3)}); the attributes that cost the most points:`, '');
  for (const r of reasonCodes(m, rows[worst.i]!, 4, GERMAN_FEATURES)) {
    lines.push(`- ${r.label.en} / ${r.label.zh}: ${r.bin}${r.value ? ` (${r.value.en} / ${r.value.zh})` : ''}, ${r.points} points, ${r.pointsLost} below the best bin`);
  }
  return lines.join('\n') + '\n';
}

const summarise = (xs: readonly number[]) => ({ mean: round(mean(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) });
const target = 0.79;
const aucCv = round(mean(scorecardRuns.map((r) => r.auc)));
const result = {
  name: 'credit-german',
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.versions.node}`,
  command: `npm run bench:credit:german -- --seeds ${seeds.join(',')}`,
  metrics: {
    german_auc_cv10: aucCv,
    german_ks_cv10: round(mean(scorecardRuns.map((r) => r.ks))),
    german_cost_cv10: round(mean(scorecardRuns.map((r) => r.costBayes))),
    german_cost_cv10_tuned_threshold: round(mean(scorecardRuns.map((r) => r.costTuned))),
    german_auc_target: target,
    german_auc_target_met: aucCv >= target,
    baseline_auc_cv10: round(mean(baselineRuns.map((r) => r.auc))),
    baseline_ks_cv10: round(mean(baselineRuns.map((r) => r.ks))),
    baseline_cost_cv10: round(mean(baselineRuns.map((r) => r.costBayes))),
    without_sensitive_auc_cv10: round(mean(withoutSensitive.map((r) => r.auc))),
    without_sensitive_ks_cv10: round(mean(withoutSensitive.map((r) => r.ks))),
    without_sensitive_cost_cv10: round(mean(withoutSensitive.map((r) => r.costBayes))),
    scorecard_features: model.features.length,
    scorecard_bins: model.features.reduce((s, f) => s + f.bins.length, 0),
    cv_seconds: round(cvSeconds, 1),
  },
  spread: {
    scorecard_auc: summarise(scorecardRuns.map((r) => r.auc)),
    scorecard_cost: summarise(scorecardRuns.map((r) => r.costBayes)),
    baseline_auc: summarise(baselineRuns.map((r) => r.auc)),
    baseline_cost: summarise(baselineRuns.map((r) => r.costBayes)),
  },
  perSeed: scorecardRuns.map((r, k) => ({
    seed: r.seed,
    scorecard: { auc: round(r.auc), ks: round(r.ks), costBayes: round(r.costBayes), costTuned: round(r.costTuned), chosen: r.chosen.map((o) => `l2=${o.l2} minBin=${o.minBinShare}`) },
    baseline: { auc: round(baselineRuns[k]!.auc), ks: round(baselineRuns[k]!.ks), costBayes: round(baselineRuns[k]!.costBayes) },
  })),
  notes: [
    'AUC and KS are computed on the pooled out-of-fold predictions of each 10-fold run, then averaged over the seeds.',
    'The scorecard is scored by its integer points, as printed; its options and its tuned threshold come from inner CV on the training folds only.',
    `Baseline: logistic regression on one-hot attributes (all levels) and standardised numerics, L2 ${BASELINE_L2}, Bayes threshold.`,
    `Check: AUC of the first seed recomputed ${round(auc(first.pds, labels))}, KS ${round(ks(first.pds, labels))}.`,
  ],
  model: { version: model.version, options: model.training.options, metrics: model.metrics },
};

const table = pointsTable(model);
console.log(JSON.stringify(result, null, 2));
console.log('');
console.log(table);
await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(path.join(repoRoot, 'bench/results/credit-german.json'), JSON.stringify(result, null, 2) + '\n');
await writeFile(path.join(repoRoot, 'bench/results/credit-german-scorecard.md'), table);
