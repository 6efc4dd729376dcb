import type { EditDef, RowFinding } from './edits/index.js';
import { storableText } from '../platform/text.js';

/** How many example rows are kept for each edit. */
export const EXAMPLES_PER_EDIT = 100;

/** One edit's result in a filing: how many times it failed, and the first rows that failed it. */
export interface EditTally {
  editId: string;
  editClass: EditDef['editClass'];
  severity: EditDef['severity'];
  count: number;
  examples: RowFinding[];
}

// 15- to 18-character runs that look like resident ID numbers (or card numbers) inside any text.
const ID_LIKE = /(?<![0-9])([0-9]{11,14})([0-9]{3}[0-9Xx])(?![0-9Xx])/g;

/** Everything but the last four characters as `*`. */
export function maskKeepLastFour(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : '*'.repeat(value.length - 4) + value.slice(-4);
}

/**
 * The values of an example row as a filer or supervisor may see them: values of `sensitiveFields`
 * (resident ID and party ID fields), and anything else shaped like a resident ID number, masked
 * but for their last four characters.
 */
export function maskFindingValues(values: Record<string, string>, sensitiveFields: ReadonlySet<string> = new Set()): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [rawField, raw] of Object.entries(values)) {
    // A finding quotes what the file held, which may be text no column can store (a NUL).
    const field = storableText(rawField);
    const value = storableText(String(raw));
    if (sensitiveFields.has(field) && value.length > 0) masked[field] = maskKeepLastFour(value);
    else masked[field] = value.replace(ID_LIKE, (_all, head: string, tail: string) => '*'.repeat(head.length) + tail);
  }
  return masked;
}

/**
 * Tallies findings in constant memory: a count per edit and the first EXAMPLES_PER_EDIT rows of
 * each, masked as they are kept.
 */
export class FindingCollector {
  private readonly tallies = new Map<string, EditTally>();

  constructor(
    private readonly editsById: ReadonlyMap<string, EditDef>,
    private readonly sensitiveFields: ReadonlySet<string> = new Set(),
  ) {}

  /** Count one finding (and keep it as an example while the edit has fewer than the limit). */
  add(finding: RowFinding): void {
    let tally = this.tallies.get(finding.editId);
    if (!tally) {
      const edit = this.editsById.get(finding.editId);
      // An id missing from the catalogue is a defect in an edit; count it as an error rather than lose it.
      tally = { editId: finding.editId, editClass: edit?.editClass ?? 'syntactical', severity: edit?.severity ?? 'error', count: 0, examples: [] };
      this.tallies.set(finding.editId, tally);
    }
    tally.count++;
    if (tally.examples.length < EXAMPLES_PER_EDIT) {
      tally.examples.push({ editId: finding.editId, rowNumber: finding.rowNumber, values: maskFindingValues(finding.values, this.sensitiveFields) });
    }
  }

  /**
   * Add the tallies of the rows that follow those counted so far (from another collector, e.g. a
   * worker thread's share of the file): counts add up, examples (already masked) are appended
   * while the edit has fewer than the limit, so the result is what one collector would have kept.
   */
  merge(tallies: readonly EditTally[]): void {
    for (const other of tallies) {
      let tally = this.tallies.get(other.editId);
      if (!tally) {
        tally = { editId: other.editId, editClass: other.editClass, severity: other.severity, count: 0, examples: [] };
        this.tallies.set(other.editId, tally);
      }
      tally.count += other.count;
      for (let i = 0; i < other.examples.length && tally.examples.length < EXAMPLES_PER_EDIT; i++) tally.examples.push(other.examples[i]!);
    }
  }

  /** Count every finding in `findings` and empty the array (it is reused row after row). */
  drain(findings: RowFinding[]): void {
    for (let i = 0; i < findings.length; i++) this.add(findings[i]!);
    findings.length = 0;
  }

  /** The tallies in edit id order. */
  results(): EditTally[] {
    return [...this.tallies.values()].sort((a, b) => (a.editId < b.editId ? -1 : a.editId > b.editId ? 1 : 0));
  }

  /** Findings of error severity (each blocks the filing). */
  get errorCount(): number {
    let total = 0;
    for (const tally of this.tallies.values()) if (tally.severity === 'error') total += tally.count;
    return total;
  }

  /** Findings of warning severity (each must be verified with an explanation). */
  get warningCount(): number {
    let total = 0;
    for (const tally of this.tallies.values()) if (tally.severity === 'warning') total += tally.count;
    return total;
  }

  /** True when at least one finding of `editId` was counted. */
  has(editId: string): boolean {
    return this.tallies.has(editId);
  }
}
