-- Domain tables: the records of accepted filings, one table per record type of the unified data
-- standard (src/standard/standard.ts; src/standard/domain.test.ts checks these columns against it).
--
-- Every row carries the filing it came from and the institution that filed it. People appear only
-- as keyed pseudonyms (HMAC, src/platform/crypto.ts); organisations by their public USCC.
--
-- A record id is unique per institution among the rows of the currently accepted filings. A
-- resubmission for a period replaces the previous version in one transaction: the load deletes the
-- rows of the previous accepted filing of that institution, record type and period
-- (`delete from filed_x where filing_id = <previous filing>`, served by the filing_id index) and
-- then copies in the new rows.

-- Product / 产品
create table filed_product (
  filing_id uuid not null,
  institution_id uuid not null,
  product_id text not null,
  product_name text not null,
  product_type text not null,
  advertised_annual_rate numeric,
  rate_basis text,
  fee_description text,
  min_amount_fen bigint,
  max_amount_fen bigint,
  min_term_months integer,
  max_term_months integer,
  repayment_method text,
  guarantee_type text,
  risk_level text not null,
  risk_warning text not null,
  launched_on date not null,
  withdrawn_on date
);
create unique index filed_product_record on filed_product (institution_id, product_id);
create index filed_product_filing on filed_product (filing_id);

-- Loan / 贷款
create table filed_loan (
  filing_id uuid not null,
  institution_id uuid not null,
  loan_id text not null,
  contract_id text not null,
  product_id text,
  borrower_type text not null,
  borrower_pseudonym text,
  borrower_uscc text,
  borrower_phone_pseudonym text,
  contract_date date not null,
  principal_fen bigint not null,
  disbursed_fen bigint not null,
  disbursement_date date not null,
  first_due_date date not null,
  installments integer not null,
  period_months integer not null,
  nominal_annual_rate numeric not null,
  repayment_method text not null,
  fee_per_installment_fen bigint not null,
  other_fees_fen bigint,
  purpose text not null,
  guarantee_type text not null,
  guarantor_type text,
  guarantor_pseudonym text,
  guarantor_uscc text,
  borrower_region_code text,
  annualised_cost numeric,
  check (borrower_pseudonym is null or borrower_uscc is null),
  check (guarantor_pseudonym is null or guarantor_uscc is null)
);
create unique index filed_loan_record on filed_loan (institution_id, loan_id);
create index filed_loan_filing on filed_loan (filing_id);
create index filed_loan_borrower on filed_loan (borrower_pseudonym) where borrower_pseudonym is not null;
create index filed_loan_borrower_uscc on filed_loan (borrower_uscc) where borrower_uscc is not null;

-- Repayment / 还款
create table filed_repayment (
  filing_id uuid not null,
  institution_id uuid not null,
  repayment_id text not null,
  loan_id text not null,
  installment_number integer not null,
  installments integer not null,
  due_date date not null,
  principal_due_fen bigint not null,
  interest_due_fen bigint not null,
  fee_due_fen bigint not null,
  amount_paid_fen bigint not null,
  paid_date date,
  days_past_due integer not null,
  status text not null
);
create unique index filed_repayment_record on filed_repayment (institution_id, repayment_id);
create index filed_repayment_filing on filed_repayment (filing_id);
-- A loan's instalments, for tradelines.
create index filed_repayment_loan on filed_repayment (institution_id, loan_id);

-- Payment transaction / 支付交易
create table filed_payment (
  filing_id uuid not null,
  institution_id uuid not null,
  payment_id text not null,
  transaction_time timestamptz not null,
  payer_type text not null,
  payer_pseudonym text,
  payer_uscc text,
  payer_account_pseudonym text not null,
  payer_verification_class text not null,
  payee_type text,
  payee_pseudonym text,
  payee_uscc text,
  payee_account_pseudonym text not null,
  amount_fen bigint not null,
  channel text not null,
  device_pseudonym text,
  status text not null,
  check (payer_pseudonym is null or payer_uscc is null),
  check (payee_pseudonym is null or payee_uscc is null)
);
create unique index filed_payment_record on filed_payment (institution_id, payment_id);
create index filed_payment_filing on filed_payment (filing_id);
create index filed_payment_payer on filed_payment (payer_pseudonym) where payer_pseudonym is not null;
create index filed_payment_payer_account on filed_payment (payer_account_pseudonym);

