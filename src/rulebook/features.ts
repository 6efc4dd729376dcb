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
export type FeatureType = 'money_fen' | 'rate' | 'integer' | 'decimal' | 'boolean' | 'string' | 'date';

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

// ---------------------------------------------------------------------------------------------
// Screening: what a real-time screening rule reads of a payment (`record.x`) and the features the
// screening engine computes for it in memory (or Redis) as it arrives (`features.x`).

/** A field of a payment under screening, as a screening rule's condition reads it. */
export interface ScreeningFieldDef {
  name: string;
  type: FeatureType;
  label: BilingualText;
}

const s = (name: string, type: FeatureType, label: [string, string]): ScreeningFieldDef => ({ name, type, label: { zh: label[0], en: label[1] } });

export const screeningRecordFields: readonly ScreeningFieldDef[] = [
  s('currency', 'string', ['币种', 'Currency']),
  s('amount_minor', 'integer', ['金额（币种最小单位）', 'Amount (minor units)']),
  s('amount_fen', 'money_fen', ['金额', 'Amount']),
  s('funding_source', 'string', ['资金来源', 'Funding source']),
  s('verification_class', 'string', ['付款账户类别', 'Payer account class']),
  s('purpose', 'string', ['用途', 'Purpose']),
];

const sf = (name: string, type: FeatureType, label: [string, string], description: [string, string]): FeatureDef => ({
  name,
  type,
  recordTypes: ['payment'],
  label: { zh: label[0], en: label[1] },
  description: { zh: description[0], en: description[1] },
});

const WINDOW = '含本笔，窗口为（本笔时间 − 窗口长度，本笔时间］。';
const WINDOW_EN = 'This payment included; the window is (its time − the window length, its time].';

/**
 * The screening features. Amounts are in the payment's currency's minor units and count only
 * payments in that currency; `_fen` features count CNY only.
 */
