import { isAscii } from 'node:buffer';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import type { RowFinding } from './edits/index.js';
import type { ParseEditId } from './parse-edits.js';
import { isUnstorableText } from '../platform/text.js';

/** Formats a filing can arrive in. */
export type FileFormat = 'csv' | 'jsonl';

/** How the text of a file was decoded. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

/** Limits that keep one bad line from taking the memory of the process. */
export interface ReaderLimits {
  /** Longest line (in characters) that is parsed; a longer one is reported and skipped. */
  maxLineChars: number;
  /** Most columns in a row or the header. */
  maxColumns: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = { maxLineChars: 1024 * 1024, maxColumns: 1000 };

/** What the reader hands its consumer, in file order. */
export type ReadEvent =
  | { kind: 'header'; columns: string[] }
  /** Rows of raw strings in header order, with their 1-based record numbers. */
  | { kind: 'rows'; rows: string[][]; rowNumbers: number[] }
  | { kind: 'finding'; finding: RowFinding };

/** Where a reader stands between two records of a CSV file (see FileReader.continuation). */
export interface ReaderContinuation {
  encoding: TextEncoding;
  asciiSoFar: boolean;
  /** Bytes of the file decoded before this point (after any byte order mark). */
  bytes: number;
  columns: string[];
  newline: '\n' | '\r\n';
}

/** A problem with the file as a whole that stops parsing; it becomes a file-level finding. */
export class FileProblem extends Error {
  constructor(
    readonly editId: ParseEditId,
    readonly values: Record<string, string>,
    readonly rowNumber = 0,
  ) {
    super(`${editId}: ${JSON.stringify(values)}`);
    this.name = 'FileProblem';
  }
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Pass `source` through gunzip when it starts with the gzip magic number or `declared` says it is
 * gzip (Content-Encoding). A cut-off or corrupt stream becomes a FileProblem.
 */
export async function* gunzipIfCompressed(source: AsyncIterable<Buffer>, declared: boolean): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let first = await iterator.next();
  // Two bytes decide; a first chunk of one byte is possible on a slow connection.
  while (!first.done && first.value.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    first = { done: false, value: Buffer.concat([first.value, next.value]) };
  }
  if (first.done) return;
  const head = first.value;
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  const compressed = head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  if (!compressed) {
    if (declared) throw new FileProblem('S901', { detected: 'declared gzip (Content-Encoding) but not gzip data' });
    yield* rest();
    return;
  }
  const gunzip = pipeline(Readable.from(rest()), createGunzip({ chunkSize: 256 * 1024 }), () => {});
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') throw new FileProblem('S903', { detail: 'the gzip data ends early' });
    if (code === 'Z_DATA_ERROR') throw new FileProblem('S901', { detected: 'corrupt gzip data' });
    throw error;
  }
}

function describeDelimiter(delimiter: string): string {
  switch (delimiter) {
    case ';':
      return 'semicolon (;)';
    case '\t':
      return 'tab (\\t)';
    case '|':
      return 'vertical bar (|)';
    case '，':
      return 'full-width comma (，)';
    default:
      return delimiter;
  }
}

/** Decides the encoding from the first bytes and decodes the rest; see TextEncoding. */
class TextDecoding {
  encoding: TextEncoding | undefined;
  private utf8 = new TextDecoder('utf-8', { fatal: true });
  private gb18030: ReturnType<typeof iconv.getDecoder> | undefined;
  /** True while every byte so far was ASCII (the UTF-8 decoder then holds nothing). */
  asciiSoFar = true;
  /** Bytes decoded so far (for the offset of a decoding error). */
  bytes = 0;

