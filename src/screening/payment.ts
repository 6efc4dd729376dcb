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
