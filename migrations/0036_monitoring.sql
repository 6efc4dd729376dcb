-- Supervisory monitoring: the alerts the rulebook raises on accepted filings, their lifecycle, and
-- the faults of rules that could not be evaluated on a record.
create table alert (
  alert_id uuid primary key,
  -- SHA-256 of rule id, resolved rule version, institution, record type and record id: the same
  -- rule version on the same record raises one alert, however often it is run.
  dedupe_key text not null unique,
  rule_id text not null,
  rule_version text not null,
  rule_jurisdiction text not null,
  -- conduct: a record broke a rule; reporting: a filing an institution owed is late or missing.
  pack text not null check (pack in ('conduct', 'reporting')),
  severity text not null check (severity in ('low', 'medium', 'high')),
  -- The rule's title, explanation template and legal basis as of that version, so that the alert
  -- explains itself on its own.
  rule_text jsonb not null,
  institution_id uuid not null,
  jurisdiction_code text not null,
  record_type text not null,
  record_id text not null,
  party_key text,
  period text not null,
  filing_id uuid not null,
  records jsonb not null,
  facts jsonb not null,
  status text not null default 'new' check (status in ('new', 'triaged', 'escalated', 'dismissed', 'superseded')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index alert_queue on alert (jurisdiction_code, status, created_at desc);
create index alert_scope on alert (institution_id, record_type, period);
create index alert_rule on alert (rule_id, status);
create index alert_party on alert (party_key) where party_key is not null;

create table alert_transition (
  alert_id uuid not null references alert (alert_id),
  seq bigint generated always as identity,
  from_status text,
  to_status text not null,
  actor_role text not null,
  actor_id text,
  reason text,
  at timestamptz not null default now(),
  primary key (alert_id, seq)
);
create trigger alert_transition_append_only before update or delete on alert_transition for each row execute function fh_append_only();

-- A rule that threw on a record: a finding about the rule, kept for its authors; the run went on.
create table rule_fault (
  fault_id bigint generated always as identity primary key,
  rule_id text not null,
  rule_version text not null,
  institution_id uuid not null,
  filing_id uuid,
  record_type text not null,
  record_id text not null,
  problem text not null,
  at timestamptz not null default now()
);
create index rule_fault_rule on rule_fault (rule_id, at desc);

-- One row per filing checked: what ran and what it found.
create table monitoring_run (
  filing_id uuid primary key,
  institution_id uuid not null,
  record_type text not null,
  period text not null,
  rules integer not null,
  records integer not null,
  alerts_raised integer not null,
  alerts_superseded integer not null,
  faults integer not null,
  finished_at timestamptz not null default now()
);
