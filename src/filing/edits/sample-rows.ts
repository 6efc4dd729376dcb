/**
 * Rows of every record type that pass every edit, for tests: each test changes a field or two.
 * The identifiers are computed here, independently of the checkers under test.
 */
import type { RecordType } from '../../standard/standard.js';

export type SampleRow = Record<string, string>;

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid USCC for a region (GB 32100 check character). */
export function sampleUscc(regionCode: string, serial: number): string {
  const body = `91${regionCode}${String(serial).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  return body + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** A valid resident ID number for a region and birth date (GB 11643 check character). */
export function sampleResidentId(regionCode: string, birthDate: string, sequence: number): string {
  const body = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  return body + '10X98765432'[sum % 11];
}

/** The reporting period the sample rows are valid for. */
export const SAMPLE_PERIOD = '2024-06';
export const SAMPLE_PERSON = sampleResidentId('110105', '1990-05-17', 123);
export const SAMPLE_PHONE = '13800138000';
export const SAMPLE_COMPANY = sampleUscc('310104', 7);
export const SAMPLE_BANK = sampleUscc('110102', 8);

const PERSON = SAMPLE_PERSON;
const COMPANY = SAMPLE_COMPANY;
const BANK = SAMPLE_BANK;

/** A row of `type` that passes every edit for period SAMPLE_PERIOD. */
export function sampleRow(type: RecordType): SampleRow {
  switch (type) {
    case 'product':
      return {
        product_id: 'P1', product_name: '随借随还', product_type: 'cash_loan', advertised_annual_rate: '0.18', rate_basis: 'irr', fee_description: '',
        min_amount_fen: '100000', max_amount_fen: '2000000', min_term_months: '3', max_term_months: '12', repayment_method: 'equal_installment',
        guarantee_type: 'none', risk_level: 'R3', risk_warning: '借贷有风险，选择需谨慎', launched_on: '2024-06-03', withdrawn_on: '',
      };
    case 'loan':
      return {
        loan_id: 'L1', contract_id: 'C1', product_id: 'P1', borrower_type: 'individual', borrower_id: PERSON, borrower_phone: '13800138000',
        contract_date: '2024-06-10', principal_fen: '1000000', disbursed_fen: '1000000', disbursement_date: '2024-06-10', first_due_date: '2024-07-10',
        installments: '12', period_months: '1', period_days: '', nominal_annual_rate: '0.12', repayment_method: 'equal_installment', fee_per_installment_fen: '0',
        other_fees_fen: '', purpose: 'consumption', guarantee_type: 'none', guarantor_type: '', guarantor_id: '',
      };
    case 'repayment':
      return {
        repayment_id: 'R1', loan_id: 'L1', installment_number: '3', installments: '12', due_date: '2024-06-10', principal_due_fen: '80000',
        interest_due_fen: '10000', fee_due_fen: '0', amount_paid_fen: '90000', paid_date: '2024-06-09', days_past_due: '0', status: 'paid_on_time',
        overdue_interest_fen: '0', penalty_fen: '0',
      };
    case 'payment':
      return {
        payment_id: 'T1', transaction_time: '2024-06-05T10:00:00+08:00', payer_type: 'individual', payer_id: PERSON, payer_account: '6222000011112222',
        payer_verification_class: 'II', payee_type: 'organisation', payee_id: COMPANY, payee_account: 'M-001', amount_fen: '5000', channel: 'quick_pay',
        device_id: 'device-1', status: 'succeeded', payer_verified_at: '2024-05-20T10:00:00+08:00',
      };
    case 'fund_flow':
      return {
        flow_id: 'F1', flow_time: '2024-06-05T02:00:00Z', flow_type: 'investor_funding', from_party_type: 'individual', from_party_id: PERSON,
        from_account: 'A1', to_party_type: 'organisation', to_party_id: COMPANY, to_account: 'A2', amount_fen: '100000', via_custodian: 'true',
        custodian_bank_uscc: BANK, related_loan_id: '',
      };
    case 'collection':
      return {
        collection_id: 'K1', loan_id: 'L1', debtor_id: PERSON, action_time: '2024-06-05T10:00:00+08:00', channel: 'phone_call', contacted_party: 'debtor',
        contacted_phone: '13800138000', collector_type: 'in_house', agency_uscc: '', call_connected: 'true', night_contact_agreed: '', note: '',
      };
    case 'disclosure':
      return {
        disclosure_id: 'D1', as_of_date: '2024-06-30', funds_raised_in_period_fen: '100000000', cumulative_funds_raised_fen: '900000000',
        outstanding_balance_fen: '500000000', outstanding_loans: '1200', borrowers_in_period: '300', lenders_in_period: '', overdue_balance_fen: '10000000',
        overdue_rate: '0.02', overdue_90_rate: '0.01', top10_borrower_share: '0.05', use_of_funds: '个人消费贷款', guarantors: '',
        related_party_transactions: '0', related_party_amount_fen: '0', published_url: '', published_on: '2024-07-05',
      };
    case 'complaint':
      return {
        complaint_id: 'Q1', received_at: '2024-06-20T09:00:00+08:00', complainant_id: PERSON, complainant_phone: '13800138000', channel: 'hotline',
        category: 'interest_and_fees', related_record_id: 'L1', amount_claimed_fen: '', status: 'resolved', closed_at: '2024-06-25T09:00:00+08:00',
        amount_refunded_fen: '0', outcome: '退还服务费',
      };
    case 'algorithm_decision':
      return {
        decision_id: 'A1', algorithm_id: 'ALG-1', model_version: '2.3', application_id: 'APP-1', purpose: 'credit_application', applicant_type: 'individual',
        applicant_id: PERSON, decided_at: '2024-06-05T10:00:00+08:00', decision: 'approve', score: '0.82', credit_limit_fen: '5000000',
        offered_annual_rate: '0.15', reason_codes: '', human_reviewed: 'false',
      };
  }
}
