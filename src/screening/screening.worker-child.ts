/**
 * Child process of screening.nats-crash.test.ts: one screening worker over the configured
 * database and NATS that SIGKILLs itself after `FH_TEST_KILL_AFTER` decisions were published and
 * before it acknowledged them, the way a crash would stop it. Not used by production code.
 */
import { loadConfig } from '../platform/config.js';
import { createPlatform } from '../platform/platform.js';
import { createServices } from '../api/services.js';
import { ScreeningWorker } from './screening.nats.js';

const config = loadConfig();
// The platform's own events go to a stream of the test's, which it deletes.
const platform = await createPlatform(config, { events: { stream: `${config.screeningStream}_EVENTS`, subjectPrefix: `${config.screeningStream.toLowerCase().replace(/_/g, '.')}.events` } });
const services = createServices(platform);
await services.rulebook.capability().start?.();
const killAfter = Number(process.env.FH_TEST_KILL_AFTER ?? '0');
const names = { stream: config.screeningStream, subjects: config.screeningStream.toLowerCase().replace(/_/g, '.') };
const worker = new ScreeningWorker(services.screening, config.natsUrl!, names, {
  beforeAck: (published) => {
    process.stdout.write(`published ${published}\n`);
    if (killAfter > 0 && published >= killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
worker.start();
process.stdout.write('started\n');
