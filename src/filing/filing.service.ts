import { chinaMonth } from '../standard/china-time.js';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import { counter, gauge, histogram, type MetricsRegistry } from '../platform/metrics.js';
import { databaseErrorState, isTransientDatabaseError, withBulkTransaction, type Database } from '../platform/database.js';
import type { EventPayloads } from '../platform/events.js';
import { fail, FhError } from '../platform/errors.js';
import type { Actor } from '../platform/audit/audit.service.js';
import type { Caller } from '../platform/auth/access.js';
import { isWithin, scopePrefix } from '../standard/regions.js';
import { isRecordType, recordTypeDef, recordTypes, type RecordType } from '../standard/standard.js';
import { copyColumns, IdSet, type FileStats } from './edits/index.js';
import { createEncryptedFile, DamagedUploadError, readEncryptedFile, type EncryptedFileWriter } from '../platform/encrypted-file.js';
import { gunzipIfCompressed, type FileFormat } from './file-reader.js';
import { allEdits, editDescription, validateFile, type ValidationOutcome } from './pipeline.js';
import { signReceipt, verifyReceipt, type PublicKeyInfo, type ReceiptBody, type ReceiptCheck, type SignedReceipt } from './receipt.js';
import { filingStatuses, type FilingStatus } from './filing.schema.js';
import * as store from './filing.store.js';
import type { FilingRow } from './filing.store.js';

declare module '../platform/events.js' {
  interface EventPayloads {
    /** A filing's records are in the domain tables (and replaced the previous version's, if any). */
    'filing.accepted': { filingId: string; institutionId: string; recordType: RecordType; period: string; version: number; records: number };
  }
}

/** What the filing capability needs of the registry. */
export interface InstitutionDirectory {
  getInstitution(institutionId: string): Promise<{ institutionId: string; uscc: string; nameZh: string; nameEn: string; jurisdictionCode: string }>;
  institutionsByIds(institutionIds: readonly string[]): Promise<Map<string, { uscc: string; nameZh: string; nameEn: string }>>;
}

/** Who filed: enough to name the institution on a screen without another request. */
export interface FilingInstitution {
  uscc: string;
  nameZh: string;
  nameEn: string;
}


export interface FilingOptions {
  /** Largest upload accepted, in bytes (compressed as sent, and decompressed). */
  uploadLimitBytes: number;
  /** An upload that gave no sign of life for this long died with its process. */
  staleUploadMs: number;
  /** Waits before each new attempt at a load the database could not serve; the last repeats. */
  loadRetryDelaysMs: readonly number[];
  /** Where retries and their outcome are reported (a line of text). */
  log: (line: string) => void;
}

/** How often an upload being read records that it is alive. */
const HEARTBEAT_MS = 5000;

export const DEFAULT_FILING_OPTIONS: FilingOptions = {
  uploadLimitBytes: 2 * 1024 * 1024 * 1024,
  staleUploadMs: 2 * 60 * 1000,
  loadRetryDelaysMs: [1000, 2000, 5000, 10_000, 30_000, 60_000],
  log: () => {},
};

/** A filing as the API shows it. */
export interface FilingView {
  filingId: string;
  institutionId: string;
  institution: FilingInstitution;
  recordType: string;
  period: string;
  version: number;
  status: FilingStatus;
  contentType: string;
  fileHash: string | null;
  fileBytes: number | null;
  encoding: string | null;
  recordCount: number | null;
  errorCount: number;
  warningCount: number;
  explanations: Record<string, string> | null;
  createdAt: string;
  validatedAt: string | null;
  verifiedAt: string | null;
  signedAt: string | null;
  acceptedAt: string | null;
  supersededAt: string | null;
}

/** Counts of one edit in a filing, with the edit's catalogue text. */
export interface FindingCount {
  editId: string;
  editClass: string;
  severity: 'error' | 'warning';
  count: number;
  zh: string;
  en: string;
}

/** Input of an upload, from HTTP or in process. */
export interface FileRecordsInput {
  recordType: string;
  /** Reporting period 'YYYY-MM'. */
  period: string;
  /** The file's bytes; gzip (by Content-Encoding or its magic number) is accepted. */
  source: Readable | AsyncIterable<Buffer> | Iterable<Buffer>;
  /** text/csv, application/x-ndjson or application/jsonl (parameters ignored). */
  contentType: string;
  /** 'gzip' when the bytes are gzip-compressed in transfer. */
  contentEncoding?: string;
  /** Declared size, checked against the limit before anything is read. */
  contentLength?: number;
  /** True to file a new version for a period whose filing was already accepted. */
  resubmission?: boolean;
  /** When given, must be the caller's own institution. */
  institutionId?: string;
}

/** Options for a load. */
export interface LoadOptions {
  /** Called while rows are being copied (from inside the COPY), with the count so far. */
  onProgress?: (rowsCopied: number) => void | Promise<void>;
}

const FORMATS: Record<string, FileFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/json-lines': 'jsonl',
  'application/x-jsonlines': 'jsonl',
};

/** The media types an upload may have. */
export const UPLOAD_MEDIA_TYPES = Object.keys(FORMATS);

const PERIOD = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

// Institutions are never deleted; this stands in only if one were.
const unknownInstitution: FilingInstitution = { uscc: '', nameZh: '', nameEn: '' };

function toView(row: FilingRow, institution: FilingInstitution): FilingView {
  return {
    filingId: row.filing_id,
    institutionId: row.institution_id,
    institution,
    recordType: row.record_type,
    period: row.period,
    version: row.version,
    status: row.status,
    contentType: row.content_type,
    fileHash: row.file_hash,
    fileBytes: row.file_bytes === null ? null : Number(row.file_bytes),
    encoding: row.encoding,
    recordCount: row.record_count === null ? null : Number(row.record_count),
    errorCount: Number(row.error_count),
    warningCount: Number(row.warning_count),
    explanations: row.explanations,
    createdAt: row.created_at.toISOString(),
    validatedAt: iso(row.validated_at),
    verifiedAt: iso(row.verified_at),
    signedAt: iso(row.signed_at),
    acceptedAt: iso(row.accepted_at),
    supersededAt: iso(row.superseded_at),
  };
}

/** Counts bytes as they pass and refuses more than `limit` (the 2 GiB upload limit). */
async function* limitBytes(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, limit: number, field: string): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > limit) fail('FH_PAYLOAD_TOO_LARGE', { field, details: { limitBytes: limit } });
    yield bytes;
  }
}

/** Passes chunks through while `sideEffect` sees each one first (hashing, storing). */
async function* tap(source: AsyncIterable<Buffer>, sideEffect: (chunk: Buffer) => Promise<void> | void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    await sideEffect(chunk);
    yield chunk;
  }
}

function isClientGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED' || (error as Error | undefined)?.message === 'aborted';
}

/** A load that can never succeed as things stand: the stored file or the records differ from what was signed. */
class LoadRefused extends Error {
  override readonly name = 'LoadRefused';
}

/** Edit V031 at load: loans whose balance the filing would make negative. */
class BalanceRefused extends Error {
  override readonly name = 'BalanceRefused';
  constructor(readonly loans: readonly { loan_id: string; principal_fen: number; repaid_fen: number }[]) {
    super(`the balance of ${loans.length === 10 ? 'at least 10 loans' : `${loans.length} loan(s)`} would fall below zero`);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '23505';
}

/**
 * The filing figures on /metrics: validation time and records loaded as they happen, and the
 * filings in each status counted when scraped.
 */
function filingMetrics(registry: MetricsRegistry, db: Kysely<Database>) {
  const filings = gauge(registry, {
    name: 'fenghuo_filings',
    help: 'Filings by status (every version counts once)',
    labelNames: ['status'],
    async collect() {
      const counts = new Map((await store.countByStatus(db)).map((row) => [row.status, row.count]));
      for (const status of filingStatuses) filings.set({ status }, counts.get(status) ?? 0);
    },
  });
  return {
    validationSeconds: histogram(registry, {
      name: 'fenghuo_filing_validation_seconds',
      help: 'Time to read and validate an uploaded file, by record type',
      labelNames: ['record_type'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    }),
    recordsLoaded: counter(registry, {
      name: 'fenghuo_filing_records_loaded_total',
      help: 'Records loaded into the database by accepted filings, by record type',
      labelNames: ['record_type'],
    }),
  };
}

/**
 * The filing pipeline. An institution uploads a file of one record type for one reporting period;
 * it is stored encrypted, validated in one streaming pass and gets a status:
 *
 *   received → validating → errors | warnings | clean
 *   warnings → verified (an explanation for every warning edit)
 *   clean | verified → signed (a receipt signed by the platform) → accepted (records loaded)
 *
 * Versions: every upload for the same institution, record type and period is a new version. A
 * newer upload supersedes older versions that were validated but not signed. The accepted version
 * stays in force (its rows in the domain tables) until a newer version is accepted; the load then
 * closes its rows (kept as history, with the span they were in force) in one transaction and
 * marks it superseded.
 *
 * A period already accepted is refused unless the upload says it is a resubmission. This follows
 * the HMDA platform, where a signed filing can be corrected only by a new submission that is
 * validated, verified and signed again and then becomes the filing of record: the explicit flag
 * keeps an accidental second run of a batch job from replacing accepted data. Only one upload per
 * institution, record type and period is processed at a time, and none while a signed version
 * waits for its load (409). Every transition is audited in the transaction that makes it.
 */
export class FilingService {
  private readonly db: Kysely<Database>;
  private readonly options: FilingOptions;
  private readonly uploadDir: string;
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly loadAttempts = new Map<string, number>();
  private closed = false;
  private readonly metrics: ReturnType<typeof filingMetrics>;

  constructor(
    private readonly platform: Platform,
    private readonly registry: InstitutionDirectory,
    options: Partial<FilingOptions> = {},
  ) {
    this.db = platform.database.db;
    this.options = { ...DEFAULT_FILING_OPTIONS, ...options };
    this.uploadDir = path.join(platform.config.dataDir, 'filings');
    this.metrics = filingMetrics(platform.metrics, this.db);
  }

  /** The largest upload accepted, in bytes. */
  get uploadLimitBytes(): number {
    return this.options.uploadLimitBytes;
  }

  /** Every edit, file-level ones first, as the catalogue route lists them. */
  editCatalogue() {
    return allEdits.map((edit) => ({ ...edit, fields: [...edit.fields], recordTypes: edit.recordTypes === 'all' ? ('all' as const) : [...edit.recordTypes] }));
  }

  /** The record types of the standard with their fields. */
  recordTypes() {
    return recordTypes.map((type) => {
      const def = recordTypeDef(type);
      return { ...def, fields: def.fields.map((field) => ({ ...field })) };
    });
  }

  /** The platform's signature public key, for checking receipts offline. */
  publicKey(): PublicKeyInfo {
    const { signer } = this.platform.keys;
    return { algorithm: signer.algorithm, keyId: signer.keyId, publicKey: signer.publicKey };
  }

  /**
   * Upload one file for the calling institution and validate it; resolves when the file has been
   * read to the end, with the filing in `errors`, `warnings` or `clean`.
   *
   * @example await filing.fileRecords(caller, { recordType: 'loan', period: '2026-10', source: createReadStream('loans.csv'), contentType: 'text/csv' })
   */
  async fileRecords(caller: Caller, input: FileRecordsInput): Promise<FilingView> {
    const { principal } = caller;
    if (principal.role !== 'institution') fail('FH_FORBIDDEN');
    if (input.institutionId !== undefined && input.institutionId !== principal.institutionId) fail('FH_FORBIDDEN', { field: 'query.institutionId' });
    if (!isRecordType(input.recordType)) fail('FH_VALIDATION', { field: 'query.recordType', details: { allowed: recordTypes } });
    const recordType: RecordType = input.recordType;
    const period = this.checkPeriod(input.period);
    const mediaType = input.contentType.split(';')[0]!.trim().toLowerCase();
    const format = FORMATS[mediaType];
    if (!format) fail('FH_UNSUPPORTED_MEDIA_TYPE', { field: 'headers.content-type', details: { allowed: UPLOAD_MEDIA_TYPES } });
    const encoding = (input.contentEncoding ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') fail('FH_UNSUPPORTED_MEDIA_TYPE', { field: 'headers.content-encoding', details: { allowed: ['gzip', 'identity'] } });
    if (input.contentLength !== undefined && input.contentLength > this.options.uploadLimitBytes) {
      fail('FH_PAYLOAD_TOO_LARGE', { field: 'headers.content-length', details: { limitBytes: this.options.uploadLimitBytes } });
    }
    const institution = await this.registry.getInstitution(principal.institutionId);
    const filingId = randomUUID();
    const storedName = `${institution.institutionId}/${filingId}.fhup`;
    const row = await this.createFiling(caller.actor, {
      filingId,
      institutionId: institution.institutionId,
      jurisdictionCode: institution.jurisdictionCode,
      recordType,
      period,
      contentType: mediaType,
      storedName,
      resubmission: input.resubmission === true,
    });
    await this.transition(row, 'validating', caller.actor, 'filing.validate');

    const filePath = path.join(this.uploadDir, storedName);
    await mkdir(path.dirname(filePath), { recursive: true });
    let writer: EncryptedFileWriter | undefined;
    const beat = setInterval(() => void store.heartbeat(this.db, filingId).catch(() => {}), HEARTBEAT_MS);
    try {
      writer = await createEncryptedFile(filePath, this.platform.keys.vault, this.uploadContext(filingId));
      const hash = createHash('sha256');
      const limit = this.options.uploadLimitBytes;
      let plainBytes = 0;
      const store_ = writer;
      const content = tap(gunzipIfCompressed(limitBytes(input.source as AsyncIterable<Buffer> | Iterable<Buffer>, limit, 'body'), encoding === 'gzip'), async (chunk) => {
        plainBytes += chunk.length;
        if (plainBytes > limit) fail('FH_PAYLOAD_TOO_LARGE', { field: 'body', details: { limitBytes: limit, decompressed: true } });
        hash.update(chunk);
        await store_.write(chunk);
      });
      const acceptedIds = await this.acceptedEventIds(this.db, recordType, institution.institutionId, period);
      const previousStats = (await store.previousPeriodStats(this.db, institution.institutionId, recordType, period)) as FileStats | null;
      const timer = this.metrics.validationSeconds.startTimer({ record_type: recordType });
      const outcome = await validateFile(content, { recordType, period, institutionUscc: institution.uscc, format, previousStats, ...(acceptedIds ? { acceptedIds } : {}) });
      timer();
      const { plaintextBytes } = await writer.finish();
      return this.view(await this.recordOutcome(filingId, caller.actor, outcome, hash.digest('hex'), plaintextBytes));
    } catch (error) {
      await writer?.abort().catch(() => {});
      await this.recordInterrupted(filingId, caller.actor, error).catch(() => {});
      throw error;
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * For an event record type (RecordTypeDef.identity), the ids the institution has in force from
   * other periods: a file that holds one fails V029 before it can be signed. Undefined for states.
   */
  private async acceptedEventIds(db: Kysely<Database>, recordType: RecordType, institutionId: string, period: string): Promise<IdSet | undefined> {
    const def = recordTypeDef(recordType);
    if (def.identity !== 'event') return undefined;
    const ids = new IdSet();
    await store.idsInForceOutsidePeriod(db, def.table, def.idField, institutionId, period, (batch) => {
      for (const id of batch) ids.add(id);
    });
    return ids;
  }

  private checkPeriod(period: string): string {
    const match = PERIOD.exec(period);
    if (!match) fail('FH_VALIDATION', { field: 'query.period', details: { expected: 'YYYY-MM' } });
    // Periods are calendar months in China: the new one starts at 00:00 Beijing time.
    if (period > chinaMonth()) fail('FH_VALIDATION', { field: 'query.period', details: { reason: 'the period has not started yet' } });
    return period;
  }

  private uploadContext(filingId: string): string {
    return `filing-upload:${filingId}`;
  }

  private async createFiling(
    actor: Actor,
    input: { filingId: string; institutionId: string; jurisdictionCode: string; recordType: RecordType; period: string; contentType: string; storedName: string; resubmission: boolean },
  ): Promise<FilingRow> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const versions = await store.versionsOf(trx, input.institutionId, input.recordType, input.period);
        for (const version of versions) {
          if (!store.IN_FLIGHT.includes(version.status)) continue;
          const stale = version.status !== 'signed' && Date.now() - version.heartbeat_at.getTime() > this.options.staleUploadMs;
          if (!stale) fail('FH_FILING_IN_PROGRESS', { field: 'query.period', details: { filingId: version.filing_id, status: version.status } });
          await this.markInterrupted(trx, version, { role: 'system', id: null }, 'the upload stopped sending data');
        }
        const accepted = versions.find((v) => v.status === 'accepted');
        if (accepted && !input.resubmission) {
          fail('FH_FILING_PERIOD_ACCEPTED', { field: 'query.resubmission', details: { acceptedFilingId: accepted.filing_id, acceptedVersion: accepted.version } });
        }
        const row = await store.insertFiling(trx, {
          filing_id: input.filingId,
          institution_id: input.institutionId,
          jurisdiction_code: input.jurisdictionCode,
          record_type: input.recordType,
          period: input.period,
          version: (versions[0]?.version ?? 0) + 1,
          status: 'received',
          content_type: input.contentType,
          stored_name: input.storedName,
          created_by: `${actor.role}:${actor.id ?? ''}`,
        });
        await this.platform.audit.record(trx, actor, {
          action: 'filing.receive',
          subject: `institution:${input.institutionId}`,
          resource: `filing:${input.filingId}`,
          detail: { recordType: input.recordType, period: input.period, version: row.version, resubmission: Boolean(accepted) },
        });
        return row;
      });
    } catch (error) {
      // Two uploads racing past the check: the partial unique index lets one through.
      if (isUniqueViolation(error)) fail('FH_FILING_IN_PROGRESS', { field: 'query.period', cause: error });
      throw error;
    }
  }

  private async transition(row: FilingRow, to: FilingStatus, actor: Actor, action: string, extra: Record<string, unknown> = {}): Promise<FilingRow> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await store.updateFiling(trx, row.filing_id, { status: to, heartbeat_at: new Date() });
      await this.platform.audit.record(trx, actor, { action, subject: `institution:${row.institution_id}`, resource: `filing:${row.filing_id}`, detail: { from: row.status, to, ...extra } });
      return updated;
    });
  }

  private async recordOutcome(filingId: string, actor: Actor, outcome: ValidationOutcome, fileHash: string, fileBytes: number): Promise<FilingRow> {
    return this.db.transaction().execute(async (trx) => {
      const current = (await store.filingById(trx, filingId, true))!;
      await store.replaceFindings(trx, filingId, outcome.tallies);
      const updated = await store.updateFiling(trx, filingId, {
        status: outcome.status,
        file_hash: fileHash,
        file_bytes: fileBytes,
        encoding: outcome.encoding ?? null,
        record_count: outcome.rowCount,
        error_count: outcome.errorCount,
        warning_count: outcome.warningCount,
        stats: JSON.stringify(outcome.stats),
        validated_at: new Date(),
      });
      const superseded = await store.supersedeUnsigned(trx, current.institution_id, current.record_type, current.period, filingId);
      await this.platform.audit.record(trx, actor, {
        action: 'filing.validated',
        subject: `institution:${current.institution_id}`,
        resource: `filing:${filingId}`,
        detail: { from: current.status, to: outcome.status, rows: outcome.rowCount, errors: outcome.errorCount, warnings: outcome.warningCount, fileHash },
      });
      for (const id of superseded) {
        await this.platform.audit.record(trx, actor, { action: 'filing.supersede', subject: `institution:${current.institution_id}`, resource: `filing:${id}`, detail: { to: 'superseded', by: filingId } });
      }
      return updated;
    });
  }

  /** An upload that did not reach its end: `errors` with an S908 finding naming why. */
  private async recordInterrupted(filingId: string, actor: Actor, error: unknown): Promise<void> {
    const reason =
      error instanceof FhError && error.code === 'FH_PAYLOAD_TOO_LARGE'
        ? `the upload exceeded the limit of ${this.options.uploadLimitBytes} bytes`
        : isClientGone(error)
          ? 'the client disconnected'
          : 'the server could not finish reading the upload';
    await this.db.transaction().execute(async (trx) => {
      const row = await store.filingById(trx, filingId, true);
      if (row && (row.status === 'received' || row.status === 'validating')) await this.markInterrupted(trx, row, actor, reason);
    });
  }

  private async markInterrupted(trx: Kysely<Database>, row: FilingRow, actor: Actor, reason: string): Promise<void> {
    await store.replaceFindings(trx, row.filing_id, [{ editId: 'S908', editClass: 'syntactical', severity: 'error', count: 1, examples: [{ editId: 'S908', rowNumber: 0, values: { reason } }] }]);
    await store.updateFiling(trx, row.filing_id, { status: 'errors', error_count: 1, validated_at: new Date() });
    await this.platform.audit.record(trx, actor, { action: 'filing.interrupted', subject: `institution:${row.institution_id}`, resource: `filing:${row.filing_id}`, detail: { from: row.status, to: 'errors', reason } });
    await rm(path.join(this.uploadDir, row.stored_name), { force: true }).catch(() => {});
  }

  /**
   * Mark uploads whose process died as interrupted (S908), freeing their periods. Any time: no
   * heartbeat for staleUploadMs. At start-up (`atStart`), without waiting: the embedded database
   * is opened by one process only, so every upload still being read belongs to the process that
   * stopped; on PostgreSQL, which several processes may share, an upload whose heartbeat missed
   * three beats.
   */
  async recoverStaleUploads(options: { atStart?: boolean } = {}): Promise<number> {
    const olderThanMs = options.atStart ? (this.platform.database.engine === 'pglite' ? -1 : 3 * HEARTBEAT_MS) : this.options.staleUploadMs;
    const stale = await store.staleUploads(this.db, new Date(Date.now() - olderThanMs));
    for (const row of stale) {
      await this.db.transaction().execute(async (trx) => {
        const locked = await store.filingById(trx, row.filing_id, true);
        if (locked && (locked.status === 'received' || locked.status === 'validating')) await this.markInterrupted(trx, locked, { role: 'system', id: null }, 'the server stopped while reading the upload');
      });
    }
    return stale.length;
  }

  /** Refuse unless the caller may see the filing: its institution, or a supervisor above it. */
  private async visibleFiling(caller: Caller, filingId: string, field = 'params.id'): Promise<FilingRow> {
    const row = await store.filingById(this.db, filingId);
    if (!row) fail('FH_NOT_FOUND', { field });
    this.assertCanSee(caller, row, field);
    return row;
  }

  private assertCanSee(caller: Caller, row: FilingRow, field: string): void {
    const { principal } = caller;
    if (principal.role === 'institution') {
      if (principal.institutionId !== row.institution_id) fail('FH_FORBIDDEN', { field });
      return;
    }
    if (principal.role === 'supervisor') {
      if (!isWithin(row.jurisdiction_code, principal.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field });
      return;
    }
    fail('FH_FORBIDDEN', { field });
  }

  private ownFiling(caller: Caller, row: FilingRow): void {
    if (caller.principal.role !== 'institution' || caller.principal.institutionId !== row.institution_id) fail('FH_FORBIDDEN', { field: 'params.id' });
  }

  /** The view of a filing row, naming its institution. */
  private async view(row: FilingRow): Promise<FilingView> {
    const { uscc, nameZh, nameEn } = await this.registry.getInstitution(row.institution_id);
    return toView(row, { uscc, nameZh, nameEn });
  }

  /** Filings the caller may see, newest first: an institution's own, or those of a supervisor's jurisdiction. */
  async list(
    caller: Caller,
    query: { recordType?: string; period?: string; status?: FilingStatus; institutionId?: string; hideReplaced?: boolean; page: number; pageSize: number },
  ): Promise<{ items: FilingView[]; total: number; page: number; pageSize: number }> {
    const { principal } = caller;
    const filter: store.FilingFilter = {};
    if (principal.role === 'institution') {
      if (query.institutionId && query.institutionId !== principal.institutionId) fail('FH_FORBIDDEN', { field: 'query.institutionId' });
      filter.institutionId = principal.institutionId;
    } else if (principal.role === 'supervisor') {
      filter.jurisdictionPrefix = scopePrefix(principal.jurisdictionCode);
      if (query.institutionId) filter.institutionId = query.institutionId;
    } else {
      fail('FH_FORBIDDEN');
    }
    if (query.recordType) filter.recordType = query.recordType;
    if (query.period) filter.period = query.period;
    if (query.status) filter.status = query.status;
    if (query.hideReplaced) filter.hideReplaced = true;
    const { total, rows } = await store.listFilings(this.db, filter, (query.page - 1) * query.pageSize, query.pageSize);
    const institutions = await this.registry.institutionsByIds([...new Set(rows.map((r) => r.institution_id))]);
    return { items: rows.map((row) => toView(row, institutions.get(row.institution_id) ?? unknownInstitution)), total, page: query.page, pageSize: query.pageSize };
  }

  /** One filing with its finding counts per edit and its receipt id once signed. */
  async get(caller: Caller, filingId: string): Promise<FilingView & { findings: FindingCount[]; receiptId: string | null }> {
    const row = await this.visibleFiling(caller, filingId);
    const [counts, receipt] = await Promise.all([store.findingCounts(this.db, filingId), store.receiptOfFiling(this.db, filingId)]);
    return { ...(await this.view(row)), findings: counts.map((c) => this.describeCount(c)), receiptId: receipt?.receipt_id ?? null };
  }

  private describeCount(count: { editId: string; editClass: string; severity: 'error' | 'warning'; count: number }): FindingCount {
    const edit = editDescription(count.editId);
    return { ...count, zh: edit?.zh ?? count.editId, en: edit?.en ?? count.editId };
  }

  /** Example rows of a filing's findings, paginated, optionally for one edit, with the counts per edit. */
  async findings(
    caller: Caller,
    filingId: string,
    query: { editId?: string; page: number; pageSize: number },
  ): Promise<{ counts: FindingCount[]; items: { editId: string; rowNumber: number; values: Record<string, string> }[]; total: number; page: number; pageSize: number }> {
    await this.visibleFiling(caller, filingId);
    const [counts, page] = await Promise.all([
      store.findingCounts(this.db, filingId),
      store.findingExamples(this.db, filingId, { ...(query.editId ? { editId: query.editId } : {}), offset: (query.page - 1) * query.pageSize, limit: query.pageSize }),
    ]);
    return { counts: counts.map((c) => this.describeCount(c)), ...page, page: query.page, pageSize: query.pageSize };
  }

  /**
   * The findings as CSV for a spreadsheet: one line per field of each example row. Cells that a
   * spreadsheet would run as a formula are prefixed with a quote; UTF-8 with a BOM so that Excel
   * shows Chinese text.
   */
  async findingsCsv(caller: Caller, filingId: string): Promise<string> {
    await this.visibleFiling(caller, filingId);
    const counts = new Map((await store.findingCounts(this.db, filingId)).map((c) => [c.editId, this.describeCount(c)]));
    const lines = [['edit_id', 'edit_class', 'severity', 'finding_count', 'row_number', 'field', 'value', 'message_zh', 'message_en'].join(',')];
    const pageSize = 1000;
    for (let offset = 0; ; offset += pageSize) {
      const { items } = await store.findingExamples(this.db, filingId, { offset, limit: pageSize });
      for (const item of items) {
        const count = counts.get(item.editId);
        const entries: [string, string][] = Object.entries(item.values);
        for (const [field, value] of entries.length > 0 ? entries : [['', ''] as [string, string]]) {
          lines.push([item.editId, count?.editClass ?? '', count?.severity ?? '', String(count?.count ?? ''), String(item.rowNumber), field, value, count?.zh ?? '', count?.en ?? ''].map(csvCell).join(','));
        }
      }
      if (items.length < pageSize) break;
    }
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  /**
   * Verify a filing with warnings: the institution explains every warning edit that fired.
   * `explanations` maps edit id → explanation (at least 5 characters).
   */
  async verify(caller: Caller, filingId: string, explanations: Record<string, string>): Promise<FilingView> {
    const row = await this.visibleFiling(caller, filingId);
    this.ownFiling(caller, row);
    const verified = await this.db.transaction().execute(async (trx) => {
      const locked = (await store.filingById(trx, filingId, true))!;
      if (locked.status !== 'warnings') fail('FH_FILING_STATUS', { field: 'params.id', details: { status: locked.status, required: 'warnings' } });
      const warnings = (await store.findingCounts(trx, filingId)).filter((c) => c.severity === 'warning').map((c) => c.editId);
      const missing = warnings.filter((id) => (explanations[id] ?? '').trim().length < 5);
      if (missing.length > 0) fail('FH_VALIDATION', { field: `body.explanations.${missing[0]}`, details: { missing, minLength: 5 } });
      const extra = Object.keys(explanations).filter((id) => !warnings.includes(id));
      if (extra.length > 0) fail('FH_VALIDATION', { field: `body.explanations.${extra[0]}`, details: { reason: 'not a warning edit of this filing', extra } });
      const kept = Object.fromEntries(warnings.map((id) => [id, explanations[id]!.trim()]));
      const updated = await store.updateFiling(trx, filingId, { status: 'verified', explanations: JSON.stringify(kept), verified_at: new Date() });
      await this.platform.audit.record(trx, caller.actor, { action: 'filing.verify', subject: `institution:${row.institution_id}`, resource: `filing:${filingId}`, reason: Object.entries(kept).map(([id, text]) => `${id}: ${text}`).join('; ').slice(0, 2000), detail: { from: 'warnings', to: 'verified', edits: warnings } });
      return updated;
    });
    return this.view(verified);
  }

  /**
   * Sign a clean or verified filing: the platform signs a receipt over the file hash, the
   * institution, period, version and record count, and the records are loaded. Signing a filing
   * already signed returns its receipt (and retries a load that did not finish).
   */
  async sign(caller: Caller, filingId: string, options: { load?: boolean } & LoadOptions = {}): Promise<{ filing: FilingView; receipt: SignedReceipt }> {
    const row = await this.visibleFiling(caller, filingId);
    this.ownFiling(caller, row);
    const institution = await this.registry.getInstitution(row.institution_id);
    const signer = this.platform.keys.signer;
    const receipt = await this.db.transaction().execute(async (trx) => {
      const locked = (await store.filingById(trx, filingId, true))!;
      if (locked.status === 'signed' || locked.status === 'accepted') {
        const existing = (await store.receiptOfFiling(trx, filingId))!;
        return { receipt: JSON.parse(existing.body) as ReceiptBody, signature: existing.signature };
      }
      if (locked.status !== 'clean' && locked.status !== 'verified') fail('FH_FILING_STATUS', { field: 'params.id', details: { status: locked.status, required: ['clean', 'verified'] } });
      const signedAt = new Date();
      const body: ReceiptBody = {
        receiptId: randomUUID(),
        filingId,
        fileHash: locked.file_hash!,
        hashAlgorithm: 'sha256',
        institution: { id: institution.institutionId, uscc: institution.uscc, nameZh: institution.nameZh, nameEn: institution.nameEn },
        recordType: locked.record_type,
        period: locked.period,
        version: locked.version,
        recordCount: Number(locked.record_count),
        signedAt: signedAt.toISOString(),
        keyId: signer.keyId,
        algorithm: signer.algorithm,
      };
      const signed = signReceipt(body, signer);
      await store.insertReceipt(trx, { receipt_id: body.receiptId, filing_id: filingId, body: JSON.stringify(body), signature: signed.signature, algorithm: body.algorithm, key_id: body.keyId, signed_at: signedAt });
      await store.updateFiling(trx, filingId, { status: 'signed', signed_at: signedAt });
      await this.platform.audit.record(trx, caller.actor, { action: 'filing.sign', subject: `institution:${row.institution_id}`, resource: `filing:${filingId}`, detail: { from: locked.status, to: 'signed', receiptId: body.receiptId, fileHash: body.fileHash } });
      return signed;
    });
    let filing: FilingView;
    if (options.load === false) {
      filing = await this.view((await store.filingById(this.db, filingId))!);
    } else {
      try {
        filing = await this.load(caller.actor, filingId, options);
      } catch (error) {
        // The signature stands. A load the database could not serve is retried by this process
        // (and at start-up, or by POST /v1/filings/:id/load): the filer gets the receipt and the
        // filing `signed`, or 503 when even that cannot be read.
        if (error instanceof FhError && error.status < 500) throw error;
        const now = await store.filingById(this.db, filingId).catch(() => undefined);
        if (!now) throw error;
        filing = await this.view(now);
        if (filing.status !== 'accepted' && !(filing.status === 'signed' && isTransientDatabaseError(error))) throw error;
      }
    }
    return { filing, receipt };
  }

  /** Retry the load of a signed filing for a caller allowed to see it (its institution or supervisor). */
  async loadFor(caller: Caller, filingId: string): Promise<FilingView> {
    await this.visibleFiling(caller, filingId);
    return this.load(caller.actor, filingId);
  }

  /**
   * Load a signed filing into its domain table in ONE bulk transaction: close the rows of the
   * version in force (if any: they stay as history), re-read and re-validate the stored upload,
   * COPY its records, close earlier periods' states of the ids it holds (state record types),
   * enrol the people it names in the vault, mark it accepted and the previous version superseded,
   * audit, and put `filing.accepted` in the outbox. A crash anywhere leaves the previous version
   * in force and this one `signed`, to be loaded again. Loading an accepted filing changes nothing.
   * A load that can never succeed (stored copy damaged or missing, records no longer passing the
   * row edits) moves the filing to `errors` with an S912 finding instead of holding the period.
   */
  async load(actor: Actor, filingId: string, options: LoadOptions = {}): Promise<FilingView> {
    try {
      const view = await this.loadOnce(actor, filingId, options);
      this.loadAttempts.delete(filingId);
      return view;
    } catch (error) {
      // The database went away (or was briefly unable): the filing stays signed and this process
      // tries again, with back-off, until the load is accepted or refused.
      if (isTransientDatabaseError(error)) this.scheduleLoadRetry(filingId, error);
      throw error;
    }
  }

  private async loadOnce(actor: Actor, filingId: string, options: LoadOptions): Promise<FilingView> {
    const row = await store.filingById(this.db, filingId);
    if (!row) fail('FH_NOT_FOUND', { field: 'params.id' });
    if (row.status === 'accepted') return this.view(row);
    if (row.status !== 'signed') fail('FH_FILING_STATUS', { field: 'params.id', details: { status: row.status, required: 'signed' } });
    const recordType = row.record_type as RecordType;
    const def = recordTypeDef(recordType);
    const columns = copyColumns(recordType);
    const institution = await this.registry.getInstitution(row.institution_id);
    const pseudonymizer = this.platform.keys.pseudonymizer;

    let accepted: FilingRow | undefined;
    const loaded = { records: 0 };
    try {
      accepted = await this.loadInTransaction(actor, filingId, { recordType, def, columns, institutionUscc: institution.uscc, pseudonymizer, loaded }, options);
      // Counted once committed; a load that found the filing already accepted loaded nothing.
      if (loaded.records > 0) this.metrics.recordsLoaded.inc({ record_type: recordType }, loaded.records);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (error instanceof BalanceRefused) return this.view(await this.refuseBalances(actor, filingId, error));
      if (error instanceof LoadRefused || error instanceof DamagedUploadError || missing) {
        return this.view(await this.refuseLoad(actor, filingId, 'S912', missing ? 'the stored upload is missing' : (error as Error).message));
      }
      // The database refused the records themselves (a constraint, a value it cannot store):
      // loading again would fail the same way, so the period is freed and the filer told why.
      const state = databaseErrorState(error);
      if (state !== undefined && !isTransientDatabaseError(error)) {
        return this.view(await this.refuseLoad(actor, filingId, 'S913', `the database refused the records (SQLSTATE ${state}): ${(error as Error).message}`));
      }
      throw error;
    }
    // Prompt delivery without waiting for it: the relay publishes after this returns.
    this.platform.events.notify();
    return this.view(accepted ?? (await store.filingById(this.db, filingId))!);
  }

  /**
   * A signed filing whose load can never succeed (its stored copy is damaged, or it no longer
   * passes the row edits) goes to `errors` with an S912 finding, so that it does not hold the
   * period and the institution can upload again. The receipt stays as the record of what was signed.
   */
  private async refuseLoad(actor: Actor, filingId: string, editId: 'S912' | 'S913', reason: string): Promise<FilingRow> {
    this.loadAttempts.delete(filingId);
    return this.db.transaction().execute(async (trx) => {
      const row = (await store.filingById(trx, filingId, true))!;
      if (row.status !== 'signed') return row;
      await store.replaceFindings(trx, filingId, [{ editId, editClass: 'syntactical', severity: 'error', count: 1, examples: [{ editId, rowNumber: 0, values: { reason: reason.slice(0, 500) } }] }]);
      const updated = await store.updateFiling(trx, filingId, { status: 'errors', error_count: 1 });
      await this.platform.audit.record(trx, actor, { action: 'filing.load_refused', subject: `institution:${row.institution_id}`, resource: `filing:${filingId}`, reason, detail: { from: 'signed', to: 'errors', editId } });
      return updated;
    });
  }

  /**
   * A signed filing that would make a loan's balance negative (V031) goes to `errors` with the
   * loans as examples; the load was rolled back, so nothing of it is in force.
   */
  private async refuseBalances(actor: Actor, filingId: string, refused: BalanceRefused): Promise<FilingRow> {
    this.loadAttempts.delete(filingId);
    return this.db.transaction().execute(async (trx) => {
      const row = (await store.filingById(trx, filingId, true))!;
      if (row.status !== 'signed') return row;
      const examples = refused.loans.map((loan) => ({ editId: 'V031', rowNumber: 0, values: { loan_id: loan.loan_id, principal_fen: String(loan.principal_fen), principal_repaid_fen: String(loan.repaid_fen) } }));
      await store.replaceFindings(trx, filingId, [{ editId: 'V031', editClass: 'validity', severity: 'error', count: refused.loans.length, examples }]);
      const updated = await store.updateFiling(trx, filingId, { status: 'errors', error_count: refused.loans.length });
      await this.platform.audit.record(trx, actor, { action: 'filing.load_refused', subject: `institution:${row.institution_id}`, resource: `filing:${filingId}`, reason: refused.message, detail: { from: 'signed', to: 'errors', editId: 'V031' } });
      return updated;
    });
  }

  /** Try the load of a signed filing again after a delay that grows with each failed attempt. */
  private scheduleLoadRetry(filingId: string, error: unknown): void {
    if (this.closed || this.retryTimers.has(filingId)) return;
    const attempt = (this.loadAttempts.get(filingId) ?? 0) + 1;
    this.loadAttempts.set(filingId, attempt);
    const delays = this.options.loadRetryDelaysMs;
    const delay = delays[Math.min(attempt, delays.length) - 1] ?? 1000;
    this.options.log(`filing ${filingId}: load failed (${(error as Error).message}); attempt ${attempt + 1} in ${delay} ms`);
    const timer = setTimeout(() => {
      this.retryTimers.delete(filingId);
      // A failure schedules the next attempt itself (load); anything else is in the filing's status.
      this.load({ role: 'system', id: null }, filingId).then(
        (view) => this.options.log(`filing ${filingId}: load retried: ${view.status}`),
        (failure: unknown) => {
          if (!isTransientDatabaseError(failure)) this.options.log(`filing ${filingId}: load retry failed: ${(failure as Error).message}`);
        },
      );
    }, delay);
    // Retries never keep a stopping process alive.
    timer.unref();
    this.retryTimers.set(filingId, timer);
  }

  /** Filings whose load waits for a retry in this process (for readiness checks and tests). */
  pendingLoadRetries(): string[] {
    return [...this.retryTimers.keys()];
  }

  /** How many loads of a filing have failed in this process since its last success (for diagnostics and tests). */
  failedLoadAttempts(filingId: string): number {
    return this.loadAttempts.get(filingId) ?? 0;
  }

  /** Stop retrying loads (the process is stopping); signed filings are loaded again at the next start. */
  close(): void {
    this.closed = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
  }

  private async loadInTransaction(
    actor: Actor,
    filingId: string,
    plan: { recordType: RecordType; def: ReturnType<typeof recordTypeDef>; columns: readonly string[]; institutionUscc: string; pseudonymizer: Platform['keys']['pseudonymizer']; loaded: { records: number } },
    options: LoadOptions,
  ): Promise<FilingRow | undefined> {
    const { recordType, def, columns, pseudonymizer } = plan;
    return withBulkTransaction(this.platform.database, async (tx) => {
      const locked = await store.filingById(tx.db, filingId, true);
      if (!locked || locked.status === 'accepted') return locked;
      if (locked.status !== 'signed') fail('FH_FILING_STATUS', { field: 'params.id', details: { status: locked.status, required: 'signed' } });
      const previous = (await store.versionsOf(tx.db, locked.institution_id, locked.record_type, locked.period)).find((v) => v.status === 'accepted');
      if (previous) await store.filingById(tx.db, previous.filing_id, true);
      // One instant for the whole load: the new rows are in force from it, the replaced ones until it.
      const now = new Date();
      const closed = previous ? await store.closeDomainRows(tx.db, def.table, previous.filing_id, now) : 0;
      await store.deleteDomainRows(tx.db, def.table, filingId);

      // Checked again at load (before the COPY holds the connection): another period accepted since validation may hold an id.
      const acceptedIds = await this.acceptedEventIds(tx.db, recordType, locked.institution_id, locked.period);
      // Parsing (this process) and COPY (the database's) run at once: rows go through a bounded
      // channel into one COPY, so the two cores share the work and memory stays flat.
      const channel = new RowChannel(2);
      const context = { filingId, institutionId: locked.institution_id, validFrom: now.toISOString(), pseudonymizer };
      const copying = tx.copyText(def.table, columns, channel.pieces(options.onProgress));
      // A COPY that fails (the connection lost mid-load) stops the reading too; awaited below.
      copying.catch((error: unknown) => channel.fail(error));
      const hash = createHash('sha256');
      const source = tap(readEncryptedFile(path.join(this.uploadDir, locked.stored_name), this.platform.keys.vault, this.uploadContext(filingId)), (chunk) => {
        hash.update(chunk);
      });
      let outcome: Awaited<ReturnType<typeof validateFile>>;
      try {
        outcome = await validateFile(source, {
          recordType,
          period: locked.period,
          institutionUscc: plan.institutionUscc,
          format: FORMATS[locked.content_type] ?? 'csv',
          previousStats: null,
          ...(acceptedIds ? { acceptedIds } : {}),
          copy: { ...context, onText: (text, rows) => channel.push(text, rows) },
        });
        channel.close();
      } catch (error) {
        channel.fail(error);
        await copying.catch(() => {});
        throw error;
      }
      const copied = await copying;
      const fileHash = hash.digest('hex');
      if (fileHash !== locked.file_hash) throw new LoadRefused(`filing ${filingId}: the stored upload hashes to ${fileHash}, the signed receipt says ${locked.file_hash}`);
      // Macro edits compare against other filings and may differ now; the row edits must not.
      const rowErrors = outcome.tallies.filter((t) => t.severity === 'error' && t.editClass !== 'macro');
      if (rowErrors.length > 0 || copied !== Number(locked.record_count)) {
        throw new LoadRefused(`filing ${filingId}: re-validation at load found ${rowErrors.map((t) => `${t.editId}×${t.count}`).join(', ') || 'no errors'} and ${copied} of ${locked.record_count} records`);
      }
      // A state record's newest period is its state in force; earlier periods' rows become history.
      const states = def.identity === 'state' ? await store.supersedeStates(tx.db, def.table, def.idField, locked.institution_id, filingId, locked.period, now) : null;
      // V031: with these rows in force no loan may owe less than nothing; otherwise nothing of the filing stays.
      // A loan filing can lower a principal already repaid only when it corrects an earlier version
      // (a loan is filed for the month it is signed, before its instalments): first versions are not checked.
      if (recordType === 'repayment' || (recordType === 'loan' && locked.version > 1)) {
        const negative = await store.negativeBalances(tx.db, recordType === 'loan' ? 'filed_loan' : 'filed_repayment', locked.institution_id, filingId);
        if (negative.length > 0) throw new BalanceRefused(negative);
      }
      if (previous) {
        await store.updateFiling(tx.db, previous.filing_id, { status: 'superseded', superseded_at: now });
        await this.platform.audit.record(tx.db, actor, { action: 'filing.supersede', subject: `institution:${locked.institution_id}`, resource: `filing:${previous.filing_id}`, detail: { from: 'accepted', to: 'superseded', by: filingId, rowsClosed: closed } });
      }
      const updated = await store.updateFiling(tx.db, filingId, { status: 'accepted', accepted_at: now });
      await this.platform.audit.record(tx.db, actor, {
        action: 'filing.accept',
        subject: `institution:${locked.institution_id}`,
        resource: `filing:${filingId}`,
        detail: { from: 'signed', to: 'accepted', records: copied, replaced: previous?.filing_id ?? null, ...(states ? { earlierStatesClosed: states.earlierClosed, laterStatesKept: states.laterKept } : {}) },
      });
      await this.platform.events.enqueue(tx.db, 'filing.accepted', { filingId, institutionId: locked.institution_id, recordType, period: locked.period, version: locked.version, records: copied });
      plan.loaded.records = copied;
      return updated;
    });
  }

  /** Load every filing left `signed` (a load that crashed or never ran); run at start-up. */
  async resumePendingLoads(onError: (filingId: string, error: unknown) => void = () => {}): Promise<string[]> {
    const loaded: string[] = [];
    for (const row of await store.signedFilings(this.db)) {
      try {
        const filing = await this.load({ role: 'system', id: null }, row.filing_id);
        if (filing.status === 'accepted') loaded.push(row.filing_id);
        else onError(row.filing_id, new Error(`not loaded: ${filing.status}`));
      } catch (error) {
        onError(row.filing_id, error);
      }
    }
    return loaded;
  }

  /**
   * A `filing.accepted` event for every filing in force, oldest first: the backfill of a consumer
   * that subscribes after the outbox no longer holds the events of those filings.
   *
   * @example await platform.events.subscribe('filing.accepted', 'credit', handler, { backfill: () => filing.acceptedFilingEvents() })
   */
  async acceptedFilingEvents(): Promise<EventPayloads['filing.accepted'][]> {
    return (await store.acceptedFilings(this.db)).map((row) => ({
      filingId: row.filing_id,
      institutionId: row.institution_id,
      recordType: row.record_type as RecordType,
      period: row.period,
      version: row.version,
      records: Number(row.record_count ?? 0),
    }));
  }

  /**
   * When each institution first had a filing accepted for each record type and period (a later
   * resubmission does not move it): what reporting deadlines are held against.
   */
  async firstAcceptances(institutionIds: readonly string[]): Promise<{ institutionId: string; recordType: RecordType; period: string; acceptedAt: Date }[]> {
    return (await store.firstAcceptances(this.db, institutionIds)).map((row) => ({ institutionId: row.institution_id, recordType: row.record_type as RecordType, period: row.period, acceptedAt: new Date(row.first_accepted_at) }));
  }

  /** A receipt, for its institution or a supervisor above it. */
  async receipt(caller: Caller, receiptId: string): Promise<SignedReceipt> {
    const row = await store.receiptById(this.db, receiptId);
    if (!row) fail('FH_NOT_FOUND', { field: 'params.id' });
    const filing = (await store.filingById(this.db, row.filing_id))!;
    this.assertCanSee(caller, filing, 'params.id');
    return { receipt: JSON.parse(row.body) as ReceiptBody, signature: row.signature };
  }

  /** Check a stored receipt's signature with the platform's public key. */
  async verifyStoredReceipt(caller: Caller, receiptId: string): Promise<ReceiptCheck & { receiptId: string; keyId: string; algorithm: string }> {
    const document = await this.receipt(caller, receiptId);
    const key = this.publicKey();
    return { ...verifyReceipt(document, key), receiptId, keyId: key.keyId, algorithm: key.algorithm };
  }

  /** Check any receipt document against the platform's public key (what `fenghuo verify-receipt` does offline). */
  checkReceipt(document: unknown): ReceiptCheck {
    return verifyReceipt(document, this.publicKey());
  }

  /**
   * What supervisory figures over these institutions are as of: the newest period with an accepted
   * filing, and when the last filing of that period was accepted. Null when nothing was accepted.
   */
  async dataAsOf(institutionIds: readonly string[]): Promise<{ period: string; acceptedAt: string } | null> {
    const latest = await store.latestAcceptedPeriod(this.db, institutionIds);
    return latest ? { period: latest.period, acceptedAt: latest.acceptedAt.toISOString() } : null;
  }

  /**
   * "As of" read by date: the filed records of `recordType` that were the versions in force at
   * the instant `at` (what the platform held then, before any later resubmission or period),
   * optionally of one institution or one party (a consumer's pseudonym or an organisation's key).
   * Rows as stored (snake_case columns, people as pseudonyms). For capabilities reading filed
   * data; they decide who may see what.
   */
  async recordsInForceAt(recordType: RecordType, at: Date, scope: store.DomainScope = {}): Promise<Record<string, unknown>[]> {
    const def = recordTypeDef(recordType);
    return store.domainRowsInForceAt(this.db, def.table, def.idField, at, scope);
  }

  /**
   * "As of" read by period: the filed records of `recordType` at the end of `period` ('YYYY-MM')
   * as the accepted filings now say — for a state record type, each record's newest state filed
   * for that period or before; for an event type, every event filed for that period or before.
   * Same scope and row shape as recordsInForceAt.
   */
  async recordsAtPeriodEnd(recordType: RecordType, period: string, scope: store.DomainScope = {}): Promise<Record<string, unknown>[]> {
    if (!PERIOD.test(period)) fail('FH_VALIDATION', { field: 'period', details: { expected: 'YYYY-MM' } });
    const def = recordTypeDef(recordType);
    return store.domainRowsAtPeriodEnd(this.db, def.table, def.idField, period, scope);
  }

  /** Rows of a filing in force in its domain table (for checks and tests). */
  async domainRowCount(filingId: string): Promise<number> {
    const row = await store.filingById(this.db, filingId);
    if (!row) fail('FH_NOT_FOUND', { field: 'filingId' });
    return store.countDomainRows(this.db, recordTypeDef(row.record_type as RecordType).table, filingId);
  }
}

