-- Platform: users, sessions, API keys, the tamper-evident audit log and the keys that sign it.

create table app_user (
  user_id uuid primary key default gen_random_uuid(),
  username text not null unique,
  password_hash text not null,
  role text not null check (role in ('supervisor', 'consumer')),
  display_name text not null,
  -- A supervisor's jurisdiction (GB/T 2260 code; 000000 is the country).
  jurisdiction_code text,
  consumer_id uuid,
  created_at timestamptz not null default now(),
  disabled_at timestamptz,
  check ((role = 'supervisor') = (jurisdiction_code is not null)),
  check ((role = 'consumer') = (consumer_id is not null))
);

create table api_key (
  key_id text primary key,
  institution_id uuid not null,
  secret_hash text not null,
  label text not null,
  created_at timestamptz not null default now(),
  created_by text not null,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index api_key_institution on api_key (institution_id);

create table auth_session (
  -- SHA-256 of the bearer token; the token itself is never stored.
  token_hash text primary key,
  role text not null check (role in ('supervisor', 'consumer', 'institution')),
  user_id uuid,
  institution_id uuid,
  api_key_id text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create table signing_key (
  key_id text primary key,
  algorithm text not null check (algorithm in ('ed25519', 'sm2')),
  public_key text not null,
  first_used_at timestamptz not null default now()
);

-- Append-only and hash-chained: hash = SHA-256(prev_hash ‖ canonical JSON of the entry).
create table audit_log (
  seq bigint primary key,
  occurred_at timestamptz not null,
  actor_role text not null,
  actor_id text,
  subject text,
  action text not null,
  resource text,
  reason text,
  detail jsonb not null default '{}'::jsonb,
  request_id text,
  prev_hash text not null,
  hash text not null
);
create index audit_log_subject on audit_log (subject, seq);

-- The head of the chain; writers lock this row so that entries are chained one at a time.
create table audit_chain (
  id int primary key check (id = 1),
  last_seq bigint not null,
  last_hash text not null
);
insert into audit_chain (id, last_seq, last_hash) values (1, 0, repeat('0', 64));

create table audit_checkpoint (
  seq bigint primary key references audit_log (seq),
  hash text not null,
  signed_at timestamptz not null,
  algorithm text not null,
  key_id text not null references signing_key (key_id),
  signature text not null
);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only' using errcode = 'P0001';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_checkpoint_no_update before update or delete on audit_checkpoint
  for each row execute function audit_log_is_append_only();
