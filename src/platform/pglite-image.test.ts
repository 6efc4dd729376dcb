import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPglite } from './database.js';
import { imageFileFor, imageMismatch, pgliteVersion, unpackImage } from './pglite-image.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fh-image-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the ready-made PGlite database', () => {
  it('is shipped for the installed PGlite version', async () => {
    const installed = (JSON.parse(await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(pgliteVersion()).toBe(installed);
    expect(existsSync(imageFileFor())).toBe(true);
    expect(imageMismatch(imageFileFor())).toBeUndefined();
  });

  it('refuses an image of another PGlite version or one that names no version', () => {
    expect(imageMismatch(path.join(work, 'pglite-0.0.1.tar.br'))).toMatch(/0\.0\.1/);
    expect(imageMismatch(path.join(work, 'database.tar.br'))).toMatch(/does not name/);
  });

  it('starts a new data directory from the image, then reopens it as an existing database', { timeout: 120_000 }, async () => {
    const dir = path.join(work, 'on-disk');
    const lines: string[] = [];
    const first = await openPglite(dir, { log: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([expect.stringMatching(/from the image/)]);
      // Migrations still run on top of the image.
      expect((await migrate(first)).length).toBeGreaterThan(0);
      await first.pglite!.exec("create table kept (note text); insert into kept values ('still here')");
      expect((await first.pglite!.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
    } finally {
      await first.close();
    }
    expect(existsSync(`${dir}.unpacking`)).toBe(false);

    const again: string[] = [];
    const second = await openPglite(dir, { log: (line) => again.push(line) });
    try {
      expect(again).toEqual([]);
      expect((await second.pglite!.query<{ note: string }>('select note from kept')).rows).toEqual([{ note: 'still here' }]);
      expect(await migrate(second)).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('starts an in-memory database from the image', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const handle = await openPglite(undefined, { log: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([expect.stringMatching(/from the image/)]);
      expect((await handle.pglite!.query<{ n: number }>('select 1 + 1 as n')).rows).toEqual([{ n: 2 }]);
    } finally {
      await handle.close();
    }
  });

  it('leaves nothing behind when an image cannot be unpacked', async () => {
    const broken = path.join(work, `pglite-${pgliteVersion()}.tar.br`);
    await writeFile(broken, brotliCompressSync(Buffer.alloc(2048, 'x')));
    const dir = path.join(work, 'broken');
    await expect(unpackImage(broken, dir)).rejects.toThrow(/not a/);
    expect(existsSync(`${dir}.unpacking`)).toBe(false);
    expect(existsSync(dir)).toBe(false);

    const misnamed = path.join(work, 'pglite-0.0.1.tar.br');
    await copyFile(imageFileFor(), misnamed);
    await expect(unpackImage(misnamed, dir)).rejects.toThrow(/0\.0\.1/);
    expect(await readdir(work)).not.toContain('broken.unpacking');
  });

  it('ignores an image of another PGlite version and creates the database with initdb', { timeout: 300_000 }, async () => {
    const misnamed = path.join(work, 'pglite-0.0.2.tar.br');
    await copyFile(imageFileFor(), misnamed);
    const dir = path.join(work, 'fallback');
    const lines: string[] = [];
    const handle = await openPglite(dir, { imageFile: misnamed, log: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([expect.stringMatching(/not used.*0\.0\.2.*initdb/)]);
      expect((await migrate(handle)).length).toBeGreaterThan(0);
      expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
