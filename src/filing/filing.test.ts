import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, type TestContext } from '../../test/harness.js';
import { seededCounts } from '../../bench/filing/generate.js';
import { institution, loanCsv, supervisorToken, upload, type TestInstitution } from './filing.test-support.js';
import { verifyReceipt, type SignedReceipt } from './receipt.js';

interface Detail {
  filingId: string;
  status: string;
  version: number;
  recordCount: number;
  errorCount: number;
  warningCount: number;
  fileHash: string;
  encoding: string;
  findings: { editId: string; severity: string; count: number; en: string }[];
  receiptId: string | null;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** A CSV file as JSON Lines records; `change` may alter a record (by its 0-based index) first. */
function jsonLinesOf(csv: string, change: (record: Record<string, string>, index: number) => void = () => {}): string {
  const [header, ...rows] = csv.trim().split('\n');
  const names = header!.split(',');
  return rows
    .map((line, index) => {
      const record = Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v]).filter(([, v]) => v !== ''));
      change(record, index);
      return JSON.stringify(record);
    })
    .join('\n');
}

/** `text` as a stream of 8 KiB pieces, as a network upload arrives (a NUL in the first 64 KiB reads as binary data). */
function inChunks(text: string): Readable {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 8192) pieces.push(bytes.subarray(i, i + 8192));
  expect(bytes.length).toBeGreaterThan(64 * 1024);
  return Readable.from(pieces, { objectMode: false });
}

/** A CSV file whose `rowIndex`-th row has a NUL in its second value. */
function csvWithNul(csv: string, rowIndex: number): string {
  const lines = csv.split('\n');
  const values = lines[rowIndex + 1]!.split(',');
  values[1] = `${values[1]}\u0000`;
  lines[rowIndex + 1] = values.join(',');
  return lines.join('\n');
}

