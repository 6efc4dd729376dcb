import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachEngine, startPlatform, type TestContext } from '../../test/harness.js';
import { copyTextValue, withBulkTransaction } from './database.js';

const awkward = ['plain', 'tab\there', 'new\nline', 'back\\slash', 'cr\rreturn', '\\N', '', '中文，全角', 'quote"and\'apostrophe', 'end\\'];

describeEachEngine('withBulkTransaction', (engine) => {
  let context: TestContext;
  beforeAll(async () => {
    context = await startPlatform(engine);
    await sql`create table bulk_probe (id integer primary key, label text, amount bigint, flag boolean, detail jsonb, note text)`.execute(context.platform.database.db);
  });
  afterAll(async () => context?.close());

  const rowsOf = async () =>
    (await sql<{ id: number; label: string | null; amount: number | null; flag: boolean | null; detail: unknown; note: string | null }>`select * from bulk_probe order by id`.execute(context.platform.database.db)).rows;

  it('copies values with tabs, newlines, backslashes and NULL exactly, inside a transaction the audit log can use', async () => {
    const copied = await withBulkTransaction(context.platform.database, async (tx) => {
      expect(tx.db.isTransaction).toBe(true);
      const rows = awkward.map((label, i) => [i + 1, label, i % 2 === 0 ? 1234567890123 : null, i % 3 === 0, { k: label }, i === 4 ? null : `n${i}`]);
      const count = await tx.copyRows('bulk_probe', ['id', 'label', 'amount', 'flag', 'detail', 'note'], rows);
      await context.platform.audit.record(tx.db, { role: 'system', id: null }, { action: 'bulk.probe', detail: { count } });
      // Rows copied are visible to the Kysely transaction: same session.
      const seen = await sql<{ n: number }>`select count(*)::int as n from bulk_probe`.execute(tx.db);
      expect(seen.rows[0]!.n).toBe(awkward.length);
      return count;
    });
    expect(copied).toBe(awkward.length);
    const rows = await rowsOf();
    expect(rows.map((r) => r.label)).toEqual(awkward);
    expect(rows[0]!.amount).toBe(1234567890123);
    expect(rows[1]!.amount).toBeNull();
    expect(rows[4]!.note).toBeNull();
    expect(rows[3]!.flag).toBe(true);
    expect(rows[1]!.flag).toBe(false);
    expect(rows[1]!.detail).toEqual({ k: 'tab\there' });
    const audited = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'bulk.probe'`.execute(context.platform.database.db);
    expect(audited.rows[0]!.n).toBe(1);
  });

  it('streams an async iterable of many rows across several COPY pieces', async () => {
    async function* many() {
      for (let i = 0; i < 30_000; i++) yield [100_000 + i, `row ${i}\t${'x'.repeat(i % 50)}`, i, null, null, null];
    }
    const copied = await withBulkTransaction(context.platform.database, (tx) => tx.copyRows('bulk_probe', ['id', 'label', 'amount', 'flag', 'detail', 'note'], many()));
    expect(copied).toBe(30_000);
    const counted = await sql<{ n: number; total: number }>`select count(*)::int as n, sum(amount)::bigint as total from bulk_probe where id >= 100000`.execute(context.platform.database.db);
    expect(counted.rows[0]).toEqual({ n: 30_000, total: (29_999 * 30_000) / 2 });
  });

  it('rolls back copied rows and audit entries when the work throws', async () => {
    const before = (await rowsOf()).length;
    const auditBefore = await auditCount();
    await expect(
      withBulkTransaction(context.platform.database, async (tx) => {
        await tx.copyRows('bulk_probe', ['id', 'label'], [[900_001, 'gone'], [900_002, 'gone too']]);
        await context.platform.audit.record(tx.db, { role: 'system', id: null }, { action: 'bulk.probe' });
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await rowsOf()).length).toBe(before);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('rolls back when the database rejects a copied row, and leaves the engine usable', async () => {
    const before = (await rowsOf()).length;
    await expect(
      withBulkTransaction(context.platform.database, (tx) => tx.copyRows('bulk_probe', ['id', 'label'], [[900_010, 'fine'], [900_010, 'duplicate key']])),
    ).rejects.toThrow();
    expect((await rowsOf()).length).toBe(before);
    await expect(withBulkTransaction(context.platform.database, (tx) => tx.copyRows('bulk_probe', ['id'], [[900_020]]))).resolves.toBe(1);
  });

  it('refuses a row whose width differs from the columns, rolling back what came before', async () => {
    const before = (await rowsOf()).length;
    await expect(withBulkTransaction(context.platform.database, (tx) => tx.copyRows('bulk_probe', ['id', 'label'], [[900_030, 'a'], [900_031]]))).rejects.toThrow(/has 1 values for 2 columns/);
    expect((await rowsOf()).length).toBe(before);
  });

  async function auditCount(): Promise<number> {
    const result = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(context.platform.database.db);
    return result.rows[0]!.n;
  }
});

it('writes COPY text values with escapes', () => {
  expect(copyTextValue(null)).toBe('\\N');
  expect(copyTextValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
  expect(copyTextValue(true)).toBe('t');
  expect(copyTextValue(12.5)).toBe('12.5');
  expect(() => copyTextValue(Number.NaN)).toThrow();
  expect(copyTextValue({ a: 'x\ty' })).toBe('{"a":"x\\\\ty"}');
});
