import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';
import { createValidator, IdSet, macroFindings, retiredEdits, toCopyLine, type CopyContext, type FileStats, type FileValidator, type IdRegister, type NormalizedRecord, type RowFinding } from './edits/index.js';
import { recordTypeDef, type RecordType } from '../standard/standard.js';
import type { Pseudonymizer } from '../platform/crypto.js';
import { FileReader, FileProblem, DEFAULT_READER_LIMITS, type FileFormat, type ReadEvent, type ReaderContinuation, type ReaderLimits, type TextEncoding } from './file-reader.js';
import { FindingCollector, type EditTally } from './findings.js';
import { allEdits, allEditsById, sensitiveFieldsOf } from './edit-index.js';
import type { FromWorker, ToWorker, WorkerSetup } from './validation-worker.js';
import type * as Esbuild from 'esbuild';

export { allEdits };

const retiredById = new Map(retiredEdits.map((edit) => [edit.id, edit]));

/** The description of an edit, live or retired (an old filing's findings may name a retired one). */
export function editDescription(editId: string): { zh: string; en: string } | undefined {
  return allEditsById.get(editId) ?? retiredById.get(editId);
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
  /** Blocks of the file that worker threads read (0 when it was read on the calling thread alone). */
  sharedBlocks: number;
}

/** How a file is shared between threads (see validateFile). */
export interface ParallelOptions {
  /** Worker threads; 0 or 1 reads the file on the calling thread alone. Default: the cores there are. */
  workers: number;
  /** Bytes read on the calling thread before the rest is shared out (the header, the encoding). */
  headBytes: number;
  /** Bytes per block handed to a worker (cut after a line break). */
  blockBytes: number;
}

const DEFAULT_PARALLEL: ParallelOptions = { workers: availableParallelism(), headBytes: 1024 * 1024, blockBytes: 256 * 1024 };

/** Records that passed, as lines of COPY text for their domain table (see toCopyLine). */
export interface CopyOutput {
  filingId: string;
  institutionId: string;
  /** When the load puts the rows in force (ISO 8601): their valid_from. */
  validFrom: string;
  pseudonymizer: Pseudonymizer;
  /** Called in file order with the COPY lines of consecutive records and how many there are. */
  onText(text: string, rows: number): Promise<void> | void;
}

export interface ValidationInput {
  recordType: RecordType;
  period: string;
  institutionUscc: string;
  format: FileFormat;
  /** Stats of the institution's previous accepted filing of this type (macro edits compare). */
  previousStats: FileStats | null;
  /** Ids the institution filed for other periods and that are accepted (event record types: edit V029). */
  acceptedIds?: IdSet;
  limits?: ReaderLimits;
  /** The date birth dates may not be after (default today); for tests. */
  today?: string;
  /** Called with each batch of records that passed every error edit, in file order (reads on this thread alone). */
  onRecords?: (records: NormalizedRecord[]) => Promise<void> | void;
  /** The records that passed, as COPY text, in file order. */
  copy?: CopyOutput;
  /** Override how the work is shared between threads. */
  parallel?: Partial<ParallelOptions>;
}

/** The file's set of ids, answering V029 from `accepted` when there is one. */
function idRegister(ids: IdSet, accepted: IdSet | undefined): IdRegister {
  if (!accepted || accepted.size === 0) return ids;
  return { add: (id) => ids.add(id), acceptedElsewhere: (id) => accepted.has(id) };
}

/** Findings, figures and output of the rows read so far, in file order. */
class Tally {
  readonly collector: FindingCollector;
  readonly stats: FileStats = { rows: 0, errorRows: 0, warningRows: 0, duplicateIds: 0 };
  rowCount = 0;
  recordCount = 0;
  sharedBlocks = 0;
  private readonly out: RowFinding[] = [];

  constructor(
    readonly input: ValidationInput,
    readonly sensitive: ReadonlySet<string>,
  ) {
    this.collector = new FindingCollector(allEditsById, sensitive);
  }

