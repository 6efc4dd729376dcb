import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine, engines, startPlatform, type TestContext } from '../../../test/harness.js';
import { canonicalJson } from '../canonical-json.js';
import { generateSigningKey, signerFor, verifySignature } from '../crypto.js';
import type { Database } from '../database.js';
import { FhError } from '../errors.js';
import { AuditLog, headMessage, leafData, type SignedHead, type VerifyReport } from './audit.service.js';
import { sealedEntries } from './audit.store.js';
import { Frontier, LeafHashes, leafHash, rootOf } from './merkle.js';

const AUDIT_TABLES = ['audit_log', 'audit_head', 'signing_key'] as const;

/** Run statements as an attacker with write access would: with the append-only triggers off. */
async function asAttacker(db: Kysely<Database>, statements: string[]): Promise<void> {
  for (const table of AUDIT_TABLES) await sql.raw(`alter table ${table} disable trigger user`).execute(db);
  try {
    for (const statement of statements) await sql.raw(statement).execute(db);
  } finally {
    for (const table of AUDIT_TABLES) await sql.raw(`alter table ${table} enable trigger user`).execute(db);
  }
}

/** Recompute every leaf hash from the stored entries and rebuild the heads, as a forger would. */
async function recomputeTree(db: Kysely<Database>): Promise<{ seq: number; leafHash: string }[]> {
  const rows = await sealedEntries(db, 0, 1_000_000);
  return rows.map((row) => ({ seq: row.seq, leafHash: leafHash(leafData(row, row.leaf_index!)).toString('hex') }));
}

function faultOf(report: VerifyReport): { position: number; through?: number } {
  expect(report.ok).toBe(false);
  return { position: report.fault!.position, ...(report.fault!.through !== undefined ? { through: report.fault!.through } : {}) };
}

