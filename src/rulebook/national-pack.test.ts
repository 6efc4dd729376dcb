/**
 * The national rule pack, rule by rule, through the real pipeline on both engines: each rule has
 * case rows named after what they test (`4LPR-FIRE-…` must fire the rule, `4LPR-NOT-…` must not),
 * filed a handful of filings per engine, and after the filings each rule's own cases that fired are
 * exactly those meant to. Rows meant for one rule may fire others; only a rule's own cases count.
 * Three institutions: A (Hangzhou) and B (Shenzhen) without a lending licence, L (Hangzhou) with an
 * approved online-lending licence. Money in fen, rates as decimals, times in China time unless
 * written with Z.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, makeUscc, startPlatform, type TestContext } from '../../test/harness.js';
import { fileAndSign, institution, recordsCsv, supervisorCaller, type TestInstitution } from '../filing/filing.test-support.js';
import type { RecordType } from '../standard/standard.js';
import type { ResolvedRule } from './rule.js';
import { MonitoringService } from '../monitoring/monitoring.service.js';

type Who = 'A' | 'B' | 'L';
type Row = Record<string, string>;

interface Case {
  id: string;
  fires: boolean;
  /** Filed in the first version of its filing only, and left out of the resubmission. */
  dropped?: boolean;
  who: Who;
  type: RecordType;
  period: string;
  row: Row;
}

/** The prefix of each rule's case ids. */
const PREFIX: Record<string, string> = {
  'CN-LOAN-RATE-4LPR': '4LPR',
  'CN-LOAN-RATE-OLD-VOID': 'OLDVOID',
  'CN-LOAN-RATE-OLD-UNENFORCEABLE': 'OLDUNENF',
  'CN-LOAN-COST-CASH-LOAN': 'COST',
  'CN-LOAN-COST-WINDOW-24': 'WIN24',
  'CN-LOAN-UPFRONT-DEDUCTION': 'UPFRONT',
  'CN-REPAY-OVERDUE-CHARGES': 'OVD',
  'CN-BORROW-INDIVIDUAL-PLATFORM': 'BIP',
  'CN-BORROW-INDIVIDUAL-ALL': 'BIA',
  'CN-BORROW-ORG-PLATFORM': 'BOP',
  'CN-BORROW-ORG-ALL': 'BOA',
  'CN-FUNDS-POOLING': 'POOL',
  'CN-FUNDS-OWN-ACCOUNT': 'OWN',
  'CN-PAY-BEFORE-VERIFICATION': 'PAYV',
  'CN-PAY-CLASS-I-LIMIT': 'PAY1',
  'CN-PAY-CLASS-II-LIMIT': 'PAY2',
  'CN-PAY-CLASS-III-LIMIT': 'PAY3',
  'CN-COLL-NIGHT': 'NIGHT',
  'CN-COLL-CALLS-PER-DAY': 'CALLS',
  'CN-COLL-THIRD-PARTY': 'THIRD',
  'CN-DISC-INCOMPLETE': 'DISC',
  'CN-PRODUCT-RISK-WARNING': 'RISK',
  'CN-PRODUCT-RATE-BASIS': 'RATEB',
  'CN-COMPLAINT-LATE': 'LATE',
};

// Borrowers, debtors and payers: one per group of cases that must not add up with another.
let nextPerson = 1;
const person = () => makeResidentId('330106', '1985-03-02', nextPerson++);
let nextCompany = 1;
const company = () => makeUscc('310104', 500 + nextCompany++);

