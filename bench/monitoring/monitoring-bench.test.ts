import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { startPlatform, type TestContext } from '../../test/harness.js';
import { generate, SEEDED_RULES, type GeneratedSet } from './generate.js';
import { checkAll, compare } from './check.js';

describe('the monitoring benchmark at a tiny scale [pglite]', () => {
  let context: TestContext;
  let set: GeneratedSet;

  beforeAll(async () => {
    context = await startPlatform('pglite');
    await context.services.rulebook.syncFiles();
    set = await generate(context.services, { loans: 3000, institutions: 6, perRule: 2 });
  }, 120_000);
  afterAll(async () => context?.close());

  it('writes rows that pass the filing edits, with accepted filings and every rule seeded', async () => {
    expect(set.warnings).toEqual({});
    expect(set.loans).toBeGreaterThan(3000);
    expect(set.multiLenderBorrowers).toBeGreaterThan(set.borrowers / 2);
    for (const rule of SEEDED_RULES) expect(set.expected.filter((e) => e.ruleId === rule).length, rule).toBeGreaterThanOrEqual(2);
    const accepted = await context.platform.database.db.selectFrom('filing').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'accepted').executeTakeFirstOrThrow();
    expect(Number(accepted.n)).toBe(set.filings.length);
  });

  it('finds every seeded violation through checkFiling and raises nothing else', async () => {
    const times = await checkAll(context.services, set);
    expect(times.faults).toBe(0);
    const result = await compare(context.services, set);
    expect(result.missing).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(result.recall).toBe(1);
    expect(result.falseAlerts).toBe(0);
    // Checking again raises nothing new (alerts are deduplicated per rule version and record).
    const again = await checkAll(context.services, set);
    expect(again.raised).toBe(0);
  }, 120_000);
});
