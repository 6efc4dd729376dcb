import type { SignatureAlgorithm } from '../platform/config.js';
import { canonicalJson } from '../platform/canonical-json.js';
import type { Signer } from '../platform/crypto.js';
import { verifySignedDocument, type PublicKeyInfo, type SignedDocumentCheck } from '../platform/signed-document.js';
import type { MediationParty, Referral } from './mediation.schema.js';

/** The outcome of a mediation as the platform signs it: canonical JSON of exactly these fields. */
export interface AgreementBody {
  kind: 'fenghuo.mediation-outcome';
  caseId: string;
  complaintId: string;
  parties: {
    /** The consumer by a reference of this case alone (a hash of the case and the person's pseudonym), never a name or number. */
    consumer: { reference: string };
    institution: { institutionId: string; nameZh: string; nameEn: string } | null;
  };
  mediator: { userId: string; displayName: string; jurisdictionCode: string };
  outcome: 'settled' | 'not_settled';
  /** The terms both parties accepted (settled), or the last proposal made (not settled), if any. */
  terms: { text: string; amountFen: number | null } | null;
  acceptances: { party: MediationParty; acceptedAt: string }[];
  /** Not settled: where the dispute goes next. */
  referral: Referral | null;
  closedAt: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
}

/** The document either party downloads and anyone checks offline. */
export interface SignedAgreement {
  agreement: AgreementBody;
  /** Base64 (Ed25519) or hex r‖s (SM2) over `canonicalJson(agreement)`. */
  signature: string;
}

export type AgreementCheck = SignedDocumentCheck;

/** Sign an outcome with the platform signer; the body must name the signer's key. */
export function signAgreement(body: AgreementBody, signer: Signer): SignedAgreement {
  if (body.keyId !== signer.keyId || body.algorithm !== signer.algorithm) throw new Error('the outcome must name the key that signs it');
  return { agreement: body, signature: signer.sign(canonicalJson(body)) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check a mediation outcome against the platform's public key, offline. Says which check failed:
 * not an outcome record (shape), another algorithm or key, or a signature that does not match the
 * content (a changed word or amount).
 *
 * @example verifyAgreement(JSON.parse(text), { algorithm: 'ed25519', keyId, publicKey }) // → { valid: true }
 */
export function verifyAgreement(document: unknown, key: PublicKeyInfo): AgreementCheck {
  if (isRecord(document) && isRecord(document.agreement) && document.agreement.kind !== 'fenghuo.mediation-outcome') {
    return { valid: false, check: 'format', reason: 'not a mediation outcome: agreement.kind is not fenghuo.mediation-outcome' };
  }
  return verifySignedDocument(document, key, 'agreement', ['caseId', 'complaintId', 'outcome', 'closedAt']);
}