describeEachEngine('filing pipeline over HTTP', (engine) => {
  let context: TestContext;
  let a: TestInstitution;
  let b: TestInstitution;
  let beijingSupervisor: string;
  let guangdongSupervisor: string;

  beforeAll(async () => {
    context = await startPlatform(engine);
    a = await institution(context, 1, '110000');
    b = await institution(context, 2, '440300');
    beijingSupervisor = await supervisorToken(context, 'beijing', '110000');
    guangdongSupervisor = await supervisorToken(context, 'guangdong', '440000');
  });
  afterAll(async () => context?.close());

  const get = (url: string, token: string) => context.app.inject({ method: 'GET', url, headers: token.startsWith('fhk_') ? { 'x-api-key': token } : { authorization: `Bearer ${token}` } });
  const post = (url: string, token: string, payload?: unknown) =>
    context.app.inject({ method: 'POST', url, headers: token.startsWith('fhk_') ? { 'x-api-key': token } : { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  const domainRows = (filingId: string) => context.services.filing.domainRowCount(filingId);

  it('takes a clean file from upload to accepted, with a receipt that verifies offline', async () => {
    const csv = loanCsv({ rows: 300, seed: 11, period: '2024-06' });
    const response = await upload(context.app, a.apiKey, csv);
    expect(response.statusCode, response.body).toBe(201);
    const filing = response.json() as Detail;
    expect(filing).toMatchObject({ status: 'clean', version: 1, recordCount: 300, errorCount: 0, warningCount: 0, encoding: 'utf-8', fileHash: sha256(csv), findings: [] });

    // Stored encrypted: no resident ID number of the file appears in the stored bytes.
    const dir = path.join(context.platform.config.dataDir, 'filings', a.institutionId);
    const stored = await readFile(path.join(dir, (await readdir(dir))[0]!));
    const someId = csv.split('\n')[1]!.split(',')[4]!;
    expect(someId).toMatch(/^\d{17}[\dX]$/);
    expect(stored.includes(Buffer.from(someId))).toBe(false);
    expect(stored.includes(Buffer.from('loan_id'))).toBe(false);

    const signed = await post(`/v1/filings/${filing.filingId}/sign`, a.apiKey);
    expect(signed.statusCode, signed.body).toBe(200);
    const { filing: after, receipt } = signed.json() as { filing: { status: string }; receipt: SignedReceipt };
    expect(after.status).toBe('accepted');
    expect(receipt.receipt).toMatchObject({ filingId: filing.filingId, fileHash: sha256(csv), recordType: 'loan', period: '2024-06', version: 1, recordCount: 300, algorithm: 'ed25519' });
    expect(receipt.receipt.institution).toEqual({ id: a.institutionId, uscc: a.uscc, nameZh: '测试机构1', nameEn: 'Test institution 1' });
    expect(await domainRows(filing.filingId)).toBe(300);

    const key = (await context.app.inject({ method: 'GET', url: '/v1/platform/public-key' })).json() as { algorithm: 'ed25519'; keyId: string; publicKey: string };
    expect(verifyReceipt(receipt, key)).toEqual({ valid: true });
    expect((await get(`/v1/receipts/${receipt.receipt.receiptId}`, a.apiKey)).json()).toEqual(receipt);
    expect((await get(`/v1/receipts/${receipt.receipt.receiptId}/verify`, beijingSupervisor)).json()).toMatchObject({ valid: true });
    const tampered = { ...receipt, receipt: { ...receipt.receipt, recordCount: 299 } };
    expect(verifyReceipt(tampered, key)).toEqual({ valid: false, reason: expect.stringMatching(/does not match the receipt content/) });

    const detail = (await get(`/v1/filings/${filing.filingId}`, a.apiKey)).json() as Detail;
    expect(detail.receiptId).toBe(receipt.receipt.receiptId);
    // Signing again returns the same receipt and changes nothing.
    const again = await post(`/v1/filings/${filing.filingId}/sign`, a.apiKey);
    expect((again.json() as { receipt: SignedReceipt }).receipt).toEqual(receipt);
    // The receipt is what the platform signed: the database refuses to change or remove it.
    for (const statement of [`update filing_receipt set body = '{}' where receipt_id = '${receipt.receipt.receiptId}'`, `delete from filing_receipt where receipt_id = '${receipt.receipt.receiptId}'`]) {
      await expect(sql.raw(statement).execute(context.platform.database.db)).rejects.toThrow(/filing_receipt is append-only/);
    }
    const loadAgain = await post(`/v1/filings/${filing.filingId}/load`, a.apiKey);
    expect(loadAgain.statusCode).toBe(200);
    expect(await domainRows(filing.filingId)).toBe(300);
  });

  it('counts seeded errors per edit, masks resident IDs in examples, paginates, and refuses to sign', async () => {
    const options = { rows: 2000, errorsPerEdit: 3, seed: 12, period: '2024-05' };
    const response = await upload(context.app, a.apiKey, loanCsv(options), { recordType: 'loan', period: '2024-05' });
    expect(response.statusCode, response.body).toBe(201);
    const filing = response.json() as Detail;
    expect(filing.status).toBe('errors');
    const counts = Object.fromEntries(filing.findings.map((f) => [f.editId, f.count]));
    const expected = seededCounts(options);
    for (const [editId, count] of Object.entries(expected)) expect(counts[editId], editId).toBe(count);
    expect(filing.findings.every((f) => f.en.length > 0)).toBe(true);

    const page1 = (await get(`/v1/filings/${filing.filingId}/findings?page=1&pageSize=5`, a.apiKey)).json() as { total: number; items: { editId: string; rowNumber: number; values: Record<string, string> }[] };
    expect(page1.items).toHaveLength(5);
    expect(page1.total).toBe(filing.findings.reduce((sum, f) => sum + Math.min(f.count, 100), 0));
    const page2 = (await get(`/v1/filings/${filing.filingId}/findings?page=2&pageSize=5`, a.apiKey)).json() as typeof page1;
    expect(page2.items[0]).not.toEqual(page1.items[0]);
    const v011 = (await get(`/v1/filings/${filing.filingId}/findings?editId=V011`, a.apiKey)).json() as typeof page1;
    expect(v011.items).toHaveLength(3);
    for (const item of v011.items) {
      expect(item.editId).toBe('V011');
      const id = item.values.borrower_id!;
      expect(id).toMatch(/^\*{14}[0-9X]{4}$/);
    }
    const signed = await post(`/v1/filings/${filing.filingId}/sign`, a.apiKey);
    expect(signed.statusCode).toBe(409);
    expect(signed.json().error.code).toBe('FH_FILING_STATUS');
    expect(await domainRows(filing.filingId)).toBe(0);
  });

  it('needs an explanation for every warning edit before a filing with warnings can be signed', async () => {
    // Q005: an implausibly large principal for an individual (a warning), by editing a clean file.
    const lines = loanCsv({ rows: 50, seed: 13, period: '2024-04' }).split('\n');
    const header = lines[0]!.split(',');
    const at = lines.findIndex((line, i) => i > 0 && line.split(',')[header.indexOf('borrower_type')] === 'individual');
    const row = lines[at]!.split(',');
    row[header.indexOf('principal_fen')] = '150000000';
    row[header.indexOf('disbursed_fen')] = '150000000';
    lines[at] = row.join(',');
    const filing = (await upload(context.app, a.apiKey, lines.join('\n'), { recordType: 'loan', period: '2024-04' })).json() as Detail;
    expect(filing.status).toBe('warnings');
    const warningEdits = filing.findings.filter((f) => f.severity === 'warning').map((f) => f.editId);
    expect(warningEdits).toContain('Q005');

    expect((await post(`/v1/filings/${filing.filingId}/sign`, a.apiKey)).statusCode).toBe(409);
    const missing = await post(`/v1/filings/${filing.filingId}/verify`, a.apiKey, { explanations: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.field).toBe(`body.explanations.${warningEdits[0]}`);
    const foreign = await post(`/v1/filings/${filing.filingId}/verify`, b.apiKey, { explanations: {} });
    expect(foreign.statusCode).toBe(403);

    const explanations = Object.fromEntries(warningEdits.map((id) => [id, '放款时扣除了平台服务费，已向借款人披露']));
    const verified = await post(`/v1/filings/${filing.filingId}/verify`, a.apiKey, { explanations });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ status: 'verified', explanations });
    const signed = await post(`/v1/filings/${filing.filingId}/sign`, a.apiKey);
    expect(signed.json().filing.status).toBe('accepted');
    expect(await domainRows(filing.filingId)).toBe(50);
  });

  it('keeps the accepted version until a resubmission is accepted, then replaces it in one step', async () => {
    const period = { recordType: 'loan', period: '2024-03' };
    const v1 = (await upload(context.app, a.apiKey, loanCsv({ rows: 120, seed: 21, period: '2024-03' }), period)).json() as Detail;
    await post(`/v1/filings/${v1.filingId}/sign`, a.apiKey);
    expect(await domainRows(v1.filingId)).toBe(120);

    const refused = await upload(context.app, a.apiKey, loanCsv({ rows: 80, seed: 22, period: '2024-03' }), period);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'FH_FILING_PERIOD_ACCEPTED', field: 'query.resubmission', details: { acceptedFilingId: v1.filingId, acceptedVersion: 1 } });

    const v2 = (await upload(context.app, a.apiKey, loanCsv({ rows: 80, seed: 22, period: '2024-03' }), { ...period, resubmission: 'true' })).json() as Detail;
    expect(v2).toMatchObject({ status: 'clean', version: 2 });
    // Not yet signed: the accepted version is still the one in force.
    expect(await domainRows(v1.filingId)).toBe(120);
    expect(((await get(`/v1/filings/${v1.filingId}`, a.apiKey)).json() as Detail).status).toBe('accepted');

    const signed = await post(`/v1/filings/${v2.filingId}/sign`, a.apiKey);
    expect(signed.json().filing.status).toBe('accepted');
    expect(await domainRows(v2.filingId)).toBe(80);
    expect(await domainRows(v1.filingId)).toBe(0);
    expect(((await get(`/v1/filings/${v1.filingId}`, a.apiKey)).json() as Detail).status).toBe('superseded');

    // Idempotent: loading the accepted version again changes nothing.
    expect((await post(`/v1/filings/${v2.filingId}/load`, beijingSupervisor)).statusCode).toBe(200);
    expect((await post(`/v1/filings/${v2.filingId}/load`, a.apiKey)).statusCode).toBe(200);
    expect(await domainRows(v2.filingId)).toBe(80);
    const versions = (await get('/v1/filings?period=2024-03&recordType=loan', a.apiKey)).json() as { items: Detail[] };
    expect(versions.items.map((f) => [f.version, f.status])).toEqual([
      [2, 'accepted'],
      [1, 'superseded'],
    ]);
    const current = (await get('/v1/filings?period=2024-03&recordType=loan&hideReplaced=true', a.apiKey)).json() as { items: Detail[]; total: number };
    expect(current.items.map((f) => [f.version, f.status])).toEqual([[2, 'accepted']]);
    expect(current.total).toBe(1);

    // A version with errors disappears from the current list once another upload of its period follows it, and not before.
    const broken = (await upload(context.app, a.apiKey, 'loan_id\nL1\n', { recordType: 'loan', period: '2023-11' })).json() as Detail;
    expect(broken.status).toBe('errors');
    const currentIds = async () => ((await get('/v1/filings?recordType=loan&hideReplaced=true&pageSize=200', a.apiKey)).json() as { items: { filingId: string }[] }).items.map((f) => f.filingId);
    expect(await currentIds()).toContain(broken.filingId);
    const fixed = (await upload(context.app, a.apiKey, loanCsv({ rows: 10, seed: 23, period: '2023-11' }), { recordType: 'loan', period: '2023-11' })).json() as Detail;
    expect(fixed.status).toBe('clean');
    expect(await currentIds()).not.toContain(broken.filingId);
    expect(await currentIds()).toContain(fixed.filingId);
    // The supervisor's list leaves them out the same way; without the flag every version is listed.
    const supervisorIds = ((await get('/v1/filings?recordType=loan&hideReplaced=true&pageSize=200', beijingSupervisor)).json() as { items: { filingId: string }[] }).items.map((f) => f.filingId);
    expect(supervisorIds).toEqual(expect.arrayContaining([fixed.filingId, v2.filingId]));
    expect(supervisorIds).not.toContain(broken.filingId);
    expect(supervisorIds).not.toContain(v1.filingId);
    expect(((await get('/v1/filings?recordType=loan&pageSize=200', a.apiKey)).json() as { items: { filingId: string }[] }).items.map((f) => f.filingId)).toContain(broken.filingId);
  });

  it('moves a signed filing whose stored copy was damaged to errors (S912), freeing the period', async () => {
    const csv = loanCsv({ rows: 20, seed: 35, period: '2024-01' });
    const filing = await context.services.filing.fileRecords(a.caller, { recordType: 'loan', period: '2024-01', source: [Buffer.from(csv)], contentType: 'text/csv' });
    expect((await context.services.filing.sign(a.caller, filing.filingId, { load: false })).filing.status).toBe('signed');
    const stored = path.join(context.platform.config.dataDir, 'filings', a.institutionId, `${filing.filingId}.fhup`);
    const bytes = await readFile(stored);
    bytes[bytes.length - 3]! ^= 0xff;
    await writeFile(stored, bytes);
    const loaded = await post(`/v1/filings/${filing.filingId}/load`, a.apiKey);
    expect(loaded.json()).toMatchObject({ status: 'errors', errorCount: 1 });
    const detail = (await get(`/v1/filings/${filing.filingId}`, a.apiKey)).json() as Detail;
    expect(detail.findings.map((f) => f.editId)).toEqual(['S912']);
    expect(detail.receiptId).not.toBeNull();
    expect(await domainRows(filing.filingId)).toBe(0);
    const again = await upload(context.app, a.apiKey, csv, { recordType: 'loan', period: '2024-01' });
    expect(again.json()).toMatchObject({ status: 'clean', version: 2 });
  });

  it('refuses a second upload while one is being validated (409)', async () => {
    const slow = new PassThrough();
    const lines = loanCsv({ rows: 40, seed: 31, period: '2024-02' });
    slow.write(lines.slice(0, 500));
    const first = context.services.filing.fileRecords(a.caller, { recordType: 'loan', period: '2024-02', source: slow, contentType: 'text/csv' });
    // Wait until the first upload is visible as validating.
    for (let i = 0; i < 200; i++) {
      const list = (await get('/v1/filings?period=2024-02', a.apiKey)).json() as { items: Detail[] };
      if (list.items[0]?.status === 'validating') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = await upload(context.app, a.apiKey, lines, { recordType: 'loan', period: '2024-02' });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('FH_FILING_IN_PROGRESS');
    slow.end(lines.slice(500));
    expect((await first).status).toBe('clean');
    // Now that it is done, a new version may be uploaded (the unsigned one is superseded).
    const third = (await upload(context.app, a.apiKey, lines, { recordType: 'loan', period: '2024-02' })).json() as Detail;
    expect(third.version).toBe(2);
    const list = (await get('/v1/filings?period=2024-02', a.apiKey)).json() as { items: Detail[] };
    expect(list.items.map((f) => f.status)).toEqual(['clean', 'superseded']);
  });

  it('keeps institutions apart (403) and supervisors within their jurisdiction', async () => {
    const own = (await upload(context.app, b.apiKey, loanCsv({ rows: 10, seed: 41, period: '2024-06' }))).json() as Detail;
    expect((await get(`/v1/filings/${own.filingId}`, a.apiKey)).statusCode).toBe(403);
    expect((await get(`/v1/filings/${own.filingId}/findings`, a.apiKey)).statusCode).toBe(403);
    expect((await post(`/v1/filings/${own.filingId}/sign`, a.apiKey)).statusCode).toBe(403);
    const forOther = await upload(context.app, a.apiKey, loanCsv({ rows: 10, seed: 42, period: '2024-06' }), { recordType: 'loan', period: '2024-01', institutionId: b.institutionId });
    expect(forOther.statusCode).toBe(403);
    expect(forOther.json().error.field).toBe('query.institutionId');

    expect((await get(`/v1/filings/${own.filingId}`, guangdongSupervisor)).statusCode).toBe(200);
    expect((await get(`/v1/filings/${own.filingId}`, beijingSupervisor)).json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    const beijingList = (await get('/v1/filings?pageSize=200', beijingSupervisor)).json() as { items: { institutionId: string }[] };
    expect(beijingList.items.length).toBeGreaterThan(0);
    expect(beijingList.items.every((f) => f.institutionId === a.institutionId)).toBe(true);
    const guangdongList = (await get('/v1/filings', guangdongSupervisor)).json() as { items: { institutionId: string; institution: { uscc: string; nameZh: string } }[] };
    expect(guangdongList.items.map((f) => f.institutionId)).toEqual([b.institutionId]);
    // Each filing names its institution, so a list needs no second request.
    expect(guangdongList.items[0]!.institution).toMatchObject({ uscc: b.uscc, nameZh: '测试机构2' });
    expect((await get(`/v1/filings/${own.filingId}`, guangdongSupervisor)).json().institution.uscc).toBe(b.uscc);
    // Supervisors read but do not file.
    const supervisorUpload = await context.app.inject({ method: 'POST', url: '/v1/filings?recordType=loan&period=2024-06', headers: { authorization: `Bearer ${beijingSupervisor}`, 'content-type': 'text/csv' }, payload: 'x' });
    expect(supervisorUpload.statusCode).toBe(403);
  });

  it('answers 413 with the limit for a declared 2 GiB+ upload, before reading it', async () => {
    const response = await context.app.inject({
      method: 'POST',
      url: '/v1/filings?recordType=loan&period=2024-06',
      headers: { 'x-api-key': b.apiKey, 'content-type': 'text/csv', 'content-length': String(3 * 1024 ** 3) },
      payload: 'loan_id\n',
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ code: 'FH_PAYLOAD_TOO_LARGE', details: { limitBytes: 2 * 1024 ** 3 } });
  });

  it.each([
    ['a gzip file cut off', () => gzipSync(Buffer.from(loanCsv({ rows: 3000, seed: 51 }))).subarray(0, 20_000), {}, 'S903'],
    ['a CSV with a half row at the end', () => loanCsv({ rows: 20, seed: 52 }).slice(0, -40), {}, 'S903'],
    ['UTF-16 text', () => Buffer.from(loanCsv({ rows: 5, seed: 53 }), 'utf16le'), {}, 'S901'],
    ['a semicolon-separated file', () => loanCsv({ rows: 5, seed: 54 }).replaceAll(',', ';'), {}, 'S902'],
    ['a header missing a column', () => loanCsv({ rows: 5, seed: 55 }).replace('loan_id,', ''), {}, 'S001'],
    ['a header with an unknown column', () => loanCsv({ rows: 5, seed: 56 }).replace('\n', ',colour\n'), {}, 'S002'],
    ['a row of 10,000 columns', () => loanCsv({ rows: 5, seed: 57 }) + Array.from({ length: 10_000 }, () => 'x').join(',') + '\n', {}, 'S905'],
    ['duplicate loan ids', () => { const text = loanCsv({ rows: 20, seed: 58 }); const lines = text.split('\n'); return text + lines[3] + '\n'; }, {}, 'V015'],
    ['a JSON Lines file with a broken line', () => '{"loan_id":"L1"\n', { 'content-type': 'application/x-ndjson' }, 'S906'],
    // JSON.stringify writes the NUL as the escape \u0000, which JSON.parse turns back into a NUL.
    ['a JSON Lines record with a NUL in a value', () => jsonLinesOf(loanCsv({ rows: 5, seed: 59 }), (r, i) => { if (i === 2) r.purpose = 'cons\u0000umption'; }), { 'content-type': 'application/x-ndjson' }, 'S910'],
    ['a JSON Lines record with an unpaired surrogate', () => jsonLinesOf(loanCsv({ rows: 5, seed: 60 }), (r, i) => { if (i === 1) r.purpose = 'x\ud800'; }), { 'content-type': 'application/x-ndjson' }, 'S910'],
    ['a JSON Lines line with a raw NUL past the opening sample', () => inChunks(`${jsonLinesOf(loanCsv({ rows: 400, seed: 62 }))}\n{"loan_id":"L\u0000\n`), { 'content-type': 'application/x-ndjson' }, 'S906'],
    ['a CSV row with a NUL past the opening sample', () => inChunks(csvWithNul(loanCsv({ rows: 400, seed: 63 }), 390)), {}, 'S910'],
  ])('gives %s a clear finding, status errors, and no domain rows', async (_label, body, headers, editId) => {
    const response = await upload(context.app, b.apiKey, body() as string, { recordType: 'loan', period: '2024-06', resubmission: 'true' }, headers as Record<string, string>);
    expect(response.statusCode, response.body).toBe(201);
    const filing = response.json() as Detail;
    expect(filing.status).toBe('errors');
    expect(filing.findings.map((f) => f.editId)).toContain(editId);
    expect(await domainRows(filing.filingId)).toBe(0);
    expect((await post(`/v1/filings/${filing.filingId}/sign`, b.apiKey)).statusCode).toBe(409);
  });

  it('reads a gzip upload (Content-Encoding) and JSON Lines, and refuses other media types (415)', async () => {
    const csv = loanCsv({ rows: 30, seed: 61, period: '2024-07' });
    const zipped = await upload(context.app, b.apiKey, gzipSync(Buffer.from(csv)), { recordType: 'loan', period: '2024-07' }, { 'content-encoding': 'gzip' });
    expect(zipped.json()).toMatchObject({ status: 'clean', fileHash: sha256(csv), recordCount: 30 });

    const [header, ...rows] = csv.trim().split('\n');
    const names = header!.split(',');
    const jsonl = rows.map((line) => JSON.stringify(Object.fromEntries(line.split(',').map((v, i) => [names[i], v]).filter(([, v]) => v !== '')))).join('\n');
    const json = await upload(context.app, b.apiKey, jsonl, { recordType: 'loan', period: '2024-07', resubmission: 'true' }, { 'content-type': 'application/x-ndjson' });
    expect(json.json()).toMatchObject({ status: 'clean', recordCount: 30 });

    const withCharset = await upload(context.app, b.apiKey, csv, { recordType: 'loan', period: '2024-07', resubmission: 'true' }, { 'content-type': 'text/csv; charset=GB18030' });
    expect(withCharset.statusCode, withCharset.body).toBe(201);
    expect(withCharset.json()).toMatchObject({ status: 'clean', recordCount: 30 });

    const xlsx = await upload(context.app, b.apiKey, 'x', { recordType: 'loan', period: '2024-07' }, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    expect(xlsx.statusCode).toBe(415);
    const badType = await upload(context.app, b.apiKey, csv, { recordType: 'lorry', period: '2024-07' });
    expect(badType.json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'query.recordType' });
  });

  it('serves findings as CSV that a spreadsheet cannot run as formulas', async () => {
    const lines = loanCsv({ rows: 10, seed: 71, period: '2024-06' }).split('\n');
    const header = lines[0]!.split(',');
    const row = lines[2]!.split(',');
    row[header.indexOf('purpose')] = '=HYPERLINK("http://evil.example","x")';
    lines[2] = row.map((v) => (v.includes(',') || v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
    const row2 = lines[3]!.split(',');
    row2[header.indexOf('purpose')] = '@SUM(A1)';
    lines[3] = row2.join(',');
    const filing = (await upload(context.app, b.apiKey, lines.join('\n'), { recordType: 'loan', period: '2024-06', resubmission: 'true' })).json() as Detail;
    expect(filing.status).toBe('errors');
    const response = await get(`/v1/filings/${filing.filingId}/findings.csv`, b.apiKey);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/attachment/);
    expect(response.body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(response.body).toContain(`'@SUM(A1)`);
    expect(response.body).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('lists the edit catalogue and the standard publicly', async () => {
    const edits = (await context.app.inject({ method: 'GET', url: '/v1/standard/edits' })).json() as { edits: { id: string }[] };
    const ids = edits.edits.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['S001', 'S901', 'S903', 'V011', 'Q003', 'M001']));
    expect(ids).not.toContain('Q001');
    const types = (await context.app.inject({ method: 'GET', url: '/v1/standard/record-types' })).json() as { recordTypes: { type: string; fields: { name: string }[] }[] };
    expect(types.recordTypes.find((t) => t.type === 'loan')!.fields.map((f) => f.name)).toContain('borrower_id');
  });
});
