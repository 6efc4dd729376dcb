-- Appending audit entries in one call: the subjects' salts looked up (or created, one per new
-- subject, from the candidates given), the commitments computed and the entries inserted, in one
-- statement and so in one round trip. `AuditLog.append` writes the entries of concurrent callers
-- with one call and one commit; `AuditLog.record` uses it in the caller's transaction when it does
-- not know a subject's salt yet. A function rather than the statement itself so that PostgreSQL
-- plans it once per session, not on every call.
--
-- entries: [{i, actor_role, actor_id, subject, subject_ref, action, resource, reason, detail,
-- request_id}], each with either its subject in clear (resolved here) or the commitment already
-- made from a salt the caller holds; new_salts: [{subject, salt}], a fresh salt for each subject
-- named in clear. Returns, for each entry, its
-- seq, and the salt used for its subject (salt_committed: one committed before this statement). An entry whose subject's salt another transaction created
-- after this statement's snapshot is not inserted (seq null): the next statement sees that salt.
create function audit_append(entries jsonb, new_salts jsonb)
  returns table (i int, seq bigint, subject text, salt text, salt_committed boolean)
  language plpgsql as $$
#variable_conflict use_column
begin
  return query
  with v as materialized (
    select * from jsonb_to_recordset(entries)
      as v(i int, actor_role text, actor_id text, subject text, subject_ref text, action text, resource text, reason text, detail jsonb, request_id text)
  ),
  candidate as (select * from jsonb_to_recordset(new_salts) as c(subject text, salt text)),
  fresh as (
    insert into audit_subject as s (subject, salt) select c.subject, c.salt from candidate c
    on conflict (subject) do nothing
    returning s.subject, s.salt
  ),
  known as (
    select f.subject, f.salt, false as salt_committed from fresh f
    union all
    -- Visible here: committed, or made earlier by this same transaction (which may yet roll back).
    select s.subject, s.salt, s.xmin is distinct from xid(pg_current_xact_id_if_assigned()) from audit_subject s
    where s.subject in (select c.subject from candidate c)
  ),
  numbered as materialized (
    select v.i, v.actor_role, v.actor_id, v.subject, v.action, v.resource, v.reason, v.detail, v.request_id, k.salt as subject_salt, k.salt_committed,
      coalesce(v.subject_ref, encode(sha256(convert_to(k.salt || E'\n' || v.subject, 'UTF8')), 'hex')) as subject_ref,
      -- nextval runs after the sort: seqs follow the order the entries were appended in.
      case when v.subject is null or k.salt is not null then nextval('audit_log_seq') end as new_seq
    from v left join known k on k.subject = v.subject
    order by v.i
  ),
  inserted as (
    insert into audit_log (seq, actor_role, actor_id, subject_ref, action, resource, reason, detail, request_id)
    select n.new_seq, n.actor_role, n.actor_id, n.subject_ref, n.action, n.resource, n.reason, n.detail, n.request_id
    from numbered n where n.new_seq is not null order by n.new_seq
  )
  select n.i, n.new_seq, n.subject, n.subject_salt, n.salt_committed from numbered n;
end $$;
