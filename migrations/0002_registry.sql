-- Registry and market access: institutions, licences by business type, the qualifications a
-- licence needs, and every change of a licence's status.

create table institution (
  institution_id uuid primary key default gen_random_uuid(),
  uscc text not null unique,
  name_zh text not null,
  name_en text not null,
  kind text not null check (kind in ('online_lender', 'payment_institution', 'crowdfunding_platform', 'consumer_finance_company', 'wealth_management_platform', 'fintech_provider')),
  -- GB/T 2260 code of the supervising jurisdiction (a province or a city).
  jurisdiction_code text not null,
  registered_at timestamptz not null default now(),
  registered_by text not null
);
create index institution_jurisdiction on institution (jurisdiction_code);
create index institution_name_zh on institution (name_zh);

create table licence (
  licence_id uuid primary key default gen_random_uuid(),
  institution_id uuid not null references institution (institution_id),
  licence_type text not null check (licence_type in ('online_lending', 'payment', 'crowdfunding', 'consumer_finance', 'wealth_management', 'fintech_provider')),
  status text not null check (status in ('applied', 'approved', 'suspended', 'revoked')),
  -- Assigned when first approved.
  licence_no text unique,
  applied_at timestamptz not null default now(),
  status_changed_at timestamptz not null default now()
);
create index licence_institution on licence (institution_id);
-- One live licence of a type per institution; a revoked one may be applied for again.
create unique index licence_one_live_per_type on licence (institution_id, licence_type) where status <> 'revoked';

create table licence_qualification (
  licence_id uuid not null references licence (licence_id),
  qualification_key text not null,
  met boolean not null default false,
  note text not null default '',
  checked_at timestamptz,
  checked_by text,
  primary key (licence_id, qualification_key)
);

create table licence_status_change (
  change_id bigint generated always as identity primary key,
  licence_id uuid not null references licence (licence_id),
  from_status text,
  to_status text not null,
  reason text not null,
  actor_id text,
  changed_at timestamptz not null default now()
);
create index licence_status_change_licence on licence_status_change (licence_id, change_id);

create sequence licence_number_seq;