export const screeningFeatureCatalogue: readonly FeatureDef[] = [
  sf('payer_payments_1m', 'integer', ['付款账户 1 分钟内笔数', 'Payer’s payments in 1 minute'], [`同一付款账户 1 分钟内提交筛查的交易笔数，${WINDOW}`, `Payments screened from the same payer account in the last minute. ${WINDOW_EN}`]),
  sf('payer_payments_1h', 'integer', ['付款账户 1 小时内笔数', 'Payer’s payments in 1 hour'], [`同一付款账户 1 小时内的交易笔数，${WINDOW}`, `Payments from the same payer account in the last hour. ${WINDOW_EN}`]),
  sf('payer_payments_24h', 'integer', ['付款账户 24 小时内笔数', 'Payer’s payments in 24 hours'], [`同一付款账户 24 小时内的交易笔数，${WINDOW}`, `Payments from the same payer account in the last 24 hours. ${WINDOW_EN}`]),
  sf('payer_amount_1h', 'integer', ['付款账户 1 小时内金额', 'Payer’s amount in 1 hour'], [`同一付款账户 1 小时内同币种交易金额合计（最小单位），${WINDOW}`, `The amount paid from the same payer account in the last hour, same currency, in minor units. ${WINDOW_EN}`]),
  sf('payer_amount_24h', 'integer', ['付款账户 24 小时内金额', 'Payer’s amount in 24 hours'], [`同一付款账户 24 小时内同币种交易金额合计（最小单位），${WINDOW}`, `The amount paid from the same payer account in the last 24 hours, same currency, in minor units. ${WINDOW_EN}`]),
  sf('payer_amount_24h_fen', 'money_fen', ['付款账户 24 小时内人民币金额', 'Payer’s CNY amount in 24 hours'], [`同一付款账户 24 小时内人民币交易金额合计，${WINDOW}非人民币交易时不存在。`, `The CNY amount paid from the same payer account in the last 24 hours. ${WINDOW_EN} Absent for a payment in another currency.`]),
  sf('payee_payments_1h', 'integer', ['收款账户 1 小时内笔数', 'Payee’s payments in 1 hour'], [`同一收款账户 1 小时内收到的、经本平台筛查的交易笔数（所有机构），${WINDOW}`, `Payments to the same payee account screened in the last hour, from every institution. ${WINDOW_EN}`]),
  sf('payee_payments_24h', 'integer', ['收款账户 24 小时内笔数', 'Payee’s payments in 24 hours'], [`同一收款账户 24 小时内收到的交易笔数（所有机构），${WINDOW}`, `Payments to the same payee account in the last 24 hours, from every institution. ${WINDOW_EN}`]),
  sf('payee_amount_24h', 'integer', ['收款账户 24 小时内金额', 'Payee’s amount in 24 hours'], [`同一收款账户 24 小时内收到的同币种金额合计（最小单位），${WINDOW}`, `The amount paid to the same payee account in the last 24 hours, same currency, in minor units. ${WINDOW_EN}`]),
  sf('device_payments_1h', 'integer', ['设备 1 小时内笔数', 'Device’s payments in 1 hour'], [`同一设备 1 小时内发起的交易笔数，${WINDOW}未报送设备时不存在。`, `Payments made from the same device in the last hour. ${WINDOW_EN} Absent when no device was sent.`]),
  sf('device_payments_24h', 'integer', ['设备 24 小时内笔数', 'Device’s payments in 24 hours'], [`同一设备 24 小时内发起的交易笔数，${WINDOW}未报送设备时不存在。`, `Payments made from the same device in the last 24 hours. ${WINDOW_EN} Absent when no device was sent.`]),
  sf('first_payment_to_payee', 'boolean', ['首次向该收款人付款', 'First payment to this payee'], ['付款账户此前（在筛查保存的历史内）从未向该收款账户付款。', 'The payer account has not paid this payee account before, as far as the screening history holds.']),
  sf('payer_history_size', 'integer', ['付款账户历史笔数', 'Payer’s history size'], ['计算金额异常度所用的该付款账户此前同币种交易笔数（最多最近 50 笔）。', 'How many earlier payments of the payer account in this currency the amount is compared with (the latest 50 at most).']),
  sf('amount_robust_z', 'decimal', ['金额异常度（稳健 z 值）', 'Amount outlier score (robust z)'], [
    '本笔金额相对该付款账户此前同币种交易金额的稳健 z 值：(金额 − 中位数) ÷ (1.4826 × 绝对中位差)；绝对中位差为 0 时以平均绝对偏差 × 1.2533 代替；历史少于 5 笔或离散度为 0 时不存在。',
    'How far the amount lies from the payer account’s earlier payments in this currency: (amount − median) ÷ (1.4826 × median absolute deviation); when that deviation is 0, 1.2533 × the mean absolute deviation; absent with fewer than 5 earlier payments or no spread.',
  ]),
  sf('hour_china', 'integer', ['交易时刻（北京时间，时）', 'Hour (China time)'], ['付款人发起交易时北京时间的小时数，0–23。', 'The hour in China time at which the payer initiated the payment, 0–23.']),
  sf('payer_balance_paid_year_fen', 'money_fen', ['付款人本年余额支付累计', 'Payer’s balance payments this year'], [
    '同一付款人（报送身份证号码时按其假名合并全部账户，否则按付款账户）在本机构同一北京时间公历年内经筛查的人民币余额支付累计，含本笔。',
    'The payer’s CNY balance payments screened at this institution in the same China-time calendar year, this one included; all the payer’s accounts together when the identity number is sent, else the account.',
  ]),
  sf('payer_balance_paid_since_opening_fen', 'money_fen', ['付款账户余额支付累计', 'Account’s balance payments so far'], [
    '同一付款账户在本机构经筛查的人民币余额支付累计，含本笔（自本平台开始筛查该账户起）。',
    'The CNY balance payments of the same payer account screened at this institution, this one included (since screening first saw the account).',
  ]),
  sf('payee_on_watch_list', 'boolean', ['收款账户在涉诈名单上', 'Payee on the fraud watch list'], ['收款账户被确认为欺诈收款账户，或在欺诈投诉中被指认。', 'The payee account was confirmed as a fraud account, or named in a fraud complaint.']),
  sf('payee_confirmed_fraud', 'boolean', ['收款账户已确认涉诈', 'Payee confirmed as fraud'], ['有机构报告向该收款账户的交易为已确认的欺诈。', 'An institution reported a payment to this payee account as confirmed fraud.']),
  sf('payer_multi_platform_borrower', 'boolean', ['付款人多头借贷', 'Payer borrows on many platforms'], [
    '付款人（按身份证号码的假名）在报送数据中于 3 家及以上机构有未结清贷款；未报送身份证号码时不存在。',
    'The payer (by the pseudonym of the ID number) has loans in force at 3 or more institutions in the filed data; absent when no identity number was sent.',
  ]),
];

const screeningByName = new Map(screeningFeatureCatalogue.map((feature) => [feature.name, feature]));

/** The screening feature `name`, or undefined. */
export function screeningFeatureDef(name: string): FeatureDef | undefined {
  return screeningByName.get(name);
}
