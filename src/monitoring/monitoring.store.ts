import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { AlertStatus, AlertTable, AlertTransitionTable, RuleFaultTable } from './monitoring.schema.js';
import './monitoring.schema.js';

export type AlertRow = Selectable<AlertTable>;
export type TransitionRow = Selectable<AlertTransitionTable>;

/** An alert as a run raises it: every column but its status and times, the JSON ones as text. */
export type NewAlert = Omit<Insertable<AlertTable>, 'status'>;

const SYSTEM = { actor_role: 'system', actor_id: 'monitoring' };

/** Insert alerts not raised before (by dedupe key), each with its first history step; returns the ids inserted. */
export async function insertAlerts(db: Kysely<Database>, alerts: readonly NewAlert[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < alerts.length; i += 500) {
    const rows = await db
      .insertInto('alert')
      .values(alerts.slice(i, i + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('alert_id')
      .execute();
    ids.push(...rows.map((r) => r.alert_id));
  }
  await insertTransitions(db, ids.map((alert_id) => ({ alert_id, from_status: null, to_status: 'new' as const, ...SYSTEM, reason: null })));
  return ids;
}

async function insertTransitions(db: Kysely<Database>, rows: { alert_id: string; from_status: AlertStatus | null; to_status: AlertStatus; actor_role: string; actor_id: string | null; reason: string | null }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insertInto('alert_transition').values(rows.slice(i, i + 1000)).execute();
}

/** Reopen alerts that a run raises again after they were superseded (the record is back). */
export async function reopenSuperseded(db: Kysely<Database>, dedupeKeys: readonly string[], reason: string): Promise<string[]> {
  if (dedupeKeys.length === 0) return [];
  const rows = await db
    .updateTable('alert')
    .set({ status: 'new', updated_at: new Date() })
    .where('dedupe_key', '=', sql<string>`any(${[...dedupeKeys]}::text[])`)
    .where('status', '=', 'superseded')
    .returning('alert_id')
    .execute();
  const ids = rows.map((r) => r.alert_id);
  await insertTransitions(db, ids.map((alert_id) => ({ alert_id, from_status: 'superseded' as const, to_status: 'new' as const, ...SYSTEM, reason })));
  return ids;
}

/** Which open alerts a run answers for: those of one filing's scope, or of some rules on some parties' loans elsewhere. */
export type SupersedeScope =
  | { institutionId: string; recordType: string; period: string }
  /** Some rules on some parties' records, at one institution if `within` is set, less one institution's period. */
  | { partyKeys: readonly string[]; ruleIds: readonly string[]; exclude?: { institutionId: string; period: string }; within?: string; signedFrom?: readonly string[]; paidFrom?: readonly string[] }
  /** The reporting alerts of one institution. */
  | { institutionId: string; ruleIds: readonly string[] }
  /** Some rules on the records of the parties whose keys sort after `after` up to `through` (null: every later one). */
  | { partyRange: { after: string; through: string | null }; ruleIds: readonly string[] };

/** Mark superseded the open (new or triaged) alerts in `scope` that the run did not raise again; returns their ids. */
export async function supersedeMissing(db: Kysely<Database>, scope: SupersedeScope, raisedKeys: readonly string[], reason: string): Promise<string[]> {
  let query = db.selectFrom('alert').select(['alert_id', 'status']).where('status', 'in', ['new', 'triaged']);
  if ('institutionId' in scope && 'ruleIds' in scope) {
    if (scope.ruleIds.length === 0) return [];
    query = query.where('pack', '=', 'reporting').where('institution_id', '=', scope.institutionId).where('rule_id', 'in', [...scope.ruleIds]);
  } else if ('institutionId' in scope) {
    query = query.where('pack', '=', 'conduct').where('institution_id', '=', scope.institutionId).where('record_type', '=', scope.recordType).where('period', '=', scope.period);
  } else if ('partyRange' in scope) {
    if (scope.ruleIds.length === 0) return [];
    query = query.where('party_key', '>', scope.partyRange.after).where('rule_id', 'in', [...scope.ruleIds]);
    if (scope.partyRange.through !== null) query = query.where('party_key', '<=', scope.partyRange.through);
  } else {
    if (scope.partyKeys.length === 0 || scope.ruleIds.length === 0) return [];
    query = query.where('party_key', '=', sql<string>`any(${[...scope.partyKeys]}::text[])`).where('rule_id', 'in', [...scope.ruleIds]);
    if (scope.within) query = query.where('institution_id', '=', scope.within);
    const exclude = scope.exclude;
    if (exclude) query = query.where(sql<boolean>`not (institution_id = ${exclude.institutionId} and period = ${exclude.period})`);
    // Loans in force signed before their party's day were not re-checked: their alerts stand.
    if (scope.signedFrom) {
      query = query.where(sql<boolean>`not exists (select 1 from filed_loan l join unnest(${[...scope.partyKeys]}::text[], ${[...scope.signedFrom]}::date[]) as s(party_key, signed_from) on s.party_key = l.party_key
        where l.valid_to is null and alert.record_type = 'loan' and l.party_key = alert.party_key and l.institution_id = alert.institution_id and l.loan_id = alert.record_id and l.contract_date < s.signed_from)`);
    }
    // Likewise payments in force made before their party's instant.
    if (scope.paidFrom) {
      query = query.where(sql<boolean>`not exists (select 1 from filed_payment p join unnest(${[...scope.partyKeys]}::text[], ${[...scope.paidFrom]}::timestamptz[]) as s(party_key, paid_from) on s.party_key = p.party_key
        where p.valid_to is null and alert.record_type = 'payment' and p.party_key = alert.party_key and p.institution_id = alert.institution_id and p.payment_id = alert.record_id and p.transaction_time < s.paid_from)`);
    }
  }
  if (raisedKeys.length > 0) query = query.where('dedupe_key', '<>', sql<string>`all(${[...raisedKeys]}::text[])`);
  const open = await query.forUpdate().execute();
  if (open.length === 0) return [];
  const ids = open.map((r) => r.alert_id);
  for (let i = 0; i < ids.length; i += 1000) {
    await db.updateTable('alert').set({ status: 'superseded', updated_at: new Date() }).where('alert_id', 'in', ids.slice(i, i + 1000)).execute();
  }
  await insertTransitions(db, open.map((r) => ({ alert_id: r.alert_id, from_status: r.status, to_status: 'superseded' as const, ...SYSTEM, reason })));
  return ids;
}

/** A finding about a rule: the record it could not be evaluated on, and why. */
export type RuleFaultRow = Omit<Insertable<RuleFaultTable>, 'fault_id' | 'at'>;

/** Record faults of rules that could not be evaluated on a record. */
export async function insertFaults(db: Kysely<Database>, faults: readonly RuleFaultRow[]): Promise<void> {
  for (let i = 0; i < faults.length; i += 1000) await db.insertInto('rule_fault').values(faults.slice(i, i + 1000)).execute();
}

/** Record what a run over a filing did (the latest run of a filing replaces the previous record). */
export async function recordRun(db: Kysely<Database>, run: { filing_id: string; institution_id: string; record_type: string; period: string; rules: number; records: number; alerts_raised: number; alerts_superseded: number; faults: number }): Promise<void> {
  await db
    .insertInto('monitoring_run')
    .values(run)
    .onConflict((oc) => oc.column('filing_id').doUpdateSet({ rules: run.rules, records: run.records, alerts_raised: run.alerts_raised, alerts_superseded: run.alerts_superseded, faults: run.faults, finished_at: new Date() }))
    .execute();
}

export interface AlertFilter {
  /** GB/T 2260 prefix of the institutions' jurisdictions ('' = everywhere). */
  jurisdictionPrefix?: string;
  institutionId?: string;
  ruleId?: string;
  severity?: string;
  status?: string;
  period?: string;
}

function filtered(db: Kysely<Database>, filter: AlertFilter) {
  let query = db.selectFrom('alert');
  if (filter.jurisdictionPrefix) query = query.where('jurisdiction_code', 'like', `${filter.jurisdictionPrefix}%`);
  if (filter.institutionId) query = query.where('institution_id', '=', filter.institutionId);
  if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId);
  if (filter.severity) query = query.where('severity', '=', filter.severity as AlertRow['severity']);
  if (filter.status) query = query.where('status', '=', filter.status as AlertStatus);
  if (filter.period) query = query.where('period', '=', filter.period);
  return query;
}

/** One page of alerts, newest first, and the total. */
export async function listAlerts(db: Kysely<Database>, filter: AlertFilter, limit: number, offset: number): Promise<{ rows: AlertRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    filtered(db, filter).selectAll().orderBy('created_at', 'desc').orderBy('alert_id').limit(limit).offset(offset).execute(),
    filtered(db, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Counts by rule, severity and status under a filter (the status filter itself left out of the status counts). */
export async function alertCounts(db: Kysely<Database>, filter: AlertFilter): Promise<{ byRule: { rule_id: string; n: number }[]; bySeverity: { severity: string; n: number }[]; byStatus: { status: string; n: number }[] }> {
  const { status: _status, ...withoutStatus } = filter;
  const [byRule, bySeverity, byStatus] = await Promise.all([
    filtered(db, filter).select(['rule_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('rule_id').orderBy('n', 'desc').execute(),
    filtered(db, filter).select(['severity', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('severity').execute(),
    filtered(db, withoutStatus).select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
  ]);
  return { byRule, bySeverity, byStatus };
}

export async function alertById(db: Kysely<Database>, alertId: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alert').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
}

/** The rule texts of some alerts' rules (the newest alert's copy of each), for naming rules in counts. */
export async function ruleTitles(db: Kysely<Database>, ruleIds: readonly string[]): Promise<Map<string, AlertRow['rule_text']>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await db.selectFrom('alert').select(['rule_id', 'rule_text']).distinctOn('rule_id').where('rule_id', 'in', [...ruleIds]).orderBy('rule_id').orderBy('created_at', 'desc').execute();
  return new Map(rows.map((r) => [r.rule_id, r.rule_text]));
}

export async function transitionsOf(db: Kysely<Database>, alertId: string): Promise<TransitionRow[]> {
  return db.selectFrom('alert_transition').selectAll().where('alert_id', '=', alertId).orderBy('seq').execute();
}

/** Move an alert from `from` to `to` if it is still in `from`; false when someone moved it first. */
export async function moveAlert(db: Kysely<Database>, alertId: string, from: AlertStatus, to: AlertStatus, actor: { role: string; id: string | null }, reason: string | null): Promise<boolean> {
  const moved = await db.updateTable('alert').set({ status: to, updated_at: new Date() }).where('alert_id', '=', alertId).where('status', '=', from).executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 0) return false;
  await insertTransitions(db, [{ alert_id: alertId, from_status: from, to_status: to, actor_role: actor.role, actor_id: actor.id, reason }]);
  return true;
}

/** Dedupe keys of the open alerts of an institution's record type and period (for a dry run's "removed"). */
export async function openAlertKeys(db: Kysely<Database>, scope: { institutionId: string; recordType: string; period: string }, ruleId: string): Promise<{ dedupe_key: string; record_id: string }[]> {
  return db
    .selectFrom('alert')
    .select(['dedupe_key', 'record_id'])
    .where('institution_id', '=', scope.institutionId)
    .where('record_type', '=', scope.recordType)
    .where('period', '=', scope.period)
    .where('rule_id', '=', ruleId)
    .where('status', 'in', ['new', 'triaged', 'escalated'])
    .execute();
}

/** The record of the latest run over a filing, or undefined when it has not been checked yet. */
export async function runOf(db: Kysely<Database>, filingId: string) {
  return db.selectFrom('monitoring_run').selectAll().where('filing_id', '=', filingId).executeTakeFirst();
}

/** The newest faults of a rule (records it could not be evaluated on). */
export async function faultsOf(db: Kysely<Database>, ruleId: string, limit: number) {
  return db.selectFrom('rule_fault').selectAll().where('rule_id', '=', ruleId).orderBy('fault_id', 'desc').limit(limit).execute();
}
