import type { ColumnType, Generated } from 'kysely';
import type { Fact } from '../rulebook/explain.js';

type Json<T> = ColumnType<T, string, string>;

export const alertStatuses = ['new', 'triaged', 'escalated', 'dismissed', 'superseded'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** The rule's words as of the version that raised an alert. */
export interface RuleText {
  title: { zh: string; en: string };
  explanation: { zh: string; en: string };
  basis: { law: { zh: string; en: string }; article: string; figure: { zh: string; en: string } };
}

/** A record an alert is about. */
export interface AlertRecordRef {
  recordType: string;
  recordId: string;
  filingId: string;
  period: string;
}

export interface AlertTable {
  alert_id: string;
  dedupe_key: string;
  rule_id: string;
  rule_version: string;
  rule_jurisdiction: string;
  pack: 'conduct' | 'reporting';
  severity: 'low' | 'medium' | 'high';
  rule_text: Json<RuleText>;
  institution_id: string;
  jurisdiction_code: string;
  record_type: string;
  record_id: string;
  party_key: string | null;
  period: string;
  filing_id: string;
  records: Json<AlertRecordRef[]>;
  facts: Json<Fact[]>;
  status: ColumnType<AlertStatus, AlertStatus | undefined, AlertStatus>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface AlertTransitionTable {
  alert_id: string;
  seq: Generated<number>;
  from_status: AlertStatus | null;
  to_status: AlertStatus;
  actor_role: string;
  actor_id: string | null;
  reason: string | null;
  at: ColumnType<Date, never, never>;
}

export interface RuleFaultTable {
  fault_id: Generated<number>;
  rule_id: string;
  rule_version: string;
  institution_id: string;
  filing_id: string | null;
  record_type: string;
  record_id: string;
  problem: string;
  at: ColumnType<Date, never, never>;
}

export interface MonitoringRunTable {
  filing_id: string;
  institution_id: string;
  record_type: string;
  period: string;
  rules: number;
  records: number;
  alerts_raised: number;
  alerts_superseded: number;
  faults: number;
  finished_at: ColumnType<Date, never, Date | string>;
}

declare module '../platform/database.js' {
  interface Database {
    alert: AlertTable;
    alert_transition: AlertTransitionTable;
    rule_fault: RuleFaultTable;
    monitoring_run: MonitoringRunTable;
  }
}
