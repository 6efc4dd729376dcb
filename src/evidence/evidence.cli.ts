/**
 * `fenghuo evidence verify`: check an evidence receipt and the file it names, offline, with the
 * platform's public key. Exit 0 valid, 1 a check failed (which one is printed), 2 usage error.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parsePublicKey, type PublicKeyInfo } from '../platform/signed-document.js';
import { hashOf, verifyEvidenceReceipt, type SignedEvidenceReceipt } from './evidence-receipt.js';

export const EVIDENCE_VALID = 0;
export const EVIDENCE_INVALID = 1;
export const EVIDENCE_USAGE = 2;

/** Run the check; `out` receives the verdict line(s). Returns the exit code. */
export async function evidenceVerifyCommand(options: { receipt: string; file?: string; publicKey: string }, out: (line: string) => void = console.log): Promise<number> {
  let document: unknown;
  let key: PublicKeyInfo;
  try {
    document = JSON.parse(await readFile(options.receipt, 'utf8')) as unknown;
  } catch (error) {
    out(`--receipt ${options.receipt}: ${(error as Error).message}`);
    return EVIDENCE_USAGE;
  }
  try {
    key = parsePublicKey(await readFile(options.publicKey, 'utf8'));
  } catch (error) {
    out(`--public-key ${options.publicKey}: ${(error as Error).message}`);
    return EVIDENCE_USAGE;
  }
  // Signature first: a file hash is only worth comparing with a receipt that is genuine.
  const signed = verifyEvidenceReceipt(document, key);
  if (!signed.valid) {
    out(`receipt INVALID (${signed.check}): ${signed.reason}`);
    return EVIDENCE_INVALID;
  }
  const { receipt } = document as SignedEvidenceReceipt;
  if (options.file) {
    let file: { hash: string; bytes: number };
    try {
      file = await hashOf(createReadStream(options.file), receipt.hashAlgorithm);
    } catch (error) {
      out(`--file ${options.file}: ${(error as Error).message}`);
      return EVIDENCE_USAGE;
    }
    const check = verifyEvidenceReceipt(document, key, file);
    if (!check.valid) {
      out(`receipt INVALID (${check.check}): ${check.reason}`);
      return EVIDENCE_INVALID;
    }
  }
  out(
    `receipt VALID: evidence ${receipt.evidenceId}, ${receipt.fileName} (${receipt.mediaType}, ${receipt.bytes} bytes), ${receipt.hashAlgorithm.toUpperCase()} ${receipt.hash}, received ${receipt.receivedAt}, signed by ${receipt.keyId} (${receipt.algorithm})${options.file ? '; the file matches' : '; no file given, only the signature was checked'}`,
  );
  return EVIDENCE_VALID;
}
