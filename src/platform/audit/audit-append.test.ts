import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, freshDatabase } from '../../../test/harness.js';
import { ephemeralKeyMaterial } from '../crypto.js';
import { isDatabaseUnavailable, migrate, openPostgres, type Database, type DatabaseHandle } from '../database.js';
import { FhError } from '../errors.js';
import { AuditLog, subjectCommitment } from './audit.service.js';

const reader = { role: 'institution' as const, id: 'inst-1', requestId: 'req-1' };

/** How a promise ended: the seq it gave, or the code (or message) it was refused with. */
async function outcome(promise: Promise<number>): Promise<{ seq: number } | { code: string; field?: string }> {
  try {
    return { seq: await promise };
  } catch (error) {
    if (error instanceof FhError) return { code: error.code, ...(error.field ? { field: error.field } : {}) };
    return { code: (error as Error).message };
  }
}

/** The entries of `action`, with the transaction that wrote each. */
async function entriesOf(db: Kysely<Database>, action: string): Promise<{ seq: number; resource: string | null; subject_ref: string | null; tx: string }[]> {
  const rows = await sql<{ seq: number; resource: string | null; subject_ref: string | null; tx: string }>`select seq, resource, subject_ref, xmin::text as tx from audit_log where action = ${action} order by seq`.execute(db);
  return rows.rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setImmediate(resolve));
}

