/**
 * The command-line side of filing: `fenghuo file` streams a file to the API (or, with --direct,
 * to the service in process) with a progress bar and prints the findings; `fenghuo verify-receipt`
 * checks a receipt offline with the platform's public key.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Services } from '../api/services.js';
import { ProgressBar } from '../platform/progress.js';
import { verifyReceipt, type PublicKeyInfo, type SignedReceipt } from './receipt.js';
import { parsePublicKey } from '../platform/signed-document.js';

export interface FileCommandOptions {
  type: string;
  period: string;
  apiKey?: string;
  url: string;
  resubmission?: boolean;
  /** Sign the filing when it comes back clean, and save the receipt beside the file. */
  sign?: boolean;
  /** Run in process against the configured database, for this institution id. */
  direct?: boolean;
  institution?: string;
}

interface FindingSummary {
  editId: string;
  severity: string;
  count: number;
  zh: string;
  en: string;
}

interface FilingReply {
  filingId: string;
  status: string;
  version: number;
  recordCount: number | null;
  errorCount: number;
  warningCount: number;
  fileHash: string | null;
  findings: FindingSummary[];
}

/** The media type for a file name: CSV unless it ends in .jsonl / .ndjson (optionally .gz). */
export function mediaTypeOf(file: string): string {
  return /\.(jsonl|ndjson)(\.gz)?$/i.test(file) ? 'application/x-ndjson' : 'text/csv';
}

/** A human summary of a filing's outcome, one finding per line. */
export function describeOutcome(filing: FilingReply): string {
  const lines = [
    `filing ${filing.filingId} version ${filing.version}: ${filing.status.toUpperCase()}`,
    `  records: ${filing.recordCount ?? 0}   errors: ${filing.errorCount}   warnings: ${filing.warningCount}`,
    `  file SHA-256: ${filing.fileHash ?? '-'}`,
  ];
  if (filing.findings.length > 0) lines.push('  findings:');
  for (const finding of filing.findings) {
    lines.push(`    ${finding.editId} ${finding.severity.padEnd(7)} ${String(finding.count).padStart(9)}  ${finding.en} / ${finding.zh}`);
  }
  if (filing.status === 'errors') lines.push('  fix the errors and upload the file again (GET /v1/filings/:id/findings.csv lists the rows)');
  if (filing.status === 'warnings') lines.push('  explain each warning: POST /v1/filings/:id/verify, then sign');
  return lines.join('\n');
}

function progressTap(bar: ProgressBar, total: number): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      bar.update(Math.round(done / 1024), Math.round(total / 1024), ' KiB');
      callback(null, chunk);
    },
  });
}

function request(url: URL, options: http.RequestOptions, body?: NodeJS.ReadableStream): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, options, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
      response.on('error', reject);
    });
    req.on('error', reject);
    if (body) pipeline(body, req).catch(reject);
    else req.end();
  });
}

function errorText(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code: string; message: { en: string; zh: string }; field?: string; details?: unknown } };
    if (body.error) return `HTTP ${status} ${body.error.code}: ${body.error.message.en}${body.error.field ? ` (${body.error.field})` : ''}${body.error.details ? ` ${JSON.stringify(body.error.details)}` : ''}`;
  } catch {
    // not JSON
  }
  return `HTTP ${status}: ${text.slice(0, 500)}`;
}

/**
 * `fenghuo file <path>`: upload over HTTP with a progress bar and print the findings; with
 * `--sign`, sign a clean filing and save the receipt as `<path>.receipt.json`. Returns the exit
 * code: 0 unless the filing has errors or the request failed.
 */
