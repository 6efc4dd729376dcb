import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine, NATS_TEST_URL, serviceAvailable, startPlatform, type TestContext } from '../../test/harness.js';
import { deleteNatsStream, type EventPayloads } from '../platform/events.js';
import { institution, loanCsv, upload } from './filing.test-support.js';

const natsAvailable = await serviceAvailable('NATS', NATS_TEST_URL, 'the filing.accepted over NATS tests');

for (const transport of ['in-process', 'nats'] as const) {
  describeEachEngine(`filing.accepted reaches its consumers (${transport})`, (engine) => {
    if (transport === 'nats' && !natsAvailable) return;
    let ctx: TestContext;
    const signedIds: string[] = [];
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
        signedIds.push(filingId);
      } finally {
        await subscription.stop();
      }
    });

    it('delivers filing.accepted to a consumer that subscribes after the filing was signed, from the outbox or from the accepted filings', async () => {
      const lender = await institution(ctx, 92);
      const uploaded = await upload(ctx.app, lender.apiKey, loanCsv({ rows: 5, seed: 92 }));
      const filingId = uploaded.json().filingId as string;
      const signed = await ctx.app.inject({ method: 'POST', url: `/v1/filings/${filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
      expect(signed.json().filing.status).toBe('accepted');
      signedIds.push(filingId);
      // The relay (on its own, at the default poll interval) publishes it while nobody new listens.
      const unpublished = () => ctx.platform.database.db.selectFrom('event_outbox').select('seq').where('published_at', 'is', null).execute();
      await vi.waitFor(async () => expect(await unpublished()).toEqual([]), { timeout: 15_000 });

      const fromOutbox: string[] = [];
      const fromFilings: string[] = [];
      const subscriptions = [
        await ctx.platform.events.subscribe('filing.accepted', 'late-outbox', async (payload) => void fromOutbox.push(payload.filingId)),
        await ctx.platform.events.subscribe('filing.accepted', 'late-rebuilt', async (payload) => void fromFilings.push(payload.filingId), { backfill: () => ctx.services.filing.acceptedFilingEvents() }),
      ];
      try {
        await vi.waitFor(() => expect(fromOutbox).toContain(filingId), { timeout: 15_000 });
        // The accepted filings in force: the one of the first test and this one, oldest first.
        await vi.waitFor(() => expect(fromFilings).toEqual(signedIds), { timeout: 15_000 });
      } finally {
        for (const subscription of subscriptions) await subscription.stop();
      }
    });
  });
}
