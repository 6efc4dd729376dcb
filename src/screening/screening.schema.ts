import type { ColumnType } from 'kysely';
import type { Reason } from './engine.js';

type Json<T> = ColumnType<T, string, string>;

export type DecisionStatus = 'decided' | 'awaiting_consumer' | 'confirmed' | 'rejected' | 'expired';
export type FinalDecision = 'allow' | 'review' | 'block';
export type Outcome = 'confirmed_fraud' | 'false_positive';
export type ReminderStatus = 'pending' | 'confirmed' | 'rejected' | 'expired';

export interface ScreeningBoundsTable {
  jurisdiction_code: string;
  confirm_max: number;
  review_max: number;
  block_max: number;
  set_by: string;
  set_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ScreeningSettingsTable {
  institution_id: string;
  currencies: string[];
  confirm_threshold: number;
  review_threshold: number;
  block_threshold: number;
  expiry_default: 'allow' | 'block';
  reminder_seconds: number;
  webhook_url: string | null;
  webhook_secret_sealed: string | null;
  webhook_secret_key_id: string | null;
  updated_by: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ScreeningDecisionTable {
  decision_id: string;
  institution_id: string;
  jurisdiction_code: string;
  payment_id: string;
  idempotency_key: string | null;
  request_hash: string;
  format: 'json' | 'pacs.008' | 'tazama';
  initiated_at: ColumnType<Date, Date | string, never>;
  decided_at: ColumnType<Date, Date | string, never>;
  currency: string;
  amount_minor: ColumnType<string, number | string, never>;
  minor_units: number;
  funding_source: 'balance' | 'bank_card' | 'other';
  payer_ref: string;
  payee_ref: string;
  device_ref: string | null;
  payer_pseudonym: string | null;
  score: number;
  decision: 'allow' | 'confirm' | 'review' | 'block';
  status: DecisionStatus;
  final_decision: FinalDecision | null;
  rule_ids: string[];
  reasons: Json<Reason[]>;
  outcome: Outcome | null;
  outcome_at: Date | null;
  outcome_note: string | null;
  settled_at: Date | null;
}

/** What a reminder shows the consumer. */
export interface ReminderSummary {
  payeeName: string | null;
  payeeAccountMasked: string;
  currency: string;
  amountMinor: number;
  minorUnits: number;
  initiatedAt: string;
  institution: { zh: string; en: string };
  reasons: { ruleId: string; title: { zh: string; en: string }; explanation: { zh: string; en: string } }[];
}

export interface ScreeningReminderTable {
  reminder_id: string;
  decision_id: string;
  institution_id: string;
  consumer_pseudonym: string | null;
  channels: string[];
  summary: Json<ReminderSummary>;
  status: ReminderStatus;
  created_at: ColumnType<Date, Date, never>;
  deadline: ColumnType<Date, Date, never>;
  answered_at: Date | null;
  answered_via: 'portal' | 'api' | 'sms' | 'expiry' | null;
}

export interface ScreeningWebhookTable {
  delivery_id: string;
  institution_id: string;
  decision_id: string;
  body: Json<Record<string, unknown>>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface ScreeningWatchEntryTable {
  payee_ref: string;
  source: 'confirmed_fraud' | 'complaint';
  institution_id: string | null;
  decision_id: string | null;
  added_at: ColumnType<Date, Date | undefined, never>;
}

declare module '../platform/database.js' {
  interface Database {
    screening_bounds: ScreeningBoundsTable;
    screening_settings: ScreeningSettingsTable;
    screening_decision: ScreeningDecisionTable;
    screening_reminder: ScreeningReminderTable;
    screening_webhook: ScreeningWebhookTable;
    screening_watch_entry: ScreeningWatchEntryTable;
  }
}
