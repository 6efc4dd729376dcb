/**
 * A deterministic generator of loan files in the unified data standard: any number of rows, with a
 * known number of seeded failures of every row-level edit that can fail on a loan file, so that
 * tests and the benchmark can assert the exact count of findings per edit.
 *
 *   npx tsx bench/filing/generate.ts --rows 1000000 --errors-per-edit 10 --seed 1 --out loans.csv
 *
 * Every row that is not seeded passes every edit, warnings included. A seeded row fails exactly
 * one edit, once. The same options always give the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { residentIdCheckCharacter, usccCheckCharacter } from '../../src/standard/identifiers.js';
import { recordTypeDef } from '../../src/standard/standard.js';
import { editsFor } from '../../src/filing/edits/catalogue.js';
import { dayNumber, isoDate } from '../../src/filing/edits/parse.js';

export interface GenerateOptions {
  /** Data rows (the header is not counted). */
  rows: number;
  /** Rows seeded to fail each seedable edit. */
  errorsPerEdit: number;
  seed: number;
  /** Reporting period 'YYYY-MM'; at least a month in the past (seeded birth dates follow it). Default '2024-06'. */
  period?: string;
}

export interface GenerationSummary {
  rows: number;
  period: string;
  /** Edit id → rows seeded to fail it (each such row yields exactly one finding of that edit). */
  seeded: Record<string, number>;
}

const FIELDS = recordTypeDef('loan').fields.map((f) => f.name);
const at = (name: string): number => {
  const i = FIELDS.indexOf(name);
  if (i < 0) throw new Error(`loan has no field ${name}`);
  return i;
};
const F = {
  loanId: at('loan_id'),
  contractId: at('contract_id'),
  productId: at('product_id'),
  borrowerType: at('borrower_type'),
  borrowerId: at('borrower_id'),
  borrowerPhone: at('borrower_phone'),
  contractDate: at('contract_date'),
  principal: at('principal_fen'),
  disbursed: at('disbursed_fen'),
  disbursementDate: at('disbursement_date'),
  firstDue: at('first_due_date'),
  installments: at('installments'),
  periodMonths: at('period_months'),
  periodDays: at('period_days'),
  rate: at('nominal_annual_rate'),
  method: at('repayment_method'),
  fee: at('fee_per_installment_fen'),
  otherFees: at('other_fees_fen'),
  purpose: at('purpose'),
  guaranteeType: at('guarantee_type'),
  guarantorType: at('guarantor_type'),
  guarantorId: at('guarantor_id'),
};

/** The row-level edits that can fail on a loan file; the generator seeds every one of them. */
export const SEEDABLE_EDITS: readonly string[] = editsFor('loan')
  .filter((e) => e.scope === 'row')
  .map((e) => e.id);

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

const REGIONS = ['110105', '310104', '440305', '330106', '510107', '350102', '420106', '320102'];
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const PURPOSES = ['consumption', 'education', 'medical', 'home_improvement', 'vehicle', 'travel', 'business_operation', 'other'];
const METHODS = ['equal_installment', 'equal_principal', 'interest_first', 'bullet'];
const TERMS = [3, 6, 12, 12, 12, 24, 36];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function addMonths(day: number, months: number): number {
  const date = new Date(day * 86_400_000);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  // Days 1–28 only in generated dates, so adding months never overflows a month.
  return dayNumber(y + Math.floor(m / 12), (m % 12) + 1, date.getUTCDate());
}

function residentId(random: () => number, birthDay: number): string {
  const region = REGIONS[Math.floor(random() * REGIONS.length)]!;
  const birth = isoDate(birthDay).replaceAll('-', '');
  const first17 = `${region}${birth}${pad(Math.floor(random() * 1000), 3)}`;
  return first17 + residentIdCheckCharacter(first17);
}

function uscc(random: () => number): string {
  let organisation = '';
  for (let i = 0; i < 9; i++) organisation += USCC_CHARS[Math.floor(random() * USCC_CHARS.length)];
  const first17 = `91${REGIONS[Math.floor(random() * REGIONS.length)]!}${organisation}`;
  return first17 + usccCheckCharacter(first17);
}

function wrongCheck(id: string, alphabet: string): string {
  const last = id[id.length - 1]!;
  const other = alphabet[(alphabet.indexOf(last) + 1) % alphabet.length]!;
  return id.slice(0, -1) + other;
}

interface Period {
  startDay: number;
  endDay: number;
}

