import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, NATS_TEST_URL, serviceAvailable, startPlatform, type TestContext } from '../../test/harness.js';
import { deleteNatsStream, type EventPayloads } from '../platform/events.js';
import { institution, loanCsv, upload } from './filing.test-support.js';

const natsAvailable = await serviceAvailable('NATS', NATS_TEST_URL, 'the filing.accepted over NATS tests');

for (const transport of ['in-process', 'nats'] as const) {
  describeEachEngine(`filing.accepted reaches its consumers (${transport})`, (engine) => {
    if (transport === 'nats' && !natsAvailable) return;
    let ctx: TestContext;
    const stream = `FH_TEST_FILING_${randomBytes(4).toString('hex').toUpperCase()}`;
    beforeAll(async () => {
      ctx = await startPlatform(engine, transport === 'nats' ? { natsUrl: NATS_TEST_URL } : {}, { events: { stream, subjectPrefix: `fhtest${randomBytes(4).toString('hex')}` } });
    });
    afterAll(async () => {
      await ctx.close();
      if (transport === 'nats') await deleteNatsStream(NATS_TEST_URL, stream);
    });

    it('publishes one event when a signed filing has been loaded, naming the filing and its records', async () => {
      expect(ctx.platform.events.kind).toBe(transport);
      const received: EventPayloads['filing.accepted'][] = [];
      let arrived!: () => void;
      const first = new Promise<void>((resolve) => (arrived = resolve));
      const subscription = await ctx.platform.events.subscribe('filing.accepted', 'test-consumer', async (payload) => {
        received.push(payload);
        arrived();
      });
      try {
        const lender = await institution(ctx, 91);
        const uploaded = await upload(ctx.app, lender.apiKey, loanCsv({ rows: 12, seed: 91 }));
        expect(uploaded.json().status).toBe('clean');
        const filingId = uploaded.json().filingId as string;
        const signed = await ctx.app.inject({ method: 'POST', url: `/v1/filings/${filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
        expect(signed.json().filing.status).toBe('accepted');
        await first;
        expect(received[0]).toMatchObject({ filingId, institutionId: lender.institutionId, recordType: 'loan', period: '2024-06', version: 1, records: 12 });
      } finally {
        await subscription.stop();
      }
    });
  });
}
