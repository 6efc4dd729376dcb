/**
 * The demo data set: a few provinces and cities, twenty fictitious institutions across the
 * business types, and the business they file. Everything is generated from a fixed seed, so two
 * fresh starts show the same platform. No person or company here exists.
 */
import type { InstitutionKind, LicenceStatus, LicenceType } from '../registry/licence-types.js';
import { residentIdCheckCharacter, usccCheckCharacter } from '../standard/identifiers.js';
import { buildSchedule, type RepaymentMethod } from '../standard/cost-of-credit.js';
import type { RecordType } from '../standard/standard.js';

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
  /** A lender's business: loans a month, the range of its contract rates, its fee a month (share of the principal), defaults, complaints. */
  lending?: { loansPerMonth: number; rate: [number, number]; feeRate: number; overdueShare: number; complaintShare: number };
  /** A payment institution's business: payments a month. */
  payments?: { perMonth: number };
}

const lender = (loansPerMonth: number, rate: [number, number], feeRate = 0, overdueShare = 0.04, complaintShare = 0.03) => ({ loansPerMonth, rate, feeRate, overdueShare, complaintShare });

// Lawful pricing everywhere: every generated loan costs at most 24 % a year, fees included. The
// deliberate violations (demoViolations below) are added to this business, one record at a time.
export const demoInstitutions: DemoInstitution[] = [
  { key: 'qiantang', nameZh: '钱塘网络小额贷款有限公司', nameEn: 'Qiantang Online Microcredit Co., Ltd.', kind: 'online_lender', city: '330100', licence: 'online_lending', status: 'approved', lending: lender(260, [0.108, 0.18]) },
  { key: 'xihu-pay', nameZh: '西湖支付科技有限公司', nameEn: 'Xihu Payment Technology Co., Ltd.', kind: 'payment_institution', city: '330100', licence: 'payment', status: 'approved', payments: { perMonth: 60 } },
  { key: 'yongjiang', nameZh: '甬江消费金融股份有限公司', nameEn: 'Yongjiang Consumer Finance Co., Ltd.', kind: 'consumer_finance_company', city: '330200', licence: 'consumer_finance', status: 'approved', lending: lender(220, [0.072, 0.15], 0.001) },
  { key: 'oujiang', nameZh: '瓯江众筹科技有限公司', nameEn: 'Oujiang Crowdfunding Technology Co., Ltd.', kind: 'crowdfunding_platform', city: '330300', licence: 'crowdfunding', status: 'suspended', reason: '资金存管协议到期未续签 / custodian agreement lapsed' },
  { key: 'zhijiang', nameZh: '之江智能风控科技有限公司', nameEn: 'Zhijiang Intelligent Risk Control Technology Co., Ltd.', kind: 'fintech_provider', city: '330100', licence: 'fintech_provider', status: 'approved' },
  { key: 'hupan', nameZh: '湖畔财富管理有限公司', nameEn: 'Hupan Wealth Management Co., Ltd.', kind: 'wealth_management_platform', city: '330100', licence: 'wealth_management', status: 'applied' },
  { key: 'qianhai', nameZh: '前海网络小额贷款有限公司', nameEn: 'Qianhai Online Microcredit Co., Ltd.', kind: 'online_lender', city: '440300', licence: 'online_lending', status: 'approved', lending: lender(300, [0.12, 0.168], 0.002, 0.07, 0.06) },
  { key: 'nanshan-pay', nameZh: '南山支付服务有限公司', nameEn: 'Nanshan Payment Services Co., Ltd.', kind: 'payment_institution', city: '440300', licence: 'payment', status: 'approved', payments: { perMonth: 60 } },
  { key: 'zhujiang', nameZh: '珠江消费金融有限公司', nameEn: 'Zhujiang Consumer Finance Co., Ltd.', kind: 'consumer_finance_company', city: '440100', licence: 'consumer_finance', status: 'approved', lending: lender(200, [0.085, 0.16], 0.001) },
  { key: 'pengcheng', nameZh: '鹏城算法科技有限公司', nameEn: 'Pengcheng Algorithm Technology Co., Ltd.', kind: 'fintech_provider', city: '440300', licence: 'fintech_provider', status: 'approved' },
  { key: 'yangcheng', nameZh: '羊城众筹平台有限公司', nameEn: 'Yangcheng Crowdfunding Platform Co., Ltd.', kind: 'crowdfunding_platform', city: '440100', licence: 'crowdfunding', status: 'revoked', reason: "违规设立资金池，吸收公众资金 / pooled investors' funds" },
  { key: 'shenwan', nameZh: '深湾财富科技有限公司', nameEn: 'Shenwan Wealth Technology Co., Ltd.', kind: 'wealth_management_platform', city: '440300', licence: 'wealth_management', status: 'approved' },
  { key: 'pujiang', nameZh: '浦江网络小额贷款有限公司', nameEn: 'Pujiang Online Microcredit Co., Ltd.', kind: 'online_lender', city: '310100', licence: 'online_lending', status: 'approved', lending: lender(240, [0.096, 0.16], 0.002) },
  { key: 'waitan-pay', nameZh: '外滩支付有限公司', nameEn: 'Waitan Payment Co., Ltd.', kind: 'payment_institution', city: '310100', licence: 'payment', status: 'approved', payments: { perMonth: 60 } },
  { key: 'lujiazui', nameZh: '陆家嘴消费金融有限公司', nameEn: 'Lujiazui Consumer Finance Co., Ltd.', kind: 'consumer_finance_company', city: '310100', licence: 'consumer_finance', status: 'approved', lending: lender(200, [0.072, 0.135]) },
  { key: 'huangpu', nameZh: '黄浦理财科技有限公司', nameEn: 'Huangpu Wealth Technology Co., Ltd.', kind: 'wealth_management_platform', city: '310100', licence: 'wealth_management', status: 'applied' },
  { key: 'jinjiang', nameZh: '锦江网络小额贷款有限公司', nameEn: 'Jinjiang Online Microcredit Co., Ltd.', kind: 'online_lender', city: '510100', licence: 'online_lending', status: 'approved', lending: lender(180, [0.12, 0.168], 0.002, 0.12, 0.08) },
  { key: 'tianfu-pay', nameZh: '天府支付有限公司', nameEn: 'Tianfu Payment Co., Ltd.', kind: 'payment_institution', city: '510100', licence: 'payment', status: 'approved', payments: { perMonth: 60 } },
  { key: 'jinghua', nameZh: '京华网络小额贷款有限公司', nameEn: 'Jinghua Online Microcredit Co., Ltd.', kind: 'online_lender', city: '110100', licence: 'online_lending', status: 'approved', lending: lender(220, [0.1, 0.168], 0.002) },
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

/** The demo's consumer accounts: three of the people who borrow most, from Zhejiang, Guangdong and Shanghai. */
export function demoConsumers(people: readonly DemoPerson[]): { username: string; displayName: string; person: DemoPerson }[] {
  return ['33', '44', '31'].map((province, i) => ({
    username: `consumer${i + 1}`,
    displayName: ['林晓', '陈安', '周宁'][i]!,
    person: people.slice(0, 40).find((p) => p.residentId.startsWith(province)) ?? people[i]!,
  }));
}

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

/** A person with a valid resident ID number made from a region, a birth date (YYYYMMDD) and a sequence number. */
function person(region: string, birth: string, sequence: string, phone: string): DemoPerson {
  const body = `${region}${birth}${sequence}`;
  return { residentId: body + residentIdCheckCharacter(body), phone };
}

/** Borrowers of the deliberate violations, apart from the generated crowd. */
const specialPeople = {
  /** Borrows CNY 195,000 at each of six lenders in four provinces. */
  multi: person('330106', '19750412', '917', '13957100917'),
  /** Borrows CNY 270,000 from Pujiang. */
  bigPujiang: person('310115', '19800923', '918', '13816200918'),
  /** Borrows CNY 240,000 from Zhujiang. */
  bigZhujiang: person('440106', '19830214', '927', '13922400927'),
  /** Overdue debtors, one per lender that collects against the rules. */
  debtorQianhai: person('440305', '19910608', '935', '13600300935'),
  debtorJinjiang: person('510104', '19880117', '946', '13980100946'),
  debtorPujiang: person('310115', '19930330', '954', '13761500954'),
  /** A payer with a class I account at Nanshan Pay. */
  classOne: person('440305', '19990719', '962', '13510700962'),
};

/** Where a deliberate violation of a national rule lies in the demo filings. */
export interface DemoViolation {
  /** The national rule (see the rulebook) the records break. */
  rule: string;
  /** The institution's key in demoInstitutions. */
  institution: string;
  /** GB/T 2260 code of the institution's province. */
  province: string;
  recordType: RecordType;
  /** The period the records are filed for. */
  period: string;
  /** The records the rule fires on (for a rule on a total, the record that takes the total over the limit). */
  recordIds: readonly string[];
  /** For a rule on a total: the other records that make it up (`id@institution` when another institution filed it). */
  context?: readonly string[];
  /**
   * The tier whose rule or refinement makes the records a violation, when it is not the national
   * rule itself: the example province and city rules of src/demo/rules.
   */
  tier?: string;
}

/**
 * Every deliberate violation in the demo, and nothing else breaks a national rule of the conduct
 * pack — except where one of these also crosses another line on the way (a P2P loan at 24 % also
 * costs more than 24 % a year, CN-LOAN-COST-WINDOW-24; a cash loan above 36 % does too). Spread
 * over Guangdong, Sichuan, Shanghai, Beijing and Zhejiang. The generator builds these records from
 * this list's ids, and src/demo/demo.test.ts checks that each is filed.
 */
export const demoViolations: readonly DemoViolation[] = [
  // Private-lending cap: P2P products at 24 % and 20 % when four times the LPR (3.00 %) is 12 %.
  { rule: 'CN-LOAN-RATE-4LPR', institution: 'jinjiang', province: '510000', recordType: 'loan', period: '2026-10', recordIds: ['JINJ-X06', 'JINJ-X07'] },
  { rule: 'CN-LOAN-RATE-4LPR', institution: 'jinghua', province: '110000', recordType: 'loan', period: '2026-10', recordIds: ['JING-X06'] },
  // Cash loans above 36 %: 10 % withheld and 1.2 % a month in fees (Jinjiang), 2 % a month in fees (Qianhai).
  { rule: 'CN-LOAN-COST-CASH-LOAN', institution: 'jinjiang', province: '510000', recordType: 'loan', period: '2026-10', recordIds: ['JINJ-X03', 'JINJ-X04', 'JINJ-X05'] },
  { rule: 'CN-LOAN-COST-CASH-LOAN', institution: 'qianhai', province: '440000', recordType: 'loan', period: '2026-09', recordIds: ['QIAN-X01', 'QIAN-X02'] },
  // Interest withheld from the principal at disbursement.
  { rule: 'CN-LOAN-UPFRONT-DEDUCTION', institution: 'jinjiang', province: '510000', recordType: 'loan', period: '2026-10', recordIds: ['JINJ-X03', 'JINJ-X04', 'JINJ-X05'] },
  { rule: 'CN-LOAN-UPFRONT-DEDUCTION', institution: 'pujiang', province: '310000', recordType: 'loan', period: '2026-09', recordIds: ['PUJI-X01'] },
  // P2P loans (under the private-lending cap) charging a penalty of 8 % of the principal due within
  // a month of falling overdue. An instalment overdue in October is filed again, still overdue, for November.
  { rule: 'CN-REPAY-OVERDUE-CHARGES', institution: 'jinjiang', province: '510000', recordType: 'repayment', period: '2026-10', recordIds: ['JINJ-X08-1'] },
  { rule: 'CN-REPAY-OVERDUE-CHARGES', institution: 'jinjiang', province: '510000', recordType: 'repayment', period: '2026-11', recordIds: ['JINJ-X08-2'], context: ['JINJ-X08-1'] },
  { rule: 'CN-REPAY-OVERDUE-CHARGES', institution: 'jinghua', province: '110000', recordType: 'repayment', period: '2026-10', recordIds: ['JING-X08-1'] },
  { rule: 'CN-REPAY-OVERDUE-CHARGES', institution: 'jinghua', province: '110000', recordType: 'repayment', period: '2026-11', recordIds: ['JING-X08-2'], context: ['JING-X08-1'] },
  // One individual owes CNY 270,000 at Pujiang, another CNY 240,000 at Zhujiang: the second loan goes over CNY 200,000.
  { rule: 'CN-BORROW-INDIVIDUAL-PLATFORM', institution: 'pujiang', province: '310000', recordType: 'loan', period: '2026-10', recordIds: ['PUJI-X22'], context: ['PUJI-X21'] },
  { rule: 'CN-BORROW-INDIVIDUAL-PLATFORM', institution: 'zhujiang', province: '440000', recordType: 'loan', period: '2026-10', recordIds: ['ZHUJ-X22'], context: ['ZHUJ-X21'] },
  // One individual borrows CNY 195,000 at each of six lenders in five cities, signed on 20–26 October: the
  // sixth (Lujiazui, the 26th) takes the balance over CNY 1 million, whether or not the first instalments are paid.
  {
    rule: 'CN-BORROW-INDIVIDUAL-ALL',
    institution: 'lujiazui',
    province: '310000',
    recordType: 'loan',
    period: '2026-10',
    recordIds: ['LUJI-X20'],
    context: ['QIAN-X20@qiantang', 'YONG-X20@yongjiang', 'QIAN-X20@qianhai', 'ZHUJ-X20@zhujiang', 'JING-X20@jinghua'],
  },
  // Lenders' money paid into a collection account of the platform instead of the custodian bank.
  { rule: 'CN-FUNDS-POOLING', institution: 'jinjiang', province: '510000', recordType: 'fund_flow', period: '2026-10', recordIds: ['JINJ-F-POOL1', 'JINJ-F-POOL2'] },
  { rule: 'CN-FUNDS-POOLING', institution: 'jinghua', province: '110000', recordType: 'fund_flow', period: '2026-10', recordIds: ['JING-F-POOL1'] },
  // Payments 25 and 35 minutes before the payer's identity was verified.
  { rule: 'CN-PAY-BEFORE-VERIFICATION', institution: 'tianfu-pay', province: '510000', recordType: 'payment', period: '2026-10', recordIds: ['TIAN-TX01'] },
  { rule: 'CN-PAY-BEFORE-VERIFICATION', institution: 'waitan-pay', province: '310000', recordType: 'payment', period: '2026-10', recordIds: ['WAIT-TX01'] },
  // A class I account pays CNY 1,150 from its balance (the limit is CNY 1,000 since opening).
  { rule: 'CN-PAY-CLASS-I-LIMIT', institution: 'nanshan-pay', province: '440000', recordType: 'payment', period: '2026-10', recordIds: ['NANS-TX03'], context: ['NANS-TX01', 'NANS-TX02'] },
  // Collection at 23:15, 07:20, 22:40 and 06:50 China time, no agreement recorded.
  { rule: 'CN-COLL-NIGHT', institution: 'qianhai', province: '440000', recordType: 'collection', period: '2026-10', recordIds: ['QIAN-CX01', 'QIAN-CX02'] },
  { rule: 'CN-COLL-NIGHT', institution: 'jinjiang', province: '510000', recordType: 'collection', period: '2026-10', recordIds: ['JINJ-CX01', 'JINJ-CX02'] },
  // Four connected calls to one debtor on one day: two by the lender and two by its agency (Qianhai), four by the lender (Pujiang); the fourth breaks the rule.
  { rule: 'CN-COLL-CALLS-PER-DAY', institution: 'qianhai', province: '440000', recordType: 'collection', period: '2026-10', recordIds: ['QIAN-CX06'] },
  { rule: 'CN-COLL-CALLS-PER-DAY', institution: 'pujiang', province: '310000', recordType: 'collection', period: '2026-10', recordIds: ['PUJI-CX04'] },
  // A debtor's contact called about the debt.
  { rule: 'CN-COLL-THIRD-PARTY', institution: 'qianhai', province: '440000', recordType: 'collection', period: '2026-10', recordIds: ['QIAN-CX07'] },
  { rule: 'CN-COLL-THIRD-PARTY', institution: 'jinjiang', province: '510000', recordType: 'collection', period: '2026-10', recordIds: ['JINJ-CX03'] },
  // Disclosures never published (Jinjiang), or with no address (Lujiazui).
  { rule: 'CN-DISC-INCOMPLETE', institution: 'jinjiang', province: '510000', recordType: 'disclosure', period: '2026-10', recordIds: ['JINJ-D202610'] },
  { rule: 'CN-DISC-INCOMPLETE', institution: 'lujiazui', province: '310000', recordType: 'disclosure', period: '2026-10', recordIds: ['LUJI-D202610'] },
  // An advertised rate that does not say whether it is simple or compound.
  { rule: 'CN-PRODUCT-RATE-BASIS', institution: 'qianhai', province: '440000', recordType: 'product', period: '2026-09', recordIds: ['QIAN-P2'] },
  { rule: 'CN-PRODUCT-RATE-BASIS', institution: 'jinjiang', province: '510000', recordType: 'product', period: '2026-09', recordIds: ['JINJ-P3'] },
  // Lawful under the national rules, not under the example rules of a province or city (src/demo/rules):
  // a call at 21:20 in Guangdong (quiet from 21:00 there), CNY 195,000 owed to a lender in Shenzhen
  // (CNY 150,000 there), a medical loan costing 26 % in Zhejiang (24 % there; nationally it is only
  // above the 24 % window line, CN-LOAN-COST-WINDOW-24).
  { rule: 'CN-COLL-NIGHT', tier: '440000', institution: 'qianhai', province: '440000', recordType: 'collection', period: '2026-10', recordIds: ['QIAN-CX08'] },
  { rule: 'CN-BORROW-INDIVIDUAL-PLATFORM', tier: '440300', institution: 'qianhai', province: '440000', recordType: 'loan', period: '2026-10', recordIds: ['QIAN-X20'] },
  { rule: 'ZJ-LOAN-MEDICAL-COST', tier: '330000', institution: 'qiantang', province: '330000', recordType: 'loan', period: '2026-10', recordIds: ['QIAN-X30'] },
  // Complaints closed 20 days after they were received.
  { rule: 'CN-COMPLAINT-LATE', institution: 'jinjiang', province: '510000', recordType: 'complaint', period: '2026-10', recordIds: ['JINJ-TX01'] },
  { rule: 'CN-COMPLAINT-LATE', institution: 'zhujiang', province: '440000', recordType: 'complaint', period: '2026-10', recordIds: ['ZHUJ-TX01'] },
];

/** The prefix of an institution's record ids: the first four letters of its key. */
export function prefixOf(key: string): string {
  return key.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 4);
}

