import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { SignatureAlgorithm } from '../config.js';
import { canonicalJson } from '../canonical-json.js';
import { sha256Hex, verifySignature, type Signer } from '../crypto.js';
import { fail, FhError } from '../errors.js';
import { isUnstorableText } from '../text.js';
import * as store from './audit.store.js';
import type { AuditRow, HashableRow, HeadRow } from './audit.store.js';
import { consistencyProof, Frontier, LeafHashes, leafHash, verifyConsistency } from './merkle.js';

export type { AuditRow } from './audit.store.js';

/** Who did something: the role, the id within it (user, institution, key) and the request. */
export interface Actor {
  role: 'supervisor' | 'institution' | 'consumer' | 'mediator' | 'public' | 'system';
  id: string | null;
  requestId?: string;
}

/** What is recorded: the action, whose data it concerns, on what, and why. */
export interface AuditEntry {
  /** Dotted verb, e.g. `licence.approve`, `personal_data.read`. */
  action: string;
  /** Whose data: `consumer:<id>`, `institution:<id>`. Stored only as a salted commitment. */
  subject?: string;
  /** What was touched: `licence:<id>`. */
  resource?: string;
  /** Why, in the actor's words or the stated purpose. */
  reason?: string;
  detail?: Record<string, unknown>;
}

/** A signed tree head, as published (GET /v1/platform/audit-head, the heads file). */
export interface SignedHead {
  treeSize: number;
  /** RFC 9162 Merkle tree hash of the first treeSize entries, hex. */
  rootHash: string;
  /** ISO 8601, as signed. */
  signedAt: string;
  algorithm: SignatureAlgorithm;
  keyId: string;
  /** Over `headMessage(head)`: base64 (Ed25519) or hex r‖s (SM2). */
  signature: string;
}

/** A public key the verifier trusts; never one read from the database it checks. */
export interface TrustedKey {
  algorithm: SignatureAlgorithm;
  publicKey: string;
  keyId: string;
}

/** Where verification found the log not to be what was signed. */
export interface AuditFault {
  /** The first position (0-based) that cannot be trusted. */
  position: number;
  /** When the fault is known only to lie in a range: its last position. */
  through?: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Entries in the tree, each rehashed. */
  entries: number;
  /** Entries committed but not yet sealed into the tree (they have no position yet). */
  unsealed: number;
  /** Signed heads in the database, each checked against the trusted key and the entries. */
  heads: number;
  /** The newest signed head in the database. */
  treeSize: number;
  rootHash: string | null;
  /** The heads given from outside that the log was proven to extend (with the consistency proof's length). */
  extends: { treeSize: number; signedAt: string; proofLength: number }[];
  fault?: AuditFault;
}

export interface AuditLogOptions {
  /** Entries sealed per transaction (and per signed head) at most. */
  sealBatch?: number;
  sealIntervalMs?: number;
  /** The heads file a second party keeps; null: none. */
  headFile?: string | null;
  headFileIntervalMs?: number;
  /** Entries `append` holds waiting for their commit at most; beyond, it refuses at once (FH_AUDIT_UNAVAILABLE). */
  appendQueueLimit?: number;
  /** Entries written by one statement of `append` at most. */
  appendBatch?: number;
  /** `append` statements running at once at most (PGlite runs one at a time anyway). */
  appendConcurrency?: number;
  /** How long an `append` waits for its commit before it is refused (FH_AUDIT_UNAVAILABLE). */
  appendTimeoutMs?: number;
}

/** An entry ready to send: its columns as a JSON object, its subject apart (sent in clear or as its commitment). */
interface Unsent {
  json: string;
  subject: string | null;
}

/** An entry `append` holds until the statement that writes it commits. */
interface PendingAppend extends Unsent {
  resolve(seq: number): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  settled: boolean;
  /** Statements that left it out because its subject's salt was being created by another transaction. */
  deferred: number;
}

const HEAD_LOG_ID = 'fenghuo-audit-v1';

