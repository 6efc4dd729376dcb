import { describe, expect, it } from 'vitest';
import { compileRule } from './compile.js';
import type { RuleDefinition } from './rule.js';

function rule(condition: string): RuleDefinition {
  return {
    id: 'TEST-FIELDS',
    version: 1,
    jurisdiction: '000000',
    pack: 'conduct',
    severity: 'low',
    recordTypes: ['loan'],
    title: { zh: '测试', en: 'Test' },
    explanation: { zh: '借款人类型 {record.borrower_type}。', en: 'Borrower type {record.borrower_type}.' },
    basis: { law: { zh: '测试', en: 'Test' }, article: 'Art.1', figure: { zh: '无', en: 'none' } },
    effective: { from: '2024-01-01' },
    parameters: {},
    condition,
  } as RuleDefinition;
}

describe('the record fields a compiled rule reads', () => {
  it('names each field read as record.<field>, the explanation’s included', () => {
    const compiled = compileRule(rule("record.principal_fen > 100 && has(record.purpose)"));
    expect([...compiled.fields].sort()).toEqual(['borrower_type', 'principal_fen', 'purpose']);
    expect(compiled.fieldsComplete).toBe(true);
  });

  it('says the list may be incomplete when the record is read any other way, so that the whole record is read', () => {
    const indexed = compileRule(rule("record['principal_fen'] > 100"));
    expect(indexed.fieldsComplete).toBe(false);
    expect(indexed.fires({ record: { principal_fen: 101n }, features: {} }, {})).toBe(true);
    // The word in a string is taken as a read too: reading more than needed is safe, less is not.
    expect(compileRule(rule("record.purpose == 'record'")).fieldsComplete).toBe(false);
  });
});
