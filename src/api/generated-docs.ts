import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../platform/config.js';
import { openPglite } from '../platform/database.js';
import { ephemeralKeyMaterial } from '../platform/crypto.js';
import { createPlatform, closePlatform } from '../platform/platform.js';
import { renderErrorReference } from '../platform/errors.js';
import { renderStandardReference } from '../filing/edits/reference.js';
import { renderRulebookReference } from '../rulebook/reference.js';
import { buildApp } from './app.js';

export const docsDir = fileURLToPath(new URL('../../docs/', import.meta.url));

/** The OpenAPI 3.1 document, as committed at docs/openapi.json. */
export async function renderOpenApi(): Promise<string> {
  const platform = await createPlatform(loadConfig({ FH_DEMO: 'false' }), { database: await openPglite(), keys: ephemeralKeyMaterial() });
  try {
    const app = await buildApp(platform, { serveWeb: false, logger: false });
    await app.ready();
    const document = app.swagger();
    await app.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await closePlatform(platform);
  }
}

/** Write every generated reference document; returns the paths written. */
export async function writeGeneratedDocs(): Promise<string[]> {
  await mkdir(docsDir, { recursive: true });
  const files: [string, string][] = [
    [`${docsDir}openapi.json`, await renderOpenApi()],
    [`${docsDir}errors.md`, renderErrorReference()],
    [`${docsDir}standard.md`, renderStandardReference()],
    [`${docsDir}rulebook.md`, await renderRulebookReference()],
  ];
  for (const [file, content] of files) await writeFile(file, content);
  return files.map(([file]) => file);
}
