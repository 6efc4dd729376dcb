import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { ComplaintStatus } from './complaint.schema.js';
import './complaint.schema.js';

export type ComplaintRow = Selectable<Database['complaint']>;
export type ComplaintEventRow = Selectable<Database['complaint_event']>;
export type PolicyRow = Selectable<Database['complaint_deadline_policy']>;
export type StatRow = Selectable<Database['complaint_stat']>;

export interface Actor {
  role: string;
  id: string | null;
}

/** The deadline policy in force on `day` (the latest effective one). */
export async function policyOn(db: Kysely<Database>, day: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('complaint_deadline_policy').selectAll().where('effective_from', '<=', day).orderBy('effective_from', 'desc').limit(1).executeTakeFirst();
}

export async function policyById(db: Kysely<Database>, policyId: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('complaint_deadline_policy').selectAll().where('policy_id', '=', policyId).executeTakeFirst();
}

export async function insertComplaint(db: Kysely<Database>, row: Insertable<Database['complaint']>): Promise<void> {
  await db.insertInto('complaint').values(row).execute();
}

export async function appendEvent(db: Kysely<Database>, complaintId: string, action: string, actor: Actor, detail: Record<string, unknown> = {}): Promise<void> {
  await db.insertInto('complaint_event').values({ complaint_id: complaintId, action, actor_role: actor.role, actor_id: actor.id, detail: JSON.stringify(detail) }).execute();
}

export async function complaintById(db: Kysely<Database>, complaintId: string): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaint').selectAll().where('complaint_id', '=', complaintId).executeTakeFirst();
}

/** The complaint, locked for the rest of the transaction so two steps never interleave. */
export async function complaintForUpdate(db: Kysely<Database>, complaintId: string): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaint').selectAll().where('complaint_id', '=', complaintId).forUpdate().executeTakeFirst();
}

