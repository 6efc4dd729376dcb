/**
 * Identifiers and text as people write them: a resident ID ending in a lower-case x, a USCC in
 * lower case, a length counted in characters, and the calendar of China rather than of UTC.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, loanCsv, testUscc, upload, type TestInstitution } from '../filing/filing.test-support.js';
import { licenceTypeInfo } from '../registry/licence-types.js';
import { chinaDateKey, chinaMonth } from './china-time.js';
import { checkResidentId, normalizeResidentId, normalizeUscc } from './identifiers.js';
import { recordTypeDef } from './standard.js';

/** A valid resident ID whose check character is X (check value 10), found by trying sequence numbers. */
function residentIdEndingInX(region: string, birthDate: string): string {
  for (let sequence = 1; sequence < 1000; sequence++) {
    const id = makeResidentId(region, birthDate, sequence);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no sequence gives X');
}

describe('identifiers in their one spelling, and the calendar of China', () => {
  it('writes a resident ID with x as X and a USCC in upper case, and leaves anything else as given', () => {
    const id = residentIdEndingInX('110105', '1990-03-07');
    const lower = `${id.slice(0, 17)}x`;
    expect(checkResidentId(lower).ok).toBe(false);
    expect(normalizeResidentId(lower)).toBe(id);
    expect(checkResidentId(normalizeResidentId(lower)).ok).toBe(true);
    expect(normalizeResidentId('12345x')).toBe('12345x');
    const uscc = testUscc(3);
    expect(normalizeUscc(uscc.toLowerCase())).toBe(uscc);
    expect(normalizeUscc(uscc)).toBe(uscc);
  });

  it('starts a month and a day at midnight in Beijing (UTC+8), not in UTC', () => {
    expect(chinaMonth(new Date('2026-03-31T15:59:59.999Z'))).toBe('2026-03');
    expect(chinaMonth(new Date('2026-03-31T16:00:00.000Z'))).toBe('2026-04');
    expect(chinaMonth(new Date('2025-12-31T16:00:00.000Z'))).toBe('2026-01');
    expect(chinaDateKey(new Date('2026-02-28T15:59:59Z'))).toBe(20260228);
    expect(chinaDateKey(new Date('2026-02-28T16:00:00Z'))).toBe(20260301);
  });
});

describeEachEngine('identifiers as people write them (HTTP)', (engine) => {
  let ctx: TestContext;
  let supervisor: { authorization: string };
  let lender: TestInstitution;
  beforeAll(async () => {
    ctx = await startPlatform(engine);
    supervisor = await supervisorSession(ctx, 'as.written', '000000');
    lender = await institution(ctx, 21);
  });
  afterAll(() => ctx.close());
  afterEach(() => vi.useRealTimers());

  it('registers a consumer whose resident ID ends in a lower-case x, as the same person as with X', async () => {
    const id = residentIdEndingInX('330106', '1988-11-02');
    const registration = { username: 'lower.x', password: 'a long passphrase', displayName: '小写', residentId: `${id.slice(0, 17)}x` };
    const created = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: registration });
    expect(created.statusCode, created.body).toBe(201);
    const again = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { ...registration, username: 'upper.x', residentId: id } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('FH_CONSUMER_EXISTS');
    const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'lower.x', password: registration.password } });
    const profile = await ctx.app.inject({ method: 'GET', url: '/v1/consumer/profile', headers: { authorization: `Bearer ${login.json().token as string}` } });
    expect(profile.json().residentIdMasked).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
    expect(profile.json().residentIdMasked.endsWith('X')).toBe(true);
  });

  it('files a lower-case x and a lower-case USCC as their one spelling, and counts a length in characters', async () => {
    const lines = loanCsv({ rows: 3, seed: 81, period: '2024-06' }).trimEnd().split('\n');
    const names = lines[0]!.split(',');
    const column = (name: string) => names.indexOf(name);
    const rows = lines.slice(1).map((line) => line.split(','));
    const id = residentIdEndingInX(rows[0]![column('borrower_id')]!.slice(0, 6), '1985-04-12');
    rows[0]![column('borrower_id')] = `${id.slice(0, 17)}x`;
    const uscc = testUscc(77);
    rows[1]![column('borrower_type')] = 'organisation';
    rows[1]![column('borrower_id')] = uscc.toLowerCase();
    // 64 characters, 128 UTF-16 units: within contract_id's limit of 64.
    rows[2]![column('contract_id')] = '𠮷'.repeat(64);
    const csv = [lines[0], ...rows.map((r) => r.join(','))].join('\n') + '\n';
    const reply = await upload(ctx.app, lender.apiKey, csv);
    expect(reply.statusCode, reply.body).toBe(201);
    const filing = reply.json() as { filingId: string; status: string; findings: { editId: string }[] };
    expect(filing.findings.map((f) => f.editId)).toEqual([]);
    const signed = await ctx.app.inject({ method: 'POST', url: `/v1/filings/${filing.filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
    expect(signed.statusCode, signed.body).toBe(200);
    const stored = await sql<{ borrower_pseudonym: string | null; borrower_uscc: string | null; contract_id: string }>`select borrower_pseudonym, borrower_uscc, contract_id from ${sql.table(recordTypeDef('loan').table)} where filing_id = ${filing.filingId} order by loan_id`.execute(ctx.platform.database.db);
    expect(stored.rows[0]!.borrower_pseudonym).toBe(ctx.platform.keys.pseudonymizer.pseudonym('resident_id', id));
    expect(stored.rows[1]!.borrower_uscc).toBe(uscc);
    expect(stored.rows[2]!.contract_id).toBe('𠮷'.repeat(64));

    // 65 characters is one too many.
    rows[2]![column('contract_id')] = '𠮷'.repeat(65);
    const tooLong = await upload(ctx.app, lender.apiKey, [lines[0], ...rows.map((r) => r.join(','))].join('\n') + '\n', { recordType: 'loan', period: '2024-06', resubmission: 'true' });
    expect((tooLong.json() as { findings: { editId: string }[] }).findings.map((f) => f.editId)).toEqual(['S012']);
  });

  it('does not say a JSON Lines file of refused lines holds no records', async () => {
    const reply = await upload(ctx.app, lender.apiKey, '{"loan_id": \n[1, 2]\n', { recordType: 'loan', period: '2024-05' }, { 'content-type': 'application/x-ndjson' });
    expect(reply.statusCode, reply.body).toBe(201);
    const filing = reply.json() as { status: string; recordCount: number; findings: { editId: string; count: number }[] };
    expect(filing.recordCount).toBe(2);
    expect(filing.findings).toEqual([expect.objectContaining({ editId: 'S906', count: 2 })]);
    const empty = await upload(ctx.app, lender.apiKey, '\n\n', { recordType: 'loan', period: '2024-04' }, { 'content-type': 'application/x-ndjson' });
    expect((empty.json() as { findings: { editId: string }[] }).findings.map((f) => f.editId)).not.toContain('S906');
  });

  it('takes the new month from 00:00 on the 1st in Beijing, and refuses it the minute before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const csv = loanCsv({ rows: 2, seed: 83, period: '2026-04' });
    vi.setSystemTime(new Date('2026-03-31T15:59:00Z')); // 23:59 on 31 March in Beijing
    const early = await upload(ctx.app, lender.apiKey, csv, { recordType: 'loan', period: '2026-04' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error).toMatchObject({ code: 'FH_VALIDATION', field: 'query.period' });
    vi.setSystemTime(new Date('2026-03-31T16:30:00Z')); // 00:30 on 1 April in Beijing, still 31 March in UTC
    const onTime = await upload(ctx.app, lender.apiKey, csv, { recordType: 'loan', period: '2026-04' });
    expect(onTime.statusCode, onTime.body).toBe(201);
  });

  it('numbers a licence approved at 00:30 on 1 January in Beijing with the new year, and one at 23:30 the evening before with the old', async () => {
    const yearOfLicenceApprovedAt = async (at: string, n: number): Promise<string> => {
      const registered = await institution(ctx, n);
      const applied = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/institutions/${registered.institutionId}/licences`, headers: supervisor, payload: { type: 'payment' } });
      expect(applied.statusCode, applied.body).toBe(201);
      const licenceId = applied.json().licenceId as string;
      for (const q of licenceTypeInfo.payment.qualifications) {
        const met = await ctx.app.inject({ method: 'PUT', url: `/v1/supervisor/licences/${licenceId}/qualifications/${q.key}`, headers: supervisor, payload: { met: true, note: 'seen' } });
        expect(met.statusCode, met.body).toBe(200);
      }
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(at));
      const approved = await ctx.app.inject({ method: 'POST', url: `/v1/supervisor/licences/${licenceId}/transitions`, headers: supervisor, payload: { to: 'approved', reason: 'all qualifications met' } });
      vi.useRealTimers();
      expect(approved.statusCode, approved.body).toBe(200);
      return (approved.json().licenceNo as string).split('-')[2]!;
    };
    expect(await yearOfLicenceApprovedAt('2025-12-31T16:30:00Z', 31)).toBe('2026');
    expect(await yearOfLicenceApprovedAt('2025-12-31T15:30:00Z', 32)).toBe('2025');
  });
});
