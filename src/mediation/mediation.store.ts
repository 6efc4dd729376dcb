import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { MediationParty, MediationStatus, ProposalAnswer, Referral } from './mediation.schema.js';
import './mediation.schema.js';

export type CaseRow = Selectable<Database['mediation_case']>;
export type PositionRow = Selectable<Database['mediation_position']>;
export type ProposalRow = Selectable<Database['mediation_proposal']>;
export type EventRow = Selectable<Database['mediation_event']>;
export type AppointmentRow = Selectable<Database['mediator_appointment']> & { username: string; display_name: string };

export async function insertAppointment(db: Kysely<Database>, row: Insertable<Database['mediator_appointment']>): Promise<void> {
  await db.insertInto('mediator_appointment').values(row).execute();
}

/** Appointments whose jurisdiction starts with `prefix` ('' for all), newest first, with the account's name. */
export async function appointmentsWithin(db: Kysely<Database>, prefix: string): Promise<AppointmentRow[]> {
  return db
    .selectFrom('mediator_appointment as a')
    .innerJoin('app_user as u', 'u.user_id', 'a.user_id')
    .selectAll('a')
    .select(['u.username', 'u.display_name'])
    .where('a.jurisdiction_code', 'like', `${prefix}%`)
    .orderBy('a.appointed_at', 'desc')
    .execute();
}

export async function appointmentOf(db: Kysely<Database>, userId: string): Promise<AppointmentRow | undefined> {
  return db
    .selectFrom('mediator_appointment as a')
    .innerJoin('app_user as u', 'u.user_id', 'a.user_id')
    .selectAll('a')
    .select(['u.username', 'u.display_name'])
    .where('a.user_id', '=', userId)
    .executeTakeFirst();
}

/** End an appointment; false when it already had ended. */
export async function revokeAppointment(db: Kysely<Database>, userId: string, by: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('mediator_appointment').set({ revoked_at: at, revoked_by: by }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertCase(db: Kysely<Database>, row: Insertable<Database['mediation_case']>): Promise<void> {
  await db.insertInto('mediation_case').values(row).execute();
}

export async function caseById(db: Kysely<Database>, caseId: string): Promise<CaseRow | undefined> {
  return db.selectFrom('mediation_case').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

/** The case, locked until the transaction ends, so that two steps on one case never interleave. */
export async function lockCase(db: Kysely<Database>, caseId: string): Promise<CaseRow | undefined> {
  return db.selectFrom('mediation_case').selectAll().where('case_id', '=', caseId).forUpdate().executeTakeFirst();
}

export async function caseOfComplaint(db: Kysely<Database>, complaintId: string): Promise<CaseRow | undefined> {
  return db.selectFrom('mediation_case').selectAll().where('complaint_id', '=', complaintId).executeTakeFirst();
}

export interface CaseFilter {
  consumerPseudonym?: string;
  institutionId?: string;
  /** Cases whose jurisdiction starts with this prefix ('' for all). */
  jurisdictionPrefix?: string;
  status?: readonly MediationStatus[];
  mediatorUserId?: string;
}

/** Cases matching every given filter, newest first. */
export async function cases(db: Kysely<Database>, filter: CaseFilter, limit = 200): Promise<CaseRow[]> {
  let query = db.selectFrom('mediation_case').selectAll();
  if (filter.consumerPseudonym !== undefined) query = query.where('consumer_pseudonym', '=', filter.consumerPseudonym);
  if (filter.institutionId !== undefined) query = query.where('institution_id', '=', filter.institutionId);
  if (filter.jurisdictionPrefix !== undefined) query = query.where('jurisdiction_code', 'like', `${filter.jurisdictionPrefix}%`);
  if (filter.status !== undefined && filter.status.length > 0) query = query.where('status', 'in', [...filter.status]);
  if (filter.mediatorUserId !== undefined) query = query.where('mediator_user_id', '=', filter.mediatorUserId);
  return query.orderBy('requested_at', 'desc').limit(limit).execute();
}

export async function takeCase(db: Kysely<Database>, caseId: string, mediatorUserId: string, at: Date): Promise<void> {
  await db.updateTable('mediation_case').set({ status: 'in_mediation', mediator_user_id: mediatorUserId, taken_at: at }).where('case_id', '=', caseId).execute();
}

export async function closeCase(db: Kysely<Database>, caseId: string, outcome: { status: Extract<MediationStatus, 'settled' | 'not_settled'>; referral: Referral | null; closedAt: Date; agreement: string }): Promise<void> {
  await db.updateTable('mediation_case').set({ status: outcome.status, referral: outcome.referral, closed_at: outcome.closedAt, agreement: outcome.agreement }).where('case_id', '=', caseId).execute();
}

export async function insertPosition(db: Kysely<Database>, row: Insertable<Database['mediation_position']>): Promise<void> {
  await db.insertInto('mediation_position').values(row).execute();
}

export async function positionsOf(db: Kysely<Database>, caseId: string): Promise<PositionRow[]> {
  return db.selectFrom('mediation_position').selectAll().where('case_id', '=', caseId).orderBy('submitted_at').orderBy('position_id').execute();
}

/** A new proposal supersedes the open one. */
export async function insertProposal(db: Kysely<Database>, row: Insertable<Database['mediation_proposal']>, at: Date): Promise<void> {
  await db.updateTable('mediation_proposal').set({ superseded_at: at }).where('case_id', '=', row.case_id).where('superseded_at', 'is', null).execute();
  await db.insertInto('mediation_proposal').values(row).execute();
}

export async function proposalsOf(db: Kysely<Database>, caseId: string): Promise<ProposalRow[]> {
  return db.selectFrom('mediation_proposal').selectAll().where('case_id', '=', caseId).orderBy('proposed_at', 'desc').orderBy('proposal_id').execute();
}

export async function proposalById(db: Kysely<Database>, proposalId: string): Promise<ProposalRow | undefined> {
  return db.selectFrom('mediation_proposal').selectAll().where('proposal_id', '=', proposalId).executeTakeFirst();
}

export async function answerProposal(db: Kysely<Database>, proposalId: string, party: MediationParty, answer: ProposalAnswer, at: Date): Promise<ProposalRow> {
  const set = party === 'consumer' ? { consumer_answer: answer, consumer_answered_at: at } : { institution_answer: answer, institution_answered_at: at };
  return db.updateTable('mediation_proposal').set(set).where('proposal_id', '=', proposalId).returningAll().executeTakeFirstOrThrow();
}

export async function insertEvent(db: Kysely<Database>, row: { caseId: string; kind: string; actor: { role: string; id: string | null }; detail?: Record<string, unknown> }): Promise<void> {
  await db
    .insertInto('mediation_event')
    .values({ case_id: row.caseId, kind: row.kind, actor_role: row.actor.role, actor_id: row.actor.id, detail: JSON.stringify(row.detail ?? {}) })
    .execute();
}

export async function eventsOf(db: Kysely<Database>, caseId: string): Promise<EventRow[]> {
  return db.selectFrom('mediation_event').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}