-- Fund flow / 资金流向
create table filed_fund_flow (
  filing_id uuid not null,
  institution_id uuid not null,
  flow_id text not null,
  flow_time timestamptz not null,
  flow_type text not null,
  from_party_type text not null,
  from_party_pseudonym text,
  from_party_uscc text,
  from_account_pseudonym text not null,
  to_party_type text not null,
  to_party_pseudonym text,
  to_party_uscc text,
  to_account_pseudonym text not null,
  amount_fen bigint not null,
  via_custodian boolean not null,
  custodian_bank_uscc text,
  related_loan_id text,
  check (from_party_pseudonym is null or from_party_uscc is null),
  check (to_party_pseudonym is null or to_party_uscc is null)
);
create unique index filed_fund_flow_record on filed_fund_flow (institution_id, flow_id);
create index filed_fund_flow_filing on filed_fund_flow (filing_id);
-- Fund-flow graphs walk accounts in both directions.
create index filed_fund_flow_from on filed_fund_flow (from_account_pseudonym);
create index filed_fund_flow_to on filed_fund_flow (to_account_pseudonym);

-- Collection action / 催收行为
create table filed_collection (
  filing_id uuid not null,
  institution_id uuid not null,
  collection_id text not null,
  loan_id text not null,
  debtor_pseudonym text not null,
  action_time timestamptz not null,
  channel text not null,
  contacted_party text not null,
  contacted_phone_pseudonym text,
  collector_type text not null,
  agency_uscc text,
  call_connected boolean,
  night_contact_agreed boolean,
  note text
);
create unique index filed_collection_record on filed_collection (institution_id, collection_id);
create index filed_collection_filing on filed_collection (filing_id);
-- Contacts per debtor per day, across the lender and all its agents.
create index filed_collection_debtor on filed_collection (debtor_pseudonym, action_time);

-- Disclosure / 信息披露
create table filed_disclosure (
  filing_id uuid not null,
  institution_id uuid not null,
  disclosure_id text not null,
  as_of_date date not null,
  funds_raised_in_period_fen bigint not null,
  cumulative_funds_raised_fen bigint not null,
  outstanding_balance_fen bigint not null,
  outstanding_loans integer not null,
  borrowers_in_period integer not null,
  lenders_in_period integer,
  overdue_balance_fen bigint not null,
  overdue_rate numeric not null,
  overdue_90_rate numeric,
  top10_borrower_share numeric,
  use_of_funds text not null,
  guarantors text,
  related_party_transactions integer not null,
  related_party_amount_fen bigint not null,
  published_url text,
  published_on date
);
create unique index filed_disclosure_record on filed_disclosure (institution_id, disclosure_id);
create index filed_disclosure_filing on filed_disclosure (filing_id);

-- Complaint / 投诉
create table filed_complaint (
  filing_id uuid not null,
  institution_id uuid not null,
  complaint_id text not null,
  received_at timestamptz not null,
  complainant_pseudonym text,
  complainant_phone_pseudonym text,
  channel text not null,
  category text not null,
  related_record_id text,
  amount_claimed_fen bigint,
  status text not null,
  closed_at timestamptz,
  amount_refunded_fen bigint,
  outcome text
);
create unique index filed_complaint_record on filed_complaint (institution_id, complaint_id);
create index filed_complaint_filing on filed_complaint (filing_id);
create index filed_complaint_complainant on filed_complaint (complainant_pseudonym) where complainant_pseudonym is not null;

-- Algorithm decision / 算法决策
create table filed_algorithm_decision (
  filing_id uuid not null,
  institution_id uuid not null,
  decision_id text not null,
  algorithm_id text not null,
  model_version text not null,
  application_id text not null,
  purpose text not null,
  applicant_type text not null,
  applicant_pseudonym text,
  applicant_uscc text,
  decided_at timestamptz not null,
  decision text not null,
  score numeric,
  credit_limit_fen bigint,
  offered_annual_rate numeric,
  reason_codes text,
  human_reviewed boolean,
  applicant_sex text,
  applicant_age integer,
  check (applicant_pseudonym is null or applicant_uscc is null)
);
create unique index filed_algorithm_decision_record on filed_algorithm_decision (institution_id, decision_id);
create index filed_algorithm_decision_filing on filed_algorithm_decision (filing_id);
create index filed_algorithm_decision_applicant on filed_algorithm_decision (applicant_pseudonym) where applicant_pseudonym is not null;
create index filed_algorithm_decision_algorithm on filed_algorithm_decision (institution_id, algorithm_id, decided_at);
