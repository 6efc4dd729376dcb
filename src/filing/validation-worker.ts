/**
 * A worker thread's share of validating (and, at load, converting) one file: blocks of whole
 * records cut by the main thread (parallel-validation.ts), each read in two steps so that the
 * results are exactly those of one reader and one validator going through the file in order:
 *
 *   parse    decode and split the block's records; report how many there are and the hashes of
 *            their ids (or that the block is irregular: a quote, a line too long, bytes that do
 *            not decode — the main thread then reads the rest itself, in order);
 *   verdict  the main thread, which keeps the one set of ids of the file, says where the block's
 *            rows start and which of its ids were seen before; check every row with that, tally
 *            the findings (masked, first examples in row order), and write the COPY lines.
 */
import { isAscii } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { Pseudonymizer } from '../platform/crypto.js';
import { recordTypeDef, type RecordType } from '../standard/standard.js';
import { createValidator, IdSet, toCopyLine, type CopyContext, type FileValidator, type RowFinding } from './edits/index.js';
import { FileReader, type ReadEvent, type ReaderContinuation, type ReaderLimits } from './file-reader.js';
import { FindingCollector } from './findings.js';
import { allEditsById } from './edit-index.js';

/** What a worker is started with. */
export interface WorkerSetup {
  recordType: RecordType;
  period: string;
  institutionUscc: string;
  today?: string;
  limits: ReaderLimits;
  continuation: ReaderContinuation;
  sensitiveFields: string[];
  copy?: { filingId: string; institutionId: string; validFrom: string; pseudonymKey: Uint8Array };
}

/** Messages to a worker; `job` names the file (a worker serves one file at a time, then the next). */
export type ToWorker =
  | { kind: 'setup'; job: number; setup: WorkerSetup }
  | { kind: 'parse'; job: number; id: number; bytes: Uint8Array; final: boolean }
  | { kind: 'verdict'; job: number; id: number; offset: number; duplicates: Uint8Array };

export type FromWorker =
  | { kind: 'parsed'; job: number; id: number; irregular: boolean; ascii: boolean; rowCount: number; hashes: Uint32Array }
  | { kind: 'done'; job: number; id: number; tallies: ReturnType<FindingCollector['results']>; stats: Record<string, number>; recordCount: number; text: string }
  | { kind: 'failed'; job: number; id: number; message: string };

/**
 * Answers the validator's id checks from the main thread's verdict, in row order: per id, 0 new,
 * 1 seen before in the file (V015), 2 new to the file but accepted for another period (V029).
 */
class VerdictIds {
  duplicates: Uint8Array = new Uint8Array(0);
  cursor = 0;
  add(): boolean {
    return this.duplicates[this.cursor++] !== 1;
  }
  acceptedElsewhere(): boolean {
    return this.duplicates[this.cursor - 1] === 2;
  }
}

interface ParsedBlock {
  events: ReadEvent[];
  validator: FileValidator;
  ids: VerdictIds;
}

let job = -1;
let setup: WorkerSetup;
let fields: string[] = [];
let sensitive = new Set<string>();
let copyContext: CopyContext | undefined;
const blocks = new Map<number, ParsedBlock>();
const port = parentPort!;

function start(next: number, given: WorkerSetup): void {
  job = next;
  setup = given;
  fields = recordTypeDef(setup.recordType).fields.map((f) => f.name);
  sensitive = new Set(setup.sensitiveFields);
  copyContext = setup.copy
    ? {
        filingId: setup.copy.filingId,
        institutionId: setup.copy.institutionId,
        institutionUscc: setup.institutionUscc,
        period: setup.period,
        validFrom: setup.copy.validFrom,
        pseudonymizer: new Pseudonymizer(Buffer.from(setup.copy.pseudonymKey)),
      }
    : undefined;
  blocks.clear();
}

