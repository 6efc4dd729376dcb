import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, type TestContext } from '../../test/harness.js';
import { FilingService } from './filing.service.js';
import { institution, loanCsv, upload, type TestInstitution } from './filing.test-support.js';

// A server that died while reading an upload leaves the filing in `validating`; the next start
// marks it interrupted (S908) so that the period is free for a new upload.
describeEachEngine('filing recovery after an interrupted upload', (engine) => {
  let ctx: TestContext;
  let lender: TestInstitution;
  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lender = await institution(ctx, 71);
  });
  afterAll(() => ctx.close());

  it('marks an upload with no heartbeat as interrupted (S908) and frees its period', async () => {
    const csv = loanCsv({ rows: 20, seed: 71 });
    const body = new PassThrough();
    // Half the file, then nothing: the upload hangs as it would if the client's process had died.
    body.write(csv.slice(0, Math.floor(csv.length / 2)));
    const hanging = ctx.services.filing.fileRecords(lender.caller, { recordType: 'loan', period: '2024-06', source: body, contentType: 'text/csv' }).catch((error: unknown) => error);

    let stuck: { filingId: string; status: string } | undefined;
    while (!stuck) {
      const list = await ctx.services.filing.list(lender.caller, { page: 1, pageSize: 10 });
      stuck = list.items.find((f) => f.status === 'validating');
      if (!stuck) await new Promise((resolve) => setImmediate(resolve));
    }
    const busy = await upload(ctx.app, lender.apiKey, csv);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('FH_FILING_IN_PROGRESS');

    // A restarted server, for which every upload without a heartbeat is stale.
    const restarted = new FilingService(ctx.platform, ctx.services.registry, { staleUploadMs: -1 });
    expect(await restarted.recoverStaleUploads()).toBe(1);
    const detail = await ctx.services.filing.get(lender.caller, stuck.filingId);
    expect(detail.status).toBe('errors');
    expect(detail.findings.map((f) => f.editId)).toEqual(['S908']);

    const again = await upload(ctx.app, lender.apiKey, csv);
    expect(again.statusCode).toBe(201);
    expect(again.json().status).toBe('clean');
    // The new version takes the interrupted one's place.
    const replaced = (await ctx.services.filing.get(lender.caller, stuck.filingId)).status;
    expect(replaced).toBe('superseded');

    // The dead upload's stream ending later brings nothing back to life.
    body.destroy(new Error('client went away'));
    await hanging;
    expect((await ctx.services.filing.get(lender.caller, stuck.filingId)).status).toBe(replaced);
    expect((await ctx.services.filing.get(lender.caller, again.json().filingId)).status).toBe('clean');
  });
});
