import type { ColumnType, Generated } from 'kysely';

export const consentScopes = ['credit_inquiry', 'processing', 'sharing'] as const;
export type ConsentScope = (typeof consentScopes)[number];

type Text = { zh: string; en: string };
const t = (zh: string, en: string): Text => ({ zh, en });

/** What a consent may be for. A credit inquiry's purposes are those of the Credit Reporting Regulation Art.18 practice. */
export const consentPurposes: Record<ConsentScope, Record<string, Text>> = {
  credit_inquiry: {
    loan_approval: t('贷款审批', 'Loan approval'),
    post_loan_management: t('贷后管理', 'Post-loan management'),
    guarantee_qualification: t('担保资格审查', 'Guarantee qualification'),
    credit_card_approval: t('信用卡审批', 'Credit card approval'),
  },
  processing: {
    account_opening: t('开户与实名认证', 'Account opening and identity verification'),
    payment_service: t('支付服务', 'Payment service'),
    lending: t('借贷服务', 'Lending'),
    risk_control: t('风险控制与反欺诈', 'Risk control and fraud prevention'),
    collection: t('逾期催收', 'Collection of overdue debt'),
    marketing: t('营销推广', 'Marketing'),
  },
  sharing: {
    lending: t('借贷服务', 'Lending'),
    risk_control: t('风险控制与反欺诈', 'Risk control and fraud prevention'),
    collection: t('逾期催收', 'Collection of overdue debt'),
    marketing: t('营销推广', 'Marketing'),
  },
};

/** Data categories; the sensitive ones (PIPL Art.28) need a separate consent. */
export const dataCategories: Record<string, Text & { sensitive: boolean }> = {
  identity: { ...t('身份信息', 'Identity'), sensitive: false },
  contact: { ...t('联系方式', 'Contact details'), sensitive: false },
  credit: { ...t('信用信息', 'Credit information'), sensitive: false },
  transactions: { ...t('交易记录', 'Transactions'), sensitive: false },
  location: { ...t('位置信息', 'Location'), sensitive: true },
  financial_accounts: { ...t('金融账户', 'Financial accounts'), sensitive: true },
  biometrics: { ...t('生物识别信息', 'Biometrics'), sensitive: true },
};

export interface ConsentTable {
  consent_id: string;
  subject_pseudonym: string;
  institution_id: string;
  scope: ConsentScope;
  purposes: string[];
  data_categories: string[];
  sensitive: boolean;
  recipient: string | null;
  granted_at: ColumnType<Date, Date, never>;
  expires_on: ColumnType<string | null, string | null, never>;
  withdrawn_at: ColumnType<Date | null, null, Date>;
}

export interface ConsentEventTable {
  seq: Generated<string>;
  consent_id: string;
  action: 'granted' | 'withdrawn';
  actor_role: string;
  actor_id: string | null;
  at: ColumnType<Date, never, never>;
}

declare module '../platform/database.js' {
  interface Database {
    consent: ConsentTable;
    consent_event: ConsentEventTable;
  }
}
