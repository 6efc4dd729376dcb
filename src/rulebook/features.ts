/**
 * The features: named aggregates and derived values a rule's condition may read as
 * `features.<name>`. The monitoring engine computes them (in SQL over the filed data where they
 * span records or institutions, in code where they are a lookup); this catalogue is their one
 * definition and their documentation. A feature that does not apply to a record (no LPR before
 * 2019-08-20, no product filed) is absent: a condition tests it with `has(features.x)`.
 */
import type { RecordType } from '../standard/standard.js';
import type { BilingualText } from './rule.js';

/** The value type of a feature: how CEL sees it and how an explanation shows it. */
export type FeatureType = 'money_fen' | 'rate' | 'integer' | 'boolean' | 'string' | 'date';

export interface FeatureDef {
  name: string;
  type: FeatureType;
  recordTypes: readonly RecordType[];
  label: BilingualText;
  description: BilingualText;
}

const f = (name: string, type: FeatureType, recordTypes: readonly RecordType[], label: [string, string], description: [string, string]): FeatureDef => ({
  name,
  type,
  recordTypes,
  label: { zh: label[0], en: label[1] },
  description: { zh: description[0], en: description[1] },
});

export const featureCatalogue: readonly FeatureDef[] = [
  f('lpr_1y_at_contract', 'rate', ['loan', 'repayment'], ['合同签订日一年期 LPR', 'One-year LPR on the contract date'], [
    '合同签订日（还款记录取其借款合同）适用的一年期贷款市场报价利率：该日或之前最近一次公布的值，取自参考数据。',
    'The one-year loan prime rate in force on the contract date (for a repayment, its loan’s): the latest published on or before that day, from the reference data.',
  ]),
  f('private_lending_cap_applies', 'boolean', ['loan', 'repayment'], ['适用民间借贷利率上限', 'Private-lending cap applies'], [
    '出借方是否受民间借贷司法解释的利率上限约束：网络借贷信息中介项目（出借人为个人）适用；持有有效放贷类许可（网络小额贷款、消费金融）的持牌机构不适用（最高法关于新民间借贷司法解释适用范围问题的批复）。',
    'Whether the lender is under the private-lending interest cap: a peer-to-peer project (individual lenders) is; an institution with an approved lending licence (online microlending, consumer finance) is not (SPC Reply on the scope of the new private-lending provisions).',
  ]),
  f('product_type', 'string', ['loan'], ['产品类型', 'Product type'], ['贷款所属产品在报送中的产品类型；未报送该产品时为空。', 'The product type of the loan’s product as filed; empty when the product was not filed.']),
  f('annualised_cost', 'rate', ['loan'], ['综合年化成本', 'Comprehensive annualised cost'], [
    '利息与全部费用按实际现金流计算的内部收益率年化（复利），以实际放款金额为本金；随贷款存储。',
    'Interest and every fee as the annualised internal rate of return (compound) of the actual cash flows, on the amount actually disbursed; stored with the loan.',
  ]),
  f('loan_outstanding_fen', 'money_fen', ['loan'], ['本笔贷款签订时未还本金', 'Unpaid principal of this loan when signed'], [
    '合同本金减去合同签订日当日及之前已还的本金（还款先抵利息和费用），即本笔贷款计入余额的金额。',
    'The principal less the principal repaid on or before the contract date (a payment covers interest and fees first): what this loan adds to the balance.',
  ]),
  f('borrower_outstanding_on_platform_fen', 'money_fen', ['loan'], ['借款人在本平台的借款余额', 'Borrower’s balance on this platform'], [
    '本笔贷款签订之日，该借款人在本机构签订于本笔之前（含本笔，同日按借据编号）的贷款未还本金之和：各笔为本金减去该日及之前已还本金。余额超限发生在借款之时，事后还款不改变；余额限额在使余额超限的那笔贷款上预警一次。',
    'The unpaid principal, on the day this loan was signed, of this borrower’s loans at this institution signed up to and including this one (same day: by loan id), each its principal less the principal repaid by that day. A balance goes over the limit when the money is lent and later repayment does not undo it; a limit fires once, on the loan that crossed it.',
  ]),
  f('borrower_outstanding_all_platforms_fen', 'money_fen', ['loan'], ['借款人在全部平台的借款余额', 'Borrower’s balance on all platforms'], [
    '同一借款人（按身份证号码的假名或统一社会信用代码识别）在所有报送机构签订于本笔之前（含本笔）的贷款，于本笔签订之日的未还本金之和。',
    'The same sum across every institution that files, the borrower known by the pseudonym of the ID number or by the USCC, over loans signed up to and including this one, as owed on the day it was signed.',
  ]),
  f('borrower_platforms', 'integer', ['loan'], ['借款人的在贷平台数', 'Platforms lending to the borrower'], ['该借款人有在贷合同的机构数。', 'How many institutions have a loan in force to this borrower.']),
  f('overdue_charges_annual_rate', 'rate', ['repayment'], ['逾期费用年化利率', 'Overdue charges as an annual rate'], [
    '(逾期利息 + 违约金及其他费用) ÷ 本期应还本金 × 365 ÷ 逾期天数；未逾期或未填报时不存在。',
    '(overdue interest + penalty and other fees) ÷ principal due × 365 ÷ days past due; absent when not overdue or not filed.',
  ]),
  f('loan_contract_date', 'date', ['repayment'], ['借款合同签订日期', 'Loan contract date'], ['还款记录所属贷款的合同签订日期；贷款未报送时不存在。', 'The contract date of the repayment’s loan; absent when the loan was not filed.']),
  f('payer_balance_paid_this_year_fen', 'money_fen', ['payment'], ['付款人本年余额支付累计', 'Balance payments of the payer this year'], [
    '同一付款人在本机构开立的全部支付账户、同一公历年（北京时间）内成功的余额支付金额累计，截至并包括本笔；不含向本人同名银行账户转账（提现）。',
    'Succeeded balance payments from all the payer’s payment accounts at this institution in the same calendar year (China time), up to and including this one; transfers to the payer’s own bank account (withdrawals) excluded.',
  ]),
  f('payer_balance_paid_since_opening_fen', 'money_fen', ['payment'], ['付款账户开户以来余额支付累计', 'Balance payments of the account since opening'], [
    '同一付款账户在本机构已报送的全部成功余额支付金额累计，含向本人同名银行账户转账（提现），截至并包括本笔。',
    'Every succeeded balance payment of the same payer account filed by this institution, transfers to the payer’s own bank account (withdrawals) included, up to and including this one.',
  ]),
  f('payer_verified_before_payment', 'boolean', ['payment'], ['付款前已完成实名验证', 'Payer verified before paying'], ['付款人实名验证时间早于或等于交易时间。', 'The payer’s real-name verification is no later than the transaction.']),
  f('to_own_account', 'boolean', ['fund_flow'], ['转入平台自有账户', 'Into the platform’s own account'], ['转入方为报送机构本身（统一社会信用代码相同）。', 'The receiving party is the filing institution itself (the same USCC).']),
  f('action_hour_china', 'integer', ['collection'], ['催收时刻（北京时间，时）', 'Hour of the action (China time)'], ['催收发生时北京时间的小时数，0–23。', 'The hour of the action in China time, 0–23.']),
  f('connected_calls_same_day', 'integer', ['collection'], ['当日接通电话次数', 'Connected calls that day'], [
    '同一债务人在同一北京时间自然日内被本机构及其委托的催收机构接通电话的次数。',
    'Connected phone calls to the same debtor on the same China-time day by this institution and every agency it engaged.',
  ]),
  f('connected_call_order_in_day', 'integer', ['collection'], ['当日第几次接通', 'Connected call number that day'], ['本次接通电话是当日对该债务人的第几次（按时间）；不是接通的电话时为 0。', 'Which connected call to this debtor this was that day, by time; 0 when it was not a connected call.']),
  f('handling_days_calendar', 'integer', ['complaint'], ['处理天数（自然日）', 'Days to decide (calendar)'], [
    '自受理日次日起至办结日（未办结的至报告期末）的自然日天数，北京时间。',
    'Calendar days from the day after receipt to the day it closed (or the end of the period if still open), China time.',
  ]),
  f('handling_days_working', 'integer', ['complaint'], ['处理天数（工作日）', 'Days to decide (working)'], [
    '同一区间内按国务院办公厅公布的节假日安排（含调休上班日）计算的工作日天数。',
    'The working days in the same span on the official holiday calendar, make-up working days included.',
  ]),
  f('open_at_period_end', 'boolean', ['complaint'], ['报告期末仍未办结', 'Still open at the period end'], ['投诉在报告期末仍未办结（受理、处理中或已转调解）。', 'The complaint was still open at the end of the period (received, in progress or in mediation).']),
  f('risk_warning_length', 'integer', ['product'], ['风险提示字数', 'Risk warning length'], ['风险提示的字符数（去除首尾空白）。', 'Characters in the risk warning, surrounding white space removed.']),
];

const byName = new Map(featureCatalogue.map((feature) => [feature.name, feature]));

/** The feature `name`, or undefined when the catalogue has none. */
export function featureDef(name: string): FeatureDef | undefined {
  return byName.get(name);
}

/** The features a record type's rules may read. */
export function featuresFor(recordType: RecordType): FeatureDef[] {
  return featureCatalogue.filter((feature) => feature.recordTypes.includes(recordType));
}
