import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestContext } from '../../test/harness.js';
import { createValidator, type RowFinding } from '../filing/edits/index.js';
import { FileReader, type ReadEvent } from '../filing/file-reader.js';
import { recordTypeDef, recordTypes, type RecordType } from './standard.js';
import { csvTemplate, jsonLinesTemplate, TEMPLATE_PERIOD, templateRow } from './template.js';

/** Every finding the filing's edits raise on `rows` of `type` (header, rows and file). */
function findingsOf(type: RecordType, header: string[], rows: string[][]): RowFinding[] {
  const validator = createValidator(type, { period: TEMPLATE_PERIOD, institutionUscc: '91330100000000001X', today: '2025-01-01' });
  const findings = validator.header(header);
  rows.forEach((values, index) => validator.row(values, index + 1, findings));
  findings.push(...validator.finish(null).findings);
  return findings;
}

/** Read a template file the way an upload is read, into its header and rows. */
function readAsUpload(format: 'csv' | 'jsonl', type: RecordType, text: string): { header: string[]; rows: string[][] } {
  const reader = new FileReader(format, recordTypeDef(type).fields.map((f) => f.name));
  const events: ReadEvent[] = [];
  reader.push(Buffer.from(text, 'utf8'), events);
  reader.end(events);
  let header: string[] = [];
  const rows: string[][] = [];
  for (const event of events) {
    if (event.kind === 'header') header = [...event.columns];
    else if (event.kind === 'rows') rows.push(...event.rows);
    else throw new Error(`the template is not read cleanly: ${JSON.stringify(event)}`);
  }
  return { header, rows };
}

describe('record type templates', () => {
  it.each([...recordTypes])('gives %s a header of every field and an example row that passes every edit', (type) => {
    const row = templateRow(type);
    const names = recordTypeDef(type).fields.map((f) => f.name);
    expect(Object.keys(row)).toEqual(names);
    for (const field of recordTypeDef(type).fields) if (field.required) expect(row[field.name], `${type}.${field.name}`).not.toBe('');
    expect(findingsOf(type, names, [names.map((name) => row[name]!)])).toEqual([]);
  });

  it.each([...recordTypes])('reads the %s CSV and JSON Lines files as a filing reads them, with no finding', (type) => {
    const csv = readAsUpload('csv', type, csvTemplate(type));
    expect(csv.rows).toHaveLength(1);
    expect(findingsOf(type, csv.header, csv.rows)).toEqual([]);
    const jsonl = readAsUpload('jsonl', type, jsonLinesTemplate(type));
    expect(jsonl.rows).toHaveLength(1);
    expect(findingsOf(type, jsonl.header, jsonl.rows)).toEqual([]);
  });
});

describe('record type templates over HTTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startPlatform('pglite');
  });
  afterAll(() => ctx.close());

  it('serves the CSV and JSON Lines templates to anyone, as downloads', async () => {
    const csv = await ctx.app.inject({ method: 'GET', url: '/v1/standard/record-types/loan/template.csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="template-loan.csv"');
    const [header, example, rest] = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(header!.split(',')).toEqual(recordTypeDef('loan').fields.map((f) => f.name));
    expect(example!.split(',')).toHaveLength(header!.split(',').length);
    expect(rest).toBe('');

    const jsonl = await ctx.app.inject({ method: 'GET', url: '/v1/standard/record-types/complaint/template.jsonl' });
    expect(jsonl.statusCode).toBe(200);
    expect(jsonl.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = jsonl.body.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ complaint_id: 'COMPLAINT-0001', channel: expect.any(String) });
  });

  it('refuses a record type the standard does not have, naming the parameter', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/standard/record-types/mortgage/template.csv' });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error.code).toMatch(/^FH_/);
  });
});
