-- Identity: consumers known by the keyed HMAC of their resident ID number, and the vault, the only
-- place a clear identifier is kept, sealed with AES-256-GCM.

create table person_vault (
  -- HMAC pseudonym of the identifier; also the AES-GCM associated data, so a sealed value cannot be moved.
  pseudonym text primary key,
  kind text not null check (kind in ('resident_id', 'phone', 'account')),
  key_id text not null,
  sealed text not null,
  created_at timestamptz not null default now()
);
create index person_vault_key on person_vault (key_id);

create table consumer (
  consumer_id uuid primary key default gen_random_uuid(),
  pseudonym text not null unique,
  -- The city of the ID number's address code, for statistics by region; nothing finer.
  phone_pseudonym text,
  region_code text,
  birth_year int,
  registered_at timestamptz not null default now()
);
