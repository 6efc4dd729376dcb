/**
 * The demo's credit history: anonymous borrowers, apart from the demo's filed crowd (born in other
 * regions, so no resident ID number is shared) and without accounts, each with up to two years of
 * tradelines at the demo lenders. It is what `credit train` needs to fit a scorecard, which the
 * demo's own two months of filings cannot give. Each borrower has a hidden risk that drives how
 * often and how long they pay late, so what a record shows up to a month says something about the
 * year after it, as in real credit data. Deterministic: the same seed gives the same history.
 */
import { residentIdCheckCharacter } from '../standard/identifiers.js';
import type { HistoryTradeline } from '../credit/credit.service.js';
import { random } from './demo-data.js';

/** A tradeline of the history, its lender given by the demo institution's key. */
export type DemoHistoryLine = Omit<HistoryTradeline, 'institutionId'> & { lender: string };

/** Regions none of the demo's other people are born in. */
const HISTORY_REGIONS = ['370102', '410105', '610113', '500103', '210102', '340104', '360102', '450103'];
const PURPOSES = ['consumption', 'consumption', 'education', 'medical', 'home_improvement', 'travel', 'vehicle', 'other'];
/** A month past due in grid steps: 1 is 1–30 days, … 7 over 180; 8 stands for written off. */
const WRITTEN_OFF = 8;

function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + m - 1;
}

function monthOf(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * `people` anonymous borrowers' tradelines at `lenders` (demo institution keys), with 24-month grids
 * up to `gridTo` (YYYY-MM): loans opened from 29 months before it to 3 months before it, paid on
 * time or late month by month, some cured, some going 90 days past due or written off.
 */
export function demoCreditHistory(options: { people: number; lenders: readonly string[]; gridTo: string; seed?: number }): DemoHistoryLine[] {
  const next = random(options.seed ?? 31);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const last = monthIndex(options.gridTo);
  const first = last - 23;
  const lines: DemoHistoryLine[] = [];
  for (let p = 0; p < options.people; p++) {
    const year = 1965 + Math.floor(next() * 38);
    const body = `${pick(HISTORY_REGIONS)}${year}${String(1 + Math.floor(next() * 12)).padStart(2, '0')}${String(1 + Math.floor(next() * 28)).padStart(2, '0')}${String(p % 1000).padStart(3, '0')}`;
    const residentId = body + residentIdCheckCharacter(body);
    // The hidden risk, roughly standard normal.
    const risk = (next() + next() + next() + next() - 2) * 1.7;
    const accounts = 1 + Math.floor(next() * 2) + (next() < sigmoid(risk - 0.5) ? 1 + Math.floor(next() * 2) : 0);
    for (let a = 0; a < accounts; a++) {
      const opened = last - 3 - Math.floor(next() * 27);
      const installments = pick([6, 12, 12, 24]);
      const day = 1 + Math.floor(next() * 28);
      const principalFen = (5 + Math.floor(next() * (risk > 0.8 ? 90 : 50))) * 100_000;
      // Each month from the first instalment: on time, or a month later still, or cured.
      const levels = new Map<number, number>();
      let level = 0;
      let month = opened + 1;
      for (; month <= last && (month <= opened + installments || (level > 0 && level < WRITTEN_OFF)); month++) {
        if (level === WRITTEN_OFF) break;
        if (level === 0) level = next() < sigmoid(-3.9 + 1.5 * risk) ? 1 : 0;
        else level = next() < sigmoid(-1.3 + 1.1 * risk + 0.3 * level) ? level + 1 : 0;
        levels.set(month, level);
      }
      const writtenOffAt = [...levels].find(([, l]) => l === WRITTEN_OFF)?.[0];
      const lateMonths = [...levels].filter(([, l]) => l > 0).map(([m]) => m);
      const now = writtenOffAt !== undefined ? WRITTEN_OFF : (levels.get(month - 1) ?? 0);
      let grid = '';
      for (let m = first; m <= last; m++) {
        const l = writtenOffAt !== undefined && m >= writtenOffAt ? WRITTEN_OFF : levels.get(m);
        grid += m < opened ? '/' : l === undefined ? '*' : l === 0 ? 'N' : l === WRITTEN_OFF ? 'W' : String(l);
      }
      const dueOn = (m: number) => `${monthOf(m)}-${String(day).padStart(2, '0')}`;
      const paidInstalments = Math.min(installments, Math.max(0, last - opened)) - (now > 0 && now < WRITTEN_OFF ? now : 0);
      const closed = now === 0 && last >= opened + installments;
      const status: HistoryTradeline['status'] = now === WRITTEN_OFF ? 'written_off' : now > 0 ? 'overdue' : closed ? 'closed' : 'current';
      const worst = Math.max(0, ...lateMonths.map((m) => levels.get(m)!));
      lines.push({
        residentId,
        lender: pick(options.lenders),
        loanId: `HIST-${String(p).padStart(5, '0')}-${a + 1}`,
        productType: pick(['cash_loan', 'cash_loan', 'consumer_installment']),
        purpose: pick(PURPOSES),
        openedOn: dueOn(opened),
        principalFen,
        balanceFen: status === 'closed' ? 0 : Math.round((principalFen * Math.max(0, installments - paidInstalments)) / installments),
        installments,
        status,
        daysPastDue: now === WRITTEN_OFF ? 210 : now > 0 ? now * 30 - 10 : 0,
        worstDaysPastDue: worst === WRITTEN_OFF ? 210 : worst > 0 ? worst * 30 - 10 : 0,
        gridTo: options.gridTo,
        grid,
        negativeFrom: lateMonths.length > 0 ? dueOn(lateMonths[0]!) : null,
        // Ended with the payment that cured the last late month, when nothing is late now.
        negativeEndedOn: lateMonths.length > 0 && now === 0 ? dueOn(lateMonths.at(-1)! + 1) : null,
      });
    }
  }
  return lines;
}
