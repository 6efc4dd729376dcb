import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { codeLists, recordTypeDef, recordTypes } from '../../standard/standard.js';
import { editCatalogue } from './catalogue.js';
import { renderStandardReference } from './reference.js';
import { parseEdits } from '../parse-edits.js';

describe('docs/standard.md', () => {
  it('is current: regenerate it with `npx tsx src/main.ts docs` when the standard or the edits change', async () => {
    const committed = await readFile(new URL('../../../docs/standard.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderStandardReference());
  });

  it('names every field in both languages, every code and every edit', () => {
    const text = renderStandardReference();
    for (const type of recordTypes) {
      for (const field of recordTypeDef(type).fields) expect(text).toContain(`| \`${field.name}\` | ${field.zh} | ${field.en} |`);
    }
    for (const list of Object.values(codeLists)) for (const code of list.codes) expect(text).toContain(`| \`${code.code}\` | ${code.zh} |`);
    for (const edit of editCatalogue) expect(text).toContain(`| ${edit.id} | ${edit.editClass} |`);
  });

  it('lists the file and system findings S901–S913', () => {
    const text = renderStandardReference();
    const listed = [...text.matchAll(/^\| (S9\d\d) \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(['S901', 'S902', 'S903', 'S904', 'S905', 'S906', 'S907', 'S908', 'S909', 'S910', 'S911', 'S912', 'S913']);
    for (const edit of parseEdits) expect(text).toContain(edit.en);
  });
});
