import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { VaultCipher } from './crypto.js';

/*
 * Uploads are kept encrypted at rest because they carry clear resident ID numbers.
 *
 * Format (envelope encryption, chunked so that neither writing nor reading holds the file):
 *   "FHUP" 0x01                      magic and format version
 *   u32 BE n, n bytes of JSON        header: { keyId, sealedKey, nonce, chunkSize }
 *   chunks: u32 BE length ‖ 16-byte GCM tag ‖ ciphertext
 *
 * A fresh 256-bit data key per file encrypts the chunks with AES-256-GCM; the vault's current key
 * seals the data key (bound to the filing), so rotating vault keys only re-seals headers. Chunk i
 * uses the IV nonce(7) ‖ u32 BE i ‖ final flag, and the header bytes as additional data: chunks
 * cannot be reordered, moved to another file, dropped from the end or appended after the last.
 */

const MAGIC = Buffer.from([0x46, 0x48, 0x55, 0x50, 0x01]);
const DEFAULT_CHUNK_SIZE = 256 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

interface Header {
  keyId: string;
  sealedKey: string;
  nonce: string;
  chunkSize: number;
}

/** The stored upload cannot be read back intact (altered, truncated, or sealed under an unknown key). */
export class DamagedUploadError extends Error {
  constructor(detail: string) {
    super(`the stored upload is damaged: ${detail}`);
    this.name = 'DamagedUploadError';
  }
}

function ivOf(nonce: Buffer, index: number, final: boolean): Buffer {
  const iv = Buffer.alloc(12);
  nonce.copy(iv, 0, 0, 7);
  iv.writeUInt32BE(index, 7);
  iv[11] = final ? 1 : 0;
  return iv;
}

/** Writes one upload encrypted, chunk by chunk, as its bytes arrive. */
export interface EncryptedFileWriter {
  /** Append plaintext; resolves once it is handed to the file system. */
  write(chunk: Uint8Array): Promise<void>;
  /** Seal the last chunk, flush to disk and close; returns the plaintext size. */
  finish(): Promise<{ plaintextBytes: number }>;
  /** Close and delete the partial file. */
  abort(): Promise<void>;
}

/**
 * Create `filePath` and return a writer that encrypts what it is given under a fresh data key
 * sealed by the vault's current key, bound to `context` (e.g. `filing-upload:<filingId>`).
 */
export async function createEncryptedFile(filePath: string, vault: VaultCipher, context: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<EncryptedFileWriter> {
  const dataKey = randomBytes(32);
  const nonce = randomBytes(7);
  const sealed = vault.seal(dataKey.toString('base64'), context);
  const headerJson = Buffer.from(JSON.stringify({ keyId: sealed.keyId, sealedKey: sealed.sealed, nonce: nonce.toString('base64'), chunkSize } satisfies Header));
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32BE(headerJson.length);
  const header = Buffer.concat([MAGIC, headerLength, headerJson]);
  const handle: FileHandle = await open(filePath, 'wx', 0o600);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  let plaintextBytes = 0;
  let closed = false;
  await handle.write(header);

  const sealChunk = async (plain: Buffer, final: boolean) => {
    const cipher = createCipheriv('aes-256-gcm', dataKey, ivOf(nonce, index++, final));
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const prefix = Buffer.alloc(20);
    prefix.writeUInt32BE(body.length, 0);
    cipher.getAuthTag().copy(prefix, 4);
    await handle.write(Buffer.concat([prefix, body]));
  };

  return {
    async write(chunk) {
      if (closed) throw new Error('the encrypted file is closed');
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      plaintextBytes += bytes.length;
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes < chunkSize) return;
      let all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      while (all.length >= chunkSize) {
        await sealChunk(all.subarray(0, chunkSize), false);
        all = all.subarray(chunkSize);
      }
      // Copy the remainder so the caller's (possibly pooled) buffer is not retained.
      pending = all.length > 0 ? [Buffer.from(all)] : [];
      pendingBytes = all.length;
    },
    async finish() {
      if (closed) throw new Error('the encrypted file is closed');
      await sealChunk(Buffer.concat(pending, pendingBytes), true);
      pending = [];
      closed = true;
      await handle.sync();
      await handle.close();
      return { plaintextBytes };
    },
    async abort() {
      if (!closed) {
        closed = true;
        await handle.close().catch(() => {});
      }
      await rm(filePath, { force: true });
    },
  };
}

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer | null> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) return filled === 0 ? null : buffer.subarray(0, filled);
    filled += bytesRead;
  }
  return buffer;
}

/**
 * Read back an upload written by createEncryptedFile, yielding its plaintext chunk by chunk.
 * Throws DamagedUploadError when any chunk fails authentication, the file ends before its final
 * chunk, or bytes follow it.
 */
export async function* readEncryptedFile(filePath: string, vault: VaultCipher, context: string): AsyncGenerator<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const start = await readExactly(handle, MAGIC.length + 4, 0);
    if (!start || start.length < MAGIC.length + 4 || !start.subarray(0, MAGIC.length).equals(MAGIC)) throw new DamagedUploadError('not an encrypted upload');
    const headerLength = start.readUInt32BE(MAGIC.length);
    if (headerLength > MAX_HEADER_BYTES) throw new DamagedUploadError('header too long');
    const headerJson = await readExactly(handle, headerLength, start.length);
    if (!headerJson || headerJson.length < headerLength) throw new DamagedUploadError('header cut short');
    const header = Buffer.concat([start, headerJson]);
    let parsed: Header;
    let dataKey: Buffer;
    try {
      parsed = JSON.parse(headerJson.toString('utf8')) as Header;
      dataKey = Buffer.from(vault.open({ keyId: parsed.keyId, sealed: parsed.sealedKey }, context), 'base64');
    } catch (error) {
      throw new DamagedUploadError(`cannot open the data key (${(error as Error).message})`);
    }
    const nonce = Buffer.from(parsed.nonce, 'base64');
    let position = header.length;
    for (let index = 0; ; index++) {
      const prefix = await readExactly(handle, 20, position);
      if (!prefix || prefix.length < 20) throw new DamagedUploadError('the file ends before its last chunk');
      const length = prefix.readUInt32BE(0);
      if (length > parsed.chunkSize) throw new DamagedUploadError(`chunk ${index} is longer than the chunk size`);
      const body = length === 0 ? Buffer.alloc(0) : await readExactly(handle, length, position + 20);
      if (!body || body.length < length) throw new DamagedUploadError('the file ends inside a chunk');
      position += 20 + length;
      // The writer seals full chunks as they fill and the remainder (always shorter, maybe empty)
      // as the final one, so the length says which IV flag to expect.
      const final = length < parsed.chunkSize;
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', dataKey, ivOf(nonce, index, final));
        decipher.setAAD(header);
        decipher.setAuthTag(prefix.subarray(4, 20));
        plain = Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        throw new DamagedUploadError(`chunk ${index} fails authentication`);
      }
      if (plain.length > 0) yield plain;
      if (final) {
        const trailing = await readExactly(handle, 1, position);
        if (trailing) throw new DamagedUploadError('bytes follow the last chunk');
        return;
      }
    }
  } finally {
    await handle.close();
  }
}
