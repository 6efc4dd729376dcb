import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultCipher } from './crypto.js';
import { createEncryptedFile, readEncryptedFile } from './encrypted-file.js';

const k2 = randomBytes(32);
const vault = new VaultCipher([{ id: 'k2', key: k2 }]);

async function readAll(file: string, context: string, cipher = vault): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of readEncryptedFile(file, cipher, context)) parts.push(part);
  return Buffer.concat(parts);
}

describe('encrypted uploads', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fh-enc-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function writeSample(name: string, plain: Buffer, pieces: number[], chunkSize = 1024): Promise<string> {
    const file = path.join(dir, name);
    const writer = await createEncryptedFile(file, vault, `ctx:${name}`, chunkSize);
    let offset = 0;
    for (const size of pieces) {
      await writer.write(plain.subarray(offset, offset + size));
      offset += size;
    }
    await writer.write(plain.subarray(offset));
    await writer.finish();
    return file;
  }

  it.each([
    ['empty', 0],
    ['shorter than a chunk', 100],
    ['exactly one chunk', 1024],
    ['several chunks and a remainder', 5000],
    ['an exact multiple of chunks', 4096],
  ])('round-trips %s, written in uneven pieces', async (label, size) => {
    const plain = randomBytes(size);
    const file = await writeSample(label.replace(/\s/g, '-'), plain, [1, 7, 1500, 3]);
    expect((await readAll(file, `ctx:${label.replace(/\s/g, '-')}`)).equals(plain)).toBe(true);
    // The clear text is not in the file.
    if (size >= 100) expect((await readFile(file)).includes(plain.subarray(0, 32))).toBe(false);
  });

  it('refuses a file with a flipped bit, cut short, extended, or opened with another context', async () => {
    const plain = Buffer.from('loan_id,borrower_resident_id\n' + 'L1,110105194912310021\n'.repeat(200));
    const file = await writeSample('tamper', plain, []);
    const bytes = await readFile(file);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5]! ^= 1;
    await writeFile(path.join(dir, 'flipped'), flipped);
    await expect(readAll(path.join(dir, 'flipped'), 'ctx:tamper')).rejects.toThrow(/fails authentication/);

    // Dropping the final chunk (cut at a chunk boundary) is noticed too.
    const headerLength = 9 + bytes.readUInt32BE(5);
    const firstChunkEnd = headerLength + 20 + bytes.readUInt32BE(headerLength);
    await writeFile(path.join(dir, 'cut'), bytes.subarray(0, firstChunkEnd));
    await expect(readAll(path.join(dir, 'cut'), 'ctx:tamper')).rejects.toThrow(/ends before its last chunk/);

    await writeFile(path.join(dir, 'extended'), Buffer.concat([bytes, Buffer.from([0])]));
    await expect(readAll(path.join(dir, 'extended'), 'ctx:tamper')).rejects.toThrow(/bytes follow the last chunk/);

    await expect(readAll(file, 'ctx:another-filing')).rejects.toThrow(/cannot open the data key/);
    const otherVault = new VaultCipher([{ id: 'k2', key: randomBytes(32) }]);
    await expect(readAll(file, 'ctx:tamper', otherVault)).rejects.toThrow(/cannot open the data key/);
    expect((await readAll(file, 'ctx:tamper')).equals(plain)).toBe(true);
  });

  it('opens files sealed under an older key after the vault key ring rotates', async () => {
    const plain = randomBytes(3000);
    const file = await writeSample('rotated', plain, [10]);
    const rotated = new VaultCipher([{ id: 'k3', key: randomBytes(32) }, { id: 'k2', key: k2 }]);
    expect((await readAll(file, 'ctx:rotated', rotated)).equals(plain)).toBe(true);
  });
});