/** A loan the demo files on purpose, beside the generated ones. */
interface PlantedLoan {
  /** Suffix after the prefix: `X01` → `QIAN-X01`. */
  id: string;
  /** The borrower; absent: one of the crowd. */
  person?: DemoPerson;
  /** Index into the lender's products (0, 1: cash loans of 6 and 12 months; 2: its P2P product). */
  product: number;
  contractDate: string;
  principal: number;
  disbursed?: number;
  rate: number;
  /** Fee per instalment, share of the principal. */
  feeRate?: number;
  /** Falls overdue from the first instalment. */
  defaults?: boolean;
  /** Penalty charged on an overdue instalment, share of its principal. */
  penaltyShare?: number;
  /** The loan purpose (default: one at random). */
  purpose?: string;
}

/** The day in October 2026 on which each lender lends CNY 195,000 to the same person. */
const X20_DAYS: Record<string, number> = { qiantang: 20, yongjiang: 21, qianhai: 22, zhujiang: 23, jinghua: 24, lujiazui: 26 };

/**
 * consumer1's loans beside the crowd's, so that the credit report gathers several lenders' filings:
 * CNY 20,000 from Qiantang repaid on time, CNY 8,000 from Yongjiang overdue from its first instalment.
 */
const CONSUMER1_LOANS: Record<string, Omit<PlantedLoan, 'person'>> = {
  qiantang: { id: 'X40', product: 1, contractDate: '2026-09-12', principal: 2_000_000, rate: 0.12, purpose: 'home_improvement' },
  yongjiang: { id: 'X40', product: 0, contractDate: '2026-09-18', principal: 800_000, rate: 0.1, defaults: true, purpose: 'travel' },
};