describeEachEngine('audit log: appends that share a commit', (engine) => {
  let handle: DatabaseHandle;
  let db: Kysely<Database>;
  let audit: AuditLog;
  const keys = ephemeralKeyMaterial('ed25519');

  beforeAll(async () => {
    handle = await freshDatabase(engine);
    await migrate(handle);
    db = handle.db;
    audit = new AuditLog(db, keys.signer, { headFile: null });
    await audit.init();
  });
  afterAll(() => handle.close());

  it('writes the entries of concurrent callers in one statement, each with its own seq, linked to its subject, and they verify', async () => {
    const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => audit.append(reader, { action: 'test.read', subject: `consumer:p${i % 7}`, resource: `loan:${i}`, reason: '贷后管理', detail: { i } })));
    expect(new Set(seqs).size).toBe(40);
    const rows = await entriesOf(db, 'test.read');
    expect(rows.map((row) => row.seq).sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
    // Each caller's seq is its own entry.
    for (const [i, seq] of seqs.entries()) expect(rows.find((row) => row.seq === seq)?.resource).toBe(`loan:${i}`);
    // Queued together, committed together: one transaction wrote them all.
    expect(new Set(rows.map((row) => row.tx)).size).toBe(1);
    // The commitment is the one the subject's salt gives, and the subject's access log finds them.
    const salt = await sql<{ salt: string }>`select salt from audit_subject where subject = 'consumer:p3'`.execute(db);
    const p3 = rows.filter((row) => [3, 10, 17, 24, 31, 38].includes(Number(row.resource!.slice(5))));
    expect(p3.every((row) => row.subject_ref === subjectCommitment(salt.rows[0]!.salt, 'consumer:p3'))).toBe(true);
    expect((await audit.about('consumer:p3')).map((row) => row.resource)).toEqual(['loan:38', 'loan:31', 'loan:24', 'loan:17', 'loan:10', 'loan:3']);
    // The same subject through the in-transaction path gets the same salt.
    await db.transaction().execute((trx) => audit.record(trx, reader, { action: 'test.write', subject: 'consumer:p3', resource: 'loan:w' }));
    expect((await audit.about('consumer:p3', 1)).map((row) => row.resource)).toEqual(['loan:w']);
    const head = await audit.seal();
    expect(await audit.verify({ against: head ? [head] : [] })).toMatchObject({ ok: true, unsealed: 0, entries: head!.treeSize });
  });

  it('answers a caller only once its entry is committed: an entry refused at commit is refused to every caller of its statement, and nothing else is lost', async () => {
    // Refuses, at commit only, a transaction holding an entry of action test.refused_at_commit.
    await sql.raw(`create function test_refuse_at_commit() returns trigger language plpgsql as $$
      begin if new.action = 'test.refused_at_commit' then raise exception 'refused at commit'; end if; return null; end $$`).execute(db);
    await sql.raw(`create constraint trigger test_refuse_at_commit after insert on audit_log deferrable initially deferred
      for each row execute function test_refuse_at_commit()`).execute(db);
    try {
      const before = await Promise.all([1, 2, 3].map((i) => audit.append(reader, { action: 'test.batch', resource: `before:${i}` })));
      const failing = await Promise.all([
        ...[1, 2].map((i) => outcome(audit.append(reader, { action: 'test.batch', subject: 'consumer:f', resource: `failing:${i}` }))),
        outcome(audit.append(reader, { action: 'test.refused_at_commit', resource: 'failing:bad' })),
        ...[3, 4].map((i) => outcome(audit.append(reader, { action: 'test.batch', resource: `failing:${i}` }))),
      ]);
      expect(failing.map((o) => ('code' in o ? o.code : 'answered'))).toEqual(Array(5).fill(expect.stringMatching(/refused at commit/)));
      const after = await Promise.all([1, 2, 3].map((i) => audit.append(reader, { action: 'test.batch', subject: 'consumer:f', resource: `after:${i}` })));
      expect(after.every((seq) => seq > Math.max(...before))).toBe(true);
      const rows = await entriesOf(db, 'test.batch');
      expect(rows.map((row) => row.resource)).toEqual(['before:1', 'before:2', 'before:3', 'after:1', 'after:2', 'after:3']);
      expect(await entriesOf(db, 'test.refused_at_commit')).toEqual([]);
      // The salt the failed statement made for consumer:f went with it; the next statement made another, kept.
      expect((await audit.about('consumer:f')).map((row) => row.resource)).toEqual(['after:3', 'after:2', 'after:1']);
    } finally {
      await sql.raw('drop trigger test_refuse_at_commit on audit_log').execute(db);
      await sql.raw('drop function test_refuse_at_commit()').execute(db);
    }
    await audit.seal();
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses text it could not store in the one entry that holds it; the others of its statement are written', async () => {
    const results = await Promise.all([
      outcome(audit.append(reader, { action: 'test.text', resource: 'ok:1', reason: '已核实 😀' })),
      outcome(audit.append(reader, { action: 'test.text', resource: 'bad:1', reason: 'lone \uD800 surrogate' })),
      outcome(audit.append({ ...reader, id: 'nul\u0000' }, { action: 'test.text', resource: 'bad:2' })),
      outcome(audit.append(reader, { action: 'test.text', resource: 'bad:3', detail: { list: ['fine', 'nul\u0000'] } })),
      outcome(audit.append(reader, { action: 'test.text', resource: 'ok:2', subject: 'consumer:t' })),
    ]);
    expect(results.slice(1, 4)).toEqual([
      { code: 'FH_AUDIT_TEXT_INVALID', field: 'reason' },
      { code: 'FH_AUDIT_TEXT_INVALID', field: 'actor' },
      { code: 'FH_AUDIT_TEXT_INVALID', field: 'detail.list[1]' },
    ]);
    const rows = await entriesOf(db, 'test.text');
    expect(rows.map((row) => row.resource)).toEqual(['ok:1', 'ok:2']);
    expect(rows.map((row) => row.seq)).toEqual([results[0], results[4]].map((o) => ('seq' in o ? o.seq : -1)));
    expect(rows[0]!.tx).toBe(rows[1]!.tx);
    const stored = await sql<{ reason: string }>`select reason from audit_log where resource = 'ok:1'`.execute(db);
    expect(stored.rows[0]!.reason).toBe('已核实 😀');
  });

  it('refuses at once, FH_AUDIT_UNAVAILABLE, the appends beyond its queue, and takes new ones once it has room', async () => {
    const small = new AuditLog(db, keys.signer, { headFile: null, appendQueueLimit: 3 });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => outcome(small.append(reader, { action: 'test.queue', resource: `q:${i}` }))));
    expect(results.map((o) => ('seq' in o ? 'written' : o.code))).toEqual(['written', 'written', 'written', 'FH_AUDIT_UNAVAILABLE', 'FH_AUDIT_UNAVAILABLE']);
    expect((await entriesOf(db, 'test.queue')).map((row) => row.resource)).toEqual(['q:0', 'q:1', 'q:2']);
    expect(await outcome(small.append(reader, { action: 'test.queue', resource: 'q:5' }))).toHaveProperty('seq');
  });

  it('refuses an append whose commit does not come in time (FH_AUDIT_UNAVAILABLE) instead of holding the caller', async () => {
    const impatient = new AuditLog(db, keys.signer, { headFile: null, appendTimeoutMs: 20 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    // PostgreSQL: a lock the insert waits for. PGlite: its one connection, busy in a transaction.
    const holder = db.transaction().execute(async (trx) => {
      if (engine === 'postgres') await sql`lock table audit_log in share mode`.execute(trx);
      opened();
      await held;
    });
    await open;
    try {
      expect(await outcome(impatient.append(reader, { action: 'test.slow', resource: 'slow:1' }))).toEqual({ code: 'FH_AUDIT_UNAVAILABLE' });
    } finally {
      release();
      await holder;
    }
    await impatient.drain();
    expect(await outcome(impatient.append(reader, { action: 'test.slow', resource: 'slow:2' }))).toHaveProperty('seq');
  });

  it('rejects, as the database being unavailable, the appends it cannot send', async () => {
    const down: DatabaseHandle = engine === 'postgres' ? await openPostgres('postgres://postgres@127.0.0.1:1/none', 1) : await freshDatabase('pglite');
    if (engine === 'pglite') await down.close();
    try {
      const results = await Promise.allSettled([1, 2].map((i) => new AuditLog(down.db, keys.signer, { headFile: null }).append(reader, { action: 'test.down', resource: `d:${i}` })));
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect(isDatabaseUnavailable((result as PromiseRejectedResult).reason)).toBe(true);
      }
    } finally {
      if (engine === 'postgres') await down.close();
    }
  });

  it('waits for a commit held by the database before answering (PostgreSQL: another session holds the lock)', async () => {
    if (engine === 'pglite') return; // one session: nothing else can hold a lock while the append runs
    let answered = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await sql`lock table audit_log in share mode`.execute(trx);
      opened();
      await held;
    });
    await open;
    const pending = audit.append(reader, { action: 'test.held', resource: 'held:1' }).then((seq) => ((answered = true), seq));
    await waitFor(async () => {
      const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      return waiting.rows[0]!.n > 0;
    });
    expect(answered).toBe(false);
    release();
    await holder;
    const seq = await pending;
    expect((await entriesOf(db, 'test.held')).map((row) => row.seq)).toEqual([seq]);
  });

  it('keeps no salt made in a transaction that rolled back', async () => {
    await db
      .transaction()
      .execute(async (trx) => {
        await audit.record(trx, reader, { action: 'test.rollback', subject: 'consumer:r', resource: 'r:1' });
        await audit.record(trx, reader, { action: 'test.rollback', subject: 'consumer:r', resource: 'r:2' });
        throw new Error('roll back');
      })
      .catch(() => {});
    await audit.append(reader, { action: 'test.rollback', subject: 'consumer:r', resource: 'r:3' });
    await audit.record(db, reader, { action: 'test.rollback', subject: 'consumer:r', resource: 'r:4' });
    expect((await audit.about('consumer:r')).map((row) => row.resource)).toEqual(['r:4', 'r:3']);
  });

  it('after a subject is erased, links no new entry to the erased salt, whichever path wrote it', async () => {
    await audit.append(reader, { action: 'test.erase', subject: 'consumer:e', resource: 'e:1' });
    await audit.record(db, reader, { action: 'test.erase', subject: 'consumer:e', resource: 'e:2' });
    expect((await audit.about('consumer:e')).map((row) => row.resource)).toEqual(['e:2', 'e:1']);
    expect(await audit.eraseSubject(db, { role: 'system', id: null }, 'consumer:e', 'right to deletion')).toBe(true);
    await audit.append(reader, { action: 'test.erase', subject: 'consumer:e', resource: 'e:3' });
    await db.transaction().execute((trx) => audit.record(trx, reader, { action: 'test.erase', subject: 'consumer:e', resource: 'e:4' }));
    expect((await audit.about('consumer:e')).map((row) => row.resource)).toEqual(['e:4', 'e:3']);
    const refs = await entriesOf(db, 'test.erase');
    expect(new Set(refs.map((row) => row.subject_ref)).size).toBe(2);
  });

  it('records several entries of one write in its transaction: all with it, none without it, and none when one holds bad text', async () => {
    const items = [1, 2, 3].map((i) => ({ actor: reader, entry: { action: 'test.many', subject: `consumer:m${i % 2}`, resource: `m:${i}` } }));
    const seqs = await db.transaction().execute((trx) => audit.recordMany(trx, items));
    expect(seqs).toHaveLength(3);
    const rows = await entriesOf(db, 'test.many');
    expect(rows.map((row) => [row.seq, row.resource])).toEqual(seqs.map((seq, i) => [seq, `m:${i + 1}`]));
    expect((await audit.about('consumer:m1')).map((row) => row.resource)).toEqual(['m:3', 'm:1']);
    await db
      .transaction()
      .execute(async (trx) => {
        await audit.recordMany(trx, [{ actor: reader, entry: { action: 'test.many', subject: 'consumer:m9', resource: 'm:rolled-back' } }]);
        throw new Error('roll back');
      })
      .catch(() => {});
    const refused = await audit.recordMany(db, [...items, { actor: reader, entry: { action: 'test.many', resource: 'm:bad', reason: 'nul\u0000' } }]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(FhError);
    expect((refused as FhError).code).toBe('FH_AUDIT_TEXT_INVALID');
    expect((await entriesOf(db, 'test.many')).map((row) => row.resource)).toEqual(['m:1', 'm:2', 'm:3']);
    expect(await audit.about('consumer:m9')).toEqual([]);
    expect(await audit.recordMany(db, [])).toEqual([]);
  });
});
