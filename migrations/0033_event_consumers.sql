-- Durable event consumers: an event is kept until every registered consumer has taken it.

-- Every (consumer, subject) pair that ever subscribed. A registration outlives the process: events
-- published while the consumer is not running are kept for it and delivered when it comes back.
create table event_consumer (
  consumer text not null,
  subject text not null,
  -- How the consumer caught up when it first registered: 'outbox' (the stored events), 'none'
  -- (from then on) or 'callback' (events its capability rebuilt, e.g. from accepted filings).
  backfill text not null check (backfill in ('outbox', 'none', 'callback')),
  registered_at timestamptz not null default now(),
  -- Null while a callback backfill has not finished: it runs again at the next start.
  backfilled_at timestamptz,
  primary key (consumer, subject)
);

-- One row per event a consumer has still to take (in process: every event; with NATS, where the
-- stream keeps the rest, only replays and backfills). The row is deleted when the handler succeeds;
-- after the last failed attempt it moves to event_failure. `next_attempt_at` is also the lease of
-- a row being handled, so that a process that died mid-handler lets the row be taken again.
create table event_delivery (
  consumer text not null,
  seq bigint not null references event_outbox (seq),
  subject text not null,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  primary key (consumer, seq)
);
create index event_delivery_due on event_delivery (consumer, subject, seq);

-- Events a NATS consumer has handled, so that a redelivery after a lost acknowledgement (a broker
-- outage) does not call the handler twice. Pruned with the outbox.
create table event_handled (
  consumer text not null,
  event_id uuid not null,
  handled_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
create index event_handled_age on event_handled (handled_at);

-- A parked event gets an id of its own, by which an operator replays it.
alter table event_failure add column failure_id uuid not null default gen_random_uuid();
alter table event_failure add constraint event_failure_failure_id unique (failure_id);
