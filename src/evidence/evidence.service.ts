import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import type { Actor } from '../platform/audit/audit.service.js';
import { fail, FhError } from '../platform/errors.js';
import { sha256Hex } from '../platform/crypto.js';
import { createEncryptedFile, DamagedUploadError, readEncryptedFile, type EncryptedFileWriter } from '../platform/encrypted-file.js';
import type { PublicKeyInfo } from '../platform/signed-document.js';
import { personSubject, type IdentityService } from '../identity/identity.service.js';
import type { EvidenceHashAlgorithm, EvidenceOwnerKind } from './evidence.schema.js';
import { hashAlgorithmFor, signEvidenceReceipt, type SignedEvidenceReceipt } from './evidence-receipt.js';
import { ALLOWED_DESCRIPTION, EVIDENCE_KINDS, UNSPECIFIED_TYPES, declaredType, extensionKnown, extensionOf, type EvidenceKind } from './media-types.js';
import * as store from './evidence.store.js';

/** One evidence item as other capabilities and the owner see it. */
export interface EvidenceSummary {
  evidenceId: string;
  fileName: string;
  mediaType: string;
  bytes: number;
  hashAlgorithm: EvidenceHashAlgorithm;
  hash: string;
  receivedAt: string;
  receipt: SignedEvidenceReceipt;
}

/** The answer of an integrity check. */
export type IntegrityCheck = { evidenceId: string; intact: true; checkedAt: string } | { evidenceId: string; intact: false; code: 'FH_EVIDENCE_DAMAGED'; reason: string; checkedAt: string };

export interface ReceiveInput {
  /** The file's bytes as they arrive (the raw request body). */
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  fileName: string;
  /** The Content-Type the sender declared; application/octet-stream or none declares nothing. */
  contentType?: string | undefined;
  /** The Content-Length the sender declared, to refuse a file too large before reading it. */
  contentLength?: number | undefined;
}

/** Bytes of the file's beginning that the type detection reads (an ID3 tag can push an MP3's frames far in). */
const SNIFF_BYTES = 64 * 1024;
const FILE_NAME_MAX = 200;

/** The stored item cannot be read back as received. */
class EvidenceDamaged extends Error {
  override readonly name = 'EvidenceDamaged';
}

interface Owner {
  kind: EvidenceOwnerKind;
  ref: string;
}

/** What the UTF-8 plain-text rule looks at, across the whole file: valid UTF-8, no control characters but tab, line feed, form feed and carriage return. */
class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  ok = true;

  update(chunk: Uint8Array, final = false): void {
    if (!this.ok) return;
    try {
      const text = this.decoder.decode(chunk, { stream: !final });
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) this.ok = false;
    } catch {
      this.ok = false;
    }
  }
}

/**
 * The evidence vault. A consumer (or an institution, for a case) deposits a file; it is streamed
 * through the platform's chunked at-rest encryption while it is hashed (SHA-256, or SM3 when the
 * platform signs with SM2) and its real type is read from its first bytes; on arrival the platform
 * signs a receipt that anyone can check offline. Reading an item back checks every chunk's tag and
 * the hash, so any change on disk is found. Complaints and mediation attach items to their cases
 * through `requireOwned`, `linkToCase`, `caseItems` and `openInCase`.
 */
export class EvidenceService {
  private readonly db: Kysely<Database>;
  private readonly dir: string;

  constructor(
    private readonly platform: Platform,
    private readonly identity: IdentityService,
  ) {
    this.db = platform.database.db;
    this.dir = path.join(platform.config.dataDir, 'evidence');
  }

  /** The largest file accepted, in bytes (FH_EVIDENCE_MAX_BYTES). */
  get limitBytes(): number {
    return this.platform.config.evidenceMaxBytes;
  }

  /** The hash algorithm items are addressed by on this platform. */
  get hashAlgorithm(): EvidenceHashAlgorithm {
    return hashAlgorithmFor(this.platform.keys.signer.algorithm);
  }

  /** The platform's public key, to check receipts offline. */
  publicKey(): PublicKeyInfo {
    const { signer } = this.platform.keys;
    return { algorithm: signer.algorithm, keyId: signer.keyId, publicKey: signer.publicKey };
  }

