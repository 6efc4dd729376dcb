/**
 * The demo data set: a few provinces and cities, twenty fictitious institutions across the
 * business types, and the business they file. Everything is generated from a fixed seed, so two
 * fresh starts show the same platform. No person or company here exists.
 */
import type { InstitutionKind, LicenceStatus, LicenceType } from '../registry/licence-types.js';
import { residentIdCheckCharacter, usccCheckCharacter } from '../standard/identifiers.js';
import { buildSchedule, type RepaymentMethod } from '../standard/cost-of-credit.js';

export const DEMO_PASSWORD = 'fenghuo-demo';

export interface DemoSupervisor {
  username: string;
  displayName: string;
  jurisdictionCode: string;
}

export const demoSupervisors: DemoSupervisor[] = [
  { username: 'national', displayName: '全国监管分析员', jurisdictionCode: '000000' },
  { username: 'zhejiang', displayName: '浙江省地方金融监管分析员', jurisdictionCode: '330000' },
  { username: 'hangzhou', displayName: '杭州市地方金融监管分析员', jurisdictionCode: '330100' },
  { username: 'guangdong', displayName: '广东省地方金融监管分析员', jurisdictionCode: '440000' },
  { username: 'shenzhen', displayName: '深圳市地方金融监管分析员', jurisdictionCode: '440300' },
  { username: 'shanghai', displayName: '上海市地方金融监管分析员', jurisdictionCode: '310000' },
];

export interface DemoInstitution {
  key: string;
  nameZh: string;
  nameEn: string;
  kind: InstitutionKind;
  city: string;
  licence: LicenceType;
  status: LicenceStatus;
  /** Why the licence is where it is, for the status history. */
  reason?: string;
  /** A lender's business: loans a month, pricing and conduct. */
  lending?: { loansPerMonth: number; rate: [number, number]; feeRate: number; upfrontDeduction: number; overdueShare: number; nightCollection: boolean };
}

const lender = (loansPerMonth: number, rate: [number, number], feeRate = 0, upfrontDeduction = 0, overdueShare = 0.04, nightCollection = false) => ({ loansPerMonth, rate, feeRate, upfrontDeduction, overdueShare, nightCollection });

