import { existsSync } from 'node:fs';
import { readdir, readFile, mkdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Config } from './config.js';
import { imageFileFor, readImage, unpackImage } from './pglite-image.js';

/**
 * The tables of every capability. Each capability adds its own tables from its own folder by
 * module augmentation (`declare module '../platform/database.js' { interface Database { … } }`),
 * so that the schema of a capability lives beside its store.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface Database {}

export type Db = Kysely<Database>;

export type Engine = 'pglite' | 'postgres';

/** An open database: the typed query layer plus what the platform needs of the engine itself. */
export interface DatabaseHandle {
  readonly db: Db;
  readonly engine: Engine;
  /** Run a script of several SQL statements (migrations). */
  execScript(script: string): Promise<void>;
  /** Cheap round trip, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The embedded engine, when it is PGlite (bulk COPY uses it). */
  readonly pglite?: PGlite;
  /** The connection pool, when it is PostgreSQL (bulk COPY uses it). */
  readonly pool?: pg.Pool;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

// Both engines must hand back the same JavaScript types: int8 (money in fen, counts) as number,
// numeric (rates) as number, date as the plain 'YYYY-MM-DD' string (never a local-midnight Date).
const toNumber = (value: string): number => Number(value);
const asText = (value: string): string => value;

/** Open PGlite under the data directory, or PostgreSQL when `databaseUrl` is set. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, options: PgliteOptions = {}): Promise<DatabaseHandle> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  const dir = path.join(config.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  return openPglite(dir, options);
}

export interface PgliteOptions {
  /**
   * The ready-made database a new data directory starts from (see pglite-image.ts); default: the
   * image for the installed PGlite version. False runs initdb instead.
   */
  imageFile?: string | false;
  /**
   * An in-memory database starts as this dump of a data directory (PGlite's `dumpDataDir`) rather
   * than from the image: tests start many databases from one already migrated. Default: none.
   */
  dump?: Blob;
  /** Told how the database was created (from the image, or by initdb and why). */
  log?: (line: string) => void;
}

const engineSettings = {
  parsers: { [pgliteTypes.INT8]: toNumber, [pgliteTypes.NUMERIC]: toNumber, [pgliteTypes.DATE]: asText },
  // PostgreSQL's default 128 MB of shared buffers is allocated and touched when the embedded
  // engine starts, whatever the database holds; 16 MB keeps a small machine's first start small,
  // and the operating system's file cache still holds what the buffers do not.
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
};

/**
 * Open an embedded PGlite database; `dataDir` undefined keeps it in memory (tests). A new
 * database is unpacked from the ready-made image rather than made by initdb, which costs far
 * more memory and time; an image of another PGlite version, or one that fails to load, falls
 * back to initdb.
 */
export async function openPglite(dataDir?: string, options: PgliteOptions = {}): Promise<DatabaseHandle> {
  const log = options.log ?? (() => {});
  let pglite: PGlite | undefined;
  const isNew = !dataDir || !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!dataDir && options.dump) pglite = await PGlite.create({ loadDataDir: options.dump, ...engineSettings });
  else if (isNew && options.imageFile !== false) {
    const imageFile = options.imageFile ?? imageFileFor();
    try {
      if (dataDir) {
        // On disk the image is unpacked without the engine, which then opens it as it found it.
        await unpackImage(imageFile, dataDir);
        pglite = await PGlite.create({ dataDir, ...engineSettings });
      } else {
        pglite = await PGlite.create({ loadDataDir: await readImage(imageFile), ...engineSettings });
      }
      log(`database created from the image ${path.basename(imageFile)}`);
    } catch (error) {
      await pglite?.close().catch(() => {});
      pglite = undefined;
      log(`database image not used (${(error as Error).message}); creating the database with initdb`);
      // A database the engine failed to open from the image would be taken for one: start from nothing.
      if (dataDir) {
        await rm(dataDir, { recursive: true, force: true });
        await mkdir(dataDir, { recursive: true });
      }
    }
  }
  pglite ??= await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...engineSettings });
  const engine = pglite;
  await dropRowArrayParsers(engine);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(engine) });
  return {
    db,
    engine: 'pglite',
    pglite: engine,
    async execScript(script) {
      await engine.exec(script);
    },
    async ping() {
      await engine.query('select 1');
    },
    async close() {
      await db.destroy();
      if (!engine.closed) await engine.close();
    },
  };
}

/**
 * PGlite copies its whole map of result parsers for every query, and at start it adds one for the
 * array type of every composite type there is (each table's and catalog view's rows, some 270 of
 * the 320): that copy was most of the engine's own cost of a short query. No query reads an array
 * of rows (a table made after the engine started never had such a parser either), so they go.
 */
async function dropRowArrayParsers(engine: PGlite): Promise<void> {
  const rows = await engine.query<{ typarray: number }>(`select typarray from pg_type where typtype = 'c' and typarray <> 0`);
  for (const { typarray } of rows.rows) {
    delete engine.parsers[typarray];
    delete engine.serializers[typarray];
  }
}

