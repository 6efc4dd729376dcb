import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FileReader, gunzipIfCompressed, type ReadEvent } from './file-reader.js';
import type { RowFinding } from './edits/index.js';

/** Feed `bytes` in chunks of `chunkSize` (to cross every boundary) and collect the events. */
async function read(bytes: Buffer, options: { format?: 'csv' | 'jsonl'; chunkSize?: number; fields?: string[]; gzip?: boolean; maxLineChars?: number; maxColumns?: number } = {}) {
  const chunkSize = options.chunkSize ?? 7;
  async function* source() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const reader = new FileReader(options.format ?? 'csv', options.fields ?? ['id', 'name', 'amount'], {
    maxLineChars: options.maxLineChars ?? 1024 * 1024,
    maxColumns: options.maxColumns ?? 1000,
  });
  const header: string[][] = [];
  const rows: { rowNumber: number; values: string[] }[] = [];
  const findings: RowFinding[] = [];
  for await (const event of reader.events(gunzipIfCompressed(source(), options.gzip ?? false)) as AsyncGenerator<ReadEvent>) {
    if (event.kind === 'header') header.push(event.columns);
    else if (event.kind === 'finding') findings.push(event.finding);
    else event.rows.forEach((values, i) => rows.push({ rowNumber: event.rowNumbers[i]!, values }));
  }
  return { header: header[0], rows, findings, reader };
}

const csv = 'id,name,amount\n1,张三,100\n2,"李四, 王五",200\n3,"说""引号""",300\n';

describe('FileReader: encodings', () => {
  it('reads UTF-8 with multi-byte characters split across chunks', async () => {
    const { header, rows, findings, reader } = await read(Buffer.from(csv), { chunkSize: 1 });
    expect(findings).toEqual([]);
    expect(reader.encoding).toBe('utf-8');
    expect(header).toEqual(['id', 'name', 'amount']);
    expect(rows.map((r) => r.values)).toEqual([
      ['1', '张三', '100'],
      ['2', '李四, 王五', '200'],
      ['3', '说"引号"', '300'],
    ]);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
  });

  it('strips a UTF-8 byte order mark', async () => {
    const { header, reader } = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    expect(reader.encoding).toBe('utf-8-bom');
    expect(header![0]).toBe('id');
  });

  it('reads GB18030 / GBK text (invalid as UTF-8) correctly', async () => {
    const { rows, findings, reader } = await read(iconv.encode(csv, 'gbk'), { chunkSize: 3 });
    expect(findings).toEqual([]);
    expect(reader.encoding).toBe('gb18030');
    expect(rows[0]!.values[1]).toBe('张三');
    expect(rows[1]!.values[1]).toBe('李四, 王五');
  });

  it('switches to GB18030 when the first 64 KiB are ASCII and Chinese comes later', async () => {
    const ascii = 'id,name,amount\n' + '1,abc,100\n'.repeat(8000);
    const bytes = Buffer.concat([Buffer.from(ascii), iconv.encode('2,深圳,200\n', 'gb18030')]);
    const { rows, findings, reader } = await read(bytes, { chunkSize: 4096 });
    expect(findings).toEqual([]);
    expect(reader.encoding).toBe('gb18030');
    expect(rows.at(-1)!.values).toEqual(['2', '深圳', '200']);
  });

  it.each([
    ['UTF-16 with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]), /UTF-16/],
    ['UTF-16 without a byte order mark', Buffer.from(csv, 'utf16le'), /UTF-16/],
    ['binary data', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 7, 7, 7, 7, 0xff, 0x10]), /binary/],
    ['an xlsx spreadsheet', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 0x41)]), /xlsx/],
  ])('refuses %s with a clear S901 finding', async (_label, bytes, detected) => {
    const { rows, findings } = await read(bytes);
    expect(rows).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.editId).toBe('S901');
    expect(findings[0]!.rowNumber).toBe(0);
    expect(findings[0]!.values.detected).toMatch(detected);
  });

  it('reports invalid UTF-8 after 64 KiB of Chinese UTF-8 text as mixed encodings (S901)', async () => {
    const mixed = Buffer.concat([Buffer.from('id,name,amount\n' + '1,张三,100\n'.repeat(8000)), iconv.encode('4,深圳,200\n', 'gbk')]);
    const { findings, rows } = await read(mixed, { chunkSize: 4096 });
    expect(findings.map((f) => f.editId)).toEqual(['S901']);
    expect(findings[0]!.values.detected).toMatch(/mixed encodings/);
    expect(rows.length).toBeLessThan(8001);
  });
});

