/**
 * Test support for the filing suites: institutions with API keys, a supervisor session, and
 * generated loan files. Not used by production code.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { usccCheckCharacter } from '../standard/identifiers.js';
import type { Caller } from '../platform/auth/access.js';
import type { TestContext } from '../../test/harness.js';
import { generateLoanLines, type GenerateOptions } from '../../bench/filing/generate.js';
import { recordTypeDef, type RecordType } from '../standard/standard.js';
import { sampleRow } from './edits/sample-rows.js';
import type { FilingView } from './filing.service.js';

export const supervisorCaller: Caller = {
  principal: { role: 'supervisor', userId: randomUUID(), displayName: 'Test supervisor', jurisdictionCode: '000000' },
  actor: { role: 'supervisor', id: randomUUID() },
};

/** A valid USCC for the n-th test institution, registered in `region`. */
export function testUscc(n: number, region = '110105'): string {
  const first17 = `91${region}MA${String(n).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
}

export interface TestInstitution {
  institutionId: string;
  uscc: string;
  apiKey: string;
  caller: Caller;
}

/** Register an institution in `jurisdictionCode` and issue it an API key. */
export async function institution(context: TestContext, n: number, jurisdictionCode = '110000'): Promise<TestInstitution> {
  const region = jurisdictionCode === '110000' ? '110105' : jurisdictionCode;
  const registered = await context.services.registry.registerInstitution(supervisorCaller, {
    uscc: testUscc(n, region),
    nameZh: `测试机构${n}`,
    nameEn: `Test institution ${n}`,
    kind: 'online_lender',
    jurisdictionCode,
  });
  const key = await context.services.registry.issueApiKey(supervisorCaller, registered.institutionId, 'test');
  return {
    institutionId: registered.institutionId,
    uscc: registered.uscc,
    apiKey: key.apiKey,
    caller: { principal: { role: 'institution', institutionId: registered.institutionId, keyId: key.keyId }, actor: { role: 'institution', id: registered.institutionId } },
  };
}

/** A supervisor account of `jurisdictionCode`, logged in; returns the bearer token. */
export async function supervisorToken(context: TestContext, username: string, jurisdictionCode: string): Promise<string> {
  const password = 'a long enough test password';
  await context.platform.auth.createUser(context.platform.database.db, { username, password, role: 'supervisor', displayName: username, jurisdictionCode });
  const response = await context.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
  return (response.json() as { token: string }).token;
}

/** A generated loan file as one string. */
export function loanCsv(options: Partial<GenerateOptions> & { rows: number }): string {
  return [...generateLoanLines({ errorsPerEdit: 0, seed: 1, period: '2024-06', ...options })].join('');
}

/** POST /v1/filings as the institution. */
export async function upload(
  app: FastifyInstance,
  apiKey: string,
  body: string | Buffer | Readable,
  query: Record<string, string> = { recordType: 'loan', period: '2024-06' },
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/v1/filings?${new URLSearchParams(query).toString()}`,
    headers: { 'x-api-key': apiKey, 'content-type': 'text/csv', ...headers },
    payload: body,
  });
}

/** A CSV file of `type` with the standard's columns: each row is the passing sample row with `changes` applied. */
export function recordsCsv(type: RecordType, changes: readonly Record<string, string>[]): string {
  const header = recordTypeDef(type).fields.map((f) => f.name);
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = changes.map((change) => {
    const row = { ...sampleRow(type), ...change };
    return header.map((name) => cell(row[name] ?? '')).join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/**
 * Upload a file through the service, explain any warnings, and sign it; returns the filing as
 * signing left it (accepted, unless the load was refused).
 */
export async function fileAndSign(
  context: TestContext,
  who: TestInstitution,
  type: RecordType,
  period: string,
  csv: string,
  options: { resubmission?: boolean } = {},
): Promise<FilingView> {
  const filing = context.services.filing;
  let view = await filing.fileRecords(who.caller, { recordType: type, period, source: [Buffer.from(csv)], contentType: 'text/csv', ...(options.resubmission ? { resubmission: true } : {}) });
  if (view.status === 'errors') return view;
  if (view.status === 'warnings') {
    const detail = await filing.get(who.caller, view.filingId);
    view = await filing.verify(who.caller, view.filingId, Object.fromEntries(detail.findings.filter((f) => f.severity === 'warning').map((f) => [f.editId, 'explained in a test'])));
  }
  return (await filing.sign(who.caller, view.filingId)).filing;
}