function parse(id: number, bytes: Uint8Array, final: boolean): FromWorker {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const irregular = (ascii: boolean): FromWorker => ({ kind: 'parsed', job, id, irregular: true, ascii, rowCount: 0, hashes: new Uint32Array(0) });
  const ascii = isAscii(buffer);
  // A quote may hide a line break inside a field: the main thread cut this block without parsing.
  if (buffer.indexOf(0x22) !== -1) return irregular(ascii);
  const reader = new FileReader('csv', fields, setup.limits, setup.continuation);
  const events: ReadEvent[] = [];
  reader.push(buffer, events);
  if (final) reader.end(events);
  // Stopped, not between records, or decoded differently from the head (GB18030 after ASCII): the main thread decides.
  if (reader.stopped || (!final && reader.continuation() === undefined) || reader.encoding !== setup.continuation.encoding) return irregular(ascii);
  for (const event of events) if (event.kind === 'finding' && event.finding.editId === 'S904') return irregular(ascii);
  const ids = new VerdictIds();
  const validator = createValidator(setup.recordType, { period: setup.period, institutionUscc: setup.institutionUscc, ids, ...(setup.today ? { today: setup.today } : {}) });
  if (validator.header(setup.continuation.columns).length > 0) return irregular(ascii);
  let hashes = new Uint32Array(1024);
  let count = 0;
  for (const event of events) {
    if (event.kind !== 'rows') continue;
    for (const values of event.rows) {
      const rowId = validator.idOf(values);
      if (rowId === null) continue;
      IdSet.hash(rowId);
      if (count + 2 > hashes.length) {
        const grown = new Uint32Array(hashes.length * 2);
        grown.set(hashes);
        hashes = grown;
      }
      hashes[count++] = IdSet.h1;
      hashes[count++] = IdSet.h2;
    }
  }
  blocks.set(id, { events, validator, ids });
  return { kind: 'parsed', job, id, irregular: false, ascii, rowCount: reader.rowCount, hashes: hashes.slice(0, count) };
}

function validate(id: number, offset: number, duplicates: Uint8Array): FromWorker {
  const block = blocks.get(id);
  if (!block) return { kind: 'failed', job, id, message: `block ${id} was not parsed here` };
  blocks.delete(id);
  block.ids.duplicates = duplicates;
  block.ids.cursor = 0;
  const collector = new FindingCollector(allEditsById, sensitive);
  const out: RowFinding[] = [];
  let recordCount = 0;
  let text = '';
  for (const event of block.events) {
    if (event.kind === 'finding') {
      collector.add({ ...event.finding, rowNumber: event.finding.rowNumber + offset });
    } else if (event.kind === 'rows') {
      const { rows, rowNumbers } = event;
      for (let i = 0; i < rows.length; i++) {
        const record = block.validator.row(rows[i]!, rowNumbers[i]! + offset, out);
        if (out.length > 0) collector.drain(out);
        if (record) {
          recordCount++;
          if (copyContext) text += toCopyLine(setup.recordType, record, copyContext);
        }
      }
    }
  }
  return { kind: 'done', job, id, tallies: collector.results(), stats: block.validator.counts(), recordCount, text };
}

// Blocks wait here, as bytes, while parsed blocks await their verdicts: few parsed blocks at a
// time keep the rows of a block short-lived (they die young, which is what makes garbage cheap),
// and one parsed ahead keeps the worker busy while the main thread gives the verdict.
const PARSED_AHEAD = 1;
const waiting: Extract<ToWorker, { kind: 'parse' }>[] = [];

function reply(message: FromWorker): void {
  port.postMessage(message, message.kind === 'parsed' ? [message.hashes.buffer as ArrayBuffer] : []);
}

function run(work: () => FromWorker, id: number): void {
  try {
    reply(work());
  } catch (error) {
    reply({ kind: 'failed', job, id, message: (error as Error).stack ?? String(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'setup') {
    waiting.length = 0;
    return start(message.job, message.setup);
  }
  // Blocks of a file this worker no longer serves (its reading ended early) are dropped.
  if (message.job !== job) return;
  if (message.kind === 'parse') {
    if (blocks.size >= PARSED_AHEAD) waiting.push(message);
    else run(() => parse(message.id, message.bytes, message.final), message.id);
    return;
  }
  run(() => validate(message.id, message.offset, message.duplicates), message.id);
  while (blocks.size < PARSED_AHEAD && waiting.length > 0) {
    const next = waiting.shift()!;
    run(() => parse(next.id, next.bytes, next.final), next.id);
  }
});
