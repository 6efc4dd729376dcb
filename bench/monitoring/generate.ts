/**
 * A deterministic generator of filed business for the monitoring benchmark: institutions
 * registered through the registry, loans (borrowers at several institutions), their repayment
 * instalments, collection actions, payments and fund flows, with a known number of seeded
 * violations of every national rule on those record types, written straight into the domain
 * tables by COPY with an accepted filing row per institution, record type and period.
 *
 * Rows go the way an accepted filing's rows go: each is a row of raw text as a file would carry
 * it, checked and normalised by the filing edits (createValidator; an error finding stops the
 * generator), then turned into its domain row by the load's own mapping (toCopyValues: pseudonyms,
 * cost of credit, party key). Only the file, its receipt and the event are left out. A repayment's
 * and a collection action's party key, which the load leaves to a trigger, is the borrower's key
 * and is written here, as the trigger would fill it.
 *
 * Everything not seeded is lawful, including rows on the boundaries (a rate at exactly 4 × LPR, a
 * borrower at exactly the platform limit, three connected calls in a day, a class I account at
 * exactly its limit, a call at 08:00 sharp, a night call the debtor agreed to).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../../src/platform/platform.js';
import { withBulkTransaction, copyTextValue, type Database } from '../../src/platform/database.js';
import type { Services } from '../../src/api/services.js';
import type { Caller } from '../../src/platform/auth/access.js';
import { recordTypeDef, type RecordType } from '../../src/standard/standard.js';
import { createValidator, copyColumns, toCopyValues, annualisedCostOfLoan, type CopyContext, type FileValidator, type NormalizedRecord, type RowFinding } from '../../src/filing/edits/index.js';
import { sampleResidentId, sampleUscc } from '../../src/filing/edits/sample-rows.js';
import { usccCheckCharacter } from '../../src/standard/identifiers.js';
import '../../src/filing/filing.schema.js';

export const LOAN_PERIOD = '2024-03';
export const OLD_LOAN_PERIOD = '2020-06';
export const ACTIVITY_PERIOD = '2024-04';

/** The national rules this generator seeds (the rules on loans, repayments, collections, payments and fund flows). */
export const SEEDED_RULES = [
  'CN-LOAN-RATE-4LPR',
  'CN-LOAN-RATE-OLD-VOID',
  'CN-LOAN-RATE-OLD-UNENFORCEABLE',
  'CN-LOAN-COST-CASH-LOAN',
  'CN-LOAN-COST-WINDOW-24',
  'CN-LOAN-UPFRONT-DEDUCTION',
  'CN-BORROW-INDIVIDUAL-PLATFORM',
  'CN-BORROW-INDIVIDUAL-ALL',
  'CN-BORROW-ORG-PLATFORM',
  'CN-BORROW-ORG-ALL',
  'CN-REPAY-OVERDUE-CHARGES',
  'CN-COLL-NIGHT',
  'CN-COLL-CALLS-PER-DAY',
  'CN-COLL-THIRD-PARTY',
  'CN-PAY-BEFORE-VERIFICATION',
  'CN-PAY-CLASS-I-LIMIT',
  'CN-PAY-CLASS-II-LIMIT',
  'CN-PAY-CLASS-III-LIMIT',
  'CN-FUNDS-POOLING',
  'CN-FUNDS-OWN-ACCOUNT',
] as const;

export interface GenerateOptions {
  /** Ordinary (lawful) loans; the seeded loans come on top. */
  loans: number;
  /** Institutions (at least 6: the all-platform limits are crossed over six lenders). */
  institutions: number;
  /** Seeded violations of each rule in SEEDED_RULES. */
  perRule: number;
  /** Payments per ordinary loan (default 0.5). */
  paymentsPerLoan?: number;
  /** Fund flows per ordinary loan (default 0.2). */
  flowsPerLoan?: number;
  /** Told what is being written. */
  log?: (line: string) => void;
}

export interface GeneratedInstitution {
  index: number;
  institutionId: string;
  uscc: string;
}

/** An alert the data must raise: rule, institution (by its index), record type and id. */
export interface ExpectedAlert {
  ruleId: string;
  institution: number;
  recordType: RecordType;
  recordId: string;
}

export interface GeneratedFiling {
  filingId: string;
  institutionId: string;
  institution: number;
  recordType: RecordType;
  period: string;
  version: number;
  records: number;
}

