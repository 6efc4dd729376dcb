-- Data rights (PIPL Art.45–47, 50): each request a person makes about their own data — a copy, a
-- correction, a deletion — and how it ended. A refusal keeps its reasons (Art.50). The rows stay
-- after a deletion: they are the proof that the request was handled, and name the person only by
-- the pseudonym, which nothing links to a clear identity once the vault entry is gone.
create table data_request (
  request_id uuid primary key,
  subject_pseudonym text not null,
  kind text not null check (kind in ('export', 'correction', 'deletion')),
  outcome text not null check (outcome in ('completed', 'refused')),
  -- What was done, by category and count (never the data itself): fields corrected, items erased,
  -- what is kept and on which legal basis.
  detail jsonb not null default '{}',
  -- For a refusal: the holds that forbid it, each with its legal basis.
  refusal jsonb,
  requested_at timestamptz not null default now(),
  check ((outcome = 'refused') = (refusal is not null))
);
create index data_request_subject on data_request (subject_pseudonym, requested_at desc);
create trigger data_request_append_only before update or delete on data_request for each row execute function fh_append_only();