describe('FileReader: CSV structure', () => {
  it('handles CRLF line ends and a last line without a line break', async () => {
    const { rows, findings } = await read(Buffer.from('id,name,amount\r\n1,a,100\r\n2,b,200'));
    expect(findings).toEqual([]);
    expect(rows.map((r) => r.values)).toEqual([
      ['1', 'a', '100'],
      ['2', 'b', '200'],
    ]);
  });

  it.each([
    [';', 'semicolon (;)'],
    ['\t', 'tab (\\t)'],
    ['|', 'vertical bar (|)'],
  ])('names a wrong delimiter %j in an S902 finding', async (delimiter, name) => {
    const { rows, findings } = await read(Buffer.from(`id${delimiter}name${delimiter}amount\n1${delimiter}a${delimiter}100\n`));
    expect(rows).toEqual([]);
    expect(findings).toEqual([{ editId: 'S902', rowNumber: 0, values: { delimiter: name, expected: 'comma (,)' } }]);
  });

  it('reports a half row at the end as truncated (S903)', async () => {
    const { rows, findings } = await read(Buffer.from('id,name,amount\n1,a,100\n2,b'));
    expect(rows).toHaveLength(1);
    expect(findings).toEqual([{ editId: 'S903', rowNumber: 2, values: { detail: 'the last row is cut short', columns: '2', expected: '3' } }]);
  });

  it('reports an unclosed quote at the end as truncated (S903)', async () => {
    const { findings } = await read(Buffer.from('id,name,amount\n1,a,100\n2,"b,200\n'));
    expect(findings.map((f) => [f.editId, f.rowNumber])).toEqual([['S903', 2]]);
  });

  it('reports malformed quotes (S909) and goes on with the next row', async () => {
    const { rows, findings } = await read(Buffer.from('id,name,amount\n1,a"b"c,100\n2,"x"y",200\n3,c,300\n'));
    expect(findings.map((f) => [f.editId, f.rowNumber])).toEqual([['S909', 2]]);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 3]);
  });

  it('passes rows with the wrong number of columns to the validator (it reports S004)', async () => {
    const { rows, findings } = await read(Buffer.from('id,name,amount\n1,a\n2,b,200,extra\n'));
    expect(findings).toEqual([]);
    expect(rows.map((r) => r.values.length)).toEqual([2, 4]);
  });

  it('refuses a row of 10,000 columns (S905) without keeping it, and reads on', async () => {
    const wide = Array.from({ length: 10_000 }, (_, i) => `v${i}`).join(',');
    const { rows, findings } = await read(Buffer.from(`id,name,amount\n1,a,100\n${wide}\n3,c,300\n`), { chunkSize: 4096 });
    expect(findings).toEqual([{ editId: 'S905', rowNumber: 2, values: { columns: '10000', limit: '1000' } }]);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 3]);
  });

  it('refuses a header of 10,000 columns (S905) and stops', async () => {
    const wide = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    const { header, rows, findings } = await read(Buffer.from(`${wide}\n1,2,3\n`), { chunkSize: 4096 });
    expect(header).toBeUndefined();
    expect(rows).toEqual([]);
    expect(findings).toEqual([{ editId: 'S905', rowNumber: 0, values: { row: 'header', columns: '10000', limit: '1000' } }]);
  });

  it.each([
    ['spread over many chunks', 300_000],
    ['whole within one chunk', 20_000],
  ])('skips a line longer than the limit (S904), %s, and reads on', async (_label, length) => {
    const long = `2,${'x'.repeat(length)},200`;
    const padding = Array.from({ length: 8000 }, (_, i) => `${i + 3},c,300`).join('\n');
    const { rows, findings } = await read(Buffer.from(`id,name,amount\n1,a,100\n${long}\n${padding}\n`), { chunkSize: 100_000, maxLineChars: 10_000 });
    expect(findings.map((f) => [f.editId, f.rowNumber])).toEqual([['S904', 2]]);
    expect(rows.slice(0, 2).map((r) => [r.rowNumber, r.values[0]])).toEqual([
      [1, '1'],
      [3, '3'],
    ]);
    expect(rows).toHaveLength(8001);
  });

  it('reports an empty file and a file of only blank text (S907)', async () => {
    expect((await read(Buffer.alloc(0))).findings.map((f) => f.editId)).toEqual(['S907']);
    expect((await read(Buffer.from('\n\n'))).findings.map((f) => f.editId)).toEqual(['S907']);
  });

  it('reads a header with no rows', async () => {
    const { header, rows, findings } = await read(Buffer.from('id,name,amount'));
    expect(header).toEqual(['id', 'name', 'amount']);
    expect(rows).toEqual([]);
    expect(findings).toEqual([]);
  });
});

