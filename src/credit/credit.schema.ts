import type { ColumnType, Generated } from 'kysely';
import type { ScorecardVersion } from './scorecard.js';

export type TradelineStatus = 'current' | 'overdue' | 'closed' | 'written_off';

export interface TradelineTable {
  party_key: string;
  institution_id: string;
  loan_id: string;
  product_type: string | null;
  purpose: string;
  opened_on: string;
  principal_fen: number;
  balance_fen: number;
  installments: number;
  status: TradelineStatus;
  days_past_due: number;
  worst_days_past_due: number;
  grid_to: string;
  grid: string;
  negative_from: string | null;
  negative_ended_on: string | null;
  /** Null for history taken over as it stands, with no filing behind it. */
  source_filing_id: string | null;
  updated_at: ColumnType<Date, never, never>;
}

export interface CreditNoticeTable {
  notice_id: string;
  party_key: string;
  institution_id: string;
  loan_id: string;
  negative_from: string;
  created_at: ColumnType<Date, never, never>;
  read_at: Date | null;
}

export interface CreditInquiryTable {
  inquiry_id: string;
  party_key: string;
  institution_id: string | null;
  purpose: string;
  consent_id: string | null;
  at: ColumnType<Date, never, never>;
}

export type DisputeStatus = 'open' | 'escalated' | 'corrected' | 'kept';

export interface CreditDisputeTable {
  dispute_id: string;
  party_key: string;
  institution_id: string;
  loan_id: string;
  reason: string;
  filed_at: ColumnType<Date, Date, never>;
  due_on: ColumnType<string, string, never>;
  status: DisputeStatus;
  statement: string | null;
  answered_at: Date | null;
  escalated_at: Date | null;
}

export interface CreditModelTable {
  version: Generated<number>;
  trained_at: ColumnType<Date, never, never>;
  snapshot: string;
  horizon_months: number;
  rows_used: number;
  bads: number;
  model: ColumnType<ScorecardVersion, string, never>;
  metrics: ColumnType<Record<string, unknown>, string, never>;
}

declare module '../platform/database.js' {
  interface Database {
    tradeline: TradelineTable;
    credit_notice: CreditNoticeTable;
    credit_inquiry: CreditInquiryTable;
    credit_dispute: CreditDisputeTable;
    credit_model: CreditModelTable;
  }
}
