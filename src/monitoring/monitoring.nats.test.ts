import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId, NATS_TEST_URL, serviceAvailable, startPlatform, type TestContext } from '../../test/harness.js';
import { deleteNatsStream } from '../platform/events.js';
import { fileAndSign, institution, recordsCsv, supervisorCaller } from '../filing/filing.test-support.js';

const natsAvailable = await serviceAvailable('NATS', NATS_TEST_URL, 'the monitoring over NATS JetStream tests');

// The same monitoring, its events through a durable JetStream consumer named `monitoring`.
describe.skipIf(!natsAvailable)('monitoring through NATS JetStream', () => {
  let context: TestContext;
  const stream = `FH_TEST_MONITORING_${randomBytes(4).toString('hex').toUpperCase()}`;

  beforeAll(async () => {
    context = await startPlatform('pglite', { natsUrl: NATS_TEST_URL }, { events: { stream, subjectPrefix: `fhtest${randomBytes(4).toString('hex')}` } });
  }, 240_000);
  afterAll(async () => {
    await context?.close();
    await deleteNatsStream(NATS_TEST_URL, stream);
  });

  it('checks an accepted filing delivered by the broker and raises its alert', async () => {
    const lender = await institution(context, 95, '440300');
    const filing = await fileAndSign(context, lender, 'loan', '2024-06', recordsCsv('loan', [{ loan_id: 'DEDUCTED', borrower_id: makeResidentId('440305', '1990-01-01', 11), disbursed_fen: '900000' }]));
    expect(filing.status).toBe('accepted');
    while (!(await context.services.monitoring.runOf(filing.filingId))) await new Promise((resolve) => setTimeout(resolve, 50));
    const consumers = await context.platform.events.consumers();
    expect(consumers.map((c) => c.consumer)).toContain('monitoring');
    const alerts = await context.services.monitoring.listAlerts(supervisorCaller, { ruleId: 'CN-LOAN-UPFRONT-DEDUCTION', page: 1, pageSize: 10 });
    expect(alerts.items.map((a) => a.recordId)).toEqual(['DEDUCTED']);
  });
});
