import type { ColumnType, Generated } from 'kysely';

type Text = { zh: string; en: string };
const t = (zh: string, en: string): Text => ({ zh, en });

/**
 * The issues a complaint may be about, with the data standard's complaint category each one
 * reports under (codeLists.complaint_category).
 */
export const complaintIssues = {
  illegal_collection: { ...t('违规催收', 'Illegal debt collection'), category: 'collection_conduct' },
  hidden_fees: { ...t('隐性收费或综合成本超过上限', 'Hidden fees or cost of credit above the cap'), category: 'interest_and_fees' },
  misleading_sale: { ...t('误导销售', 'Misleading sale'), category: 'disclosure_and_sales' },
  data_leak: { ...t('个人信息泄露', 'Leak of personal information'), category: 'personal_information' },
  unauthorised_payment: { ...t('未经授权的支付或扣款', 'Unauthorised payment or debit'), category: 'account_and_payment' },
  account_closure_refused: { ...t('拒绝销户', 'Refusal to close an account'), category: 'account_and_payment' },
  credit_report_error: { ...t('征信信息错误', 'Error in a credit report'), category: 'personal_information' },
  unfair_terms: { ...t('不公平合同条款', 'Unfair contract terms'), category: 'contract_terms' },
  service_quality: { ...t('服务质量', 'Service quality'), category: 'service_quality' },
  other: { ...t('其他', 'Other'), category: 'other' },
} as const satisfies Record<string, Text & { category: string }>;
export type ComplaintIssue = keyof typeof complaintIssues;
export const complaintIssueCodes = Object.keys(complaintIssues) as ComplaintIssue[];

export const responseCategories = ['closed_with_explanation', 'monetary_relief', 'non_monetary_relief', 'in_progress'] as const;
export type ResponseCategory = (typeof responseCategories)[number];

export const complaintStatuses = ['filed', 'in_progress', 'answered', 'disputed', 'in_mediation', 'closed'] as const;
export type ComplaintStatus = (typeof complaintStatuses)[number];

export type DayKind = 'calendar' | 'working';
export type Extension = 'none' | 'complex' | 'further_requested' | 'further';
export type Closure = 'satisfied' | 'settled' | 'not_settled';

export interface ComplaintDeadlinePolicyTable {
  policy_id: string;
  base_days: number;
  complex_days: number;
  further_days: number;
  day_kind: DayKind;
  source: string;
  effective_from: string;
}

export interface ComplaintTable {
  complaint_id: string;
  consumer_pseudonym: string;
  consumer_user_id: string | null;
  channel: 'portal' | 'institution';
  institution_id: string | null;
  institution_name: string | null;
  jurisdiction_code: string;
  product: string;
  product_type: string | null;
  issue: ComplaintIssue;
  narrative: string;
  amount_at_stake_fen: number | null;
  received_at: ColumnType<Date, Date, never>;
  received_day: ColumnType<string, string, never>;
  policy_id: string;
  day_kind: DayKind;
  deadline_days: number;
  deadline_day: string | null;
  extension: Extension;
  extension_reason: string | null;
  further_reason: string | null;
  status: ComplaintStatus;
  response_category: ResponseCategory | null;
  response_text: string | null;
  relief_fen: number | null;
  answered_at: Date | null;
  late: boolean;
  feedback: 'satisfied' | 'disputed' | null;
  feedback_reason: string | null;
  case_ref: string | null;
  closure: Closure | null;
  closed_at: Date | null;
}

export interface ComplaintEventTable {
  seq: Generated<string>;
  complaint_id: string;
  action: string;
  actor_role: string;
  actor_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  at: ColumnType<Date, never, never>;
}

export interface ComplaintStatTable {
  quarter: string;
  institution_key: string;
  product_type: string;
  issue: string;
  filed: number;
  answered: number;
  answered_on_time: number;
  closed_with_explanation: number;
  monetary_relief: number;
  non_monetary_relief: number;
}

declare module '../platform/database.js' {
  interface Database {
    complaint_deadline_policy: ComplaintDeadlinePolicyTable;
    complaint: ComplaintTable;
    complaint_event: ComplaintEventTable;
    complaint_stat: ComplaintStatTable;
  }
}
