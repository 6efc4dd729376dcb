import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { InstitutionTable, LicenceQualificationTable, LicenceStatusChangeTable, LicenceTable } from './registry.schema.js';
import type { LicenceStatus, LicenceType } from './licence-types.js';
import './registry.schema.js';

export type InstitutionRow = Selectable<InstitutionTable>;
export type LicenceRow = Selectable<LicenceTable>;
export type QualificationRow = Selectable<LicenceQualificationTable>;
export type StatusChangeRow = Selectable<LicenceStatusChangeTable>;

export interface InstitutionFilter {
  /** Substring of the Chinese or English name, or the start of the USCC. */
  text?: string;
  licenceType?: LicenceType;
  licenceStatus?: LicenceStatus;
  /** Codes starting with this prefix ('' = everywhere). */
  jurisdictionPrefix: string;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filtered(db: Kysely<Database>, filter: InstitutionFilter) {
  let query = db.selectFrom('institution');
  if (filter.jurisdictionPrefix) query = query.where('jurisdiction_code', 'like', `${filter.jurisdictionPrefix}%`);
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    const upper = filter.text.toUpperCase();
    query = query.where((eb) =>
      eb.or([eb('name_zh', 'like', pattern), eb(eb.fn('lower', ['name_en']), 'like', pattern.toLowerCase()), eb('uscc', 'like', `${escapeLike(upper)}%`)]),
    );
  }
  if (filter.licenceType || filter.licenceStatus) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('licence')
          .select(sql.lit(1).as('one'))
          .whereRef('licence.institution_id', '=', 'institution.institution_id')
          .$if(filter.licenceType !== undefined, (q) => q.where('licence.licence_type', '=', filter.licenceType!))
          .$if(filter.licenceStatus !== undefined, (q) => q.where('licence.status', '=', filter.licenceStatus!)),
      ),
    );
  }
  return query;
}

