import { readFile } from 'node:fs/promises';
import { parsePublicKey } from '../platform/signed-document.js';
import { verifyAgreement, type SignedAgreement } from './agreement.js';

/** Exit codes of `fenghuo mediation verify`. */
export const AGREEMENT_VALID = 0;
export const AGREEMENT_INVALID = 1;
export const AGREEMENT_USAGE = 2;

/**
 * `fenghuo mediation verify --agreement a.json --public-key key.json`: check a mediation outcome
 * offline. Prints VALID with what it records, or INVALID with the check that failed; returns the exit code.
 */
export async function verifyAgreementCommand(options: { agreement: string; publicKey: string }, out: (line: string) => void = console.log): Promise<number> {
  let document: unknown;
  let key;
  try {
    document = JSON.parse(await readFile(options.agreement, 'utf8')) as unknown;
  } catch (error) {
    out(`--agreement ${options.agreement}: ${(error as Error).message}`);
    return AGREEMENT_USAGE;
  }
  try {
    key = parsePublicKey(await readFile(options.publicKey, 'utf8'));
  } catch (error) {
    out(`--public-key ${options.publicKey}: ${(error as Error).message}`);
    return AGREEMENT_USAGE;
  }
  const check = verifyAgreement(document, key);
  if (!check.valid) {
    out(`mediation outcome INVALID (${check.check} check failed): ${check.reason}`);
    return AGREEMENT_INVALID;
  }
  const { agreement } = document as SignedAgreement;
  const terms = agreement.terms ? `terms "${agreement.terms.text}"${agreement.terms.amountFen !== null ? `, amount ${(agreement.terms.amountFen / 100).toFixed(2)} yuan` : ''}` : 'no terms';
  const outcome = agreement.outcome === 'settled' ? `settled (${terms}; accepted by ${agreement.acceptances.map((a) => `${a.party} at ${a.acceptedAt}`).join(' and ')})` : `not settled, referred to ${agreement.referral ?? 'nobody'}`;
  out(`mediation outcome VALID: case ${agreement.caseId}, complaint ${agreement.complaintId}, ${outcome}, closed ${agreement.closedAt}, signed by ${agreement.keyId} (${agreement.algorithm})`);
  return AGREEMENT_VALID;
}
