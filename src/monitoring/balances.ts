/**
 * A borrower's balances worked out in memory from their loans and the principal repaid by day:
 * the same figures as the page query in `features.store.ts` computes in SQL, for a sweep that
 * reads every borrower's loans once in order instead of looking each page's borrowers up again.
 *
 * Art.17 of the P2P measures caps what a borrower owes as of the day a loan is signed: each loan
 * signed up to and including it (same day: in the database's order of institution, then loan id)
 * counts at its principal less the principal repaid on or before that day, never below zero.
 */
import type { FeatureRow, LoanFeatureSet, RepaidOnDay } from './features.store.js';

interface Repaid {
  days: string[];
  /** Principal repaid up to and including each day, in day order. */
  cumulative: number[];
}

/** Principal repaid on or before `day` (binary search over the days, which are in order). */
function repaidBy(repaid: Repaid | undefined, day: string): number {
  if (repaid === undefined) return 0;
  let lo = 0;
  let hi = repaid.days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (repaid.days[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : repaid.cumulative[lo - 1]!;
}

const loanKey = (institutionId: string, loanId: string) => `${institutionId}\u0000${loanId}`;

/**
 * Set `outstanding`, `on_platform`, `all_platforms` (when `computed.balances`) and `platforms`
 * (when `computed.platforms`) on each loan, as the SQL page does; the others stay null. `loans`
 * holds whole borrowers, each borrower's loans together in signing order; `repaid` is in day order.
 */
export function addBalances(loans: FeatureRow[], repaid: readonly RepaidOnDay[], computed: LoanFeatureSet): void {
  const byLoan = new Map<string, Repaid>();
  for (const r of repaid) {
    const key = loanKey(r.institution_id, r.loan_id);
    let entry = byLoan.get(key);
    if (entry === undefined) {
      entry = { days: [], cumulative: [] };
      byLoan.set(key, entry);
    }
    const before = entry.cumulative.length === 0 ? 0 : entry.cumulative[entry.cumulative.length - 1]!;
    entry.days.push(r.paid_date);
    entry.cumulative.push(before + Number(r.principal_repaid));
  }
  let start = 0;
  while (start < loans.length) {
    const party = loans[start]!.party_key;
    let end = start + 1;
    while (end < loans.length && loans[end]!.party_key === party) end++;
    const principal: number[] = [];
    const repaidOf: (Repaid | undefined)[] = [];
    for (let i = start; i < end; i++) {
      const loan = loans[i]!;
      principal.push(Number(loan.principal_fen));
      repaidOf.push(byLoan.get(loanKey(loan.institution_id, loan.record_id)));
    }
    let platforms: number | null = null;
    if (computed.platforms) {
      const owing = new Set<string>();
      for (let i = start; i < end; i++) {
        const r = repaidOf[i - start];
        const repaidEver = r === undefined || r.cumulative.length === 0 ? 0 : r.cumulative[r.cumulative.length - 1]!;
        if (principal[i - start]! - repaidEver > 0) owing.add(loans[i]!.institution_id);
      }
      platforms = owing.size;
    }
    for (let i = start; i < end; i++) {
      const loan = loans[i]!;
      loan.outstanding = null;
      loan.on_platform = null;
      loan.all_platforms = null;
      loan.platforms = platforms;
      if (!computed.balances) continue;
      const day = String(loan.contract_date);
      let onPlatform = 0;
      let all = 0;
      let own = 0;
      for (let j = start; j <= i; j++) {
        const owed = Math.max(principal[j - start]! - repaidBy(repaidOf[j - start], day), 0);
        all += owed;
        if (loans[j]!.institution_id === loan.institution_id) onPlatform += owed;
        if (j === i) own = owed;
      }
      loan.outstanding = own;
      loan.on_platform = onPlatform;
      loan.all_platforms = all;
    }
    start = end;
  }
}