/** The bytes a head's signature covers. */
export function headMessage(head: Omit<SignedHead, 'signature'>): string {
  return canonicalJson({ log: HEAD_LOG_ID, treeSize: head.treeSize, rootHash: head.rootHash, signedAt: head.signedAt, algorithm: head.algorithm, keyId: head.keyId });
}

/** Why `head` is not a head signed by `key`, or null when it is. */
export function checkHeadSignature(head: SignedHead, key: TrustedKey): string | null {
  if (head.algorithm !== key.algorithm || head.keyId !== key.keyId) return `it names key ${head.keyId} (${head.algorithm}), not the platform's key ${key.keyId} (${key.algorithm})`;
  if (!verifySignature(key.algorithm, key.publicKey, headMessage(head), head.signature)) return "its signature does not verify with the platform's key";
  return null;
}

function isHead(value: unknown): value is SignedHead {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isSafeInteger(v.treeSize) && (v.treeSize as number) > 0 && typeof v.rootHash === 'string' && /^[0-9a-f]{64}$/.test(v.rootHash) && typeof v.signedAt === 'string' && (v.algorithm === 'ed25519' || v.algorithm === 'sm2') && typeof v.keyId === 'string' && typeof v.signature === 'string';
}

/**
 * Heads from a document: one head as JSON, an array of heads, or JSON lines (the heads file).
 * Throws naming the line when something is not a head.
 *
 * @example parseHeads('{"treeSize":12,"rootHash":"…","signedAt":"…","algorithm":"ed25519","keyId":"…","signature":"…"}')
 */
export function parseHeads(text: string): SignedHead[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('no head in it');
  let values: unknown[];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    values = Array.isArray(whole) ? whole : [whole];
  } catch {
    values = trimmed.split('\n').map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`line ${i + 1} is not JSON`);
      }
    });
  }
  return values.map((value, i) => {
    if (!isHead(value)) throw new Error(`${values.length > 1 ? `head ${i + 1}` : 'it'} is not a signed audit head (treeSize, rootHash, signedAt, algorithm, keyId, signature)`);
    return { treeSize: value.treeSize, rootHash: value.rootHash, signedAt: value.signedAt, algorithm: value.algorithm, keyId: value.keyId, signature: value.signature };
  });
}

/**
 * The leaf an entry is in the tree: canonical JSON (keys sorted) of its position and every stored
 * column. Written out field by field because verify runs it a million times; a test holds it to
 * `canonicalJson` of the same object.
 */
export function leafData(row: HashableRow, index: number): string {
  const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));
  return `{"action":${text(row.action)},"actorId":${text(row.actor_id)},"actorRole":${text(row.actor_role)},"detail":${text(row.detail_text)},"index":${index},"occurredAt":${text(row.occurred_at_text)},"reason":${text(row.reason)},"requestId":${text(row.request_id)},"resource":${text(row.resource)},"seq":${row.seq},"subject":${text(row.subject_ref)}}`;
}

/** The commitment an entry stores for its subject. */
export function subjectCommitment(salt: string, subject: string): string {
  return sha256Hex(`${salt}\n${subject}`);
}

