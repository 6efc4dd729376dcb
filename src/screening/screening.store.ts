import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { copyTextValue, type BulkTransaction, type Database } from '../platform/database.js';
import type { DecisionStatus, FinalDecision, Outcome, ReminderStatus } from './screening.schema.js';
import './screening.schema.js';

export type BoundsRow = Selectable<Database['screening_bounds']>;
export type SettingsRow = Selectable<Database['screening_settings']>;
export type DecisionRow = Selectable<Database['screening_decision']>;
export type NewDecision = Insertable<Database['screening_decision']>;
export type ReminderRow = Selectable<Database['screening_reminder']>;
export type NewReminder = Insertable<Database['screening_reminder']>;
export type WebhookRow = Selectable<Database['screening_webhook']>;

export async function boundsOf(db: Kysely<Database>, jurisdictions: readonly string[]): Promise<BoundsRow[]> {
  if (jurisdictions.length === 0) return [];
  return db.selectFrom('screening_bounds').selectAll().where('jurisdiction_code', 'in', [...jurisdictions]).execute();
}

export async function putBounds(db: Kysely<Database>, row: Insertable<Database['screening_bounds']>): Promise<void> {
  await db
    .insertInto('screening_bounds')
    .values(row)
    .onConflict((oc) => oc.column('jurisdiction_code').doUpdateSet({ confirm_max: row.confirm_max, review_max: row.review_max, block_max: row.block_max, set_by: row.set_by, set_at: new Date() }))
    .execute();
}

export async function settingsOf(db: Kysely<Database>, institutionId: string): Promise<SettingsRow | undefined> {
  return db.selectFrom('screening_settings').selectAll().where('institution_id', '=', institutionId).executeTakeFirst();
}

export async function putSettings(db: Kysely<Database>, row: Insertable<Database['screening_settings']>): Promise<void> {
  const { institution_id: _id, ...update } = row;
  await db
    .insertInto('screening_settings')
    .values(row)
    .onConflict((oc) => oc.column('institution_id').doUpdateSet({ ...update, updated_at: new Date() }))
    .execute();
}

/** Insert decisions in one statement per 500; a decision already there (same id or idempotency key) is left alone. */
export async function insertDecisions(db: Kysely<Database>, rows: readonly NewDecision[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('screening_decision').values(rows.slice(i, i + 500)).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** The columns of screening_decision in the order copyDecisions writes them. */
const DECISION_COLUMNS = [
  'decision_id', 'institution_id', 'jurisdiction_code', 'payment_id', 'idempotency_key', 'request_hash', 'format', 'initiated_at', 'decided_at',
  'currency', 'amount_minor', 'minor_units', 'funding_source', 'payer_ref', 'payee_ref', 'device_ref', 'payer_pseudonym', 'score', 'decision',
  'status', 'final_decision', 'rule_ids', 'reasons', 'outcome', 'outcome_at', 'outcome_note', 'settled_at',
] as const satisfies readonly (keyof NewDecision)[];

/** A text[] as PostgreSQL reads it: every element quoted, `"` and `\` escaped. */
function textArrayLiteral(values: readonly string[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) literal += `${i ? ',' : ''}"${values[i]!.replace(/["\\]/g, '\\$&')}"`;
  return `${literal}}`;
}

/**
 * Append decisions with one COPY (much cheaper per row than an insert's parameters on the embedded
 * engine). Fails, writing none, when one is already there (same id or idempotency key): the caller
 * then uses insertDecisions, which leaves such rows alone.
 */
export async function copyDecisions(tx: BulkTransaction, rows: readonly NewDecision[]): Promise<void> {
  if (rows.length === 0) return;
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < DECISION_COLUMNS.length; i++) {
      const column = DECISION_COLUMNS[i]!;
      const value = row[column];
      text += `${i ? '\t' : ''}${column === 'rule_ids' ? copyTextValue(textArrayLiteral(value as string[])) : copyTextValue(value)}`;
    }
    text += '\n';
  }
  await tx.copyText('screening_decision', DECISION_COLUMNS, [text]);
}

/**
 * Insert decisions in one statement with one parameter (their JSON), leaving alone one already
 * there: for a few rows, cheaper than COPY, whose fixed cost is higher.
 */
export async function insertDecisionsAsJson(db: Kysely<Database>, rows: readonly NewDecision[]): Promise<void> {
  if (rows.length === 0) return;
  // `reasons` is JSON text already: spliced in as it is, so that it arrives as JSON, not as a string.
  const json = rows.map(({ reasons, ...rest }) => `{"reasons":${reasons},${JSON.stringify(rest).slice(1)}`).join(',');
  await sql`insert into screening_decision select * from json_populate_recordset(null::screening_decision, ${`[${json}]`}::json) on conflict do nothing`.execute(db);
}

