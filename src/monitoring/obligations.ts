/**
 * Reporting obligations: which record types an institution owes for which month follows from its
 * licences, through the reporting rules of the rulebook (tiered like every rule: a province may
 * bring the due day forward). A month's filing is due by the rule's day of the following month,
 * 24:00 China time; first accepted by then it is on time, later it is late, not at all once the
 * day has passed it is missing.
 */
import type { RecordType } from '../standard/standard.js';

export type ObligationStatus = 'filed' | 'late' | 'missing' | 'not_due';

/** The month after `period`. */
export function nextPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The due date (YYYY-MM-DD, China) of a month's filing: `dueDay` of the month after. */
export function dueDateOf(period: string, dueDay: number): string {
  return `${nextPeriod(period)}-${String(dueDay).padStart(2, '0')}`;
}

/** The instant a due date ends: 24:00 China time, i.e. 16:00 UTC that day. */
export function dueInstant(dueOn: string): Date {
  return new Date(Date.parse(`${dueOn}T00:00:00+08:00`) + 86_400_000);
}

/**
 * Where one obligation stands at `asOf`: on time when first accepted before the due date ended
 * (an acceptance at 23:59:59.999 China time on the due day is on time; at 24:00 it is late).
 */
export function obligationStatus(dueOn: string, acceptedAt: Date | undefined, asOf: Date): ObligationStatus {
  const end = dueInstant(dueOn).getTime();
  if (acceptedAt) return acceptedAt.getTime() < end ? 'filed' : 'late';
  return asOf.getTime() >= end ? 'missing' : 'not_due';
}

/** One cell of an institution's filing calendar. */
export interface CalendarEntry {
  period: string;
  recordType: RecordType;
  ruleId: string;
  status: ObligationStatus;
  dueOn: string;
  acceptedAt: string | null;
}

/** The months from `first` to `last` inclusive. */
export function periodsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let p = first; p <= last && out.length < 600; p = nextPeriod(p)) out.push(p);
  return out;
}
