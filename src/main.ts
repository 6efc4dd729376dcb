import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ConfigError, loadConfig } from './platform/config.js';
import { closePlatform, createPlatform } from './platform/platform.js';

const program = new Command('fenghuo').description('Fenghuo (烽火): internet finance supervision and consumer protection');

program
  .command('serve')
  .description('serve the API and web UI (loads demo data on first start)')
  .action(async () => {
    // Like every command's own modules, the HTTP app is loaded only when asked for: the other
    // commands (verify, events, file) then start without loading every capability's routes.
    const { serve } = await import('./api/serve.js');
    await serve(loadConfig());
  });

program
  .command('verify')
  .description('verify the audit log: rehash every entry, check every signed head with the platform key, prove it extends heads kept elsewhere; exit 0 intact, 1 tampered, 2 usage error')
  .option('--against <heads>', 'a heads file (JSON lines, as FH_AUDIT_HEAD_FILE keeps) or one head as JSON (GET /v1/platform/audit-head): prove the log today extends each')
  .option('--public-key <file>', "the platform's public key: JSON of GET /v1/platform/public-key, an Ed25519 PEM or SM2 hex (default: the configured signing key's)")
  .action(async (options: { against?: string; publicKey?: string }) => {
    const { verifyCommand, VERIFY_USAGE } = await import('./platform/audit/audit.cli.js');
    let publicKey;
    if (options.publicKey) {
      const { parsePublicKey } = await import('./filing/filing.cli.js');
      try {
        publicKey = parsePublicKey(await readFile(options.publicKey, 'utf8'));
      } catch (error) {
        console.error(`--public-key ${options.publicKey}: ${(error as Error).message}`);
        process.exit(VERIFY_USAGE);
      }
    }
    const code = await verifyCommand(loadConfig(), { ...(publicKey ? { publicKey } : {}), ...(options.against !== undefined ? { against: options.against } : {}) });
    // Set after closing: the embedded engine's runtime resets process.exitCode when it shuts down.
    process.exit(code);
  });

program
  .command('vault-rotate')
  .description('re-seal every personal-data vault entry under the newest key of FH_VAULT_KEYS')
  .action(async () => {
    const platform = await createPlatform(loadConfig());
    let resealed: number;
    try {
      const { IdentityService } = await import('./identity/identity.service.js');
      resealed = await new IdentityService(platform).rotateVault((done) => process.stderr.write(`\rre-sealed ${done} entries`));
    } finally {
      await closePlatform(platform);
    }
    console.log(`${resealed ? '\n' : ''}vault: ${resealed} entries re-sealed under key ${platform.keys.vault.currentKeyId}`);
  });

program
  .command('file')
  .description('file records: stream a CSV or JSON Lines file (gzip accepted) to the API and print the findings')
  .argument('<path>', 'the file: .csv, .jsonl or .ndjson, optionally .gz')
  .requiredOption('--type <recordType>', 'record type, e.g. loan')
  .requiredOption('--period <YYYY-MM>', 'reporting period')
  .option('--api-key <key>', "the institution's API key (default: FH_API_KEY)")
  .option('--url <url>', 'the Fenghuo server', process.env.FH_URL ?? 'http://localhost:8080')
  .option('--resubmission', 'replace a period whose filing was already accepted')
  .option('--sign', 'sign a clean filing and save the receipt as <path>.receipt.json')
  .option('--direct', 'run the filing service in process against the configured database (no server)')
  .option('--institution <id>', 'with --direct: the institution id to file for')
  .action(async (file: string, options: { type: string; period: string; apiKey?: string; url: string; resubmission?: boolean; sign?: boolean; direct?: boolean; institution?: string }) => {
    const { fileCommand, fileDirect } = await import('./filing/filing.cli.js');
    if (!options.direct) {
      process.exitCode = await fileCommand(file, options);
      return;
    }
    const platform = await createPlatform(loadConfig());
    let code: number;
    try {
      const { createServices } = await import('./api/services.js');
      code = await fileDirect(createServices(platform), file, options);
    } finally {
      await closePlatform(platform);
    }
    // Set after closing: the embedded engine's runtime resets process.exitCode when it shuts down.
    process.exit(code);
  });

program
  .command('verify-receipt')
  .description("check a filing receipt's signature offline with the platform's public key")
  .argument('<receipt>', 'the receipt JSON (as GET /v1/receipts/:id returns it)')
  .option('--public-key <file>', 'the public key: JSON of GET /v1/platform/public-key, an Ed25519 PEM or SM2 hex (default: fetch it from --url)')
  .option('--url <url>', 'the Fenghuo server to fetch the public key from', process.env.FH_URL ?? 'http://localhost:8080')
  .action(async (receipt: string, options: { publicKey?: string; url: string }) => {
    const { verifyReceiptCommand } = await import('./filing/filing.cli.js');
    process.exitCode = await verifyReceiptCommand(receipt, options);
  });

const mediation = program.command('mediation').description('online mediation of disputed complaints');
mediation
  .command('verify')
  .description("check a mediation outcome (GET …/mediations/:id/agreement) offline with the platform's public key; exit 0 valid, 1 invalid, 2 usage error")
  .requiredOption('--agreement <file>', 'the signed outcome JSON')
  .requiredOption('--public-key <file>', 'the public key: JSON of GET /v1/platform/public-key, an Ed25519 PEM or SM2 hex')
  .action(async (options: { agreement: string; publicKey: string }) => {
    const { verifyAgreementCommand } = await import('./mediation/mediation.cli.js');
    process.exitCode = await verifyAgreementCommand(options);
  });