export const demoInstitutions: DemoInstitution[] = [
  { key: 'qiantang', nameZh: '钱塘网络小额贷款有限公司', nameEn: 'Qiantang Online Microcredit Co., Ltd.', kind: 'online_lender', city: '330100', licence: 'online_lending', status: 'approved', lending: lender(260, [0.108, 0.18]) },
  { key: 'xihu-pay', nameZh: '西湖支付科技有限公司', nameEn: 'Xihu Payment Technology Co., Ltd.', kind: 'payment_institution', city: '330100', licence: 'payment', status: 'approved' },
  { key: 'yongjiang', nameZh: '甬江消费金融股份有限公司', nameEn: 'Yongjiang Consumer Finance Co., Ltd.', kind: 'consumer_finance_company', city: '330200', licence: 'consumer_finance', status: 'approved', lending: lender(220, [0.072, 0.15], 0.001) },
  { key: 'oujiang', nameZh: '瓯江众筹科技有限公司', nameEn: 'Oujiang Crowdfunding Technology Co., Ltd.', kind: 'crowdfunding_platform', city: '330300', licence: 'crowdfunding', status: 'suspended', reason: '资金存管协议到期未续签 / custodian agreement lapsed' },
  { key: 'zhijiang', nameZh: '之江智能风控科技有限公司', nameEn: 'Zhijiang Intelligent Risk Control Technology Co., Ltd.', kind: 'fintech_provider', city: '330100', licence: 'fintech_provider', status: 'approved' },
  { key: 'hupan', nameZh: '湖畔财富管理有限公司', nameEn: 'Hupan Wealth Management Co., Ltd.', kind: 'wealth_management_platform', city: '330100', licence: 'wealth_management', status: 'applied' },
  { key: 'qianhai', nameZh: '前海网络小额贷款有限公司', nameEn: 'Qianhai Online Microcredit Co., Ltd.', kind: 'online_lender', city: '440300', licence: 'online_lending', status: 'approved', lending: lender(300, [0.12, 0.24], 0.004, 0, 0.07, true) },
  { key: 'nanshan-pay', nameZh: '南山支付服务有限公司', nameEn: 'Nanshan Payment Services Co., Ltd.', kind: 'payment_institution', city: '440300', licence: 'payment', status: 'approved' },
  { key: 'zhujiang', nameZh: '珠江消费金融有限公司', nameEn: 'Zhujiang Consumer Finance Co., Ltd.', kind: 'consumer_finance_company', city: '440100', licence: 'consumer_finance', status: 'approved', lending: lender(200, [0.085, 0.16], 0.001) },
  { key: 'pengcheng', nameZh: '鹏城算法科技有限公司', nameEn: 'Pengcheng Algorithm Technology Co., Ltd.', kind: 'fintech_provider', city: '440300', licence: 'fintech_provider', status: 'approved' },
  { key: 'yangcheng', nameZh: '羊城众筹平台有限公司', nameEn: 'Yangcheng Crowdfunding Platform Co., Ltd.', kind: 'crowdfunding_platform', city: '440100', licence: 'crowdfunding', status: 'revoked', reason: "违规设立资金池，吸收公众资金 / pooled investors' funds" },
  { key: 'shenwan', nameZh: '深湾财富科技有限公司', nameEn: 'Shenwan Wealth Technology Co., Ltd.', kind: 'wealth_management_platform', city: '440300', licence: 'wealth_management', status: 'approved' },
  { key: 'pujiang', nameZh: '浦江网络小额贷款有限公司', nameEn: 'Pujiang Online Microcredit Co., Ltd.', kind: 'online_lender', city: '310100', licence: 'online_lending', status: 'approved', lending: lender(240, [0.096, 0.18], 0.002) },
  { key: 'waitan-pay', nameZh: '外滩支付有限公司', nameEn: 'Waitan Payment Co., Ltd.', kind: 'payment_institution', city: '310100', licence: 'payment', status: 'approved' },
  { key: 'lujiazui', nameZh: '陆家嘴消费金融有限公司', nameEn: 'Lujiazui Consumer Finance Co., Ltd.', kind: 'consumer_finance_company', city: '310100', licence: 'consumer_finance', status: 'approved', lending: lender(200, [0.072, 0.135]) },
  { key: 'huangpu', nameZh: '黄浦理财科技有限公司', nameEn: 'Huangpu Wealth Technology Co., Ltd.', kind: 'wealth_management_platform', city: '310100', licence: 'wealth_management', status: 'applied' },
  { key: 'jinjiang', nameZh: '锦江网络小额贷款有限公司', nameEn: 'Jinjiang Online Microcredit Co., Ltd.', kind: 'online_lender', city: '510100', licence: 'online_lending', status: 'approved', lending: lender(180, [0.18, 0.24], 0.012, 0.1, 0.12, true) },
  { key: 'tianfu-pay', nameZh: '天府支付有限公司', nameEn: 'Tianfu Payment Co., Ltd.', kind: 'payment_institution', city: '510100', licence: 'payment', status: 'approved' },
  { key: 'jinghua', nameZh: '京华网络小额贷款有限公司', nameEn: 'Jinghua Online Microcredit Co., Ltd.', kind: 'online_lender', city: '110100', licence: 'online_lending', status: 'approved', lending: lender(220, [0.1, 0.2], 0.002) },
  { key: 'zhongguancun', nameZh: '中关村金融科技有限公司', nameEn: 'Zhongguancun Fintech Co., Ltd.', kind: 'fintech_provider', city: '110100', licence: 'fintech_provider', status: 'approved' },
];

