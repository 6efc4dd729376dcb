import { createHash, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';
import { keyIdOfPublicKey, type PublicKeyInfo } from '../platform/signed-document.js';
import { contractPdf, voucherPng } from './samples.js';
import { hashOf, verifyEvidenceReceipt, type SignedEvidenceReceipt } from './evidence-receipt.js';
import { evidenceVerifyCommand } from './evidence.cli.js';

// Files with the signatures of the types the vault keeps, made here, independent of the detector.
function wav(): Buffer {
  const data = Buffer.alloc(1600, 0x10);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), Buffer.alloc(300, 0x20), Buffer.from([0xff, 0xd9])]);
const mp3 = () => Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(800)]);
function m4a(): Buffer {
  const box = Buffer.alloc(32);
  box.writeUInt32BE(32, 0);
  box.write('ftyp', 4);
  box.write('M4A ', 8);
  box.write('isom', 16);
  box.write('mp41', 20);
  return Buffer.concat([box, Buffer.alloc(500)]);
}
const exe = () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500)]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describeEachEngine('the evidence vault', (engine) => {
  let ctx: TestContext;
  let owner: { authorization: string };
  let stranger: { authorization: string };
  let lender: TestInstitution;
  let key: PublicKeyInfo;
  let pdf: Buffer;
  const png = voucherPng();
  const ownerId = makeResidentId('310104', '1990-03-07', 21);

  const consumer = async (username: string, residentId: string) => {
    await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username, password: 'a long password 2', displayName: username, residentId } });
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password: 'a long password 2' } });
    return { authorization: `Bearer ${login.json().token}` };
  };
  const deposit = (body: Buffer | Readable, fileName: string, contentType = 'application/octet-stream', headers: Record<string, string> = owner, base = '/v1/consumer/evidence') =>
    ctx.app.inject({ method: 'POST', url: `${base}?fileName=${encodeURIComponent(fileName)}`, headers: { ...headers, 'content-type': contentType }, payload: body });
  const evidenceDir = () => path.join(ctx.platform.config.dataDir, 'evidence');
  const storedFiles = async () => {
    const found: string[] = [];
    for (const kind of ['consumer', 'institution']) found.push(...(await readdir(path.join(evidenceDir(), kind)).catch(() => [])));
    return found;
  };
  const rowCount = async () => Number((await ctx.platform.database.db.selectFrom('evidence_item').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  /** Over a real connection, without a declared length (chunked), so the limit is met while streaming. */
  const sendChunked = (chunks: Buffer[], fileName: string, contentType: string) =>
    new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/v1/consumer/evidence?fileName=${encodeURIComponent(fileName)}`, headers: { ...owner, 'content-type': contentType, 'transfer-encoding': 'chunked' }, agent: false }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => {
          // The server answered before the body was all sent: stop sending.
          request.destroy();
          resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') });
        });
      });
      request.on('error', reject);
      void (async () => {
        for (const part of chunks) if (!request.write(part)) await new Promise((drained) => request.once('drain', drained));
        request.end();
      })().catch(() => {});
    });
  let port: number;

  beforeAll(async () => {
    ctx = await startPlatform(engine, { evidenceMaxBytes: 1024 * 1024 });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as AddressInfo).port;
    owner = await consumer('evidence.owner', ownerId);
    stranger = await consumer('evidence.stranger', makeResidentId('310104', '1992-11-20', 33));
    lender = await institution(ctx, 701, '310000');
    key = (await ctx.app.inject({ method: 'GET', url: '/v1/platform/public-key' })).json();
    pdf = await contractPdf();
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('keeps files of several types, addressed by their SHA-256, with the type read from their bytes and a receipt that verifies offline', async () => {
    const files: [Buffer, string, string, string][] = [
      [pdf, '借款合同.pdf', 'application/pdf', 'application/pdf'],
      [png, 'voucher.png', 'image/png', 'image/png'],
      [jpeg(), 'screenshot.JPG', 'image/jpeg', 'image/jpeg'],
      [wav(), 'call.wav', 'audio/wav', 'audio/wav'],
      [mp3(), 'call.mp3', 'application/octet-stream', 'audio/mpeg'],
      [m4a(), 'voice memo', 'audio/mp4', 'audio/mp4'],
      [Buffer.from('2026-11-02 10:14 催收员：今天必须还款\n'), 'chat.txt', 'text/plain; charset=utf-8', 'text/plain'],
    ];
    for (const [bytes, name, declared, mediaType] of files) {
      const reply = await deposit(bytes, name, declared);
      expect(reply.statusCode, `${name}: ${reply.body}`).toBe(201);
      const item = reply.json();
      expect(item).toMatchObject({ fileName: name, mediaType, bytes: bytes.length, hashAlgorithm: 'sha256', hash: sha256(bytes) });
      const receipt = item.receipt as SignedEvidenceReceipt;
      expect(receipt.receipt).toMatchObject({ evidenceId: item.evidenceId, hash: sha256(bytes), mediaType, fileName: name, keyId: key.keyId });
      expect(receipt.receipt.owner).toMatch(/^person:[0-9a-f]{32}$/);
      expect(JSON.stringify(receipt)).not.toContain(ownerId);
      expect(verifyEvidenceReceipt(receipt, key, await hashOf(Readable.from([bytes]), 'sha256'))).toEqual({ valid: true });
      const content = await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}/content`, headers: owner });
      expect(content.statusCode).toBe(200);
      expect(content.headers['content-type']).toContain(mediaType);
      expect(content.rawPayload.equals(bytes)).toBe(true);
    }
    const list = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/evidence', headers: owner })).json();
    expect(list.total).toBe(files.length);
    expect(list.items[0].fileName).toBe('chat.txt');
    // The stored file is not the plaintext.
    const [stored] = await storedFiles();
    const raw = await readFile(path.join(evidenceDir(), 'consumer', stored!));
    expect(raw.includes(pdf.subarray(0, 200))).toBe(false);
  });

  it('refuses a file that lies about its type, a type it does not keep, an empty one and one over the limit, keeping nothing', async () => {
    const before = { rows: await rowCount(), files: (await storedFiles()).length };
    const expectRefused = async (reply: Awaited<ReturnType<typeof deposit>>, status: number, code: string, field: string) => {
      expect(reply.statusCode, reply.body).toBe(status);
      expect(reply.json().error).toMatchObject({ code, field });
    };
    await expectRefused(await deposit(png, 'contract.pdf', 'application/pdf'), 400, 'FH_EVIDENCE_TYPE_MISMATCH', 'headers.content-type');
    await expectRefused(await deposit(png, 'contract.pdf'), 400, 'FH_EVIDENCE_TYPE_MISMATCH', 'query.fileName');
    await expectRefused(await deposit(pdf, 'photo.jpg', 'image/jpeg'), 400, 'FH_EVIDENCE_TYPE_MISMATCH', 'headers.content-type');
    await expectRefused(await deposit(exe(), 'invoice.pdf', 'application/pdf'), 415, 'FH_EVIDENCE_TYPE_NOT_ALLOWED', 'body');
    await expectRefused(await deposit(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xff, 0x00]), 'notes.txt', 'text/plain'), 400, 'FH_EVIDENCE_TYPE_MISMATCH', 'headers.content-type');
    await expectRefused(await deposit(Buffer.from('plain words, but said to be nothing'), 'notes'), 415, 'FH_EVIDENCE_TYPE_NOT_ALLOWED', 'body');
    await expectRefused(await deposit(Buffer.alloc(0), 'empty.pdf', 'application/pdf'), 400, 'FH_EVIDENCE_EMPTY', 'body');
    await expectRefused(await deposit(Buffer.concat([pdf, Buffer.alloc(1024 * 1024)]), 'big.pdf', 'application/pdf'), 413, 'FH_EVIDENCE_TOO_LARGE', 'headers.content-length');
    // Without a length declared, the limit is found while streaming.
    const streamed = await sendChunked([pdf, ...Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 0x20))], 'big.pdf', 'application/pdf');
    expect(streamed.statusCode).toBe(413);
    expect(JSON.parse(streamed.body).error).toMatchObject({ code: 'FH_EVIDENCE_TOO_LARGE', field: 'body' });
    await expectRefused(await deposit(png, '../../etc/passwd.png', 'image/png'), 400, 'FH_VALIDATION', 'query.fileName');
    expect(await rowCount()).toBe(before.rows);
    expect((await storedFiles()).length).toBe(before.files);
  });

  it('leaves no row and no file when the client goes away mid-upload', async () => {
    const before = { rows: await rowCount(), files: await storedFiles() };
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/consumer/evidence?fileName=long.pdf', agent: false, headers: { ...owner, 'content-type': 'application/pdf', 'content-length': String(900 * 1024) } });
    request.on('error', () => {});
    request.write(pdf);
    request.write(Buffer.alloc(128 * 1024, 0x20));
    // Wait until the server has started writing the file, then hang up.
    const isNew = (name: string) => !before.files.includes(name);
    for (let i = 0; i < 500 && !(await storedFiles()).some(isNew); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await storedFiles()).filter(isNew)).toHaveLength(1);
    request.destroy();
    for (let i = 0; i < 500 && (await storedFiles()).some(isNew); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await storedFiles()).filter(isNew)).toEqual([]);
    expect(await rowCount()).toBe(before.rows);
  });

  it('says which check fails when the file or the receipt is altered, offline and from the command line', async () => {
    const item = (await deposit(pdf, 'contract.pdf', 'application/pdf')).json();
    const receipt = (await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}/receipt`, headers: owner })).json() as SignedEvidenceReceipt;
    expect(receipt).toEqual(item.receipt);
    const altered = Buffer.from(pdf);
    altered[altered.length - 10]! ^= 1;
    expect(verifyEvidenceReceipt(receipt, key, await hashOf(Readable.from([altered]), 'sha256'))).toMatchObject({ valid: false, check: 'file' });
    expect(verifyEvidenceReceipt({ ...receipt, receipt: { ...receipt.receipt, fileName: 'other.pdf' } }, key)).toMatchObject({ valid: false, check: 'signature' });
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyEvidenceReceipt(receipt, { algorithm: 'ed25519', publicKey: otherKey, keyId: keyIdOfPublicKey(otherKey) })).toMatchObject({ valid: false, check: 'key' });
    expect(verifyEvidenceReceipt({ receipt: 'x' }, key)).toMatchObject({ valid: false, check: 'format' });

    const dir = await mkdtemp(path.join(tmpdir(), 'fh-evidence-cli-'));
    try {
      const files = { receipt: path.join(dir, 'r.json'), file: path.join(dir, 'f.pdf'), altered: path.join(dir, 'g.pdf'), publicKey: path.join(dir, 'key.json'), forged: path.join(dir, 'forged.json') };
      await writeFile(files.receipt, JSON.stringify(receipt));
      await writeFile(files.file, pdf);
      await writeFile(files.altered, altered);
      await writeFile(files.publicKey, JSON.stringify(key));
      await writeFile(files.forged, JSON.stringify({ ...receipt, receipt: { ...receipt.receipt, bytes: receipt.receipt.bytes + 1 } }));
      const run = async (options: { receipt: string; file?: string; publicKey: string }) => {
        const lines: string[] = [];
        const code = await evidenceVerifyCommand(options, (line) => lines.push(line));
        return { code, text: lines.join('\n') };
      };
      expect(await run({ receipt: files.receipt, file: files.file, publicKey: files.publicKey })).toMatchObject({ code: 0, text: expect.stringContaining('receipt VALID') });
      expect(await run({ receipt: files.receipt, file: files.altered, publicKey: files.publicKey })).toMatchObject({ code: 1, text: expect.stringContaining('INVALID (file)') });
      expect(await run({ receipt: files.forged, file: files.file, publicKey: files.publicKey })).toMatchObject({ code: 1, text: expect.stringContaining('INVALID (signature)') });
      expect((await run({ receipt: path.join(dir, 'missing.json'), publicKey: files.publicKey })).code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds a change on disk: the check says damaged and the download is refused', async () => {
    const item = (await deposit(png, 'tamper.png', 'image/png')).json();
    const url = `/v1/consumer/evidence/${item.evidenceId}`;
    expect((await ctx.app.inject({ method: 'GET', url: `${url}/check`, headers: owner })).json()).toMatchObject({ intact: true });
    const row = await ctx.platform.database.db.selectFrom('evidence_item').select('stored_name').where('evidence_id', '=', item.evidenceId).executeTakeFirstOrThrow();
    const handle = await open(path.join(evidenceDir(), row.stored_name!), 'r+');
    const { size } = await handle.stat();
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, size - 5);
    byte[0]! ^= 0x40;
    await handle.write(byte, 0, 1, size - 5);
    await handle.close();
    expect((await ctx.app.inject({ method: 'GET', url: `${url}/check`, headers: owner })).json()).toMatchObject({ intact: false, code: 'FH_EVIDENCE_DAMAGED' });
    const download = await ctx.app.inject({ method: 'GET', url: `${url}/content`, headers: owner });
    expect(download.statusCode).toBe(409);
    expect(download.json().error.code).toBe('FH_EVIDENCE_DAMAGED');
  });

  it('shows a consumer only their own items and writes every read to their access log', async () => {
    const item = (await deposit(png, 'mine.png', 'image/png')).json();
    for (const suffix of ['', '/content', '/receipt', '/check']) {
      const reply = await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}${suffix}`, headers: stranger });
      expect(reply.statusCode, suffix).toBe(404);
      expect(reply.json().error.code).toBe('FH_EVIDENCE_NOT_FOUND');
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/evidence', headers: stranger })).json().items).toEqual([]);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/institution/evidence/${item.evidenceId}`, headers: { 'x-api-key': lender.apiKey } })).statusCode).toBe(404);
    await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}/content`, headers: owner });
    const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=200', headers: owner })).json();
    const entries = log.items.filter((e: { resource?: string }) => e.resource === `evidence:${item.evidenceId}`).map((e: { action: string }) => e.action);
    expect(entries).toEqual(expect.arrayContaining(['evidence.received', 'evidence.read']));
    const strangerLog = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=200', headers: stranger })).json();
    expect(strangerLog.items.some((e: { resource?: string }) => e.resource === `evidence:${item.evidenceId}`)).toBe(false);
  });

  it('gives other capabilities owned items in order, links them to a case and opens them there', async () => {
    const a = (await deposit(png, 'a.png', 'image/png')).json();
    const b = (await deposit(jpeg(), 'b.jpg', 'image/jpeg')).json();
    const foreign = (await deposit(png, 'c.png', 'image/png', stranger)).json();
    const principal = (await ctx.app.inject({ method: 'GET', url: '/v1/auth/me', headers: owner })).json().principal as { role: 'consumer'; userId: string; consumerId: string; displayName: string };
    expect(principal.consumerId).toEqual(expect.any(String));
    const caller = { principal, actor: { role: 'consumer' as const, id: principal.userId } };
    const owned = await ctx.services.evidence.requireOwned(caller, [b.evidenceId, a.evidenceId], 'body.evidenceIds');
    expect(owned.map((o) => o.evidenceId)).toEqual([b.evidenceId, a.evidenceId]);
    await expect(ctx.services.evidence.requireOwned(caller, [a.evidenceId, foreign.evidenceId], 'body.evidenceIds')).rejects.toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'body.evidenceIds.1' });
    await expect(ctx.services.evidence.requireOwned(caller, ['not-a-uuid'], 'body.evidenceIds')).rejects.toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND', field: 'body.evidenceIds.0' });
    const caseRef = 'complaint:3f0c2a5e-8f0e-4a59-9a3a-3c1d6f1b2c01';
    await ctx.platform.database.db.transaction().execute((trx) => ctx.services.evidence.linkToCase(trx, caseRef, [a.evidenceId, b.evidenceId, a.evidenceId]));
    expect((await ctx.services.evidence.caseItems(caseRef)).map((i) => i.evidenceId).sort()).toEqual([a.evidenceId, b.evidenceId].sort());
    const opened = await ctx.services.evidence.openInCase(lender.caller, caseRef, a.evidenceId);
    const parts: Buffer[] = [];
    for await (const part of opened.stream) parts.push(part as Buffer);
    expect(Buffer.concat(parts).equals(png)).toBe(true);
    await expect(ctx.services.evidence.openInCase(lender.caller, caseRef, foreign.evidenceId)).rejects.toMatchObject({ code: 'FH_EVIDENCE_NOT_FOUND' });
    // An institution deposits for a case too; a consumer never sees its vault.
    const own = await deposit(pdf, 'reply.pdf', 'application/pdf', { 'x-api-key': lender.apiKey }, '/v1/institution/evidence');
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().receipt.receipt.owner).toBe(`institution:${lender.institutionId}`);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/institution/evidence', headers: { 'x-api-key': lender.apiKey } })).json().items.map((i: { evidenceId: string }) => i.evidenceId)).toEqual([own.json().evidenceId]);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/institution/evidence/${own.json().evidenceId}/check`, headers: { 'x-api-key': lender.apiKey } })).json()).toMatchObject({ intact: true });
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${own.json().evidenceId}`, headers: owner })).statusCode).toBe(404);
  });

  it('erases a person’s items on request: the files go, the receipts stay and still verify', async () => {
    const person = await consumer('evidence.leaving', makeResidentId('310104', '1985-01-09', 45));
    const item = (await deposit(pdf, 'leaving.pdf', 'application/pdf', person)).json();
    const pseudonym = ctx.services.identity.pseudonym('resident_id', makeResidentId('310104', '1985-01-09', 45));
    expect((await ctx.services.evidence.exportOf(pseudonym)).map((i) => i.evidenceId)).toEqual([item.evidenceId]);
    const filesBefore = (await storedFiles()).length;
    // A deletion that rolls back leaves the item and its file as they were.
    await expect(
      ctx.platform.database.db.transaction().execute(async (trx) => {
        await ctx.services.evidence.eraseOf(trx, { role: 'system', id: null }, pseudonym);
        throw new Error('a later step of the deletion fails');
      }),
    ).rejects.toThrow('a later step');
    expect((await storedFiles()).length).toBe(filesBefore);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}/check`, headers: person })).json()).toMatchObject({ intact: true });
    const { erased, removeFiles } = await ctx.platform.database.db.transaction().execute((trx) => ctx.services.evidence.eraseOf(trx, { role: 'system', id: null }, pseudonym));
    expect(erased).toBe(1);
    await removeFiles();
    expect((await storedFiles()).length).toBe(filesBefore - 1);
    expect(await ctx.services.evidence.exportOf(pseudonym)).toEqual([]);
    const content = await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}/content`, headers: person });
    expect(content.statusCode).toBe(410);
    expect(content.json().error.code).toBe('FH_EVIDENCE_ERASED');
    const receipt = (await ctx.app.inject({ method: 'GET', url: `/v1/consumer/evidence/${item.evidenceId}/receipt`, headers: person })).json();
    expect(verifyEvidenceReceipt(receipt, key, await hashOf(Readable.from([pdf]), 'sha256'))).toEqual({ valid: true });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/consumer/evidence', headers: person })).json().items).toEqual([]);
  });
});

describe('the evidence vault of a platform that signs with SM2', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startPlatform('pglite', { signatureAlgorithm: 'sm2' });
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('addresses items by SM3 and signs the receipt with SM2', async () => {
    await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username: 'sm.owner', password: 'a long password 2', displayName: 'sm', residentId: makeResidentId('110105', '1988-08-08', 17) } });
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'sm.owner', password: 'a long password 2' } });
    const png = voucherPng(20, 10);
    const reply = await ctx.app.inject({ method: 'POST', url: '/v1/consumer/evidence?fileName=v.png', headers: { authorization: `Bearer ${login.json().token}`, 'content-type': 'image/png' }, payload: png });
    expect(reply.statusCode, reply.body).toBe(201);
    const item = reply.json();
    expect(item).toMatchObject({ hashAlgorithm: 'sm3', hash: createHash('sm3').update(png).digest('hex') });
    const key = (await ctx.app.inject({ method: 'GET', url: '/v1/platform/public-key' })).json();
    expect(key.algorithm).toBe('sm2');
    expect(verifyEvidenceReceipt(item.receipt, key, await hashOf(Readable.from([png]), 'sm3'))).toEqual({ valid: true });
  });
});
