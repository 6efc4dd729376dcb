-- Event bus: the transactional outbox and the events a consumer gave up on.

-- A capability writes its event in the same transaction as its business rows, so an event exists
-- exactly when the business write committed; a relay publishes the rows in seq order afterwards.
create table event_outbox (
  seq bigserial primary key,
  event_id uuid not null unique default gen_random_uuid(),
  subject text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
-- The relay only ever looks for what is still to publish.
create index event_outbox_unpublished on event_outbox (seq) where published_at is null;

-- An event whose handler failed on every attempt is parked here with the last error, so that an
-- operator can see it and replay it; it no longer blocks or loops.
create table event_failure (
  event_id uuid not null,
  consumer text not null,
  subject text not null,
  payload jsonb not null,
  attempts int not null,
  error text not null,
  failed_at timestamptz not null default now(),
  primary key (event_id, consumer)
);