/** The cases, built once: every row a filing holds is here, with the rule it is meant for in its id. */
function buildCases(uscc: Record<Who, string>): Case[] {
  const cases: Case[] = [];
  const add = (who: Who, type: RecordType, period: string, id: string, row: Row, dropped = false) => {
    const fires = /^[A-Z0-9]+-FIRE-/.test(id);
    cases.push({ id, fires, who, type, period, row, ...(dropped ? { dropped } : {}) });
  };

  // ---- Products. L's before the 2021-03-31 rate-basis rule; A's in 2024-07.
  const product = (who: Who, period: string, id: string, changes: Row) => add(who, 'product', period, id, { product_id: id, launched_on: `${period}-01`, ...changes });
  const longWarning = '借贷有风险，选择需谨慎；请根据自身还款能力理性借款，按时还款。';
  product('L', '2020-08', 'P2P-L', { product_type: 'p2p_loan', risk_warning: longWarning });
  product('L', '2020-08', 'CASH-L', { product_type: 'cash_loan', risk_warning: longWarning });
  product('L', '2020-08', 'RATEB-NOT-BEFORE-IN-FORCE', { advertised_annual_rate: '0.18', rate_basis: '', risk_warning: longWarning });
  product('A', '2024-07', 'CASH-A', { product_type: 'cash_loan', risk_warning: longWarning });
  product('A', '2024-07', 'INST-A', { product_type: 'consumer_installment', risk_warning: longWarning });
  product('A', '2024-07', 'BIZ-A', { product_type: 'business_loan', risk_warning: longWarning });
  product('A', '2024-07', 'P2P-A', { product_type: 'p2p_loan', risk_warning: longWarning });
  const chars = (n: number) => [...longWarning].slice(0, n).join('');
  product('A', '2024-07', 'RISK-FIRE-19-CHARACTERS', { risk_warning: chars(19) });
  product('A', '2024-07', 'RISK-NOT-20-CHARACTERS', { risk_warning: chars(20) });
  product('A', '2024-07', 'RISK-FIRE-PADDED-19', { risk_warning: `  ${chars(19)}  ` });
  product('A', '2024-07', 'RISK-FIRE-SAMPLE-10', {});
  product('A', '2024-07', 'RATEB-FIRE-NO-BASIS', { advertised_annual_rate: '0.18', rate_basis: '', risk_warning: longWarning });
  product('A', '2024-07', 'RATEB-NOT-IRR', { advertised_annual_rate: '0.18', rate_basis: 'irr', risk_warning: longWarning });
  product('A', '2024-07', 'RATEB-NOT-SIMPLE', { advertised_annual_rate: '0.18', rate_basis: 'simple', risk_warning: longWarning });
  product('A', '2024-07', 'RATEB-NOT-NO-RATE', { advertised_annual_rate: '', rate_basis: '', risk_warning: longWarning });

  // ---- Loans. Default: a small loan to a borrower of no balance case, no product filed.
  const P0 = person();
  const nextMonth = (date: string) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m, Math.min(d, 28))).toISOString().slice(0, 10);
  };
  const loan = (who: Who, id: string, date: string, changes: Row = {}) =>
    add(who, 'loan', date.slice(0, 7), id, {
      loan_id: id, contract_id: `C-${id}`, product_id: '', borrower_type: 'individual', borrower_id: P0, contract_date: date, disbursement_date: date,
      first_due_date: nextMonth(date), principal_fen: '100000', disbursed_fen: '100000', ...changes,
    });
  // A bullet loan over 365 days: its comprehensive annualised cost is the nominal rate (plus fees over the amount lent).
  const bullet = (date: string, rate: string): Row => {
    const due = new Date(Date.parse(`${date}T00:00:00Z`) + 365 * 86_400_000).toISOString().slice(0, 10);
    return { nominal_annual_rate: rate, repayment_method: 'bullet', installments: '1', period_months: '', period_days: '365', first_due_date: due, principal_fen: '1000000', disbursed_fen: '1000000' };
  };
  const org = (uscc: string): Row => ({ borrower_type: 'organisation', borrower_id: uscc });
  const ind = (id: string): Row => ({ borrower_type: 'individual', borrower_id: id });
  const amount = (fen: number): Row => ({ principal_fen: String(fen), disbursed_fen: String(fen) });

  // 4 × LPR (Fa Shi [2020] No.17 Art.25): contracts from 2020-08-20; the LPR in force on the contract date.
  // 2020-08-20: LPR 3.85% → cap 15.40%.
  loan('A', '4LPR-FIRE-ON-SWITCH-DAY', '2020-08-20', { nominal_annual_rate: '0.1541' });
  loan('A', '4LPR-NOT-AT-CAP-SWITCH-DAY', '2020-08-20', { nominal_annual_rate: '0.154' });
  loan('A', '4LPR-NOT-DAY-BEFORE-SWITCH', '2020-08-19', { nominal_annual_rate: '0.2' });
  // 2024-07-21: LPR 3.45% → 13.80%; 2024-07-22 (a new LPR takes effect): 3.35% → 13.40%.
  loan('A', '4LPR-FIRE-ABOVE-OLD-LPR', '2024-07-21', { nominal_annual_rate: '0.1381' });
  loan('A', '4LPR-NOT-AT-CAP-OLD-LPR', '2024-07-21', { nominal_annual_rate: '0.138' });
  loan('A', '4LPR-NOT-BELOW-OLD-LPR-CAP', '2024-07-21', { nominal_annual_rate: '0.135' });
  loan('A', '4LPR-FIRE-NEW-LPR-ON-ITS-FIRST-DAY', '2024-07-22', { nominal_annual_rate: '0.1341' });
  loan('A', '4LPR-FIRE-NEW-LPR-BELOW-OLD-CAP', '2024-07-22', { nominal_annual_rate: '0.135' });
  loan('A', '4LPR-NOT-AT-CAP-NEW-LPR', '2024-07-22', { nominal_annual_rate: '0.134' });
  loan('A', '4LPR-FIRE-PRODUCT-NOT-FILED', '2024-07-22', { nominal_annual_rate: '0.2', product_id: 'NEVER-FILED' });
  loan('A', '4LPR-FIRE-CASH-PRODUCT', '2024-07-22', { nominal_annual_rate: '0.2', product_id: 'CASH-A' });
  loan('L', '4LPR-NOT-LICENSED-LENDER', '2024-07-22', { nominal_annual_rate: '0.2' });
  loan('L', '4LPR-NOT-LICENSED-CASH-PRODUCT', '2024-07-22', { nominal_annual_rate: '0.2', product_id: 'CASH-L' });
  loan('L', '4LPR-FIRE-LICENSED-P2P-PRODUCT', '2024-07-22', { nominal_annual_rate: '0.1341', product_id: 'P2P-L' });
  loan('L', '4LPR-NOT-LICENSED-P2P-AT-CAP', '2024-07-22', { nominal_annual_rate: '0.134', product_id: 'P2P-L' });

  // Before 2020-08-20 (Fa Shi [2015] No.18 Art.26): above 36% void; above 24% up to 36% not enforceable.
  loan('A', 'OLDVOID-FIRE-ABOVE-36', '2020-08-19', { nominal_annual_rate: '0.3601' });
  loan('A', 'OLDVOID-NOT-AT-36', '2020-08-19', { nominal_annual_rate: '0.36' });
  loan('A', 'OLDVOID-NOT-ON-SWITCH-DAY', '2020-08-20', { nominal_annual_rate: '0.4' });
  loan('L', 'OLDVOID-NOT-LICENSED-LENDER', '2020-08-19', { nominal_annual_rate: '0.4' });
  loan('L', 'OLDVOID-FIRE-LICENSED-P2P-PRODUCT', '2020-08-19', { nominal_annual_rate: '0.4', product_id: 'P2P-L' });
  loan('A', 'OLDUNENF-FIRE-ABOVE-24', '2020-08-19', { nominal_annual_rate: '0.2401' });
  loan('A', 'OLDUNENF-FIRE-AT-36', '2020-08-19', { nominal_annual_rate: '0.36' });
  loan('A', 'OLDUNENF-NOT-AT-24', '2020-08-19', { nominal_annual_rate: '0.24' });
  loan('A', 'OLDUNENF-NOT-ABOVE-36', '2020-08-19', { nominal_annual_rate: '0.3601' });
  loan('A', 'OLDUNENF-NOT-ON-SWITCH-DAY', '2020-08-20', { nominal_annual_rate: '0.3' });
  loan('L', 'OLDUNENF-NOT-LICENSED-LENDER', '2020-08-19', { nominal_annual_rate: '0.3' });
  loan('L', 'OLDUNENF-FIRE-LICENSED-P2P-PRODUCT', '2020-08-19', { nominal_annual_rate: '0.3', product_id: 'P2P-L' });

  // The cash-loan cost cap (141 Circular): cost strictly above 36%, cash loans, instalments or no product; licensed lenders too.
  loan('A', 'COST-FIRE-NO-PRODUCT', '2024-07-22', bullet('2024-07-22', '0.3601'));
  loan('A', 'COST-NOT-AT-CAP', '2024-07-22', bullet('2024-07-22', '0.36'));
  loan('A', 'COST-FIRE-PRODUCT-NOT-FILED', '2024-07-22', { ...bullet('2024-07-22', '0.4'), product_id: 'NEVER-FILED' });
  loan('A', 'COST-FIRE-CASH-LOAN', '2024-07-22', { ...bullet('2024-07-22', '0.4'), product_id: 'CASH-A' });
  loan('A', 'COST-FIRE-CONSUMER-INSTALMENT', '2024-07-22', { ...bullet('2024-07-22', '0.4'), product_id: 'INST-A' });
  loan('A', 'COST-NOT-BUSINESS-LOAN', '2024-07-22', { ...bullet('2024-07-22', '0.4'), product_id: 'BIZ-A' });
  loan('A', 'COST-NOT-P2P-PROJECT', '2024-07-22', { ...bullet('2024-07-22', '0.4'), product_id: 'P2P-A' });
  loan('A', 'COST-NOT-ORGANISATION', '2024-07-22', { ...bullet('2024-07-22', '0.4'), ...org(company()) });
  // Fees count: 10% interest and 26% of the amount lent in fees is 36% (not above); 27% is above.
  loan('A', 'COST-NOT-FEES-AT-CAP', '2024-07-22', { ...bullet('2024-07-22', '0.1'), fee_per_installment_fen: '260000' });
  loan('A', 'COST-FIRE-FEES-ABOVE', '2024-07-22', { ...bullet('2024-07-22', '0.1'), fee_per_installment_fen: '270000' });
  // 12% on 10,000 yuan of which only 8,000 was paid out: the cost is on what was lent, 40%.
  loan('A', 'COST-FIRE-UPFRONT-DEDUCTION', '2024-07-22', { ...bullet('2024-07-22', '0.12'), disbursed_fen: '800000' });
  loan('L', 'COST-FIRE-LICENSED-LENDER', '2024-07-22', { ...bullet('2024-07-22', '0.4'), product_id: 'CASH-L' });

  // Window guidance 24% (from 2020-08-20): any product, individuals.
  loan('A', 'WIN24-FIRE-ABOVE', '2024-07-22', bullet('2024-07-22', '0.2401'));
  loan('A', 'WIN24-NOT-AT-LEVEL', '2024-07-22', bullet('2024-07-22', '0.24'));
  loan('A', 'WIN24-FIRE-BUSINESS-PRODUCT', '2024-07-22', { ...bullet('2024-07-22', '0.3'), product_id: 'BIZ-A' });
  loan('A', 'WIN24-NOT-ORGANISATION', '2024-07-22', { ...bullet('2024-07-22', '0.3'), ...org(company()) });
  loan('L', 'WIN24-FIRE-LICENSED-LENDER', '2024-07-22', { ...bullet('2024-07-22', '0.3'), product_id: 'CASH-L' });
  loan('A', 'WIN24-FIRE-FIRST-DAY-IN-FORCE', '2020-08-20', bullet('2020-08-20', '0.3'));
  loan('A', 'WIN24-NOT-BEFORE-IN-FORCE', '2020-08-19', bullet('2020-08-19', '0.3'));

  // Up-front deduction (Civil Code Art.670), from 2021-01-01.
  loan('A', 'UPFRONT-FIRE-ONE-FEN-SHORT', '2024-07-22', { principal_fen: '100000', disbursed_fen: '99999' });
  loan('A', 'UPFRONT-NOT-IN-FULL', '2024-07-22', { principal_fen: '100000', disbursed_fen: '100000' });
  // Contract Law Art.200 said the same before the Civil Code took effect on 2021-01-01.
  loan('A', 'UPFRONT-FIRE-UNDER-CONTRACT-LAW', '2020-08-19', { principal_fen: '100000', disbursed_fen: '95000' });
  loan('L', 'UPFRONT-FIRE-LICENSED-LENDER', '2024-07-22', { principal_fen: '100000', disbursed_fen: '90000', product_id: 'CASH-L' });

  // Loans the repayment cases refer to.
  loan('A', 'LOAN-OVD-NEW-LPR', '2024-07-22', { nominal_annual_rate: '0.1' });
  loan('A', 'LOAN-OVD-OLD-LPR', '2024-07-21', { nominal_annual_rate: '0.1' });
  loan('A', 'LOAN-OVD-BEFORE-SWITCH', '2020-08-19', { nominal_annual_rate: '0.1' });
  loan('L', 'LOAN-OVD-LICENSED', '2024-07-22', { nominal_annual_rate: '0.1', product_id: 'CASH-L' });
  loan('L', 'LOAN-OVD-LICENSED-P2P', '2024-07-22', { nominal_annual_rate: '0.1', product_id: 'P2P-L' });

  // Individual on one platform: CNY 200,000. Balances in the order signed; the loan that crosses fires, the next does not.
  const bip1 = person();
  loan('A', 'BIP-NOT-FIRST', '2024-07-01', { ...ind(bip1), ...amount(10_000_000) });
  loan('A', 'BIP-NOT-AT-LIMIT', '2024-07-02', { ...ind(bip1), ...amount(10_000_000) });
  loan('A', 'BIP-FIRE-CROSSES-BY-ONE-FEN', '2024-07-03', { ...ind(bip1), ...amount(1) });
  loan('A', 'BIP-NOT-AFTER-CROSSING', '2024-07-04', { ...ind(bip1), ...amount(1_000_000) });
  // The balance on the day a loan is signed: principal repaid by then lowers it (a payment covers interest first); repaid later does not.
  const bip2 = person();
  loan('A', 'BIP-NOT-REPAID-FIRST', '2024-07-01', { ...ind(bip2), ...amount(15_000_000) });
  loan('A', 'BIP-NOT-REPAID-ON-SIGNING-DAY', '2024-07-02', { ...ind(bip2), ...amount(6_000_000) });
  const bip3 = person();
  loan('A', 'BIP-NOT-PARTLY-REPAID-FIRST', '2024-07-01', { ...ind(bip3), ...amount(15_000_000) });
  loan('A', 'BIP-FIRE-INTEREST-PAID-FIRST', '2024-07-02', { ...ind(bip3), ...amount(6_000_000) });
  const bip6 = person();
  loan('A', 'BIP-NOT-REPAID-LATER-FIRST', '2024-07-01', { ...ind(bip6), ...amount(15_000_000) });
  loan('A', 'BIP-FIRE-REPAID-ONLY-AFTER-SIGNING', '2024-07-02', { ...ind(bip6), ...amount(6_000_000) });
  const bip4 = person();
  loan('A', 'BIP-NOT-SPLIT-ACROSS-PLATFORMS-A', '2024-07-01', { ...ind(bip4), ...amount(15_000_000) });
  loan('B', 'BIP-NOT-SPLIT-ACROSS-PLATFORMS-B', '2024-07-02', { ...ind(bip4), ...amount(15_000_000) });
  loan('A', 'BIP-NOT-ORGANISATION', '2024-07-01', { ...org(company()), ...amount(25_000_000) });
  // Two loans signed the same day: whichever order they are summed in, the one over the limit by itself fires and the other does not.
  const bip5 = person();
  loan('A', 'BIP-FIRE-SAME-DAY-OVER-BY-ITSELF', '2024-07-05', { ...ind(bip5), ...amount(20_000_001) });
  loan('A', 'BIP-NOT-SAME-DAY-SMALL', '2024-07-05', { ...ind(bip5), ...amount(100) });
  // A's August filing comes before its July one: the July loan filed late takes the August loan over the limit.
  const bip7 = person();
  loan('A', 'BIP-FIRE-SIGNED-LATER-FILED-FIRST', '2024-08-05', { ...ind(bip7), ...amount(6_000_000) });
  loan('A', 'BIP-NOT-SIGNED-EARLIER-FILED-LATE', '2024-07-10', { ...ind(bip7), ...amount(15_000_000) });
  loan('L', 'BIP-FIRE-LICENSED-LENDER', '2024-07-05', { ...ind(person()), ...amount(20_000_001), product_id: 'CASH-L' });

  // Individual on all platforms: CNY 1,000,000, across A and B.
  const bia1 = person();
  loan('A', 'BIA-NOT-FIRST', '2024-07-05', { ...ind(bia1), ...amount(60_000_000) });
  loan('B', 'BIA-NOT-AT-LIMIT-WITH-OTHER-PLATFORM', '2024-07-06', { ...ind(bia1), ...amount(40_000_000) });
  // Filed by A before B filed: only B's filing takes it over, and the re-check of A's loans finds it.
  loan('A', 'BIA-FIRE-CROSSES-ACROSS-PLATFORMS', '2024-07-08', { ...ind(bia1), ...amount(100) });
  loan('B', 'BIA-NOT-AFTER-CROSSING', '2024-07-09', { ...ind(bia1), ...amount(100) });
  const bia2 = person();
  loan('A', 'BIA-NOT-REPAID-ELSEWHERE-FIRST', '2024-07-05', { ...ind(bia2), ...amount(60_000_000) });
  // Over the limit when B files; A's repayment of 100 fen on the day B lent, filed afterwards, brings it back under.
  loan('B', 'BIA-NOT-REPAID-ELSEWHERE-BEFORE-SIGNING', '2024-07-06', { ...ind(bia2), ...amount(40_000_001) });
  // B's loan takes A's later one over the limit until B resubmits its July without it.
  const bia3 = person();
  loan('A', 'BIA-NOT-OVER-ONLY-WITH-A-LOAN-RESUBMITTED-AWAY', '2024-07-20', { ...ind(bia3), ...amount(50_000_000) });
  add('B', 'loan', '2024-07', 'BIA-NOT-RESUBMITTED-AWAY', {
    loan_id: 'BIA-NOT-RESUBMITTED-AWAY', contract_id: 'C-BIA-NOT-RESUBMITTED-AWAY', product_id: '', contract_date: '2024-07-06', disbursement_date: '2024-07-06', first_due_date: '2024-08-06',
    ...ind(bia3), ...amount(50_000_001),
  }, true);
  loan('A', 'BIA-NOT-ORGANISATION', '2024-07-05', { ...org(company()), ...amount(100_000_001) });
  // Signed the same day at A and at B: the institutions are taken in the order of their ids, so
  // whichever of the two comes second takes the balance over the limit (checked on its own below).
  const bia4 = person();
  loan('A', 'SAMEDAY-FIRST', '2024-07-14', { ...ind(bia4), ...amount(60_000_000) });
  loan('A', 'SAMEDAY-A', '2024-07-15', { ...ind(bia4), ...amount(40_000_000) });
  loan('B', 'SAMEDAY-B', '2024-07-15', { ...ind(bia4), ...amount(100) });

  // Organisation on one platform: CNY 1,000,000.
  const bop = company();
  loan('A', 'BOP-NOT-AT-LIMIT', '2024-07-10', { ...org(bop), ...amount(100_000_000) });
  loan('A', 'BOP-FIRE-CROSSES', '2024-07-11', { ...org(bop), ...amount(1) });
  loan('A', 'BOP-NOT-AFTER-CROSSING', '2024-07-12', { ...org(bop), ...amount(100) });
  loan('A', 'BOP-NOT-INDIVIDUAL', '2024-07-10', { ...ind(person()), ...amount(100_000_001) });
  const bop2 = company();
  loan('A', 'BOP-NOT-SPLIT-ACROSS-PLATFORMS-A', '2024-07-10', { ...org(bop2), ...amount(60_000_000) });
  loan('B', 'BOP-NOT-SPLIT-ACROSS-PLATFORMS-B', '2024-07-11', { ...org(bop2), ...amount(60_000_000) });

  // Organisation on all platforms: CNY 5,000,000.
  const boa = company();
  loan('A', 'BOA-NOT-FIRST', '2024-07-10', { ...org(boa), ...amount(300_000_000) });
  loan('B', 'BOA-NOT-AT-LIMIT', '2024-07-11', { ...org(boa), ...amount(200_000_000) });
  loan('B', 'BOA-FIRE-CROSSES', '2024-07-12', { ...org(boa), ...amount(100) });
  loan('A', 'BOA-NOT-AFTER-CROSSING', '2024-07-13', { ...org(boa), ...amount(100) });
  loan('A', 'BOA-NOT-INDIVIDUAL', '2024-07-10', { ...ind(person()), ...amount(500_000_001) });

  // ---- Repayments, period 2024-10 (ends 2024-10-31): 73 days past due means due on 2024-08-19.
  // Charges over 100,000 fen of principal due for 73 days: c fen is c × 0.00005 a year.
  const repay = (who: Who, id: string, loanId: string, changes: Row) =>
    add(who, 'repayment', '2024-10', id, {
      repayment_id: id, loan_id: loanId, installment_number: '1', installments: '12', due_date: '2024-08-19', principal_due_fen: '100000', interest_due_fen: '1000', fee_due_fen: '0',
      amount_paid_fen: '0', paid_date: '', days_past_due: '73', status: 'overdue', overdue_interest_fen: '', penalty_fen: '', ...changes,
    });
  const charges = (interest: string, penalty: string): Row => ({ overdue_interest_fen: interest, penalty_fen: penalty });
  repay('A', 'OVD-FIRE-ABOVE-CAP', 'LOAN-OVD-NEW-LPR', charges('2000', '681'));
  repay('A', 'OVD-NOT-AT-CAP', 'LOAN-OVD-NEW-LPR', charges('2000', '680'));
  repay('A', 'OVD-FIRE-PENALTY-ONLY-FILED', 'LOAN-OVD-NEW-LPR', charges('', '2681'));
  repay('A', 'OVD-FIRE-INTEREST-ONLY-FILED', 'LOAN-OVD-NEW-LPR', charges('2681', ''));
  repay('A', 'OVD-NOT-CHARGES-NOT-FILED', 'LOAN-OVD-NEW-LPR', charges('', ''));
  // The LPR of the contract date (3.45%, cap 13.80%), not the one at the period end (3.10%).
  repay('A', 'OVD-NOT-BELOW-CONTRACT-DATE-CAP', 'LOAN-OVD-OLD-LPR', charges('2681', ''));
  repay('A', 'OVD-FIRE-ABOVE-CONTRACT-DATE-CAP', 'LOAN-OVD-OLD-LPR', charges('2761', ''));
  repay('A', 'OVD-NOT-CONTRACT-BEFORE-SWITCH', 'LOAN-OVD-BEFORE-SWITCH', charges('50000', ''));
  repay('A', 'OVD-NOT-LOAN-NOT-FILED', 'NO-SUCH-LOAN', charges('50000', ''));
  repay('A', 'OVD-NOT-NOT-OVERDUE', 'LOAN-OVD-NEW-LPR', { ...charges('5000', ''), days_past_due: '0', status: 'paid_on_time', amount_paid_fen: '101000', paid_date: '2024-08-19' });
  repay('L', 'OVD-NOT-LICENSED-LENDER', 'LOAN-OVD-LICENSED', charges('50000', ''));
  repay('L', 'OVD-FIRE-LICENSED-P2P-PRODUCT', 'LOAN-OVD-LICENSED-P2P', charges('50000', ''));
  // Repaid principal for the balance cases: 1,000,000 fen on the day of the second loan (with 100 of interest first), or months later.
  const paid = (principal: number, interest: number, on: string): Row => ({
    due_date: '2024-10-10', principal_due_fen: String(principal), interest_due_fen: String(interest), amount_paid_fen: String(principal), paid_date: on, days_past_due: '0',
    status: on < '2024-10-10' ? 'prepaid' : 'paid_on_time',
  });
  repay('A', 'REPAID-BIP2', 'BIP-NOT-REPAID-FIRST', paid(1_000_000, 0, '2024-07-02'));
  repay('A', 'REPAID-BIP3', 'BIP-NOT-PARTLY-REPAID-FIRST', paid(1_000_000, 100, '2024-07-02'));
  repay('A', 'REPAID-BIP6', 'BIP-NOT-REPAID-LATER-FIRST', paid(1_000_000, 0, '2024-10-10'));
  repay('A', 'REPAID-BIA2', 'BIA-NOT-REPAID-ELSEWHERE-FIRST', paid(100, 0, '2024-07-06'));

  // ---- Fund flows, 2024-07.
  const flow = (id: string, changes: Row) => add('A', 'fund_flow', '2024-07', id, { flow_id: id, flow_time: '2024-07-05T10:00:00+08:00', ...changes });
  const direct: Row = { via_custodian: 'false', custodian_bank_uscc: '' };
  flow('POOL-FIRE-INVESTOR-FUNDING', { flow_type: 'investor_funding', ...direct });
  flow('POOL-FIRE-INVESTOR-PAYOUT', { flow_type: 'investor_payout', ...direct });
  flow('POOL-FIRE-BORROWER-REPAYMENT', { flow_type: 'borrower_repayment', ...direct });
  flow('POOL-FIRE-LOAN-DISBURSEMENT', { flow_type: 'loan_disbursement', ...direct });
  flow('POOL-NOT-VIA-CUSTODIAN', { flow_type: 'investor_funding' });
  flow('POOL-NOT-PLATFORM-FEE', { flow_type: 'platform_fee', ...direct });
  flow('POOL-NOT-OWN-FUNDS', { flow_type: 'own_funds', ...direct });
  flow('POOL-NOT-GUARANTEE-COMPENSATION', { flow_type: 'guarantee_compensation', ...direct });
  const toOwn: Row = { to_party_type: 'organisation', to_party_id: uscc.A };
  flow('OWN-FIRE-INVESTOR-FUNDING', { flow_type: 'investor_funding', ...toOwn });
  flow('OWN-FIRE-BORROWER-REPAYMENT', { flow_type: 'borrower_repayment', ...toOwn });
  flow('OWN-FIRE-OTHER', { flow_type: 'other', ...toOwn });
  flow('OWN-NOT-PLATFORM-FEE', { flow_type: 'platform_fee', ...toOwn });
  flow('OWN-NOT-OWN-FUNDS', { flow_type: 'own_funds', ...toOwn });
  flow('OWN-NOT-OTHER-COMPANY', { flow_type: 'investor_funding', to_party_type: 'organisation', to_party_id: uscc.B });
  flow('OWN-NOT-RECEIVER-NOT-FILED', { flow_type: 'investor_funding', to_party_type: 'organisation', to_party_id: '' });

  // ---- Collections, 2024-07, China time (UTC+8).
  const collect = (id: string, debtor: string, time: string, changes: Row = {}) =>
    add('A', 'collection', '2024-07', id, { collection_id: id, debtor_id: debtor, action_time: time, channel: 'sms', call_connected: '', ...changes });
  const night = person();
  collect('NIGHT-FIRE-AT-2200', night, '2024-07-10T22:00:00+08:00');
  collect('NIGHT-NOT-AT-215959', night, '2024-07-10T21:59:59+08:00');
  collect('NIGHT-FIRE-AT-075959', night, '2024-07-11T07:59:59+08:00');
  collect('NIGHT-NOT-AT-0800', night, '2024-07-11T08:00:00+08:00');
  collect('NIGHT-FIRE-UTC-AFTERNOON-IS-CHINA-NIGHT', night, '2024-07-11T15:30:00Z');
  collect('NIGHT-NOT-UTC-NIGHT-IS-CHINA-MORNING', night, '2024-07-12T01:00:00Z');
  collect('NIGHT-NOT-NIGHT-CONTACT-AGREED', night, '2024-07-12T23:00:00+08:00', { night_contact_agreed: 'true' });
  collect('NIGHT-FIRE-NIGHT-CONTACT-REFUSED', night, '2024-07-12T23:00:00+08:00', { night_contact_agreed: 'false' });
  collect('NIGHT-FIRE-PHONE-CALL', night, '2024-07-13T23:00:00+08:00', { channel: 'phone_call', call_connected: 'false' });
  const call = (id: string, debtor: string, time: string, changes: Row = {}) => collect(id, debtor, time, { channel: 'phone_call', call_connected: 'true', ...changes });
  const agency: Row = { collector_type: 'agency', agency_uscc: makeUscc('330100', 990) };
  const d1 = person();
  call('CALLS-NOT-FIRST', d1, '2024-07-15T09:00:00+08:00');
  call('CALLS-NOT-SECOND-BY-AGENCY', d1, '2024-07-15T10:00:00+08:00', agency);
  call('CALLS-NOT-UNANSWERED', d1, '2024-07-15T10:30:00+08:00', { call_connected: 'false' });
  call('CALLS-NOT-CONNECTION-NOT-FILED', d1, '2024-07-15T10:40:00+08:00', { call_connected: '' });
  collect('CALLS-NOT-TEXT-MESSAGE', d1, '2024-07-15T10:50:00+08:00');
  call('CALLS-NOT-THIRD', d1, '2024-07-15T11:00:00+08:00');
  call('CALLS-FIRE-FOURTH-BY-AGENCY', d1, '2024-07-15T12:00:00+08:00', agency);
  call('CALLS-NOT-FIFTH', d1, '2024-07-15T13:00:00+08:00');
  const d2 = person();
  call('CALLS-NOT-DAY2-FIRST', d2, '2024-07-16T09:00:00+08:00');
  call('CALLS-NOT-DAY2-SECOND', d2, '2024-07-16T10:00:00+08:00');
  call('CALLS-NOT-DAY2-THIRD', d2, '2024-07-16T11:00:00+08:00');
  // 15:59:59 UTC is 23:59:59 China time, still the 16th; 16:00 UTC is the 17th.
  call('CALLS-FIRE-FOURTH-AT-CHINA-235959', d2, '2024-07-16T15:59:59Z');
  call('CALLS-NOT-NEXT-CHINA-DAY', d2, '2024-07-16T16:00:00Z');
  const d3 = person();
  call('CALLS-NOT-OTHER-DEBTOR', d3, '2024-07-15T12:30:00+08:00');
  collect('THIRD-FIRE-THIRD-PARTY', person(), '2024-07-15T10:00:00+08:00', { contacted_party: 'third_party' });
  collect('THIRD-NOT-DEBTOR', person(), '2024-07-15T10:00:00+08:00', { contacted_party: 'debtor' });

  // ---- Disclosures, 2024-07.
  const disclose = (id: string, changes: Row) => add('A', 'disclosure', '2024-07', id, { disclosure_id: id, as_of_date: '2024-07-31', ...changes });
  disclose('DISC-FIRE-NO-URL', { published_url: '', published_on: '2024-08-05' });
  disclose('DISC-FIRE-NO-DATE', { published_url: 'https://example.cn/disclosure/2024-07', published_on: '' });
  disclose('DISC-FIRE-NEITHER', { published_url: '', published_on: '' });
  disclose('DISC-NOT-COMPLETE', { published_url: 'https://example.cn/disclosure/2024-07b', published_on: '2024-08-05' });

  // ---- Complaints, 2024-10 (National Day 1–7 October; 12 October a make-up working day). 15 calendar days, China time.
  const complaint = (id: string, received: string, status: string, closed: string) =>
    add('A', 'complaint', '2024-10', id, { complaint_id: id, received_at: received, status, closed_at: closed, complainant_id: person() });
  complaint('LATE-NOT-15-DAYS', '2024-10-08T09:00:00+08:00', 'resolved', '2024-10-23T18:00:00+08:00');
  complaint('LATE-FIRE-16-DAYS', '2024-10-08T09:00:00+08:00', 'resolved', '2024-10-24T09:00:00+08:00');
  // 16 days in China time, 15 in UTC; and the other way round.
  complaint('LATE-FIRE-16-CHINA-DAYS', '2024-10-08T23:30:00+08:00', 'resolved', '2024-10-24T00:30:00+08:00');
  complaint('LATE-NOT-15-CHINA-DAYS', '2024-10-08T00:30:00+08:00', 'rejected', '2024-10-23T23:30:00+08:00');
  // 16 calendar days over the holiday are only 9 working days: the national limit counts calendar days.
  complaint('LATE-FIRE-OVER-NATIONAL-DAY', '2024-10-01T10:00:00+08:00', 'resolved', '2024-10-17T10:00:00+08:00');
  complaint('LATE-FIRE-OPEN-16-DAYS-AT-PERIOD-END', '2024-10-15T10:00:00+08:00', 'in_progress', '');
  complaint('LATE-NOT-OPEN-15-DAYS-AT-PERIOD-END', '2024-10-16T10:00:00+08:00', 'received', '');
  complaint('LATE-FIRE-IN-MEDIATION', '2024-10-02T10:00:00+08:00', 'escalated', '');
  complaint('LATE-NOT-WITHDRAWN', '2024-10-01T10:00:00+08:00', 'withdrawn', '2024-10-30T10:00:00+08:00');

  // ---- Payments: December 2024 and January 2025 (the China calendar year turns at 16:00 UTC on 31 December).
  // Each account its own payer unless a case says otherwise (classes II and III add up all of a payer's accounts).
  const payers = new Map<string, string>();
  const pay = (id: string, time: string, account: string, cls: string, fen: number, changes: Row = {}) => {
    if (!payers.has(account)) payers.set(account, person());
    add('A', 'payment', time.slice(0, 7), id, {
      payment_id: id, transaction_time: time, payer_id: payers.get(account)!, payer_account: account, payer_verification_class: cls, amount_fen: String(fen), channel: 'balance', ...changes,
    });
  };
  // Class I: CNY 1,000 since the account was opened, across years, transfers to the payer's own bank account included.
  pay('PAY1-NOT-FIRST-LAST-YEAR', '2024-12-20T10:00:00+08:00', 'ACC-I-1', 'I', 60_000);
  pay('PAY1-NOT-FAILED', '2025-01-03T10:00:00+08:00', 'ACC-I-1', 'I', 50_000, { status: 'failed' });
  pay('PAY1-NOT-QUICK-PAY', '2025-01-04T10:00:00+08:00', 'ACC-I-1', 'I', 50_000, { channel: 'quick_pay' });
  pay('PAY1-NOT-AT-LIMIT', '2025-01-05T10:00:00+08:00', 'ACC-I-1', 'I', 40_000);
  pay('PAY1-FIRE-CROSSES-SINCE-OPENING', '2025-01-06T10:00:00+08:00', 'ACC-I-1', 'I', 1);
  pay('PAY1-NOT-AFTER-CROSSING', '2025-01-07T10:00:00+08:00', 'ACC-I-1', 'I', 100);
  pay('PAY1-NOT-BALANCE-BEFORE-WITHDRAWAL', '2025-01-03T10:00:00+08:00', 'ACC-I-2', 'I', 90_000);
  pay('PAY1-FIRE-WITHDRAWAL-TO-OWN-BANK-CROSSES', '2025-01-04T10:00:00+08:00', 'ACC-I-2', 'I', 10_001, { channel: 'withdrawal' });
  // Class II: CNY 100,000 a China calendar year over all the payer's accounts, withdrawals to the payer's own bank account excluded.
  pay('PAY2-NOT-LAST-YEAR', '2024-12-31T23:59:59+08:00', 'ACC-II-1', 'II', 9_000_000);
  pay('PAY2-NOT-NEW-CHINA-YEAR', '2025-01-01T00:00:00+08:00', 'ACC-II-1', 'II', 9_000_000);
  pay('PAY2-NOT-AT-LIMIT', '2025-01-02T10:00:00+08:00', 'ACC-II-1', 'II', 1_000_000);
  pay('PAY2-FIRE-CROSSES-THIS-YEAR', '2025-01-03T10:00:00+08:00', 'ACC-II-1', 'II', 1);
  pay('PAY2-NOT-AFTER-CROSSING', '2025-01-04T10:00:00+08:00', 'ACC-II-1', 'II', 100);
  pay('PAY2-FIRE-ONE-PAYMENT-OVER', '2025-01-05T10:00:00+08:00', 'ACC-II-2', 'II', 10_000_001);
  pay('PAY2-NOT-CLASS-III-ACCOUNT', '2025-01-05T10:00:00+08:00', 'ACC-III-9', 'III', 15_000_000);
  pay('PAY2-NOT-WITHDRAWAL-TO-OWN-BANK', '2025-01-05T10:00:00+08:00', 'ACC-II-3', 'II', 10_000_001, { channel: 'withdrawal' });
  pay('PAY2-NOT-FIRST-ACCOUNT-OF-PAYER', '2025-01-06T10:00:00+08:00', 'ACC-II-4', 'II', 6_000_000);
  payers.set('ACC-II-5', payers.get('ACC-II-4')!);
  pay('PAY2-FIRE-SECOND-ACCOUNT-OF-SAME-PAYER', '2025-01-07T10:00:00+08:00', 'ACC-II-5', 'II', 4_000_001);
  // Class III: CNY 200,000 a year.
  pay('PAY3-NOT-AT-LIMIT', '2025-01-02T10:00:00+08:00', 'ACC-III-1', 'III', 20_000_000);
  pay('PAY3-FIRE-CROSSES', '2025-01-03T10:00:00+08:00', 'ACC-III-1', 'III', 1);
  pay('PAY3-NOT-AFTER-CROSSING', '2025-01-04T10:00:00+08:00', 'ACC-III-1', 'III', 1);
  pay('PAY3-NOT-LAST-YEAR', '2024-12-15T10:00:00+08:00', 'ACC-III-2', 'III', 15_000_000);
  pay('PAY3-NOT-NEW-YEAR', '2025-01-05T10:00:00+08:00', 'ACC-III-2', 'III', 6_000_000);
  pay('PAY3-NOT-FIRST-ACCOUNT-OF-PAYER', '2025-01-06T10:00:00+08:00', 'ACC-III-3', 'III', 12_000_000);
  payers.set('ACC-III-4', payers.get('ACC-III-3')!);
  pay('PAY3-FIRE-SECOND-ACCOUNT-OF-SAME-PAYER', '2025-01-07T10:00:00+08:00', 'ACC-III-4', 'III', 8_000_001);
  // Verification before payment (standard 1.1): later than the transaction fires; the same instant does not.
  const verified = (at: string, changes: Row = {}): Row => ({ channel: 'quick_pay', payer_verified_at: at, ...changes });
  pay('PAYV-FIRE-ONE-SECOND-LATER', '2025-01-10T10:00:00+08:00', 'ACC-V-1', 'II', 5000, verified('2025-01-10T10:00:01+08:00'));
  pay('PAYV-FIRE-LATER-IN-UTC', '2025-01-10T10:00:00+08:00', 'ACC-V-2', 'II', 5000, verified('2025-01-10T02:00:01Z'));
  pay('PAYV-NOT-SAME-INSTANT', '2025-01-10T10:00:00+08:00', 'ACC-V-3', 'II', 5000, verified('2025-01-10T02:00:00Z'));
  pay('PAYV-NOT-EARLIER', '2025-01-10T10:00:00+08:00', 'ACC-V-4', 'II', 5000, verified('2025-01-10T09:59:59+08:00'));
  pay('PAYV-NOT-TIME-NOT-FILED', '2025-01-10T10:00:00+08:00', 'ACC-V-5', 'II', 5000, verified(''));
  pay('PAYV-NOT-FAILED', '2025-01-10T10:00:00+08:00', 'ACC-V-6', 'II', 5000, verified('2025-01-10T10:00:01+08:00', { status: 'failed' }));
  return cases;
}