export interface GeneratedSet {
  institutions: GeneratedInstitution[];
  filings: GeneratedFiling[];
  expected: ExpectedAlert[];
  /** Rows per record type. */
  rows: Record<string, number>;
  /** Loans in total (ordinary and seeded). */
  loans: number;
  /** Distinct borrowers of the ordinary loans, and how many of them borrow at two or more institutions. */
  borrowers: number;
  multiLenderBorrowers: number;
  /** Warnings the edits raised, by edit id (the seeded rows carry none; a filer would explain them). */
  warnings: Record<string, number>;
  seconds: number;
}

const REGIONS = ['110105', '310104', '440305', '330106', '510107', '350102', '420106', '320102'];
const JURISDICTIONS = ['110000', '310000', '440300', '330100', '510100', '350100', '420100', '320100'];
const DAY_MS = 86_400_000;
const BANK = sampleUscc('110102', 8);
const MERCHANT = sampleUscc('310104', 7);

const supervisor: Caller = {
  principal: { role: 'supervisor', userId: 'bench-monitoring', displayName: 'Benchmark', jurisdictionCode: '000000' },
  actor: { role: 'supervisor', id: 'bench-monitoring' },
};

/** A small, fast, seedable PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The resident ID of the n-th person of a population (1960 on) or of the seeded people (1940 on). */
function person(n: number, seeded = false): string {
  const born = new Date(Date.UTC(seeded ? 1940 : 1960, 0, 1) + Math.floor(n / 1000) * DAY_MS).toISOString().slice(0, 10);
  return sampleResidentId(REGIONS[n % REGIONS.length]!, born, n % 1000);
}

/** The USCC of the n-th borrowing organisation (serials below 10^8) or seeded one (above). */
function organisation(n: number, seeded = false): string {
  return sampleUscc(REGIONS[n % REGIONS.length]!, (seeded ? 900_000_000 : 0) + n);
}

