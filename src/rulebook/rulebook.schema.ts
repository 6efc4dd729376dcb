import type { ColumnType } from 'kysely';
import type { RefinementDefinition, RuleDefinition } from './rule.js';

type Json<T> = ColumnType<T, string, never>;

export interface RuleVersionTable {
  rule_id: string;
  jurisdiction_code: string;
  version: number;
  kind: 'rule' | 'refinement';
  pack: string;
  record_type: string;
  definition: Json<RuleDefinition | RefinementDefinition>;
  effective_from: string;
  effective_to: string | null;
  digest: string;
  source: string;
  created_by: string;
  created_at: ColumnType<Date, never, never>;
}

export interface ReferenceRateTable {
  series: string;
  effective_on: string;
  rate: number;
  source: string;
  created_by: string;
  created_at: ColumnType<Date, never, never>;
}

declare module '../platform/database.js' {
  interface Database {
    rule_version: RuleVersionTable;
    reference_rate: ReferenceRateTable;
  }
}