  /**
   * Deposit one file for the calling consumer or institution. Refuses, leaving no row and no file:
   * an empty file (FH_EVIDENCE_EMPTY), one over the limit (FH_EVIDENCE_TOO_LARGE), a type not kept
   * (FH_EVIDENCE_TYPE_NOT_ALLOWED), a declared type or extension the content contradicts
   * (FH_EVIDENCE_TYPE_MISMATCH), and a client that goes away mid-upload. Audited.
   *
   * @example await evidence.receive(caller, { source: createReadStream('contract.pdf'), fileName: 'contract.pdf', contentType: 'application/pdf' })
   */
  async receive(caller: Caller, input: ReceiveInput): Promise<EvidenceSummary> {
    const owner = await this.ownerOf(caller);
    const fileName = this.checkFileName(input.fileName);
    const limit = this.limitBytes;
    if (input.contentLength !== undefined && input.contentLength > limit) fail('FH_EVIDENCE_TOO_LARGE', { field: 'headers.content-length', details: { limitBytes: limit } });
    if (input.contentLength === 0) fail('FH_EVIDENCE_EMPTY', { field: 'body' });
    const declared = declaredType(input.contentType);
    const extension = extensionOf(fileName);
    const evidenceId = randomUUID();
    const storedName = `${owner.kind}/${evidenceId}.fhup`;
    const filePath = path.join(this.dir, storedName);
    await mkdir(path.dirname(filePath), { recursive: true });
    const hashAlgorithm = this.hashAlgorithm;
    let writer: EncryptedFileWriter | undefined;
    try {
      writer = await createEncryptedFile(filePath, this.platform.keys.vault, this.context(evidenceId));
      const hash = createHash(hashAlgorithm);
      const text = new TextCheck();
      const head: Buffer[] = [];
      let headBytes = 0;
      let bytes = 0;
      let kind: EvidenceKind | undefined;
      let detected: string | null | undefined;
      for await (const chunk of input.source) {
        bytes += chunk.length;
        if (bytes > limit) fail('FH_EVIDENCE_TOO_LARGE', { field: 'body', details: { limitBytes: limit } });
        hash.update(chunk);
        text.update(chunk);
        if (detected === undefined) {
          head.push(Buffer.from(chunk));
          headBytes += chunk.length;
          // Refuse a lying or unwanted file as soon as its beginning is in, not after the whole of it.
          if (headBytes >= SNIFF_BYTES) ({ kind, detected } = await this.classify(Buffer.concat(head, headBytes), declared, extension, null));
        }
        await writer.write(chunk);
      }
      if (bytes === 0) fail('FH_EVIDENCE_EMPTY', { field: 'body' });
      text.update(new Uint8Array(0), true);
      if (detected === undefined || detected === null) ({ kind } = await this.classify(Buffer.concat(head, headBytes), declared, extension, text.ok));
      await writer.finish();
      const receivedAt = new Date();
      const digest = hash.digest('hex');
      const { signer } = this.platform.keys;
      const receipt = signEvidenceReceipt(
        {
          kind: 'fenghuo.evidence-receipt',
          evidenceId,
          hashAlgorithm,
          hash: digest,
          bytes,
          mediaType: kind!.mediaType,
          fileName,
          owner: this.ownerReference(owner),
          receivedAt: receivedAt.toISOString(),
          keyId: signer.keyId,
          algorithm: signer.algorithm,
        },
        signer,
      );
      await this.db.transaction().execute(async (trx) => {
        await store.insertItem(trx, {
          evidence_id: evidenceId,
          owner_kind: owner.kind,
          owner_ref: owner.ref,
          file_name: fileName,
          media_type: kind!.mediaType,
          bytes,
          hash_algorithm: hashAlgorithm,
          hash: digest,
          stored_name: storedName,
          received_at: receivedAt,
          receipt: JSON.stringify(receipt),
        });
        await this.platform.audit.record(trx, caller.actor, { action: 'evidence.received', subject: this.subjectOf(owner), resource: `evidence:${evidenceId}`, detail: { mediaType: kind!.mediaType, bytes, hashAlgorithm, hash: digest } });
      });
      return this.summary((await store.itemById(this.db, evidenceId))!);
    } catch (error) {
      await writer?.abort().catch(() => {});
      await rm(filePath, { force: true }).catch(() => {});
      throw error;
    }
  }

