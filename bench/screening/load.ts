/**
 * The load generator of the screening benchmark, run as a process of its own (so that it does not
 * share the server's event loop): autocannon POSTs payments to /v1/screen for a fixed duration,
 * each request a distinct payment of the warm population, at a fixed rate or as fast as the server
 * answers. Prints one line of JSON with the counts and latencies.
 *
 *   node --import tsx bench/screening/load.ts '{"url":…,"apiKey":…,"accounts":…,"seed":…,"seconds":…,"connections":…,"rate":…}'
 */
import autocannon from 'autocannon';
import { bodyOf, nightOf, paymentStream } from './payments.js';

interface LoadOptions {
  url: string;
  apiKey: string;
  accounts: number;
  seed: number;
  seconds: number;
  connections: number;
  /** Requests a second over all connections; absent: as fast as the server answers. */
  rate?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const stream = paymentStream({ accounts: options.accounts, count: Number.MAX_SAFE_INTEGER, startMs: Date.now(), perSecond: 1000, seed: options.seed });
let sent = 0;
const kinds: Record<string, number> = {};
const statuses: Record<string, number> = {};

const instance = autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  ...(options.rate ? { overallRate: options.rate } : {}),
  timeout: 10,
  requests: [
    {
      method: 'POST',
      path: '/v1/screen',
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
      setupRequest: (request: Record<string, unknown>) => {
        const payment = stream.next().value!;
        // Payments are screened as they are made: now, or tonight's small hours for the night ones.
        const now = Date.now();
        payment.atMs = payment.kind === 'night' ? nightOf(now) : now;
        kinds[payment.kind] = (kinds[payment.kind] ?? 0) + 1;
        request.body = JSON.stringify(bodyOf(payment, `bench-${options.seed}-${sent++}`));
        return request;
      },
      onResponse: (status: number) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      },
    },
  ],
});

const result = await instance;
const latency = result.latency as Record<string, number>;
process.stdout.write(
  `${JSON.stringify({
    seconds: result.duration,
    sent,
    replies: Object.values(statuses).reduce((a, b) => a + b, 0),
    ok: statuses['200'] ?? 0,
    statuses,
    kinds,
    errors: result.errors,
    timeouts: result.timeouts,
    perSecond: (statuses['200'] ?? 0) / result.duration,
    latencyMs: { p50: latency.p50, p90: latency.p90, p99: latency.p99, p999: latency.p99_9, max: latency.max, mean: latency.average },
  })}\n`,
);
