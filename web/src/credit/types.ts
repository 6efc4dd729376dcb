/**
 * The credit report, disputes and consents as the API sends them: the shapes are imported from the
 * server modules that declare them (type-only: no server code reaches the bundle).
 */
export type { TradelineStatus, DisputeStatus } from '../../../src/credit/credit.schema.js';
export type { CreditReport, DisputeView, TradelineView as Tradeline } from '../../../src/credit/credit.service.js';
export type { ConsentScope } from '../../../src/privacy/consent.schema.js';
export type { ConsentStatus, ConsentView } from '../../../src/privacy/consent.service.js';

/** The purposes of a credit-inquiry authorisation (Credit Reporting Regulation Art.18 practice). */
export const inquiryPurposes = ['loan_approval', 'post_loan_management', 'guarantee_qualification', 'credit_card_approval'] as const;

/** Data categories a consent may cover; the sensitive ones need a separate consent (PIPL Art.29). */
export const dataCategories: readonly { code: string; sensitive: boolean }[] = [
  { code: 'identity', sensitive: false },
  { code: 'contact', sensitive: false },
  { code: 'credit', sensitive: false },
  { code: 'transactions', sensitive: false },
  { code: 'location', sensitive: true },
  { code: 'financial_accounts', sensitive: true },
  { code: 'biometrics', sensitive: true },
];

/** Today in China, YYYY-MM-DD. */
export function chinaToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
