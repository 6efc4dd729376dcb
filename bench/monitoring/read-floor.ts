/**
 * The benchmark's floor for any check that reads its input from the database: the rows in force
 * of the record types the national pack checks, with the columns its rules and engine read, read
 * into this process an institution at a time, and nothing else done with them. No check that
 * reads the filed rows can be faster than this on the same machine and engine.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Services } from '../../src/api/services.js';
import type { Platform } from '../../src/platform/platform.js';
import { ENGINE_COLUMNS } from '../../src/monitoring/engine.js';
import type { RecordType } from '../../src/standard/standard.js';

const TABLES: [RecordType, string][] = [
  ['loan', 'filed_loan'],
  ['repayment', 'filed_repayment'],
  ['collection', 'filed_collection'],
  ['payment', 'filed_payment'],
  ['fund_flow', 'filed_fund_flow'],
];

type Plan = { table: string; columns: string[] | null };

/** What each checked table's rows are read with: the columns its rules and the engine read. */
async function plansOf(platform: Platform, services: Services): Promise<Plan[]> {
  const db = platform.database.db;
  const plans: Plan[] = [];
  for (const [recordType, table] of TABLES) {
    const reads = await services.rulebook.reads('conduct', recordType);
    const has = new Set((await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = ${table} and table_schema = current_schema()`.execute(db)).rows.map((r) => r.column_name));
    const wanted = reads.fields === null ? null : [...new Set(['institution_id', 'party_key', 'period', 'filing_id', ...reads.fields, ...ENGINE_COLUMNS[recordType]])].filter((c) => has.has(c));
    plans.push({ table, columns: wanted });
  }
  return plans;
}

/** Seconds to read every row in force of the checked record types, and how many rows that was. */
export async function readFloor(platform: Platform, services: Services, institutionIds: readonly string[]): Promise<{ seconds: number; rows: number }> {
  const db = platform.database.db;
  const plans = await plansOf(platform, services);
  let rows = 0;
  const started = performance.now();
  for (const { table, columns } of plans) {
    const list = columns === null ? sql`*` : sql.join(columns.map((c) => sql.ref(c)));
    for (const institutionId of institutionIds) {
      const result = await sql`select ${list} from ${sql.table(table)} where institution_id = ${institutionId} and valid_to is null`.execute(db);
      rows += result.rows.length;
    }
  }
  return { seconds: (performance.now() - started) / 1000, rows };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The same rows read on PostgreSQL by COPY … TO STDOUT on a connection of its own, each line only
 * split into its fields: the floor without the driver's per-row work, for what a binary or
 * COPY-based reader could gain.
 */
export async function copyFloor(platform: Platform, services: Services, databaseUrl: string, institutionIds: readonly string[]): Promise<{ seconds: number; rows: number }> {
  const plans = await plansOf(platform, services);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let rows = 0;
    const started = performance.now();
    for (const { table, columns } of plans) {
      const list = columns === null ? '*' : columns.map((c) => `"${c}"`).join(', ');
      for (const institutionId of institutionIds) {
        if (!UUID.test(institutionId)) throw new Error(`not an institution id: ${institutionId}`);
        const stream = client.query(copyTo(`copy (select ${list} from ${table} where institution_id = '${institutionId}' and valid_to is null) to stdout`));
        let carry = '';
        for await (const chunk of stream) {
          const lines = (carry + (chunk as Buffer).toString('utf8')).split('\n');
          carry = lines.pop() ?? '';
          for (const line of lines) if (line.split('\t').length > 0) rows++;
        }
      }
    }
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    await client.end();
  }
}