function checkText(value: unknown, field: string): void {
  if (typeof value === 'string') {
    // Stored, it would differ from what was asked to be recorded (or not be stored at all).
    if (isUnstorableText(value)) fail('FH_AUDIT_TEXT_INVALID', { field });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkText(item, `${field}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      checkText(key, field);
      checkText(item, `${field}.${key}`);
    }
  }
}

function toSignedHead(row: HeadRow): SignedHead {
  return { treeSize: Number(row.tree_size), rootHash: row.root_hash, signedAt: row.signed_at, algorithm: row.algorithm, keyId: row.key_id, signature: row.signature };
}

const SALT_CACHE_LIMIT = 10_000;

/** Checked and normalised: an entry as stored, its subject still in clear. */
function newEntry(actor: Actor, entry: AuditEntry): store.NewEntry {
  checkText(actor.id, 'actor');
  checkText(actor.requestId, 'requestId');
  checkText(entry.action, 'action');
  checkText(entry.subject, 'subject');
  checkText(entry.resource, 'resource');
  checkText(entry.reason, 'reason');
  checkText(entry.detail, 'detail');
  return { actor_role: actor.role, actor_id: actor.id, subject: entry.subject ?? null, action: entry.action, resource: entry.resource ?? null, reason: entry.reason ?? null, detail: entry.detail ?? {}, request_id: actor.requestId ?? null };
}

/** Serialised now, so that an entry that cannot be fails alone. */
function unsent(row: store.NewEntry): Unsent {
  const { subject, ...columns } = row;
  return { json: JSON.stringify(columns), subject };
}

function settle(pending: PendingAppend, done: () => void): void {
  if (pending.settled) return;
  pending.settled = true;
  clearTimeout(pending.timer);
  done();
}

/**
 * The audit log: append-only entries sealed into a Merkle tree (RFC 9162) whose heads the
 * platform signs. Appending inserts a row and locks nothing shared; one sealer at a time gives the
 * committed entries their positions and signs the new head.
 */
export class AuditLog {
  private readonly sealBatch: number;
  private readonly salts = new Map<string, string>();
  /** Counts erasures, so that a salt read before one is not kept after it. */
  private eraseGeneration = 0;
  private readonly queue: PendingAppend[] = [];
  private flushing = 0;
  private flushScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private readonly appendQueueLimit: number;
  private readonly appendBatch: number;
  private readonly appendConcurrency: number;
  private readonly appendTimeoutMs: number;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> = Promise.resolve();
  private lastFiledSize: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly signer: Signer,
    private readonly options: AuditLogOptions = {},
  ) {
    this.sealBatch = options.sealBatch ?? 5000;
    this.appendQueueLimit = options.appendQueueLimit ?? 10_000;
    this.appendBatch = options.appendBatch ?? 1000;
    this.appendConcurrency = options.appendConcurrency ?? 2;
    this.appendTimeoutMs = options.appendTimeoutMs ?? 30_000;
  }

  /** The platform's own public key: what `verify` trusts unless told otherwise. */
  get publicKey(): TrustedKey {
    return { algorithm: this.signer.algorithm, publicKey: this.signer.publicKey, keyId: this.signer.keyId };
  }

  /** Register the platform's public key (for people looking; `verify` never trusts it from here). */
  async init(): Promise<void> {
    await store.ensureSigningKey(this.db, { keyId: this.signer.keyId, algorithm: this.signer.algorithm, publicKey: this.signer.publicKey });
  }

  /**
   * Append an entry. Pass the transaction of the write being audited so that both commit or
   * neither does. Text that could not be stored as given (a NUL, a lone surrogate) is refused
   * with FH_AUDIT_TEXT_INVALID, so that what is sealed is exactly what was recorded. An act that
   * writes nothing (a read of personal data, a check) should use `append`, which shares commits.
   *
   * @example await audit.record(trx, { role: 'supervisor', id: userId }, { action: 'licence.approve', resource: `licence:${id}`, reason })
   */
  async record(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<number> {
    const row = newEntry(actor, entry);
    const salt = row.subject === null ? undefined : this.salts.get(row.subject);
    if (row.subject === null || salt !== undefined) {
      const { subject, ...rest } = row;
      return store.insertEntry(db, { ...rest, subject_ref: subject === null ? null : subjectCommitment(salt!, subject) });
    }
    return (await this.insertAll(db, [unsent(row)]))[0]!;
  }

  /**
   * `record` for several entries of one write (a batch of decisions, a page of rows), in one
   * statement. All or none is written with `db`'s transaction; one entry with text that cannot be
   * stored refuses them all.
   *
   * @example await audit.recordMany(trx, rows.map((row) => ({ actor, entry: { action: 'screening.decision', subject, resource } })))
   */
  async recordMany(db: Kysely<Database>, items: { actor: Actor; entry: AuditEntry }[]): Promise<number[]> {
    if (items.length === 0) return [];
    return this.insertAll(db, items.map(({ actor, entry }) => unsent(newEntry(actor, entry))));
  }

  /** Insert entries with as few statements as their subjects' salts allow (one, but for a salt being created elsewhere). */
  private async insertAll(db: Kysely<Database>, entries: Unsent[]): Promise<number[]> {
    const seqs: number[] = [];
    let left = entries.map((entry, at) => ({ entry, at }));
    for (let attempt = 0; attempt < 3 && left.length > 0; attempt++) {
      const written = await this.insertBatch(db, left.map(({ entry }) => entry));
      left.forEach(({ at }, i) => {
        if (written[i] != null) seqs[at] = written[i];
      });
      left = left.filter((_, i) => written[i] == null);
    }
    if (left.length > 0) throw new Error('the audit subject salt of an entry could not be resolved');
    return seqs;
  }

  /**
   * One statement: entries whose subject's salt this process holds go with their commitment, the
   * others with their subject, resolved in the statement. Returns each entry's seq, or null for one
   * the statement left out (its salt being created by another transaction).
   */
  private async insertBatch(db: Kysely<Database>, entries: Unsent[]): Promise<(number | null | undefined)[]> {
    const generation = this.eraseGeneration;
    const unknown = new Set<string>();
    const json = entries.map((entry, i) => {
      if (entry.subject === null) return `{"i":${i},${entry.json.slice(1)}`;
      const salt = this.salts.get(entry.subject);
      if (salt !== undefined) return `{"i":${i},"subject_ref":"${subjectCommitment(salt, entry.subject)}",${entry.json.slice(1)}`;
      unknown.add(entry.subject);
      return `{"i":${i},"subject":${JSON.stringify(entry.subject)},${entry.json.slice(1)}`;
    });
    const { seqs, salts, committedSalts } = await store.insertEntries(
      db,
      `[${json.join(',')}]`,
      [...unknown].map((subject) => ({ subject, salt: randomBytes(16).toString('hex') })),
    );
    // A salt made in the caller's transaction may yet roll back: it is kept only once committed.
    this.keepSalts(db.isTransaction ? committedSalts : salts, generation);
    return entries.map((_, i) => seqs[i]);
  }

  /**
   * Append an entry that no write of the caller's goes with (a read of personal data, a screening
   * decision, an access check) and resolve with its seq once it is committed: a read answered
   * after this resolves always has its entry on record. Entries appended meanwhile share one
   * statement and one commit, so concurrent callers cost one round trip between them. Refused
   * like `record` for text it could not store (that entry alone), with FH_AUDIT_UNAVAILABLE when
   * `appendQueueLimit` entries already wait or its commit takes over `appendTimeoutMs`; when the
   * statement fails, every entry in it is refused with the error and none is written. Never call
   * it inside a transaction on PGlite: its one connection would wait for that transaction.
   *
   * @example const seq = await audit.append(caller.actor, { action: 'personal_data.read', subject, resource, reason })
   */
  append(actor: Actor, entry: AuditEntry): Promise<number> {
    let json: string;
    let subject: string | null;
    try {
      ({ json, subject } = unsent(newEntry(actor, entry)));
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.queue.length >= this.appendQueueLimit) return Promise.reject(new FhError('FH_AUDIT_UNAVAILABLE', undefined, { retryAfterSeconds: 1 }));
    return new Promise<number>((resolve, reject) => {
      const pending: PendingAppend = {
        json,
        subject,
        resolve,
        reject,
        settled: false,
        deferred: 0,
        timer: setTimeout(() => {
          if (pending.settled) return;
          // Refused; still queued, it is not written at all (already sent, it may yet commit).
          const at = this.queue.indexOf(pending);
          if (at >= 0) this.queue.splice(at, 1);
          settle(pending, () => reject(new FhError('FH_AUDIT_UNAVAILABLE', undefined, { retryAfterSeconds: 1 })));
          this.notifyIdle();
        }, this.appendTimeoutMs),
      };
      pending.timer.unref();
      this.queue.push(pending);
      this.scheduleFlush();
    });
  }

  /** Resolves once every entry `append` took so far has been written or refused. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.flushing === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing >= this.appendConcurrency || this.queue.length === 0) return;
    this.flushScheduled = true;
    // After the callers ready to run have appended, not after a delay: an idle log writes at once.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing >= this.appendConcurrency) return;
    const batch = this.queue.splice(0, this.appendBatch).filter((pending) => !pending.settled);
    if (batch.length === 0) return this.notifyIdle();
    this.flushing++;
    // Another batch may go out beside this one while it waits for its commit.
    this.scheduleFlush();
    try {
      const seqs = await this.insertBatch(this.db, batch);
      const deferred: PendingAppend[] = [];
      batch.forEach((pending, i) => {
        const seq = seqs[i];
        if (seq != null) settle(pending, () => pending.resolve(seq));
        else if (seq === null && ++pending.deferred < 3) deferred.push(pending);
        else settle(pending, () => pending.reject(new Error('the audit subject salt of an entry could not be resolved')));
      });
      this.queue.unshift(...deferred.filter((pending) => !pending.settled));
    } catch (error) {
      for (const pending of batch) settle(pending, () => pending.reject(error));
    } finally {
      this.flushing--;
      this.scheduleFlush();
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.flushing > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Keep committed salts, unless a subject was erased meanwhile (its salt read before the erasure). */
  private keepSalts(salts: Map<string, string>, generation: number): void {
    if (generation !== this.eraseGeneration) return;
    for (const [subject, salt] of salts) {
      if (this.salts.size >= SALT_CACHE_LIMIT) this.salts.clear();
      this.salts.set(subject, salt);
    }
  }

  /** The commitment of `subject` by its committed salt, or null when it has none. */
  private async subjectRef(db: Kysely<Database>, subject: string): Promise<string | null> {
    const salt = this.salts.get(subject) ?? (await store.subjectSalt(db, subject));
    if (salt === undefined) return null;
    if (!db.isTransaction) this.keepSalts(new Map([[subject, salt]]), this.eraseGeneration);
    return subjectCommitment(salt, subject);
  }

  /** Entries about one subject, newest first: what a consumer sees as "who accessed my data". */
  async about(subject: string, limit = 50, beforeSeq?: number, offset = 0): Promise<AuditRow[]> {
    const ref = await this.subjectRef(this.db, subject);
    return ref === null ? [] : store.entriesAbout(this.db, ref, limit, beforeSeq, offset);
  }

  /**
   * The right to deletion: erase the salt of `subject`, so that no entry can be linked to it any
   * more, while every entry and every hash stays as it was. The erasure is itself recorded,
   * without the subject. Returns false when the subject had no entries.
   */
  async eraseSubject(db: Kysely<Database>, actor: Actor, subject: string, reason: string): Promise<boolean> {
    if (!db.isTransaction) return db.transaction().execute((trx) => this.eraseSubject(trx, actor, subject, reason));
    this.salts.delete(subject);
    this.eraseGeneration++;
    const erased = await store.deleteSubjectSalt(db, subject);
    await this.record(db, actor, { action: 'audit.subject_erase', reason, detail: { erased } });
    return erased;
  }

  /**
   * Seal every committed entry not yet in the tree and sign the new head, in batches of
   * `sealBatch`. Returns the newest head signed, or null when there was nothing to seal or another
   * process is sealing (it takes these entries in).
   */
  async seal(): Promise<SignedHead | null> {
    let newest: SignedHead | null = null;
    for (;;) {
      const step = await this.db.transaction().execute(async (trx) => {
        if (!(await store.tryLockSealer(trx))) return { head: null, more: false };
        const previous = await store.latestHead(trx);
        const frontier = previous ? Frontier.fromJSON(previous.frontier) : Frontier.empty();
        if (previous && (frontier.treeSize !== Number(previous.tree_size) || frontier.root().toString('hex') !== previous.root_hash)) {
          throw new Error(`the audit head of size ${previous.tree_size} does not match its own frontier; run fenghuo verify`);
        }
        const rows = await store.unsealedEntries(trx, this.sealBatch);
        if (rows.length === 0) return { head: null, more: false };
        const sealed = rows.map((row) => {
          const index = frontier.treeSize;
          const hash = leafHash(leafData(row, index));
          frontier.append(hash);
          return { seq: row.seq, leaf_index: index, leaf_hash: hash.toString('hex') };
        });
        await store.sealEntries(trx, sealed);
        const unsigned = { treeSize: frontier.treeSize, rootHash: frontier.root().toString('hex'), signedAt: new Date().toISOString(), algorithm: this.signer.algorithm, keyId: this.signer.keyId };
        const head: SignedHead = { ...unsigned, signature: this.signer.sign(headMessage(unsigned)) };
        await store.insertHead(trx, { tree_size: head.treeSize, root_hash: head.rootHash, signed_at: head.signedAt, algorithm: head.algorithm, key_id: head.keyId, signature: head.signature, frontier: frontier.toJSON() });
        return { head, more: rows.length === this.sealBatch };
      });
      if (step.head) newest = step.head;
      if (!step.more) return newest;
    }
  }

  /** The newest signed head, or undefined before anything was sealed. */
  async latestHead(): Promise<SignedHead | undefined> {
    const row = await store.latestHead(this.db);
    return row ? toSignedHead(row) : undefined;
  }

  /**
   * Append the newest head to the heads file when it is newer than the file's last line. Returns
   * the head appended, if any.
   */
  async publishHead(): Promise<SignedHead | undefined> {
    const file = this.options.headFile;
    if (!file) return undefined;
    const head = await this.latestHead();
    if (!head) return undefined;
    this.lastFiledSize ??= await lastTreeSizeInFile(file);
    if (head.treeSize <= this.lastFiledSize) return undefined;
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, `${JSON.stringify(head)}\n`);
    this.lastFiledSize = head.treeSize;
    return head;
  }

  /**
   * Seal every `sealIntervalMs` and publish the head every `headFileIntervalMs` until `stop`; a
   * failure goes to `onError` and the next tick retries.
   */
  start(onError: (error: unknown) => void = () => {}): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => {
        // One task at a time: a slow seal is not overtaken by the next tick.
        this.running = this.running.then(task).catch(onError);
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.sealIntervalMs ?? 1000, () => this.seal());
    if (this.options.headFile) every(this.options.headFileIntervalMs ?? 60_000, () => this.publishHead());
  }

  /** Stop the timers, then write what `append` holds, seal what is left and publish the last head. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.drain();
    await this.running;
    await this.seal();
    await this.publishHead();
  }

  /** `verifyAuditLog` over this database, trusting the platform's own key unless another is given. */
  async verify(options: { publicKey?: TrustedKey; against?: SignedHead[]; onProgress?: (done: number, total: number) => void } = {}): Promise<VerifyReport> {
    return verifyAuditLog(this.db, { ...options, publicKey: options.publicKey ?? this.publicKey });
  }
}

/**
 * Rehash every entry in the tree, check every signed head in the database against `publicKey`
 * (given by the caller: the platform's configured key, never a key read from the database) and against the
 * entries, and prove with a consistency proof that the log extends each head in `against` (heads
 * kept outside the database). Stops at the first fault and says where it is. Reads one snapshot.
 */
export async function verifyAuditLog(db: Kysely<Database>, options: { publicKey: TrustedKey; against?: SignedHead[]; onProgress?: (done: number, total: number) => void }): Promise<VerifyReport> {
  const key = options.publicKey;
  const against = [...(options.against ?? [])].sort((a, b) => a.treeSize - b.treeSize);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const headRows = (await store.heads(trx)).map(toSignedHead);
      const unsealed = await store.countUnsealed(trx);
      const latest = headRows.at(-1);
      const report: VerifyReport = { ok: true, entries: 0, unsealed, heads: headRows.length, treeSize: latest?.treeSize ?? 0, rootHash: latest?.rootHash ?? null, extends: [] };
      const broken = (fault: AuditFault): VerifyReport => ({ ...report, ok: false, fault });
      for (const head of against) {
        const why = checkHeadSignature(head, key);
        if (why) return broken({ position: 0, reason: `the head of size ${head.treeSize} given to check against is not the platform's: ${why}` });
      }
      // Every head to meet on the way through the entries, in order of size.
      const checkpoints = [...headRows.map((head) => ({ head, outside: false })), ...against.map((head) => ({ head, outside: true }))].sort((a, b) => a.head.treeSize - b.head.treeSize);
      const describe = (c: { head: SignedHead; outside: boolean }) => (c.outside ? `the head you hold (size ${c.head.treeSize}, signed ${c.head.signedAt})` : `the signed head of size ${c.head.treeSize} (signed ${c.head.signedAt})`);
      const leaves = against.length > 0 ? new LeafHashes(Math.max(1024, report.treeSize)) : undefined;
      const frontier = Frontier.empty();
      let next = 0;
      // Where the last head of each kind matched: the database's own heads may have been rewritten
      // with the entries, so a fault found by a head from outside is placed after the last of those.
      const matched = { inside: 0, outside: 0 };
      const total = report.treeSize;
      // The next batch is read while this one is hashed; one left unread at a fault must not reject unseen.
      const read = (fromIndex: number) => {
        const batch = store.sealedEntries(trx, fromIndex, 10_000);
        batch.catch(() => {});
        return batch;
      };
      let pending = read(0);
      for (;;) {
        const batch = await pending;
        if (batch.length === 0) break;
        pending = read((batch.at(-1)!.leaf_index ?? 0) + 1);
        for (const row of batch) {
          const index = frontier.treeSize;
          if (row.leaf_index !== index) return broken({ position: index, reason: `the entry at position ${index} is missing (deleted)` });
          const hash = leafHash(leafData(row, index));
          if (hash.toString('hex') !== row.leaf_hash) return broken({ position: index, reason: `the entry at position ${index} (seq ${row.seq}) does not match its hash: it was changed or moved` });
          frontier.append(hash);
          leaves?.push(hash);
          while (next < checkpoints.length && checkpoints[next]!.head.treeSize === frontier.treeSize) {
            const checkpoint = checkpoints[next]!;
            const range = { position: matched[checkpoint.outside ? 'outside' : 'inside'], through: frontier.treeSize - 1 };
            if (!checkpoint.outside) {
              const why = checkHeadSignature(checkpoint.head, key);
              if (why) return broken({ ...range, reason: `${describe(checkpoint)} is forged: ${why}` });
            }
            if (frontier.root().toString('hex') !== checkpoint.head.rootHash) {
              return broken({ ...range, reason: `${checkpoint.outside ? 'the log no longer extends ' : 'the entries do not match '}${describe(checkpoint)}: an entry at a position from ${range.position} to ${range.through} was changed, removed, added or moved` });
            }
            matched[checkpoint.outside ? 'outside' : 'inside'] = frontier.treeSize;
            next++;
          }
        }
        report.entries = frontier.treeSize;
        options.onProgress?.(frontier.treeSize, total);
      }
      const count = frontier.treeSize;
      report.entries = count;
      if (next < checkpoints.length) {
        const checkpoint = checkpoints[next]!;
        return broken({ position: count, reason: `${describe(checkpoint)} covers ${checkpoint.head.treeSize} entries, but the log holds ${count}: the entries from position ${count} on were removed (truncated or rewound)` });
      }
      if (count > report.treeSize) return broken({ position: report.treeSize, through: count - 1, reason: `the entries from position ${report.treeSize} to ${count - 1} are in the tree, but no signed head covers them` });
      for (const head of against) {
        // What a second party without the database would check, given the two heads and the proof.
        const proof = consistencyProof(leaves!, head.treeSize, report.treeSize);
        if (!verifyConsistency(head.treeSize, report.treeSize, proof, Buffer.from(head.rootHash, 'hex'), Buffer.from(report.rootHash!, 'hex'))) {
          return broken({ position: 0, through: head.treeSize - 1, reason: `the log does not extend the head you hold (size ${head.treeSize}): the consistency proof fails` });
        }
        report.extends.push({ treeSize: head.treeSize, signedAt: head.signedAt, proofLength: proof.length });
      }
      return report;
    });
}

/** The tree size on the last line of a heads file, or 0 when there is none. */
async function lastTreeSizeInFile(file: string): Promise<number> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 8192);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').trim().split('\n');
    try {
      const last = JSON.parse(lines.at(-1) ?? '') as { treeSize?: unknown };
      return typeof last.treeSize === 'number' ? last.treeSize : 0;
    } catch {
      return 0;
    }
  } finally {
    await handle.close();
  }
}
