import type { RecordType } from '../../standard/standard.js';
import type { EditThresholds } from './catalogue.js';

/** One failed edit: `rowNumber` 0 means the header or the file as a whole. */
export interface RowFinding {
  editId: string;
  rowNumber: number;
  /** Field → the raw value at fault (file-level findings carry the figures compared). */
  values: Record<string, string>;
}

/** Figures about a validated file, kept with the filing so the next period can be compared to it. */
export interface FileStats {
  rows: number;
  [key: string]: number;
}

/** A record as typed values: strings, numbers (amounts in fen, rates as decimals), booleans, null for empty. */
export interface NormalizedRecord {
  [field: string]: string | number | boolean | null;
}

export interface FileValidator {
  readonly recordType: RecordType;
  /** Header findings (missing / unknown / duplicate columns). When it returns an error finding, rows are not checked. */
  header(columns: readonly string[]): RowFinding[];
  /** One row of raw strings in header order; pushes findings into `out`; returns the normalized record, or null when an error edit failed. */
  row(values: readonly string[], rowNumber: number, out: RowFinding[]): NormalizedRecord | null;
  /** After the last row: macro edits; `previous` = stats of the institution's previous accepted filing of this type. */
  finish(previous: FileStats | null): { findings: RowFinding[]; stats: FileStats };
  /** The figures of the rows checked so far (what `finish` reports as stats). */
  counts(): FileStats;
  /** The id a row of `values` would be checked for duplication with (by `row`), or null when it is not checked. */
  idOf(values: readonly string[]): string | null;
}

/** Where a validator looks up and records the ids it has seen (default: its own set). */
export interface IdRegister {
  /** Record `id`; false when it was seen before. */
  add(id: string): boolean;
  /**
   * Asked right after `add` answered true for `id`: whether the id was already accepted for
   * another period (edit V029, for event record types). Absent: never.
   */
  acceptedElsewhere?(id: string): boolean;
}

export interface ValidatorContext {
  /** The reporting period, a calendar month: 'YYYY-MM'. */
  period: string;
  /** The filing institution's unified social credit code. */
  institutionUscc: string;
  /** Overrides of the quality and macro figures (defaults in `defaultThresholds`). */
  thresholds?: Partial<EditThresholds>;
  /** The date birth dates may not be after, 'YYYY-MM-DD' (default: today, UTC). */
  today?: string;
  /** Ids already seen in the file (when the file is checked in parts); default: a fresh set. */
  ids?: IdRegister;
}
