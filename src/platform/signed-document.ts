import type { SignatureAlgorithm } from './config.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex, verifySignature } from './crypto.js';

/** The platform's public key as published at GET /v1/platform/public-key. */
export interface PublicKeyInfo {
  algorithm: SignatureAlgorithm;
  keyId: string;
  publicKey: string;
}

/** Which check of a signed document failed: its shape, the key it names, or the signature over its content. */
export type SignedDocumentFailure = 'format' | 'key' | 'signature';

export type SignedDocumentCheck = { valid: true } | { valid: false; check: SignedDocumentFailure; reason: string };

/** The key id a public key has (the same derivation the platform signer uses). */
export function keyIdOfPublicKey(publicKey: string): string {
  return sha256Hex(publicKey).slice(0, 16);
}

/** Read a public key file: the JSON of GET /v1/platform/public-key, an Ed25519 PEM, or SM2 hex. */
export function parsePublicKey(text: string): PublicKeyInfo {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as Partial<PublicKeyInfo>;
    if ((parsed.algorithm !== 'ed25519' && parsed.algorithm !== 'sm2') || typeof parsed.publicKey !== 'string') throw new Error('the public key JSON needs "algorithm" and "publicKey"');
    return { algorithm: parsed.algorithm, publicKey: parsed.publicKey, keyId: keyIdOfPublicKey(parsed.publicKey) };
  }
  const algorithm: SignatureAlgorithm = trimmed.includes('BEGIN PUBLIC KEY') ? 'ed25519' : 'sm2';
  // A PEM keeps its trailing newline: the key id is derived from the exact text the platform publishes.
  const publicKey = algorithm === 'ed25519' ? `${trimmed}\n` : trimmed;
  return { algorithm, publicKey, keyId: keyIdOfPublicKey(publicKey) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check a document `{ <bodyField>: {…, keyId, algorithm}, signature }` signed by the platform over
 * the canonical JSON of its body, offline, with the platform's public key. `stringFields` are the
 * body fields that must be strings for it to be the kind of document expected.
 */
export function verifySignedDocument(document: unknown, key: PublicKeyInfo, bodyField: string, stringFields: readonly string[]): SignedDocumentCheck {
  if (!isRecord(document) || !isRecord(document[bodyField]) || typeof document.signature !== 'string') {
    return { valid: false, check: 'format', reason: `not a signed document: expected { "${bodyField}": {…}, "signature": "…" }` };
  }
  const body = document[bodyField];
  for (const field of [...stringFields, 'keyId', 'algorithm']) {
    if (typeof body[field] !== 'string') return { valid: false, check: 'format', reason: `not a signed document: ${bodyField}.${field} is missing` };
  }
  if (body.algorithm !== key.algorithm) return { valid: false, check: 'key', reason: `signed with ${String(body.algorithm)}, the public key is for ${key.algorithm}` };
  const actualKeyId = keyIdOfPublicKey(key.publicKey);
  if (body.keyId !== actualKeyId) return { valid: false, check: 'key', reason: `it names signing key ${String(body.keyId)}, the public key given is ${actualKeyId}` };
  if (!verifySignature(key.algorithm, key.publicKey, canonicalJson(body), document.signature)) {
    return { valid: false, check: 'signature', reason: 'the signature does not match the content: it was altered or not signed by this key' };
  }
  return { valid: true };
}