export async function searchInstitutions(db: Kysely<Database>, filter: InstitutionFilter, limit: number, offset: number): Promise<{ rows: InstitutionRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, filter).selectAll().orderBy('name_zh').orderBy('institution_id').limit(limit).offset(offset).execute(),
    filtered(db, filter).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export async function insertInstitution(db: Kysely<Database>, row: Insertable<InstitutionTable>): Promise<InstitutionRow> {
  return db.insertInto('institution').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function institutionById(db: Kysely<Database>, institutionId: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institution').selectAll().where('institution_id', '=', institutionId).executeTakeFirst();
}

export async function institutionsByIds(db: Kysely<Database>, institutionIds: readonly string[]): Promise<InstitutionRow[]> {
  if (institutionIds.length === 0) return [];
  return db.selectFrom('institution').selectAll().where('institution_id', 'in', institutionIds).execute();
}

export async function institutionByUscc(db: Kysely<Database>, uscc: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institution').selectAll().where('uscc', '=', uscc).executeTakeFirst();
}

export async function licencesOf(db: Kysely<Database>, institutionIds: readonly string[]): Promise<LicenceRow[]> {
  if (institutionIds.length === 0) return [];
  return db.selectFrom('licence').selectAll().where('institution_id', 'in', institutionIds).orderBy('applied_at').orderBy('licence_id').execute();
}

export async function licenceById(db: Kysely<Database>, licenceId: string, forUpdate = false): Promise<LicenceRow | undefined> {
  const query = db.selectFrom('licence').selectAll().where('licence_id', '=', licenceId);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export async function liveLicenceOfType(db: Kysely<Database>, institutionId: string, type: LicenceType): Promise<LicenceRow | undefined> {
  return db.selectFrom('licence').selectAll().where('institution_id', '=', institutionId).where('licence_type', '=', type).where('status', '<>', 'revoked').executeTakeFirst();
}

export async function insertLicence(db: Kysely<Database>, row: Insertable<LicenceTable>, qualificationKeys: readonly string[]): Promise<LicenceRow> {
  const licence = await db.insertInto('licence').values(row).returningAll().executeTakeFirstOrThrow();
  if (qualificationKeys.length > 0) {
    await db
      .insertInto('licence_qualification')
      .values(qualificationKeys.map((key) => ({ licence_id: licence.licence_id, qualification_key: key, met: false, note: '', checked_at: null, checked_by: null })))
      .execute();
  }
  return licence;
}

export async function updateLicenceStatus(db: Kysely<Database>, licenceId: string, status: LicenceStatus, licenceNo: string | null): Promise<LicenceRow> {
  return db
    .updateTable('licence')
    .set({ status, status_changed_at: new Date(), ...(licenceNo ? { licence_no: licenceNo } : {}) })
    .where('licence_id', '=', licenceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertStatusChange(db: Kysely<Database>, row: Insertable<LicenceStatusChangeTable>): Promise<void> {
  await db.insertInto('licence_status_change').values(row).execute();
}

export async function nextLicenceSerial(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ serial: number }>`select nextval('licence_number_seq') as serial`.execute(db);
  return Number(rows[0]!.serial);
}

export async function qualificationsOf(db: Kysely<Database>, licenceIds: readonly string[]): Promise<QualificationRow[]> {
  if (licenceIds.length === 0) return [];
  return db.selectFrom('licence_qualification').selectAll().where('licence_id', 'in', licenceIds).execute();
}

export async function historyOf(db: Kysely<Database>, licenceIds: readonly string[]): Promise<StatusChangeRow[]> {
  if (licenceIds.length === 0) return [];
  return db.selectFrom('licence_status_change').selectAll().where('licence_id', 'in', licenceIds).orderBy('change_id').execute();
}

export async function setQualification(db: Kysely<Database>, licenceId: string, key: string, met: boolean, note: string, checkedBy: string): Promise<boolean> {
  const result = await db
    .updateTable('licence_qualification')
    .set({ met, note, checked_at: new Date(), checked_by: checkedBy })
    .where('licence_id', '=', licenceId)
    .where('qualification_key', '=', key)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Institutions and approved licences per jurisdiction code, within a prefix. */
export async function countsByJurisdiction(db: Kysely<Database>, prefix: string): Promise<{ code: string; institutions: number; approvedLicences: number }[]> {
  const rows = await db
    .selectFrom('institution')
    .leftJoin('licence', (join) => join.onRef('licence.institution_id', '=', 'institution.institution_id').on('licence.status', '=', 'approved'))
    .$if(prefix !== '', (q) => q.where('institution.jurisdiction_code', 'like', `${prefix}%`))
    .select((eb) => [
      'institution.jurisdiction_code as code',
      eb.fn.count<number>('institution.institution_id').distinct().as('institutions'),
      eb.fn.count<number>('licence.licence_id').as('approvedLicences'),
    ])
    .groupBy('institution.jurisdiction_code')
    .execute();
  return rows.map((r) => ({ code: r.code, institutions: Number(r.institutions), approvedLicences: Number(r.approvedLicences) }));
}

/** Licences by type and status within a prefix. */
export async function licenceCounts(db: Kysely<Database>, prefix: string): Promise<{ type: LicenceType; status: LicenceStatus; count: number }[]> {
  const rows = await db
    .selectFrom('licence')
    .innerJoin('institution', 'institution.institution_id', 'licence.institution_id')
    .$if(prefix !== '', (q) => q.where('institution.jurisdiction_code', 'like', `${prefix}%`))
    .select((eb) => ['licence.licence_type as type', 'licence.status as status', eb.fn.countAll<number>().as('count')])
    .groupBy(['licence.licence_type', 'licence.status'])
    .execute();
  return rows.map((r) => ({ type: r.type, status: r.status, count: Number(r.count) }));
}

/** Ids of institutions within a jurisdiction prefix, for other capabilities' scoping. */
export async function institutionIdsWithin(db: Kysely<Database>, prefix: string): Promise<string[]> {
  const rows = await db.selectFrom('institution').select('institution_id').$if(prefix !== '', (q) => q.where('jurisdiction_code', 'like', `${prefix}%`)).execute();
  return rows.map((r) => r.institution_id);
}