  /**
   * The type of a file from its first bytes, checked against the allow-list and what the sender
   * declared. `text` is whether the whole file passed the plain-text rule, or null while the file
   * is still arriving (no decision on text then). Returns `detected: null` when no decision yet.
   */
  private async classify(head: Buffer, declared: string, extension: string, text: boolean | null): Promise<{ kind?: EvidenceKind; detected: string | null }> {
    // Loaded on first use: only a deposit needs it.
    const { fileTypeFromBuffer } = await import('file-type');
    const found = await fileTypeFromBuffer(head);
    let key: string;
    if (found) {
      key = found.ext;
      if (!EVIDENCE_KINDS[key]) fail('FH_EVIDENCE_TYPE_NOT_ALLOWED', { field: 'body', details: { detected: found.mime, allowed: ALLOWED_DESCRIPTION } });
    } else {
      // No magic: only plain text is possible, and only when the sender says so and the bytes agree.
      if (text === null) return { detected: null };
      const saysText = declared === 'text/plain' || EVIDENCE_KINDS.txt!.extensions.includes(extension);
      if (!saysText) fail('FH_EVIDENCE_TYPE_NOT_ALLOWED', { field: 'body', details: { detected: null, allowed: ALLOWED_DESCRIPTION } });
      if (!text) fail('FH_EVIDENCE_TYPE_MISMATCH', { field: declared === 'text/plain' ? 'headers.content-type' : 'query.fileName', details: { declared: declared || extension, detected: null, problem: 'not UTF-8 plain text' } });
      key = 'txt';
    }
    const kind = EVIDENCE_KINDS[key]!;
    if (!UNSPECIFIED_TYPES.has(declared) && !kind.declared.includes(declared)) {
      fail('FH_EVIDENCE_TYPE_MISMATCH', { field: 'headers.content-type', details: { declared, detected: kind.mediaType } });
    }
    if (extension && extensionKnown(extension) && !kind.extensions.includes(extension)) {
      fail('FH_EVIDENCE_TYPE_MISMATCH', { field: 'query.fileName', details: { declared: `.${extension}`, detected: kind.mediaType } });
    }
    return { kind, detected: key };
  }

  /** The calling owner's items, newest first. Audited for a consumer (their access log shows it). */
  async list(caller: Caller, page = 1, pageSize = 50): Promise<{ items: EvidenceSummary[]; total: number; page: number; pageSize: number }> {
    const owner = await this.ownerOf(caller);
    const [rows, total] = await Promise.all([store.itemsOfOwner(this.db, owner.kind, owner.ref, { limit: pageSize, offset: (page - 1) * pageSize }), store.countOfOwner(this.db, owner.kind, owner.ref)]);
    if (owner.kind === 'consumer') await this.platform.audit.append(caller.actor, { action: 'evidence.listed', subject: this.subjectOf(owner), detail: { count: rows.length } });
    return { items: rows.map((row) => this.summary(row)), total, page, pageSize };
  }

  /** One of the caller's own items with its receipt. Audited. */
  async get(caller: Caller, evidenceId: string): Promise<EvidenceSummary & { erasedAt: string | null }> {
    const row = await this.owned(caller, evidenceId, 'params.id', true);
    await this.audit(caller.actor, row, 'evidence.read', { part: 'metadata' });
    return { ...this.summary(row), erasedAt: row.erased_at?.toISOString() ?? null };
  }

  /** The signed receipt of one of the caller's own items (kept after erasure). Audited. */
  async receipt(caller: Caller, evidenceId: string): Promise<SignedEvidenceReceipt> {
    const row = await this.owned(caller, evidenceId, 'params.id', true);
    await this.audit(caller.actor, row, 'evidence.read', { part: 'receipt' });
    return row.receipt;
  }

  /**
   * The content of one of the caller's own items, decrypted and checked while it streams: a
   * change found before the first byte is sent fails FH_EVIDENCE_DAMAGED; later, the stream
   * errors and the last chunk is withheld, so a damaged file never arrives whole. Audited.
   */
  async content(caller: Caller, evidenceId: string): Promise<{ summary: EvidenceSummary; stream: Readable }> {
    const row = await this.owned(caller, evidenceId, 'params.id', true);
    if (row.erased_at) fail('FH_EVIDENCE_ERASED', { field: 'params.id' });
    const stream = await this.checkedStream(row);
    await this.audit(caller.actor, row, 'evidence.read', { part: 'content' });
    return { summary: this.summary(row), stream };
  }

  /** Read one of the caller's items back in full: intact, or damaged with the reason. Audited. */
  async check(caller: Caller, evidenceId: string): Promise<IntegrityCheck> {
    const row = await this.owned(caller, evidenceId, 'params.id', true);
    if (row.erased_at) fail('FH_EVIDENCE_ERASED', { field: 'params.id' });
    const result = await this.verifyStored(row);
    await this.audit(caller.actor, row, 'evidence.checked', { intact: result.intact });
    return result;
  }

