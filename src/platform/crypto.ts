import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign, verify as nodeVerify, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sm2 } from 'sm-crypto-v2';
import type { Config, SignatureAlgorithm } from './config.js';

/** SHA-256 of a string or bytes, hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SM3 (GB/T 32905) of a string or bytes, hex; OpenSSL provides it. */
export function sm3Hex(data: string | Uint8Array): string {
  return createHash('sm3').update(data).digest('hex');
}

/** Constant-time comparison of two hex or base64 strings. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---------------------------------------------------------------------------------------------
// Pseudonyms

/**
 * Turns an identifier (a resident ID number, a phone number) into a keyed HMAC, so that records
 * from different institutions about one person join without anyone storing the number itself.
 */
export class Pseudonymizer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('pseudonym key must be at least 32 bytes');
  }

  /** The pseudonym of `value` in the namespace `kind` (different kinds never collide). */
  pseudonym(kind: 'resident_id' | 'phone' | 'account' | 'device', value: string): string {
    return createHmac('sha256', this.key).update(kind).update('\0').update(value).digest('hex');
  }

  /** A copy of the key, for a worker thread of this process that computes pseudonyms in parallel (it never leaves the process). */
  keyForWorkers(): Uint8Array {
    return new Uint8Array(this.key);
  }
}

// ---------------------------------------------------------------------------------------------
// The personal-data vault cipher: AES-256-GCM with a key ring for rotation.

export interface VaultKey {
  id: string;
  key: Buffer;
}

/** A sealed value: which key sealed it and `iv ‖ tag ‖ ciphertext` in base64. */
export interface Sealed {
  keyId: string;
  sealed: string;
}

/** AES-256-GCM over a key ring; the first key seals, any key in the ring opens. */
export class VaultCipher {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(ring: VaultKey[]) {
    if (ring.length === 0) throw new Error('the vault key ring is empty');
    for (const k of ring) if (k.key.length !== 32) throw new Error(`vault key ${k.id} must be 32 bytes`);
    this.keys = new Map(ring.map((k) => [k.id, k.key]));
    this.currentKeyId = ring[0]!.id;
  }

  /** Encrypt `plaintext`, binding it to `context` (e.g. the record id) so a sealed value cannot be moved. */
  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
  }

  /** Decrypt a sealed value; throws when the key is unknown or the value or context was altered. */
  open(value: Sealed, context: string): string {
    const key = this.keys.get(value.keyId);
    if (!key) throw new Error(`vault key ${value.keyId} is not in the key ring`);
    const raw = Buffer.from(value.sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures: Ed25519 by default, SM2 with SM3 as the national-standard option.

export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** Public key: SPKI PEM for Ed25519, uncompressed hex for SM2. */
  readonly publicKey: string;
  /** Short stable identifier of the public key (first 16 hex of its SHA-256). */
  readonly keyId: string;
  /** Signature over `data`: base64 for Ed25519, hex (r‖s) for SM2. */
  sign(data: string | Uint8Array): string;
}

/** Verify a signature made by a Signer, knowing only the algorithm and the public key. */
export function verifySignature(algorithm: SignatureAlgorithm, publicKey: string, data: string | Uint8Array, signature: string): boolean {
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (algorithm === 'ed25519') {
      return nodeVerify(null, bytes, createPublicKey(publicKey), Buffer.from(signature, 'base64'));
    }
    // SM2 with the SM3 digest over Z_A ‖ M (GB/T 32918), as `hash: true` does.
    return sm2.doVerifySignature(bytes, signature, publicKey, { hash: true });
  } catch {
    return false;
  }
}

function keyIdOf(publicKey: string): string {
  return sha256Hex(publicKey).slice(0, 16);
}

/** A signer over an Ed25519 private key in PKCS#8 PEM. */
export function ed25519Signer(privateKeyPem: string): Signer {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    algorithm: 'ed25519',
    publicKey,
    keyId: keyIdOf(publicKey),
    sign: (data) => nodeSign(null, typeof data === 'string' ? Buffer.from(data) : data, privateKey).toString('base64'),
  };
}