  addStats(stats: FileStats): void {
    for (const [key, value] of Object.entries(stats)) this.stats[key] = (this.stats[key] ?? 0) + value;
  }

  /** Check the rows of `events` with `validator` (row numbers shifted by `offset`) on this thread. */
  async consume(events: ReadEvent[], validator: FileValidator, offset: number): Promise<void> {
    const { input } = this;
    const copy = input.copy;
    const context: CopyContext | undefined = copy
      ? { filingId: copy.filingId, institutionId: copy.institutionId, institutionUscc: input.institutionUscc, period: input.period, validFrom: copy.validFrom, pseudonymizer: copy.pseudonymizer }
      : undefined;
    for (const event of events) {
      if (event.kind === 'finding') {
        // Row 0 is the file as a whole, wherever it was found.
        this.collector.add(offset === 0 || event.finding.rowNumber === 0 ? event.finding : { ...event.finding, rowNumber: event.finding.rowNumber + offset });
        continue;
      }
      if (event.kind !== 'rows') continue;
      const { rows, rowNumbers } = event;
      const records: NormalizedRecord[] | undefined = input.onRecords ? [] : undefined;
      let text = '';
      let textRows = 0;
      for (let i = 0; i < rows.length; i++) {
        const record = validator.row(rows[i]!, rowNumbers[i]! + offset, this.out);
        if (this.out.length > 0) this.collector.drain(this.out);
        if (record) {
          this.recordCount++;
          records?.push(record);
          if (context) {
            text += toCopyLine(input.recordType, record, context);
            textRows++;
          }
        }
      }
      if (records && records.length > 0) await input.onRecords!(records);
      if (copy && textRows > 0) await copy.onText(text, textRows);
    }
  }
}

/**
 * Parse and validate a file in one streaming pass: FileReader turns bytes into rows, the
 * standard's validator checks each, findings are tallied in constant memory, and the macro edits
 * run at the end. Nothing but the current blocks of rows is held.
 *
 * A CSV file larger than `headBytes` is shared between worker threads: this thread reads the
 * header and the first rows, then cuts the rest into blocks of whole lines, which the workers
 * decode, parse and check while this thread keeps the one set of ids (for duplicates) and merges
 * their tallies in file order. The outcome is the same, finding for finding, as reading alone;
 * when a block is irregular (a quote that may hide a line break, a line too long, bytes that do
 * not decode as the rest), this thread reads the file from that block on by itself.
 */
