import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestContext } from '../../test/harness.js';
import { recordTypeDef, recordTypes } from './standard.js';

describe('the standard over HTTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startPlatform('pglite');
  });
  afterAll(() => ctx.close());

  it('lists every code list a field refers to, with bilingual names of each code, to anyone', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/standard/code-lists' });
    expect(reply.statusCode).toBe(200);
    const lists = new Map<string, { codes: { code: string; zh: string; en: string }[] }>(reply.json().codeLists.map((l: { name: string }) => [l.name, l]));
    for (const type of recordTypes) {
      for (const field of recordTypeDef(type).fields) if (field.codeList) expect(lists.has(field.codeList), `${type}.${field.name}`).toBe(true);
    }
    expect(lists.get('repayment_method')!.codes).toContainEqual({ code: 'equal_installment', zh: '等额本息', en: 'Equal instalments (annuity)' });
  });
});