  /** Inspect the opening sample: BOMs, NUL bytes, zip archives, then valid UTF-8 or not. */
  detect(sample: Buffer): void {
    if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
      this.encoding = 'utf-8-bom';
      return;
    }
    if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) throw new FileProblem('S901', { detected: 'UTF-16 (byte order mark)' });
    if (sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) throw new FileProblem('S901', { detected: 'zip archive (an xlsx spreadsheet?)' });
    let zeros = 0;
    let controls = 0;
    let evenZeros = 0;
    for (let i = 0; i < sample.length; i++) {
      const byte = sample[i]!;
      if (byte === 0) {
        zeros++;
        if (i % 2 === 0) evenZeros++;
      } else if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) controls++;
    }
    if (zeros > 0) {
      // Text in UTF-16 has a zero in every other byte for ASCII characters.
      const utf16 = zeros >= sample.length / 4 && (evenZeros >= zeros * 0.9 || evenZeros <= zeros * 0.1);
      throw new FileProblem('S901', { detected: utf16 ? 'UTF-16 (no byte order mark)' : 'binary data' });
    }
    if (controls > sample.length / 100) throw new FileProblem('S901', { detected: 'binary data' });
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
      this.encoding = 'utf-8';
    } catch {
      this.encoding = 'gb18030';
    }
  }

  decode(chunk: Buffer): string {
    const offset = this.bytes;
    this.bytes += chunk.length;
    if (this.encoding === 'gb18030') return this.gbDecoder().write(chunk);
    // ASCII is the same in every encoding read here; as long as nothing else came, the UTF-8
    // decoder holds no partial character and a byte copy is the decoding (several times faster).
    if (this.asciiSoFar && isAscii(chunk)) return chunk.toString('latin1');
    try {
      const text = this.utf8.decode(chunk, { stream: true });
      this.asciiSoFar = false;
      return text;
    } catch {
      // Everything so far was ASCII (valid in both): the file is GB18030 after all.
      if (this.asciiSoFar) {
        this.encoding = 'gb18030';
        return this.gbDecoder().write(chunk);
      }
      throw new FileProblem('S901', { detected: 'mixed encodings: invalid UTF-8 after valid UTF-8 text', byteOffset: String(offset) });
    }
  }

  end(): string {
    if (this.encoding === 'gb18030') return this.gbDecoder().end() ?? '';
    try {
      return this.utf8.decode();
    } catch {
      throw new FileProblem('S903', { detail: 'the file ends inside a UTF-8 character' });
    }
  }

  private gbDecoder() {
    this.gb18030 ??= iconv.getDecoder('gb18030');
    return this.gb18030;
  }
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * Reads an uploaded file (bytes, already decompressed) into header and row events, with constant
 * memory: text is decoded chunk by chunk, CSV parsed with papaparse's incremental parser and JSON
 * Lines line by line. Problems with the file itself become findings; after a fatal one the reader
 * keeps draining the source (so the upload is still stored and hashed) but yields no more rows.
 */
export class FileReader {
  /** The encoding detected, once the first bytes were seen. */
  get encoding(): TextEncoding | undefined {
    return this.decoding.encoding;
  }
  /** Data rows seen (including rows that failed a parse edit). */
  rowCount = 0;
  /** True when a file-level problem stopped parsing. */
  stopped = false;

  private readonly decoding = new TextDecoding();
  private parser: Papa.Parser;
  private partial = '';
  private skipping = false;
  private newline: '\n' | '\r\n' = '\n';
  private columns: string[] | undefined;
  private endsWithNewline = true;
  private sample: Buffer[] = [];
  private sampleBytes = 0;

  constructor(
    private readonly format: FileFormat,
    /** JSON Lines: the standard's field names in order, used as the header. */
    private readonly jsonFields: readonly string[],
    private readonly limits: ReaderLimits = DEFAULT_READER_LIMITS,
    /** Read a part of a CSV file that starts at a record after the header, as `continuation()` of the reader of what came before describes it. */
    continueFrom?: ReaderContinuation,
  ) {
    this.parser = new Papa.Parser({ delimiter: ',', newline: continueFrom?.newline ?? '\n' });
    if (continueFrom) {
      this.decoding.encoding = continueFrom.encoding;
      this.decoding.asciiSoFar = continueFrom.asciiSoFar;
      this.decoding.bytes = continueFrom.bytes;
      this.columns = [...continueFrom.columns];
      this.newline = continueFrom.newline;
    }
  }

  /**
   * Where this reader stands, when it stands between two records of a CSV file after the header
   * (nothing half-read, nothing skipped, not stopped): another reader made with it reads the rest
   * of the file exactly as this one would (row numbers then count from 1). Undefined otherwise.
   */
  continuation(): ReaderContinuation | undefined {
    if (this.format !== 'csv' || this.stopped || this.skipping || this.partial !== '' || !this.columns || this.decoding.encoding === undefined) return undefined;
    return { encoding: this.decoding.encoding, asciiSoFar: this.decoding.asciiSoFar, bytes: this.decoding.bytes, columns: [...this.columns], newline: this.newline };
  }