function periodOf(period: string): Period {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  if (!/^\d{4}-\d{2}$/.test(period) || month < 1 || month > 12) throw new Error(`period must be YYYY-MM, got ${period}`);
  const startDay = dayNumber(year, month, 1);
  return { startDay, endDay: dayNumber(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - 1 };
}

/** A clean loan that passes every edit, as field values in standard order. */
function cleanLoan(random: () => number, index: number, seed: number, period: Period, forceIndividual = false): string[] {
  const v = new Array<string>(FIELDS.length).fill('');
  v[F.loanId] = `L${seed}-${pad(index, 8)}`;
  v[F.contractId] = `C${seed}-${pad(index, 8)}`;
  v[F.productId] = `P${1 + Math.floor(random() * 5)}`;
  const individual = forceIndividual || random() < 0.95;
  // Contract on day 2–25 of the month, disbursed within two days, so seeded shifts stay in range.
  const contractDay = period.startDay + 1 + Math.floor(random() * 24);
  v[F.contractDate] = isoDate(contractDay);
  if (individual) {
    v[F.borrowerType] = 'individual';
    const ageDays = Math.floor((20 + random() * 40) * 365.25);
    v[F.borrowerId] = residentId(random, contractDay - ageDays);
    if (random() < 0.8) v[F.borrowerPhone] = `1${3 + Math.floor(random() * 7)}${pad(Math.floor(random() * 1e9), 9)}`;
  } else {
    v[F.borrowerType] = 'organisation';
    v[F.borrowerId] = uscc(random);
  }
  const disbursementDay = contractDay + Math.floor(random() * 3);
  v[F.disbursementDate] = isoDate(disbursementDay);
  const method = METHODS[Math.floor(random() * METHODS.length)]!;
  v[F.method] = method;
  let installments: number;
  let periodMonths: number;
  if (method === 'bullet') {
    installments = 1;
    periodMonths = [1, 3, 6, 12][Math.floor(random() * 4)]!;
  } else {
    installments = TERMS[Math.floor(random() * TERMS.length)]!;
    periodMonths = installments <= 12 && random() < 0.1 ? 3 : 1;
  }
  v[F.installments] = String(installments);
  v[F.periodMonths] = String(periodMonths);
  v[F.firstDue] = isoDate(addMonths(disbursementDay, periodMonths));
  const principalFen = (1000 + Math.floor(random() * 199_000)) * 100;
  v[F.principal] = String(principalFen);
  v[F.disbursed] = String(principalFen);
  v[F.rate] = (0.05 + random() * 0.19).toFixed(4);
  // Up to 0.05 % of the principal per instalment: a cost well below the 36 % line.
  v[F.fee] = random() < 0.7 ? '0' : String(Math.floor(principalFen * 0.0005 * random()));
  if (random() < 0.2) v[F.otherFees] = String(Math.floor(principalFen * 0.005 * random()));
  v[F.purpose] = PURPOSES[Math.floor(random() * PURPOSES.length)]!;
  const guarantee = random();
  if (guarantee < 0.2) {
    v[F.guaranteeType] = 'guarantee_company';
    v[F.guarantorType] = 'organisation';
    v[F.guarantorId] = uscc(random);
  } else {
    v[F.guaranteeType] = guarantee < 0.3 ? 'credit_insurance' : 'none';
  }
  return v;
}

/**
 * Turn a clean loan into one that fails exactly `editId` (and nothing else). Returns the values,
 * possibly shorter than the header (S004).
 */
function seedFailure(editId: string, v: string[], random: () => number, seed: number, period: Period): string[] {
  // The clean row's contract date: day 2–25 of the period.
  const contractDay = dayNumberOf(v[F.contractDate]!);
  const setIndividual = (birthDay: number) => {
    v[F.borrowerType] = 'individual';
    v[F.borrowerId] = residentId(random, birthDay);
  };
  const setOrganisation = () => {
    v[F.borrowerType] = 'organisation';
    v[F.borrowerId] = uscc(random);
    v[F.borrowerPhone] = '';
  };
  const adultBirth = () => contractDay - 30 * 365;
  const plainTerms = (rate: string) => {
    v[F.contractDate] = isoDate(contractDay);
    v[F.disbursementDate] = isoDate(contractDay);
    v[F.firstDue] = isoDate(addMonths(contractDay, 1));
    v[F.installments] = '12';
    v[F.periodMonths] = '1';
    v[F.method] = 'equal_installment';
    v[F.rate] = rate;
    v[F.fee] = '0';
    v[F.otherFees] = '';
  };
  switch (editId) {
    case 'S004':
      return v.slice(0, -1);
    case 'S005':
      v[F.contractId] = '';
      break;
    case 'S006':
      v[F.installments] = `${v[F.installments]}x`;
      break;
    case 'S007':
      v[F.principal] = `${v[F.principal]}.50`;
      break;
    case 'S008':
      v[F.rate] = '0.1O';
      break;
    case 'S009':
      v[F.contractDate] = v[F.contractDate]!.replaceAll('-', '/');
      break;
    case 'S012':
      v[F.contractId] = 'C'.repeat(65);
      break;
    case 'V001':
      v[F.purpose] = 'gambling';
      break;
    case 'V002':
      v[F.firstDue] = `${v[F.firstDue]!.slice(0, 4)}-02-30`;
      break;
    case 'V003':
      v[F.contractDate] = isoDate(period.endDay + 1);
      break;
    case 'V004':
      v[F.contractDate] = isoDate(period.startDay - 1);
      break;
    case 'V006':
      v[F.otherFees] = '-100';
      break;
    case 'V007':
      v[F.rate] = '12.5';
      break;
    case 'V008':
      v[F.installments] = '0';
      break;
    case 'V010':
      setIndividual(adultBirth());
      v[F.borrowerId] = v[F.borrowerId]!.slice(0, 17);
      break;
    case 'V011':
      setIndividual(adultBirth());
      v[F.borrowerId] = wrongCheck(v[F.borrowerId]!, '0123456789X');
      break;
    case 'V012':
      setOrganisation();
      v[F.borrowerId] = `${v[F.borrowerId]!.slice(0, 17)}I`;
      break;
    case 'V013':
      setOrganisation();
      v[F.borrowerId] = wrongCheck(v[F.borrowerId]!, USCC_CHARS);
      break;
    case 'V014':
      v[F.borrowerPhone] = '12ab';
      break;
    case 'V015':
      // The first data row is never seeded, so its id is registered before this row repeats it.
      v[F.loanId] = `L${seed}-${pad(0, 8)}`;
      break;
    case 'V016':
      v[F.disbursed] = String(Number(v[F.principal]) + 100);
      break;
    case 'V017':
      v[F.disbursementDate] = isoDate(contractDay - 1);
      v[F.firstDue] = isoDate(addMonths(contractDay, 1));
      break;
    case 'V018':
      v[F.firstDue] = v[F.disbursementDate]!;
      break;
    case 'V030':
      // Neither the months nor the days of an instalment period.
      v[F.periodMonths] = '';
      break;
    case 'V019':
      v[F.guaranteeType] = 'guarantee_company';
      v[F.guarantorType] = '';
      v[F.guarantorId] = '';
      break;
    case 'Q003':
      setIndividual(contractDay + 1 + Math.floor(random() * 3));
      break;
    case 'Q004':
      setIndividual(contractDay - 16 * 365);
      plainTerms(v[F.rate]!);
      break;
    case 'Q005':
      setIndividual(adultBirth());
      plainTerms('0.0800');
      v[F.principal] = '150000000';
      v[F.disbursed] = '150000000';
      break;
    default:
      throw new Error(`the generator cannot seed edit ${editId}`);
  }
  return v;
}

function dayNumberOf(iso: string): number {
  return dayNumber(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

/** How many rows of each edit a file with these options seeds; throws when they do not fit. */
export function seededCounts(options: GenerateOptions): Record<string, number> {
  const total = SEEDABLE_EDITS.length * options.errorsPerEdit;
  if (total > options.rows - 1) {
    throw new Error(`${SEEDABLE_EDITS.length} edits × ${options.errorsPerEdit} seeded rows need at least ${total + 1} rows`);
  }
  return Object.fromEntries(SEEDABLE_EDITS.map((id) => [id, options.errorsPerEdit]));
}

/**
 * The lines of a generated loan file: the header first, then one line per row, each ending in a
 * newline. Lazy, so a file of any size streams in constant memory.
 */
export function* generateLoanLines(options: GenerateOptions): Generator<string> {
  const period = periodOf(options.period ?? '2024-06');
  seededCounts(options);
  const random = prng(options.seed);
  // Spread the seeded rows evenly over the file, in a shuffled order of edits; row 0 stays clean.
  const plan: number[] = [];
  for (let e = 0; e < SEEDABLE_EDITS.length; e++) for (let k = 0; k < options.errorsPerEdit; k++) plan.push(e);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  const seededAt = new Map<number, string>();
  plan.forEach((edit, j) => seededAt.set(1 + Math.floor((j * (options.rows - 1)) / plan.length), SEEDABLE_EDITS[edit]!));
  yield `${FIELDS.join(',')}\n`;
  for (let index = 0; index < options.rows; index++) {
    const editId = seededAt.get(index);
    let values = cleanLoan(random, index, options.seed, period, editId !== undefined);
    if (editId !== undefined) values = seedFailure(editId, values, random, options.seed, period);
    yield `${values.join(',')}\n`;
  }
}

/** Write a generated loan file to `path` and say what was seeded. */
export async function writeLoanFile(path: string, options: GenerateOptions): Promise<GenerationSummary> {
  const out = createWriteStream(path);
  let buffer = '';
  for (const line of generateLoanLines(options)) {
    buffer += line;
    if (buffer.length >= 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return { rows: options.rows, period: options.period ?? '2024-06', seeded: seededCounts(options) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      'errors-per-edit': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      period: { type: 'string', default: '2024-06' },
      out: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out <file.csv> is required');
  const summary = await writeLoanFile(values.out, {
    rows: Number(values.rows),
    errorsPerEdit: Number(values['errors-per-edit']),
    seed: Number(values.seed),
    period: values.period,
  });
  console.log(JSON.stringify(summary));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