/** Open a pool on a PostgreSQL server. */
export async function openPostgres(connectionString: string, poolSize = 10): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser(oid: number, format?: 'text' | 'binary') {
        if (oid === INT8 || oid === NUMERIC) return toNumber;
        if (oid === DATE) return asText;
        return pg.types.getTypeParser(oid, format);
      },
    } as pg.CustomTypesConfig,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // A client that loses its server while checked out also emits 'error'; its query already
  // fails with the cause, so the event must not become an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    pool,
    async execScript(script) {
      await pool.query(script);
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await db.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Bulk transactions: one transaction on one connection, with COPY for loading many rows.

/** A transaction that can also bulk-load rows with COPY on the same connection. */
export interface BulkTransaction {
  /** A Kysely transaction (isTransaction true) on the connection the COPY uses. */
  readonly db: Kysely<Database>;
  /**
   * Append rows to `table` with `COPY … FROM STDIN` (PostgreSQL) or `COPY … FROM '/dev/blob'`
   * (PGlite), in COPY's text format; values are strings, numbers, booleans, bigints, Dates,
   * null (→ NULL) or plain objects (→ JSON text). Returns the number of rows copied.
   */
  copyRows(table: string, columns: readonly string[], rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>): Promise<number>;
  /**
   * Like copyRows, for rows the caller already wrote in COPY's text format (each line ended by
   * '\n', values escaped as copyTextValue does): the pieces go to the database as they are, in
   * any sizes that end on a line. Returns the number of rows the database copied.
   */
  copyText(table: string, columns: readonly string[], pieces: AsyncIterable<string> | Iterable<string>): Promise<number>;
}

export { copyTextOfString, copyTextValue } from './copy-text.js';
import { copyTextValue } from './copy-text.js';

function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

function copyStatement(table: string, columns: readonly string[], source: string): string {
  if (columns.length === 0) throw new Error('COPY needs at least one column');
  return `COPY ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) FROM ${source}`;
}

/** Lines of COPY text in pieces of about `pieceSize` characters, so that no piece holds a whole load. */
async function* copyTextPieces(rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>, width: number, counter: { rows: number }, pieceSize = 256 * 1024): AsyncGenerator<string> {
  let piece = '';
  for await (const row of rows) {
    if (row.length !== width) throw new Error(`COPY row ${counter.rows + 1} has ${row.length} values for ${width} columns`);
    piece += copyTextValue(row[0]);
    for (let i = 1; i < width; i++) piece += `\t${copyTextValue(row[i])}`;
    piece += '\n';
    counter.rows++;
    if (piece.length >= pieceSize) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

/**
 * Run `fn` in one transaction on one connection, with a Kysely transaction for ordinary queries
 * (the audit log records inside it) and `copyRows` for bulk loads. Commits when `fn` resolves,
 * rolls back everything (copied rows included) when it throws.
 *
 * @example await withBulkTransaction(handle, async (tx) => { await tx.db.deleteFrom('loan').where(…).execute(); await tx.copyRows('loan', columns, rows); })
 */
export async function withBulkTransaction<T>(handle: DatabaseHandle, fn: (tx: BulkTransaction) => Promise<T>): Promise<T> {
  if (handle.pool) return withPostgresBulkTransaction(handle.pool, fn);
  if (handle.pglite) return withPgliteBulkTransaction(handle, handle.pglite, fn);
  throw new Error('bulk transactions need PGlite or a PostgreSQL pool');
}

async function withPostgresBulkTransaction<T>(pool: pg.Pool, fn: (tx: BulkTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A Kysely instance whose "pool" is this one client, so its transaction and the COPY share the session.
  const single = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        connect: async () => ({ query: client.query.bind(client), release: () => {} }) as unknown as pg.PoolClient,
        end: async () => {},
      },
    }),
  });
  try {
    return await single.transaction().execute(async (trx) => {
      const tx: BulkTransaction = {
        db: trx,
        copyRows: (table, columns, rows) => copyRowsAsText(tx, table, columns, rows),
        async copyText(table, columns, pieces) {
          const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
          let failure: Error | undefined;
          const done = new Promise<void>((resolve, reject) => {
            stream.on('finish', resolve);
            stream.on('error', (error: Error) => {
              failure ??= error;
              reject(error);
            });
          });
          // A connection lost mid-COPY (pg_terminate_backend) fails the stream while pieces are
          // still being produced: the failure is taken below, never left as an unhandled rejection.
          done.catch(() => {});
          try {
            for await (const piece of pieces) {
              if (failure) throw failure;
              // Wait for room, or for the failure that means there will never be any.
              if (!stream.write(piece)) await Promise.race([new Promise<void>((resolve) => stream.once('drain', resolve)), done]);
            }
            if (failure) throw failure;
          } catch (error) {
            // Abort the COPY so the server reports it and the transaction rolls back.
            stream.destroy(error as Error);
            await done.catch(() => {});
            throw error;
          }
          stream.end();
          await done;
          return stream.rowCount;
        },
      };
      return fn(tx);
    });
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken = error as Error;
    throw error;
  } finally {
    await single.destroy();
    client.release(broken);
  }
}

