import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Services } from '../api/services.js';
import type { ProposedChange } from '../rulebook/rulebook.service.js';
import type { Caller } from '../platform/auth/access.js';
import { FhError } from '../platform/errors.js';
import { currencyMinorUnits } from '../screening/currency.js';
import { readPayment } from '../screening/detect.js';
import type { RecordType } from '../standard/standard.js';
import { chinaDay } from '../standard/china-time.js';
import { demoMediators, loadMediationDemo } from './mediation-demo.js';
import { loadComplaintsDemo } from './complaints-demo.js';
import { demoCreditHistory } from './credit-history.js';
import { DEMO_PASSWORD, demoConsumers, demoInstitutions, demoPeople, demoSupervisors, demoUscc, lenderFiles, OLD_NEGATIVE_LENDER, oldNegativeFiles, paymentFiles, toJsonLines } from './demo-data.js';
import { contractPdf, voucherPng } from '../evidence/samples.js';

const LOGINS_FILE = 'demo-logins.txt';
/** The months the demo lenders make loans in. */
export const DEMO_LOAN_PERIODS = ['2026-09', '2026-10'];
/** The months they report their instalments for: an instalment overdue in October is filed again, still overdue, for November. */
export const DEMO_REPAYMENT_PERIODS = ['2026-10', '2026-11'];
const PERIODS = DEMO_LOAN_PERIODS;

function supervisorCaller(userId: string, displayName: string, jurisdictionCode: string): Caller {
  return { principal: { role: 'supervisor', userId, displayName, jurisdictionCode }, actor: { role: 'supervisor', id: userId } };
}

/**
 * File one batch of records the way an institution does: upload, explain any warnings, sign,
 * and wait for the load. A demo file with an error is a bug in the demo, so it throws.
 */
async function file(services: Services, caller: Caller, recordType: RecordType, period: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const filing = services.filing;
  let view = await filing.fileRecords(caller, { recordType, period, source: Readable.from([toJsonLines(rows as never)]), contentType: 'application/x-ndjson' });
  if (view.status === 'errors') {
    const detail = await filing.get(caller, view.filingId);
    throw new Error(`demo ${recordType} ${period} has errors: ${JSON.stringify(detail.findings.filter((f) => f.severity === 'error'))}`);
  }
  if (view.status === 'warnings') {
    const detail = await filing.get(caller, view.filingId);
    const explanations = Object.fromEntries(detail.findings.filter((f) => f.severity === 'warning').map((f) => [f.editId, '演示数据：已核实 / demo data, checked']));
    view = await filing.verify(caller, view.filingId, explanations);
  }
  await filing.sign(caller, view.filingId);
}

/**
 * Load the demo data set when the database holds no institutions yet: supervisors for several
 * jurisdictions, twenty institutions with licences in every state, consumers, each lender's
 * products, loans, repayments, collection actions, complaints, disclosure and (for P2P loans) fund
 * flows, and each payment institution's payments, filed through the filing pipeline, with the
 * deliberate violations listed in `demoViolations`. Returns false when there was data already.
 */
