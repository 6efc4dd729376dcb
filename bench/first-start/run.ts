/**
 * The first-start benchmark (`npm run bench:first-start -- --runs 3`).
 *
 * Starts the server as `npm start` does (`node bin/fenghuo.js serve`, demo data on) on a fresh,
 * empty DATA_DIR, and follows it until /ready answers 200, which it does only once the demo data
 * is loaded and the real server listens. Meanwhile it polls /proc for the server and every
 * process under it:
 *   first_start_peak_rss_mb   the larger of the server's own peak (VmHWM, exact) and the largest
 *                             sum of the resident sets (VmRSS) of the server and its children
 *                             seen at one poll (every 25 ms); the median of --runs starts
 * Each start gets an empty TMPDIR too, so that the TypeScript loader compiles every module as on a
 * fresh checkout. The web UI is built beforehand when web/dist is missing (a separate step, not measured), unless
 * --with-web-build asks for the first start to build it itself (then the first run includes it).
 *
 * Writes the figure into bench/results/filing.json beside what is there, as
 * /work/shared/BENCHMARKS.md describes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../common.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsFile = path.join(repoRoot, 'bench/results/filing.json');
const TARGET_MB = 512;
const POLL_MS = 25;

const log = (line: string) => console.log(`[first-start] ${line}`);

/** A field of /proc/<pid>/status in KiB, or undefined when the process is gone. */
function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the 2nd field after the command name, which is in parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface StartResult {
  peakMb: number;
  serverHwmMb: number;
  treePeakMb: number;
  maxProcesses: number;
  seconds: number;
}

/** One first start on a fresh data directory, measured until ready; the server is stopped after. */
async function firstStart(timeoutSeconds: number): Promise<StartResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fh-first-start-'));
  // A temporary directory of its own, so that the TypeScript loader's compile cache is as cold
  // as on a fresh checkout (a warm one saves it tens of megabytes).
  const tmp = path.join(dataDir, 'tmp');
  mkdirSync(tmp);
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fenghuo.js'), 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, TMPDIR: tmp, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', FH_DEMO: 'true', DATABASE_URL: '', NATS_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const pid = child.pid!;
  let serverHwm = 0;
  let treePeak = 0;
  let maxProcesses = 0;
  const sample = () => {
    const tree = processTree(pid);
    maxProcesses = Math.max(maxProcesses, tree.length);
    let sum = 0;
    for (const p of tree) sum += statusKib(p, 'VmRSS') ?? 0;
    treePeak = Math.max(treePeak, sum);
    serverHwm = Math.max(serverHwm, statusKib(pid, 'VmHWM') ?? 0);
  };
  const poller = setInterval(sample, POLL_MS);
  try {
    const deadline = started + timeoutSeconds * 1000;
    for (;;) {
      if (exited !== undefined) throw new Error(`the server exited with ${exited} before it was ready:\n${output.join('')}`);
      if (Date.now() > deadline) throw new Error(`not ready after ${timeoutSeconds} s:\n${output.join('')}`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200, () => false);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    sample();
    const seconds = (Date.now() - started) / 1000;
    if (!output.join('').includes('demo data loaded')) throw new Error(`ready without loading the demo data:\n${output.join('')}`);
    return { peakMb: Math.round(Math.max(serverHwm, treePeak) / 1024), serverHwmMb: Math.round(serverHwm / 1024), treePeakMb: Math.round(treePeak / 1024), maxProcesses, seconds: Math.round(seconds * 10) / 10 };
  } finally {
    clearInterval(poller);
    if (exited === undefined) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      'with-web-build': { type: 'boolean', default: false },
      'timeout-seconds': { type: 'string', default: '600' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const webIndex = path.join(repoRoot, 'web/dist/index.html');
  if (values['with-web-build']) {
    rmSync(path.join(repoRoot, 'web/dist'), { recursive: true, force: true });
    log('web/dist removed: the first start builds the web UI');
  } else if (!existsSync(webIndex)) {
    log('building the web UI first (not measured)…');
    const built = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the web UI build failed');
  }

  const results: StartResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await firstStart(Number(values['timeout-seconds']));
    results.push(result);
    log(`run ${run}: peak ${result.peakMb} MB (server ${result.serverHwmMb} MB, server + children ${result.treePeakMb} MB, up to ${result.maxProcesses} processes), ready with demo data in ${result.seconds} s`);
  }
  const peaks = results.map((r) => r.peakMb);
  const peak = median(peaks);
  log(`first start peak RSS: median ${peak} MB over ${runs} run(s), spread ${Math.min(...peaks)}–${Math.max(...peaks)} MB (target < ${TARGET_MB} MB)`);

  if (values['no-write']) return;
  const existing = existsSync(resultsFile) ? (JSON.parse(await readFile(resultsFile, 'utf8')) as { metrics?: Record<string, unknown> } & Record<string, unknown>) : { name: 'filing' };
  const command = `npm run bench:first-start -- --runs ${runs}${values['with-web-build'] ? ' --with-web-build' : ''}`;
  const updated = {
    ...existing,
    metrics: {
      ...(existing.metrics ?? {}),
      first_start_peak_rss_mb: peak,
      first_start: {
        command,
        date: new Date().toISOString(),
        machine: `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
        what: 'node bin/fenghuo.js serve (what npm start runs) on an empty DATA_DIR with demo data, until /ready answers 200; peak of the server (VmHWM) or of the server and its children together (VmRSS, polled)',
        peak_rss_mb_spread: [Math.min(...peaks), Math.max(...peaks)],
        server_vmhwm_mb: results.map((r) => r.serverHwmMb),
        tree_peak_rss_mb: results.map((r) => r.treePeakMb),
        ready_seconds: results.map((r) => r.seconds),
        web_ui_built_during_start: values['with-web-build'],
      },
    },
  };
  await mkdir(path.dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(updated, null, 2)}\n`);
  log(`wrote ${path.relative(repoRoot, resultsFile)}`);
}

await main();
