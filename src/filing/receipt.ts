import type { SignatureAlgorithm } from '../platform/config.js';
import { canonicalJson } from '../platform/canonical-json.js';
import { verifySignature, type Signer } from '../platform/crypto.js';
import { keyIdOfPublicKey, type PublicKeyInfo } from '../platform/signed-document.js';

/** What the platform signs when a filing is signed: canonical JSON of exactly these fields. */
export interface ReceiptBody {
  receiptId: string;
  filingId: string;
  /** SHA-256 (hex) of the file's content, after any gzip transfer compression is removed. */
  fileHash: string;
  hashAlgorithm: 'sha256';
  institution: { id: string; uscc: string; nameZh: string; nameEn: string };
  recordType: string;
  /** Reporting period, 'YYYY-MM'. */
  period: string;
  version: number;
  recordCount: number;
  /** ISO 8601 UTC. */
  signedAt: string;
  /** First 16 hex characters of the SHA-256 of the platform's public key. */
  keyId: string;
  algorithm: SignatureAlgorithm;
}

/** A receipt as handed to the filer and checked offline: the body and the signature over its canonical JSON. */
export interface SignedReceipt {
  receipt: ReceiptBody;
  /** Base64 (Ed25519) or hex r‖s (SM2) over `canonicalJson(receipt)`. */
  signature: string;
}

export type { PublicKeyInfo };

export type ReceiptCheck = { valid: true } | { valid: false; reason: string };

export { keyIdOfPublicKey };

/** Sign a receipt body with the platform signer; the body must name the signer's key and algorithm. */
export function signReceipt(body: ReceiptBody, signer: Signer): SignedReceipt {
  if (body.keyId !== signer.keyId || body.algorithm !== signer.algorithm) throw new Error('the receipt must name the key that signs it');
  return { receipt: body, signature: signer.sign(canonicalJson(body)) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check a receipt against the platform's public key, offline. Says why when it fails: not a
 * receipt, another algorithm or key, or a signature that does not match the content (altered).
 *
 * @example verifyReceipt(JSON.parse(text), { algorithm: 'ed25519', keyId, publicKey }) // → { valid: true }
 */
export function verifyReceipt(document: unknown, key: PublicKeyInfo): ReceiptCheck {
  if (!isRecord(document) || !isRecord(document.receipt) || typeof document.signature !== 'string') {
    return { valid: false, reason: 'not a receipt: expected { "receipt": {…}, "signature": "…" }' };
  }
  const body = document.receipt;
  for (const field of ['receiptId', 'filingId', 'fileHash', 'recordType', 'period', 'signedAt', 'keyId', 'algorithm'] as const) {
    if (typeof body[field] !== 'string') return { valid: false, reason: `not a receipt: receipt.${field} is missing` };
  }
  if (body.algorithm !== key.algorithm) return { valid: false, reason: `the receipt was signed with ${String(body.algorithm)}, the public key is for ${key.algorithm}` };
  const actualKeyId = keyIdOfPublicKey(key.publicKey);
  if (body.keyId !== actualKeyId) return { valid: false, reason: `the receipt names signing key ${String(body.keyId)}, the public key given is ${actualKeyId}` };
  if (!verifySignature(key.algorithm, key.publicKey, canonicalJson(body), document.signature)) {
    return { valid: false, reason: 'the signature does not match the receipt content: it was altered or not signed by this key' };
  }
  return { valid: true };
}
