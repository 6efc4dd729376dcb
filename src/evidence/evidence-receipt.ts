import { createHash } from 'node:crypto';
import type { SignatureAlgorithm } from '../platform/config.js';
import { canonicalJson } from '../platform/canonical-json.js';
import type { Signer } from '../platform/crypto.js';
import { verifySignedDocument, type PublicKeyInfo } from '../platform/signed-document.js';

/**
 * What the platform signs when an evidence item arrives: canonical JSON of exactly these fields.
 * Nothing in it names a person: the owner is a one-way reference.
 */
export interface EvidenceReceiptBody {
  /** Fixed, so that a receipt of another kind signed by the same key is never taken for this one. */
  kind: 'fenghuo.evidence-receipt';
  evidenceId: string;
  /** SM3 when the platform signs with SM2, SHA-256 otherwise. */
  hashAlgorithm: 'sha256' | 'sm3';
  /** Hex digest of the file's bytes as they arrived. */
  hash: string;
  bytes: number;
  /** The media type found in the file's first bytes. */
  mediaType: string;
  fileName: string;
  /** `person:<hex>` (a one-way reference of the person's pseudonym) or `institution:<id>`. */
  owner: string;
  /** ISO 8601 UTC. */
  receivedAt: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
}

/** The receipt as handed out and checked offline: the body and the signature over its canonical JSON. */
export interface SignedEvidenceReceipt {
  receipt: EvidenceReceiptBody;
  /** Base64 (Ed25519) or hex r‖s (SM2) over `canonicalJson(receipt)`. */
  signature: string;
}

/** Which check failed: the document is not a receipt, the key, the signature, or the file's hash. */
export type EvidenceCheck = { valid: true } | { valid: false; check: 'format' | 'key' | 'signature' | 'file'; reason: string };

/** The digest algorithm that goes with a signature algorithm: SM3 beside SM2 (GB/T 32905 with GB/T 32918), SHA-256 beside Ed25519. */
export function hashAlgorithmFor(signature: SignatureAlgorithm): 'sha256' | 'sm3' {
  return signature === 'sm2' ? 'sm3' : 'sha256';
}

/** Sign a receipt body with the platform signer; the body must name the signer's key and algorithm. */
export function signEvidenceReceipt(body: EvidenceReceiptBody, signer: Signer): SignedEvidenceReceipt {
  if (body.keyId !== signer.keyId || body.algorithm !== signer.algorithm) throw new Error('the receipt must name the key that signs it');
  return { receipt: body, signature: signer.sign(canonicalJson(body)) };
}

/** Hash of a file's bytes, as the receipt names the algorithm; streams, never holds the file. */
export async function hashOf(content: AsyncIterable<Uint8Array>, algorithm: 'sha256' | 'sm3'): Promise<{ hash: string; bytes: number }> {
  const hash = createHash(algorithm);
  let bytes = 0;
  for await (const chunk of content) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hash: hash.digest('hex'), bytes };
}

/**
 * Check an evidence receipt offline: it is a receipt, names the key given, its signature matches its
 * content, and — when the file's digest is given (computed with `receipt.hashAlgorithm`, see hashOf)
 * — the file is the one received. Pure: no network, no database.
 *
 * @example verifyEvidenceReceipt(JSON.parse(text), key, await hashOf(createReadStream('f.pdf'), 'sha256'))
 */
export function verifyEvidenceReceipt(document: unknown, key: PublicKeyInfo, file?: { hash: string; bytes: number }): EvidenceCheck {
  const signed = verifySignedDocument(document, key, 'receipt', ['kind', 'evidenceId', 'hashAlgorithm', 'hash', 'mediaType', 'fileName', 'owner', 'receivedAt']);
  if (!signed.valid) return signed;
  const body = (document as SignedEvidenceReceipt).receipt;
  if (body.kind !== 'fenghuo.evidence-receipt') return { valid: false, check: 'format', reason: `not an evidence receipt: kind is ${String(body.kind)}` };
  if (file) {
    if (file.bytes !== body.bytes) return { valid: false, check: 'file', reason: `the file has ${file.bytes} bytes, the receipt says ${body.bytes}` };
    if (file.hash.toLowerCase() !== body.hash.toLowerCase()) return { valid: false, check: 'file', reason: `the file's ${body.hashAlgorithm} is ${file.hash}, the receipt says ${body.hash}: it is not the file received` };
  }
  return { valid: true };
}
