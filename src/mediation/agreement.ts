import type { SignatureAlgorithm } from '../platform/config.js';
import type { Signer } from '../platform/crypto.js';
import { checkSignedBody, signBody, type PublicKeyRef, type SignatureCheck } from '../platform/signed-document.js';
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

export type AgreementCheck = SignatureCheck;

/** Sign an outcome with the platform signer; the body must name the signer's key. */
export function signAgreement(body: AgreementBody, signer: Signer): SignedAgreement {
  return { agreement: body, signature: signBody(body, signer) };
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
export function verifyAgreement(document: unknown, key: PublicKeyRef): AgreementCheck {
  if (!isRecord(document) || !isRecord(document.agreement) || typeof document.signature !== 'string') {
    return { valid: false, check: 'shape', reason: 'not a mediation outcome: expected { "agreement": {…}, "signature": "…" }' };
  }
  const body = document.agreement;
  if (body.kind !== 'fenghuo.mediation-outcome') return { valid: false, check: 'shape', reason: 'not a mediation outcome: agreement.kind is not fenghuo.mediation-outcome' };
  for (const field of ['caseId', 'complaintId', 'outcome', 'closedAt', 'keyId', 'algorithm'] as const) {
    if (typeof body[field] !== 'string') return { valid: false, check: 'shape', reason: `not a mediation outcome: agreement.${field} is missing` };
  }
  if (!isRecord(body.parties) || !Array.isArray(body.acceptances)) return { valid: false, check: 'shape', reason: 'not a mediation outcome: agreement.parties or agreement.acceptances is missing' };
  return checkSignedBody(body, document.signature, key, 'mediation outcome');
}