  /** Yield the events of `source` (decompressed bytes). */
  async *events(source: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
    const pending: ReadEvent[] = [];
    try {
      for await (const chunk of source) {
        this.push(chunk, pending);
        if (pending.length > 0) yield* pending.splice(0);
      }
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      this.stop(error, pending);
    }
    this.end(pending);
    yield* pending.splice(0);
  }

  /** Take the next bytes of the file; the events they complete are appended to `pending`. */
  push(chunk: Buffer, pending: ReadEvent[]): void {
    if (this.stopped || chunk.length === 0) return;
    if (this.encoding === undefined) {
      this.sample.push(chunk);
      this.sampleBytes += chunk.length;
      if (this.sampleBytes < SAMPLE_BYTES) return;
      const sample = Buffer.concat(this.sample);
      this.sample = [];
      this.startWith(sample, pending);
    } else {
      this.guard(() => this.text(this.decoding.decode(chunk), pending), pending);
    }
  }

  /** The file's bytes failed to arrive whole (a FileProblem of the source): stop with its finding. */
  fail(problem: FileProblem, pending: ReadEvent[]): void {
    this.stop(problem, pending);
  }

  /** After the last bytes of the file: the last events (a final row, file-level findings). */
  end(pending: ReadEvent[]): void {
    if (this.stopped) return;
    if (this.encoding === undefined && this.sampleBytes > 0) this.startWith(Buffer.concat(this.sample), pending);
    if (!this.stopped) this.guard(() => this.finish(pending), pending);
  }

  private startWith(sample: Buffer, pending: ReadEvent[]): void {
    this.guard(() => {
      this.decoding.detect(sample);
      this.text(this.decoding.decode(this.encoding === 'utf-8-bom' ? sample.subarray(3) : sample), pending);
    }, pending);
  }

  private guard(work: () => void, pending: ReadEvent[]): void {
    if (this.stopped) return;
    try {
      work();
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      this.stop(error, pending);
    }
  }

  private stop(problem: FileProblem, pending: ReadEvent[]): void {
    this.stopped = true;
    this.partial = '';
    pending.push({ kind: 'finding', finding: { editId: problem.editId, rowNumber: problem.rowNumber, values: problem.values } });
  }

  private finding(pending: ReadEvent[], editId: ParseEditId, rowNumber: number, values: Record<string, string>): void {
    pending.push({ kind: 'finding', finding: { editId, rowNumber, values } });
  }

  /** Take decoded text: complete lines are parsed, the unfinished tail waits for more. */
  private text(text: string, pending: ReadEvent[]): void {
    if (text.length === 0) return;
    this.endsWithNewline = text.endsWith('\n');
    let input = this.partial.length > 0 ? this.partial + text : text;
    this.partial = '';
    if (this.skipping) {
      const end = input.indexOf('\n');
      if (end < 0) return;
      input = input.slice(end + 1);
      this.skipping = false;
    }
    if (this.format === 'jsonl') {
      this.jsonLines(input, false, pending);
      return;
    }
    if (!this.columns) {
      const end = input.indexOf('\n');
      if (end < 0) {
        if (input.length > this.limits.maxLineChars) throw new FileProblem('S904', { line: 'header', length: String(input.length), limit: String(this.limits.maxLineChars) });
        this.partial = input;
        return;
      }
      this.header(input.slice(0, end), pending);
      input = input.slice(end + 1);
    }
    this.csvRows(input, false, pending);
  }

