import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createValidator, editsFor, type RowFinding } from '../../src/filing/edits/index.js';
import { generateLoanLines, SEEDABLE_EDITS, seededCounts, writeLoanFile } from './generate.js';

/** Validate generated lines (simple comma split: the generator never quotes) and count findings per edit. */
function findingsPerEdit(lines: Iterable<string>, period = '2024-06'): { counts: Record<string, number>; rows: number; records: number } {
  const validator = createValidator('loan', { period, institutionUscc: '91350100M000100Y43' });
  const counts: Record<string, number> = {};
  const out: RowFinding[] = [];
  let rows = 0;
  let records = 0;
  let header = true;
  for (const line of lines) {
    const values = line.slice(0, -1).split(',');
    if (header) {
      expect(validator.header(values)).toEqual([]);
      header = false;
      continue;
    }
    rows++;
    if (validator.row(values, rows, out)) records++;
    for (const finding of out) counts[finding.editId] = (counts[finding.editId] ?? 0) + 1;
    out.length = 0;
  }
  for (const finding of validator.finish(null).findings) counts[finding.editId] = (counts[finding.editId] ?? 0) + 1;
  return { counts, rows, records };
}

describe('loan file generator', () => {
  it('seeds every row-level edit that can fail on a loan file', () => {
    expect([...SEEDABLE_EDITS].sort()).toEqual(editsFor('loan').filter((e) => e.scope === 'row').map((e) => e.id).sort());
    expect(SEEDABLE_EDITS.length).toBeGreaterThan(25);
  });

  it('makes 5,000 rows with exactly 3 findings of each seeded edit and none of any other', () => {
    const { counts, rows, records } = findingsPerEdit(generateLoanLines({ rows: 5000, errorsPerEdit: 3, seed: 42 }));
    expect(rows).toBe(5000);
    expect(counts).toEqual(seededCounts({ rows: 5000, errorsPerEdit: 3, seed: 42 }));
    const warningEdits = SEEDABLE_EDITS.filter((id) => id.startsWith('Q')).length;
    // Rows with a warning are still records; rows with an error are not.
    expect(records).toBe(5000 - 3 * (SEEDABLE_EDITS.length - warningEdits));
  });

  it('makes clean files with no finding at all, for other seeds and periods too', () => {
    expect(findingsPerEdit(generateLoanLines({ rows: 3000, errorsPerEdit: 0, seed: 7, period: '2023-02' }), '2023-02').counts).toEqual({});
  });

  it('is deterministic: the same options give the same bytes, another seed other bytes', () => {
    const digest = (seed: number) => {
      const hash = createHash('sha256');
      for (const line of generateLoanLines({ rows: 2000, errorsPerEdit: 2, seed })) hash.update(line);
      return hash.digest('hex');
    };
    expect(digest(1)).toBe(digest(1));
    expect(digest(1)).not.toBe(digest(2));
  });

  it('refuses more seeded rows than the file has room for', () => {
    expect(() => seededCounts({ rows: 10, errorsPerEdit: 1, seed: 1 })).toThrow(/rows/);
  });

  it('writes a file from the command line and reports what it seeded', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fh-generate-'));
    try {
      const file = path.join(dir, 'loans.csv');
      const script = new URL('./generate.ts', import.meta.url).pathname;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--rows', '1000', '--errors-per-edit', '2', '--seed', '5', '--out', file]);
      const summary = JSON.parse(stdout) as { rows: number; seeded: Record<string, number> };
      expect(summary.rows).toBe(1000);
      expect(summary.seeded.Q004).toBe(2);
      const text = await readFile(file, 'utf8');
      expect(text).toBe([...generateLoanLines({ rows: 1000, errorsPerEdit: 2, seed: 5 })].join(''));
      const written = await writeLoanFile(path.join(dir, 'again.csv'), { rows: 1000, errorsPerEdit: 2, seed: 5 });
      expect(await readFile(path.join(dir, 'again.csv'), 'utf8')).toBe(text);
      expect(written.seeded).toEqual(summary.seeded);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
