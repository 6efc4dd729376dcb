/**
 * A payment to screen, as the screening engine sees it whatever form it arrived in (Fenghuo's JSON,
 * ISO 20022 pacs.008 XML, or the shortened pacs.008 JSON that Tazama's transaction-monitoring API
 * takes). Readers of each form produce this; the engine reads nothing else.
 */

/** How the payer's real-name identity was verified: the account classes of PBOC Announcement [2015] No.43, Art.11. */
export const verificationClasses = ['I', 'II', 'III'] as const;
export type VerificationClass = (typeof verificationClasses)[number];

/** How the money moves: from a payment account's balance, or a bank card bound to it, or another way. */
export const fundingSources = ['balance', 'bank_card', 'other'] as const;
export type FundingSource = (typeof fundingSources)[number];

/** The form a payment arrived in. */
export type PaymentFormat = 'json' | 'pacs.008' | 'tazama';

export interface PaymentToScreen {
  /** The institution's id of the payment (pacs.008 `EndToEndId`, or `TxId` when that is `NOTPROVIDED`); 1–64 characters. */
  paymentId: string;
  /** When the payer initiated it, ISO 8601 with an offset (pacs.008 `CreDtTm`). */
  initiatedAt: string;
  /** ISO 4217 alphabetic code, upper case. */
  currency: string;
  /** The amount in the currency's minor units (fen for CNY), a positive safe integer. */
  amountMinor: number;
  /** The minor units ISO 4217 gives the currency (2 for CNY, 0 for JPY, 3 for KWD). */
  minorUnits: number;
  payer: {
    /** The payer's account at the institution (pacs.008 `DbtrAcct`). */
    account: string;
    /** Resident identity card number, when the institution sends it; pseudonymised on arrival, never stored in clear. */
    residentId?: string;
    /** Mobile number (pacs.008 `Dbtr/CtctDtls/MobNb`), for the SMS reminder channel. */
    phone?: string;
    name?: string;
    verificationClass?: VerificationClass;
  };
  payee: {
    account: string;
    name?: string;
    /** The payee's institution: a BIC, a clearing member id, or a USCC. */
    agent?: string;
  };
  /** The device the payer used, as the institution identifies it. */
  device?: string;
  fundingSource: FundingSource;
  /** Purpose code (ISO 20022 ExternalPurpose1Code, e.g. `MP2P`) or free text up to 35 characters. */
  purpose?: string;
  format: PaymentFormat;
}

const q = JSON.stringify;

/**
 * The text a payment's request hash is taken of: exactly the canonical JSON (keys sorted at every
 * level, absent fields left out) of the payment without its format, written field by field
 * instead of by sorting entries, since every reader builds a PaymentToScreen with these fields only.
 */
export function paymentHashText(p: PaymentToScreen): string {
  let text = `{"amountMinor":${q(p.amountMinor)},"currency":${q(p.currency)}`;
  if (p.device !== undefined) text += `,"device":${q(p.device)}`;
  text += `,"fundingSource":${q(p.fundingSource)},"initiatedAt":${q(p.initiatedAt)},"minorUnits":${q(p.minorUnits)},"payee":{"account":${q(p.payee.account)}`;
  if (p.payee.agent !== undefined) text += `,"agent":${q(p.payee.agent)}`;
  if (p.payee.name !== undefined) text += `,"name":${q(p.payee.name)}`;
  text += `},"payer":{"account":${q(p.payer.account)}`;
  if (p.payer.name !== undefined) text += `,"name":${q(p.payer.name)}`;
  if (p.payer.phone !== undefined) text += `,"phone":${q(p.payer.phone)}`;
  if (p.payer.residentId !== undefined) text += `,"residentId":${q(p.payer.residentId)}`;
  if (p.payer.verificationClass !== undefined) text += `,"verificationClass":${q(p.payer.verificationClass)}`;
  text += `},"paymentId":${q(p.paymentId)}`;
  if (p.purpose !== undefined) text += `,"purpose":${q(p.purpose)}`;
  return `${text}}`;
}
