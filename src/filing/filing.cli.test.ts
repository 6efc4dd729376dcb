import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestContext } from '../../test/harness.js';
import { ed25519Signer, generateSigningKey } from '../platform/crypto.js';
import { fileCommand, parsePublicKey, verifyReceiptCommand } from './filing.cli.js';
import { institution, loanCsv, type TestInstitution } from './filing.test-support.js';
import type { SignedReceipt } from './receipt.js';

const mainScript = fileURLToPath(new URL('../main.ts', import.meta.url));

describe('fenghuo file and verify-receipt, with SM2 signatures', () => {
  let context: TestContext;
  let a: TestInstitution;
  let url: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'fh-cli-'));

  beforeAll(async () => {
    context = await startPlatform('pglite', { signatureAlgorithm: 'sm2', dataDir: dir });
    a = await institution(context, 5, '110000');
    await context.app.listen({ port: 0, host: '127.0.0.1' });
    const address = context.app.server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a file with progress, signs it, and the SM2 receipt verifies offline; a tampered one does not', async () => {
    const file = path.join(dir, 'loans.csv');
    await writeFile(file, loanCsv({ rows: 400, seed: 91, period: '2024-06' }));
    const lines: string[] = [];
    const code = await fileCommand(file, { type: 'loan', period: '2024-06', apiKey: a.apiKey, url, sign: true }, (line) => lines.push(line));
    const output = lines.join('\n');
    expect(code, output).toBe(0);
    expect(output).toMatch(/version 1: CLEAN/);
    expect(output).toMatch(/records: 400/);
    expect(output).toMatch(/signed: accepted/);
    const receipt = JSON.parse(await readFile(`${file}.receipt.json`, 'utf8')) as SignedReceipt;
    expect(receipt.receipt.algorithm).toBe('sm2');

    const keyFile = path.join(dir, 'platform-key.json');
    await writeFile(keyFile, (await context.app.inject({ method: 'GET', url: '/v1/platform/public-key' })).body);
    const checked: string[] = [];
    expect(await verifyReceiptCommand(`${file}.receipt.json`, { publicKey: keyFile, url }, (l) => checked.push(l))).toBe(0);
    expect(checked.join('\n')).toMatch(/receipt VALID: 测试机构5 .* loan 2024-06 v1, 400 records/);

    // The HTTP check agrees.
    const verified = await context.app.inject({ method: 'GET', url: `/v1/receipts/${receipt.receipt.receiptId}/verify`, headers: { 'x-api-key': a.apiKey } });
    expect(verified.json()).toMatchObject({ valid: true, algorithm: 'sm2' });

    const tamperedFile = path.join(dir, 'tampered.json');
    await writeFile(tamperedFile, JSON.stringify({ ...receipt, receipt: { ...receipt.receipt, fileHash: '0'.repeat(64) } }));
    const refused: string[] = [];
    expect(await verifyReceiptCommand(tamperedFile, { publicKey: keyFile, url }, (l) => refused.push(l))).toBe(1);
    expect(refused.join('\n')).toMatch(/receipt INVALID: the signature does not match the receipt content/);

    // Another platform's key: refused, naming the mismatch.
    const otherKey = path.join(dir, 'other.pem');
    await writeFile(otherKey, ed25519Signer(generateSigningKey('ed25519')).publicKey);
    const wrongKey: string[] = [];
    expect(await verifyReceiptCommand(`${file}.receipt.json`, { publicKey: otherKey, url }, (l) => wrongKey.push(l))).toBe(1);
    expect(wrongKey.join('\n')).toMatch(/signed with sm2, the public key is for ed25519/);

    // The real command line, fully offline with the key file.
    const run = (receiptFile: string) => spawnSync(process.execPath, ['--import', 'tsx', mainScript, 'verify-receipt', receiptFile, '--public-key', keyFile], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
    const ok = run(`${file}.receipt.json`);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/receipt VALID/);
    const bad = run(tamperedFile);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/receipt INVALID/);
  });

  it('reads public keys as JSON, PEM and SM2 hex with the same key id', async () => {
    const signer = context.platform.keys.signer;
    expect(parsePublicKey(JSON.stringify({ algorithm: signer.algorithm, keyId: signer.keyId, publicKey: signer.publicKey })).keyId).toBe(signer.keyId);
    expect(parsePublicKey(`${signer.publicKey}\n`).keyId).toBe(signer.keyId);
    const ed = ed25519Signer(generateSigningKey('ed25519'));
    expect(parsePublicKey(ed.publicKey)).toMatchObject({ algorithm: 'ed25519', keyId: ed.keyId });
  });

  it('prints the findings of a file with errors and exits 1; reports HTTP errors clearly', async () => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, loanCsv({ rows: 500, errorsPerEdit: 2, seed: 92, period: '2024-05' }));
    const lines: string[] = [];
    expect(await fileCommand(file, { type: 'loan', period: '2024-05', apiKey: a.apiKey, url }, (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/ERRORS/);
    expect(lines.join('\n')).toMatch(/V011 error +2 {2}The check character of the resident ID number is wrong/);

    const refused: string[] = [];
    expect(await fileCommand(file, { type: 'loan', period: '2024-05', apiKey: 'fhk_nope.nope', url }, (l) => refused.push(l))).toBe(1);
    expect(refused.join('\n')).toMatch(/HTTP 401 FH_AUTH_INVALID_API_KEY/);
  });
});
