-- The audit log becomes a Merkle tree (RFC 9162) anchored outside the database.
--
-- Appending no longer locks one row: an audited transaction only inserts an unsealed entry. A
-- single sealer at a time (a PostgreSQL advisory lock, so several processes are safe) gives the
-- committed entries their positions in the tree and signs the new head (tree size, root hash,
-- time) with the platform's key. The heads are published (GET /v1/platform/audit-head, and a file
-- a second party keeps), and `fenghuo verify --against <head>` proves the log still extends them.
--
-- Entries name their subject by a salted commitment; erasing the salt (audit_subject) unlinks the
-- subject without changing any hash.

-- The hash chain and its checkpoints are replaced by the tree and its signed heads. Existing
-- entries keep their content and are sealed into the tree, in their order, by the first sealer.
drop trigger audit_log_no_update on audit_log;
drop trigger audit_checkpoint_no_update on audit_checkpoint;
drop table audit_checkpoint;
drop table audit_chain;
drop function audit_log_is_append_only();

-- Refuses UPDATE, DELETE and TRUNCATE, naming the table.
create function fh_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', TG_TABLE_NAME using errcode = 'P0001';
end $$;

-- One salt per subject; the entries carry SHA-256(salt ‖ '\n' ‖ subject) as hex.
create table audit_subject (
  subject text primary key,
  salt text not null,
  created_at timestamptz not null default now()
);
insert into audit_subject (subject, salt)
  select distinct subject, replace(gen_random_uuid()::text, '-', '') from audit_log where subject is not null;

alter table audit_log add column subject_ref text;
update audit_log l set subject_ref = encode(sha256(convert_to(s.salt || E'\n' || s.subject, 'UTF8')), 'hex')
  from audit_subject s where s.subject = l.subject;
drop index audit_log_subject;
alter table audit_log drop column subject, drop column prev_hash, drop column hash;
alter table audit_log alter column occurred_at set default now();

-- seq numbers inserts (commit order may differ); leaf_index is the position in the tree, set once
-- by the sealer together with the leaf hash.
create sequence audit_log_seq owned by audit_log.seq;
select setval('audit_log_seq', coalesce((select max(seq) from audit_log), 0) + 1, false);
alter table audit_log alter column seq set default nextval('audit_log_seq');
alter table audit_log add column leaf_index bigint unique, add column leaf_hash text;
alter table audit_log add constraint audit_log_sealed_together check ((leaf_index is null) = (leaf_hash is null));
create index audit_log_subject_ref on audit_log (subject_ref, seq) where subject_ref is not null;
create index audit_log_unsealed on audit_log (seq) where leaf_index is null;

-- A signed tree head. signed_at is the exact text that was signed. frontier holds the roots of the
-- perfect subtrees on the tree's right edge, so the next sealer extends the tree without reading it.
create table audit_head (
  tree_size bigint primary key check (tree_size > 0),
  root_hash text not null,
  signed_at text not null,
  algorithm text not null check (algorithm in ('ed25519', 'sm2')),
  key_id text not null,
  signature text not null,
  frontier jsonb not null
);

-- The one update allowed: the sealer setting an entry's position and leaf hash, once, with every
-- other column unchanged. Checked in the trigger's WHEN clause, so sealing calls no function.
create trigger audit_log_append_only before update on audit_log
  for each row when (old.leaf_index is not null or old.leaf_hash is not null
    or (new.seq, new.occurred_at, new.actor_role, new.actor_id, new.subject_ref, new.action, new.resource, new.reason, new.detail, new.request_id)
      is distinct from (old.seq, old.occurred_at, old.actor_role, old.actor_id, old.subject_ref, old.action, old.resource, old.reason, old.detail, old.request_id))
  execute function fh_append_only();
create trigger audit_log_no_delete before delete on audit_log
  for each row execute function fh_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function fh_append_only();
create trigger audit_head_append_only before update or delete on audit_head
  for each row execute function fh_append_only();
create trigger audit_head_no_truncate before truncate on audit_head
  for each statement execute function fh_append_only();
create trigger signing_key_append_only before update or delete on signing_key
  for each row execute function fh_append_only();
create trigger signing_key_no_truncate before truncate on signing_key
  for each statement execute function fh_append_only();
-- A salt may be erased (the right to deletion), never changed, and never all at once.
create trigger audit_subject_no_update before update on audit_subject
  for each row execute function fh_append_only();
create trigger audit_subject_no_truncate before truncate on audit_subject
  for each statement execute function fh_append_only();
-- A receipt is what the platform signed: never changed or removed.
create trigger filing_receipt_append_only before update or delete on filing_receipt
  for each row execute function fh_append_only();
create trigger filing_receipt_no_truncate before truncate on filing_receipt
  for each statement execute function fh_append_only();
