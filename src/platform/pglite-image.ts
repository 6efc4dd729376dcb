/**
 * A ready-made PGlite database: the data directory initdb produces, as a brotli-compressed tar.
 *
 * Running initdb inside PGlite costs several hundred megabytes and tens of seconds (it starts a
 * second engine beside the first); unpacking the same directory from this image costs little of
 * either. An image only fits the PGlite build that made it, so its file name carries that
 * version, and an image of another version is never loaded.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants as zlib } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';

const brotliCompressAsync = promisify(brotliCompress);
const brotliDecompressAsync = promisify(brotliDecompress);

export const imageDir = fileURLToPath(new URL('./pglite-image/', import.meta.url));

let installedVersion: string | undefined;

/** The version of the installed PGlite package (the one that would run initdb). */
export function pgliteVersion(): string {
  if (installedVersion) return installedVersion;
  // The package exports no package.json; find it beside the entry point it resolves to.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  for (let depth = 0; depth < 4; depth++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return (installedVersion = pkg.version);
    } catch {
      // not this directory
    }
  }
  throw new Error('cannot find the version of @electric-sql/pglite');
}

/** Where the image for a PGlite version lives (the current version by default). */
export function imageFileFor(version: string = pgliteVersion()): string {
  return path.join(imageDir, `pglite-${version}.tar.br`);
}

/** The PGlite version an image file was made with, read from its name; undefined when the name says none. */
export function imageVersion(file: string): string | undefined {
  return /^pglite-(.+)\.tar\.br$/.exec(path.basename(file))?.[1];
}

/** Why an image cannot be used with the installed PGlite, or undefined when it can. */
export function imageMismatch(file: string): string | undefined {
  const version = imageVersion(file);
  if (version === undefined) return `${path.basename(file)} does not name the PGlite version it was made with`;
  if (version !== pgliteVersion()) return `${path.basename(file)} was made with PGlite ${version}, this is PGlite ${pgliteVersion()}`;
  return undefined;
}

/**
 * The uncompressed tar of an image, ready for PGlite's `loadDataDir`; throws when the image
 * belongs to another PGlite version or cannot be read.
 */
export async function readImage(file: string): Promise<Blob> {
  const mismatch = imageMismatch(file);
  if (mismatch) throw new Error(mismatch);
  // In-memory databases are made many times in one process (tests): unpack the image once.
  let tar = unpackedImages.get(file);
  if (!tar) {
    tar = new Blob([await brotliDecompressAsync(await readFile(file))]);
    unpackedImages.set(file, tar);
  }
  return tar;
}

const unpackedImages = new Map<string, Blob>();

/** An octal number field of a tar header. */
function octal(header: Buffer, start: number, length: number): number {
  const text = header.subarray(start, start + length).toString('latin1').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]*$/.test(text)) throw new Error('the image is not a tar file');
  return text === '' ? 0 : parseInt(text, 8);
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/**
 * Unpack an image into `dataDir` as a database PGlite then opens like any existing one. This
 * never starts the engine on the image, so it costs only the unpacked bytes (the tar is read
 * once, files are written as they come). The files go to a sibling directory first and are
 * moved into place at the end, so a start cut short leaves no half-made database behind.
 */
export async function unpackImage(file: string, dataDir: string): Promise<void> {
  const mismatch = imageMismatch(file);
  if (mismatch) throw new Error(mismatch);
  const tar = await brotliDecompressAsync(await readFile(file));
  const staging = `${dataDir}.unpacking`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    let files = 0;
    for (let offset = 0; offset + 512 <= tar.length; ) {
      const header = tar.subarray(offset, offset + 512);
      if (header.every((byte) => byte === 0)) break;
      if (text(header, 257, 6) !== 'ustar') throw new Error('the image is not a ustar file');
      const prefix = text(header, 345, 155);
      const name = (prefix ? `${prefix}/` : '') + text(header, 0, 100);
      const size = octal(header, 124, 12);
      const type = String.fromCharCode(header[156] || 48);
      const parts = name.split('/').filter((part) => part !== '' && part !== '.');
      if (parts.includes('..')) throw new Error(`the image holds a path outside its directory: ${name}`);
      const target = path.join(staging, ...parts);
      if (type === '5') await mkdir(target, { recursive: true, mode: 0o700 });
      else if (type === '0') {
        await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await writeFile(target, tar.subarray(offset + 512, offset + 512 + size), { mode: 0o600 });
        files++;
      } else throw new Error(`the image holds an entry of tar type ${type}, which a data directory does not`);
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    if (files === 0) throw new Error('the image holds no files');
    await rm(dataDir, { recursive: true, force: true });
    await rename(staging, dataDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Run initdb once in an in-memory PGlite and write its data directory as an image for the
 * installed version. `npm run db:image` calls this after PGlite is upgraded.
 */
export async function buildImage(file: string = imageFileFor()): Promise<{ file: string; bytes: number; tarBytes: number }> {
  const pglite = await PGlite.create();
  try {
    // A checkpoint first, so the image needs no WAL replay when it is opened.
    await pglite.exec('checkpoint');
    const dump = await pglite.dumpDataDir('none');
    const tar = Buffer.from(await dump.arrayBuffer());
    const compressed = await brotliCompressAsync(tar, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_LGWIN]: 24, [zlib.BROTLI_PARAM_SIZE_HINT]: tar.length },
    });
    await writeFile(file, compressed);
    return { file, bytes: compressed.length, tarBytes: tar.length };
  } finally {
    await pglite.close();
  }
}

const invokedPath = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (invokedPath === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { file, bytes, tarBytes } = await buildImage(process.argv[2]);
  console.log(`${path.relative(process.cwd(), file)}: ${(bytes / 1024).toFixed(0)} KiB (${(tarBytes / 1024 / 1024).toFixed(1)} MiB unpacked), ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
