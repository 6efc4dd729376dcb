import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachEngine, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution } from '../filing/filing.test-support.js';

declare module '../platform/events.js' {
  interface EventPayloads {
    'test.ops': { n: number };
  }
}

describeEachEngine('HTTP: parked events for national supervisors', (engine) => {
  let ctx: TestContext;
  let healthy = false;
  const handled: number[] = [];
  let national: { authorization: string };
  let provincial: { authorization: string };

  beforeAll(async () => {
    ctx = await startPlatform(engine, {}, {
      events: { maxAttempts: 2, retryBaseDelayMs: 5 },
      // A capability whose store is down until the test says otherwise.
      capabilities: (services) => [
        {
          name: 'flaky-ops',
          start: async () => {
            await services.platform.events.subscribe('test.ops', 'flaky-ops', async (payload) => {
              if (!healthy) throw new Error('the ops store is down');
              handled.push(payload.n);
            });
          },
        },
      ],
    });
    national = await supervisorSession(ctx, 'national-ops', '000000');
    provincial = await supervisorSession(ctx, 'zhejiang-ops', '330000');
    await ctx.platform.database.db.transaction().execute((trx) => ctx.platform.events.enqueue(trx, 'test.ops', { n: 42 }));
    ctx.platform.events.notify();
  });
  afterAll(() => ctx.close());

  it('lists the parked event and the consumers to a national supervisor only', async () => {
    await vi.waitFor(
      async () => {
        const reply = await ctx.app.inject({ method: 'GET', url: '/v1/events/parked', headers: national });
        expect(reply.json().parked).toHaveLength(1);
      },
      { timeout: 15_000 },
    );
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/events/parked?consumer=flaky-ops', headers: national });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().parked[0]).toMatchObject({ consumer: 'flaky-ops', subject: 'test.ops', payload: { n: 42 }, attempts: 2 });
    expect(reply.json().parked[0].error).toContain('the ops store is down');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/events/parked?consumer=somebody-else', headers: national })).json()).toEqual({ parked: [] });

    const consumers = await ctx.app.inject({ method: 'GET', url: '/v1/events/consumers', headers: national });
    expect(consumers.statusCode).toBe(200);
    // The platform's own consumers (credit, monitoring) are listed beside the test's.
    expect(consumers.json().consumers).toEqual([
      expect.objectContaining({ consumer: 'credit', subject: 'filing.accepted', backfill: 'callback', parked: 0 }),
      expect.objectContaining({ consumer: 'flaky-ops', subject: 'test.ops', backfill: 'outbox', pending: 0, parked: 1 }),
      expect.objectContaining({ consumer: 'monitoring', subject: 'filing.accepted', backfill: 'callback', parked: 0 }),
    ]);
    expect(consumers.json().stats).toMatchObject({ pending: 0, parked: 1, broker: 'in-process' });
    const metrics = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^fenghuo_events_parked 1$/m);
    expect(metrics).toMatch(/^fenghuo_events_outbox_pending 0$/m);
    expect(metrics).toMatch(/^fenghuo_events_outbox_lag_seconds 0$/m);

    const lender = await institution(ctx, 77);
    for (const [headers, status, code] of [
      [provincial, 403, 'FH_FORBIDDEN'],
      [{ 'x-api-key': lender.apiKey }, 403, 'FH_FORBIDDEN'],
      [{}, 401, 'FH_UNAUTHENTICATED'],
    ] as const) {
      for (const url of ['/v1/events/parked', '/v1/events/consumers']) {
        const denied = await ctx.app.inject({ method: 'GET', url, headers });
        expect(denied.statusCode, url).toBe(status);
        expect(denied.json().error.code).toBe(code);
      }
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/events/parked?consumer=not_a_name', headers: national })).statusCode).toBe(400);
  });

  it('replays a parked event for a national supervisor, audited, and refuses everyone else', async () => {
    const [parked] = (await ctx.app.inject({ method: 'GET', url: '/v1/events/parked', headers: national })).json().parked as { failureId: string; eventId: string }[];
    const url = `/v1/events/parked/${parked!.failureId}/replay`;
    const lender = await institution(ctx, 78);
    for (const [headers, status] of [
      [provincial, 403],
      [{ 'x-api-key': lender.apiKey }, 403],
      [{}, 401],
    ] as const) {
      expect((await ctx.app.inject({ method: 'POST', url, headers })).statusCode).toBe(status);
    }
    expect(handled).toEqual([]);

    healthy = true;
    const replayed = await ctx.app.inject({ method: 'POST', url, headers: national });
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json().replayed).toMatchObject({ failureId: parked!.failureId, eventId: parked!.eventId, consumer: 'flaky-ops' });
    await vi.waitFor(() => expect(handled).toEqual([42]), { timeout: 15_000 });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/events/parked', headers: national })).json()).toEqual({ parked: [] });

    const audit = await ctx.platform.database.db.selectFrom('audit_log').select(['action', 'resource', 'actor_role']).where('action', '=', 'events.replay').execute();
    expect(audit).toEqual([{ action: 'events.replay', resource: `event:${parked!.eventId}`, actor_role: 'supervisor' }]);

    const again = await ctx.app.inject({ method: 'POST', url, headers: national });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('FH_NOT_FOUND');
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/events/parked/not-a-uuid/replay', headers: national })).statusCode).toBe(400);
  });
});
