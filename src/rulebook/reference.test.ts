import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { featureCatalogue } from './features.js';
import { readRuleFiles } from './files.js';
import { renderRulebookReference } from './reference.js';

describe('docs/rulebook.md', () => {
  it('is current: regenerate it with `npx fenghuo docs` when a rule file or a feature changes', async () => {
    const committed = await readFile(new URL('../../docs/rulebook.md', import.meta.url), 'utf8');
    expect(committed).toBe(await renderRulebookReference());
  });

  it('documents every feature and every national rule with its article', async () => {
    const text = await renderRulebookReference();
    for (const feature of featureCatalogue) expect(text).toContain(`| \`${feature.name}\` |`);
    const files = await readRuleFiles();
    expect(files.filter((f) => f.kind === 'rule').length).toBeGreaterThanOrEqual(18);
    for (const file of files) {
      if (file.kind !== 'rule') continue;
      expect(text).toContain(`### ${file.definition.id} — `);
      expect(text).toContain(file.definition.basis.article);
    }
  });
});