function plantedLoans(key: string, rate: [number, number], people: readonly DemoPerson[]): PlantedLoan[] {
  const loans: PlantedLoan[] = [];
  const x20Day = X20_DAYS[key];
  if (x20Day !== undefined) loans.push({ id: 'X20', person: specialPeople.multi, product: 1, contractDate: `2026-10-${x20Day}`, principal: 19_500_000, rate: rate[0] });
  const forConsumer1 = CONSUMER1_LOANS[key];
  if (forConsumer1) loans.push({ ...forConsumer1, person: demoConsumers(people)[0]!.person });
  switch (key) {
    case 'qiantang':
      loans.push({ id: 'X30', product: 1, contractDate: '2026-10-13', principal: 5_000_000, rate: 0.235, purpose: 'medical' });
      break;
    case 'qianhai':
      loans.push(
        { id: 'X01', product: 0, contractDate: '2026-09-08', principal: 800_000, rate: 0.15, feeRate: 0.02 },
        { id: 'X02', product: 0, contractDate: '2026-09-17', principal: 600_000, rate: 0.15, feeRate: 0.02 },
        { id: 'X10', person: specialPeople.debtorQianhai, product: 0, contractDate: '2026-09-05', principal: 2_000_000, rate: 0.15, defaults: true },
      );
      break;
    case 'jinjiang':
      loans.push(
        { id: 'X03', product: 1, contractDate: '2026-10-09', principal: 1_000_000, disbursed: 900_000, rate: 0.18, feeRate: 0.012 },
        { id: 'X04', product: 1, contractDate: '2026-10-15', principal: 1_500_000, disbursed: 1_350_000, rate: 0.18, feeRate: 0.012 },
        { id: 'X05', product: 1, contractDate: '2026-10-22', principal: 800_000, disbursed: 720_000, rate: 0.18, feeRate: 0.012 },
        { id: 'X06', product: 2, contractDate: '2026-10-12', principal: 5_000_000, rate: 0.24 },
        { id: 'X07', product: 2, contractDate: '2026-10-19', principal: 3_000_000, rate: 0.24 },
        { id: 'X08', product: 2, contractDate: '2026-09-03', principal: 3_000_000, rate: 0.1, defaults: true, penaltyShare: 0.08 },
        { id: 'X10', person: specialPeople.debtorJinjiang, product: 0, contractDate: '2026-09-05', principal: 1_500_000, rate: 0.15, defaults: true },
      );
      break;
    case 'jinghua':
      loans.push(
        { id: 'X06', product: 2, contractDate: '2026-10-14', principal: 4_000_000, rate: 0.2 },
        { id: 'X08', product: 2, contractDate: '2026-09-07', principal: 4_000_000, rate: 0.1, defaults: true, penaltyShare: 0.08 },
      );
      break;
    case 'pujiang':
      loans.push(
        { id: 'X01', product: 1, contractDate: '2026-09-16', principal: 3_000_000, disbursed: 2_940_000, rate: 0.12 },
        { id: 'X10', person: specialPeople.debtorPujiang, product: 0, contractDate: '2026-09-05', principal: 1_200_000, rate: 0.14, defaults: true },
        { id: 'X21', person: specialPeople.bigPujiang, product: 1, contractDate: '2026-10-10', principal: 15_000_000, rate: 0.108 },
        { id: 'X22', person: specialPeople.bigPujiang, product: 1, contractDate: '2026-10-24', principal: 12_000_000, rate: 0.108 },
      );
      break;
    case 'zhujiang':
      loans.push(
        { id: 'X21', person: specialPeople.bigZhujiang, product: 1, contractDate: '2026-10-09', principal: 13_000_000, rate: 0.095 },
        { id: 'X22', person: specialPeople.bigZhujiang, product: 1, contractDate: '2026-10-23', principal: 11_000_000, rate: 0.095 },
      );
      break;
  }
  return loans;
}

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

