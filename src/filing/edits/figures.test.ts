import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findingFigures, readerPhrasesZh } from './figures.js';

const source = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');

/** The keys of the value objects a source file writes into findings outside the record's own fields. */
function figureKeys(text: string): Set<string> {
  const keys = new Set<string>();
  const objects = /(?:new FileProblem\('S9\d\d', |this\.finding\(pending, 'S9\d\d', [^,]+, |editId: '[MS]\d{3}', rowNumber: 0, values: |=> \()\{([^{}]*)\}/g;
  for (const match of text.matchAll(objects)) {
    for (const key of match[1]!.matchAll(/(?:^|,)\s*(\w+):/g)) keys.add(key[1]!);
  }
  return keys;
}

describe('finding figures', () => {
  it('names and gives a kind to every figure the reader and the file-level edits write', () => {
    const named = new Set(findingFigures.map((f) => f.name));
    const written = new Set([...figureKeys(source('../file-reader.ts')), ...figureKeys(source('./validator.ts'))]);
    expect(written.size).toBeGreaterThan(10);
    for (const key of written) expect(named.has(key), key).toBe(true);
    expect(findingFigures.find((f) => f.name === 'annualised_cost')).toMatchObject({ kind: 'rate' });
    expect(findingFigures.find((f) => f.name === 'rows')).toMatchObject({ kind: 'count' });
  });

  it('has a Chinese reading of every fixed phrase the file reader writes', () => {
    const text = source('../file-reader.ts');
    const phrases = [...text.matchAll(/(?:detected|detail): '([^']+)'/g)].map((m) => m[1]!);
    expect(phrases.length).toBeGreaterThan(5);
    for (const phrase of phrases) expect(readerPhrasesZh[phrase], phrase).toBeDefined();
  });
});
