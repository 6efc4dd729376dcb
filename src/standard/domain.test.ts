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
  const copyContext = (filingId: string, institutionId: string) => ({
    filingId,
    institutionId,
    institutionUscc: SAMPLE_COMPANY,
    period: SAMPLE_PERIOD,
    validFrom: '2024-07-01T00:00:00.000Z',
    pseudonymizer: context.platform.keys.pseudonymizer,
  });

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

  it('key every row by its party and keep one row per record version', async () => {
    const institutionId = randomUUID();
    const load = (filingId: string, records: NormalizedRecord[]) =>
      withBulkTransaction(context.platform.database, async (tx) => tx.copyRows('filed_loan', copyColumns('loan'), records.map((r) => toCopyValues('loan', r, copyContext(filingId, institutionId)))));
    const first = randomUUID();
    await load(first, [recordOf('loan', { loan_id: 'A' }), recordOf('loan', { loan_id: 'B' })]);
    // The same id twice in one version: refused by the primary key.
    await expect(load(randomUUID(), [recordOf('loan', { loan_id: 'C' }), recordOf('loan', { loan_id: 'C' })])).rejects.toThrow();
    // The same id in another version is another row (the load closes the one it replaces).
    expect(await load(randomUUID(), [recordOf('loan', { loan_id: 'A' })])).toBe(1);
    const rows = await db().selectFrom('filed_loan').select(['loan_id', 'party_key', 'period', 'valid_from', 'valid_to']).where('filing_id', '=', first).orderBy('loan_id').execute();
    const person = context.platform.keys.pseudonymizer.pseudonym('resident_id', SAMPLE_PERSON);
    expect(rows).toEqual(['A', 'B'].map((loan_id) => ({ loan_id, party_key: person, period: SAMPLE_PERIOD, valid_from: new Date('2024-07-01T00:00:00.000Z'), valid_to: null })));
    // An organisation's records are keyed by its USCC; a repayment takes its loan's key.
    const company = randomUUID();
    await withBulkTransaction(context.platform.database, async (tx) => {
      const orgLoan = recordOf('loan', { loan_id: 'ORG', borrower_type: 'organisation', borrower_id: SAMPLE_COMPANY });
      await tx.copyRows('filed_loan', copyColumns('loan'), [toCopyValues('loan', orgLoan, copyContext(company, institutionId))]);
      await tx.copyRows('filed_repayment', copyColumns('repayment'), [
        toCopyValues('repayment', recordOf('repayment', { repayment_id: 'R-ORG', loan_id: 'ORG' }), copyContext(company, institutionId)),
        toCopyValues('repayment', recordOf('repayment', { repayment_id: 'R-NONE', loan_id: 'NO-SUCH-LOAN' }), copyContext(company, institutionId)),
      ]);
      await tx.copyRows('filed_collection', copyColumns('collection'), [toCopyValues('collection', recordOf('collection', { collection_id: 'C-ORG', loan_id: 'ORG' }), copyContext(company, institutionId))]);
    });
    const keys = await db().selectFrom('filed_repayment').select(['repayment_id', 'party_key']).where('filing_id', '=', company).orderBy('repayment_id').execute();
    expect(keys).toEqual([
      { repayment_id: 'R-NONE', party_key: `loan:${institutionId}:NO-SUCH-LOAN` },
      { repayment_id: 'R-ORG', party_key: `uscc:${SAMPLE_COMPANY}` },
    ]);
    const collection = await db().selectFrom('filed_collection').select('party_key').where('filing_id', '=', company).executeTakeFirstOrThrow();
    expect(collection.party_key).toBe(`uscc:${SAMPLE_COMPANY}`);
  });
});
