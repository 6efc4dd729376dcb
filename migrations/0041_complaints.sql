-- Consumer complaints: filed by the consumer in the portal or forwarded by an institution, routed
-- to the institution's complaint desk (or, against an unknown or unlicensed institution, to the
-- supervisor of the consumer's region), answered within a deadline, and closed by the consumer's
-- feedback or by mediation. Every step is kept in complaint_event.

-- The deadline law as data: how many days, counted how, and on what authority. A complaint keeps
-- the policy it was received under, so a later change of policy never moves an old deadline.
create table complaint_deadline_policy (
  policy_id text primary key,
  -- The answer is due this many days after the day of receipt.
  base_days integer not null check (base_days between 1 and 365),
  -- A complex complaint: the institution may extend the deadline to this many days, with a reason.
  complex_days integer not null check (complex_days >= base_days),
  -- A further extension by this many days, only with the supervisor's approval.
  further_days integer not null check (further_days >= 0),
  day_kind text not null check (day_kind in ('calendar', 'working')),
  source text not null,
  effective_from date not null
);
insert into complaint_deadline_policy values
  ('cbirc-2020-3', 15, 30, 30, 'calendar', '银保监会令2020年第3号《银行保险机构消费者权益保护管理办法》/ CBIRC Order 2020 No.3: answer within 15 days of receipt; complex cases up to 30 days; a further 30 days with approval', date '2020-03-01');

create table complaint (
  complaint_id uuid primary key,
  consumer_pseudonym text not null,
  -- The consumer's account when they have one (filed in the portal, or registered later).
  consumer_user_id text,
  channel text not null check (channel in ('portal', 'institution')),
  -- A registered institution, or the name the consumer gave for one that is not (institution_id null).
  institution_id uuid references institution (institution_id),
  institution_name text,
  -- The supervisor who sees it: the institution's jurisdiction, or the consumer's region when the
  -- institution is unknown.
  jurisdiction_code text not null,
  product text not null,
  product_type text,
  issue text not null,
  narrative text not null,
  amount_at_stake_fen bigint check (amount_at_stake_fen >= 0),
  received_at timestamptz not null,
  -- The day of receipt, China time; the period starts the day after.
  received_day date not null,
  policy_id text not null references complaint_deadline_policy (policy_id),
  day_kind text not null check (day_kind in ('calendar', 'working')),
  -- Days allowed now (the base, the complex extension, or with the further extension).
  deadline_days integer not null,
  -- The last day to answer, China time; null when no desk answers (unknown institution).
  deadline_day date,
  extension text not null default 'none' check (extension in ('none', 'complex', 'further_requested', 'further')),
  extension_reason text,
  further_reason text,
  status text not null check (status in ('filed', 'in_progress', 'answered', 'disputed', 'in_mediation', 'closed')),
  response_category text check (response_category in ('closed_with_explanation', 'monetary_relief', 'non_monetary_relief', 'in_progress')),
  response_text text,
  relief_fen bigint check (relief_fen >= 0),
  answered_at timestamptz,
  -- Set when the final answer came after the deadline, and kept; an unanswered complaint past its
  -- deadline is late as well (computed from deadline_day).
  late boolean not null default false,
  feedback text check (feedback in ('satisfied', 'disputed')),
  feedback_reason text,
  case_ref text,
  closure text check (closure in ('satisfied', 'settled', 'not_settled')),
  closed_at timestamptz,
  check (institution_id is not null or institution_name is not null)
);
create index complaint_consumer on complaint (consumer_pseudonym, received_at desc);
create index complaint_desk on complaint (institution_id, received_at desc);
create index complaint_jurisdiction on complaint (jurisdiction_code, received_at desc);
create index complaint_open_deadline on complaint (deadline_day) where answered_at is null and closed_at is null;

create table complaint_event (
  seq bigserial primary key,
  complaint_id uuid not null references complaint (complaint_id),
  action text not null,
  actor_role text not null,
  actor_id text,
  detail jsonb not null default '{}',
  at timestamptz not null default now()
);
create index complaint_event_complaint on complaint_event (complaint_id, seq);
create trigger complaint_event_append_only before update or delete on complaint_event for each row execute function fh_append_only();

-- The public statistics, kept up to date with each step so the public query reads a few thousand
-- rows, not every complaint: per quarter of receipt, institution ('' when unregistered), product
-- type ('' when none) and issue.
create table complaint_stat (
  quarter text not null,
  institution_key text not null,
  product_type text not null,
  issue text not null,
  filed integer not null default 0,
  answered integer not null default 0,
  answered_on_time integer not null default 0,
  closed_with_explanation integer not null default 0,
  monetary_relief integer not null default 0,
  non_monetary_relief integer not null default 0,
  primary key (quarter, institution_key, product_type, issue)
);