export async function loadDemoIfEmpty(services: Services, log: (line: string) => void, dataDir?: string): Promise<boolean> {
  const { registry, identity, platform } = services;
  if ((await registry.searchPublic({ page: 1, pageSize: 1 })).total > 0) return false;
  const started = Date.now();
  const db = platform.database.db;
  const supervisors = new Map<string, Caller>();
  for (const s of demoSupervisors) {
    const user = await platform.auth.createUser(db, { username: s.username, password: DEMO_PASSWORD, role: 'supervisor', displayName: s.displayName, jurisdictionCode: s.jurisdictionCode });
    supervisors.set(s.username, supervisorCaller(user.user_id, s.displayName, s.jurisdictionCode));
  }
  const national = supervisors.get('national')!;
  await applyDemoRules(services, [...supervisors.values()]);
  log('demo: provincial and city rules applied by their supervisors');

  const apiKeys: { name: string; apiKey: string }[] = [];
  const institutionCallers = new Map<string, Caller>();
  for (const [index, demo] of demoInstitutions.entries()) {
    const institution = await registry.registerInstitution(national, { uscc: demoUscc(index, demo.city), nameZh: demo.nameZh, nameEn: demo.nameEn, kind: demo.kind, jurisdictionCode: demo.city });
    const licence = await registry.applyForLicence(national, institution.institutionId, demo.licence);
    if (demo.status !== 'applied') {
      for (const q of licence.qualifications) await registry.setQualification(national, licence.licenceId, q.key, true, '材料齐全 / documents complete');
      await registry.transitionLicence(national, licence.licenceId, 'approved', '资质条件全部满足 / all qualifications met');
      if (demo.status !== 'approved') await registry.transitionLicence(national, licence.licenceId, demo.status, demo.reason ?? 'supervisory decision');
    } else {
      await registry.setQualification(national, licence.licenceId, licence.qualifications[0]!.key, true, '材料齐全 / documents complete');
    }
    const key = await registry.issueApiKey(national, institution.institutionId, 'demo');
    apiKeys.push({ name: demo.nameZh, apiKey: key.apiKey });
    institutionCallers.set(demo.key, { principal: { role: 'institution', institutionId: institution.institutionId, keyId: key.keyId }, actor: { role: 'institution', id: institution.institutionId } });
  }
  log(`demo: ${demoInstitutions.length} institutions registered`);

  const people = demoPeople(900);
  // Three of the people who borrow most, from Zhejiang, Guangdong and Shanghai, have accounts.
  const consumers = demoConsumers(people);
  for (const { username, displayName, person } of consumers) {
    await identity.registerConsumer({ username, password: DEMO_PASSWORD, displayName, residentId: person.residentId, phone: person.phone });
  }

  // Screened before the lenders file: consumer1's payment is held for being a large first payment
  // to a new payee, whatever the lenders' filings later say about consumer1's borrowing.
  await screenDemoPayments(services, institutionCallers.get('xihu-pay')!, consumers[0]!.person.residentId);
  log(`demo: ${demoScreenedPayments.length} payments screened, one held for consumer1 to confirm`);

  let filings = 0;
  for (const [index, demo] of demoInstitutions.entries()) {
    if (demo.payments) {
      await file(services, institutionCallers.get(demo.key)!, 'payment', PERIODS.at(-1)!, paymentFiles(demo, index, people, PERIODS.at(-1)!));
      filings++;
      log(`demo: ${demo.nameZh} filed its ${PERIODS.at(-1)!} payments`);
    }
    if (!demo.lending) continue;
    const caller = institutionCallers.get(demo.key)!;
    const files = lenderFiles(demo, index, people, PERIODS, DEMO_REPAYMENT_PERIODS);
    const last = PERIODS.at(-1)!;
    await file(services, caller, 'product', PERIODS[0]!, files.products);
    for (const period of PERIODS) await file(services, caller, 'loan', period, files.loansByPeriod.get(period) ?? []);
    for (const period of DEMO_REPAYMENT_PERIODS) await file(services, caller, 'repayment', period, files.repaymentsByPeriod.get(period) ?? []);
    await file(services, caller, 'collection', last, files.collections);
    await file(services, caller, 'complaint', last, files.complaints);
    await file(services, caller, 'disclosure', last, [files.disclosure]);
    await file(services, caller, 'fund_flow', last, files.fundFlows);
    filings += 4 + PERIODS.length + DEMO_REPAYMENT_PERIODS.length + (files.fundFlows.length > 0 ? 1 : 0);
    log(`demo: ${demo.nameZh} filed its ${[...new Set([...PERIODS, ...DEMO_REPAYMENT_PERIODS])].join(', ')} data`);
  }

  // consumer2's old loan, whose negative record is about to leave the credit report.
  const old = oldNegativeFiles(chinaDay(), consumers[1]!.person);
  const oldLender = institutionCallers.get(OLD_NEGATIVE_LENDER)!;
  await file(services, oldLender, 'loan', old.loanPeriod, [old.loan]);
  for (const [period, rows] of old.repaymentsByPeriod) await file(services, oldLender, 'repayment', period, rows);
  filings += 1 + old.repaymentsByPeriod.size;
  log(`demo: ${OLD_NEGATIVE_LENDER} filed consumer2's loan of ${old.loanPeriod}, paid late and repaid`);

  // consumer1 authorises Qiantang to look at their credit report for a loan and its management.
  await grantDemoConsent(services, consumers[0]!.username, institutionCallers.get(CONSENT_HOLDER)!);
  log(`demo: consumer1 authorised ${CONSENT_HOLDER} to inquire into their credit report`);

  await depositDemoEvidence(services, consumers[0]!.username);
  log('demo: consumer1 deposited a loan contract (PDF) and a repayment voucher (PNG) in the evidence vault');

  await loadDataRightsDemo(services, consumers.map((c) => c.username), institutionCallers);
  log('demo: consents to process and share data, one withdrawn; data-rights requests (a copy, a correction, a deletion refused while a case is open)');

  // consumer1's complaint about Qiantang, disputed and settled in mediation with a signed agreement.
  await loadMediationDemo(services, supervisors, institutionCallers.get(CONSENT_HOLDER)!, consumers[0]!.username);
  log(`demo: mediators ${demoMediators.map((m) => m.username).join(', ')} appointed; consumer1's complaint about ${CONSENT_HOLDER} settled in mediation`);
  const complainants = consumers.map((c) => c.person.residentId);
  const borrowers = people.filter((p) => !complainants.includes(p.residentId)).slice(100, 120).map((p) => p.residentId);
  await loadComplaintsDemo(services, consumers.map((c) => ({ username: c.username, residentId: c.person.residentId })), institutionCallers, borrowers);
  log('demo: complaints new, answered, late, disputed, closed and against an unregistered institution');
  // The anonymous borrowers' two years of history, and the scorecard trained on it, so that the
  // demo consumers' reports carry a score and its reasons.
  const trained = await loadDemoCreditHistory(services, institutionCallers);
  log(`demo: ${trained.lines} tradelines of ${DEMO_HISTORY_PEOPLE} anonymous borrowers; scorecard version ${trained.version} trained on ${trained.rows} of them (AUC ${trained.auc.toFixed(3)}) in ${(trained.ms / 1000).toFixed(1)} s`);

  if (dataDir) {
    const lines = [
      `Fenghuo demo logins (password for every account: ${DEMO_PASSWORD})`,
      `supervisors: ${demoSupervisors.map((s) => `${s.username} (${s.jurisdictionCode})`).join(', ')}`,
      'consumers: consumer1, consumer2, consumer3',
      `mediators: ${demoMediators.map((m) => `${m.username} (${m.jurisdictionCode})`).join(', ')}`,
      'institution API keys (portal: log in with an API key):',
      ...apiKeys.map((k) => `  ${k.name}  ${k.apiKey}`),
    ];
    await writeFile(path.join(dataDir, LOGINS_FILE), `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  log(`demo: ${filings} filings accepted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** How many anonymous borrowers the demo's credit history holds: enough for a scorecard, little enough to load in a second. */
export const DEMO_HISTORY_PEOPLE = 1200;

/**
 * Take over the anonymous borrowers' credit history at the demo lenders and train the scorecard
 * from every tradeline held, once the tradelines of the demo's filings are built (the filings are
 * turned into tradelines in the background; waiting makes the model the same on every start).
 */
async function loadDemoCreditHistory(services: Services, institutions: ReadonlyMap<string, Caller>): Promise<{ lines: number; version: number; rows: number; auc: number; ms: number }> {
  const started = Date.now();
  const idOf = (key: string) => {
    const caller = institutions.get(key);
    if (caller?.principal.role !== 'institution') throw new Error(`no demo institution ${key}`);
    return caller.principal.institutionId;
  };
  const lenders = demoInstitutions.filter((d) => d.lending).map((d) => d.key);
  const history = demoCreditHistory({ people: DEMO_HISTORY_PEOPLE, lenders, gridTo: DEMO_REPAYMENT_PERIODS.at(-1)! });
  const lines = await services.credit.importHistory(history.map(({ lender, ...line }) => ({ ...line, institutionId: idOf(lender) })));
  await creditTradelinesBuilt(services);
  const model = await services.credit.trainModel();
  return { lines, version: model.version, rows: model.rows, auc: Number(model.metrics.auc), ms: Date.now() - started };
}

/** Resolves once the credit capability has taken every filing event published so far. */
async function creditTradelinesBuilt(services: Services): Promise<void> {
  const events = services.platform.events;
  await events.flush();
  // A minute is far more than the demo's filings take; past it, the model is trained on what is built.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const credit = (await events.consumers()).filter((c) => c.consumer === 'credit');
    if (credit.every((c) => c.pending === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The demo lender that holds consumer1's credit-inquiry authorisation. */
export const CONSENT_HOLDER = 'qiantang';

/** consumer1 grants the lender a credit-inquiry authorisation for loan approval and post-loan management, through the consent service. */
async function grantDemoConsent(services: Services, username: string, institution: Caller): Promise<void> {
  if (institution.principal.role !== 'institution') throw new Error('the consent holder is an institution');
  const session = await services.platform.auth.login(username, DEMO_PASSWORD);
  if (session.principal.role !== 'consumer') throw new Error(`${username} is not a consumer`);
  const caller: Caller = { principal: session.principal, actor: { role: 'consumer', id: session.principal.userId } };
  await services.consent.grant(caller, { institutionId: institution.principal.institutionId, scope: 'credit_inquiry', purposes: ['loan_approval', 'post_loan_management'], dataCategories: ['identity', 'credit'] });
  await services.platform.auth.logout(session.token);
}

/** consumer1 keeps their loan contract and a repayment voucher in the evidence vault, through the evidence service. */
async function depositDemoEvidence(services: Services, username: string): Promise<void> {
  const session = await services.platform.auth.login(username, DEMO_PASSWORD);
  if (session.principal.role !== 'consumer') throw new Error(`${username} is not a consumer`);
  const caller: Caller = { principal: session.principal, actor: { role: 'consumer', id: session.principal.userId } };
  await services.evidence.receive(caller, { source: [await contractPdf()], fileName: '借款合同-钱塘小贷.pdf', contentType: 'application/pdf' });
  await services.evidence.receive(caller, { source: [voucherPng()], fileName: '还款凭证-2026-11.png', contentType: 'image/png' });
  await services.platform.auth.logout(session.token);
}

/**
 * Consents beyond the credit inquiry, and the data-rights requests the portal lists: consumer2
 * lets Zhujiang process their data for lending and withdrew a marketing consent, downloaded a copy
 * of their data and corrected their number; consumer1 asked for deletion while their payment was
 * held, and was refused with the reason.
 */
async function loadDataRightsDemo(services: Services, usernames: readonly string[], institutions: ReadonlyMap<string, Caller>): Promise<void> {
  const as = async (username: string) => {
    const session = await services.platform.auth.login(username, DEMO_PASSWORD);
    if (session.principal.role !== 'consumer') throw new Error(`${username} is not a consumer`);
    return { caller: { principal: session.principal, actor: { role: 'consumer', id: session.principal.userId } } satisfies Caller, token: session.token };
  };
  const institutionId = (key: string) => {
    const caller = institutions.get(key);
    if (caller?.principal.role !== 'institution') throw new Error(`no demo institution ${key}`);
    return caller.principal.institutionId;
  };
  const consumer2 = await as(usernames[1]!);
  await services.consent.grant(consumer2.caller, { institutionId: institutionId('zhujiang'), scope: 'processing', purposes: ['lending', 'risk_control'], dataCategories: ['identity', 'contact', 'credit'] });
  const marketing = await services.consent.grant(consumer2.caller, { institutionId: institutionId('zhujiang'), scope: 'sharing', purposes: ['marketing'], dataCategories: ['contact'], recipient: '珠江保险代理有限公司', separateConsent: true });
  await services.consent.withdraw(consumer2.caller, marketing.consentId);
  await services.dataRights.export(consumer2.caller);
  await services.dataRights.correct(consumer2.caller, { phone: '13900002222' });
  await services.platform.auth.logout(consumer2.token);

  const consumer1 = await as(usernames[0]!);
  await services.dataRights.delete(consumer1.caller, DEMO_PASSWORD).then(
    () => {
      throw new Error('the demo deletion should be refused while consumer1 has a held payment');
    },
    (error: { code?: string }) => {
      if (error.code !== 'FH_DATA_LEGAL_HOLD') throw error;
    },
  );
  await services.platform.auth.logout(consumer1.token);
}

/** What the demo screens, and what each payment comes to with the default thresholds. */
export const demoScreenedPayments: readonly { paymentId: string; decision: 'allow' | 'confirm' | 'block'; amount: string; payer: string; payee: { account: string; name: string }; forConsumer1?: true; verificationClass?: 'I'; fundingSource: 'balance' | 'bank_card'; outcome?: 'confirmed_fraud' }[] = [
  { paymentId: 'XIHU-S0001', decision: 'allow', amount: '86.50', payer: '6230580000000101', payee: { account: '6217000000000201', name: '杭州知味观餐饮有限公司' }, fundingSource: 'bank_card' },
  { paymentId: 'XIHU-S0002', decision: 'allow', amount: '259.00', payer: '6230580000000102', payee: { account: '6217000000000202', name: '浙江新华书店集团有限公司' }, fundingSource: 'balance' },
  { paymentId: 'XIHU-S0003', decision: 'allow', amount: '1280.00', payer: '6230580000000103', payee: { account: '6217000000000203', name: '杭州西溪物业管理有限公司' }, fundingSource: 'bank_card' },
  { paymentId: 'XIHU-S0004', decision: 'allow', amount: '45.00', payer: '6230580000000104', payee: { account: '6217000000000204', name: '杭州公交集团有限公司' }, fundingSource: 'balance' },
  { paymentId: 'XIHU-S0005', decision: 'allow', amount: '3600.00', payer: '6230580000000105', payee: { account: '6217000000000205', name: '王芳' }, fundingSource: 'bank_card' },
  // A class I account (verified by no more than its own details) paying more from its balance than the class allows: blocked, and later confirmed fraud.
  { paymentId: 'XIHU-S0006', decision: 'block', amount: '1500.00', payer: '6230580000000106', payee: { account: '6217000000000299', name: '某某电商客服退款中心' }, verificationClass: 'I', fundingSource: 'balance', outcome: 'confirmed_fraud' },
  // consumer1's first payment to someone new, of ¥8,000.00: held until consumer1 says it was them.
  { paymentId: 'XIHU-S0007', decision: 'confirm', amount: '8000.00', payer: '6230580000000107', payee: { account: '6228480000000777', name: '张伟' }, forConsumer1: true, fundingSource: 'bank_card' },
];

/**
 * A China-time daytime moment shortly before `now` from which the whole series of demo payments
 * (one a minute) stays within one China day's daytime: ten minutes before `now`, or, when that
 * series would reach midnight or start in the small hours, 20:00 China time of the evening before
 * (the held payment is meant to be held for its payee and amount alone, not for the hour).
 */
export function demoDaytime(now: Date, payments = demoScreenedPayments.length): Date {
  const at = new Date(now.getTime() - 10 * 60_000);
  const hour = (at.getUTCHours() + 8) % 24;
  const lastHour = (new Date(at.getTime() + (payments - 1) * 60_000).getUTCHours() + 8) % 24;
  if (hour >= 8 && lastHour >= 8 && lastHour >= hour) return at;
  // Midnight China time of that moment's China day; late at night it is that day's 20:00, in the small hours the day before's.
  const chinaMidnight = at.getTime() - ((at.getTime() + 8 * 3_600_000) % 86_400_000);
  return new Date(chinaMidnight + (hour >= 8 ? 20 : -4) * 3_600_000);
}

/** The moment as ISO 8601 in China time, with its +08:00 offset, as an institution in China sends it. */
function chinaIso(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/**
 * Screen the demo's payments as Xihu Payment does, through the screening service: ordinary ones
 * that are allowed, one blocked and reported as confirmed fraud, and one held for consumer1's
 * confirmation. Xihu gives its consumers a day to answer, so the reminder waits in the demo.
 */
async function screenDemoPayments(services: Services, caller: Caller, consumer1ResidentId: string): Promise<void> {
  await services.screening.updateSettings(caller, { reminderSeconds: 86_400 }, (code) => currencyMinorUnits(code) !== undefined);
  const at = demoDaytime(new Date());
  for (const [index, payment] of demoScreenedPayments.entries()) {
    const body = {
      paymentId: payment.paymentId,
      initiatedAt: chinaIso(new Date(at.getTime() + index * 60_000)),
      amount: payment.amount,
      currency: 'CNY',
      payer: { account: payment.payer, ...(payment.forConsumer1 ? { residentId: consumer1ResidentId, name: '林晓' } : {}), ...(payment.verificationClass ? { verificationClass: payment.verificationClass } : {}) },
      payee: payment.payee,
      fundingSource: payment.fundingSource,
    };
    const decision = await services.screening.screen(caller, { contentType: 'application/json', body, requestId: `demo-${payment.paymentId}` }, readPayment);
    if (decision.decision !== payment.decision) throw new Error(`demo payment ${payment.paymentId} was screened ${decision.decision}, not ${payment.decision}`);
    if (payment.outcome) await services.screening.reportOutcome(caller, decision.decisionId, payment.outcome, '演示数据：客户报案，确认为诈骗 / demo data: the customer reported a fraud');
  }
}

const DEMO_RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

/**
 * The demo's own tiers: a Guangdong refinement, a Shenzhen one and a Zhejiang rule, each applied
 * by that jurisdiction's supervisor through the rulebook service, as a supervisor would by API.
 */
async function applyDemoRules(services: Services, supervisors: readonly Caller[]): Promise<void> {
  for (const name of (await readdir(DEMO_RULES_DIR)).filter((f) => f.endsWith('.yaml')).sort()) {
    const document = parseYaml(await readFile(path.join(DEMO_RULES_DIR, name), 'utf8')) as Record<string, unknown> & { jurisdiction: string };
    const caller = supervisors.find((s) => s.principal.role === 'supervisor' && s.principal.jurisdictionCode === document.jurisdiction);
    if (!caller) throw new Error(`demo rule ${name}: no demo supervisor for ${document.jurisdiction}`);
    if ('refines' in document) {
      const d = document as unknown as { refines: string; jurisdiction: string; effective: { from: string }; parameters: Record<string, number | string | boolean>; reason: { zh: string; en: string } };
      await services.rulebook.apply(caller, { kind: 'parameters', ruleId: d.refines, jurisdiction: d.jurisdiction, parameters: d.parameters, effectiveFrom: d.effective.from, reason: d.reason });
    } else {
      // The service checks the document as it checks one posted by API.
      const { jurisdiction, version: _version, ...rule } = document;
      await services.rulebook.apply(caller, { kind: 'rule', jurisdiction, rule: rule as unknown as Extract<ProposedChange, { kind: 'rule' }>['rule'] });
    }
  }
}

/** The demo accounts, for the start-up banner: supervisors, consumers and two institution keys. */
export async function demoLogins(dataDir: string): Promise<string[]> {
  try {
    const lines = (await readFile(path.join(dataDir, LOGINS_FILE), 'utf8')).trimEnd().split('\n');
    return [...lines.slice(0, 6), `  … all institution keys in ${path.join(dataDir, LOGINS_FILE)}`];
  } catch (error) {
    if (error instanceof FhError || (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