export async function decisionById(db: Kysely<Database>, decisionId: string): Promise<DecisionRow | undefined> {
  return db.selectFrom('screening_decision').selectAll().where('decision_id', '=', decisionId).executeTakeFirst();
}

export async function decisionByKey(db: Kysely<Database>, institutionId: string, idempotencyKey: string): Promise<DecisionRow | undefined> {
  return db.selectFrom('screening_decision').selectAll().where('institution_id', '=', institutionId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

export interface DecisionFilter {
  institutionId?: string;
  jurisdictionPrefix?: string;
  decision?: string;
  status?: string;
  ruleId?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  paymentId?: string;
}

export async function listDecisions(db: Kysely<Database>, filter: DecisionFilter, limit: number, offset: number): Promise<{ rows: DecisionRow[]; total: number }> {
  let query = db.selectFrom('screening_decision');
  if (filter.institutionId) query = query.where('institution_id', '=', filter.institutionId);
  if (filter.jurisdictionPrefix) query = query.where('jurisdiction_code', 'like', `${filter.jurisdictionPrefix}%`);
  if (filter.decision) query = query.where('decision', '=', filter.decision as DecisionRow['decision']);
  if (filter.status) query = query.where('status', '=', filter.status as DecisionStatus);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome as Outcome);
  if (filter.ruleId) query = query.where(sql<boolean>`${filter.ruleId} = any(rule_ids)`);
  if (filter.from) query = query.where('decided_at', '>=', filter.from);
  if (filter.to) query = query.where('decided_at', '<', filter.to);
  if (filter.paymentId) query = query.where('payment_id', '=', filter.paymentId);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('decided_at', 'desc').orderBy('decision_id').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Move a decision on (a reminder answered or expired); only from `awaiting_consumer`. Returns false when it had moved already. */
export async function settleDecision(db: Kysely<Database>, decisionId: string, status: DecisionStatus, finalDecision: FinalDecision, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('screening_decision')
    .set({ status, final_decision: finalDecision, settled_at: at })
    .where('decision_id', '=', decisionId)
    .where('status', '=', 'awaiting_consumer')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Record an outcome once; returns the row as it stands after. */
export async function setOutcome(db: Kysely<Database>, decisionId: string, outcome: Outcome, note: string | null, at: Date): Promise<DecisionRow | undefined> {
  await db.updateTable('screening_decision').set({ outcome, outcome_note: note, outcome_at: at }).where('decision_id', '=', decisionId).where('outcome', 'is', null).execute();
  return decisionById(db, decisionId);
}

export async function insertReminders(db: Kysely<Database>, rows: readonly NewReminder[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('screening_reminder').values([...rows]).execute();
}

export async function reminderById(db: Kysely<Database>, reminderId: string): Promise<ReminderRow | undefined> {
  return db.selectFrom('screening_reminder').selectAll().where('reminder_id', '=', reminderId).executeTakeFirst();
}

export async function reminderOfDecision(db: Kysely<Database>, decisionId: string): Promise<ReminderRow | undefined> {
  return db.selectFrom('screening_reminder').selectAll().where('decision_id', '=', decisionId).executeTakeFirst();
}

export async function remindersOfDecisions(db: Kysely<Database>, decisionIds: readonly string[]): Promise<ReminderRow[]> {
  if (decisionIds.length === 0) return [];
  return db.selectFrom('screening_reminder').selectAll().where('decision_id', 'in', [...decisionIds]).execute();
}

export async function remindersOf(db: Kysely<Database>, pseudonym: string, status: ReminderStatus | undefined, limit: number, offset: number): Promise<ReminderRow[]> {
  let query = db.selectFrom('screening_reminder').selectAll().where('consumer_pseudonym', '=', pseudonym);
  if (status) query = query.where('status', '=', status);
  return query.orderBy('created_at', 'desc').limit(limit).offset(offset).execute();
}

/** Answer a pending reminder; false when it was no longer pending (answered or expired meanwhile). */
export async function answerReminder(db: Kysely<Database>, reminderId: string, status: Exclude<ReminderStatus, 'pending'>, via: NonNullable<ReminderRow['answered_via']>, at: Date): Promise<boolean> {
  const result = await db.updateTable('screening_reminder').set({ status, answered_via: via, answered_at: at }).where('reminder_id', '=', reminderId).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function dueReminders(db: Kysely<Database>, now: Date, limit: number): Promise<ReminderRow[]> {
  return db.selectFrom('screening_reminder').selectAll().where('status', '=', 'pending').where('deadline', '<=', now).orderBy('deadline').limit(limit).execute();
}

export async function insertWebhook(db: Kysely<Database>, row: Insertable<Database['screening_webhook']>): Promise<void> {
  await db.insertInto('screening_webhook').values(row).execute();
}

/**
 * Claim the webhook calls due at `now` for `leaseMs`: their next attempt moves past the lease, so a
 * second sender (another process, or another sweep of this one) does not send them too.
 */
export async function claimDueWebhooks(db: Kysely<Database>, now: Date, limit: number, leaseMs: number): Promise<WebhookRow[]> {
  const result = await sql<WebhookRow>`
    update screening_webhook set next_attempt_at = ${new Date(now.getTime() + leaseMs)}
    where delivery_id in (
      select delivery_id from screening_webhook
      where delivered_at is null and next_attempt_at <= ${now}
      order by next_attempt_at limit ${limit} for update skip locked)
    returning *`.execute(db);
  return result.rows;
}

export async function webhookAttempted(db: Kysely<Database>, deliveryId: string, result: { delivered: boolean; error: string | null; nextAttemptAt: Date; attempts: number }): Promise<void> {
  await db
    .updateTable('screening_webhook')
    .set({ attempts: result.attempts, last_error: result.error, next_attempt_at: result.nextAttemptAt, ...(result.delivered ? { delivered_at: new Date() } : {}) })
    .where('delivery_id', '=', deliveryId)
    .execute();
}

export async function webhooksOfDecision(db: Kysely<Database>, decisionId: string): Promise<WebhookRow[]> {
  return db.selectFrom('screening_webhook').selectAll().where('decision_id', '=', decisionId).orderBy('created_at').execute();
}

export async function addWatchEntry(db: Kysely<Database>, row: Insertable<Database['screening_watch_entry']>): Promise<void> {
  await db.insertInto('screening_watch_entry').values(row).onConflict((oc) => oc.columns(['payee_ref', 'source']).doNothing()).execute();
}

/** The sources (confirmed fraud, complaint) that put one payee account on the watch list. */
export async function watchSources(db: Kysely<Database>, payeeRef: string): Promise<Set<'confirmed_fraud' | 'complaint'>> {
  const rows = await db.selectFrom('screening_watch_entry').select('source').where('payee_ref', '=', payeeRef).execute();
  return new Set(rows.map((row) => row.source));
}

export async function watchEntries(db: Kysely<Database>): Promise<{ payee_ref: string; source: 'confirmed_fraud' | 'complaint' }[]> {
  return db.selectFrom('screening_watch_entry').select(['payee_ref', 'source']).execute();
}

/** Per day (China time), rule and institution: hits, the decision mix of the payments hit, and reported outcomes. */
export interface RuleDayRow {
  day: string;
  rule_id: string;
  institution_id: string;
  hits: string;
  allow: string;
  confirm: string;
  review: string;
  block: string;
  confirmed_fraud: string;
  false_positive: string;
}

export async function ruleStats(db: Kysely<Database>, jurisdictionPrefix: string, from: Date, to: Date, institutionId?: string): Promise<RuleDayRow[]> {
  const result = await sql<RuleDayRow>`
    select to_char(d.decided_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, r.rule_id, d.institution_id,
      count(*) as hits,
      count(*) filter (where d.decision = 'allow') as allow,
      count(*) filter (where d.decision = 'confirm') as confirm,
      count(*) filter (where d.decision = 'review') as review,
      count(*) filter (where d.decision = 'block') as block,
      count(*) filter (where d.outcome = 'confirmed_fraud') as confirmed_fraud,
      count(*) filter (where d.outcome = 'false_positive') as false_positive
    from screening_decision d cross join lateral unnest(d.rule_ids) as r(rule_id)
    where d.jurisdiction_code like ${`${jurisdictionPrefix}%`} and d.decided_at >= ${from} and d.decided_at < ${to}
      ${institutionId ? sql`and d.institution_id = ${institutionId}` : sql``}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  return result.rows;
}

/** Per day: the number of decisions of each kind. */
export async function volumeStats(db: Kysely<Database>, jurisdictionPrefix: string, from: Date, to: Date, institutionId?: string): Promise<{ day: string; decision: string; n: string }[]> {
  const result = await sql<{ day: string; decision: string; n: string }>`
    select to_char(decided_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, decision, count(*) as n
    from screening_decision
    where jurisdiction_code like ${`${jurisdictionPrefix}%`} and decided_at >= ${from} and decided_at < ${to}
      ${institutionId ? sql`and institution_id = ${institutionId}` : sql``}
    group by 1, 2 order by 1, 2`.execute(db);
  return result.rows;
}
