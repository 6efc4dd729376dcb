-- Filed data with history (src/filing/README.md, "History").
--
-- Every domain row now carries
--   period      the reporting period of the filing it came from ('YYYY-MM');
--   party_key   the person or organisation the record is about: a person's keyed pseudonym, or
--               'uscc:' + the unified social credit code of an organisation. Repayments and
--               collection actions take their loan's key (filled by a trigger from the current
--               loan row; a repayment of a loan not filed yet keys on 'loan:<institution>:<loan id>',
--               a collection action on its debtor's pseudonym). Products and disclosures are about
--               the institution itself. Payments fall back on the payer's account pseudonym, fund
--               flows on either party then the paying account, complaints on the complainant's phone
--               then the institution;
--   valid_from, valid_to
--               the span in which the row was the version in force (valid_to null: it still is).
--               A resubmission or a later period's state of the same record closes rows (sets
--               valid_to) instead of deleting them.
--
-- Primary keys lead with the column each table would be distributed on under Citus: the party key
-- for the records about consumers (a consumer's loans, instalments, collection actions, payments,
-- complaints and decisions then sit on one shard), the institution for products and disclosures
-- (reference-sized, about the institution). The id and filing complete the key: one row per
-- version. The partial index on current rows serves the loads and the supervisor's figures.

-- filed_product: distributed on institution_id
alter table filed_product add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_product d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_product d set party_key = (select 'uscc:' || i.uscc from institution i where i.institution_id = d.institution_id);
alter table filed_product alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_product_record;
alter table filed_product add primary key (institution_id, product_id, filing_id);
create index filed_product_current on filed_product (institution_id, product_id) where valid_to is null;

-- filed_loan: distributed on party_key
alter table filed_loan add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_loan d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_loan d set party_key = coalesce(d.borrower_pseudonym, 'uscc:' || d.borrower_uscc);
alter table filed_loan alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_loan_record;
alter table filed_loan add primary key (party_key, institution_id, loan_id, filing_id);
create index filed_loan_current on filed_loan (institution_id, loan_id) where valid_to is null;
create index filed_loan_party on filed_loan (party_key) where valid_to is null;

-- filed_repayment: distributed on party_key
alter table filed_repayment add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_repayment d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_repayment d set party_key = coalesce((select l.party_key from filed_loan l where l.institution_id = d.institution_id and l.loan_id = d.loan_id limit 1), 'loan:' || d.institution_id || ':' || d.loan_id);
alter table filed_repayment alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_repayment_record;
alter table filed_repayment add primary key (party_key, institution_id, repayment_id, filing_id);
create index filed_repayment_current on filed_repayment (institution_id, repayment_id) where valid_to is null;
create index filed_repayment_party on filed_repayment (party_key) where valid_to is null;

-- filed_payment: distributed on party_key
alter table filed_payment add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_payment d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_payment d set party_key = coalesce(d.payer_pseudonym, 'uscc:' || d.payer_uscc, 'account:' || d.payer_account_pseudonym);
alter table filed_payment alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_payment_record;
alter table filed_payment add primary key (party_key, institution_id, payment_id, filing_id);
create index filed_payment_current on filed_payment (institution_id, payment_id) where valid_to is null;
create index filed_payment_party on filed_payment (party_key) where valid_to is null;

-- filed_fund_flow: distributed on party_key
alter table filed_fund_flow add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_fund_flow d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_fund_flow d set party_key = coalesce(d.from_party_pseudonym, 'uscc:' || d.from_party_uscc, d.to_party_pseudonym, 'uscc:' || d.to_party_uscc, 'account:' || d.from_account_pseudonym);
alter table filed_fund_flow alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_fund_flow_record;
alter table filed_fund_flow add primary key (party_key, institution_id, flow_id, filing_id);
create index filed_fund_flow_current on filed_fund_flow (institution_id, flow_id) where valid_to is null;
create index filed_fund_flow_party on filed_fund_flow (party_key) where valid_to is null;

-- filed_collection: distributed on party_key
alter table filed_collection add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_collection d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_collection d set party_key = coalesce((select l.party_key from filed_loan l where l.institution_id = d.institution_id and l.loan_id = d.loan_id limit 1), d.debtor_pseudonym);
alter table filed_collection alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_collection_record;
alter table filed_collection add primary key (party_key, institution_id, collection_id, filing_id);
create index filed_collection_current on filed_collection (institution_id, collection_id) where valid_to is null;
create index filed_collection_party on filed_collection (party_key) where valid_to is null;

-- filed_disclosure: distributed on institution_id
alter table filed_disclosure add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_disclosure d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_disclosure d set party_key = (select 'uscc:' || i.uscc from institution i where i.institution_id = d.institution_id);
alter table filed_disclosure alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_disclosure_record;
alter table filed_disclosure add primary key (institution_id, disclosure_id, filing_id);
create index filed_disclosure_current on filed_disclosure (institution_id, disclosure_id) where valid_to is null;

-- filed_complaint: distributed on party_key
alter table filed_complaint add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_complaint d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_complaint d set party_key = coalesce(d.complainant_pseudonym, 'phone:' || d.complainant_phone_pseudonym, (select 'uscc:' || i.uscc from institution i where i.institution_id = d.institution_id));
alter table filed_complaint alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_complaint_record;
alter table filed_complaint add primary key (party_key, institution_id, complaint_id, filing_id);
create index filed_complaint_current on filed_complaint (institution_id, complaint_id) where valid_to is null;
create index filed_complaint_party on filed_complaint (party_key) where valid_to is null;

-- filed_algorithm_decision: distributed on party_key
alter table filed_algorithm_decision add column period text, add column party_key text, add column valid_from timestamptz, add column valid_to timestamptz;
update filed_algorithm_decision d set period = f.period, valid_from = coalesce(f.accepted_at, f.signed_at, f.created_at) from filing f where f.filing_id = d.filing_id;
update filed_algorithm_decision d set party_key = coalesce(d.applicant_pseudonym, 'uscc:' || d.applicant_uscc);
alter table filed_algorithm_decision alter column period set not null, alter column party_key set not null, alter column valid_from set not null,
  add check (valid_to is null or valid_to >= valid_from);
drop index filed_algorithm_decision_record;
alter table filed_algorithm_decision add primary key (party_key, institution_id, decision_id, filing_id);
create index filed_algorithm_decision_current on filed_algorithm_decision (institution_id, decision_id) where valid_to is null;
create index filed_algorithm_decision_party on filed_algorithm_decision (party_key) where valid_to is null;

-- A repayment's and a collection action's party is their loan's: looked up at load (the COPY
-- sends no key for them), from the loan's current row.
create function filed_repayment_party_key() returns trigger language plpgsql as $$
begin
  select l.party_key into new.party_key from filed_loan l
   where l.institution_id = new.institution_id and l.loan_id = new.loan_id and l.valid_to is null limit 1;
  if new.party_key is null then
    new.party_key := 'loan:' || new.institution_id || ':' || new.loan_id;
  end if;
  return new;
end $$;
create trigger filed_repayment_party_key before insert on filed_repayment
  for each row when (new.party_key is null) execute function filed_repayment_party_key();

create function filed_collection_party_key() returns trigger language plpgsql as $$
begin
  select l.party_key into new.party_key from filed_loan l
   where l.institution_id = new.institution_id and l.loan_id = new.loan_id and l.valid_to is null limit 1;
  if new.party_key is null then
    new.party_key := new.debtor_pseudonym;
  end if;
  return new;
end $$;
create trigger filed_collection_party_key before insert on filed_collection
  for each row when (new.party_key is null) execute function filed_collection_party_key();
