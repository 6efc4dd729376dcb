-- Filings: one uploaded file of one record type for one reporting period, in versions; the
-- findings of its edits (counts per edit and the first example rows); the signed receipt.

create table filing (
  filing_id uuid primary key,
  institution_id uuid not null references institution (institution_id),
  -- Copied from the registry at upload, so a supervisor's list filters without a join.
  jurisdiction_code text not null,
  record_type text not null,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  version integer not null check (version >= 1),
  status text not null check (status in ('received', 'validating', 'errors', 'warnings', 'clean', 'verified', 'signed', 'accepted', 'superseded')),
  content_type text not null,
  -- Relative to DATA_DIR/filings; the upload is encrypted at rest.
  stored_name text not null,
  -- SHA-256 of the (decompressed) file content, hex; set when the upload is complete.
  file_hash text,
  file_bytes bigint,
  encoding text,
  record_count bigint,
  error_count bigint not null default 0,
  warning_count bigint not null default 0,
  stats jsonb,
  -- Edit id → the filer's explanation, given when verifying warnings.
  explanations jsonb,
  created_by text not null,
  created_at timestamptz not null default now(),
  -- Refreshed while a file is being validated; a stale one means the upload died with its process.
  heartbeat_at timestamptz not null default now(),
  validated_at timestamptz,
  verified_at timestamptz,
  signed_at timestamptz,
  accepted_at timestamptz,
  superseded_at timestamptz,
  unique (institution_id, record_type, period, version)
);
-- One upload at a time per institution, record type and period (received/validating), and no new
-- upload while a signed version waits for its load.
create unique index filing_one_in_flight on filing (institution_id, record_type, period) where status in ('received', 'validating', 'signed');
-- At most one version in force.
create unique index filing_one_accepted on filing (institution_id, record_type, period) where status = 'accepted';
create index filing_institution on filing (institution_id, created_at desc);
create index filing_jurisdiction on filing (jurisdiction_code, created_at desc);

create table filing_finding (
  filing_id uuid not null references filing (filing_id) on delete cascade,
  edit_id text not null,
  edit_class text not null,
  severity text not null check (severity in ('error', 'warning')),
  -- How many rows (or file-level findings) failed the edit.
  finding_count bigint not null,
  primary key (filing_id, edit_id)
);

create table filing_finding_example (
  filing_id uuid not null,
  edit_id text not null,
  seq integer not null,
  -- 0 for a file-level finding.
  row_number bigint not null,
  -- Field → raw value at fault; resident ID numbers masked but for the last four characters.
  field_values jsonb not null,
  primary key (filing_id, edit_id, seq),
  foreign key (filing_id, edit_id) references filing_finding (filing_id, edit_id) on delete cascade
);

create table filing_receipt (
  receipt_id uuid primary key,
  filing_id uuid not null unique references filing (filing_id),
  -- The canonical JSON that was signed, kept byte for byte.
  body text not null,
  signature text not null,
  algorithm text not null check (algorithm in ('ed25519', 'sm2')),
  key_id text not null,
  signed_at timestamptz not null
);
