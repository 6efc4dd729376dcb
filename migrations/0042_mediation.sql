-- Online mediation of disputed complaints. A supervisor appoints mediators for a jurisdiction within
-- their own; a mediator is a user account with role 'mediator' and a jurisdiction, like a supervisor.

-- The role checks of 0001 named only supervisor and consumer (users) and those plus institution
-- (sessions). They were declared without names, so they are found and replaced here.
do $$
declare c record;
begin
  for c in select conname from pg_constraint where conrelid = 'app_user'::regclass and contype = 'c' loop
    execute format('alter table app_user drop constraint %I', c.conname);
  end loop;
  for c in select conname from pg_constraint where conrelid = 'auth_session'::regclass and contype = 'c' loop
    execute format('alter table auth_session drop constraint %I', c.conname);
  end loop;
end $$;
alter table app_user add constraint app_user_role_check check (role in ('supervisor', 'consumer', 'mediator'));
alter table app_user add constraint app_user_jurisdiction_check check ((role in ('supervisor', 'mediator')) = (jurisdiction_code is not null));
alter table app_user add constraint app_user_consumer_check check ((role = 'consumer') = (consumer_id is not null));
alter table auth_session add constraint auth_session_role_check check (role in ('supervisor', 'consumer', 'institution', 'mediator'));

-- Who appointed a mediator, for where, and when the appointment ended.
create table mediator_appointment (
  user_id uuid primary key references app_user (user_id),
  jurisdiction_code text not null,
  appointed_by uuid not null references app_user (user_id),
  appointed_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by uuid references app_user (user_id)
);
create index mediator_appointment_jurisdiction on mediator_appointment (jurisdiction_code);

create table mediation_case (
  case_id uuid primary key,
  -- One mediation per complaint.
  complaint_id uuid not null unique,
  consumer_pseudonym text not null,
  -- Null when the complaint names an institution not in the registry (it was routed to a supervisor).
  institution_id uuid,
  -- Where the case is heard: the institution's region, or the routed supervisor's.
  jurisdiction_code text not null,
  amount_at_stake_fen bigint,
  issue text not null,
  status text not null check (status in ('requested', 'in_mediation', 'settled', 'not_settled')),
  mediator_user_id uuid references app_user (user_id),
  requested_at timestamptz not null,
  taken_at timestamptz,
  closed_at timestamptz,
  referral text check (referral in ('arbitration', 'court')),
  -- The signed outcome record, as either party downloads it.
  agreement text,
  check ((status = 'requested') = (mediator_user_id is null)),
  check ((status in ('settled', 'not_settled')) = (closed_at is not null and agreement is not null)),
  check ((status = 'not_settled') = (referral is not null))
);
create index mediation_case_jurisdiction on mediation_case (jurisdiction_code, status);
create index mediation_case_consumer on mediation_case (consumer_pseudonym, requested_at desc);
create index mediation_case_institution on mediation_case (institution_id, requested_at desc);
create index mediation_case_mediator on mediation_case (mediator_user_id, status);

-- What each party says; never changed, a later position is added beside it.
create table mediation_position (
  position_id uuid primary key,
  case_id uuid not null references mediation_case (case_id),
  party text not null check (party in ('consumer', 'institution')),
  text text not null,
  evidence_ids text[] not null default '{}',
  submitted_at timestamptz not null default now()
);
create index mediation_position_case on mediation_position (case_id, submitted_at);
create trigger mediation_position_append_only before update or delete on mediation_position for each row execute function fh_append_only();

-- The mediator's proposals; a newer one supersedes the open one. Each party answers once.
create table mediation_proposal (
  proposal_id uuid primary key,
  case_id uuid not null references mediation_case (case_id),
  terms text not null,
  amount_fen bigint check (amount_fen is null or amount_fen >= 0),
  proposed_by uuid not null references app_user (user_id),
  proposed_at timestamptz not null default now(),
  consumer_answer text check (consumer_answer in ('accepted', 'rejected')),
  consumer_answered_at timestamptz,
  institution_answer text check (institution_answer in ('accepted', 'rejected')),
  institution_answered_at timestamptz,
  superseded_at timestamptz
);
create index mediation_proposal_case on mediation_proposal (case_id, proposed_at desc);

-- Every step of every case, in order.
create table mediation_event (
  seq bigserial primary key,
  case_id uuid not null references mediation_case (case_id),
  kind text not null,
  actor_role text not null,
  actor_id text,
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null default now()
);
create index mediation_event_case on mediation_event (case_id, seq);
create trigger mediation_event_append_only before update or delete on mediation_event for each row execute function fh_append_only();
