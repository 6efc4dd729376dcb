import { createValidator, editCatalogue, type EditDef, type FileStats, type NormalizedRecord, type RowFinding } from './edits/index.js';
import { recordTypeDef, type RecordType } from '../standard/standard.js';
import { FileReader, DEFAULT_READER_LIMITS, type FileFormat, type ReaderLimits, type TextEncoding } from './file-reader.js';
import { FindingCollector, type EditTally } from './findings.js';
import { parseEdits } from './parse-edits.js';

/** Every edit a filing can fail: the pipeline's file-level edits, then the standard's catalogue. */
export const allEdits: readonly EditDef[] = [...parseEdits, ...editCatalogue];
const editsById: ReadonlyMap<string, EditDef> = new Map(allEdits.map((edit) => [edit.id, edit]));

/** The catalogue entry of an edit, if there is one. */
export function editDefinition(editId: string): EditDef | undefined {
  return editsById.get(editId);
}

/** Fields whose values are resident ID numbers (or may be), masked in finding examples. */
function sensitiveFieldsOf(recordType: RecordType): Set<string> {
  return new Set(recordTypeDef(recordType).fields.filter((f) => f.type === 'resident_id' || f.type === 'party_id').map((f) => f.name));
}

/** What validating a file found. */
export interface ValidationOutcome {
  status: 'errors' | 'warnings' | 'clean';
  tallies: EditTally[];
  errorCount: number;
  warningCount: number;
  /** Data rows in the file. */
  rowCount: number;
  /** Rows that passed every error edit (the ones a load copies). */
  recordCount: number;
  encoding: TextEncoding | undefined;
  stats: FileStats | null;
}

export interface ValidationInput {
  recordType: RecordType;
  period: string;
  institutionUscc: string;
  format: FileFormat;
  /** Stats of the institution's previous accepted filing of this type (macro edits compare). */
  previousStats: FileStats | null;
  limits?: ReaderLimits;
  /** Called with each batch of records that passed every error edit, in file order. */
  onRecords?: (records: NormalizedRecord[]) => Promise<void> | void;
}

/**
 * Parse and validate a file in one streaming pass: FileReader turns bytes into rows, the
 * standard's validator checks each, findings are tallied in constant memory, and the macro edits
 * run at the end. Nothing but the current chunk of rows is held.
 */
export async function validateFile(source: AsyncIterable<Buffer>, input: ValidationInput): Promise<ValidationOutcome> {
  const def = recordTypeDef(input.recordType);
  const reader = new FileReader(input.format, def.fields.map((f) => f.name), input.limits ?? DEFAULT_READER_LIMITS);
  const validator = createValidator(input.recordType, { period: input.period, institutionUscc: input.institutionUscc });
  const collector = new FindingCollector(editsById, sensitiveFieldsOf(input.recordType));
  const out: RowFinding[] = [];
  let headerAccepted = false;
  let recordCount = 0;
  for await (const event of reader.events(source)) {
    if (event.kind === 'finding') {
      collector.add(event.finding);
    } else if (event.kind === 'header') {
      const findings = validator.header(event.columns);
      headerAccepted = !findings.some((f) => editsById.get(f.editId)?.severity !== 'warning');
      collector.drain(findings);
    } else if (headerAccepted) {
      const { rows, rowNumbers } = event;
      const records: NormalizedRecord[] | undefined = input.onRecords ? [] : undefined;
      for (let i = 0; i < rows.length; i++) {
        const record = validator.row(rows[i]!, rowNumbers[i]!, out);
        if (out.length > 0) collector.drain(out);
        if (record) {
          recordCount++;
          records?.push(record);
        }
      }
      if (records && records.length > 0) await input.onRecords!(records);
    }
  }
  let stats: FileStats | null = null;
  if (headerAccepted && !reader.stopped) {
    const finished = validator.finish(input.previousStats);
    collector.drain(finished.findings);
    stats = finished.stats;
  }
  const errorCount = collector.errorCount;
  const warningCount = collector.warningCount;
  return {
    status: errorCount > 0 ? 'errors' : warningCount > 0 ? 'warnings' : 'clean',
    tallies: collector.results(),
    errorCount,
    warningCount,
    rowCount: reader.rowCount,
    recordCount,
    encoding: reader.encoding,
    stats,
  };
}