/** A signer over an SM2 private key in hex. */
export function sm2Signer(privateKeyHex: string): Signer {
  const publicKey = sm2.getPublicKeyFromPrivateKey(privateKeyHex);
  return {
    algorithm: 'sm2',
    publicKey,
    keyId: keyIdOf(publicKey),
    sign: (data) => sm2.doSignature(typeof data === 'string' ? Buffer.from(data) : data, privateKeyHex, { hash: true, publicKey }),
  };
}

/** A fresh private key for `algorithm`: PKCS#8 PEM for Ed25519, hex for SM2. */
export function generateSigningKey(algorithm: SignatureAlgorithm): string {
  if (algorithm === 'sm2') return sm2.generateKeyPairHex().privateKey;
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A signer for `algorithm` over `privateKey`. */
export function signerFor(algorithm: SignatureAlgorithm, privateKey: string): Signer {
  return algorithm === 'sm2' ? sm2Signer(privateKey) : ed25519Signer(privateKey);
}

// ---------------------------------------------------------------------------------------------
// Key material: from configuration, or generated once into the data directory for a local start.

export interface KeyMaterial {
  pseudonymizer: Pseudonymizer;
  vault: VaultCipher;
  signer: Signer;
  /** True when some key was generated into the data directory rather than configured. */
  generated: boolean;
}

interface KeyFile {
  pseudonymKey?: string;
  vaultKeys?: { id: string; key: string }[];
  signingKeys?: Partial<Record<SignatureAlgorithm, string>>;
}

/**
 * Load the platform's keys. Configured keys win; any key not configured is read from, or generated
 * into, `<dataDir>/keys.json` (mode 0600) so that a newcomer's `npm start` works with no set-up.
 */
export async function loadKeyMaterial(config: Pick<Config, 'dataDir' | 'pseudonymKey' | 'vaultKeys' | 'signingKey' | 'signatureAlgorithm'>): Promise<KeyMaterial> {
  const file = path.join(config.dataDir, 'keys.json');
  let stored: KeyFile = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let changed = false;
  if (!config.pseudonymKey && !stored.pseudonymKey) {
    stored.pseudonymKey = randomBytes(32).toString('base64');
    changed = true;
  }
  if (!config.vaultKeys && !stored.vaultKeys?.length) {
    stored.vaultKeys = [{ id: 'k1', key: randomBytes(32).toString('base64') }];
    changed = true;
  }
  const algorithm = config.signatureAlgorithm;
  if (!config.signingKey && !stored.signingKeys?.[algorithm]) {
    stored.signingKeys = { ...stored.signingKeys, [algorithm]: generateSigningKey(algorithm) };
    changed = true;
  }
  if (changed) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  const ring = config.vaultKeys
    ? config.vaultKeys.split(',').map((entry) => {
        const [id, key] = entry.split(':') as [string, string];
        return { id, key: Buffer.from(key, 'base64') };
      })
    : stored.vaultKeys!.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') }));
  return {
    pseudonymizer: new Pseudonymizer(Buffer.from(config.pseudonymKey ?? stored.pseudonymKey!, 'base64')),
    vault: new VaultCipher(ring),
    signer: signerFor(algorithm, config.signingKey ?? stored.signingKeys![algorithm]!),
    generated: !config.pseudonymKey || !config.vaultKeys || !config.signingKey,
  };
}

/**
 * The platform's signer as configured (FH_SIGNING_KEY, or the key generated into the data
 * directory), without generating one: undefined when there is none. For tools that only check.
 */
export async function configuredSigner(config: Pick<Config, 'dataDir' | 'signingKey' | 'signatureAlgorithm'>): Promise<Signer | undefined> {
  if (config.signingKey) return signerFor(config.signatureAlgorithm, config.signingKey);
  try {
    const stored = JSON.parse(await readFile(path.join(config.dataDir, 'keys.json'), 'utf8')) as KeyFile;
    const key = stored.signingKeys?.[config.signatureAlgorithm];
    return key ? signerFor(config.signatureAlgorithm, key) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Key material made fresh in memory, for tests and tools. */
export function ephemeralKeyMaterial(algorithm: SignatureAlgorithm = 'ed25519'): KeyMaterial {
  return {
    pseudonymizer: new Pseudonymizer(randomBytes(32)),
    vault: new VaultCipher([{ id: 'k1', key: randomBytes(32) }]),
    signer: signerFor(algorithm, generateSigningKey(algorithm)),
    generated: true,
  };
}
