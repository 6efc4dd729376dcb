/**
 * What every benchmark runner shares: statistics of repeated runs, peak memory, the PostgreSQL
 * admin connection its scratch databases are made and dropped with, and a child process per
 * measured run that prints its result as the last line of its output.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The admin URL of the PostgreSQL server the benchmarks make their scratch databases on. */
export const POSTGRES_ADMIN_URL = process.env.FH_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The median of some measurements (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** This process's peak resident memory so far, in MB (resourceUsage().maxRSS is in KiB). */
export function maxRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Run one statement on the admin connection (create or drop a scratch database). */
export async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Run `script` again in a child process with `args` (each measured run starts from a fresh
 * process) and resolve with the JSON object on the last line it prints; its stderr is passed
 * through so that its progress shows.
 */
export function runChild(script: string, args: readonly string[], options: { cwd: string; maxOldSpaceMb?: number }): Promise<Record<string, unknown>> {
  const node = [...(options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : []), '--import', 'tsx', script, ...args];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, node, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    proc.stdout.on('data', (part: Buffer) => (output += part.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`child ${args.join(' ')} exited ${code}: ${output.slice(-2000)}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`child ${args.join(' ')} printed no result: ${output.slice(-2000)}`));
      }
    });
  });
}

/** Where one measured run keeps its data: a data directory and, on PostgreSQL, a database of its own. */
export interface ScratchEnvironment {
  /** The platform's environment: DATA_DIR, DATABASE_URL on PostgreSQL, no demo data, no logs. */
  env: Record<string, string>;
  dataDir: string;
  /** The scratch database's name (made only on PostgreSQL). */
  database: string;
  /** Drop the database and remove the data directory. */
  remove(): Promise<void>;
}

/** Make the data directory and (on PostgreSQL) the database one run of benchmark `name` works in. */
export async function scratchEnvironment(name: string, engine: 'postgres' | 'pglite', options: { dataDir?: string } = {}): Promise<ScratchEnvironment> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `fh-bench-${name}-`));
  const database = `fh_bench_${name.replace(/\W/g, '_')}_${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = { DATA_DIR: dataDir, FH_DEMO: 'false', LOG_LEVEL: 'silent' };
  if (engine === 'postgres') {
    await adminQuery(`create database ${database}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
  }
  return {
    env,
    dataDir,
    database,
    async remove() {
      if (engine === 'postgres') await adminQuery(`drop database if exists ${database} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
