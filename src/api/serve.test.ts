import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../bin/fenghuo.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('fenghuo serve without its database', () => {
  it('stays up, answers liveness, and 503 with FH_DATABASE_UNAVAILABLE until the database comes', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'fh-serve-'));
    // Nothing listens on port 1: the database is unreachable.
    const child = spawn(process.execPath, [cli, 'serve'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/fenghuo', FH_DEMO: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      let code: string | undefined;
      while (code !== 'FH_DATABASE_UNAVAILABLE') {
        if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${output}`);
        const reply = await fetch(`http://127.0.0.1:${port}/v1/public/institutions`).catch(() => undefined);
        if (reply) {
          expect(reply.status).toBe(503);
          expect(reply.headers.get('retry-after')).toBe('5');
          code = ((await reply.json()) as { error: { code: string } }).error.code;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('Fenghuo is starting');
      expect(output).toMatch(/database unreachable \(attempt 1\)/);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
