import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachEngine, startPlatform, type TestContext } from '../../test/harness.js';
import { withBulkTransaction } from '../platform/database.js';
import { annualisedCostOfLoan, copyColumns, createValidator, domainColumns, toCopyValues, type NormalizedRecord, type RowFinding } from '../filing/edits/index.js';
import { SAMPLE_COMPANY, SAMPLE_PERIOD, SAMPLE_PERSON, SAMPLE_PHONE, sampleRow } from '../filing/edits/sample-rows.js';
import { recordTypeDef, recordTypes, type RecordType } from './standard.js';
import './domain.schema.js';

const SQL_TYPE_NAMES: Record<string, string> = {
  uuid: 'uuid',
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  boolean: 'boolean',
};

/** A normalized record of `type` made by the validator from the sample row with `change` applied. */
function recordOf(type: RecordType, change: Record<string, string> = {}): NormalizedRecord {
  const validator = createValidator(type, { period: SAMPLE_PERIOD, institutionUscc: SAMPLE_COMPANY, today: '2025-01-01' });
  const header = recordTypeDef(type).fields.map((f) => f.name);
  expect(validator.header(header)).toEqual([]);
  const out: RowFinding[] = [];
  const row = { ...sampleRow(type), ...change };
  const record = validator.row(header.map((name) => row[name] ?? ''), 1, out);
  expect(out).toEqual([]);
  return record!;
}

describeEachEngine('domain tables', (engine) => {
  let context: TestContext;
  beforeAll(async () => {
    context = await startPlatform(engine);
  });
  afterAll(async () => context?.close());

  const db = () => context.platform.database.db;
  const copyContext = (filingId: string, institutionId: string) => ({ filingId, institutionId, pseudonymizer: context.platform.keys.pseudonymizer });

  // COPY names its columns, so their order in the table does not matter: a column that a later
  // migration adds (filed_loan.period_days, 0031) lands at the end of the table.
  it('have exactly the columns, types and nullability the standard derives', async () => {
    for (const type of recordTypes) {
      const table = recordTypeDef(type).table;
      const { rows } = await sql<{ column_name: string; data_type: string; is_nullable: string }>`
        select column_name, data_type, is_nullable from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db());
      const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => a.name.localeCompare(b.name));
      expect({ table, columns: rows.map((r) => r.column_name).sort() }).toEqual({ table, columns: [...copyColumns(type)].sort() });
      const expected = domainColumns(type).map((c) => ({ name: c.name, type: SQL_TYPE_NAMES[c.sqlType], nullable: c.notNull ? 'NO' : 'YES' }));
      expect(byName(rows.map((r) => ({ name: r.column_name, type: r.data_type, nullable: r.is_nullable })))).toEqual(byName(expected));
    }
  });

  it('load a record of every type through COPY, holding people only as pseudonyms', async () => {
    const institutionId = randomUUID();
    const filingId = randomUUID();
    await withBulkTransaction(context.platform.database, async (tx) => {
      for (const type of recordTypes) {
        const record = recordOf(type);
        expect(await tx.copyRows(recordTypeDef(type).table, copyColumns(type), [toCopyValues(type, record, copyContext(filingId, institutionId))])).toBe(1);
      }
    });
    for (const type of recordTypes) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(recordTypeDef(type).table)} where filing_id = ${filingId}`.execute(db());
      expect(rows).toHaveLength(1);
      const stored = JSON.stringify(rows[0]);
      expect(stored).not.toContain(SAMPLE_PERSON);
      expect(stored).not.toContain(SAMPLE_PHONE);
      expect(stored).not.toContain('6222000011112222');
    }
    const loan = await db().selectFrom('filed_loan').selectAll().where('filing_id', '=', filingId).executeTakeFirstOrThrow();
    expect(loan.borrower_pseudonym).toBe(context.platform.keys.pseudonymizer.pseudonym('resident_id', SAMPLE_PERSON));
    expect(loan.borrower_phone_pseudonym).toBe(context.platform.keys.pseudonymizer.pseudonym('phone', SAMPLE_PHONE));
    expect(loan.borrower_uscc).toBeNull();
    expect(loan.borrower_region_code).toBe(SAMPLE_PERSON.slice(0, 6));
    expect(loan.principal_fen).toBe(1_000_000);
    expect(loan.contract_date).toBe('2024-06-10');
    expect(loan.annualised_cost).toBeCloseTo(annualisedCostOfLoan(recordOf('loan'))!, 6);
    // 12 % equal monthly instalments with no fees: 1 % a month, compounded over the year (1.01¹² − 1).
    expect(loan.annualised_cost).toBeCloseTo(0.126825, 4);
    const payment = await db().selectFrom('filed_payment').selectAll().where('filing_id', '=', filingId).executeTakeFirstOrThrow();
    expect(payment.transaction_time.toISOString()).toBe('2024-06-05T02:00:00.000Z');
    expect(payment.payee_uscc).toBe(SAMPLE_COMPANY);
    expect(payment.payer_pseudonym).toHaveLength(64);
    const decision = await db().selectFrom('filed_algorithm_decision').selectAll().where('filing_id', '=', filingId).executeTakeFirstOrThrow();
    expect({ sex: decision.applicant_sex, age: decision.applicant_age }).toEqual({ sex: 'male', age: 34 });
  });

  it('keep a record id unique per institution, and let a new version replace the old in one transaction', async () => {
    const institutionId = randomUUID();
    const first = randomUUID();
    const load = (filingId: string, records: NormalizedRecord[], replaces?: string, institution = institutionId) =>
      withBulkTransaction(context.platform.database, async (tx) => {
        if (replaces) await tx.db.deleteFrom('filed_loan').where('filing_id', '=', replaces).execute();
        return tx.copyRows('filed_loan', copyColumns('loan'), records.map((r) => toCopyValues('loan', r, copyContext(filingId, institution))));
      });
    await load(first, [recordOf('loan', { loan_id: 'A' }), recordOf('loan', { loan_id: 'B' })]);
    // The same loan id again from the same institution, without replacing the version that holds it: refused.
    await expect(load(randomUUID(), [recordOf('loan', { loan_id: 'A' })])).rejects.toThrow();
    // Another institution may use the same id.
    expect(await load(randomUUID(), [recordOf('loan', { loan_id: 'A' })], undefined, randomUUID())).toBe(1);
    const second = randomUUID();
    await load(second, [recordOf('loan', { loan_id: 'A', principal_fen: '2000000', disbursed_fen: '2000000' })], first);
    const rows = await db().selectFrom('filed_loan').select(['loan_id', 'filing_id', 'principal_fen']).where('institution_id', '=', institutionId).orderBy('loan_id').execute();
    expect(rows).toEqual([{ loan_id: 'A', filing_id: second, principal_fen: 2_000_000 }]);
  });
});
