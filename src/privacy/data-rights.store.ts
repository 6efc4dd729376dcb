import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { DataRequestKind, DataRequestTable } from './data-rights.schema.js';
import './data-rights.schema.js';

export type DataRequestRow = Selectable<DataRequestTable>;

export async function insertDataRequest(
  db: Kysely<Database>,
  row: { request_id: string; subject_pseudonym: string; kind: DataRequestKind; outcome: 'completed' | 'refused'; detail: Record<string, unknown>; refusal: unknown[] | null; requested_at: Date },
): Promise<void> {
  await db
    .insertInto('data_request')
    .values({ ...row, detail: JSON.stringify(row.detail), refusal: row.refusal === null ? null : JSON.stringify(row.refusal) })
    .execute();
}

export async function dataRequestsOf(db: Kysely<Database>, pseudonym: string, limit: number): Promise<DataRequestRow[]> {
  return db.selectFrom('data_request').selectAll().where('subject_pseudonym', '=', pseudonym).orderBy('requested_at', 'desc').orderBy('request_id').limit(limit).execute();
}

export async function dataRequestById(db: Kysely<Database>, requestId: string): Promise<DataRequestRow | undefined> {
  return db.selectFrom('data_request').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}