export async function validateFile(source: AsyncIterable<Buffer>, input: ValidationInput): Promise<ValidationOutcome> {
  const def = recordTypeDef(input.recordType);
  const limits = input.limits ?? DEFAULT_READER_LIMITS;
  const options: ParallelOptions = { ...DEFAULT_PARALLEL, ...input.parallel };
  const fieldNames = def.fields.map((f) => f.name);
  const ids = new IdSet();
  const context = { period: input.period, institutionUscc: input.institutionUscc, ids: idRegister(ids, input.acceptedIds), ...(input.today ? { today: input.today } : {}) };
  const tally = new Tally(input, sensitiveFieldsOf(input.recordType));
  const head = new FileReader(input.format, fieldNames, limits);
  const headValidator = createValidator(input.recordType, context);
  let headerAccepted = false;
  const pending: ReadEvent[] = [];
  const sharing = input.format === 'csv' && options.workers > 1 && !input.onRecords;
  let headBytes = 0;
  let shared: SharedReading | undefined;

  /** Take the pending events of the head reader (header, rows, findings) in order. */
  const absorb = async (validator: FileValidator, offset: number) => {
    const events = pending.splice(0);
    for (const event of events) {
      if (event.kind === 'header') {
        const findings = headValidator.header(event.columns);
        headerAccepted = !findings.some((f) => allEditsById.get(f.editId)?.severity !== 'warning');
        tally.collector.drain(findings);
      }
    }
    if (headerAccepted) await tally.consume(events, validator, offset);
    else for (const event of events) if (event.kind === 'finding') tally.collector.add(event.finding);
  };
  const readHead = async (chunk: Buffer) => {
    head.push(chunk, pending);
    await absorb(headValidator, 0);
  };

  // After an irregular block, the rest of the file is read on this thread by `tail`.
  let tail: TailReading | undefined;
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = next.value;
      if (tail) {
        tail.reader.push(chunk, pending);
        await tally.consume(pending.splice(0), tail.validator, tail.offset);
      } else if (shared) {
        await shared.take(chunk);
        if (shared.irregular) {
          tail = await shared.toTail();
          shared = undefined;
        }
      } else if (!sharing || !headerAccepted || headBytes < options.headBytes || head.stopped || head.encoding === undefined) {
        headBytes += chunk.length;
        await readHead(chunk);
      } else {
        // Cut after the chunk's last line break; share the rest if the head reader stands between records there.
        const cut = chunk.lastIndexOf(0x0a) + 1;
        await readHead(chunk.subarray(0, cut));
        const continuation = head.continuation();
        if (!continuation) {
          await readHead(chunk.subarray(cut));
          continue;
        }
        shared = new SharedReading(input, options, limits, continuation, tally, ids, head.rowCount, fieldNames);
        await shared.take(chunk.subarray(cut));
      }
    }
    if (shared) {
      tail = await shared.finish();
      shared = undefined;
    }
  } catch (error) {
    if (!(error instanceof FileProblem)) {
      await shared?.close();
      throw error;
    }
    // The source failed (a gzip stream cut off): what came before counts, as when reading alone.
    if (shared) {
      tail = await shared.toTail();
    }
    (tail?.reader ?? head).fail(error, pending);
  }
  const last = tail?.reader ?? head;
  last.end(pending);
  await absorb(tail?.validator ?? headValidator, tail?.offset ?? 0);

  tally.addStats(headValidator.counts());
  if (tail) tally.addStats(tail.validator.counts());
  const rowCount = head.rowCount + tally.rowCount + (tail ? tail.reader.rowCount : 0);
  let stats: FileStats | null = null;
  if (headerAccepted && !head.stopped && !last.stopped) {
    // M004 says the file holds no records; records the reader refused one by one are still records.
    const macro = macroFindings(input.recordType, tally.stats, input.previousStats);
    tally.collector.drain(rowCount > 0 ? macro.filter((f) => f.editId !== 'M004') : macro);
    stats = tally.stats;
  }
  const { collector } = tally;
  const errorCount = collector.errorCount;
  const warningCount = collector.warningCount;
  return {
    status: errorCount > 0 ? 'errors' : warningCount > 0 ? 'warnings' : 'clean',
    tallies: collector.results(),
    errorCount,
    warningCount,
    rowCount,
    recordCount: tally.recordCount,
    encoding: last.encoding,
    stats,
    sharedBlocks: tally.sharedBlocks,
  };
}

let workerScript: string | undefined;

/**
 * The worker's code as one plain JavaScript file (bundled once per process with esbuild, which tsx
 * already brings): a worker then starts as a single isolate loading one file, instead of running
 * its own TypeScript loader thread — a fraction of the memory and start-up time.
 */
