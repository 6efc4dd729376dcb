import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { configuredSigner } from '../crypto.js';
import { migrate, openDatabase } from '../database.js';
import { ProgressBar } from '../progress.js';
import { checkHeadSignature, parseHeads, verifyAuditLog, type SignedHead, type TrustedKey } from './audit.service.js';

/** Exit codes of `fenghuo verify`. */
export const VERIFY_INTACT = 0;
export const VERIFY_TAMPERED = 1;
export const VERIFY_USAGE = 2;

/**
 * `fenghuo verify [--against <heads>]`: check the audit log of the configured database with the
 * platform's configured public key, or `publicKey` when given (never a key from the database), and
 * prove that it extends the heads in `against` (a file of heads, or one head as JSON). Opens the
 * database without starting the platform, so nothing is sealed or signed. Returns the exit code:
 * 0 intact, 1 tampered, 2 unusable input.
 */
export async function verifyCommand(config: Config, options: { publicKey?: TrustedKey; against?: string }, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let key = options.publicKey;
  if (!key) {
    const signer = await configuredSigner(config);
    if (!signer) {
      err('no public key to check the audit log with: set FH_SIGNING_KEY, run where DATA_DIR holds keys.json, or pass --public-key <file>');
      return VERIFY_USAGE;
    }
    key = { algorithm: signer.algorithm, publicKey: signer.publicKey, keyId: signer.keyId };
  }
  let against: SignedHead[] = [];
  if (options.against !== undefined) {
    const given = options.against.trim();
    let text: string;
    try {
      text = given.startsWith('{') || given.startsWith('[') ? given : await readFile(given, 'utf8');
      against = parseHeads(text);
    } catch (error) {
      err(`--against ${given.startsWith('{') ? '<json>' : given}: ${(error as Error).message}`);
      return VERIFY_USAGE;
    }
    for (const head of against) {
      const why = checkHeadSignature(head, key);
      if (why) {
        err(`--against: the head of size ${head.treeSize} is not a head this platform signed: ${why}`);
        return VERIFY_USAGE;
      }
    }
  }
  const database = await openDatabase(config);
  try {
    await migrate(database);
    const bar = new ProgressBar('verifying audit log');
    const report = await verifyAuditLog(database.db, { publicKey: key, against, onProgress: (done, total) => bar.update(done, total) });
    bar.done();
    if (!report.ok) {
      const fault = report.fault!;
      const where = fault.through !== undefined && fault.through !== fault.position ? `positions ${fault.position}–${fault.through}` : `position ${fault.position}`;
      err(`audit log TAMPERED at ${where}: ${fault.reason}`);
      return VERIFY_TAMPERED;
    }
    out(`audit log intact: ${report.entries} entries in the tree, ${report.heads} signed heads checked with key ${key.keyId} (${key.algorithm})${report.rootHash ? `; newest head: size ${report.treeSize}, root ${report.rootHash}` : ''}${report.unsealed ? `; ${report.unsealed} entries awaiting their seal` : ''}`);
    for (const head of report.extends) out(`extends the head of size ${head.treeSize} signed ${head.signedAt} (consistency proof of ${head.proofLength} hashes)`);
    return VERIFY_INTACT;
  } finally {
    await database.close();
  }
}
