import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { sql } from 'kysely';
import { describeEachEngine, engines, POSTGRES_ADMIN_URL, startPlatform, type TestContext } from '../../test/harness.js';
import { databaseErrorState, isDatabaseUnavailable, isTransientDatabaseError } from '../platform/database.js';
import { FilingService } from './filing.service.js';
import { institution, loanCsv, upload, type TestInstitution } from './filing.test-support.js';

/** Poll `probe` until it returns a value, or fail after `ms`. */
async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a state');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A statement as the server's administrator (never on the test's own connections). */
async function admin(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe('what counts as the database being away', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it('knows every way the database can be away from a refusal of the data', () => {
    for (const code of ['55000', '57P01', '57P02', '57P03', '53300', '08006', '08001', 'ECONNREFUSED']) expect({ code, away: isDatabaseUnavailable(withCode(code)) }).toEqual({ code, away: true });
    for (const message of ['Client has encountered a connection error and is not queryable', 'Client was closed and is not queryable', 'PGlite is closed', 'Connection terminated unexpectedly']) {
      expect({ message, away: isDatabaseUnavailable(new Error(message)) }).toEqual({ message, away: true });
    }
    // Wrapped as a cause, as a transaction's rollback error may carry it.
    expect(isDatabaseUnavailable(new Error('rollback failed', { cause: withCode('57P01') }))).toBe(true);
    for (const code of ['23505', '23514', '22P02', '42P01']) expect({ code, away: isDatabaseUnavailable(withCode(code)), transient: isTransientDatabaseError(withCode(code)) }).toEqual({ code, away: false, transient: false });
    for (const code of ['40001', '40P01', '53100', '57014']) expect({ code, transient: isTransientDatabaseError(withCode(code)) }).toEqual({ code, transient: true });
    expect(databaseErrorState(withCode('EPERM'))).toBeUndefined();
    expect(databaseErrorState(withCode('XX000'))).toBe('XX000');
  });
});

describeEachEngine('a load the database refuses', (engine) => {
  let context: TestContext;
  let lender: TestInstitution;
  beforeAll(async () => {
    context = await startPlatform(engine);
    lender = await institution(context, 81);
  });
  // The last test closes the embedded database under the platform, which then cannot close cleanly.
  afterAll(async () => context?.close().catch(() => {}));

  it('is refused with a finding (S913), frees the period, and says why', async () => {
    // A constraint the records break, as a database might refuse a value it cannot store.
    await sql`alter table filed_loan add constraint test_small_loans check (principal_fen < 1) not valid`.execute(context.platform.database.db);
    const csv = loanCsv({ rows: 200, seed: 81 });
    const uploaded = await upload(context.app, lender.apiKey, csv);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const filingId = (uploaded.json() as { filingId: string; status: string }).filingId;
    const status = (uploaded.json() as { status: string }).status;
    if (status === 'warnings') {
      const detail = await context.services.filing.get(lender.caller, filingId);
      await context.services.filing.verify(lender.caller, filingId, Object.fromEntries(detail.findings.map((f) => [f.editId, 'explained in a test'])));
    }
    const signed = await context.app.inject({ method: 'POST', url: `/v1/filings/${filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
    expect(signed.statusCode, signed.body).toBe(200);
    expect((signed.json() as { filing: { status: string } }).filing.status).toBe('errors');
    const findings = await context.services.filing.findings(lender.caller, filingId, { page: 1, pageSize: 10 });
    expect(findings.counts.map((c) => [c.editId, c.count])).toEqual([['S913', 1]]);
    expect(findings.counts[0]!.zh).toMatch(/数据库拒绝/);
    expect(findings.items[0]!.values.reason).toMatch(/SQLSTATE 23514/);
    expect(await context.services.filing.domainRowCount(filingId)).toBe(0);
    // The period is free: the institution uploads again at once.
    await sql`alter table filed_loan drop constraint test_small_loans`.execute(context.platform.database.db);
    const again = await upload(context.app, lender.apiKey, csv);
    expect(again.statusCode, again.body).toBe(201);
  });

  it('frees the period of an upload cut off by a crash at the next start', async () => {
    const csv = loanCsv({ rows: 20, seed: 82 });
    const body = new PassThrough();
    body.write(csv.slice(0, Math.floor(csv.length / 2)));
    const hanging = context.services.filing.fileRecords(lender.caller, { recordType: 'loan', period: '2024-05', source: body, contentType: 'text/csv' }).catch((error: unknown) => error);
    const stuck = await waitFor(async () => (await context.services.filing.list(lender.caller, { period: '2024-05', page: 1, pageSize: 10 })).items.find((f) => f.status === 'validating'));
    if (engine === 'postgres') {
      // Shared by several processes: the next start frees what missed three heartbeats (here: the crash was 20 s ago).
      expect(await new FilingService(context.platform, context.services.registry).recoverStaleUploads({ atStart: true })).toBe(0);
      await sql`update filing set heartbeat_at = now() - interval '20 seconds' where filing_id = ${stuck.filingId}`.execute(context.platform.database.db);
    }
    // The next start does not wait the two minutes an upload may go quiet while its process runs.
    expect(await new FilingService(context.platform, context.services.registry).recoverStaleUploads({ atStart: true })).toBe(1);
    expect((await context.services.filing.get(lender.caller, stuck.filingId)).findings.map((f) => f.editId)).toEqual(['S908']);
    expect((await upload(context.app, lender.apiKey, csv, { recordType: 'loan', period: '2024-05' })).statusCode).toBe(201);
    body.destroy(new Error('client went away'));
    await hanging;
  });

  it('answers 503 with Retry-After when the database is gone, and never 500', async () => {
    if (engine === 'pglite') {
      await context.platform.database.pglite!.close();
    } else {
      const name = (await sql<{ name: string }>`select current_database() as name`.execute(context.platform.database.db)).rows[0]!.name;
      await admin(`alter database ${name} with allow_connections false`);
      await admin('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      try {
        await expectUnavailable();
      } finally {
        await admin(`alter database ${name} with allow_connections true`);
      }
      // Back: the pool connects again.
      await waitFor(async () => ((await context.app.inject({ method: 'GET', url: '/v1/filings', headers: { 'x-api-key': lender.apiKey } })).statusCode === 200 ? true : undefined));
      return;
    }
    await expectUnavailable();
  });

  async function expectUnavailable(): Promise<void> {
    for (const url of ['/v1/filings', '/ready']) {
      const reply = await context.app.inject({ method: 'GET', url, headers: { 'x-api-key': lender.apiKey } });
      expect({ url, status: reply.statusCode, code: (reply.json() as { error: { code: string } }).error.code }).toEqual({ url, status: 503, code: 'FH_DATABASE_UNAVAILABLE' });
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    }
  }
});

describe.skipIf(!engines.includes('postgres'))('backends terminated during a load [postgres]', () => {
  let context: TestContext;
  let lender: TestInstitution;
  let database = '';
  beforeAll(async () => {
    context = await startPlatform('postgres');
    lender = await institution(context, 91);
    database = (await sql<{ name: string }>`select current_database() as name`.execute(context.platform.database.db)).rows[0]!.name;
  });
  afterAll(async () => {
    await admin(`alter database ${database} with allow_connections true`).catch(() => {});
    await context?.close();
  });

  const terminateAll = () => admin('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);

  async function uploadClean(rows: number, seed: number, period: string): Promise<string> {
    const reply = await upload(context.app, lender.apiKey, loanCsv({ rows, seed, period }), { recordType: 'loan', period });
    expect(reply.statusCode, reply.body).toBe(201);
    const { filingId, status } = reply.json() as { filingId: string; status: string };
    if (status === 'warnings') {
      const detail = await context.services.filing.get(lender.caller, filingId);
      await context.services.filing.verify(lender.caller, filingId, Object.fromEntries(detail.findings.map((f) => [f.editId, 'explained in a test'])));
    }
    return filingId;
  }

  it('survives pg_terminate_backend in the middle of the COPY, and the retry in this process loads the filing', async () => {
    // Enough rows for many pieces of COPY: the backends are ended after the first.
    const rows = 20_000;
    const filingId = await uploadClean(rows, 91, '2024-06');
    let terminated = false;
    const signed = await context.services.filing.sign(lender.caller, filingId, {
      onProgress: async (copied) => {
        // The COPY has taken rows and is still open: end every backend of this database.
        if (!terminated && copied > 0 && copied < rows) {
          terminated = true;
          await terminateAll();
        }
      },
    });
    expect(terminated).toBe(true);
    // The receipt stands and the filing waits for the retry, not for a person.
    expect(signed.filing.status).toBe('signed');
    expect(context.services.filing.pendingLoadRetries()).toContain(filingId);
    const accepted = await waitFor(async () => {
      const filing = await context.services.filing.get(lender.caller, filingId);
      return filing.status === 'accepted' ? filing : undefined;
    });
    expect(accepted.recordCount).toBe(rows);
    expect(await context.services.filing.domainRowCount(filingId)).toBe(rows);
    // The server still serves.
    expect((await context.app.inject({ method: 'GET', url: '/v1/filings', headers: { 'x-api-key': lender.apiKey } })).statusCode).toBe(200);
  }, 240_000);

  it('keeps retrying with back-off while the database refuses connections, then loads', async () => {
    const filingId = await uploadClean(20_000, 92, '2024-05');
    // The platform's service with back-off steps of a tenth of a second rather than of seconds.
    const filing = new FilingService(context.platform, context.services.registry, { loadRetryDelaysMs: [100, 200, 500] });
    onTestFinished(() => filing.close());
    let cut = false;
    const signed = await filing.sign(lender.caller, filingId, {
      onProgress: async (copied) => {
        if (!cut && copied > 0) {
          cut = true;
          await admin(`alter database ${database} with allow_connections false`);
          await terminateAll();
        }
      },
    }).catch((error: unknown) => error);
    // Whether the filing could still be read or not, it is signed and retried.
    if (signed instanceof Error) expect(isDatabaseUnavailable(signed)).toBe(true);
    // While the database refuses, a request answers 503 with Retry-After.
    const during = await context.app.inject({ method: 'GET', url: '/v1/filings', headers: { 'x-api-key': lender.apiKey } });
    expect([during.statusCode, during.headers['retry-after'] !== undefined]).toEqual([503, true]);
    // At least one retry fails on the refused connection before the database is back: the load
    // that signing started, then a retry.
    await waitFor(async () => (filing.failedLoadAttempts(filingId) >= 2 ? true : undefined));
    await admin(`alter database ${database} with allow_connections true`);
    const accepted = await waitFor(async () => {
      const view = await filing.get(lender.caller, filingId);
      return view.status === 'accepted' ? view : undefined;
    });
    expect(accepted.recordCount).toBe(20_000);
  }, 120_000);
});
