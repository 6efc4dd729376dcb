-- The consent registry (PIPL Art.13–15, 23, 28–29; Credit Reporting Regulation Art.18): what a
-- person allowed an institution to do with their data, for which purposes, until when. A
-- withdrawal is as easy as the grant and takes effect at once wherever Fenghuo acts on it (a credit
-- inquiry checks it at the moment of the query). Every step is kept in consent_event.
create table consent (
  consent_id uuid primary key,
  -- The person, by the pseudonym of their identity number.
  subject_pseudonym text not null,
  institution_id uuid not null references institution (institution_id),
  -- credit_inquiry: the institution may query the person's credit report;
  -- processing: it may process the data categories named; sharing: it may pass them to `recipient`.
  scope text not null check (scope in ('credit_inquiry', 'processing', 'sharing')),
  purposes text[] not null check (cardinality(purposes) > 0),
  data_categories text[] not null,
  -- Sensitive personal information (PIPL Art.28: financial accounts, biometrics, …) needs a separate consent.
  sensitive boolean not null default false,
  recipient text,
  granted_at timestamptz not null,
  -- The last day it holds, China time; null: until withdrawn.
  expires_on date,
  withdrawn_at timestamptz,
  check (scope <> 'sharing' or recipient is not null)
);
create index consent_subject on consent (subject_pseudonym, granted_at desc);
create index consent_check on consent (institution_id, subject_pseudonym, scope);

create table consent_event (
  seq bigserial primary key,
  consent_id uuid not null references consent (consent_id),
  action text not null check (action in ('granted', 'withdrawn')),
  actor_role text not null,
  actor_id text,
  at timestamptz not null default now()
);
create trigger consent_event_append_only before update or delete on consent_event for each row execute function fh_append_only();