describe('FileReader: gzip', () => {
  it('reads a gzip file (by magic number, and by declaration)', async () => {
    const zipped = gzipSync(Buffer.from(csv));
    expect((await read(zipped)).rows).toHaveLength(3);
    expect((await read(zipped, { gzip: true })).rows).toHaveLength(3);
  });

  it('reports gzip data cut off as truncated (S903)', async () => {
    const big = 'id,name,amount\n' + Array.from({ length: 5000 }, (_, i) => `${i},name ${i * 7919},${i}`).join('\n') + '\n';
    const zipped = gzipSync(Buffer.from(big));
    const { findings, rows } = await read(zipped.subarray(0, Math.floor(zipped.length / 2)), { chunkSize: 1024 });
    expect(findings.at(-1)).toEqual({ editId: 'S903', rowNumber: 0, values: { detail: 'the gzip data ends early' } });
    expect(rows.length).toBeLessThan(5000);
  });

  it('reports a body declared gzip that is not (S901)', async () => {
    const { findings } = await read(Buffer.from(csv), { gzip: true });
    expect(findings.map((f) => f.editId)).toEqual(['S901']);
  });
});

describe('FileReader: JSON Lines', () => {
  const fields = ['id', 'name', 'amount'];
  it('maps each object onto the standard fields, with numbers and booleans as text', async () => {
    const text = '{"id":"1","name":"张三","amount":100}\n\n{"id":"2","amount":200.5,"name":null}\n';
    const { header, rows, findings } = await read(Buffer.from(text), { format: 'jsonl', fields });
    expect(findings).toEqual([]);
    expect(header).toEqual(fields);
    expect(rows.map((r) => r.values)).toEqual([
      ['1', '张三', '100'],
      ['2', '', '200.5'],
    ]);
  });

  it('reports a broken line with its row number (S906), an unknown field (S911) and a cut last line (S903)', async () => {
    const text = '{"id":"1","name":"a","amount":1}\n{"id":"2",\n[1,2]\n{"id":"4","colour":"red"}\n{"id":"5","name":"e","amount":5}\n{"id":"6","na';
    const { rows, findings } = await read(Buffer.from(text), { format: 'jsonl', fields });
    expect(findings.map((f) => [f.editId, f.rowNumber])).toEqual([
      ['S906', 2],
      ['S906', 3],
      ['S911', 4],
      ['S903', 6],
    ]);
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 5]);
  });
});

describe('FileReader: unquoted text split directly', () => {
  it('reads what papaparse reads, whatever the chunking, with or without quoted rows among them', async () => {
    const { default: Papa } = await import('papaparse');
    const fc = (await import('fast-check')).default;
    const cell = fc.stringMatching(/^[^,"\r\n]{0,6}$/);
    const quotedCell = fc.stringMatching(/^[^"\r\n]{0,6}$/).map((text) => `"${text}"`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(cell, quotedCell), cell, cell), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('\n', '\r\n'),
        async (rows, chunkSize, newline) => {
          // Rows with an empty first cell only would be blank lines, which are not records.
          const lines = rows.map((cells) => cells.join(',')).filter((line) => line !== ',,');
          const text = `id,name,amount${newline}${lines.join(newline)}${newline}`;
          const expected = (Papa.parse<string[]>(text, { delimiter: ',', newline }).data as string[][]).slice(1).filter((r) => !(r.length === 1 && r[0] === ''));
          const { rows: read_, findings } = await read(Buffer.from(text), { chunkSize });
          expect(findings).toEqual([]);
          expect(read_.map((r) => r.values)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
