import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { generateLoanLines, seededCounts } from '../../bench/filing/generate.js';
import { Pseudonymizer } from '../platform/crypto.js';
import { gunzipIfCompressed } from './file-reader.js';
import { IdSet } from './edits/index.js';
import { validateFile, type ValidationInput, type ValidationOutcome } from './pipeline.js';

const PERIOD = '2024-06';
const pseudonymizer = new Pseudonymizer(Buffer.alloc(32, 7));

function loanFile(rows: number, errorsPerEdit: number, seed: number): string {
  return [...generateLoanLines({ rows, errorsPerEdit, seed, period: PERIOD })].join('');
}

/** The bytes in chunks of `size`, the way a socket or a file stream hands them over. */
function* chunks(bytes: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function* asAsync(source: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* source;
}

interface Run {
  outcome: ValidationOutcome;
  copyText: string;
  copyRows: number;
}

async function run(bytes: Buffer, workers: number, extra: Partial<ValidationInput> = {}, source?: AsyncIterable<Buffer>): Promise<Run> {
  let copyText = '';
  let copyRows = 0;
  const outcome = await validateFile(source ?? asAsync(chunks(bytes)), {
    recordType: 'loan',
    period: PERIOD,
    institutionUscc: '91110105MA00000017',
    format: 'csv',
    previousStats: null,
    today: '2026-01-01',
    // Small blocks, so that a file of a few thousand rows is shared out in many.
    parallel: { workers, headBytes: 32 * 1024, blockBytes: 16 * 1024 },
    copy: {
      filingId: '00000000-0000-4000-8000-000000000001',
      institutionId: '00000000-0000-4000-8000-000000000002',
      validFrom: '2026-01-01T00:00:00.000Z',
      pseudonymizer,
      onText: (text, rows) => {
        copyText += text;
        copyRows += rows;
      },
    },
    ...extra,
  });
  return { outcome, copyText, copyRows };
}

/** Read alone and shared between two workers: the same outcome, finding for finding, and the same COPY text. */
async function expectSameBothWays(bytes: Buffer, extra: Partial<ValidationInput> = {}): Promise<Run> {
  const alone = await run(bytes, 0, extra);
  const shared = await run(bytes, 2, extra);
  expect(alone.outcome.sharedBlocks).toBe(0);
  expect(shared.outcome).toEqual({ ...alone.outcome, sharedBlocks: shared.outcome.sharedBlocks });
  expect(shared.copyRows).toBe(alone.copyRows);
  expect(shared.copyText === alone.copyText).toBe(true);
  return shared;
}

describe('validation shared between worker threads', () => {
  it('finds exactly what one reader finds on a file with seeded failures of every edit (duplicates across blocks included)', async () => {
    const options = { rows: 12_000, errorsPerEdit: 12, seed: 5 };
    const { outcome } = await expectSameBothWays(Buffer.from(loanFile(options.rows, options.errorsPerEdit, options.seed)));
    expect(outcome.sharedBlocks).toBeGreaterThan(20);
    const counts = Object.fromEntries(outcome.tallies.map((t) => [t.editId, t.count]));
    expect(counts).toEqual(seededCounts({ ...options, period: PERIOD }));
    expect(outcome.rowCount).toBe(options.rows);
  });

  it('reads a file smaller than the sample that decides its encoding, in one chunk', async () => {
    const { outcome, copyRows } = await expectSameBothWays(Buffer.from(loanFile(100, 0, 4)), {});
    expect(outcome.status).toBe('clean');
    expect(outcome.recordCount).toBe(100);
    expect(copyRows).toBe(100);
  });

  it('keeps the first examples of each edit in row order when there are more than the limit', async () => {
    const { outcome } = await expectSameBothWays(Buffer.from(loanFile(6_000, 120, 6)));
    const v015 = outcome.tallies.find((t) => t.editId === 'V015')!;
    expect(v015.count).toBe(120);
    expect(v015.examples).toHaveLength(100);
    const rows = v015.examples.map((e) => e.rowNumber);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
  });

  it('copies the same records in the same order from a clean file', async () => {
    const { outcome, copyRows, copyText } = await expectSameBothWays(Buffer.from(loanFile(8_000, 0, 7)));
    expect(outcome.status).toBe('clean');
    expect(copyRows).toBe(8_000);
    expect(copyText.split('\n')).toHaveLength(8_001);
  });

  it('reads the rest on the calling thread from a block with a quoted field (which may hide a line break)', async () => {
    const lines = loanFile(5_000, 3, 8).split('\n');
    // A quoted contract id with a comma and a line break inside, far past the head.
    const at = 3_000;
    const fields = lines[at]!.split(',');
    fields[1] = '"C-quoted,\nline"';
    lines[at] = fields.join(',');
    const { outcome } = await expectSameBothWays(Buffer.from(lines.join('\n')));
    // The blocks before the quote were shared; the quoted row is one record.
    expect(outcome.sharedBlocks).toBeGreaterThan(3);
    expect(outcome.rowCount).toBe(5_000);
  });

  it('finds the same on a file cut off in the middle of its last row', async () => {
    const text = loanFile(4_000, 2, 9);
    const { outcome } = await expectSameBothWays(Buffer.from(text.slice(0, text.length - 40)));
    expect(outcome.tallies.some((t) => t.editId === 'S903')).toBe(true);
  });

  it('finds the same on a GB18030 file with a Chinese header', async () => {
    const text = loanFile(4_000, 2, 10);
    const header = text.slice(0, text.indexOf('\n'));
    const { recordTypeDef } = await import('../standard/standard.js');
    const zh = new Map(recordTypeDef('loan').fields.map((f) => [f.name, f.zh]));
    const chinese = header.split(',').map((name) => zh.get(name) ?? name).join(',');
    const { outcome } = await expectSameBothWays(iconv.encode(chinese + text.slice(header.length), 'gb18030'));
    expect(outcome.encoding).toBe('gb18030');
  });

  it('finds the same when bytes that are not UTF-8 follow a long stretch of ASCII', async () => {
    const text = loanFile(4_000, 0, 11);
    const lines = text.split('\n');
    lines[3_500] = lines[3_500]!.replace('P', 'P\u4e2d');
    const { outcome } = await expectSameBothWays(iconv.encode(lines.join('\n'), 'gb18030'));
    expect(outcome.encoding).toBe('gb18030');
  });

  it('finds ids accepted for another period (V029) the same way, and a repeated one as a duplicate only', async () => {
    const text = loanFile(6_000, 0, 13);
    const accepted = new IdSet();
    // Three ids of the file, far apart (in the head and in shared blocks), and one it does not hold.
    for (const n of [2, 2_500, 5_999, 9_999_999]) accepted.add(`L13-${String(n).padStart(8, '0')}`);
    const lines = text.split('\n');
    // The id of row 2500 again at row 4000: a duplicate (V015), not counted twice as V029.
    lines[4_000] = lines[4_000]!.replace(/^L13-\d{8}/, 'L13-00002500');
    const { outcome } = await expectSameBothWays(Buffer.from(lines.join('\n')), { acceptedIds: accepted });
    expect(outcome.sharedBlocks).toBeGreaterThan(5);
    const v029 = outcome.tallies.find((t) => t.editId === 'V029')!;
    expect({ count: v029.count, rows: v029.examples.map((e) => e.rowNumber) }).toEqual({ count: 3, rows: [3, 2_501, 6_000] });
    expect(outcome.tallies.find((t) => t.editId === 'V015')?.count).toBe(1);
  });

  it('finds the same on a gzip stream cut off half-way', async () => {
    const gzipped = gzipSync(Buffer.from(loanFile(6_000, 1, 12)));
    const cut = gzipped.subarray(0, Math.floor(gzipped.length * 0.6));
    const alone = await run(cut, 0, {}, gunzipIfCompressed(asAsync(chunks(cut)), false));
    const shared = await run(cut, 2, {}, gunzipIfCompressed(asAsync(chunks(cut)), false));
    expect(shared.outcome).toEqual({ ...alone.outcome, sharedBlocks: shared.outcome.sharedBlocks });
    expect(shared.outcome.tallies.some((t) => t.editId === 'S903')).toBe(true);
  });
});
