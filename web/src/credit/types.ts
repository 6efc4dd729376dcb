/** The credit report, disputes and consents as the API sends them. */
export interface Coded {
  code: string;
  zh: string;
  en: string;
}

export interface ZhEnText {
  zh: string;
  en: string;
}

export interface InstitutionRef {
  institutionId: string;
  nameZh: string;
  nameEn: string;
}

export type TradelineStatus = 'current' | 'overdue' | 'closed' | 'written_off';
export type DisputeStatus = 'open' | 'escalated' | 'corrected' | 'kept';

export interface TradelineDispute {
  disputeId: string;
  status: DisputeStatus;
  filedAt: string;
  dueOn: string;
  statement: string | null;
}

export interface Tradeline {
  institution: InstitutionRef;
  loanId: string;
  productType: Coded | null;
  purpose: Coded;
  openedOn: string;
  principalFen: number;
  balanceFen: number;
  installments: number;
  status: TradelineStatus;
  daysPastDue: number;
  worstDaysPastDue: number;
  grid: { month: string; code: string }[];
  negative: { from: string; endedOn: string | null; shownUntil: string | null } | null;
  disputes: TradelineDispute[];
}

export interface CreditReport {
  reportDate: string;
  subject: { residentIdMasked: string; residentId?: string };
  tradelines: Tradeline[];
  totals: { outstandingFen: number; lenders: number; openTradelines: number; newLoans30Days: number; newLoans90Days: number; overdueTradelines: number };
  inquiries: { at: string; by: ZhEnText; purpose: Coded }[];
  notices: { noticeId: string; institution: ZhEnText; loanId: string; negativeFrom: string; createdAt: string }[];
  freeReports: { perYear: number; basis: string };
}

export interface DisputeView {
  disputeId: string;
  institution: InstitutionRef;
  loanId: string;
  reason: string;
  filedAt: string;
  dueOn: string;
  status: DisputeStatus;
  statement: string | null;
  answeredAt: string | null;
  escalatedAt: string | null;
}

export type ConsentStatus = 'active' | 'expired' | 'withdrawn';
export type ConsentScope = 'credit_inquiry' | 'processing' | 'sharing';

export interface ConsentView {
  consentId: string;
  institution: InstitutionRef;
  scope: ConsentScope;
  purposes: Coded[];
  dataCategories: (Coded & { sensitive: boolean })[];
  sensitive: boolean;
  recipient: string | null;
  grantedAt: string;
  expiresOn: string | null;
  withdrawnAt: string | null;
  status: ConsentStatus;
}

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
