/**
 * The public German Credit data (Hofmann, Universität Hamburg; 1,000 applicants, 300 bad), used to
 * validate the scorecard machinery: the file read into rows with English attribute names, and the
 * feature specs with English and Chinese labels taken from german.names.
 *
 * The file holds 21 comma- or space-separated fields per line: the 20 attributes in the order of
 * german.names, then the class (1 good, 2 bad). Its cost matrix: accepting a bad costs 5,
 * rejecting a good costs 1.
 */
import { readFileSync } from 'node:fs';
import type { ApplicantRow, CategoricalFeatureSpec, CostMatrix, FeatureSpec, NumericFeatureSpec } from './scorecard.js';

export const GERMAN_CREDIT_DIR = '/work/shared/data/german-credit';
export const GERMAN_COST: CostMatrix = { acceptBad: 5, rejectGood: 1 };

const cat = (
  name: string,
  en: string,
  zh: string,
  categories: Record<string, [string, string]>,
  sensitive = false,
): CategoricalFeatureSpec => ({
  name,
  kind: 'categorical',
  label: { en, zh },
  categories: Object.fromEntries(Object.entries(categories).map(([code, [e, z]]) => [code, { en: e, zh: z }])),
  ...(sensitive ? { sensitive: true } : {}),
});

const num = (name: string, en: string, zh: string, unit: [string, string]): NumericFeatureSpec => ({
  name,
  kind: 'numeric',
  label: { en, zh },
  unit: { en: unit[0], zh: unit[1] },
});

/** The 20 attributes in file order. Sex (within personal status) and foreign-worker status are marked sensitive. */
export const GERMAN_FEATURES: readonly FeatureSpec[] = [
  cat('checking_status', 'Status of existing checking account', '支票账户状态', {
    A11: ['< 0 DM', '余额 < 0 马克'],
    A12: ['0 to < 200 DM', '0 至 200 马克'],
    A13: ['≥ 200 DM or salary paid in for ≥ 1 year', '≥ 200 马克或工资代发满一年'],
    A14: ['no checking account', '无支票账户'],
  }),
  num('duration', 'Duration', '贷款期限', ['months', '月']),
  cat('credit_history', 'Credit history', '信用历史', {
    A30: ['no credits taken, or all paid back duly', '无借款或均已按时还清'],
    A31: ['all credits at this bank paid back duly', '本行借款均已按时还清'],
    A32: ['existing credits paid back duly till now', '现有借款至今按时还款'],
    A33: ['delay in paying off in the past', '曾有还款逾期'],
    A34: ['critical account, or credits at other banks', '关键账户或他行另有借款'],
  }),
  cat('purpose', 'Purpose', '借款用途', {
    A40: ['car (new)', '新车'],
    A41: ['car (used)', '二手车'],
    A42: ['furniture or equipment', '家具或设备'],
    A43: ['radio or television', '收音机或电视'],
    A44: ['domestic appliances', '家用电器'],
    A45: ['repairs', '维修'],
    A46: ['education', '教育'],
    A47: ['vacation', '度假'],
    A48: ['retraining', '再培训'],
    A49: ['business', '经营'],
    A410: ['others', '其他'],
  }),
  num('credit_amount', 'Credit amount', '贷款金额', ['DM', '马克']),
  cat('savings', 'Savings account or bonds', '储蓄账户或债券', {
    A61: ['< 100 DM', '< 100 马克'],
    A62: ['100 to < 500 DM', '100 至 500 马克'],
    A63: ['500 to < 1000 DM', '500 至 1000 马克'],
    A64: ['≥ 1000 DM', '≥ 1000 马克'],
    A65: ['unknown or no savings account', '未知或无储蓄账户'],
  }),
  cat('employment_since', 'Present employment since', '现职工作年限', {
    A71: ['unemployed', '失业'],
    A72: ['< 1 year', '不满 1 年'],
    A73: ['1 to < 4 years', '1 至 4 年'],
    A74: ['4 to < 7 years', '4 至 7 年'],
    A75: ['≥ 7 years', '7 年及以上'],
  }),
  num('installment_rate', 'Instalment as a share of disposable income', '分期还款占可支配收入比例', ['(class 1–4)', '（等级 1–4）']),
  cat(
    'personal_status',
    'Personal status and sex',
    '婚姻状况与性别',
    {
      A91: ['male, divorced or separated', '男，离异或分居'],
      A92: ['female, divorced, separated or married', '女，离异、分居或已婚'],
      A93: ['male, single', '男，单身'],
      A94: ['male, married or widowed', '男，已婚或丧偶'],
      A95: ['female, single', '女，单身'],
    },
    true,
  ),
  cat('other_debtors', 'Other debtors or guarantors', '其他债务人或担保人', {
    A101: ['none', '无'],
    A102: ['co-applicant', '共同申请人'],
    A103: ['guarantor', '担保人'],
  }),
  num('residence_since', 'Present residence since', '现住址居住年限', ['years', '年']),
  cat('property', 'Property', '财产', {
    A121: ['real estate', '不动产'],
    A122: ['building society savings or life insurance', '住房储蓄协议或人寿保险'],
    A123: ['car or other', '汽车或其他财产'],
    A124: ['unknown or no property', '未知或无财产'],
  }),
  num('age', 'Age', '年龄', ['years', '岁']),
  cat('other_installment_plans', 'Other instalment plans', '其他分期计划', {
    A141: ['bank', '银行'],
    A142: ['stores', '商店'],
    A143: ['none', '无'],
  }),
  cat('housing', 'Housing', '住房', {
    A151: ['rent', '租房'],
    A152: ['own', '自有'],
    A153: ['for free', '免费居住'],
  }),
  num('existing_credits', 'Number of existing credits at this bank', '本行现有贷款笔数', ['credits', '笔']),
  cat('job', 'Job', '职业', {
    A171: ['unemployed or unskilled, non-resident', '失业或非技术工人（非常住）'],
    A172: ['unskilled, resident', '非技术工人（常住）'],
    A173: ['skilled employee or official', '技术员工或公务人员'],
    A174: ['management, self-employed, highly qualified or officer', '管理人员、自雇、高技能人员或官员'],
  }),
  num('people_liable', 'People liable to provide maintenance for', '需供养人数', ['people', '人']),
  cat('telephone', 'Telephone', '电话', {
    A191: ['none', '无'],
    A192: ['yes, registered in the applicant’s name', '有，登记在本人名下'],
  }),
  cat(
    'foreign_worker',
    'Foreign worker',
    '外籍劳工',
    {
      A201: ['yes', '是'],
      A202: ['no', '否'],
    },
    true,
  ),
];

