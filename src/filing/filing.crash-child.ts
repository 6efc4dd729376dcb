/**
 * Child process of filing.crash.test.ts: loads a signed filing from the configured database and
 * SIGKILLs itself from inside the COPY once `FH_TEST_KILL_AFTER_ROWS` rows have been streamed, the
 * way a crash or an OOM kill would stop a load half-way. Not used by production code.
 */
import { loadConfig } from '../platform/config.js';
import { createPlatform } from '../platform/platform.js';
import { createServices } from '../api/services.js';

const filingId = process.env.FH_TEST_FILING_ID!;
const killAfter = Number(process.env.FH_TEST_KILL_AFTER_ROWS);
const platform = await createPlatform(loadConfig());
const services = createServices(platform);
await services.filing.load({ role: 'system', id: null }, filingId, {
  onProgress: (rows) => {
    process.stdout.write(`copied ${rows}\n`);
    if (rows >= killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('finished without being killed\n');
process.exit(0);
