-- The evidence vault: contracts, vouchers, screenshots and recordings that a consumer (or an
-- institution, for a case) deposits. The file is kept encrypted under <dataDir>/evidence; the row
-- keeps its content hash and the platform's signed receipt. Erasure (PIPL Art.47) deletes the file
-- and clears the name, but keeps hash and receipt so that a receipt handed out earlier still verifies.
create table evidence_item (
  evidence_id uuid primary key,
  owner_kind text not null check (owner_kind in ('consumer', 'institution')),
  -- consumer: the person's pseudonym; institution: its institution id.
  owner_ref text not null,
  file_name text not null,
  media_type text not null,
  bytes bigint not null check (bytes > 0),
  hash_algorithm text not null check (hash_algorithm in ('sha256', 'sm3')),
  hash text not null,
  -- Path under <dataDir>/evidence; null once erased.
  stored_name text,
  received_at timestamptz not null,
  -- The signed receipt as handed out: { receipt: {…}, signature }.
  receipt jsonb not null,
  erased_at timestamptz,
  check ((erased_at is null) = (stored_name is not null))
);
create index evidence_item_owner on evidence_item (owner_kind, owner_ref, received_at desc);

-- Which items belong to which case (`complaint:<uuid>`, `mediation:<uuid>`). Append-only: an
-- attachment once filed in a case stays part of its record.
create table evidence_case_link (
  case_ref text not null,
  evidence_id uuid not null references evidence_item (evidence_id),
  linked_at timestamptz not null default now(),
  primary key (case_ref, evidence_id)
);
create index evidence_case_link_item on evidence_case_link (evidence_id);
create trigger evidence_case_link_append_only before update or delete on evidence_case_link for each row execute function fh_append_only();