/** The order the filings are made in: products before the loans that name them, loans before repayments; some periods filed late. */
const FILING_ORDER: [Who, RecordType, string, 'resubmission'?][] = [
  ['L', 'product', '2020-08'],
  ['A', 'product', '2024-07'],
  ['A', 'loan', '2020-08'],
  ['L', 'loan', '2020-08'],
  // August before July: a July loan filed late takes an August loan over a limit.
  ['A', 'loan', '2024-08'],
  ['A', 'loan', '2024-07'],
  ['L', 'loan', '2024-07'],
  ['B', 'loan', '2024-07'],
  ['B', 'loan', '2024-07', 'resubmission'],
  ['A', 'repayment', '2024-10'],
  ['L', 'repayment', '2024-10'],
  ['A', 'fund_flow', '2024-07'],
  ['A', 'collection', '2024-07'],
  ['A', 'disclosure', '2024-07'],
  ['A', 'complaint', '2024-10'],
  // January before December: the December payments, filed late, make a January payment the one that crosses.
  ['A', 'payment', '2025-01'],
  ['A', 'payment', '2024-12'],
];

const PLACEHOLDER = /\{[a-z]+\.[a-z0-9_]+\}/;

describeEachEngine('the national rule pack on its legal boundaries', (engine) => {
  let context: TestContext;
  const who = {} as Record<Who, TestInstitution>;
  let cases: Case[];
  let rules: ResolvedRule[];
  /** rule id → ids of the records it raised an alert on that still stands (not superseded). */
  const fired = new Map<string, Set<string>>();
  const alertIds: string[] = [];

  beforeAll(async () => {
    context = await startPlatform(engine);
    who.A = await institution(context, 81, '330100');
    who.B = await institution(context, 82, '440300');
    who.L = await institution(context, 83, '330100');
    const registry = context.services.registry;
    const licence = await registry.applyForLicence(supervisorCaller, who.L.institutionId, 'online_lending');
    for (const q of licence.qualifications) await registry.setQualification(supervisorCaller, licence.licenceId, q.key, true, 'checked');
    await registry.transitionLicence(supervisorCaller, licence.licenceId, 'approved', 'qualifications met');

    cases = buildCases({ A: who.A.uscc, B: who.B.uscc, L: who.L.uscc });
    for (const [w, type, period, resubmission] of FILING_ORDER) {
      const rows = cases.filter((c) => c.who === w && c.type === type && c.period === period && !(resubmission && c.dropped)).map((c) => c.row);
      const filing = await fileAndSign(context, who[w], type, period, recordsCsv(type, rows), { resubmission: resubmission === 'resubmission' });
      if (filing.status !== 'accepted') {
        const detail = await context.services.filing.get(who[w].caller, filing.filingId);
        throw new Error(`${w} ${type} ${period}: ${filing.status} ${JSON.stringify(detail.findings.slice(0, 5))}`);
      }
      // Wait for the state: monitoring has checked this filing (and re-checked the balances it changed).
      while (!(await context.services.monitoring.runOf(filing.filingId))) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const filed = new Set(FILING_ORDER.map(([w, t, p]) => `${w}|${t}|${p}`));
    const stray = cases.filter((c) => !filed.has(`${c.who}|${c.type}|${c.period}`)).map((c) => c.id);
    expect(stray, 'cases in no filing').toEqual([]);

    rules = await context.services.rulebook.rulesInForce('000000', '2025-01-31', { pack: 'conduct' });
    const institutionName = new Map(Object.entries(who).map(([k, v]) => [v.institutionId, k]));
    for (let page = 1; ; page++) {
      const result = await context.services.monitoring.listAlerts(supervisorCaller, { page, pageSize: 200 });
      for (const alert of result.items) {
        expect(institutionName.has(alert.institution.id)).toBe(true);
        if (alert.status === 'superseded') continue;
        alertIds.push(alert.id);
        const set = fired.get(alert.ruleId) ?? new Set<string>();
        set.add(alert.recordId);
        fired.set(alert.ruleId, set);
      }
      if (page * 200 >= result.total) break;
    }
  }, 600_000);
  afterAll(async () => context?.close());

  it('has the 24 national rules in force, each with cases that fire and cases that do not', () => {
    const national = rules.filter((r) => r.jurisdiction === '000000').map((r) => r.id).sort();
    expect(national).toEqual(Object.keys(PREFIX).sort());
    for (const [ruleId, prefix] of Object.entries(PREFIX)) {
      const own = cases.filter((c) => c.id.startsWith(`${prefix}-`));
      expect(own.some((c) => c.fires), `${ruleId} firing cases`).toBe(true);
      expect(own.some((c) => !c.fires), `${ruleId} non-firing cases`).toBe(true);
      expect(own.every((c) => /^[A-Z0-9]+-(FIRE|NOT)-/.test(c.id)), `${ruleId} case names`).toBe(true);
    }
    expect(new Set(cases.map((c) => `${c.who}|${c.type}|${c.id}`)).size).toBe(cases.length);
  });

  for (const [ruleId, prefix] of Object.entries(PREFIX)) {
    it(`${ruleId}: exactly its firing cases fire`, () => {
      const own = cases.filter((c) => c.id.startsWith(`${prefix}-`));
      const expected = own.filter((c) => c.fires).map((c) => c.id).sort();
      const ownIds = new Set(own.map((c) => c.id));
      const got = [...(fired.get(ruleId) ?? [])].filter((id) => ownIds.has(id)).sort();
      expect(got).toEqual(expected);
    });
  }

  it('shows the values that decide a boundary: the LPR of the contract date, China-time days and working days, balances across platforms', async () => {
    const explain = async (ruleId: string, recordId: string) => {
      const alert = (await context.services.monitoring.listAlerts(supervisorCaller, { ruleId, page: 1, pageSize: 200 })).items.find((a) => a.recordId === recordId && a.status !== 'superseded');
      expect(alert, `${ruleId} ${recordId}`).toBeDefined();
      return (await context.services.monitoring.getAlert(supervisorCaller, alert!.id)).explanation;
    };
    const newLpr = await explain('CN-LOAN-RATE-4LPR', '4LPR-FIRE-NEW-LPR-ON-ITS-FIRST-DAY');
    expect(newLpr.zh).toContain('13.41%');
    expect(newLpr.zh).toContain('3.35%');
    expect(newLpr.en).toContain('that is 13.40%');
    expect((await explain('CN-LOAN-RATE-4LPR', '4LPR-FIRE-ON-SWITCH-DAY')).en).toContain('that is 15.40%');
    const overdue = await explain('CN-REPAY-OVERDUE-CHARGES', 'OVD-FIRE-ABOVE-CONTRACT-DATE-CAP');
    expect(overdue.en).toContain('13.805%');
    expect(overdue.en).toContain('one-year LPR of 3.45% on the contract date (2024-07-21), that is 13.80%');
    expect((await explain('CN-REPAY-OVERDUE-CHARGES', 'OVD-FIRE-PENALTY-ONLY-FILED')).en).toContain('overdue interest of (not filed) and penalty and other fees of CNY 26.81');
    const holiday = await explain('CN-COMPLAINT-LATE', 'LATE-FIRE-OVER-NATIONAL-DAY');
    expect(holiday.zh).toContain('16 个自然日（9 个工作日）');
    expect(holiday.en).toContain('16 calendar days (9 working days)');
    expect(holiday.en).toContain('beyond 15 calendar days');
    expect((await explain('CN-COMPLAINT-LATE', 'LATE-FIRE-16-CHINA-DAYS')).en).toContain('16 calendar days');
    expect((await explain('CN-BORROW-INDIVIDUAL-ALL', 'BIA-FIRE-CROSSES-ACROSS-PLATFORMS')).zh).toContain('1,000,001.00 元，超过 1,000,000.00 元');
    expect((await explain('CN-PAY-CLASS-II-LIMIT', 'PAY2-FIRE-CROSSES-THIS-YEAR')).en).toContain('has paid CNY 100,000.01 this year');
    expect((await explain('CN-PAY-CLASS-II-LIMIT', 'PAY2-FIRE-SECOND-ACCOUNT-OF-SAME-PAYER')).zh).toContain('全部支付账户本年余额付款累计 100,000.01 元');
    // Of two loans signed the same day, the one at the institution whose id sorts later counts second and crosses.
    const sameDay = (await context.services.monitoring.listAlerts(supervisorCaller, { ruleId: 'CN-BORROW-INDIVIDUAL-ALL', page: 1, pageSize: 200 })).items.filter((a) => a.recordId.startsWith('SAMEDAY-') && a.status !== 'superseded');
    expect(sameDay.map((a) => a.recordId)).toEqual([who.A.institutionId < who.B.institutionId ? 'SAMEDAY-B' : 'SAMEDAY-A']);
    // Raised when B filed, superseded when A's repayment made before B lent was filed.
    const repaidElsewhere = (await context.services.monitoring.listAlerts(supervisorCaller, { ruleId: 'CN-BORROW-INDIVIDUAL-ALL', page: 1, pageSize: 200 })).items.filter((a) => a.recordId === 'BIA-NOT-REPAID-ELSEWHERE-BEFORE-SIGNING');
    expect(repaidElsewhere.map((a) => a.status)).toEqual(['superseded']);
    const calls = await explain('CN-COLL-CALLS-PER-DAY', 'CALLS-FIRE-FOURTH-BY-AGENCY');
    expect(calls.en).toContain('reached this debtor by phone 5 times that day (China time); this was call 4, beyond 3 a day');
    expect((await explain('CN-COLL-NIGHT', 'NIGHT-FIRE-UTC-AFTERNOON-IS-CHINA-NIGHT')).en).toContain('hour 23 China time (2024-07-11 23:30 China time)');
  });

  it('sweeps every borrower’s balances in key order to the very alerts the filings’ checks and re-checks left', async () => {
    const { platform, services } = context;
    const everything = async () => {
      const all: string[] = [];
      for (let page = 1; ; page++) {
        const result = await services.monitoring.listAlerts(supervisorCaller, { page, pageSize: 200 });
        all.push(...result.items.map((a) => `${a.id}:${a.status}`));
        if (page * 200 >= result.total) return all.sort();
      }
    };
    const before = await everything();
    // Pages of 4 loans end inside the borrowers of several loans unless they end on a borrower's last.
    for (const service of [services.monitoring, new MonitoringService(platform, services.registry, services.rulebook, services.filing, { pageSize: 1 })]) {
      const progress: number[] = [];
      const swept = await service.sweepBalances('a test', (loans) => progress.push(loans));
      const inForce = await platform.database.db.selectFrom('filed_loan').select((eb) => eb.fn.countAll<number>().as('n')).where('valid_to', 'is', null).executeTakeFirstOrThrow();
      expect(swept).toMatchObject({ loans: Number(inForce.n), raised: 0, superseded: 0 });
      expect(progress.at(-1)).toBe(Number(inForce.n));
    }
    expect(await everything()).toEqual(before);
    // And it raises what is missing: a balance alert superseded behind the rulebook's back comes back.
    const crossing = (await context.services.monitoring.listAlerts(supervisorCaller, { ruleId: 'CN-BORROW-INDIVIDUAL-ALL', status: 'new', page: 1, pageSize: 200 })).items[0]!;
    await platform.database.db.updateTable('alert').set({ status: 'superseded' }).where('alert_id', '=', crossing.id).execute();
    expect(await services.monitoring.sweepBalances('a test')).toMatchObject({ raised: 1, superseded: 0 });
    expect(await everything()).toEqual(before);
  });

  it('explains every alert in both languages with no placeholder left, money in yuan and rates in percent', async () => {
    const templates = new Map(rules.map((r) => [r.id, r.definition.explanation]));
    expect(alertIds.length).toBeGreaterThan(50);
    for (const id of alertIds) {
      const detail = await context.services.monitoring.getAlert(supervisorCaller, id);
      const template = templates.get(detail.ruleId)!;
      for (const language of ['zh', 'en'] as const) {
        const text = detail.explanation[language];
        const where = `${detail.ruleId} ${detail.recordId} ${language}: ${text}`;
        expect(text, where).not.toMatch(PLACEHOLDER);
        for (const match of template[language].matchAll(/\{(record|features|params|derived)\.([a-z0-9_]+)\}/g)) {
          const kind = { record: 'field', features: 'feature', params: 'parameter', derived: 'derived' }[match[1]!];
          const fact = detail.facts.find((f) => f.kind === kind && f.name === match[2]);
          expect(fact, `${where}: fact ${match[0]}`).toBeDefined();
          if (fact!.value === null) continue;
          if (fact!.type === 'money_fen') {
            const yuan = [...text.matchAll(language === 'zh' ? /(-?[\d,]+\.\d{2}) 元/g : /CNY (-?[\d,]+\.\d{2})/g)].map((m) => Number(m[1]!.replaceAll(',', '')));
            expect(yuan, `${where}: ${match[0]} = ${String(fact!.value)} fen`).toContainEqual(Number(fact!.value) / 100);
          }
          if (fact!.type === 'rate') {
            const percents = [...text.matchAll(/(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]));
            const value = Number(fact!.value) * 100;
            expect(percents.some((p) => Math.abs(p - value) < 0.00005), `${where}: ${match[0]} = ${String(fact!.value)}`).toBe(true);
          }
        }
      }
    }
  });
});