export async function fileCommand(file: string, options: FileCommandOptions, out: (line: string) => void = console.log): Promise<number> {
  const size = (await stat(file)).size;
  const bar = new ProgressBar(`uploading ${file}`);
  const apiKey = options.apiKey ?? process.env.FH_API_KEY;
  if (!apiKey) throw new Error('an API key is needed: --api-key or FH_API_KEY');
  const base = new URL(options.url);
  const query = new URLSearchParams({ recordType: options.type, period: options.period, ...(options.resubmission ? { resubmission: 'true' } : {}) });
  const upload = await request(
    new URL(`/v1/filings?${query.toString()}`, base),
    { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': mediaTypeOf(file), 'content-length': String(size) } },
    createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(progressTap(bar, size)),
  );
  bar.done();
  if (upload.status !== 201) {
    out(errorText(upload.status, upload.text));
    return 1;
  }
  const filing = JSON.parse(upload.text) as FilingReply;
  out(describeOutcome(filing));
  if (options.sign && filing.status === 'clean') {
    const signed = await request(new URL(`/v1/filings/${filing.filingId}/sign`, base), { method: 'POST', headers: { 'x-api-key': apiKey } });
    if (signed.status !== 200) {
      out(errorText(signed.status, signed.text));
      return 1;
    }
    const reply = JSON.parse(signed.text) as { filing: { status: string }; receipt: SignedReceipt };
    const receiptFile = `${file}.receipt.json`;
    await writeFile(receiptFile, `${JSON.stringify(reply.receipt, null, 2)}\n`);
    out(`signed: ${reply.filing.status}; receipt ${reply.receipt.receipt.receiptId} saved to ${receiptFile}`);
  }
  return filing.status === 'errors' ? 1 : 0;
}

/** `fenghuo file --direct`: the same upload through the service in process (demo loading, operators). */
export async function fileDirect(services: Services, file: string, options: FileCommandOptions, out: (line: string) => void = console.log): Promise<number> {
  if (!options.institution) throw new Error('--direct needs --institution <institution id>');
  const institution = await services.registry.getInstitution(options.institution);
  const size = (await stat(file)).size;
  const bar = new ProgressBar(`filing ${file}`);
  const caller = {
    principal: { role: 'institution' as const, institutionId: institution.institutionId, keyId: 'cli' },
    actor: { role: 'institution' as const, id: institution.institutionId },
  };
  const filing = await services.filing.fileRecords(caller, {
    recordType: options.type,
    period: options.period,
    source: createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(progressTap(bar, size)),
    contentType: mediaTypeOf(file),
    ...(options.resubmission ? { resubmission: true } : {}),
  });
  bar.done();
  const detail = await services.filing.get(caller, filing.filingId);
  out(describeOutcome(detail));
  if (options.sign && detail.status === 'clean') {
    const { filing: signed, receipt } = await services.filing.sign(caller, filing.filingId);
    await writeFile(`${file}.receipt.json`, `${JSON.stringify(receipt, null, 2)}\n`);
    out(`signed: ${signed.status}; receipt ${receipt.receipt.receiptId} saved to ${file}.receipt.json`);
  }
  return detail.status === 'errors' ? 1 : 0;
}

/** Read a public key file (shared with the evidence vault's offline check). */
export { parsePublicKey };

/**
 * `fenghuo verify-receipt <receipt.json>`: check a receipt offline with the public key from
 * `--public-key <file>`, or else fetch the key from the server at `url`. Returns the exit code.
 */
export async function verifyReceiptCommand(receiptFile: string, options: { publicKey?: string; url: string }, out: (line: string) => void = console.log): Promise<number> {
  const document = JSON.parse(await readFile(receiptFile, 'utf8')) as unknown;
  let key: PublicKeyInfo;
  if (options.publicKey) {
    key = parsePublicKey(await readFile(options.publicKey, 'utf8'));
  } else {
    const response = await request(new URL('/v1/platform/public-key', options.url), { method: 'GET' });
    if (response.status !== 200) throw new Error(`cannot fetch the platform public key: ${errorText(response.status, response.text)}`);
    key = JSON.parse(response.text) as PublicKeyInfo;
    out(`using the public key ${key.keyId} (${key.algorithm}) from ${options.url}; pass --public-key to check fully offline`);
  }
  const check = verifyReceipt(document, key);
  if (check.valid) {
    const { receipt } = document as SignedReceipt;
    out(`receipt VALID: ${receipt.institution.nameZh} (${receipt.institution.uscc}) ${receipt.recordType} ${receipt.period} v${receipt.version}, ${receipt.recordCount} records, SHA-256 ${receipt.fileHash}, signed ${receipt.signedAt} by ${receipt.keyId} (${receipt.algorithm})`);
    return 0;
  }
  out(`receipt INVALID: ${check.reason}`);
  return 1;
}