  /**
   * The items `evidenceIds`, which the caller must own (a consumer their own, an institution its
   * own), in the order given. A missing, foreign or erased one fails FH_EVIDENCE_NOT_FOUND with
   * the field `${field}.${index}`.
   */
  async requireOwned(caller: Caller, evidenceIds: string[], field: string): Promise<EvidenceSummary[]> {
    const owner = await this.ownerOf(caller);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    evidenceIds.forEach((id, index) => {
      if (!uuid.test(id)) fail('FH_EVIDENCE_NOT_FOUND', { field: `${field}.${index}` });
    });
    const rows = new Map((await store.itemsByIds(this.db, [...new Set(evidenceIds)])).map((row) => [row.evidence_id, row]));
    return evidenceIds.map((id, index) => {
      const row = rows.get(id);
      if (!row || row.erased_at || row.owner_kind !== owner.kind || row.owner_ref !== owner.ref) fail('FH_EVIDENCE_NOT_FOUND', { field: `${field}.${index}` });
      return this.summary(row);
    });
  }

  /** Record that the items belong to a case (`complaint:<uuid>`, `mediation:<uuid>`), inside the caller's transaction `db`. */
  async linkToCase(db: Kysely<Database>, caseRef: string, evidenceIds: string[]): Promise<void> {
    await store.linkItems(db, caseRef, [...new Set(evidenceIds)]);
  }

  /** The items linked to a case, in the order they were linked (erased ones included: their receipts stand). */
  async caseItems(caseRef: string): Promise<EvidenceSummary[]> {
    return (await store.itemsOfCase(this.db, caseRef)).map((row) => this.summary(row));
  }

  /**
   * Open an item of a case for a party the case's own service has already admitted: checks the
   * item is linked to the case, audits the read (the owner is the subject) and returns the content,
   * checked while it streams (see `content`).
   */
  async openInCase(caller: Caller, caseRef: string, evidenceId: string): Promise<{ summary: EvidenceSummary; stream: Readable }> {
    const row = await store.itemById(this.db, evidenceId).catch(() => undefined);
    if (!row || !(await store.isLinked(this.db, caseRef, evidenceId))) fail('FH_EVIDENCE_NOT_FOUND', { field: 'params.evidenceId' });
    if (row.erased_at) fail('FH_EVIDENCE_ERASED', { field: 'params.evidenceId' });
    const stream = await this.checkedStream(row);
    await this.audit(caller.actor, row, 'evidence.read', { part: 'content', caseRef });
    return { summary: this.summary(row), stream };
  }

  /** Everything the vault holds of a person, for their data export (PIPL Art.45). */
  async exportOf(pseudonym: string): Promise<EvidenceSummary[]> {
    return (await store.itemsOfOwner(this.db, 'consumer', pseudonym)).map((row) => this.summary(row));
  }

  /**
   * Erase a person's items (PIPL Art.47) inside the caller's transaction `db`: the rows are marked
   * erased, keeping hash and receipt so receipts handed out still verify. Audited per item. The
   * files are removed by `removeFiles`, which the caller runs once the transaction has committed:
   * a deletion that rolls back leaves every file in place.
   */
  async eraseOf(db: Kysely<Database>, actor: Actor, pseudonym: string): Promise<{ erased: number; removeFiles: () => Promise<void> }> {
    const rows = await store.itemsOfOwner(db, 'consumer', pseudonym, { limit: 1_000_000 });
    const at = new Date();
    const files: string[] = [];
    let erased = 0;
    for (const row of rows) {
      if (!(await store.markErased(db, row.evidence_id, at))) continue;
      await this.platform.audit.record(db, actor, { action: 'evidence.erased', subject: personSubject(pseudonym), resource: `evidence:${row.evidence_id}`, detail: { hash: row.hash } });
      if (row.stored_name) files.push(row.stored_name);
      erased++;
    }
    return {
      erased,
      removeFiles: async () => {
        for (const name of files) await rm(path.join(this.dir, name), { force: true });
      },
    };
  }

  // -------------------------------------------------------------------------------------------

  private context(evidenceId: string): string {
    return `evidence:${evidenceId}`;
  }

