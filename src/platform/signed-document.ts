import type { SignatureAlgorithm } from './config.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex, verifySignature, type Signer } from './crypto.js';

/** A public key as published at GET /v1/platform/public-key. */
export interface PublicKeyRef {
  algorithm: SignatureAlgorithm;
  keyId: string;
  publicKey: string;
}

/** What every signed record names: the key that signed it and the algorithm. */
export interface SignedBodyBase {
  /** First 16 hex characters of the SHA-256 of the platform's public key. */
  keyId: string;
  algorithm: SignatureAlgorithm;
}

export type SignatureCheck = { valid: true } | { valid: false; check: 'shape' | 'algorithm' | 'key' | 'signature'; reason: string };

/** The key id a public key has (the same derivation the platform signer uses). */
export function keyIdOf(publicKey: string): string {
  return sha256Hex(publicKey).slice(0, 16);
}

/** The signature of the platform signer over the canonical JSON of `body`, which must name that signer's key. */
export function signBody(body: SignedBodyBase, signer: Signer): string {
  if (body.keyId !== signer.keyId || body.algorithm !== signer.algorithm) throw new Error('a signed record must name the key that signs it');
  return signer.sign(canonicalJson(body));
}

/**
 * Check a signature over the canonical JSON of `body` with a public key, offline: the algorithm
 * and key the body names must be the key's, and the signature must match the content.
 */
export function checkSignedBody(body: Record<string, unknown>, signature: string, key: PublicKeyRef, what: string): SignatureCheck {
  if (body.algorithm !== key.algorithm) return { valid: false, check: 'algorithm', reason: `the ${what} was signed with ${String(body.algorithm)}, the public key is for ${key.algorithm}` };
  const actual = keyIdOf(key.publicKey);
  if (body.keyId !== actual) return { valid: false, check: 'key', reason: `the ${what} names signing key ${String(body.keyId)}, the public key given is ${actual}` };
  if (!verifySignature(key.algorithm, key.publicKey, canonicalJson(body), signature)) {
    return { valid: false, check: 'signature', reason: `the signature does not match the ${what}: it was altered or not signed by this key` };
  }
  return { valid: true };
}

/**
 * A public key from a file's text: the JSON of GET /v1/platform/public-key, an Ed25519 PEM, or an
 * SM2 public key in hex. Throws with the reason when it is none of these.
 */
export function parsePublicKeyText(text: string): PublicKeyRef {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as Partial<PublicKeyRef>;
    if ((parsed.algorithm !== 'ed25519' && parsed.algorithm !== 'sm2') || typeof parsed.publicKey !== 'string') throw new Error('the public key JSON needs "algorithm" and "publicKey"');
    return { algorithm: parsed.algorithm, publicKey: parsed.publicKey, keyId: keyIdOf(parsed.publicKey) };
  }
  if (trimmed.includes('BEGIN PUBLIC KEY')) {
    // A PEM keeps its trailing newline: the key id is derived from the exact text the platform publishes.
    const publicKey = `${trimmed}\n`;
    return { algorithm: 'ed25519', publicKey, keyId: keyIdOf(publicKey) };
  }
  if (!/^04[0-9a-f]{128}$/i.test(trimmed)) throw new Error('not a public key: expected the JSON of GET /v1/platform/public-key, an Ed25519 PEM or an SM2 hex key');
  return { algorithm: 'sm2', publicKey: trimmed, keyId: keyIdOf(trimmed) };
}
