/**
 * What every benchmark runner shares: statistics of repeated runs, peak memory, the PostgreSQL
 * admin connection its scratch databases are made and dropped with, and a child process per
 * measured run that prints its result as the last line of its output.
 */
import { spawn } from 'node:child_process';
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
