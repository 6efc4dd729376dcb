import type { ColumnType } from 'kysely';

export const dataRequestKinds = ['export', 'correction', 'deletion'] as const;
export type DataRequestKind = (typeof dataRequestKinds)[number];

export interface DataRequestTable {
  request_id: string;
  subject_pseudonym: string;
  kind: DataRequestKind;
  outcome: 'completed' | 'refused';
  detail: ColumnType<Record<string, unknown>, string, never>;
  refusal: ColumnType<unknown[] | null, string | null, never>;
  requested_at: ColumnType<Date, Date, never>;
}

declare module '../platform/database.js' {
  interface Database {
    data_request: DataRequestTable;
  }
}
