-- Shared credit information: tradelines built from every institution's accepted loan and
-- repayment filings, keyed by the borrower's pseudonym; the notices a person gets before a
-- lender's negative information is first shown (Credit Reporting Regulation Art.15); and the log
-- of every inquiry (Art.22). The filed rows keep each tradeline's history; this table holds the
-- tradeline as the filings in force describe it now, rebuilt when one of them changes.
create table tradeline (
  party_key text not null,
  institution_id uuid not null,
  loan_id text not null,
  product_type text,
  purpose text not null,
  opened_on date not null,
  principal_fen bigint not null check (principal_fen > 0),
  balance_fen bigint not null check (balance_fen >= 0),
  installments integer not null,
  status text not null check (status in ('current', 'overdue', 'closed', 'written_off')),
  days_past_due integer not null,
  worst_days_past_due integer not null,
  -- One character a month for the 24 months up to grid_to (YYYY-MM), oldest first:
  -- N on time, 1–7 the worst days past due that month in 30-day steps (1: 1–30 … 7: over 180),
  -- W written off, C closed, * nothing filed, / not yet opened.
  grid_to text not null,
  grid text not null check (length(grid) = 24),
  -- The negative information: the first due date missed, and the day it ended (every overdue
  -- instalment paid); ended null while it goes on. Art.16: shown until five years after it ended.
  negative_from date,
  negative_ended_on date,
  source_filing_id uuid not null,
  updated_at timestamptz not null default now(),
  primary key (party_key, institution_id, loan_id)
);

create table credit_notice (
  notice_id uuid primary key,
  party_key text not null,
  institution_id uuid not null,
  loan_id text not null,
  negative_from date not null,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  unique (party_key, institution_id, loan_id, negative_from)
);
create index credit_notice_party on credit_notice (party_key, created_at desc);

create table credit_inquiry (
  inquiry_id uuid primary key,
  party_key text not null,
  -- null: the person themselves, in the portal.
  institution_id uuid,
  purpose text not null,
  consent_id uuid,
  at timestamptz not null default now()
);
create index credit_inquiry_party on credit_inquiry (party_key, at desc);
create trigger credit_inquiry_append_only before update or delete on credit_inquiry for each row execute function fh_append_only();

-- Objections to a tradeline (Art.25): marked on every report at once, answered by the furnishing
-- institution within 20 calendar days of filing, escalated to its supervisor after that.
create table credit_dispute (
  dispute_id uuid primary key,
  party_key text not null,
  institution_id uuid not null,
  loan_id text not null,
  reason text not null,
  filed_at timestamptz not null,
  -- The last day of the 20 (China time); unanswered after it, the dispute goes to the supervisor.
  due_on date not null,
  status text not null check (status in ('open', 'escalated', 'corrected', 'kept')),
  statement text,
  answered_at timestamptz,
  escalated_at timestamptz
);
create index credit_dispute_party on credit_dispute (party_key, filed_at desc);
create index credit_dispute_desk on credit_dispute (institution_id, status, due_on);

-- Scorecard versions trained from the tradelines, with their validation metrics. The newest is in force.
create table credit_model (
  version serial primary key,
  trained_at timestamptz not null default now(),
  snapshot text not null,
  horizon_months integer not null,
  rows_used integer not null,
  bads integer not null,
  model jsonb not null,
  metrics jsonb not null
);
create trigger credit_model_append_only before update or delete on credit_model for each row execute function fh_append_only();
