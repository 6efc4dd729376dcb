import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, loanCsv, upload, type TestInstitution } from '../filing/filing.test-support.js';

for (const engine of engines) {
  describe(`an institution's business on its supervisor page, and what the figures are as of [${engine}]`, () => {
    let ctx: TestContext;
    let hangzhouLender: TestInstitution;
    let shenzhenLender: TestInstitution;
    let zhejiang: { authorization: string };

    /** Upload a clean generated loan file and sign it; the filing is accepted when sign answers. */
    async function fileLoans(lender: TestInstitution, period: string, rows: number, seed: number): Promise<void> {
      const uploaded = await upload(ctx.app, lender.apiKey, loanCsv({ rows, seed, period }), { recordType: 'loan', period });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      const signed = await ctx.app.inject({ method: 'POST', url: `/v1/filings/${uploaded.json().filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
      expect(signed.json().filing.status, signed.body).toBe('accepted');
    }

    beforeAll(async () => {
      ctx = await startPlatform(engine);
      hangzhouLender = await institution(ctx, 71, '330100');
      shenzhenLender = await institution(ctx, 72, '440300');
      zhejiang = await supervisorSession(ctx, 'business-zj', '330000');
      await fileLoans(hangzhouLender, '2024-06', 5, 701);
      await fileLoans(hangzhouLender, '2024-07', 3, 702);
      await fileLoans(shenzhenLender, '2024-06', 4, 703);
    }, 240_000);
    afterAll(() => ctx?.close());

    const business = (institutionId: string, headers: Record<string, string>) =>
      ctx.app.inject({ method: 'GET', url: `/v1/supervisor/institutions/${institutionId}/business`, headers });

    it('shows the supervisor one institution’s own loans, and the period its data is as of', async () => {
      const reply = await business(hangzhouLender.institutionId, zhejiang);
      expect(reply.statusCode, reply.body).toBe(200);
      const figures = reply.json();
      expect(figures.loans.loans).toBe(5 + 3);
      expect(figures.loansByMonth.reduce((sum: number, m: { loans: number }) => sum + m.loans, 0)).toBe(8);
      expect(figures.dataAsOf.period).toBe('2024-07');
      expect(Date.parse(figures.dataAsOf.acceptedAt)).not.toBeNaN();

      const national = await supervisorSession(ctx, 'business-cn', '000000');
      const shenzhen = (await business(shenzhenLender.institutionId, national)).json();
      expect(shenzhen.loans.loans).toBe(4);
      expect(shenzhen.dataAsOf.period).toBe('2024-06');
    });

    it('says what the dashboard is as of, and that nothing is filed where nothing was', async () => {
      const zj = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: zhejiang })).json();
      expect(zj.business.dataAsOf.period).toBe('2024-07');
      const guangdong = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'business-gd', '440000') })).json();
      expect(guangdong.business.dataAsOf.period).toBe('2024-06');
      expect(guangdong.business.loans.loans).toBe(4);
      const sichuan = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/overview', headers: await supervisorSession(ctx, 'business-sc', '510000') })).json();
      expect(sichuan.business.dataAsOf).toBeNull();
      expect(sichuan.business.loans.loans).toBe(0);
    });

    it('keeps the page to the supervisor of the institution’s jurisdiction', async () => {
      const outside = await business(shenzhenLender.institutionId, zhejiang);
      expect(outside.statusCode).toBe(403);
      expect(outside.json().error.code).toBe('FH_OUT_OF_JURISDICTION');
      const asLender = await business(hangzhouLender.institutionId, { 'x-api-key': hangzhouLender.apiKey });
      expect(asLender.statusCode).toBe(403);
      expect(asLender.json().error.code).toBe('FH_FORBIDDEN');
      expect((await business(hangzhouLender.institutionId, {})).statusCode).toBe(401);
      const unknown = await business('0b5a3a4e-9a4c-4c1e-8f3e-0d6b2b7f1c2a', zhejiang);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('FH_NOT_FOUND');
    });
  });
}
