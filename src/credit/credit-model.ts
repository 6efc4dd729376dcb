/**
 * The credit score of Fenghuo's own data: what a person's tradelines say at a point in time,
 * turned into the attributes a scorecard reads, and the outcome that trains it. A model is
 * trained on snapshots: the attributes as of a month S from the grids up to S, and the outcome
 * whether any of the person's tradelines went 90 days past due (or was written off) in the twelve
 * months after S. Scoring reads the same attributes as of the report month.
 */
import type { ApplicantRow, FeatureSpec, ReasonCode, ScorecardVersion } from './scorecard.js';
import { reasonCodes, scoreApplicant } from './scorecard.js';

/** What the attributes need of a tradeline. */
export interface TradelineFacts {
  partyKey: string;
  institutionId: string;
  openedOn: string;
  principalFen: number;
  /** The last month of the grid, YYYY-MM. */
  gridTo: string;
  /** 24 characters, oldest first (see the tradeline table). */
  grid: string;
}

const t = (zh: string, en: string) => ({ zh, en });
const months = t('个月', 'months');

/** The attributes a Fenghuo scorecard reads, with their labels for the points table and the reasons. */
export const CREDIT_FEATURES: readonly FeatureSpec[] = [
  { name: 'accounts', kind: 'numeric', label: t('信贷账户数', 'Credit accounts'), monotone: 'auto' },
  { name: 'lenders', kind: 'numeric', label: t('放贷机构数', 'Lenders'), monotone: 'auto' },
  { name: 'new_accounts_6m', kind: 'numeric', label: t('近 6 个月新开账户数', 'Accounts opened in the last 6 months'), monotone: 'auto' },
  { name: 'oldest_account_months', kind: 'numeric', label: t('最早账户账龄', 'Age of the oldest account'), unit: months, monotone: 'auto' },
  { name: 'principal_yuan', kind: 'numeric', label: t('借款本金合计（元）', 'Principal borrowed (yuan)'), monotone: 'auto' },
  { name: 'delinquent_months', kind: 'numeric', label: t('逾期月份数', 'Months with a late payment'), monotone: 'auto' },
  { name: 'worst_delinquency', kind: 'numeric', label: t('最严重逾期等级', 'Worst lateness (30-day steps)'), monotone: 'auto' },
  { name: 'months_since_delinquency', kind: 'numeric', label: t('距最近一次逾期', 'Since the last late payment'), unit: months, monotone: 'auto' },
];

/** Months from `a` to `b` (YYYY-MM), b − a. */
export function monthsBetween(a: string, b: string): number {
  const [ay, am] = a.split('-').map(Number) as [number, number];
  const [by, bm] = b.split('-').map(Number) as [number, number];
  return (by - ay) * 12 + (bm - am);
}

/** The code of `month` in a tradeline's grid, or undefined outside it. */
function codeAt(line: TradelineFacts, month: string): string | undefined {
  const index = 23 - monthsBetween(month, line.gridTo);
  return index >= 0 && index < 24 ? line.grid[index] : undefined;
}

const lateness = (code: string | undefined) => (code !== undefined && code >= '1' && code <= '7' ? Number(code) : code === 'W' ? 8 : 0);

/** A person's attributes as of the end of `asOf` (YYYY-MM), from their tradelines opened by then. */
export function attributesAt(lines: readonly TradelineFacts[], asOf: string): ApplicantRow | undefined {
  const open = lines.filter((line) => line.openedOn.slice(0, 7) <= asOf);
  if (open.length === 0) return undefined;
  let delinquentMonths = 0;
  let worst = 0;
  let lastLate: string | undefined;
  for (const line of open) {
    for (let i = 0; i < 24; i++) {
      const month = addMonths(line.gridTo, i - 23);
      if (month > asOf) break;
      const level = lateness(line.grid[i]);
      if (level > 0) {
        delinquentMonths++;
        worst = Math.max(worst, level);
        if (!lastLate || month > lastLate) lastLate = month;
      }
    }
  }
  return {
    accounts: open.length,
    lenders: new Set(open.map((line) => line.institutionId)).size,
    new_accounts_6m: open.filter((line) => monthsBetween(line.openedOn.slice(0, 7), asOf) < 6).length,
    oldest_account_months: Math.max(...open.map((line) => monthsBetween(line.openedOn.slice(0, 7), asOf))),
    principal_yuan: Math.round(open.reduce((sum, line) => sum + line.principalFen, 0) / 100),
    delinquent_months: delinquentMonths,
    worst_delinquency: worst,
    // 99: never late in the history held.
    months_since_delinquency: lastLate ? monthsBetween(lastLate, asOf) : 99,
  };
}

/** Bad: a tradeline 90 days past due (code 4 or worse) or written off in the `horizon` months after `asOf`. */
export function wentBad(lines: readonly TradelineFacts[], asOf: string, horizon = 12): boolean {
  for (const line of lines) {
    for (let k = 1; k <= horizon; k++) {
      const code = codeAt(line, addMonths(asOf, k));
      if (code === 'W' || (code !== undefined && code >= '4' && code <= '7')) return true;
    }
  }
  return false;
}

/** Training rows: each person with a tradeline by `snapshot`, their attributes then and whether they went bad after. */
export function trainingRows(lines: readonly TradelineFacts[], snapshot: string, horizon = 12): { rows: ApplicantRow[]; labels: number[] } {
  const byPerson = new Map<string, TradelineFacts[]>();
  for (const line of lines) {
    const list = byPerson.get(line.partyKey);
    if (list) list.push(line);
    else byPerson.set(line.partyKey, [line]);
  }
  const rows: ApplicantRow[] = [];
  const labels: number[] = [];
  for (const personLines of byPerson.values()) {
    const row = attributesAt(personLines, snapshot);
    if (!row) continue;
    rows.push(row);
    labels.push(wentBad(personLines, snapshot, horizon) ? 1 : 0);
  }
  return { rows, labels };
}

export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + delta;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

export const grades = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof grades)[number];

/** The grade of a probability of going bad within a year: A below 2%, B below 5%, C below 10%, D below 20%, E from 20%. */
export function gradeOf(pd: number): Grade {
  if (pd < 0.02) return 'A';
  if (pd < 0.05) return 'B';
  if (pd < 0.1) return 'C';
  if (pd < 0.2) return 'D';
  return 'E';
}

/** The ceiling of total unsecured borrowing each grade suggests, in fen; the suggested limit is what is left under it. */
export const GRADE_CEILING_FEN: Record<Grade, number> = { A: 20_000_000, B: 10_000_000, C: 5_000_000, D: 1_000_000, E: 0 };

export interface PersonScore {
  modelVersion: number;
  score: number;
  pd: number;
  grade: Grade;
  suggestedLimitFen: number;
  reasons: ReasonCode[];
}

/** Score a person's attributes: score, probability, grade, the limit left under the grade's ceiling, and the three attributes that cost most. */
export function scorePerson(model: ScorecardVersion, modelVersion: number, row: ApplicantRow, outstandingFen: number): PersonScore {
  const scored = scoreApplicant(model, row);
  const grade = gradeOf(scored.pd);
  return {
    modelVersion,
    score: scored.score,
    pd: Number(scored.pd.toFixed(4)),
    grade,
    suggestedLimitFen: Math.max(0, GRADE_CEILING_FEN[grade] - outstandingFen),
    reasons: reasonCodes(model, row, 3, CREDIT_FEATURES).filter((reason) => reason.pointsLost > 0),
  };
}