/**
 * A bounded hand-over of COPY text from the parser to a COPY: `push` waits while `capacity`
 * pieces are queued, `pieces()` yields them in order until `close` (reporting the rows handed to
 * the COPY so far after each piece), and `fail` ends both sides.
 */
class RowChannel {
  private readonly queue: { text: string; rows: number }[] = [];
  private closed = false;
  private failure: unknown;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  constructor(private readonly capacity: number) {}

  async push(text: string, rows: number): Promise<void> {
    while (this.queue.length >= this.capacity && this.failure === undefined) await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    if (this.failure !== undefined) throw this.failure;
    this.queue.push({ text, rows });
    this.wakeConsumer?.();
  }

  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
  }

  fail(error: unknown): void {
    this.failure = error ?? new Error('load failed');
    this.wakeConsumer?.();
    this.wakeProducer?.();
  }

  async *pieces(onProgress?: LoadOptions['onProgress']): AsyncGenerator<string> {
    let count = 0;
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const piece = this.queue.shift();
      if (piece) {
        this.wakeProducer?.();
        yield piece.text;
        count += piece.rows;
        if (onProgress) await onProgress(count);
        continue;
      }
      if (this.closed) break;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
    if (onProgress) await onProgress(count);
  }
}

/** A CSV cell, safe to open in a spreadsheet: formula-like text is prefixed with a quote. */
export function csvCell(value: string): string {
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