/** A valid USCC for the n-th demo institution, in its city. */
export function demoUscc(index: number, city: string): string {
  // Registration authority 9 (market regulator), type 1 (company), the city, a nine-character organisation code.
  const body = `91${city}MA${String(100_000 + index * 7919).slice(-6)}${index % 10}`;
  return body + usccCheckCharacter(body);
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BORROWER_CITIES = ['330106', '330203', '330302', '440305', '440106', '310115', '510104', '110108', '320506', '420106', '430104', '350203'];

export interface DemoPerson {
  residentId: string;
  phone: string;
}

/** The demo's borrowers: valid resident ID numbers, born 1962–2004. */
export function demoPeople(count: number): DemoPerson[] {
  const next = random(2026);
  const people: DemoPerson[] = [];
  for (let i = 0; i < count; i++) {
    const region = BORROWER_CITIES[Math.floor(next() * BORROWER_CITIES.length)]!;
    const year = 1962 + Math.floor(next() * 43);
    const month = 1 + Math.floor(next() * 12);
    const day = 1 + Math.floor(next() * 28);
    const body = `${region}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(100 + i).slice(-3)}`;
    people.push({ residentId: body + residentIdCheckCharacter(body), phone: `1${3 + Math.floor(next() * 6)}${String(Math.floor(next() * 1e9)).padStart(9, '0')}` });
  }
  return people;
}

type Row = Record<string, string | number | boolean | null>;

const methods: RepaymentMethod[] = ['equal_installment', 'equal_installment', 'equal_installment', 'equal_principal', 'interest_first'];
const purposes = ['consumption', 'consumption', 'education', 'medical', 'home_improvement', 'travel', 'vehicle'];

function isoDate(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.toISOString().slice(0, 10);
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(target.getUTCFullYear(), target.getUTCMonth() + 1, Math.min(d, last));
}

export interface LenderFiles {
  products: Row[];
  loansByPeriod: Map<string, Row[]>;
  repaymentsByPeriod: Map<string, Row[]>;
  collections: Row[];
  complaints: Row[];
  disclosure: Row;
}

/**
 * One lender's filings: its products, loans made in each of `periods`, the state of its
 * instalments at the end of each of `repaymentPeriods` (due in it, or still overdue: the same
 * overdue instalment is filed again each month), collection actions on overdue loans,
 * complaints and a disclosure.
 */
export function lenderFiles(institution: DemoInstitution, index: number, people: DemoPerson[], periods: string[], repaymentPeriods: string[] = periods): LenderFiles {
  const terms = institution.lending!;
  const next = random(7919 * (index + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const prefix = institution.key.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 4);
  const products: Row[] = [6, 12].map((term, i) => ({
    product_id: `${prefix}-P${i + 1}`,
    product_name: `${institution.nameZh.slice(0, 2)}${term === 6 ? '随心借' : '安心贷'}`,
    product_type: 'cash_loan',
    advertised_annual_rate: terms.rate[i]!,
    rate_basis: 'irr',
    fee_description: terms.feeRate > 0 ? `每期服务费为本金的 ${(terms.feeRate * 100).toFixed(1)}%` : '无其他费用',
    min_amount_fen: 100_000,
    max_amount_fen: 20_000_000,
    min_term_months: term,
    max_term_months: term,
    repayment_method: 'equal_installment',
    guarantee_type: 'none',
    risk_level: terms.rate[i]! > 0.18 ? 'R4' : 'R3',
    risk_warning: '借款有风险，请理性借贷、按时还款；逾期将影响个人信用。Borrowing carries risk; borrow within your means and repay on time.',
    launched_on: '2026-01-05',
    withdrawn_on: null,
  }));
  const loansByPeriod = new Map<string, Row[]>();
  const repaymentsByPeriod = new Map<string, Row[]>();
  const collections: Row[] = [];
  const complaints: Row[] = [];
  const overdueLoans: { loanId: string; debtor: DemoPerson }[] = [];
  let outstanding = 0;
  let overdueBalance = 0;
  let raised = 0;
  for (const period of periods) {
    const [year, month] = period.split('-').map(Number) as [number, number];
    const loans: Row[] = [];
    const repayments: Row[] = repaymentsByPeriod.get(period) ?? [];
    repaymentsByPeriod.set(period, repayments);
    for (let n = 0; n < terms.loansPerMonth; n++) {
      // A few people borrow from many platforms at once: the first 40 people are much more likely.
      const person = next() < 0.25 ? people[Math.floor(next() * 40)]! : pick(people);
      const product = pick(products);
      const installments = Number(product.min_term_months);
      const principal = (5 + Math.floor(next() * 60)) * 100_000;
      const deducted = Math.round((principal * terms.upfrontDeduction) / 100) * 100;
      const contractDate = isoDate(year, month, 1 + Math.floor(next() * 27));
      const rate = Math.round((terms.rate[0] + next() * (terms.rate[1] - terms.rate[0])) * 10000) / 10000;
      const method = pick(methods);
      const fee = Math.round(principal * terms.feeRate);
      const loanId = `${prefix}${period.replace('-', '')}${String(n + 1).padStart(5, '0')}`;
      const firstDue = addMonths(contractDate, 1);
      loans.push({
        loan_id: loanId,
        contract_id: `HT-${loanId}`,
        product_id: product.product_id ?? null,
        borrower_type: 'individual',
        borrower_id: person.residentId,
        borrower_phone: person.phone,
        contract_date: contractDate,
        principal_fen: principal,
        disbursed_fen: principal - deducted,
        disbursement_date: contractDate,
        first_due_date: firstDue,
        installments,
        period_months: 1,
        nominal_annual_rate: rate,
        repayment_method: method,
        fee_per_installment_fen: fee,
        other_fees_fen: 0,
        purpose: pick(purposes),
        guarantee_type: 'none',
        guarantor_type: null,
        guarantor_id: null,
      });
      raised += principal - deducted;
      outstanding += principal;
      // Instalments due in later periods of the demo, with what was paid.
      const schedule = buildSchedule({ principalFen: principal, disbursedFen: principal - deducted, disbursedOn: contractDate, firstDueOn: firstDue, installments, periodMonths: 1, nominalAnnualRate: rate, method, feePerInstallmentFen: fee });
      const defaults = next() < terms.overdueShare;
      for (const [k, due] of schedule.entries()) {
        const duePeriod = due.dueOn.slice(0, 7);
        if (duePeriod <= period || !repaymentPeriods.includes(duePeriod)) continue;
        // The state of the instalment at the end of each period it is reported for: the period it
        // falls due in, and every later one while it stays overdue — under the same id each time.
        for (const reportPeriod of repaymentPeriods) {
          if (reportPeriod < duePeriod) continue;
          if (reportPeriod > duePeriod && !defaults) break;
          const [reportYear, reportMonth] = reportPeriod.split('-').map(Number) as [number, number];
          const periodEnd = new Date(Date.UTC(reportYear, reportMonth, 0));
          const daysPastDue = defaults ? Math.max(1, Math.round((periodEnd.getTime() - Date.parse(due.dueOn)) / 86_400_000)) : 0;
          const list = repaymentsByPeriod.get(reportPeriod) ?? [];
          repaymentsByPeriod.set(reportPeriod, list);
          list.push({
            repayment_id: `${loanId}-${k + 1}`,
            loan_id: loanId,
            installment_number: k + 1,
            installments,
            due_date: due.dueOn,
            principal_due_fen: due.principalFen,
            interest_due_fen: due.interestFen,
            fee_due_fen: due.feeFen,
            amount_paid_fen: defaults ? 0 : due.totalFen,
            paid_date: defaults ? null : due.dueOn,
            days_past_due: daysPastDue,
            status: defaults ? 'overdue' : 'paid_on_time',
          });
        }
        // The disclosure and the collection actions are of the last loan period.
        if (duePeriod > periods.at(-1)!) continue;
        if (defaults) {
          overdueBalance += due.totalFen;
          overdueLoans.push({ loanId, debtor: person });
        }
        outstanding -= due.principalFen;
      }
    }
    loansByPeriod.set(period, loans);
  }
  const lastPeriod = periods.at(-1)!;
  const [lastYear, lastMonth] = lastPeriod.split('-').map(Number) as [number, number];
  for (const [i, overdue] of overdueLoans.entries()) {
    const night = terms.nightCollection && i % 4 === 0;
    const day = 1 + (i % 27);
    const hour = night ? 23 : 10 + (i % 8);
    collections.push({
      collection_id: `${prefix}-C${String(i + 1).padStart(5, '0')}`,
      loan_id: overdue.loanId,
      debtor_id: overdue.debtor.residentId,
      action_time: `${isoDate(lastYear, lastMonth, day)}T${String(hour).padStart(2, '0')}:15:00+08:00`,
      channel: i % 3 === 0 ? 'sms' : 'phone_call',
      contacted_party: terms.nightCollection && i % 5 === 0 ? 'third_party' : 'debtor',
      contacted_phone: overdue.debtor.phone,
      collector_type: 'in_house',
      agency_uscc: null,
      call_connected: i % 3 === 0 ? null : i % 2 === 0,
      night_contact_agreed: night ? false : null,
      note: '提醒按期还款 / reminder to repay',
    });
  }
  const categories = ['interest_and_fees', 'collection_conduct', 'personal_information', 'disclosure_and_sales', 'service_quality', 'contract_terms'];
  const complaintCount = 6 + Math.floor(terms.loansPerMonth * (terms.upfrontDeduction > 0 || terms.nightCollection ? 0.08 : 0.03));
  for (let i = 0; i < complaintCount; i++) {
    const person = pick(people);
    const day = 1 + Math.floor(next() * 27);
    const closed = next() < 0.6;
    const category = terms.nightCollection && i % 2 === 0 ? 'collection_conduct' : terms.upfrontDeduction > 0 && i % 2 === 1 ? 'interest_and_fees' : pick(categories);
    complaints.push({
      complaint_id: `${prefix}-T${String(i + 1).padStart(4, '0')}`,
      received_at: `${isoDate(lastYear, lastMonth, day)}T09:${String(10 + (i % 50)).padStart(2, '0')}:00+08:00`,
      complainant_id: person.residentId,
      complainant_phone: person.phone,
      channel: pick(['hotline', 'online', 'online', 'regulator_referral']),
      category,
      related_record_id: null,
      amount_claimed_fen: category === 'interest_and_fees' ? 50_000 + Math.floor(next() * 400_000) : null,
      status: closed ? pick(['resolved', 'rejected']) : 'in_progress',
      closed_at: closed ? `${isoDate(lastYear, lastMonth, Math.min(28, day + 1 + Math.floor(next() * 5)))}T16:00:00+08:00` : null,
      amount_refunded_fen: null,
      outcome: closed ? '已与投诉人沟通并答复 / answered' : null,
    });
  }
  const disclosure: Row = {
    disclosure_id: `${prefix}-D${lastPeriod.replace('-', '')}`,
    as_of_date: isoDate(lastYear, lastMonth + 1, 0),
    funds_raised_in_period_fen: Math.round(raised / periods.length),
    cumulative_funds_raised_fen: raised,
    outstanding_balance_fen: Math.max(outstanding, 0),
    outstanding_loans: terms.loansPerMonth * periods.length,
    borrowers_in_period: terms.loansPerMonth,
    lenders_in_period: null,
    overdue_balance_fen: overdueBalance,
    overdue_rate: outstanding > 0 ? Math.round((overdueBalance / outstanding) * 10000) / 10000 : 0,
    overdue_90_rate: 0,
    top10_borrower_share: 0.02,
    use_of_funds: '个人消费 / personal consumption',
    guarantors: null,
    related_party_transactions: 0,
    related_party_amount_fen: 0,
    published_url: null,
    published_on: null,
  };
  return { products, loansByPeriod, repaymentsByPeriod, collections, complaints, disclosure };
}

/** Records as JSON Lines, the way an institution's system would upload them. */
export function toJsonLines(rows: readonly Row[]): Buffer {
  return Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
}
