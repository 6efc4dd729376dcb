-- The rulebook: every version of every rule and refinement, national, provincial and city, as
-- loaded from rules/ or posted by a supervisor. A stored version never changes (an alert names
-- the version that raised it), so versions are only inserted.
create table rule_version (
  rule_id text not null,
  jurisdiction_code text not null,
  version integer not null,
  kind text not null check (kind in ('rule', 'refinement')),
  pack text not null,
  record_type text not null,
  definition jsonb not null,
  effective_from date not null,
  effective_to date,
  -- SHA-256 of the canonical JSON of the definition: a file whose stored version changed is refused.
  digest text not null,
  source text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (rule_id, jurisdiction_code, version)
);

-- Reference series the rules read (the one-year LPR), each value with its source.
create table reference_rate (
  series text not null,
  effective_on date not null,
  rate numeric not null check (rate >= 0 and rate < 1),
  source text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (series, effective_on)
);

create trigger rule_version_append_only before update or delete on rule_version for each row execute function fh_append_only();