function institutionUscc(index: number): string {
  const first17 = `91${REGIONS[index % REGIONS.length]}MB${String(index).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17);
}

type Raw = Record<string, string>;

/** One filing being written: its validator, its load context, its row count. */
interface Open {
  filing: GeneratedFiling;
  validator: FileValidator;
  context: CopyContext;
}

class Writer {
  readonly opened = new Map<string, Open>();
  readonly warnings: Record<string, number> = {};
  private readonly fields: Map<RecordType, readonly string[]> = new Map();

  constructor(
    private readonly platform: Platform,
    private readonly institutions: GeneratedInstitution[],
    private readonly validFrom: string,
  ) {}

  private open(type: RecordType, period: string, institution: number): Open {
    const key = `${type}|${period}|${institution}`;
    let open = this.opened.get(key);
    if (!open) {
      const inst = this.institutions[institution]!;
      const filingId = randomUUID();
      const validator = createValidator(type, { period, institutionUscc: inst.uscc, today: '2026-01-01' });
      const header = validator.header(this.fieldsOf(type));
      if (header.length > 0) throw new Error(`header of ${type}: ${JSON.stringify(header)}`);
      open = {
        filing: { filingId, institutionId: inst.institutionId, institution, recordType: type, period, version: 1, records: 0 },
        validator,
        context: { filingId, institutionId: inst.institutionId, institutionUscc: inst.uscc, period, validFrom: this.validFrom, pseudonymizer: this.platform.keys.pseudonymizer },
      };
      this.opened.set(key, open);
    }
    return open;
  }

  private fieldsOf(type: RecordType): readonly string[] {
    let names = this.fields.get(type);
    if (!names) {
      names = recordTypeDef(type).fields.map((f) => f.name);
      this.fields.set(type, names);
    }
    return names;
  }

  /**
   * One record as its COPY line: checked by the edits (an error is a bug here), normalised, mapped
   * as the load maps it; `partyKey` fills what the load's trigger would.
   */
  line(type: RecordType, period: string, institution: number, raw: Raw, partyKey?: string): { line: string; record: NormalizedRecord } {
    const open = this.open(type, period, institution);
    const names = this.fieldsOf(type);
    const values = names.map((n) => raw[n] ?? '');
    const findings: RowFinding[] = [];
    open.filing.records++;
    const record = open.validator.row(values, open.filing.records, findings);
    if (!record) throw new Error(`generated ${type} row fails the edits: ${JSON.stringify(findings)} ${JSON.stringify(raw)}`);
    for (const f of findings) this.warnings[f.editId] = (this.warnings[f.editId] ?? 0) + 1;
    const row = toCopyValues(type, record, open.context);
    if (partyKey !== undefined) row[copyColumns(type).indexOf('party_key')] = partyKey;
    let text = copyTextValue(row[0]);
    for (let i = 1; i < row.length; i++) text += `\t${copyTextValue(row[i])}`;
    return { line: `${text}\n`, record };
  }

  /** The borrower's party key, as the load computes it for a loan. */
  partyKey(borrowerType: string, borrowerId: string): string {
    return borrowerType === 'organisation' ? `uscc:${borrowerId}` : this.platform.keys.pseudonymizer.pseudonym('resident_id', borrowerId);
  }

  /** Close the filings of a record type: their macro findings (warnings only, counted) and their rows in `filing`. */
  async finish(db: Kysely<Database>, type: RecordType): Promise<void> {
    for (const open of this.opened.values()) {
      if (open.filing.recordType !== type) continue;
      const { findings, stats } = open.validator.finish(null);
      for (const f of findings) this.warnings[f.editId] = (this.warnings[f.editId] ?? 0) + 1;
      const at = new Date(this.validFrom);
      await db
        .insertInto('filing')
        .values({
          filing_id: open.filing.filingId,
          institution_id: open.filing.institutionId,
          jurisdiction_code: JURISDICTIONS[open.filing.institution % JURISDICTIONS.length]!,
          record_type: type,
          period: open.filing.period,
          version: 1,
          status: 'accepted',
          content_type: 'text/csv',
          stored_name: `bench/${open.filing.filingId}`,
          file_hash: null,
          file_bytes: null,
          encoding: 'utf-8',
          record_count: open.filing.records,
          stats: JSON.stringify(stats),
          created_by: `institution:${open.filing.institutionId}`,
          validated_at: at,
          signed_at: at,
          accepted_at: at,
        })
        .execute();
    }
  }
}

/** Lines in pieces of about 256 KiB, for copyText. */
async function* pieces(lines: Iterable<string>): AsyncGenerator<string> {
  let piece = '';
  for (const line of lines) {
    piece += line;
    if (piece.length >= 256 * 1024) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

interface LoanFacts {
  n: number;
  institution: number;
  loanId: string;
  borrowerType: 'individual' | 'organisation';
  borrowerId: string;
  partyKey: string;
  day: number;
  principal: number;
  rate: number;
  overdue: boolean;
}

/**
 * Register the institutions, then write every table by COPY with its accepted filings. Returns
 * the filings (as `filing.accepted` events would name them) and the alerts the data must raise.
 */
export async function generate(services: Services, options: GenerateOptions): Promise<GeneratedSet> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const { platform } = services;
  const I = options.institutions;
  const K = options.perRule;
  if (I < 6) throw new Error('at least 6 institutions: the all-platform limits are crossed over six lenders');
  const institutions: GeneratedInstitution[] = [];
  for (let i = 0; i < I; i++) {
    const uscc = institutionUscc(i);
    const registered = await services.registry.registerInstitution(supervisor, { uscc, nameZh: `基准机构${i}`, nameEn: `Benchmark lender ${i}`, kind: 'online_lender', jurisdictionCode: JURISDICTIONS[i % JURISDICTIONS.length]! });
    institutions.push({ index: i, institutionId: registered.institutionId, uscc });
  }
  const writer = new Writer(platform, institutions, new Date().toISOString());
  const expected: ExpectedAlert[] = [];
  const expect = (ruleId: string, institution: number, recordType: RecordType, recordId: string) => expected.push({ ruleId, institution, recordType, recordId });
  const rows: Record<string, number> = {};
  const copy = async (type: RecordType, lines: Iterable<string>) => {
    const columns = copyColumns(type);
    const table = recordTypeDef(type).table;
    const t0 = performance.now();
    const copied = await withBulkTransaction(platform.database, async (tx) => {
      const n = await tx.copyText(table, columns, pieces(lines));
      await writer.finish(tx.db, type);
      return n;
    });
    rows[type] = copied;
    log(`${type}: ${copied} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };

  // ---------------------------------------------------------------------------------------------
  // Loans. Borrower b takes 2 or 3 loans, each at another institution: most borrowers owe at
  // several platforms, all far below the limits. Seeded loans go to seeded borrowers, so that
  // each crosses exactly the limit it is meant to.
  const random = prng(1);
  const step = Math.max(1, Math.floor(I / 3));
  const population: LoanFacts[] = [];
  let borrowers = 0;
  let multi = 0;
  {
    let n = 0;
    for (let b = 0; n < options.loans; b++) {
      const organisationBorrower = b % 20 === 7;
      const borrowerId = organisationBorrower ? organisation(b) : person(b);
      const borrowerType = organisationBorrower ? 'organisation' : 'individual';
      const partyKey = writer.partyKey(borrowerType, borrowerId);
      const count = Math.min(2 + (b % 2), options.loans - n);
      borrowers++;
      if (count > 1) multi++;
      for (let j = 0; j < count; j++, n++) {
        const day = 1 + Math.floor(random() * 28);
        population.push({
          n,
          institution: (b + j * step) % I,
          loanId: `L${n}`,
          borrowerType,
          borrowerId,
          partyKey,
          day,
          principal: 100_000 * (1 + Math.floor(random() * 50)),
          // Every 1000th loan at exactly 4 × the LPR of March 2024 (3.45%): on the cap, not above it.
          rate: n % 1000 === 999 ? 0.138 : Number((0.06 + 0.001 * (n % 70)).toFixed(3)),
          overdue: !organisationBorrower && n % 20 === 3 && day <= 20,
        });
      }
    }
  }
  const loanRaw = (f: { loanId: string; borrowerType: string; borrowerId: string; date: string; principal: number; disbursed?: number; rate: number; fee?: number; installments?: number }): Raw => {
    const [y, m, d] = f.date.split('-').map(Number) as [number, number, number];
    const due = m === 12 ? `${y + 1}-01-${pad2(d)}` : `${y}-${pad2(m + 1)}-${pad2(d)}`;
    return {
      loan_id: f.loanId,
      contract_id: `C${f.loanId}`,
      borrower_type: f.borrowerType,
      borrower_id: f.borrowerId,
      contract_date: f.date,
      principal_fen: String(f.principal),
      disbursed_fen: String(f.disbursed ?? f.principal),
      disbursement_date: f.date,
      first_due_date: due,
      installments: String(f.installments ?? 12),
      period_months: '1',
      nominal_annual_rate: String(f.rate),
      repayment_method: 'equal_installment',
      fee_per_installment_fen: String(f.fee ?? 0),
      purpose: f.borrowerType === 'organisation' ? 'working_capital' : 'consumption',
      guarantee_type: 'none',
    };
  };
  let seededLoans = 0;
  let seededPerson = 0;
  let seededOrganisation = 0;
  function* loanLines(): Generator<string> {
    for (const f of population) {
      const { line, record } = writer.line('loan', LOAN_PERIOD, f.institution, loanRaw({ ...f, date: `${LOAN_PERIOD}-${pad2(f.day)}` }));
      const cost = annualisedCostOfLoan(record);
      if (cost === null || cost > 0.24) throw new Error(`lawful loan ${f.loanId} costs ${cost}`);
      yield line;
    }
    const seeded = function* (rule: string, specs: { institution: number; loanId: string; borrowerType: 'individual' | 'organisation'; borrowerId: string; date: string; principal: number; disbursed?: number; rate: number; fee?: number }[], period: string, fires: number[], also: string[] = []): Generator<string> {
      specs.forEach((s, i) => {
        if (fires.includes(i)) {
          expect(rule, s.institution, 'loan', s.loanId);
          for (const other of also) expect(other, s.institution, 'loan', s.loanId);
        }
      });
      for (const s of specs) {
        seededLoans++;
        const { line, record } = writer.line('loan', period, s.institution, loanRaw(s));
        // The cost of credit is the load's own computation: check that each seeded loan falls in the band it is meant for.
        const cost = annualisedCostOfLoan(record) ?? 0;
        const band = rule === 'CN-LOAN-COST-CASH-LOAN' ? cost > 0.36 : rule === 'CN-LOAN-COST-WINDOW-24' ? cost > 0.24 && cost <= 0.36 : s.borrowerType === 'organisation' || cost <= 0.24;
        if (!band) throw new Error(`seeded loan ${s.loanId} (${rule}) costs ${cost}`);
        yield line;
      }
    };
    for (let k = 0; k < K; k++) {
      const at = k % I;
      const one = (tag: string) => ({ institution: at, loanId: `S-${tag}-${k}`, borrowerType: 'individual' as const, borrowerId: person(seededPerson++, true), date: `${LOAN_PERIOD}-15`, principal: 1_000_000, rate: 0.1 });
      yield* seeded('CN-LOAN-RATE-4LPR', [{ ...one('4LPR'), rate: 0.15 }], LOAN_PERIOD, [0]);
      // The comprehensive cost by the cash flows, above 36% (and so above the 24% window level too), and between the two.
      yield* seeded('CN-LOAN-COST-CASH-LOAN', [{ ...one('CASH'), fee: 20_000 }], LOAN_PERIOD, [0], ['CN-LOAN-COST-WINDOW-24']);
      yield* seeded('CN-LOAN-COST-WINDOW-24', [{ ...one('WIN'), fee: 8_000 }], LOAN_PERIOD, [0]);
      yield* seeded('CN-LOAN-UPFRONT-DEDUCTION', [{ ...one('UPF'), disbursed: 999_000 }], LOAN_PERIOD, [0]);
      // Over 200,000 yuan at one platform on the second loan.
      const p = person(seededPerson++, true);
      yield* seeded('CN-BORROW-INDIVIDUAL-PLATFORM', [
        { ...one('IP1'), borrowerId: p, principal: 12_000_000, date: `${LOAN_PERIOD}-05` },
        { ...one('IP2'), borrowerId: p, principal: 10_000_000, date: `${LOAN_PERIOD}-10` },
      ], LOAN_PERIOD, [1]);
      // Exactly 200,000 yuan at one platform: on the limit, lawful.
      const q = person(seededPerson++, true);
      yield* seeded('lawful', [
        { ...one('EQ1'), borrowerId: q, principal: 10_000_000, date: `${LOAN_PERIOD}-05` },
        { ...one('EQ2'), borrowerId: q, principal: 10_000_000, date: `${LOAN_PERIOD}-10` },
      ], LOAN_PERIOD, []);
      // 190,000 yuan at each of six platforms: over 1,000,000 on all platforms with the sixth.
      const r = person(seededPerson++, true);
      yield* seeded('CN-BORROW-INDIVIDUAL-ALL', Array.from({ length: 6 }, (_, j) => ({ ...one(`IA${j}`), institution: (at + j) % I, borrowerId: r, principal: 19_000_000, date: `${LOAN_PERIOD}-${pad2(j + 1)}` })), LOAN_PERIOD, [5]);
      const org = () => ({ borrowerType: 'organisation' as const, borrowerId: organisation(seededOrganisation++, true) });
      const o1 = org();
      yield* seeded('CN-BORROW-ORG-PLATFORM', [
        { ...one('OP1'), ...o1, principal: 60_000_000, date: `${LOAN_PERIOD}-05` },
        { ...one('OP2'), ...o1, principal: 50_000_000, date: `${LOAN_PERIOD}-10` },
      ], LOAN_PERIOD, [1]);
      const o2 = org();
      yield* seeded('CN-BORROW-ORG-ALL', Array.from({ length: 6 }, (_, j) => ({ ...one(`OA${j}`), institution: (at + j) % I, ...o2, principal: 95_000_000, date: `${LOAN_PERIOD}-${pad2(j + 1)}` })), LOAN_PERIOD, [5]);
      // Contracts before 20 August 2020, to organisations (the cost caps are for consumers): above 36% void, 24–36% unenforceable, 24% itself lawful.
      const old = (tag: string, rate: number) => ({ ...one(tag), ...org(), date: `${OLD_LOAN_PERIOD}-15`, rate });
      yield* seeded('CN-LOAN-RATE-OLD-VOID', [old('OV', 0.4)], OLD_LOAN_PERIOD, [0]);
      yield* seeded('CN-LOAN-RATE-OLD-UNENFORCEABLE', [old('OU', 0.3)], OLD_LOAN_PERIOD, [0]);
      yield* seeded('lawful', [old('OL', 0.24)], OLD_LOAN_PERIOD, []);
    }
  }
  log(`loans: ${population.length} ordinary loans of ${borrowers} borrowers (${multi} at two or more institutions), ${K} seeded per rule, ${I} institutions`);
  await copy('loan', loanLines());

  // ---------------------------------------------------------------------------------------------
  // Repayments (April 2024): the first instalment of every ordinary loan, paid on time or overdue
  // with overdue charges within 4 × LPR; seeded ones above it.
  const overdue = population.filter((f) => f.overdue);
  if (overdue.length < 4 * K) throw new Error(`only ${overdue.length} overdue loans for ${K} seeded violations per rule: generate more loans`);
  const seededRepayments = new Set(overdue.slice(0, K).map((f) => f.n));
  function* repaymentLines(): Generator<string> {
    for (const f of population) {
      const principalDue = Math.round(f.principal / 12);
      const interestDue = Math.round((f.principal * f.rate) / 12);
      const due = `${ACTIVITY_PERIOD}-${pad2(f.day)}`;
      const raw: Raw = {
        repayment_id: `R${f.n}-1`,
        loan_id: f.loanId,
        installment_number: '1',
        installments: '12',
        due_date: due,
        principal_due_fen: String(principalDue),
        interest_due_fen: String(interestDue),
        fee_due_fen: '0',
      };
      if (f.overdue) {
        const dpd = 30 - f.day;
        // Annualised over the days past due: 10% is lawful, 30% is above 4 × 3.45% = 13.8%.
        const rate = seededRepayments.has(f.n) ? 0.3 : 0.1;
        if (seededRepayments.has(f.n)) expect('CN-REPAY-OVERDUE-CHARGES', f.institution, 'repayment', raw.repayment_id!);
        Object.assign(raw, { amount_paid_fen: '0', days_past_due: String(dpd), status: 'overdue', overdue_interest_fen: String(Math.floor((principalDue * rate * dpd) / 365)), penalty_fen: '0' });
      } else {
        Object.assign(raw, { amount_paid_fen: String(principalDue + interestDue), paid_date: due, days_past_due: '0', status: 'paid_on_time' });
      }
      yield writer.line('repayment', ACTIVITY_PERIOD, f.institution, raw, f.partyKey).line;
    }
  }
  await copy('repayment', repaymentLines());

  // ---------------------------------------------------------------------------------------------
  // Collection actions (April 2024) on the overdue loans: a connected call at 10:00 and a text at
  // 14:00 on the 22nd; every tenth debtor three connected calls and one unanswered on the 23rd, a
  // call at 08:00 sharp and a text at 23:00 they agreed to. Seeded: a text at 23:30 without
  // agreement, a text to a third party, four connected calls (the fourth by an agency) on the 25th.
  const agency = sampleUscc('440305', 11);
  function* collectionLines(): Generator<string> {
    let id = 0;
    const action = (f: LoanFacts, at: string, extra: Raw = {}) =>
      writer.line('collection', ACTIVITY_PERIOD, f.institution, { collection_id: `K${id++}`, loan_id: f.loanId, debtor_id: f.borrowerId, action_time: at, channel: 'phone_call', contacted_party: 'debtor', collector_type: 'in_house', call_connected: 'true', ...extra }, f.partyKey).line;
    for (const [i, f] of overdue.entries()) {
      yield action(f, '2024-04-22T10:00:00+08:00');
      yield action(f, '2024-04-22T14:00:00+08:00', { channel: 'sms', call_connected: '' });
      if (i % 10 === 0) {
        yield action(f, '2024-04-23T08:00:00+08:00');
        yield action(f, '2024-04-23T12:00:00+08:00', { collector_type: 'agency', agency_uscc: agency });
        yield action(f, '2024-04-23T15:00:00+08:00', { call_connected: 'false' });
        yield action(f, '2024-04-23T16:00:00+08:00');
        yield action(f, '2024-04-23T23:00:00+08:00', { channel: 'sms', call_connected: '', night_contact_agreed: 'true' });
      }
    }
    for (let k = 0; k < K; k++) {
      const night = overdue[K + k]!;
      const third = overdue[2 * K + k]!;
      const calls = overdue[3 * K + k]!;
      expect('CN-COLL-NIGHT', night.institution, 'collection', `K${id}`);
      yield action(night, '2024-04-24T23:30:00+08:00', { channel: 'sms', call_connected: '' });
      expect('CN-COLL-THIRD-PARTY', third.institution, 'collection', `K${id}`);
      yield action(third, '2024-04-24T11:00:00+08:00', { channel: 'sms', call_connected: '', contacted_party: 'third_party' });
      yield action(calls, '2024-04-25T09:00:00+08:00');
      yield action(calls, '2024-04-25T11:00:00+08:00');
      yield action(calls, '2024-04-25T13:00:00+08:00');
      expect('CN-COLL-CALLS-PER-DAY', calls.institution, 'collection', `K${id}`);
      yield action(calls, '2024-04-25T15:00:00+08:00', { collector_type: 'agency', agency_uscc: agency });
    }
  }
  await copy('collection', collectionLines());

  // ---------------------------------------------------------------------------------------------
  // Payments (April 2024) by the borrowers: quick pay and balance payments far below the limits;
  // class I accounts pay from their balance 500 yuan at a time, at most twice (exactly the limit).
  const paymentCount = Math.round(options.loans * (options.paymentsPerLoan ?? 0.5));
  function* paymentLines(): Generator<string> {
    const payerCount = Math.max(1, borrowers);
    for (let p = 0; p < paymentCount; p++) {
      const b = p % payerCount;
      const organisationPayer = b % 20 === 7;
      const klass = b % 5 === 0 ? 'I' : b % 5 === 1 ? 'II' : 'III';
      const balance = p % 3 === 0;
      const day = 1 + (p % 28);
      yield writer.line('payment', ACTIVITY_PERIOD, p % I, {
        payment_id: `T${p}`,
        transaction_time: `${ACTIVITY_PERIOD}-${pad2(day)}T${pad2(8 + (p % 12))}:00:00+08:00`,
        payer_type: organisationPayer ? 'organisation' : 'individual',
        payer_id: organisationPayer ? organisation(b) : person(b),
        payer_account: `6222${String(b).padStart(12, '0')}`,
        payer_verification_class: klass,
        payee_type: 'organisation',
        payee_id: MERCHANT,
        payee_account: `M-${p % 97}`,
        amount_fen: klass === 'I' && balance ? '50000' : String(1_000 + (p % 200) * 1_000),
        channel: balance ? 'balance' : 'quick_pay',
        status: p % 50 === 1 ? 'failed' : 'succeeded',
        // Some payers' verification time is not filed (v1.0 files): nothing to compare.
        ...(p % 7 === 0 ? {} : { payer_verified_at: '2024-01-15T10:00:00+08:00' }),
      }).line;
    }
    for (let k = 0; k < K; k++) {
      const at = k % I;
      // One payer per limit: classes II and III count all of a payer's accounts together over the year.
      const payers = { V: person(seededPerson++, true), I: person(seededPerson++, true), II: person(seededPerson++, true), III: person(seededPerson++, true) };
      const payerOf = (id: string) => (id.startsWith('SV') ? payers.V : id.startsWith('S1') ? payers.I : id.startsWith('S2') ? payers.II : payers.III);
      const pay = (id: string, account: string, klass: string, amount: number, time: string, extra: Raw = {}) =>
        writer.line('payment', ACTIVITY_PERIOD, at, { payment_id: id, transaction_time: time, payer_type: 'individual', payer_id: payerOf(id), payer_account: account, payer_verification_class: klass, payee_type: 'organisation', payee_id: MERCHANT, payee_account: 'M-seed', amount_fen: String(amount), channel: 'balance', status: 'succeeded', payer_verified_at: '2024-01-15T10:00:00+08:00', ...extra }).line;
      expect('CN-PAY-BEFORE-VERIFICATION', at, 'payment', `SV-${k}`);
      yield pay(`SV-${k}`, `SEEDV${k}`, 'III', 5_000, '2024-04-10T10:00:00+08:00', { channel: 'quick_pay', payer_verified_at: '2024-04-10T11:00:00+08:00' });
      yield pay(`S1A-${k}`, `SEED1${k}`, 'I', 60_000, '2024-04-11T10:00:00+08:00');
      expect('CN-PAY-CLASS-I-LIMIT', at, 'payment', `S1B-${k}`);
      yield pay(`S1B-${k}`, `SEED1${k}`, 'I', 50_000, '2024-04-12T10:00:00+08:00');
      yield pay(`S2A-${k}`, `SEED2${k}`, 'II', 6_000_000, '2024-04-11T10:00:00+08:00');
      expect('CN-PAY-CLASS-II-LIMIT', at, 'payment', `S2B-${k}`);
      yield pay(`S2B-${k}`, `SEED2${k}`, 'II', 5_000_000, '2024-04-12T10:00:00+08:00');
      yield pay(`S3A-${k}`, `SEED3${k}`, 'III', 12_000_000, '2024-04-11T10:00:00+08:00');
      expect('CN-PAY-CLASS-III-LIMIT', at, 'payment', `S3B-${k}`);
      yield pay(`S3B-${k}`, `SEED3${k}`, 'III', 9_000_000, '2024-04-12T10:00:00+08:00');
    }
  }
  await copy('payment', paymentLines());

  // ---------------------------------------------------------------------------------------------
  // Fund flows (April 2024): lenders' funds into the custodian account, loans paid out and
  // repayments through it, the platform's fee to its own account. Seeded: a repayment around the
  // custodian (pooling), lenders' funds into the platform's own account.
  const flowCount = Math.round(options.loans * (options.flowsPerLoan ?? 0.2));
  function* flowLines(): Generator<string> {
    const base = (f: number, i: number): Raw => ({ flow_id: `F${f}`, flow_time: `${ACTIVITY_PERIOD}-${pad2(1 + (f % 28))}T02:00:00Z`, amount_fen: String(10_000 + (f % 100) * 1_000), related_loan_id: '' , to_account: `CUST-${i}` });
    for (let f = 0; f < flowCount; f++) {
      const i = f % I;
      const b = f % Math.max(1, borrowers);
      const who = b % 20 === 7 ? { type: 'organisation', id: organisation(b) } : { type: 'individual', id: person(b) };
      switch (f % 4) {
        case 0:
          yield writer.line('fund_flow', ACTIVITY_PERIOD, i, { ...base(f, i), flow_type: 'investor_funding', from_party_type: who.type, from_party_id: who.id, from_account: `INV-${b}`, to_party_type: 'organisation', to_party_id: BANK, via_custodian: 'true', custodian_bank_uscc: BANK }).line;
          break;
        case 1:
          yield writer.line('fund_flow', ACTIVITY_PERIOD, i, { ...base(f, i), flow_type: 'loan_disbursement', from_party_type: 'organisation', from_party_id: BANK, from_account: `CUST-${i}`, to_party_type: who.type, to_party_id: who.id, to_account: `BOR-${b}`, via_custodian: 'true', custodian_bank_uscc: BANK }).line;
          break;
        case 2:
          yield writer.line('fund_flow', ACTIVITY_PERIOD, i, { ...base(f, i), flow_type: 'borrower_repayment', from_party_type: who.type, from_party_id: who.id, from_account: `BOR-${b}`, to_party_type: 'organisation', to_party_id: BANK, via_custodian: 'true', custodian_bank_uscc: BANK }).line;
          break;
        default:
          yield writer.line('fund_flow', ACTIVITY_PERIOD, i, { ...base(f, i), flow_type: 'platform_fee', from_party_type: 'organisation', from_party_id: BANK, from_account: `CUST-${i}`, to_party_type: 'organisation', to_party_id: institutions[i]!.uscc, to_account: `OWN-${i}`, via_custodian: 'false' }).line;
      }
    }
    for (let k = 0; k < K; k++) {
      const i = k % I;
      const payer = person(seededPerson++, true);
      expect('CN-FUNDS-POOLING', i, 'fund_flow', `SP-${k}`);
      yield writer.line('fund_flow', ACTIVITY_PERIOD, i, { flow_id: `SP-${k}`, flow_time: '2024-04-16T02:00:00Z', flow_type: 'borrower_repayment', from_party_type: 'individual', from_party_id: payer, from_account: `SPB-${k}`, to_party_type: 'organisation', to_party_id: MERCHANT, to_account: `POOL-${k}`, amount_fen: '500000', via_custodian: 'false' }).line;
      expect('CN-FUNDS-OWN-ACCOUNT', i, 'fund_flow', `SO-${k}`);
      yield writer.line('fund_flow', ACTIVITY_PERIOD, i, { flow_id: `SO-${k}`, flow_time: '2024-04-16T03:00:00Z', flow_type: 'investor_funding', from_party_type: 'individual', from_party_id: payer, from_account: `SOI-${k}`, to_party_type: 'organisation', to_party_id: institutions[i]!.uscc, to_account: `OWN-${i}`, amount_fen: '500000', via_custodian: 'true', custodian_bank_uscc: BANK }).line;
    }
  }
  await copy('fund_flow', flowLines());

  // The planner's statistics, as autovacuum would gather them soon after a load this size.
  await platform.database.execScript('analyze filed_loan; analyze filed_repayment; analyze filed_collection; analyze filed_payment; analyze filed_fund_flow; analyze filing; analyze filed_product;');

  const filings = [...writer.opened.values()].map((o) => o.filing);
  return {
    institutions,
    filings,
    expected,
    rows,
    loans: population.length + seededLoans,
    borrowers,
    multiLenderBorrowers: multi,
    warnings: writer.warnings,
    seconds: (performance.now() - started) / 1000,
  };
}