const evidence = program.command('evidence').description('the evidence vault');
evidence
  .command('verify')
  .description('check an evidence receipt offline: the signature with the platform public key, and that the file is the one received; exit 0 valid, 1 invalid, 2 usage error')
  .requiredOption('--receipt <file>', 'the receipt JSON (GET …/evidence/:id/receipt)')
  .option('--file <file>', 'the evidence file, to check its hash against the receipt')
  .requiredOption('--public-key <file>', 'the public key: JSON of GET /v1/platform/public-key, an Ed25519 PEM or SM2 hex')
  .action(async (options: { receipt: string; file?: string; publicKey: string }) => {
    const { evidenceVerifyCommand } = await import('./evidence/evidence.cli.js');
    process.exitCode = await evidenceVerifyCommand(options);
  });

const events = program.command('events').description('the event bus: registered consumers, outbox lag, parked events and their replay');

/** Run an events subcommand on the configured database, without starting the relay. */
async function withPlatform(run: (platform: Awaited<ReturnType<typeof createPlatform>>) => Promise<number>): Promise<void> {
  const platform = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }));
  let code: number;
  try {
    code = await run(platform);
  } finally {
    await closePlatform(platform);
  }
  // Set after closing: the embedded engine's runtime resets process.exitCode when it shuts down.
  process.exit(code);
}

events
  .command('list')
  .description('registered consumers with what waits for them, and the outbox lag')
  .action(async () => {
    const { eventsListCommand } = await import('./platform/events.cli.js');
    await withPlatform((platform) => eventsListCommand(platform));
  });

events
  .command('parked')
  .description('events a consumer gave up on after its last attempt, oldest first')
  .option('--consumer <name>', 'only this consumer')
  .action(async (options: { consumer?: string }) => {
    const { eventsParkedCommand } = await import('./platform/events.cli.js');
    await withPlatform((platform) => eventsParkedCommand(platform, options));
  });

events
  .command('replay')
  .description('give parked events back to their consumers with fresh attempts (audited)')
  .argument('[ids...]', 'the ids that `events parked` shows')
  .option('--all', 'every parked event (of --consumer, if given)')
  .option('--consumer <name>', 'with --all: only this consumer')
  .action(async (ids: string[], options: { all?: boolean; consumer?: string }) => {
    const { eventsReplayCommand } = await import('./platform/events.cli.js');
    await withPlatform((platform) => eventsReplayCommand(platform, ids, options));
  });

events
  .command('forget')
  .description('unregister a consumer that is gone for good, so that events are no longer kept for it')
  .argument('<consumer>', 'the consumer name that `events list` shows')
  .option('--subject <subject>', 'only its registration for this subject')
  .action(async (consumer: string, options: { subject?: string }) => {
    const { eventsForgetCommand } = await import('./platform/events.cli.js');
    await withPlatform((platform) => eventsForgetCommand(platform, consumer, options));
  });

const monitoring = program.command('monitoring').description('supervisory monitoring of the filed records');
monitoring
  .command('sweep-balances')
  .description("check the balance rules (one platform, all platforms) on every borrower's loans in force in one pass, raising and superseding alerts as the filings' re-checks do")
  .action(async () => {
    const { createServices } = await import('./api/services.js');
    const { ProgressBar } = await import('./platform/progress.js');
    await withPlatform(async (platform) => {
      const bar = new ProgressBar('balances');
      const summary = await createServices(platform).monitoring.sweepBalances('the command line', (loans, total) => bar.update(loans, total, ' loans'));
      bar.done();
      console.log(JSON.stringify(summary));
      return 0;
    });
  });

const credit = program.command('credit').description('shared credit information');
credit
  .command('train')
  .description('train a credit scorecard from the tradelines held, validate it, store it as the next version and put it in force')
  .option('--snapshot <month>', 'the month (YYYY-MM) the attributes are read at; default: a horizon before the latest month filed')
  .option('--horizon <months>', 'months after the snapshot in which going 90 days past due counts as bad', '12')
  .action(async (options: { snapshot?: string; horizon: string }) => {
    const { createServices } = await import('./api/services.js');
    const { FhError } = await import('./platform/errors.js');
    await withPlatform(async (platform) => {
      const services = createServices(platform);
      try {
        const summary = await services.credit.trainModel({
          ...(options.snapshot ? { snapshot: options.snapshot } : {}),
          horizon: Number(options.horizon),
          onProgress: (step) => console.error(`… ${step}`),
        });
        console.log(JSON.stringify(summary, null, 2));
        return 0;
      } catch (error) {
        if (error instanceof FhError) {
          console.error(`${error.code}: ${error.message} ${JSON.stringify(error.details ?? {})}`);
          return 2;
        }
        throw error;
      }
    });
  });

program
  .command('docs')
  .description('regenerate docs/openapi.json, docs/errors.md and docs/standard.md from the code')
  .action(async () => {
    const { writeGeneratedDocs } = await import('./api/generated-docs.js');
    const written = await writeGeneratedDocs();
    for (const file of written) console.log(`wrote ${file}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
