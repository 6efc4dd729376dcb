/**
 * bench/complaints, evidence part: deposit a 50 MiB recording in the evidence vault over HTTP
 * (an in-process server on loopback, PGlite) and get its signed receipt, sampling the process's
 * resident memory every 10 ms during the upload. The client streams the body too, so the process
 * never holds the file: growth over the baseline is what the server's streaming keeps.
 *
 *   npm run bench:evidence -- --mib 50 --runs 3
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/platform/config.js';
import { openPglite } from '../../src/platform/database.js';
import { imageFileFor } from '../../src/platform/pglite-image.js';
import { ephemeralKeyMaterial } from '../../src/platform/crypto.js';
import { closePlatform, createPlatform } from '../../src/platform/platform.js';
import { buildApp } from '../../src/api/app.js';
import { createServices } from '../../src/api/services.js';
import { verifyEvidenceReceipt, type SignedEvidenceReceipt } from '../../src/evidence/evidence-receipt.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const mib = arg('mib', 50);
const runs = arg('runs', 3);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;

/** An MP4 ("ftyp isom") header and then `total` bytes in 64 KiB blocks, made as they are sent. */
function* recording(total: number): Generator<Buffer> {
  const ftyp = Buffer.alloc(32);
  ftyp.writeUInt32BE(32, 0);
  ftyp.write('ftyp', 4);
  ftyp.write('isom', 8);
  ftyp.write('isom', 16);
  ftyp.write('mp41', 20);
  yield ftyp;
  const block = randomBytes(64 * 1024);
  let sent = ftyp.length;
  while (sent < total) {
    const part = block.subarray(0, Math.min(block.length, total - sent));
    // A fresh copy each time, as a socket hands a server fresh buffers.
    yield Buffer.from(part);
    sent += part.length;
  }
}

function upload(port: number, token: string, total: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/consumer/evidence?fileName=recording.mp4', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4', 'content-length': String(total) } },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      },
    );
    request.on('error', reject);
    void (async () => {
      for (const part of recording(total)) if (!request.write(part)) await new Promise((drained) => request.once('drain', drained));
      request.end();
    })();
  });
}

/** A resident ID number with its check digit (GB 11643). */
function residentId(region: string, birth: string, sequence: number): string {
  const body = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fh-bench-evidence-'));
const config = loadConfig({ DATA_DIR: dataDir, FH_DEMO: 'false', LOG_LEVEL: 'silent' });
const platform = await createPlatform(config, { database: await openPglite(undefined, { imageFile: imageFileFor() }), keys: ephemeralKeyMaterial() });
const services = createServices(platform);
const app = await buildApp(platform, { services, serveWeb: false, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
await app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username: 'bench.evidence', password: 'a long password 2', displayName: 'bench', residentId: residentId('110105', '19900307', 2) } });
const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: 'bench.evidence', password: 'a long password 2' } });
const token = login.json().token as string;
if (!token) throw new Error(`cannot log in: ${login.body}`);
const key = services.evidence.publicKey();
const total = Math.round(mib * 2 ** 20);
const loadBefore = os.loadavg();

const results: { seconds: number; baselineRssMb: number; peakRssMb: number; growthMb: number }[] = [];
try {
  for (let run = 0; run < runs; run++) {
    global.gc?.();
    const baseline = rssMb();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 10);
    const t0 = performance.now();
    const reply = await upload(port, token, total);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssMb());
    if (reply.status !== 201) throw new Error(`upload refused: ${reply.status} ${reply.body}`);
    const item = JSON.parse(reply.body) as { bytes: number; receipt: SignedEvidenceReceipt };
    if (item.bytes !== total || !verifyEvidenceReceipt(item.receipt, key).valid) throw new Error('the receipt does not verify');
    results.push({ seconds: round(seconds), baselineRssMb: round(baseline, 1), peakRssMb: round(peak, 1), growthMb: round(peak - baseline, 1) });
    process.stderr.write(`run ${run + 1}: ${round(seconds)} s, RSS ${round(baseline, 1)} → peak ${round(peak, 1)} MiB\n`);
  }
} finally {
  await app.close();
  await closePlatform(platform);
  await rm(dataDir, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = results.map((r) => r.seconds);
const output = {
  name: 'complaints-evidence',
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; shared with other work: load average (1, 5, 15 min) ${loadBefore.map((v) => round(v)).join(', ')} before`,
  command: `npm run bench:evidence -- --mib ${mib} --runs ${runs}`,
  metrics: {
    evidence_50mb_seconds: median(seconds),
    evidence_50mb_seconds_spread: [Math.min(...seconds), Math.max(...seconds)],
    evidence_peak_rss_mb: Math.max(...results.map((r) => r.peakRssMb)),
    evidence_rss_growth_mb: Math.max(...results.map((r) => r.growthMb)),
    file_mib: mib,
  },
  notes: 'One process holds server, PGlite and the streaming client; RSS is the whole process, sampled every 10 ms during the upload. The file is encrypted (AES-256-GCM, 256 KiB chunks) and hashed (SHA-256) as it arrives; the reply carries the signed receipt, verified here.',
  runs: results,
};
console.log(JSON.stringify(output, null, 2));
await mkdir(path.join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(path.join(repoRoot, 'bench/results/complaints-evidence.json'), `${JSON.stringify(output, null, 2)}\n`);