describeEachEngine('audit log: a Merkle tree with signed heads', (engine) => {
  let ctx: TestContext;
  let db: Kysely<Database>;
  let audit: AuditLog;
  let head10: SignedHead;
  let head15: SignedHead;
  const supervisor = { role: 'supervisor' as const, id: 'u1' };

  beforeAll(async () => {
    ctx = await startPlatform(engine);
    db = ctx.platform.database.db;
    audit = ctx.platform.audit;
    for (let i = 0; i < 10; i++) await audit.record(db, supervisor, { action: 'test.write', subject: `consumer:c${i % 3}`, resource: `thing:${i}`, reason: `step ${i}`, detail: { n: i, amount: 1.1e21, nested: { z: 1, a: [1.5, 'x'] } } });
    head10 = (await audit.seal())!;
    for (let i = 10; i < 15; i++) await audit.record(db, { role: 'system', id: null }, { action: 'test.write', reason: `step ${i}` });
    head15 = (await audit.seal())!;
  });
  afterAll(() => ctx.close());

  // Each tamper starts from the log as sealed above.
  async function tampered(statements: string[], check: () => Promise<void>): Promise<void> {
    await asAttacker(db, [...AUDIT_TABLES.map((t) => `create table ${t}_kept as select * from ${t}`), ...statements]);
    try {
      await check();
    } finally {
      await asAttacker(db, [...AUDIT_TABLES.flatMap((t) => [`delete from ${t}`, `insert into ${t} select * from ${t}_kept`, `drop table ${t}_kept`])]);
    }
  }

  it('seals entries into the tree and signs heads whose roots are the tree of the stored leaf hashes', async () => {
    expect(head10.treeSize).toBe(10);
    expect(head15.treeSize).toBe(15);
    const stored = await sql<{ leaf_hash: string }>`select leaf_hash from audit_log order by leaf_index`.execute(db);
    const leaves = LeafHashes.of(stored.rows.map((r) => Buffer.from(r.leaf_hash, 'hex')));
    expect(rootOf(leaves, 10).toString('hex')).toBe(head10.rootHash);
    expect(rootOf(leaves, 15).toString('hex')).toBe(head15.rootHash);
    // The signed message, written out here: the log's name and the head's fields, keys sorted.
    const message = `{"algorithm":"${head15.algorithm}","keyId":"${head15.keyId}","log":"fenghuo-audit-v1","rootHash":"${head15.rootHash}","signedAt":"${head15.signedAt}","treeSize":15}`;
    expect(headMessage(head15)).toBe(message);
    expect(verifySignature(head15.algorithm, ctx.platform.keys.signer.publicKey, message, head15.signature)).toBe(true);
    expect(await audit.latestHead()).toEqual(head15);
    const report = await audit.verify({ against: [head10, head15] });
    expect(report).toMatchObject({ ok: true, entries: 15, unsealed: 0, heads: 2, treeSize: 15, rootHash: head15.rootHash });
    expect(report.extends.map((e) => e.treeSize)).toEqual([10, 15]);
  });

  it('publishes the newest signed head to anyone, without logging in', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/platform/audit-head' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual(head15);
    const key = (await ctx.app.inject({ method: 'GET', url: '/v1/platform/public-key' })).json<{ publicKey: string }>();
    expect(verifySignature(head15.algorithm, key.publicKey, headMessage(reply.json<SignedHead>()), head15.signature)).toBe(true);
  });

  it('hashes each entry from what the database holds: the exact time and JSON text', async () => {
    const [row] = await sealedEntries(db, 0, 1);
    expect(row!.occurred_at_text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const detail = JSON.parse(row!.detail_text) as Record<string, unknown>;
    expect(detail.n).toBe(0);
    const expected = canonicalJson({ index: 0, seq: row!.seq, occurredAt: row!.occurred_at_text, actorRole: 'supervisor', actorId: 'u1', subject: row!.subject_ref, action: 'test.write', resource: 'thing:0', reason: 'step 0', detail: row!.detail_text, requestId: null });
    expect(row!.leaf_hash).toBe(leafHash(expected).toString('hex'));
  });

  it('counts committed entries not yet sealed, then seals them in order', async () => {
    await tampered([], async () => {
      await audit.record(db, supervisor, { action: 'test.pending' });
      expect(await audit.verify()).toMatchObject({ ok: true, entries: 15, unsealed: 1 });
      const head = await audit.seal();
      expect(head?.treeSize).toBe(16);
      expect(await audit.verify({ against: [head15] })).toMatchObject({ ok: true, entries: 16, unsealed: 0 });
    });
  });

  it('lets an audited write append while another audited transaction is still open (no shared row is locked)', async () => {
    if (engine === 'pglite') return; // one session: transactions cannot overlap at all
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    await tampered([], async () => {
      const slow = db.transaction().execute(async (trx) => {
        await audit.record(trx, supervisor, { action: 'test.slow' });
        opened();
        await held;
      });
      await open;
      // The old design locked one chain row here until `slow` committed.
      const seq = await audit.record(db, supervisor, { action: 'test.fast' });
      expect(seq).toBeGreaterThan(0);
      release();
      await slow;
    });
  });

  it('refuses text that could not be stored as given, naming the field', async () => {
    const refused = async (entry: Parameters<AuditLog['record']>[2]) => {
      const error = await audit.record(db, supervisor, entry).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(FhError);
      return { code: (error as FhError).code, field: (error as FhError).field };
    };
    expect(await refused({ action: 'licence.suspend', reason: 'note \uD800 here' })).toEqual({ code: 'FH_AUDIT_TEXT_INVALID', field: 'reason' });
    expect(await refused({ action: 'licence.suspend', reason: 'tail \uDC00' })).toEqual({ code: 'FH_AUDIT_TEXT_INVALID', field: 'reason' });
    expect(await refused({ action: 'x', detail: { note: ['ok', 'nul\u0000'] } })).toEqual({ code: 'FH_AUDIT_TEXT_INVALID', field: 'detail.note[1]' });
    expect(await refused({ action: 'x', resource: 'a\u0000b' })).toEqual({ code: 'FH_AUDIT_TEXT_INVALID', field: 'resource' });
    // A character outside the BMP is a valid surrogate pair: stored and hashed as given.
    await tampered([], async () => {
      const seq = await audit.record(db, supervisor, { action: 'x', reason: '已核实 😀' });
      await audit.seal();
      const stored = await sql<{ reason: string }>`select reason from audit_log where seq = ${seq}`.execute(db);
      expect(stored.rows[0]!.reason).toBe('已核实 😀');
      expect((await audit.verify()).ok).toBe(true);
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the log, its heads and the signing keys, and a second seal of an entry', async () => {
    const refusal = async (statement: string) => expect(sql.raw(statement).execute(db)).rejects.toThrow(/append-only/);
    await refusal("update audit_log set reason = 'edited' where leaf_index = 2");
    await refusal('update audit_log set leaf_index = 99 where leaf_index = 2');
    await refusal('delete from audit_log where leaf_index = 2');
    await refusal('truncate audit_log');
    await refusal("update audit_head set root_hash = 'x'");
    await refusal('delete from audit_head');
    await refusal('truncate audit_head');
    await refusal("update signing_key set public_key = 'x'");
    await refusal('delete from signing_key');
    await refusal('truncate signing_key');
    await refusal('truncate filing_receipt');
    await refusal('truncate audit_subject');
    expect((await audit.verify()).ok).toBe(true);
  });

  it('finds an entry changed behind its back, at its position', async () => {
    await tampered(["update audit_log set reason = 'nothing happened' where leaf_index = 6"], async () => {
      const report = await audit.verify();
      expect(faultOf(report)).toEqual({ position: 6 });
      expect(report.fault!.reason).toMatch(/position 6 .*does not match its hash/);
    });
  });

  it('finds a change whose leaf hash was recomputed too, between the signed heads around it', async () => {
    await tampered(["update audit_log set reason = 'nothing happened' where leaf_index = 6"], async () => {
      for (const { seq, leafHash: hash } of await recomputeTree(db)) await asAttacker(db, [`update audit_log set leaf_hash = '${hash}' where seq = ${seq}`]);
      const report = await audit.verify();
      expect(faultOf(report)).toEqual({ position: 0, through: 9 });
      expect(report.fault!.reason).toMatch(/do not match the signed head of size 10/);
    });
  });

  it('finds heads re-signed with a key the attacker added to the database', async () => {
    const forger = signerFor('ed25519', generateSigningKey('ed25519'));
    await tampered(["update audit_log set reason = 'nothing happened' where leaf_index = 12"], async () => {
      const rows = await recomputeTree(db);
      const frontier = Frontier.empty();
      const statements = ['delete from audit_head', `insert into signing_key (key_id, algorithm, public_key) values ('${forger.keyId}', 'ed25519', '${forger.publicKey}')`];
      for (const [i, { seq, leafHash: hash }] of rows.entries()) {
        statements.push(`update audit_log set leaf_hash = '${hash}' where seq = ${seq}`);
        frontier.append(Buffer.from(hash, 'hex'));
        if (i === 9 || i === 14) {
          const unsigned = { treeSize: i + 1, rootHash: frontier.root().toString('hex'), signedAt: new Date().toISOString(), algorithm: 'ed25519' as const, keyId: forger.keyId };
          statements.push(`insert into audit_head values (${i + 1}, '${unsigned.rootHash}', '${unsigned.signedAt}', 'ed25519', '${forger.keyId}', '${forger.sign(headMessage(unsigned))}', '${JSON.stringify(frontier.toJSON())}')`);
        }
      }
      await asAttacker(db, statements);
      const report = await audit.verify();
      expect(faultOf(report)).toEqual({ position: 0, through: 9 });
      expect(report.fault!.reason).toMatch(/head of size 10 .*is forged: it names key/);
      // Trusting the attacker's key would pass: which is why verify never takes keys from the database.
      expect((await audit.verify({ publicKey: { algorithm: 'ed25519', publicKey: forger.publicKey, keyId: forger.keyId } })).ok).toBe(true);
      const held = await audit.verify({ publicKey: audit.publicKey, against: [head15] });
      expect(held.ok).toBe(false);
    });
  });

  it('finds entries deleted from the end while their heads remain (truncation)', async () => {
    await tampered(['delete from audit_log where leaf_index >= 12'], async () => {
      const report = await audit.verify();
      expect(faultOf(report)).toEqual({ position: 12 });
      expect(report.fault!.reason).toMatch(/covers 15 entries, but the log holds 12/);
    });
  });

  it('finds a log rewound with its heads only against a head kept outside the database', async () => {
    await tampered(['delete from audit_log where leaf_index >= 10', 'delete from audit_head where tree_size > 10'], async () => {
      // Consistent with itself: the database alone cannot tell.
      expect((await audit.verify()).ok).toBe(true);
      const report = await audit.verify({ against: [head10, head15] });
      expect(faultOf(report)).toEqual({ position: 10 });
      expect(report.fault!.reason).toMatch(/the head you hold \(size 15.*the log holds 10/);
    });
  });

  it('finds a log rewound and rewritten to the same length, against the head kept outside', async () => {
    await tampered(['delete from audit_log where leaf_index >= 10', 'delete from audit_head where tree_size > 10'], async () => {
      for (let i = 0; i < 5; i++) await audit.record(db, { role: 'system', id: null }, { action: 'test.rewritten' });
      expect((await audit.seal())?.treeSize).toBe(15);
      expect((await audit.verify()).ok).toBe(true);
      const report = await audit.verify({ against: [head10, head15] });
      expect(faultOf(report)).toEqual({ position: 10, through: 14 });
      expect(report.fault!.reason).toMatch(/no longer extends the head you hold \(size 15/);
    });
  });

  it('finds two entries swapped in the order, at the first', async () => {
    await tampered(['update audit_log set leaf_index = -1 where leaf_index = 3', 'update audit_log set leaf_index = 3 where leaf_index = 4', 'update audit_log set leaf_index = 4 where leaf_index = -1'], async () => {
      const report = await audit.verify();
      expect(faultOf(report)).toEqual({ position: 3 });
      expect(report.fault!.reason).toMatch(/changed or moved/);
    });
  });

  it('finds an entry deleted from the middle', async () => {
    await tampered(['delete from audit_log where leaf_index = 7'], async () => {
      const report = await audit.verify();
      expect(faultOf(report)).toEqual({ position: 7 });
      expect(report.fault!.reason).toMatch(/position 7 is missing/);
    });
  });

  it('finds a TRUNCATE of the log and its heads (past the trigger) against the heads kept outside', async () => {
    await tampered(['truncate audit_log', 'truncate audit_head'], async () => {
      expect(await audit.verify()).toMatchObject({ ok: true, entries: 0 });
      const report = await audit.verify({ against: [head10, head15] });
      expect(faultOf(report)).toEqual({ position: 0 });
      expect(report.fault!.reason).toMatch(/size 10.*the log holds 0/);
    });
  });

  it('refuses to check against a head the platform did not sign', async () => {
    const report = await audit.verify({ against: [{ ...head10, rootHash: head15.rootHash }] });
    expect(report.ok).toBe(false);
    expect(report.fault!.reason).toMatch(/not the platform's: its signature does not verify/);
  });

  it('unlinks a subject by erasing its salt, without changing any hash', async () => {
    await tampered([], async () => {
      expect((await audit.about('consumer:c1')).map((r) => r.resource)).toEqual(['thing:7', 'thing:4', 'thing:1']);
      const before = await sql<{ subject_ref: string }>`select subject_ref from audit_log where resource = 'thing:4'`.execute(db);
      expect(before.rows[0]!.subject_ref).toMatch(/^[0-9a-f]{64}$/);
      expect(await audit.eraseSubject(db, supervisor, 'consumer:c1', 'right to deletion')).toBe(true);
      expect(await audit.about('consumer:c1')).toEqual([]);
      expect((await audit.about('consumer:c2')).length).toBe(3);
      const left = await sql<{ n: number }>`select count(*)::int as n from audit_subject where subject = 'consumer:c1'`.execute(db);
      expect(left.rows[0]!.n).toBe(0);
      await audit.seal();
      expect(await audit.verify({ against: [head10, head15] })).toMatchObject({ ok: true, entries: 16 });
      // A new entry about the same subject starts a new, unlinked reference.
      await audit.record(db, supervisor, { action: 'test.after', subject: 'consumer:c1' });
      expect((await audit.about('consumer:c1')).map((r) => r.action)).toEqual(['test.after']);
    });
  });

  it('keeps one tree when several sealers and writers run at once', async () => {
    await tampered([], async () => {
      const second = new AuditLog(db, ctx.platform.keys.signer);
      const writers = Array.from({ length: 4 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 25; i++) await audit.record(db, supervisor, { action: 'test.concurrent', resource: `w${w}:${i}` });
        })(),
      );
      const sealers = [audit, second].map((log) =>
        (async () => {
          for (let i = 0; i < 5; i++) await log.seal();
        })(),
      );
      await Promise.all([...writers, ...sealers]);
      await audit.seal();
      const report = await audit.verify({ against: [head15] });
      expect(report).toMatchObject({ ok: true, entries: 115, unsealed: 0 });
    });
  });
});

describe('audit heads signed with SM2', () => {
  it('signs heads that verify with the SM2 key', async () => {
    const ctx = await startPlatform(engines[0]!, { signatureAlgorithm: 'sm2' });
    try {
      const none = await ctx.app.inject({ method: 'GET', url: '/v1/platform/audit-head' });
      expect(none.statusCode).toBe(404);
      expect(none.json()).toMatchObject({ error: { code: 'FH_NOT_FOUND', field: 'audit-head' } });
      await ctx.platform.audit.record(ctx.platform.database.db, { role: 'system', id: null }, { action: 'test.sm2' });
      const head = (await ctx.platform.audit.seal())!;
      expect(head.algorithm).toBe('sm2');
      expect(await ctx.platform.audit.verify({ against: [head] })).toMatchObject({ ok: true, entries: 1 });
    } finally {
      await ctx.close();
    }
  });
});

describe('leaf data', () => {
  it('is the canonical JSON of the position and every stored column', () => {
    const row = { seq: 7, occurred_at_text: '2026-01-02T03:04:05.123456Z', actor_role: 'supervisor', actor_id: null, subject_ref: null, action: 'a"b\\c', resource: '资源\n😀', reason: '\u2028', detail_text: '{"k": "v\\"", "n": 1.50}', request_id: 'r-1', leaf_index: 3, leaf_hash: null };
    const expected = canonicalJson({ index: 3, seq: 7, occurredAt: row.occurred_at_text, actorRole: row.actor_role, actorId: null, subject: null, action: row.action, resource: row.resource, reason: row.reason, detail: row.detail_text, requestId: row.request_id });
    expect(leafData(row, 3)).toBe(expected);
  });
});