  private header(line: string, pending: ReadEvent[]): void {
    if (line.endsWith('\r')) {
      this.newline = '\r\n';
      line = line.slice(0, -1);
    }
    if (line.length > this.limits.maxLineChars) throw new FileProblem('S904', { line: 'header', length: String(line.length), limit: String(this.limits.maxLineChars) });
    if (line.trim() === '') throw new FileProblem('S907', { detail: 'the first line is empty' });
    if (!line.includes(',')) {
      for (const candidate of [';', '\t', '|', '，']) {
        if (line.includes(candidate)) throw new FileProblem('S902', { delimiter: describeDelimiter(candidate), expected: 'comma (,)' });
      }
    }
    const parsed = new Papa.Parser({ delimiter: ',', newline: this.newline }).parse(line, 0, false);
    const columns = ((parsed.data[0] as string[] | undefined) ?? []).map((c) => c.trim());
    if (columns.length > this.limits.maxColumns) throw new FileProblem('S905', { row: 'header', columns: String(columns.length), limit: String(this.limits.maxColumns) });
    this.columns = columns;
    this.parser = new Papa.Parser({ delimiter: ',', newline: this.newline });
    pending.push({ kind: 'header', columns });
  }

  /**
   * Text without a quote character parses as lines split at the delimiter: the engine's own
   * String.split does that several times faster than a general CSV parser, with the same result
   * (no quoting, hence no quote errors). The rest after the last line break waits for more input.
   */
  private static splitUnquoted(input: string, newline: string, atEnd: boolean): { data: string[][]; errors: Papa.ParseError[]; meta: { cursor: number } } {
    const lines = input.split(newline);
    let cursor = input.length;
    if (!atEnd) {
      const tail = lines.pop()!;
      cursor -= tail.length;
    }
    const data = new Array<string[]>(lines.length);
    for (let i = 0; i < lines.length; i++) data[i] = lines[i]!.split(',');
    return { data, errors: [], meta: { cursor } };
  }

  private csvRows(input: string, atEnd: boolean, pending: ReadEvent[]): void {
    if (input.length === 0) return;
    const result = input.indexOf('"') === -1 ? FileReader.splitUnquoted(input, this.newline, atEnd) : this.parser.parse(input, 0, !atEnd);
    const data = result.data as string[][];
    const badRows = new Map<number, string>();
    for (const error of result.errors) if (error.row !== undefined) badRows.set(error.row, error.code);
    const width = this.columns!.length;
    // A NUL past the opening sample (which refuses it as binary) would reach the database.
    const mayHoldNul = input.includes('\u0000');
    const rows: string[][] = [];
    const rowNumbers: number[] = [];
    const last = data.length - 1;
    for (let i = 0; i < data.length; i++) {
      const values = data[i]!;
      // Blank lines (and the empty piece after a final line break) are not records.
      if (values.length === 1 && values[0] === '') continue;
      const rowNumber = ++this.rowCount;
      const quoteError = badRows.get(i);
      if (quoteError === 'MissingQuotes' && atEnd && i === last) {
        this.finding(pending, 'S903', rowNumber, { detail: 'a quoted field is never closed' });
      } else if (quoteError !== undefined) {
        this.finding(pending, 'S909', rowNumber, { problem: quoteError });
      } else if (values.length > this.limits.maxColumns) {
        this.finding(pending, 'S905', rowNumber, { columns: String(values.length), limit: String(this.limits.maxColumns) });
      } else if (atEnd && i === last && values.length < width && !this.endsWithNewline) {
        this.finding(pending, 'S903', rowNumber, { detail: 'the last row is cut short', columns: String(values.length), expected: String(width) });
      } else if (lineLength(values) > this.limits.maxLineChars) {
        // A long line that arrived whole within one chunk: the same rule as one spread over many.
        this.finding(pending, 'S904', rowNumber, { length: String(lineLength(values)), limit: String(this.limits.maxLineChars) });
      } else if (mayHoldNul && values.some((v) => v.includes('\u0000'))) {
        this.finding(pending, 'S910', rowNumber, { field: this.columns![values.findIndex((v) => v.includes('\u0000'))] ?? '' });
      } else {
        rows.push(values);
        rowNumbers.push(rowNumber);
      }
    }
    if (rows.length > 0) pending.push({ kind: 'rows', rows, rowNumbers });
    if (atEnd) return;
    const rest = input.slice(result.meta.cursor);
    if (rest.length > this.limits.maxLineChars) {
      this.finding(pending, 'S904', ++this.rowCount, { length: `more than ${this.limits.maxLineChars}`, limit: String(this.limits.maxLineChars) });
      this.skipping = true;
      // Whatever follows the next line break in `rest` is a new record.
      const end = rest.indexOf('\n');
      if (end >= 0) {
        this.skipping = false;
        this.partial = '';
        this.csvRows(rest.slice(end + 1), false, pending);
      }
      return;
    }
    this.partial = rest;
  }