/** Change a complaint only if it still has one of the statuses `from`; false when it has not. */
export async function updateComplaint(db: Kysely<Database>, complaintId: string, from: readonly ComplaintStatus[], set: Updateable<Database['complaint']>): Promise<boolean> {
  const result = await db.updateTable('complaint').set(set).where('complaint_id', '=', complaintId).where('status', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function eventsOf(db: Kysely<Database>, complaintIds: readonly string[]): Promise<ComplaintEventRow[]> {
  if (complaintIds.length === 0) return [];
  return db.selectFrom('complaint_event').selectAll().where('complaint_id', 'in', complaintIds).orderBy('seq').execute();
}

export async function complaintsOfConsumer(db: Kysely<Database>, pseudonym: string, openOnly = false): Promise<ComplaintRow[]> {
  return db
    .selectFrom('complaint')
    .selectAll()
    .where('consumer_pseudonym', '=', pseudonym)
    .$if(openOnly, (q) => q.where('closed_at', 'is', null))
    .orderBy('received_at', 'desc')
    .execute();
}

export interface DeskFilter {
  status?: ComplaintStatus | undefined;
  /** Late: answered late, or unanswered after the deadline (`today`, China time). */
  late?: boolean | undefined;
  today: string;
  limit: number;
  offset: number;
}

const lateCondition = (today: string) => sql<boolean>`(late or (answered_at is null and closed_at is null and deadline_day < ${today}))`;

export async function complaintsOfInstitution(db: Kysely<Database>, institutionId: string, filter: DeskFilter): Promise<ComplaintRow[]> {
  return db
    .selectFrom('complaint')
    .selectAll()
    .where('institution_id', '=', institutionId)
    .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
    .$if(filter.late === true, (q) => q.where(lateCondition(filter.today)))
    .orderBy('received_at', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

export interface SupervisorFilter extends DeskFilter {
  scopePrefix: string;
  disputed?: boolean | undefined;
  unknownInstitution?: boolean | undefined;
  awaitingApproval?: boolean | undefined;
}

export async function complaintsWithin(db: Kysely<Database>, filter: SupervisorFilter): Promise<ComplaintRow[]> {
  return db
    .selectFrom('complaint')
    .selectAll()
    .$if(filter.scopePrefix !== '', (q) => q.where('jurisdiction_code', 'like', `${filter.scopePrefix}%`))
    .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
    .$if(filter.late === true, (q) => q.where(lateCondition(filter.today)))
    .$if(filter.disputed === true, (q) => q.where('feedback', '=', 'disputed'))
    .$if(filter.unknownInstitution === true, (q) => q.where('institution_id', 'is', null))
    .$if(filter.awaitingApproval === true, (q) => q.where('extension', '=', 'further_requested'))
    .orderBy('received_at', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

/** Late complaints per institution (answered late, or open past the deadline on `today`). */
export async function lateCounts(db: Kysely<Database>, institutionIds: readonly string[], today: string): Promise<Map<string, number>> {
  if (institutionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('complaint')
    .select(['institution_id', (eb) => eb.fn.countAll<number>().as('late')])
    .where('institution_id', 'in', institutionIds)
    .where(lateCondition(today))
    .groupBy('institution_id')
    .execute();
  return new Map(rows.map((r) => [r.institution_id!, Number(r.late)]));
}

/** Complaints received, still open, late and disputed across institutions, on `today`. */
export async function indicators(db: Kysely<Database>, institutionIds: readonly string[], today: string): Promise<{ received: number; open: number; late: number; disputed: number }> {
  if (institutionIds.length === 0) return { received: 0, open: 0, late: 0, disputed: 0 };
  const row = await db
    .selectFrom('complaint')
    .select([
      (eb) => eb.fn.countAll<number>().as('received'),
      sql<number>`count(*) filter (where closed_at is null)`.as('open'),
      sql<number>`count(*) filter (where ${lateCondition(today)})`.as('late'),
      sql<number>`count(*) filter (where feedback = 'disputed')`.as('disputed'),
    ])
    .where('institution_id', 'in', institutionIds)
    .executeTakeFirstOrThrow();
  return { received: Number(row.received), open: Number(row.open), late: Number(row.late), disputed: Number(row.disputed) };
}

/** Count one filed complaint in the public statistics. */
export async function countFiled(db: Kysely<Database>, key: { quarter: string; institutionKey: string; productType: string; issue: string }): Promise<void> {
  await db
    .insertInto('complaint_stat')
    .values({ quarter: key.quarter, institution_key: key.institutionKey, product_type: key.productType, issue: key.issue, filed: 1, answered: 0, answered_on_time: 0, closed_with_explanation: 0, monetary_relief: 0, non_monetary_relief: 0 })
    .onConflict((oc) => oc.columns(['quarter', 'institution_key', 'product_type', 'issue']).doUpdateSet({ filed: sql`complaint_stat.filed + 1` }))
    .execute();
}

/** Move one filed complaint from one statistics group to another (a complaint referred to a registered institution). */
export async function moveFiled(db: Kysely<Database>, from: { quarter: string; institutionKey: string; productType: string; issue: string }, to: { quarter: string; institutionKey: string; productType: string; issue: string }): Promise<void> {
  await db
    .updateTable('complaint_stat')
    .set({ filed: sql`filed - 1` })
    .where('quarter', '=', from.quarter)
    .where('institution_key', '=', from.institutionKey)
    .where('product_type', '=', from.productType)
    .where('issue', '=', from.issue)
    .execute();
  await countFiled(db, to);
}

/** Count one final answer (on time or not, by category) in the public statistics. */
export async function countAnswered(
  db: Kysely<Database>,
  key: { quarter: string; institutionKey: string; productType: string; issue: string },
  onTime: boolean,
  category: 'closed_with_explanation' | 'monetary_relief' | 'non_monetary_relief',
): Promise<void> {
  await db
    .updateTable('complaint_stat')
    .set({ answered: sql`answered + 1`, answered_on_time: onTime ? sql`answered_on_time + 1` : sql`answered_on_time`, [category]: sql`${sql.ref(category)} + 1` })
    .where('quarter', '=', key.quarter)
    .where('institution_key', '=', key.institutionKey)
    .where('product_type', '=', key.productType)
    .where('issue', '=', key.issue)
    .execute();
}

export type StatDimension = 'institution' | 'product_type' | 'issue';
const dimensionColumn = { institution: 'institution_key', product_type: 'product_type', issue: 'issue' } as const;

/** The statistics of a quarter grouped by one dimension. */
export async function statsBy(db: Kysely<Database>, quarter: string, dimension: StatDimension): Promise<{ key: string; filed: number; answered: number; answered_on_time: number; closed_with_explanation: number; monetary_relief: number; non_monetary_relief: number }[]> {
  const column = dimensionColumn[dimension];
  const rows = await db
    .selectFrom('complaint_stat')
    .select([
      sql<string>`${sql.ref(column)}`.as('key'),
      (eb) => eb.fn.sum<number>('filed').as('filed'),
      (eb) => eb.fn.sum<number>('answered').as('answered'),
      (eb) => eb.fn.sum<number>('answered_on_time').as('answered_on_time'),
      (eb) => eb.fn.sum<number>('closed_with_explanation').as('closed_with_explanation'),
      (eb) => eb.fn.sum<number>('monetary_relief').as('monetary_relief'),
      (eb) => eb.fn.sum<number>('non_monetary_relief').as('non_monetary_relief'),
    ])
    .where('quarter', '=', quarter)
    .groupBy(sql.ref(column))
    .execute();
  return rows.map((r) => ({
    key: r.key,
    filed: Number(r.filed),
    answered: Number(r.answered),
    answered_on_time: Number(r.answered_on_time),
    closed_with_explanation: Number(r.closed_with_explanation),
    monetary_relief: Number(r.monetary_relief),
    non_monetary_relief: Number(r.non_monetary_relief),
  }));
}
