import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { institution, loanCsv, upload, type TestInstitution } from '../filing/filing.test-support.js';
import { counter, gauge } from '../platform/metrics.js';

/** The value of one sample of the Prometheus text exposition, or undefined when it is absent. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describeEachEngine('metrics an operator scrapes', (engine) => {
  let ctx: TestContext;
  let lender: TestInstitution;
  beforeAll(async () => {
    ctx = await startPlatform(engine);
    lender = await institution(ctx, 1, '110000');
  });
  afterAll(() => ctx.close());

  const scrape = async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    return reply.body;
  };

  it('names the request, filing and process figures', async () => {
    const body = await scrape();
    for (const name of ['fenghuo_http_request_duration_seconds', 'fenghuo_filings', 'fenghuo_filing_records_loaded_total', 'fenghuo_filing_validation_seconds', 'process_resident_memory_bytes']) {
      expect(body).toContain(`# TYPE ${name} `);
    }
    // Every status is reported, at zero before anything was filed.
    for (const status of ['received', 'validating', 'errors', 'warnings', 'clean', 'verified', 'signed', 'accepted', 'superseded']) {
      expect(sample(body, 'fenghuo_filings', { status })).toBe(0);
    }
  });

  it('counts a request under its route pattern and status, never its raw URL', async () => {
    const supervisor = await supervisorSession(ctx, 'metrics-supervisor', '110000');
    const id = randomUUID();
    const labels = { method: 'GET', route: '/v1/filings/:id', status: '404' };
    const before = sample(await scrape(), 'fenghuo_http_request_duration_seconds_count', labels) ?? 0;
    const reply = await ctx.app.inject({ method: 'GET', url: `/v1/filings/${id}`, headers: supervisor });
    expect(reply.statusCode).toBe(404);
    const body = await scrape();
    expect(sample(body, 'fenghuo_http_request_duration_seconds_count', labels)).toBe(before + 1);
    expect(body).not.toContain(id);
  });

  it('follows a filing: validation time, filings by status, records loaded', async () => {
    const rows = 120;
    const before = await scrape();
    const validationsBefore = sample(before, 'fenghuo_filing_validation_seconds_count', { record_type: 'loan' }) ?? 0;
    const loadedBefore = sample(before, 'fenghuo_filing_records_loaded_total', { record_type: 'loan' }) ?? 0;

    const uploaded = await upload(ctx.app, lender.apiKey, loanCsv({ rows, seed: 5, period: '2024-06' }));
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const { filingId } = uploaded.json() as { filingId: string };
    const validated = await scrape();
    expect(sample(validated, 'fenghuo_filing_validation_seconds_count', { record_type: 'loan' })).toBe(validationsBefore + 1);
    expect(sample(validated, 'fenghuo_filings', { status: 'clean' })).toBe(1);
    expect(sample(validated, 'fenghuo_filings', { status: 'accepted' })).toBe(0);

    const signed = await ctx.app.inject({ method: 'POST', url: `/v1/filings/${filingId}/sign`, headers: { 'x-api-key': lender.apiKey } });
    expect(signed.statusCode, signed.body).toBe(200);
    const accepted = await scrape();
    expect(sample(accepted, 'fenghuo_filings', { status: 'clean' })).toBe(0);
    expect(sample(accepted, 'fenghuo_filings', { status: 'accepted' })).toBe(1);
    expect(sample(accepted, 'fenghuo_filing_records_loaded_total', { record_type: 'loan' })).toBe(loadedBefore + rows);
  });

  it('lets a capability add figures of its own, collected when scraped', async () => {
    let collected = 0;
    const lag = gauge(ctx.platform.metrics, {
      name: 'fenghuo_test_collected',
      help: 'A figure a capability reads at scrape time',
      collect() {
        collected++;
        lag.set(41 + collected);
      },
    });
    // Registering the same name again returns the metric already there rather than failing.
    expect(gauge(ctx.platform.metrics, { name: 'fenghuo_test_collected', help: 'again' })).toBe(lag);
    expect(() => counter(ctx.platform.metrics, { name: 'fenghuo_test_collected', help: 'another kind' })).toThrow(/another kind/);
    expect(sample(await scrape(), 'fenghuo_test_collected')).toBe(42);
    expect(sample(await scrape(), 'fenghuo_test_collected')).toBe(43);
  });
});