  private checkFileName(raw: string): string {
    const name = raw.normalize('NFC').trim();
    // A name, not a path: no separators, no control characters.
    // eslint-disable-next-line no-control-regex
    if (!name || name.length > FILE_NAME_MAX || /[\\/\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') {
      fail('FH_VALIDATION', { field: 'query.fileName', details: { problem: `a file name of 1 to ${FILE_NAME_MAX} characters without / \\ or control characters` } });
    }
    return name;
  }

  private async ownerOf(caller: Caller): Promise<Owner> {
    if (caller.principal.role === 'consumer') return { kind: 'consumer', ref: await this.identity.pseudonymOf(caller) };
    if (caller.principal.role === 'institution') return { kind: 'institution', ref: caller.principal.institutionId };
    fail('FH_FORBIDDEN');
  }

  /** The owner as the receipt names it: a one-way reference for a person, the id for an institution. */
  private ownerReference(owner: Owner): string {
    return owner.kind === 'consumer' ? `person:${sha256Hex(`fenghuo-evidence-owner\0${owner.ref}`).slice(0, 32)}` : `institution:${owner.ref}`;
  }

  private subjectOf(owner: Owner): string {
    return owner.kind === 'consumer' ? personSubject(owner.ref) : `institution:${owner.ref}`;
  }

  private async audit(actor: Actor, row: store.EvidenceRow, action: string, detail: Record<string, unknown>): Promise<void> {
    await this.platform.audit.append(actor, { action, subject: this.subjectOf({ kind: row.owner_kind, ref: row.owner_ref }), resource: `evidence:${row.evidence_id}`, detail });
  }

  private async owned(caller: Caller, evidenceId: string, field: string, includeErased: boolean): Promise<store.EvidenceRow> {
    const owner = await this.ownerOf(caller);
    const row = await store.itemById(this.db, evidenceId).catch(() => undefined);
    if (!row || row.owner_kind !== owner.kind || row.owner_ref !== owner.ref || (!includeErased && row.erased_at)) fail('FH_EVIDENCE_NOT_FOUND', { field });
    return row;
  }

  private summary(row: store.EvidenceRow): EvidenceSummary {
    return {
      evidenceId: row.evidence_id,
      fileName: row.file_name,
      mediaType: row.media_type,
      bytes: Number(row.bytes),
      hashAlgorithm: row.hash_algorithm,
      hash: row.hash,
      receivedAt: row.received_at.toISOString(),
      receipt: typeof row.receipt === 'string' ? (JSON.parse(row.receipt) as SignedEvidenceReceipt) : row.receipt,
    };
  }

  /**
   * The stored plaintext, chunk by chunk, with every chunk's tag checked; the last chunk is held
   * back until the size and hash match the row, so a reader never gets a whole file that differs.
   */
  private async *readChecked(row: store.EvidenceRow): AsyncGenerator<Buffer> {
    if (!row.stored_name) throw new EvidenceDamaged('the item has no stored file');
    const hash = createHash(row.hash_algorithm);
    let bytes = 0;
    let held: Buffer | undefined;
    try {
      for await (const chunk of readEncryptedFile(path.join(this.dir, row.stored_name), this.platform.keys.vault, this.context(row.evidence_id))) {
        hash.update(chunk);
        bytes += chunk.length;
        if (held) yield held;
        held = chunk;
      }
    } catch (error) {
      if (error instanceof DamagedUploadError) throw new EvidenceDamaged(error.message.replace('upload', 'item'));
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceDamaged('the stored file is missing');
      throw error;
    }
    if (bytes !== Number(row.bytes)) throw new EvidenceDamaged(`the stored file holds ${bytes} bytes, ${row.bytes} were received`);
    if (hash.digest('hex') !== row.hash) throw new EvidenceDamaged(`the stored file's ${row.hash_algorithm} differs from the one received`);
    if (held) yield held;
  }

  private async checkedStream(row: store.EvidenceRow): Promise<Readable> {
    const iterator = this.readChecked(row);
    let first: IteratorResult<Buffer>;
    try {
      first = await iterator.next();
    } catch (error) {
      if (error instanceof EvidenceDamaged) fail('FH_EVIDENCE_DAMAGED', { field: 'params.id', details: { reason: error.message } });
      throw error;
    }
    async function* rest(): AsyncGenerator<Buffer> {
      if (first.done) return;
      yield first.value;
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      } catch (error) {
        if (error instanceof EvidenceDamaged) throw new FhError('FH_EVIDENCE_DAMAGED', 'params.id', { reason: error.message });
        throw error;
      }
    }
    return Readable.from(rest(), { objectMode: false });
  }

  private async verifyStored(row: store.EvidenceRow): Promise<IntegrityCheck> {
    const checkedAt = new Date().toISOString();
    try {
      for await (const chunk of this.readChecked(row)) void chunk;
      return { evidenceId: row.evidence_id, intact: true, checkedAt };
    } catch (error) {
      if (error instanceof EvidenceDamaged) return { evidenceId: row.evidence_id, intact: false, code: 'FH_EVIDENCE_DAMAGED', reason: error.message, checkedAt };
      throw error;
    }
  }
}