function workerScriptPath(): string {
  if (workerScript) return workerScript;
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof Esbuild;
  const source = new URL('./validation-worker.ts', import.meta.url);
  const built = esbuild.buildSync({
    entryPoints: [fileURLToPath(source)],
    // Modules that find files or packages relative to themselves (all one folder below src/) do so from here.
    define: { 'import.meta.url': JSON.stringify(source.href) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // CommonJS packages inside an ES module bundle still call require().
    banner: { js: `import { createRequire as __fhCreateRequire } from 'node:module'; const require = __fhCreateRequire(${JSON.stringify(source.href)});` },
  });
  const code = built.outputFiles[0]!.contents;
  const file = path.join(tmpdir(), `fenghuo-validation-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  // Written aside and renamed: another process starting at the same moment must never load half a file.
  const partial = `${file}.${process.pid}.${threadId}.tmp`;
  writeFileSync(partial, code, { mode: 0o600 });
  renameSync(partial, file);
  workerScript = file;
  return file;
}

/** The reader, validator and row offset that read the end of a file on the calling thread. */
interface TailReading {
  reader: FileReader;
  validator: FileValidator;
  offset: number;
}

interface Block {
  id: number;
  bytes: Buffer;
  final: boolean;
  worker: Worker;
  parsed?: Extract<FromWorker, { kind: 'parsed' }>;
  done?: Extract<FromWorker, { kind: 'done' }>;
}

/**
 * The part of a file after the head, read by worker threads in blocks. `take` cuts the bytes into
 * blocks and waits while too many are in flight; results are taken in block order: ids checked
 * against the file's one set, then tallies and COPY text merged. From the first irregular block
 * on, the rest is read on this thread (`finish` returns the reader and validator that did).
 */
class SharedReading {
  private readonly workers: Worker[];
  private readonly job: number;
  private closed = false;
  private readonly blocks: Block[] = [];
  private nextId = 0;
  private nextToParse = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private rowsBefore: number;
  private failure: Error | undefined;
  /** The first block found irregular: it and what follows are read on this thread. */
  private irregularAt: number | undefined;
  private wake: (() => void) | undefined;
  private merging: Promise<void> = Promise.resolve();
  private asciiSoFar: boolean;
  private bytesBefore: number;

  constructor(
    private readonly input: ValidationInput,
    private readonly options: ParallelOptions,
    private readonly limits: ReaderLimits,
    private readonly continuation: ReaderContinuation,
    private readonly tally: Tally,
    private readonly ids: IdSet,
    headRows: number,
    private readonly fieldNames: string[],
  ) {
    this.rowsBefore = headRows;
    this.asciiSoFar = continuation.asciiSoFar;
    this.bytesBefore = continuation.bytes;
    const setup: WorkerSetup = {
      recordType: input.recordType,
      period: input.period,
      institutionUscc: input.institutionUscc,
      ...(input.today ? { today: input.today } : {}),
      limits,
      continuation,
      sensitiveFields: [...tally.sensitive],
      ...(input.copy ? { copy: { filingId: input.copy.filingId, institutionId: input.copy.institutionId, validFrom: input.copy.validFrom, pseudonymKey: input.copy.pseudonymizer.keyForWorkers() } } : {}),
    };
    this.job = nextJob++;
    this.workers = acquireWorkers(options.workers);
    for (const worker of this.workers) {
      worker.on('message', this.onMessage);
      worker.on('error', this.onError);
      worker.postMessage({ kind: 'setup', job: this.job, setup } satisfies ToWorker);
    }
  }

  private readonly onMessage = (message: FromWorker) => {
    if (message.job === this.job) this.receive(message);
  };

  private readonly onError = (error: Error) => this.fail(error);

  /** More bytes of the file, after those taken before. */
  async take(chunk: Buffer): Promise<void> {
    this.throwIfFailed();
    if (chunk.length === 0) return;
    this.carry.push(chunk);
    this.carryBytes += chunk.length;
    if (this.carryBytes < this.options.blockBytes) return;
    const all = Buffer.concat(this.carry, this.carryBytes);
    const cut = all.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      // No line break in a whole block: a line too long for a block is read on this thread.
      this.carry = [all];
      if (this.carryBytes > 8 * this.options.blockBytes + this.limits.maxLineChars) this.markIrregular(this.nextId);
      return;
    }
    this.carry = cut < all.length ? [all.subarray(cut)] : [];
    this.carryBytes = all.length - cut;
    await this.send(all.subarray(0, cut), false);
  }

  private async send(bytes: Buffer, final: boolean): Promise<void> {
    // Wait while each worker has two blocks in flight (memory stays a few blocks).
    while (this.inFlight() >= 2 * this.workers.length && this.failure === undefined && this.irregularAt === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
    this.throwIfFailed();
    const id = this.nextId++;
    const block: Block = { id, bytes, final, worker: this.workers[id % this.workers.length]! };
    this.blocks.push(block);
    if (this.irregularAt !== undefined) return;
    // A copy of exactly the block (a view would carry its whole backing buffer), handed over without a second copy.
    const copy = new Uint8Array(bytes);
    block.worker.postMessage({ kind: 'parse', job: this.job, id, bytes: copy, final } satisfies ToWorker, [copy.buffer]);
  }

  private inFlight(): number {
    return this.blocks.length;
  }

  private markIrregular(id: number): void {
    if (this.irregularAt === undefined || id < this.irregularAt) this.irregularAt = id;
    this.wake?.();
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private receive(message: FromWorker): void {
    if (message.kind === 'failed') return this.fail(new Error(`validation worker: ${message.message}`));
    const block = this.blocks.find((b) => b.id === message.id);
    if (!block) return;
    if (message.kind === 'parsed') block.parsed = message;
    else block.done = message;
    this.advance();
  }

  /** Give verdicts to parsed blocks, and merge finished ones, in block order. */
  private advance(): void {
    for (;;) {
      const block = this.blocks.find((b) => b.id === this.nextToParse);
      if (!block?.parsed || (this.irregularAt !== undefined && block.id >= this.irregularAt)) break;
      const parsed = block.parsed;
      if (parsed.irregular) {
        this.markIrregular(block.id);
        break;
      }
      const duplicates = new Uint8Array(parsed.hashes.length / 2);
      const accepted = this.input.acceptedIds;
      for (let i = 0; i < duplicates.length; i++) {
        const h1 = parsed.hashes[2 * i]!;
        const h2 = parsed.hashes[2 * i + 1]!;
        duplicates[i] = !this.ids.addHashes(h1, h2) ? 1 : accepted?.hasHashes(h1, h2) ? 2 : 0;
      }
      block.worker.postMessage({ kind: 'verdict', job: this.job, id: block.id, offset: this.rowsBefore, duplicates } satisfies ToWorker, [duplicates.buffer]);
      this.rowsBefore += parsed.rowCount;
      this.nextToParse++;
    }
    this.merging = this.merging.then(() => this.mergeReady()).catch((error) => this.fail(error));
  }

  private async mergeReady(): Promise<void> {
    for (;;) {
      const block = this.blocks[0];
      if (!block?.done) return;
      this.blocks.shift();
      const { done, parsed } = block;
      this.tally.collector.merge(done.tallies);
      this.tally.addStats(done.stats as FileStats);
      this.tally.rowCount += parsed!.rowCount;
      this.tally.recordCount += done.recordCount;
      this.tally.sharedBlocks++;
      this.asciiSoFar &&= parsed!.ascii;
      this.bytesBefore += block.bytes.length;
      if (this.input.copy && done.recordCount > 0) await this.input.copy.onText(done.text, done.recordCount);
      this.wake?.();
    }
  }

  /** True once a block was found irregular: call `toTail` and read the rest on this thread. */
  get irregular(): boolean {
    return this.irregularAt !== undefined;
  }

  /** The source ended: the last bytes go out as the final block; then as `toTail`. */
  async finish(): Promise<TailReading> {
    try {
      if (this.carryBytes > 0) {
        const last = Buffer.concat(this.carry, this.carryBytes);
        this.carry = [];
        this.carryBytes = 0;
        await this.send(last, true);
      }
    } catch (error) {
      await this.close();
      throw error;
    }
    return this.toTail();
  }

  /**
   * Wait until every block before the first irregular one (every block, when none is) is merged,
   * stop the workers, and return a reader on this thread that has read the remaining blocks and
   * bytes, with its validator (sharing the file's set of ids) and the number of rows before it.
   */
  async toTail(): Promise<TailReading> {
    try {
      for (;;) {
        this.throwIfFailed();
        const first = this.blocks[0];
        if (!first || (this.irregularAt !== undefined && first.id >= this.irregularAt)) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      await this.merging;
      this.throwIfFailed();
    } finally {
      await this.close();
    }
    const offset = this.rowsBefore;
    const reader = new FileReader('csv', this.fieldNames, this.limits, { ...this.continuation, asciiSoFar: this.asciiSoFar, bytes: this.bytesBefore });
    const validator = createValidator(this.input.recordType, { period: this.input.period, institutionUscc: this.input.institutionUscc, ids: idRegister(this.ids, this.input.acceptedIds), ...(this.input.today ? { today: this.input.today } : {}) });
    validator.header(this.continuation.columns);
    const pending: ReadEvent[] = [];
    const rest = [...this.blocks.splice(0).map((block) => block.bytes), ...this.carry.splice(0)];
    this.carryBytes = 0;
    for (const bytes of rest) {
      reader.push(bytes, pending);
      await this.tally.consume(pending.splice(0), validator, offset);
    }
    return { reader, validator, offset };
  }

  /** Hand the workers back to the pool (or end them, after a failure: they may be mid-block). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const worker of this.workers) {
      worker.off('message', this.onMessage);
      worker.off('error', this.onError);
    }
    await releaseWorkers(this.workers, this.failure !== undefined);
  }
}

// Worker threads are kept between files (starting one loads the modules it needs, which costs
// more than checking a hundred thousand rows); idle ones do not keep the process alive.
const idleWorkers: Worker[] = [];
let nextJob = 0;

function acquireWorkers(count: number): Worker[] {
  const workers = idleWorkers.splice(0, count);
  while (workers.length < count) {
    // No inherited --import of a TypeScript loader: the bundle is plain JavaScript. A young
    // generation that holds a few blocks' rows lets them die young instead of being promoted.
    const worker = new Worker(workerScriptPath(), { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 128 } });
    // An error outside a file's reading (none is expected) ends the worker; the pool forgets it.
    worker.on('error', () => {});
    worker.on('exit', () => {
      const index = idleWorkers.indexOf(worker);
      if (index >= 0) idleWorkers.splice(index, 1);
    });
    workers.push(worker);
  }
  for (const worker of workers) worker.ref();
  return workers;
}

async function releaseWorkers(workers: Worker[], terminate: boolean): Promise<void> {
  for (const worker of workers) {
    if (terminate || idleWorkers.length >= availableParallelism()) {
      await worker.terminate();
    } else {
      worker.unref();
      idleWorkers.push(worker);
    }
  }
}

/**
 * Start the worker threads that validation shares files with, so that the first large file does
 * not wait for them (benchmarks call this; validation starts them anyway when needed, and a
 * server leaves them to that, to keep its start small).
 */
export async function warmValidationWorkers(count = availableParallelism()): Promise<void> {
  if (count < 2) return;
  const workers = acquireWorkers(count);
  await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
    // A setup message is answered by nothing; a verdict for an unknown block is answered once the worker runs.
    const onMessage = () => {
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage({ kind: 'setup', job: -2, setup: WARM_SETUP } satisfies ToWorker);
    worker.postMessage({ kind: 'verdict', job: -2, id: 0, offset: 0, duplicates: new Uint8Array(0) } satisfies ToWorker);
  })));
  await releaseWorkers(workers, false);
}

const WARM_SETUP: WorkerSetup = {
  recordType: 'loan',
  period: '2024-01',
  institutionUscc: '',
  limits: DEFAULT_READER_LIMITS,
  continuation: { encoding: 'utf-8', asciiSoFar: true, bytes: 0, columns: [], newline: '\n' },
  sensitiveFields: [],
};
