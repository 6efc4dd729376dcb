-- Real-time payment screening: each institution's settings within its supervisor's bounds, every
-- decision (written in batches off the request path; a decision that holds the payment for the
-- consumer is written before the reply), the safe-transaction reminders, the webhook deliveries
-- that tell the institution the outcome, and the watch list of fraud payee accounts.

-- The bounds a supervisor sets for the institutions of a jurisdiction: an institution may ask for
-- confirmation, review or a block at a score no higher than these. The strictest bound along
-- country → province → city holds.
create table screening_bounds (
  jurisdiction_code text primary key,
  confirm_max integer not null check (confirm_max between 1 and 100),
  review_max integer not null check (review_max between 1 and 100),
  block_max integer not null check (block_max between 1 and 100),
  set_by text not null,
  set_at timestamptz not null default now()
);

create table screening_settings (
  institution_id uuid primary key references institution (institution_id),
  currencies text[] not null default '{CNY}',
  confirm_threshold integer not null check (confirm_threshold between 1 and 100),
  review_threshold integer not null check (review_threshold between 1 and 100),
  block_threshold integer not null check (block_threshold between 1 and 100),
  -- What an unanswered reminder becomes when its deadline passes.
  expiry_default text not null default 'block' check (expiry_default in ('allow', 'block')),
  reminder_seconds integer not null default 600 check (reminder_seconds between 30 and 86400),
  webhook_url text,
  -- The webhook's shared secret, sealed with the vault key like other secrets at rest.
  webhook_secret_sealed text,
  webhook_secret_key_id text,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  check (confirm_threshold <= review_threshold and review_threshold <= block_threshold)
);

create table screening_decision (
  decision_id uuid primary key,
  institution_id uuid not null,
  jurisdiction_code text not null,
  payment_id text not null,
  idempotency_key text,
  -- SHA-256 of the request body: the same key with another body is refused.
  request_hash text not null,
  format text not null check (format in ('json', 'pacs.008', 'tazama')),
  initiated_at timestamptz not null,
  decided_at timestamptz not null,
  currency text not null,
  amount_minor bigint not null check (amount_minor > 0),
  minor_units smallint not null,
  funding_source text not null check (funding_source in ('balance', 'bank_card', 'other')),
  -- Accounts and devices as keyed HMACs: the list of decisions holds no account number in clear.
  payer_ref text not null,
  payee_ref text not null,
  device_ref text,
  -- The payer as a person (the pseudonym of the identity number), when the institution sent it.
  payer_pseudonym text,
  score integer not null check (score between 0 and 100),
  -- What the engine decided.
  decision text not null check (decision in ('allow', 'confirm', 'review', 'block')),
  -- Where a held payment stands: decided (nothing to wait for), awaiting the consumer, or what they or the deadline said.
  status text not null check (status in ('decided', 'awaiting_consumer', 'confirmed', 'rejected', 'expired')),
  -- The decision the institution acts on: the engine's, or for a reminder the consumer's answer (or the expiry default).
  final_decision text check (final_decision in ('allow', 'review', 'block')),
  rule_ids text[] not null,
  -- Each rule that fired: id, resolved version, weight, and the values that made it fire.
  reasons jsonb not null,
  outcome text check (outcome in ('confirmed_fraud', 'false_positive')),
  outcome_at timestamptz,
  outcome_note text,
  settled_at timestamptz
);
create unique index screening_decision_idempotency on screening_decision (institution_id, idempotency_key) where idempotency_key is not null;
create index screening_decision_log on screening_decision (institution_id, decided_at desc);
create index screening_decision_time on screening_decision (jurisdiction_code, decided_at);
create index screening_decision_payer on screening_decision (payer_pseudonym, decided_at desc) where payer_pseudonym is not null;

-- A safe-transaction reminder: the consumer confirms or rejects a held payment before its deadline.
create table screening_reminder (
  reminder_id uuid primary key,
  decision_id uuid not null unique references screening_decision (decision_id),
  institution_id uuid not null,
  -- The consumer's pseudonym, when the payer is a registered consumer (their portal inbox).
  consumer_pseudonym text,
  -- The channels it went out on: inbox, sms.
  channels text[] not null,
  -- What the consumer is shown: payee name, amount, currency, the reasons in both languages.
  summary jsonb not null,
  status text not null check (status in ('pending', 'confirmed', 'rejected', 'expired')),
  created_at timestamptz not null,
  deadline timestamptz not null,
  answered_at timestamptz,
  answered_via text check (answered_via in ('portal', 'api', 'sms', 'expiry'))
);
create index screening_reminder_inbox on screening_reminder (consumer_pseudonym, created_at desc);
create index screening_reminder_due on screening_reminder (deadline) where status = 'pending';

-- The webhook calls that tell an institution a reminder's outcome, retried with back-off.
create table screening_webhook (
  delivery_id uuid primary key,
  institution_id uuid not null,
  decision_id uuid not null,
  body jsonb not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  last_error text,
  created_at timestamptz not null default now()
);
create index screening_webhook_due on screening_webhook (next_attempt_at) where delivered_at is null;

-- Payee accounts on the fraud watch list: confirmed fraud reported by an institution, or named in a
-- consumer's fraud complaint.
create table screening_watch_entry (
  payee_ref text not null,
  source text not null check (source in ('confirmed_fraud', 'complaint')),
  institution_id uuid,
  decision_id uuid,
  added_at timestamptz not null default now(),
  primary key (payee_ref, source)
);
