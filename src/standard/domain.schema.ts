/**
 * The domain tables (migrations/0020_domain.sql, with history from 0030_history.sql and the standard v1.1 fields from 0034_standard_v1_1.sql): the records of accepted filings, one table per
 * record type of the unified data standard. Rows are written only by the filing load (COPY, in the
 * order of `copyColumns`); every other capability reads them. src/standard/domain.test.ts checks
 * the migration against the standard.
 */
import type { ColumnType } from 'kysely';

/** A timestamptz: read as a Date, written as an ISO 8601 string. */
export type Timestamp = ColumnType<Date, string, string>;
/** A timestamptz that may be null (valid_to of the version still in force). */
export type NullableTimestamp = ColumnType<Date | null, string | null, string | null>;

/** Product records of accepted filings (产品). */
export interface FiledProductTable {
  filing_id: string;
  institution_id: string;
  product_id: string;
  product_name: string;
  product_type: string;
  advertised_annual_rate: number | null;
  rate_basis: string | null;
  fee_description: string | null;
  min_amount_fen: number | null;
  max_amount_fen: number | null;
  min_term_months: number | null;
  max_term_months: number | null;
  repayment_method: string | null;
  guarantee_type: string | null;
  risk_level: string;
  risk_warning: string;
  launched_on: string;
  withdrawn_on: string | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Loan records of accepted filings (贷款). */
export interface FiledLoanTable {
  filing_id: string;
  institution_id: string;
  loan_id: string;
  contract_id: string;
  product_id: string | null;
  borrower_type: string;
  borrower_pseudonym: string | null;
  borrower_uscc: string | null;
  borrower_phone_pseudonym: string | null;
  contract_date: string;
  principal_fen: number;
  disbursed_fen: number;
  disbursement_date: string;
  first_due_date: string;
  installments: number;
  period_months: number | null;
  period_days: number | null;
  nominal_annual_rate: number;
  repayment_method: string;
  fee_per_installment_fen: number;
  other_fees_fen: number | null;
  purpose: string;
  guarantee_type: string;
  guarantor_type: string | null;
  guarantor_pseudonym: string | null;
  guarantor_uscc: string | null;
  borrower_region_code: string | null;
  annualised_cost: number | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Repayment records of accepted filings (还款). */
export interface FiledRepaymentTable {
  filing_id: string;
  institution_id: string;
  repayment_id: string;
  loan_id: string;
  installment_number: number;
  installments: number;
  due_date: string;
  principal_due_fen: number;
  interest_due_fen: number;
  fee_due_fen: number;
  amount_paid_fen: number;
  paid_date: string | null;
  days_past_due: number;
  status: string;
  /** Standard v1.1 (migrations/0034_standard_v1_1.sql): null in records filed without them. */
  overdue_interest_fen: number | null;
  penalty_fen: number | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Payment transaction records of accepted filings (支付交易). */
export interface FiledPaymentTable {
  filing_id: string;
  institution_id: string;
  payment_id: string;
  transaction_time: Timestamp;
  payer_type: string;
  payer_pseudonym: string | null;
  payer_uscc: string | null;
  payer_account_pseudonym: string;
  payer_verification_class: string;
  payee_type: string | null;
  payee_pseudonym: string | null;
  payee_uscc: string | null;
  payee_account_pseudonym: string;
  amount_fen: number;
  channel: string;
  device_pseudonym: string | null;
  status: string;
  /** Standard v1.1 (migrations/0034_standard_v1_1.sql): null in records filed without it. */
  payer_verified_at: ColumnType<Date | null, string | null, string | null>;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Fund flow records of accepted filings (资金流向). */
export interface FiledFundFlowTable {
  filing_id: string;
  institution_id: string;
  flow_id: string;
  flow_time: Timestamp;
  flow_type: string;
  from_party_type: string;
  from_party_pseudonym: string | null;
  from_party_uscc: string | null;
  from_account_pseudonym: string;
  to_party_type: string;
  to_party_pseudonym: string | null;
  to_party_uscc: string | null;
  to_account_pseudonym: string;
  amount_fen: number;
  via_custodian: boolean;
  custodian_bank_uscc: string | null;
  related_loan_id: string | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Collection action records of accepted filings (催收行为). */
export interface FiledCollectionTable {
  filing_id: string;
  institution_id: string;
  collection_id: string;
  loan_id: string;
  debtor_pseudonym: string;
  action_time: Timestamp;
  channel: string;
  contacted_party: string;
  contacted_phone_pseudonym: string | null;
  collector_type: string;
  agency_uscc: string | null;
  call_connected: boolean | null;
  night_contact_agreed: boolean | null;
  note: string | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Disclosure records of accepted filings (信息披露). */
export interface FiledDisclosureTable {
  filing_id: string;
  institution_id: string;
  disclosure_id: string;
  as_of_date: string;
  funds_raised_in_period_fen: number;
  cumulative_funds_raised_fen: number;
  outstanding_balance_fen: number;
  outstanding_loans: number;
  borrowers_in_period: number;
  lenders_in_period: number | null;
  overdue_balance_fen: number;
  overdue_rate: number;
  overdue_90_rate: number | null;
  top10_borrower_share: number | null;
  use_of_funds: string;
  guarantors: string | null;
  related_party_transactions: number;
  related_party_amount_fen: number;
  published_url: string | null;
  published_on: string | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Complaint records of accepted filings (投诉). */
export interface FiledComplaintTable {
  filing_id: string;
  institution_id: string;
  complaint_id: string;
  received_at: Timestamp;
  complainant_pseudonym: string | null;
  complainant_phone_pseudonym: string | null;
  channel: string;
  category: string;
  related_record_id: string | null;
  amount_claimed_fen: number | null;
  status: string;
  closed_at: Timestamp | null;
  amount_refunded_fen: number | null;
  outcome: string | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

/** Algorithm decision records of accepted filings (算法决策). */
export interface FiledAlgorithmDecisionTable {
  filing_id: string;
  institution_id: string;
  decision_id: string;
  algorithm_id: string;
  model_version: string;
  application_id: string;
  purpose: string;
  applicant_type: string;
  applicant_pseudonym: string | null;
  applicant_uscc: string | null;
  decided_at: Timestamp;
  decision: string;
  score: number | null;
  credit_limit_fen: number | null;
  offered_annual_rate: number | null;
  reason_codes: string | null;
  human_reviewed: boolean | null;
  applicant_sex: string | null;
  applicant_age: number | null;
  /** History (migrations/0030_history.sql): the period filed for, whom the record is about, and when this version was in force. */
  period: string;
  party_key: string;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
}

declare module '../platform/database.js' {
  interface Database {
    filed_product: FiledProductTable;
    filed_loan: FiledLoanTable;
    filed_repayment: FiledRepaymentTable;
    filed_payment: FiledPaymentTable;
    filed_fund_flow: FiledFundFlowTable;
    filed_collection: FiledCollectionTable;
    filed_disclosure: FiledDisclosureTable;
    filed_complaint: FiledComplaintTable;
    filed_algorithm_decision: FiledAlgorithmDecisionTable;
  }
}