export interface GermanCredit {
  rows: ApplicantRow[];
  /** 1 = bad (class 2 in the file), 0 = good. */
  labels: number[];
}

/** Parses the text of german.data / german.csv. */
export function parseGermanCredit(text: string): GermanCredit {
  const rows: ApplicantRow[] = [];
  const labels: number[] = [];
  text.split(/\r?\n/).forEach((line, lineNo) => {
    if (line.trim() === '') return;
    const fields = line.trim().split(/[,\s]+/);
    if (fields.length !== GERMAN_FEATURES.length + 1) throw new Error(`line ${lineNo + 1}: ${fields.length} fields, expected ${GERMAN_FEATURES.length + 1}`);
    const row: Record<string, string | number> = {};
    GERMAN_FEATURES.forEach((spec, i) => {
      const raw = fields[i]!;
      if (spec.kind === 'numeric') {
        const v = Number(raw);
        if (!Number.isFinite(v)) throw new Error(`line ${lineNo + 1}: ${spec.name} is not a number: ${raw}`);
        row[spec.name] = v;
      } else {
        if (spec.categories && !(raw in spec.categories)) throw new Error(`line ${lineNo + 1}: unknown ${spec.name} code ${raw}`);
        row[spec.name] = raw;
      }
    });
    const cls = fields[GERMAN_FEATURES.length];
    if (cls !== '1' && cls !== '2') throw new Error(`line ${lineNo + 1}: class ${cls}, expected 1 or 2`);
    rows.push(row);
    labels.push(cls === '2' ? 1 : 0);
  });
  return { rows, labels };
}

/** Reads german.csv (or german.data) from the shared data folder. */
export function readGermanCredit(file = `${GERMAN_CREDIT_DIR}/german.csv`): GermanCredit {
  return parseGermanCredit(readFileSync(file, 'utf8'));
}