/** Rows of values through an engine's text COPY, counting the rows sent. */
async function copyRowsAsText(tx: BulkTransaction, table: string, columns: readonly string[], rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>): Promise<number> {
  const counter = { rows: 0 };
  await tx.copyText(table, columns, copyTextPieces(rows, columns.length, counter));
  return counter.rows;
}

async function withPgliteBulkTransaction<T>(handle: DatabaseHandle, pglite: PGlite, fn: (tx: BulkTransaction) => Promise<T>): Promise<T> {
  // The PGlite dialect hands out its single session one transaction at a time; a COPY issued on the
  // engine while this transaction holds the session runs inside it.
  return handle.db.transaction().execute(async (trx) => {
    const tx: BulkTransaction = {
      db: trx,
      copyRows: (table, columns, rows) => copyRowsAsText(tx, table, columns, rows),
      async copyText(table, columns, pieces) {
        let copied = 0;
        const statement = copyStatement(table, columns, "'/dev/blob'");
        // PGlite reads COPY input from one Blob; load in slices so memory stays bounded.
        let parts: string[] = [];
        let size = 0;
        const flush = async () => {
          if (parts.length === 0) return;
          copied += (await pglite.query(statement, [], { blob: new Blob(parts) })).affectedRows ?? 0;
          parts = [];
          size = 0;
        };
        for await (const piece of pieces) {
          parts.push(piece);
          size += piece.length;
          if (size >= 4 * 1024 * 1024) await flush();
        }
        await flush();
        return copied;
      },
    };
    return fn(tx);
  });
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '55000']);

/** Seconds a client should wait before retrying a request the database could not serve (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** True when an error means the database cannot be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_ERRORS.has(code)) return true;
      // SQLSTATE class 08 (connection exception), 57P01-57P03 (terminated by the administrator,
      // crash shutdown, cannot connect now), 53300 (too many connections), 55000 (the database is
      // not accepting connections).
      if (code.startsWith('08') || UNAVAILABLE_STATES.has(code)) return true;
    }
    // The drivers' own words for a connection they lost or closed: pg after a connection error or
    // for a closed client, pg-pool's connect timeout, PGlite closed or closing.
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|is not queryable|PGlite is clos(ed|ing)/i.test(message)) {
      return true;
    }
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** The SQLSTATE of an error the database raised (or that one wraps), if it is one. */
export function databaseErrorState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE classes start with a digit, or are HV, P0, XX or F0 (never a Node error code like EPERM).
    if (typeof code === 'string' && /^([0-9][0-9A-Z]|HV|P0|XX|F0)[0-9A-Z]{3}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * True when trying the same work again later may succeed: the database is unreachable, or it
 * refused for the moment (serialization failure or deadlock, class 40; out of resources, class
 * 53; a cancelled statement, 57014; a lock not available, 55P03).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  const state = databaseErrorState(error);
  return state !== undefined && (state.startsWith('40') || state.startsWith('53') || state === '57014' || state === '55P03');
}

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Apply the plain-SQL migrations in `migrations/` that have not run yet, in name order, each in
 * its own transaction. A migration that was applied and later edited stops the start.
 */
export async function migrate(handle: DatabaseHandle, dir = migrationsDir): Promise<string[]> {
  // One session for the whole run: the advisory lock that keeps concurrent starters apart is per session.
  const client = handle.pool ? await handle.pool.connect() : undefined;
  const run = async (script: string): Promise<{ rows: unknown[] }> => {
    if (client) return client.query(script);
    const results = await handle.pglite!.exec(script);
    return { rows: results.at(-1)?.rows ?? [] };
  };
  try {
    if (client) await run('select pg_advisory_lock(727001)');
    await run(`create table if not exists schema_migration (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = (await run('select name, checksum from schema_migration')).rows as { name: string; checksum: string }[];
    const known = new Map(done.map((r) => [r.name, r.checksum]));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
    const applied: string[] = [];
    for (const file of files) {
      const script = await readFile(path.join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(script).digest('hex');
      const previous = known.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${file} was changed after it was applied`);
        continue;
      }
      try {
        await run(`begin;\n${script}\n;\ninsert into schema_migration (name, checksum) values ('${file.replace(/'/g, "''")}', '${checksum}');\ncommit;`);
      } catch (error) {
        await run('rollback').catch(() => {});
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
    }
    return applied;
  } finally {
    if (client) {
      await client.query('select pg_advisory_unlock(727001)').catch(() => {});
      client.release();
    }
  }
}
