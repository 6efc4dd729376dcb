-- Loan terms in days (issue 8, the true cost of every loan): a loan states the length of its
-- instalment period in months (period_months) or in days (period_days, e.g. a 14-day cash loan),
-- exactly one of them (edit V030 refuses a row with neither or both before it gets here).
alter table filed_loan alter column period_months drop not null;
alter table filed_loan add column period_days integer;
alter table filed_loan add constraint filed_loan_one_period_unit check ((period_months is null) <> (period_days is null));
