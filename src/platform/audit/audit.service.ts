import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { canonicalJson } from '../canonical-json.js';
import { sha256Hex, verifySignature, type Signer } from '../crypto.js';
import * as store from './audit.store.js';
import type { AuditRow } from './audit.store.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Who did something: the role, the id within it (user, institution, key) and the request. */
export interface Actor {
  role: 'supervisor' | 'institution' | 'consumer' | 'public' | 'system';
  id: string | null;
  requestId?: string;
}

/** What is recorded: the action, whose data it concerns, on what, and why. */
export interface AuditEntry {
  /** Dotted verb, e.g. `licence.approve`, `personal_data.read`. */
  action: string;
  /** Whose data: `consumer:<id>`, `institution:<id>`. */
  subject?: string;
  /** What was touched: `licence:<id>`. */
  resource?: string;
  /** Why, in the actor's words or the stated purpose. */
  reason?: string;
  detail?: Record<string, unknown>;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  headSeq: number;
  firstBroken?: { seq: number; reason: string };
}

/** The hash of one entry, chained to the hash before it. */
export function entryHash(prevHash: string, row: Omit<AuditRow, 'prev_hash' | 'hash' | 'occurred_at'> & { occurred_at: string | Date }): string {
  const body = canonicalJson({
    seq: Number(row.seq),
    occurredAt: typeof row.occurred_at === 'string' ? row.occurred_at : row.occurred_at.toISOString(),
    actorRole: row.actor_role,
    actorId: row.actor_id,
    subject: row.subject,
    action: row.action,
    resource: row.resource,
    reason: row.reason,
    detail: row.detail,
    requestId: row.request_id,
  });
  return sha256Hex(`${prevHash}\n${body}`);
}

function checkpointMessage(seq: number, hash: string, signedAt: string, keyId: string): string {
  return canonicalJson({ seq, hash, signedAt, keyId });
}

/**
 * The tamper-evident audit log: append-only, each entry hash-chained to the one before, with a
 * signed checkpoint every `checkpointEvery` entries.
 */
export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly signer: Signer,
    private readonly checkpointEvery: number,
  ) {}

  /** Register the platform's public key so that verifiers can find it by key id. */
  async init(): Promise<void> {
    await store.ensureSigningKey(this.db, { keyId: this.signer.keyId, algorithm: this.signer.algorithm, publicKey: this.signer.publicKey });
  }

  /**
   * Append an entry. Pass the transaction of the write being audited so that both commit or
   * neither does; without one, the entry gets a transaction of its own.
   *
   * @example await audit.record(trx, { role: 'supervisor', id: userId }, { action: 'licence.approve', resource: `licence:${id}`, reason })
   */
  async record(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<number> {
    if (!db.isTransaction) return db.transaction().execute((trx) => this.record(trx, actor, entry));
    const head = await store.lockChainHead(db);
    const row = {
      seq: head.lastSeq + 1,
      occurred_at: new Date().toISOString(),
      actor_role: actor.role,
      actor_id: actor.id,
      subject: entry.subject ?? null,
      action: entry.action,
      resource: entry.resource ?? null,
      reason: entry.reason ?? null,
      detail: entry.detail ?? {},
      request_id: actor.requestId ?? null,
    };
    const hash = entryHash(head.lastHash, row);
    await store.insertEntry(db, { ...row, prev_hash: head.lastHash, hash });
    if (row.seq % this.checkpointEvery === 0) await this.signCheckpoint(db, row.seq, hash);
    return row.seq;
  }

  /** Sign the current head of the chain if no checkpoint covers it yet (e.g. at shutdown). */
  async checkpoint(): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const head = await store.lockChainHead(trx);
      if (head.lastSeq === 0 || (await store.lastCheckpointSeq(trx)) >= head.lastSeq) return null;
      await this.signCheckpoint(trx, head.lastSeq, head.lastHash);
      return head.lastSeq;
    });
  }

  private async signCheckpoint(db: Kysely<Database>, seq: number, hash: string): Promise<void> {
    const signedAt = new Date().toISOString();
    await store.insertCheckpoint(db, {
      seq,
      hash,
      signed_at: signedAt,
      algorithm: this.signer.algorithm,
      key_id: this.signer.keyId,
      signature: this.signer.sign(checkpointMessage(seq, hash, signedAt, this.signer.keyId)),
    });
  }

  /** Entries about one subject, newest first: what a consumer sees as "who accessed my data". */
  async about(subject: string, limit = 50, beforeSeq?: number, offset = 0): Promise<AuditRow[]> {
    return store.entriesAbout(this.db, subject, limit, beforeSeq, offset);
  }

  /**
   * Recompute the whole chain and check every checkpoint's signature. Stops at the first broken
   * entry. `trustedKeys`, when given, are the only public keys accepted (pinned by the verifier);
   * otherwise the keys registered in the database are used.
   */
  async verify(options: { trustedKeys?: Map<string, { algorithm: 'ed25519' | 'sm2'; publicKey: string }>; onProgress?: (done: number, total: number) => void } = {}): Promise<VerifyReport> {
    const keys = options.trustedKeys ?? (await store.signingKeys(this.db));
    const head = await store.chainHead(this.db);
    const checkpointRows = await store.checkpoints(this.db);
    const checkpointAt = new Map(checkpointRows.map((c) => [Number(c.seq), c]));
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    const broken = (seq: number, reason: string): VerifyReport => ({ ok: false, entries: count, checkpoints: checkpointRows.length, headSeq: head.lastSeq, firstBroken: { seq, reason } });
    for (;;) {
      const batch = await store.entriesAfter(this.db, expectedSeq - 1, 5000);
      if (batch.length === 0) break;
      for (const row of batch) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return broken(expectedSeq, `entry ${expectedSeq} is missing`);
        if (row.prev_hash !== prevHash) return broken(seq, 'prev_hash does not match the hash of the entry before');
        const computed = entryHash(prevHash, row);
        if (computed !== row.hash) return broken(seq, 'content does not match its hash');
        const cp = checkpointAt.get(seq);
        if (cp) {
          const key = keys.get(cp.key_id);
          if (!key) return broken(seq, `checkpoint signed by unknown key ${cp.key_id}`);
          if (cp.hash !== row.hash) return broken(seq, 'checkpoint hash differs from the entry');
          const message = checkpointMessage(seq, cp.hash, cp.signed_at.toISOString(), cp.key_id);
          if (!verifySignature(key.algorithm, key.publicKey, message, cp.signature)) return broken(seq, 'checkpoint signature is not valid');
        }
        prevHash = row.hash;
        expectedSeq++;
        count++;
      }
      options.onProgress?.(count, head.lastSeq);
    }
    if (count !== head.lastSeq) return broken(count + 1, `chain head says ${head.lastSeq} entries, found ${count}`);
    if (head.lastHash !== prevHash && count > 0) return broken(count, 'chain head hash differs from the last entry');
    for (const cp of checkpointRows) if (Number(cp.seq) > count) return broken(Number(cp.seq), 'checkpoint refers to a missing entry');
    return { ok: true, entries: count, checkpoints: checkpointRows.length, headSeq: head.lastSeq };
  }
}