  private jsonLines(input: string, atEnd: boolean, pending: ReadEvent[]): void {
    if (!this.columns) {
      this.columns = [...this.jsonFields];
      pending.push({ kind: 'header', columns: this.columns });
    }
    const lines = input.split('\n');
    const tail = atEnd ? undefined : lines.pop();
    const rows: string[][] = [];
    const rowNumbers: number[] = [];
    const fields = this.columns;
    const known = new Set(fields);
    for (let index = 0; index < lines.length; index++) {
      let line = lines[index]!;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.trim() === '') continue;
      const rowNumber = ++this.rowCount;
      if (line.length > this.limits.maxLineChars) {
        this.finding(pending, 'S904', rowNumber, { length: String(line.length), limit: String(this.limits.maxLineChars) });
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        const truncated = atEnd && index === lines.length - 1 && !this.endsWithNewline;
        if (truncated) this.finding(pending, 'S903', rowNumber, { detail: 'the last line is cut short' });
        else this.finding(pending, 'S906', rowNumber, { problem: (error as Error).message.slice(0, 200), line: line.slice(0, 120) });
        continue;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        this.finding(pending, 'S906', rowNumber, { problem: 'not a JSON object', line: line.slice(0, 120) });
        continue;
      }
      const record = parsed as Record<string, unknown>;
      let unknownField: string | undefined;
      let keys = 0;
      for (const key in record) {
        keys++;
        if (!known.has(key)) unknownField ??= key;
      }
      if (keys > this.limits.maxColumns) {
        this.finding(pending, 'S905', rowNumber, { columns: String(keys), limit: String(this.limits.maxColumns) });
        continue;
      }
      if (unknownField !== undefined) {
        this.finding(pending, 'S911', rowNumber, { field: unknownField.slice(0, 100) });
        continue;
      }
      const values = new Array<string>(fields.length);
      for (let i = 0; i < fields.length; i++) values[i] = jsonValueText(record[fields[i]!]);
      // Only an escape (\u0000, \ud800) or a raw NUL makes text no column can hold.
      if (line.includes('\\u') || line.includes('\u0000')) {
        const bad = values.findIndex((v) => isUnstorableText(v));
        if (bad >= 0) {
          this.finding(pending, 'S910', rowNumber, { field: fields[bad]! });
          continue;
        }
      }
      rows.push(values);
      rowNumbers.push(rowNumber);
    }
    if (rows.length > 0) pending.push({ kind: 'rows', rows, rowNumbers });
    if (tail !== undefined) {
      if (tail.length > this.limits.maxLineChars) {
        this.finding(pending, 'S904', ++this.rowCount, { length: `more than ${this.limits.maxLineChars}`, limit: String(this.limits.maxLineChars) });
        this.skipping = true;
      } else {
        this.partial = tail;
      }
    }
  }

  private finish(pending: ReadEvent[]): void {
    const tail = this.decoding.end();
    if (this.encoding === undefined) {
      throw new FileProblem('S907', { detail: 'the file is empty' });
    }
    let input = this.partial + tail;
    this.partial = '';
    if (tail.length > 0) this.endsWithNewline = tail.endsWith('\n');
    if (this.skipping) return;
    if (this.format === 'jsonl') {
      this.jsonLines(input, true, pending);
      if (this.rowCount === 0 && !this.stopped) throw new FileProblem('S907', { detail: 'no records' });
      return;
    }
    if (!this.columns) {
      if (input.trim() === '') throw new FileProblem('S907', { detail: 'the file is empty' });
      // A header with no line break after it: a file with a header and no rows.
      if (input.endsWith('\r')) input = input.slice(0, -1);
      this.header(input, pending);
      return;
    }
    this.csvRows(input, true, pending);
  }
}

function lineLength(values: readonly string[]): number {
  let length = values.length - 1;
  for (let i = 0; i < values.length; i++) length += values[i]!.length;
  return length;
}

function jsonValueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
