import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { RuleVersionTable, ReferenceRateTable } from './rulebook.schema.js';
import './rulebook.schema.js';

export type RuleVersionRow = Selectable<RuleVersionTable>;
export type ReferenceRateRow = Selectable<ReferenceRateTable>;

/** Every stored version of every rule and refinement (the rulebook is small: hundreds of rows). */
export async function allVersions(db: Kysely<Database>): Promise<RuleVersionRow[]> {
  return db.selectFrom('rule_version').selectAll().orderBy('rule_id').orderBy('jurisdiction_code').orderBy('version').execute();
}

/** The stored version (rule, jurisdiction, version), or undefined. */
export async function findVersion(db: Kysely<Database>, ruleId: string, jurisdiction: string, version: number): Promise<RuleVersionRow | undefined> {
  return db.selectFrom('rule_version').selectAll().where('rule_id', '=', ruleId).where('jurisdiction_code', '=', jurisdiction).where('version', '=', version).executeTakeFirst();
}

/** The highest version stored for (rule, jurisdiction); 0 when none. */
export async function latestVersionNumber(db: Kysely<Database>, ruleId: string, jurisdiction: string): Promise<number> {
  const row = await db.selectFrom('rule_version').select((eb) => eb.fn.max('version').as('v')).where('rule_id', '=', ruleId).where('jurisdiction_code', '=', jurisdiction).executeTakeFirst();
  return row?.v ?? 0;
}

export interface NewRuleVersion {
  rule_id: string;
  jurisdiction_code: string;
  version: number;
  kind: 'rule' | 'refinement';
  pack: string;
  record_type: string;
  definition: string;
  effective_from: string;
  effective_to: string | null;
  digest: string;
  source: string;
  created_by: string;
}

/** Insert a version; false when that (rule, jurisdiction, version) already exists. */
export async function insertVersion(db: Kysely<Database>, row: NewRuleVersion): Promise<boolean> {
  const result = await db.insertInto('rule_version').values(row).onConflict((oc) => oc.columns(['rule_id', 'jurisdiction_code', 'version']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Every value of a reference series, oldest first. */
export async function referenceRates(db: Kysely<Database>, series: string): Promise<ReferenceRateRow[]> {
  return db.selectFrom('reference_rate').selectAll().where('series', '=', series).orderBy('effective_on').execute();
}

/** Insert a reference value; false when the series already has a value for that date. */
export async function insertReferenceRate(db: Kysely<Database>, row: Omit<ReferenceRateRow, 'created_at'>): Promise<boolean> {
  const result = await db.insertInto('reference_rate').values(row).onConflict((oc) => oc.columns(['series', 'effective_on']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