/** The USCC of a company the demo institutions deal with (custodian bank, collection agency, merchants): n ≥ 40, apart from the institutions. */
function partnerUscc(n: number, city: string): string {
  return demoUscc(40 + n, city);
}

const RISK_WARNING = '借款有风险，请理性借贷、按时还款；逾期将影响个人信用。Borrowing carries risk; borrow within your means and repay on time.';

export interface LenderFiles {
  products: Row[];
  loansByPeriod: Map<string, Row[]>;
  repaymentsByPeriod: Map<string, Row[]>;
  collections: Row[];
  complaints: Row[];
  disclosure: Row;
  /** Movements of lenders' money for its P2P loans (empty for a lender without a P2P product). */
  fundFlows: Row[];
}

/**
 * One lender's filings: its products, loans made in each of `periods`, the state of its
 * instalments at the end of each of `repaymentPeriods` (due in it, or still overdue: the same
 * overdue instalment is filed again each month), collection actions on overdue loans,
 * complaints, a disclosure, and the fund flows of its P2P loans; with its deliberate violations
 * (demoViolations) among them.
 */
export function lenderFiles(institution: DemoInstitution, index: number, people: DemoPerson[], periods: string[], repaymentPeriods: string[] = periods): LenderFiles {
  const terms = institution.lending!;
  const key = institution.key;
  const next = random(7919 * (index + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const prefix = prefixOf(key);
  const products: Row[] = [6, 12].map((term, i) => ({
    product_id: `${prefix}-P${i + 1}`,
    product_name: `${institution.nameZh.slice(0, 2)}${term === 6 ? '随心借' : '安心贷'}`,
    product_type: 'cash_loan',
    advertised_annual_rate: terms.rate[i]!,
    // Qianhai advertises its 12-month loan without saying how the rate is computed.
    rate_basis: key === 'qianhai' && i === 1 ? null : 'irr',
    fee_description: terms.feeRate > 0 ? `每期服务费为本金的 ${(terms.feeRate * 100).toFixed(1)}%` : '无其他费用',
    min_amount_fen: 100_000,
    max_amount_fen: 20_000_000,
    min_term_months: term,
    max_term_months: term,
    repayment_method: 'equal_installment',
    guarantee_type: 'none',
    risk_level: terms.rate[i]! > 0.18 ? 'R4' : 'R3',
    risk_warning: RISK_WARNING,
    launched_on: '2026-01-05',
    withdrawn_on: null,
  }));
  const planted = plantedLoans(key, terms.rate, people);
  if (planted.some((loan) => loan.product === 2)) {
    // A lending-information intermediary product: individual lenders fund each loan through the platform.
    products.push({
      product_id: `${prefix}-P3`,
      product_name: `${institution.nameZh.slice(0, 2)}惠民出借`,
      product_type: 'p2p_loan',
      advertised_annual_rate: key === 'jinjiang' ? 0.24 : 0.2,
      // Jinjiang does not say whether its 24 % is simple or compound.
      rate_basis: key === 'jinjiang' ? null : 'irr',
      fee_description: '借款人按借款本金的 1% 一次性支付平台服务费',
      min_amount_fen: 1_000_000,
      max_amount_fen: 10_000_000,
      min_term_months: 12,
      max_term_months: 12,
      repayment_method: 'equal_installment',
      guarantee_type: 'none',
      risk_level: 'R4',
      risk_warning: '出借有风险，出借人须自担本金损失风险；平台不提供保本保息承诺。Lending carries risk: lenders bear the loss of principal; the platform guarantees neither principal nor interest.',
      launched_on: '2026-03-01',
      withdrawn_on: null,
    });
  }
  const loansByPeriod = new Map<string, Row[]>(periods.map((period) => [period, []]));
  const repaymentsByPeriod = new Map<string, Row[]>();
  const collections: Row[] = [];
  const complaints: Row[] = [];
  const fundFlows: Row[] = [];
  const overdueLoans: { loanId: string; debtor: DemoPerson; planted: boolean }[] = [];
  let outstanding = 0;
  let overdueBalance = 0;
  let raised = 0;
  let loanCount = 0;
  const lastPeriod = periods.at(-1)!;
  const [lastYear, lastMonth] = lastPeriod.split('-').map(Number) as [number, number];

  interface LoanSpec {
    loanId: string;
    person: DemoPerson;
    product: Row;
    contractDate: string;
    principal: number;
    disbursed: number;
    rate: number;
    method: RepaymentMethod;
    fee: number;
    defaults: boolean;
    penaltyShare: number;
    planted: boolean;
    purpose?: string | undefined;
  }

  const addLoan = (spec: LoanSpec) => {
    const period = spec.contractDate.slice(0, 7);
    const installments = Number(spec.product.min_term_months);
    const firstDue = addMonths(spec.contractDate, 1);
    loanCount++;
    loansByPeriod.get(period)!.push({
      loan_id: spec.loanId,
      contract_id: `HT-${spec.loanId}`,
      product_id: spec.product.product_id ?? null,
      borrower_type: 'individual',
      borrower_id: spec.person.residentId,
      borrower_phone: spec.person.phone,
      contract_date: spec.contractDate,
      principal_fen: spec.principal,
      disbursed_fen: spec.disbursed,
      disbursement_date: spec.contractDate,
      first_due_date: firstDue,
      installments,
      period_months: 1,
      nominal_annual_rate: spec.rate,
      repayment_method: spec.method,
      fee_per_installment_fen: spec.fee,
      other_fees_fen: 0,
      purpose: spec.purpose ?? pick(purposes),
      guarantee_type: 'none',
      guarantor_type: null,
      guarantor_id: null,
    });
    raised += spec.disbursed;
    outstanding += spec.principal;
    // Instalments due in later periods of the demo, with what was paid.
    const schedule = buildSchedule({ principalFen: spec.principal, disbursedFen: spec.disbursed, disbursedOn: spec.contractDate, firstDueOn: firstDue, installments, periodMonths: 1, nominalAnnualRate: spec.rate, method: spec.method, feePerInstallmentFen: spec.fee });
    for (const [k, due] of schedule.entries()) {
      const duePeriod = due.dueOn.slice(0, 7);
      if (duePeriod <= period || !repaymentPeriods.includes(duePeriod)) continue;
      // The state of the instalment at the end of each period it is reported for: the period it
      // falls due in, and every later one while it stays overdue — under the same id each time.
      for (const reportPeriod of repaymentPeriods) {
        if (reportPeriod < duePeriod) continue;
        if (reportPeriod > duePeriod && !spec.defaults) break;
        const [reportYear, reportMonth] = reportPeriod.split('-').map(Number) as [number, number];
        const periodEnd = new Date(Date.UTC(reportYear, reportMonth, 0));
        const daysPastDue = spec.defaults ? Math.max(1, Math.round((periodEnd.getTime() - Date.parse(due.dueOn)) / 86_400_000)) : 0;
        const list = repaymentsByPeriod.get(reportPeriod) ?? [];
        repaymentsByPeriod.set(reportPeriod, list);
        // Overdue interest at 10 % a year on the principal due (within four times the LPR); a
        // penalty only where the lender overcharges. Nothing is charged on what is not overdue.
        const charged = spec.defaults && due.principalFen > 0;
        list.push({
          repayment_id: `${spec.loanId}-${k + 1}`,
          loan_id: spec.loanId,
          installment_number: k + 1,
          installments,
          due_date: due.dueOn,
          principal_due_fen: due.principalFen,
          interest_due_fen: due.interestFen,
          fee_due_fen: due.feeFen,
          amount_paid_fen: spec.defaults ? 0 : due.totalFen,
          paid_date: spec.defaults ? null : due.dueOn,
          days_past_due: daysPastDue,
          status: spec.defaults ? 'overdue' : 'paid_on_time',
          overdue_interest_fen: charged ? Math.floor((due.principalFen * 0.1 * daysPastDue) / 365) : null,
          penalty_fen: charged ? Math.round(due.principalFen * spec.penaltyShare) : null,
        });
      }
      // The disclosure and the collection actions are of the last loan period.
      if (duePeriod > lastPeriod) continue;
      if (spec.defaults) {
        overdueBalance += due.totalFen;
        overdueLoans.push({ loanId: spec.loanId, debtor: spec.person, planted: spec.planted });
      }
      outstanding -= due.principalFen;
    }
  };

  // What each generated borrower owes here: kept under CNY 150,000 a platform, so that only the
  // planted borrowers go over the borrowing limits.
  const owed = new Map<DemoPerson, number>();
  for (const period of periods) {
    const [year, month] = period.split('-').map(Number) as [number, number];
    for (let n = 0; n < terms.loansPerMonth; n++) {
      const principal = (5 + Math.floor(next() * 60)) * 100_000;
      // A few people borrow from many platforms at once: the first 40 people are much more likely.
      let borrower = next() < 0.1 ? people[Math.floor(next() * 40)]! : pick(people);
      while ((owed.get(borrower) ?? 0) + principal > 15_000_000) borrower = pick(people);
      owed.set(borrower, (owed.get(borrower) ?? 0) + principal);
      const product = pick(products.slice(0, 2));
      const contractDate = isoDate(year, month, 1 + Math.floor(next() * 27));
      const rate = Math.round((terms.rate[0] + next() * (terms.rate[1] - terms.rate[0])) * 10000) / 10000;
      const method = pick(methods);
      const defaults = next() < terms.overdueShare;
      addLoan({ loanId: `${prefix}${period.replace('-', '')}${String(n + 1).padStart(5, '0')}`, person: borrower, product, contractDate, principal, disbursed: principal, rate, method, fee: Math.round(principal * terms.feeRate), defaults, penaltyShare: 0, planted: false });
    }
  }
  for (const loan of planted) {
    if (!periods.includes(loan.contractDate.slice(0, 7))) continue;
    addLoan({
      loanId: `${prefix}-${loan.id}`,
      person: loan.person ?? pick(people),
      product: products[loan.product]!,
      contractDate: loan.contractDate,
      principal: loan.principal,
      disbursed: loan.disbursed ?? loan.principal,
      rate: loan.rate,
      method: 'equal_installment',
      fee: Math.round(loan.principal * (loan.feeRate ?? terms.feeRate)),
      defaults: loan.defaults ?? false,
      penaltyShare: loan.penaltyShare ?? 0,
      planted: true,
      purpose: loan.purpose,
    });
  }

  // Collection: reminders in the daytime, by text or by phone, to the debtor. (The collection of a
  // planted overdue loan is planted too: plantedCollections.)
  for (const [i, overdue] of overdueLoans.filter((loan) => !loan.planted).entries()) {
    collections.push({
      collection_id: `${prefix}-C${String(i + 1).padStart(5, '0')}`,
      loan_id: overdue.loanId,
      debtor_id: overdue.debtor.residentId,
      action_time: `${isoDate(lastYear, lastMonth, 6 + (i % 22))}T${String(9 + (i % 9)).padStart(2, '0')}:15:00+08:00`,
      channel: i % 3 === 0 ? 'sms' : 'phone_call',
      contacted_party: 'debtor',
      contacted_phone: overdue.debtor.phone,
      collector_type: 'in_house',
      agency_uscc: null,
      call_connected: i % 3 === 0 ? null : i % 2 === 0,
      night_contact_agreed: null,
      note: '提醒按期还款 / reminder to repay',
    });
  }
  collections.push(...plantedCollections(key, prefix, lastPeriod, institution.city));

  const categories = ['interest_and_fees', 'collection_conduct', 'personal_information', 'disclosure_and_sales', 'service_quality', 'contract_terms'];
  const complaintCount = 6 + Math.floor(terms.loansPerMonth * terms.complaintShare);
  for (let i = 0; i < complaintCount; i++) {
    const complainant = pick(people);
    const closed = next() < 0.6;
    // A complaint still open at the period end was received in its last two weeks; a closed one was answered within a week.
    const day = closed ? 1 + Math.floor(next() * 25) : 18 + Math.floor(next() * 12);
    const category = terms.complaintShare > 0.05 && i % 2 === 0 ? pick(['collection_conduct', 'interest_and_fees']) : pick(categories);
    complaints.push({
      complaint_id: `${prefix}-T${String(i + 1).padStart(4, '0')}`,
      received_at: `${isoDate(lastYear, lastMonth, day)}T09:${String(10 + (i % 50)).padStart(2, '0')}:00+08:00`,
      complainant_id: complainant.residentId,
      complainant_phone: complainant.phone,
      channel: pick(['hotline', 'online', 'online', 'regulator_referral']),
      category,
      related_record_id: null,
      amount_claimed_fen: category === 'interest_and_fees' ? 50_000 + Math.floor(next() * 400_000) : null,
      status: closed ? pick(['resolved', 'rejected']) : 'in_progress',
      closed_at: closed ? `${isoDate(lastYear, lastMonth, Math.min(30, day + 1 + Math.floor(next() * 5)))}T16:00:00+08:00` : null,
      amount_refunded_fen: null,
      outcome: closed ? '已与投诉人沟通并答复 / answered' : null,
    });
  }
  if (key === 'jinjiang' || key === 'zhujiang') {
    // Received on the 3rd (8th) and closed on the 23rd (28th): 20 days.
    const received = key === 'jinjiang' ? 3 : 8;
    complaints.push({
      complaint_id: `${prefix}-TX01`,
      received_at: `${isoDate(lastYear, lastMonth, received)}T09:30:00+08:00`,
      complainant_id: pick(people).residentId,
      complainant_phone: null,
      channel: 'regulator_referral',
      category: 'interest_and_fees',
      related_record_id: null,
      amount_claimed_fen: 120_000,
      status: 'resolved',
      closed_at: `${isoDate(lastYear, lastMonth, received + 20)}T16:00:00+08:00`,
      amount_refunded_fen: 120_000,
      outcome: '退还多收费用 / excess fees refunded',
    });
  }

  const published = key !== 'jinjiang';
  const disclosure: Row = {
    disclosure_id: `${prefix}-D${lastPeriod.replace('-', '')}`,
    as_of_date: isoDate(lastYear, lastMonth + 1, 0),
    funds_raised_in_period_fen: Math.round(raised / periods.length),
    cumulative_funds_raised_fen: raised,
    outstanding_balance_fen: Math.max(outstanding, 0),
    outstanding_loans: loanCount,
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
    // Jinjiang never published its disclosure; Lujiazui gives the date but not where.
    published_url: published && key !== 'lujiazui' ? `https://www.${key}.example.cn/disclosure/${lastPeriod}` : null,
    published_on: published ? isoDate(lastYear, lastMonth + 1, 10) : null,
  };

  // The P2P loans: each funded by three individual lenders through the custodian bank, the platform's fee paid to it.
  const custodian = partnerUscc(0, institution.city);
  for (const loan of loansByPeriod.get(lastPeriod) ?? []) {
    if (loan.product_id !== `${prefix}-P3`) continue;
    const loanId = String(loan.loan_id);
    const principal = Number(loan.principal_fen);
    const day = Number(String(loan.contract_date).slice(8, 10));
    const shares = [0.5, 0.3, 0.2];
    for (const [j, share] of shares.entries()) {
      const investor = pick(people);
      fundFlows.push({
        flow_id: `${loanId}-F${j + 1}`,
        flow_time: `${isoDate(lastYear, lastMonth, day - 1)}T${String(10 + j).padStart(2, '0')}:20:00+08:00`,
        flow_type: 'investor_funding',
        from_party_type: 'individual',
        from_party_id: investor.residentId,
        from_account: `62220${String(Math.floor(next() * 1e11)).padStart(11, '0')}`,
        to_party_type: 'individual',
        to_party_id: loan.borrower_id ?? null,
        to_account: `CUST-${loanId}`,
        amount_fen: Math.round(principal * share),
        via_custodian: true,
        custodian_bank_uscc: custodian,
        related_loan_id: loanId,
      });
    }
    fundFlows.push({
      flow_id: `${loanId}-FEE`,
      flow_time: `${String(loan.contract_date)}T15:00:00+08:00`,
      flow_type: 'platform_fee',
      from_party_type: 'individual',
      from_party_id: loan.borrower_id ?? null,
      from_account: `CUST-${loanId}`,
      to_party_type: 'organisation',
      to_party_id: demoUscc(index, institution.city),
      to_account: `${prefix}-FEE-ACCOUNT`,
      amount_fen: Math.round(principal * 0.01),
      via_custodian: true,
      custodian_bank_uscc: custodian,
      related_loan_id: loanId,
    });
  }
  if (fundFlows.length > 0) {
    // Lenders' money paid straight into the platform's own collection account, past the custodian.
    const pooled = key === 'jinjiang' ? 2 : 1;
    for (let j = 0; j < pooled; j++) {
      const investor = pick(people);
      fundFlows.push({
        flow_id: `${prefix}-F-POOL${j + 1}`,
        flow_time: `${isoDate(lastYear, lastMonth, 25 + j)}T11:05:00+08:00`,
        flow_type: 'investor_funding',
        from_party_type: 'individual',
        from_party_id: investor.residentId,
        from_account: `62220${String(Math.floor(next() * 1e11)).padStart(11, '0')}`,
        to_party_type: 'organisation',
        to_party_id: null,
        to_account: `${prefix}-COLLECTION-ACCOUNT`,
        amount_fen: 2_000_000 + j * 500_000,
        via_custodian: false,
        custodian_bank_uscc: null,
        related_loan_id: null,
      });
    }
  }
  return { products, loansByPeriod, repaymentsByPeriod, collections, complaints, disclosure, fundFlows };
}

/** The collection actions a lender takes against the rules (see demoViolations), on its overdue loan X10. */
function plantedCollections(key: string, prefix: string, period: string, city: string): Row[] {
  const debtor = key === 'qianhai' ? specialPeople.debtorQianhai : key === 'jinjiang' ? specialPeople.debtorJinjiang : key === 'pujiang' ? specialPeople.debtorPujiang : null;
  if (!debtor) return [];
  const agency = partnerUscc(1, city);
  const action = (id: string, day: number, time: string, channel: string, extra: Row = {}): Row => ({
    collection_id: `${prefix}-${id}`,
    loan_id: `${prefix}-X10`,
    debtor_id: debtor.residentId,
    action_time: `${period}-${String(day).padStart(2, '0')}T${time}:00+08:00`,
    channel,
    contacted_party: 'debtor',
    contacted_phone: debtor.phone,
    collector_type: 'in_house',
    agency_uscc: null,
    call_connected: channel === 'phone_call' ? true : null,
    night_contact_agreed: null,
    note: '催收逾期借款 / collecting an overdue loan',
    ...extra,
  });
  const byAgency = { collector_type: 'agency', agency_uscc: agency };
  switch (key) {
    case 'qianhai':
      return [
        action('CX01', 9, '23:15', 'phone_call', { call_connected: false, night_contact_agreed: false }),
        action('CX02', 21, '07:20', 'sms', { night_contact_agreed: false }),
        action('CX03', 15, '10:05', 'phone_call'),
        action('CX04', 15, '11:30', 'phone_call'),
        action('CX05', 15, '14:10', 'phone_call', byAgency),
        action('CX06', 15, '16:40', 'phone_call', byAgency),
        action('CX07', 16, '15:00', 'phone_call', { contacted_party: 'third_party', contacted_phone: '13600399001' }),
        action('CX08', 19, '21:20', 'phone_call', { call_connected: false }),
      ];
    case 'jinjiang':
      return [
        action('CX01', 12, '22:40', 'phone_call', byAgency),
        action('CX02', 26, '06:50', 'sms'),
        action('CX03', 18, '14:00', 'phone_call', { ...byAgency, contacted_party: 'third_party', contacted_phone: '13980199002' }),
      ];
    default:
      return [action('CX01', 20, '09:30', 'phone_call'), action('CX02', 20, '11:00', 'phone_call'), action('CX03', 20, '14:30', 'phone_call'), action('CX04', 20, '17:00', 'phone_call')];
  }
}

/**
 * One payment institution's payments in `period`: individuals paying merchants by quick pay, QR
 * code, online banking or from their balance, each verified by real name long before; with its
 * deliberate violations (demoViolations) among them.
 */
export function paymentFiles(institution: DemoInstitution, index: number, people: DemoPerson[], period: string): Row[] {
  const next = random(104_729 * (index + 1));
  const prefix = prefixOf(institution.key);
  const [year, month] = period.split('-').map(Number) as [number, number];
  const rows: Row[] = [];
  const payment = (id: string, payer: DemoPerson, account: string, accountClass: string, verifiedAt: string | null, day: number, time: string, amount: number, channel: string, merchant: number, status = 'succeeded'): Row => ({
    payment_id: id,
    transaction_time: `${isoDate(year, month, day)}T${time}:00+08:00`,
    payer_type: 'individual',
    payer_id: payer.residentId,
    payer_account: account,
    payer_verification_class: accountClass,
    payee_type: 'organisation',
    payee_id: partnerUscc(10 + merchant, institution.city),
    payee_account: `${prefix}-M${String(merchant).padStart(3, '0')}`,
    amount_fen: amount,
    channel,
    device_id: `${prefix}-DEV-${account.slice(-4)}`,
    status,
    payer_verified_at: verifiedAt,
  });
  for (let n = 0; n < institution.payments!.perMonth; n++) {
    const who = Math.floor(next() * people.length);
    const payer = people[who]!;
    // One payer in ten holds a class I account, which pays only by linked card or QR code here; the rest class II or III.
    const accountClass = who % 10 === 0 ? 'I' : who % 10 < 4 ? 'II' : 'III';
    const channels = accountClass === 'I' ? ['quick_pay', 'qr_code'] : ['quick_pay', 'qr_code', 'qr_code', 'balance', 'online_banking'];
    const verifiedAt = `${2024 + (who % 2)}-${String(1 + (who % 12)).padStart(2, '0')}-${String(1 + (who % 28)).padStart(2, '0')}T10:${String(who % 60).padStart(2, '0')}:00+08:00`;
    const hour = 8 + Math.floor(next() * 14);
    rows.push(
      payment(`${prefix}-T${String(n + 1).padStart(5, '0')}`, payer, `${prefix}-A${String(who).padStart(4, '0')}`, accountClass, verifiedAt, 1 + Math.floor(next() * 28), `${String(hour).padStart(2, '0')}:${String(Math.floor(next() * 60)).padStart(2, '0')}`, 500 + Math.floor(next() * 40) * 500, pickWith(next, channels), Math.floor(next() * 12), next() < 0.04 ? 'failed' : 'succeeded'),
    );
  }
  switch (institution.key) {
    case 'nanshan-pay': {
      // A class I account pays CNY 380 + 420 + 350 = 1,150 from its balance in one month.
      const payer = specialPeople.classOne;
      const account = `${prefix}-A-CLASS1`;
      const verified = '2026-08-02T19:40:00+08:00';
      rows.push(
        payment(`${prefix}-TX01`, payer, account, 'I', verified, 3, '12:10', 38_000, 'balance', 2),
        payment(`${prefix}-TX02`, payer, account, 'I', verified, 12, '20:25', 42_000, 'balance', 5),
        payment(`${prefix}-TX03`, payer, account, 'I', verified, 25, '13:45', 35_000, 'balance', 7),
      );
      break;
    }
    case 'tianfu-pay':
      // Paid at 09:55, the payer's identity verified only at 10:20.
      rows.push(payment(`${prefix}-TX01`, people[700]!, `${prefix}-A-NEW700`, 'II', `${isoDate(year, month, 14)}T10:20:00+08:00`, 14, '09:55', 86_000, 'quick_pay', 3));
      break;
    case 'waitan-pay':
      // Paid at 15:30, verified at 16:05.
      rows.push(payment(`${prefix}-TX01`, people[701]!, `${prefix}-A-NEW701`, 'II', `${isoDate(year, month, 17)}T16:05:00+08:00`, 17, '15:30', 52_000, 'qr_code', 4));
      break;
  }
  return rows;
}

function pickWith<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** The lender that filed the old loan of `oldNegativeFiles`. */
export const OLD_NEGATIVE_LENDER = 'zhujiang';

/**
 * A loan of consumer2's at Zhujiang almost five years before `today`, repaid in full, whose fifth
 * instalment was paid 39 days late: the negative record ended on the late payment, 58 months
 * before `today`, so the report stops showing it (Art.16) about two months after `today`. The
 * loan is filed for the month it was signed in; the instalments for the month before the late
 * payment (the fifth still overdue) and for its month (the fifth paid late, the sixth on time).
 */
export function oldNegativeFiles(today: string, borrower: DemoPerson): { loanPeriod: string; loan: Row; repaymentsByPeriod: Map<string, Row[]> } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const month = (delta: number) => isoDate(y, m + delta, 1).slice(0, 7);
  const day = (delta: number, d: number) => `${month(delta)}-${String(d).padStart(2, '0')}`;
  // The month of the late payment, 58 months ago; the loan was signed six months before it.
  const paidMonth = -58;
  const contractDate = day(paidMonth - 6, 10);
  const loanId = `ZHUJ-H${month(paidMonth - 6).replace('-', '')}`;
  const schedule = buildSchedule({ principalFen: 300_000, disbursedFen: 300_000, disbursedOn: contractDate, firstDueOn: day(paidMonth - 5, 10), installments: 6, periodMonths: 1, nominalAnnualRate: 0.1, method: 'equal_installment', feePerInstallmentFen: 0 });
  const loan: Row = {
    loan_id: loanId, contract_id: `HT-${loanId}`, product_id: null, borrower_type: 'individual', borrower_id: borrower.residentId, borrower_phone: borrower.phone,
    contract_date: contractDate, principal_fen: 300_000, disbursed_fen: 300_000, disbursement_date: contractDate, first_due_date: schedule[0]!.dueOn,
    installments: 6, period_months: 1, nominal_annual_rate: 0.1, repayment_method: 'equal_installment', fee_per_installment_fen: 0, other_fees_fen: 0,
    purpose: 'education', guarantee_type: 'none', guarantor_type: null, guarantor_id: null,
  };
  const instalment = (k: number, state: { paid: boolean; paidDate?: string; daysPastDue?: number; status?: string }): Row => {
    const due = schedule[k - 1]!;
    return {
      repayment_id: `${loanId}-${k}`, loan_id: loanId, installment_number: k, installments: 6, due_date: due.dueOn,
      principal_due_fen: due.principalFen, interest_due_fen: due.interestFen, fee_due_fen: due.feeFen,
      amount_paid_fen: state.paid ? due.totalFen : 0, paid_date: state.paid ? (state.paidDate ?? due.dueOn) : null,
      days_past_due: state.daysPastDue ?? 0, status: state.status ?? 'paid_on_time', overdue_interest_fen: null, penalty_fen: null,
    };
  };
  const before = month(paidMonth - 1);
  const [by, bm] = before.split('-').map(Number) as [number, number];
  const lastDayBefore = isoDate(by, bm + 1, 0);
  const dueFifth = schedule[4]!.dueOn;
  const overdueAtMonthEnd = Math.round((Date.parse(lastDayBefore) - Date.parse(dueFifth)) / 86_400_000);
  const repaymentsByPeriod = new Map<string, Row[]>([
    [before, [1, 2, 3, 4].map((k) => instalment(k, { paid: true })).concat(instalment(5, { paid: false, daysPastDue: overdueAtMonthEnd, status: 'overdue' }))],
    [month(paidMonth), [instalment(5, { paid: true, paidDate: day(paidMonth, 18), status: 'paid_late' }), instalment(6, { paid: true })]],
  ]);
  return { loanPeriod: month(paidMonth - 6), loan, repaymentsByPeriod };
}

/** Records as JSON Lines, the way an institution's system would upload them. */
export function toJsonLines(rows: readonly Row[]): Buffer {
  return Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
}
