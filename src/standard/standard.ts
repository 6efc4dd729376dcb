/**
 * The unified data standard: every record type an institution files, with its fields,
 * their types, code lists and meaning. This is the one definition: the validator
 * (src/filing/edits), the domain tables (migrations/0020_domain.sql, checked against this file by a
 * test) and the reference document docs/standard.md are all derived from it.
 */

export const STANDARD_VERSION = '1.1';

/** What one version of the standard changed from the one before: each entry in both languages. */
export interface StandardRevision {
  readonly version: string;
  readonly changes: readonly { readonly zh: string; readonly en: string }[];
}

/**
 * The versions of the standard after 1.0, oldest first. A revision only adds optional fields or
 * code values, so a file written to an earlier version stays valid under a later one.
 */
export const standardRevisions: readonly StandardRevision[] = [
  {
    version: '1.1',
    changes: [
      {
        zh: '还款记录新增选填字段 `overdue_interest_fen`（逾期利息）与 `penalty_fen`（罚息及其他逾期费用），用以核对逾期收费是否超过一年期贷款市场报价利率的四倍（法释〔2020〕17 号第 28–29 条）。',
        en: 'Repayment: optional fields `overdue_interest_fen` (overdue interest) and `penalty_fen` (penalty interest and other overdue fees), so that overdue charges can be checked against four times the one-year LPR (Fa Shi [2020] No.17, Art.28–29).',
      },
      {
        zh: '支付交易新增选填字段 `payer_verified_at`（付款人实名身份核验时间），用以核对是否先核验身份后交易（中国人民银行公告〔2015〕第 43 号；国务院令第 768 号第 21 条）。',
        en: "Payment: optional field `payer_verified_at` (when the payer's real-name identity was verified), so that payments before verification can be found (PBOC Announcement [2015] No.43; State Council Order 768, Art.21).",
      },
      {
        zh: '质量校验 Q001、Q002、Q006、Q007、Q008（综合成本、名义利率、夜间催收、预扣本金、投诉超期）移出报送校验，由监管规则库统一检查；编号不再使用。',
        en: 'Quality edits Q001, Q002, Q006, Q007 and Q008 (annualised cost, nominal rate, night collection, up-front deduction, late complaints) left the filing edits: the rulebook checks these legal limits; the ids are not reused.',
      },
    ],
  },
];

export type RecordType =
  | 'product'
  | 'loan'
  | 'repayment'
  | 'payment'
  | 'fund_flow'
  | 'collection'
  | 'disclosure'
  | 'complaint'
  | 'algorithm_decision';

/**
 * Field types. Values arrive as text (CSV cells or JSON Lines values) and are read as:
 * - `string`, `text`: as given (`text` is free prose, longer); `account`: an account or card
 *   number, stored only as a keyed pseudonym;
 * - `integer`: a whole number; `money_fen`: a whole number of fen (CNY 1 = 100 fen), no decimal point;
 * - `rate`: a decimal fraction, 0.128 = 12.8 %; `decimal`: any decimal number (a score);
 * - `date`: `YYYY-MM-DD` (a date in China); `datetime`: ISO 8601 with an offset,
 *   `2024-06-01T09:30:00+08:00` or `…Z`;
 * - `code`: one code of the field's code list; `boolean`: `true` / `false` (or `1` / `0`);
 * - `resident_id`: an 18-character resident identity card number (GB 11643); `uscc`: an
 *   18-character unified social credit code (GB 32100); `party_id`: a resident ID when the party
 *   type field beside it says `individual`, a USCC when it says `organisation`;
 * - `phone`: a telephone number, digits with an optional leading `+` and at most one `-`.
 */
export type FieldType =
  | 'string'
  | 'text'
  | 'integer'
  | 'money_fen'
  | 'rate'
  | 'decimal'
  | 'date'
  | 'datetime'
  | 'code'
  | 'boolean'
  | 'resident_id'
  | 'uscc'
  | 'party_id'
  | 'phone'
  | 'account';

/** Where a date or time must lie relative to the reporting period (a calendar month, China time). */
export type PeriodRule = 'within' | 'not_after';

export interface FieldDef {
  /** snake_case column name in files and (for most fields) in the domain table. */
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly zh: string;
  readonly en: string;
  readonly descriptionZh: string;
  readonly descriptionEn: string;
  /** For `code` fields: the code list. */
  readonly codeList?: CodeListName;
  /** Longest accepted value in characters (strings, text, accounts). */
  readonly maxLength?: number;
  /** Smallest and largest accepted value (integers and amounts). */
  readonly min?: number;
  readonly max?: number;
  /** For dates and times: `within` the reporting period, or `not_after` its end. */
  readonly period?: PeriodRule;
  /** For `party_id` fields: the `party_type` field that says which identifier it is. */
  readonly partyTypeField?: string;
}

/** Whether a record id names a state that later periods update, or an event that happens once (see RecordTypeDef.identity). */
export type RecordIdentity = 'state' | 'event';

export interface RecordTypeDef {
  readonly type: RecordType;
  readonly zh: string;
  readonly en: string;
  readonly descriptionZh: string;
  readonly descriptionEn: string;
  /** The field that identifies a record, unique per institution. */
  readonly idField: string;
  /**
   * What a record id names. `state`: a thing whose state each period reports again (a product
   * while on sale, a loan, a repayment instalment); a later period's record of the same id
   * updates it, and the newest accepted state is the one in force. `event`: something that happens
   * once (a payment, a fund flow, a collection action, a complaint, an algorithm decision, a
   * disclosure); the same id in another period is an error (edit V029).
   */
  readonly identity: RecordIdentity;
  /** The domain table the accepted records load into. */
  readonly table: string;
  readonly fields: readonly FieldDef[];
}

export interface Code {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export interface CodeList {
  readonly name: CodeListName;
  readonly zh: string;
  readonly en: string;
  readonly codes: readonly Code[];
}

/** Longest value of a `string` field unless the field says otherwise. */
export const DEFAULT_STRING_LENGTH = 64;
/** Longest value of a `text` field unless the field says otherwise. */
export const DEFAULT_TEXT_LENGTH = 1000;
/** Longest account number. */
export const ACCOUNT_LENGTH = 64;

// ---------------------------------------------------------------------------------------------
// Code lists

function list(name: CodeListName, zh: string, en: string, codes: [string, string, string][]): CodeList {
  return { name, zh, en, codes: codes.map(([code, codeZh, codeEn]) => ({ code, zh: codeZh, en: codeEn })) };
}

export type CodeListName =
  | 'product_type'
  | 'risk_level'
  | 'rate_basis'
  | 'repayment_method'
  | 'loan_purpose'
  | 'guarantee_type'
  | 'party_type'
  | 'repayment_status'
  | 'payment_channel'
  | 'payment_status'
  | 'verification_class'
  | 'fund_flow_type'
  | 'collection_channel'
  | 'contacted_party'
  | 'collector_type'
  | 'complaint_channel'
  | 'complaint_category'
  | 'complaint_status'
  | 'decision_purpose'
  | 'decision';

export const codeLists: Readonly<Record<CodeListName, CodeList>> = {
  product_type: list('product_type', '产品类型', 'Product type', [
    ['cash_loan', '现金贷', 'Cash loan'],
    ['consumer_installment', '消费分期', 'Consumer instalment credit'],
    ['business_loan', '经营贷', 'Business loan'],
    ['p2p_loan', '网络借贷信息中介项目', 'Peer-to-peer lending project'],
    ['supply_chain_finance', '供应链金融', 'Supply-chain finance'],
    ['wealth_management', '互联网理财', 'Online wealth management'],
    ['crowdfunding', '股权众筹', 'Equity crowdfunding'],
    ['payment_service', '支付服务', 'Payment service'],
    ['insurance', '互联网保险', 'Online insurance'],
    ['other', '其他', 'Other'],
  ]),
  risk_level: list('risk_level', '风险等级', 'Risk level', [
    ['R1', '低风险', 'Low risk'],
    ['R2', '中低风险', 'Medium-low risk'],
    ['R3', '中风险', 'Medium risk'],
    ['R4', '中高风险', 'Medium-high risk'],
    ['R5', '高风险', 'High risk'],
  ]),
  rate_basis: list('rate_basis', '利率口径', 'Rate basis', [
    ['irr', '内部收益率法（复利）年化', 'Annualised by internal rate of return (compound)'],
    ['simple', '单利年化', 'Simple interest, annualised'],
  ]),
  repayment_method: list('repayment_method', '还款方式', 'Repayment method', [
    ['equal_installment', '等额本息', 'Equal instalments (annuity)'],
    ['equal_principal', '等额本金', 'Equal principal'],
    ['interest_first', '先息后本', 'Interest first, principal at maturity'],
    ['bullet', '到期一次还本付息', 'Principal and interest at maturity'],
    ['flat_rate', '等本等息', 'Flat rate: equal principal, interest on the original principal every period'],
  ]),
  loan_purpose: list('loan_purpose', '借款用途', 'Loan purpose', [
    ['consumption', '日常消费', 'Everyday consumption'],
    ['education', '教育', 'Education'],
    ['medical', '医疗', 'Medical care'],
    ['home_improvement', '装修', 'Home improvement'],
    ['vehicle', '购车', 'Vehicle purchase'],
    ['travel', '旅游', 'Travel'],
    ['business_operation', '生产经营', 'Business operation'],
    ['working_capital', '流动资金周转', 'Working capital'],
    ['agriculture', '农业生产', 'Agriculture'],
    ['other', '其他', 'Other'],
  ]),
  guarantee_type: list('guarantee_type', '担保方式', 'Guarantee type', [
    ['none', '信用（无担保）', 'Unsecured'],
    ['guarantee_company', '融资担保公司担保', 'Financing guarantee company'],
    ['personal_guarantee', '自然人保证', 'Personal guarantee'],
    ['collateral', '抵押', 'Collateral (mortgage)'],
    ['pledge', '质押', 'Pledge'],
    ['credit_insurance', '信用保证保险', 'Credit guarantee insurance'],
  ]),
  party_type: list('party_type', '主体类型', 'Party type', [
    ['individual', '个人', 'Individual'],
    ['organisation', '单位（法人或非法人组织）', 'Organisation (legal person or other)'],
  ]),
  repayment_status: list('repayment_status', '还款状态', 'Repayment status', [
    ['paid_on_time', '按期还清', 'Paid on time'],
    ['paid_late', '逾期后还清', 'Paid late'],
    ['prepaid', '提前还清', 'Paid early'],
    ['partially_paid', '部分还款', 'Partly paid'],
    ['overdue', '逾期未还', 'Overdue, unpaid'],
    ['not_yet_due', '未到期', 'Not yet due'],
    ['written_off', '已核销', 'Written off'],
  ]),
  payment_channel: list('payment_channel', '支付渠道', 'Payment channel', [
    ['quick_pay', '快捷支付（绑定银行卡）', 'Quick pay (linked bank card)'],
    ['balance', '账户余额支付', 'Account balance'],
    ['online_banking', '网关支付（网银）', 'Online banking gateway'],
    ['qr_code', '条码（二维码）支付', 'QR code'],
    ['card_acquiring', '银行卡收单', 'Card acquiring (POS)'],
    ['transfer', '转账', 'Transfer'],
    ['withdrawal', '提现', 'Withdrawal'],
    ['other', '其他', 'Other'],
  ]),
  payment_status: list('payment_status', '交易状态', 'Transaction status', [
    ['succeeded', '成功', 'Succeeded'],
    ['failed', '失败', 'Failed'],
    ['reversed', '已撤销或退款', 'Reversed or refunded'],
  ]),
  verification_class: list('verification_class', '支付账户类别', 'Payment account class', [
    ['I', 'Ⅰ类（1 个外部渠道验证）', 'Class I (one external check)'],
    ['II', 'Ⅱ类（3 个外部渠道验证）', 'Class II (three external checks)'],
    ['III', 'Ⅲ类（5 个外部渠道验证）', 'Class III (five external checks)'],
  ]),
  fund_flow_type: list('fund_flow_type', '资金流向类型', 'Fund flow type', [
    ['investor_funding', '出借人资金转入', 'Lender or investor funds in'],
    ['loan_disbursement', '借款发放', 'Loan disbursement'],
    ['borrower_repayment', '借款人还款', 'Borrower repayment'],
    ['investor_payout', '出借人回款', 'Payout to lender or investor'],
    ['platform_fee', '平台服务费', 'Platform fee'],
    ['guarantee_compensation', '担保代偿', 'Guarantor compensation'],
    ['custodian_transfer', '存管账户间划转', 'Transfer between custodian accounts'],
    ['own_funds', '自有资金', 'Own funds'],
    ['other', '其他', 'Other'],
  ]),
  collection_channel: list('collection_channel', '催收方式', 'Collection channel', [
    ['phone_call', '电话', 'Phone call'],
    ['sms', '短信', 'Text message'],
    ['app_message', '应用内消息', 'In-app message'],
    ['email', '电子邮件', 'Email'],
    ['letter', '信函', 'Letter'],
    ['home_visit', '上门', 'Home visit'],
    ['legal_proceedings', '诉讼或仲裁', 'Court or arbitration'],
  ]),
  contacted_party: list('contacted_party', '被联系人', 'Party contacted', [
    ['debtor', '债务人本人', 'The debtor'],
    ['third_party', '第三方（紧急联系人等）', 'A third party (contacts and others)'],
  ]),
  collector_type: list('collector_type', '催收主体', 'Collector', [
    ['in_house', '机构自行催收', 'The institution itself'],
    ['agency', '委托第三方催收机构', 'An outside collection agency'],
  ]),
  complaint_channel: list('complaint_channel', '投诉渠道', 'Complaint channel', [
    ['hotline', '客服热线', 'Hotline'],
    ['online', '线上（应用、网站）', 'Online (app, website)'],
    ['email', '电子邮件', 'Email'],
    ['letter', '信函', 'Letter'],
    ['in_person', '现场', 'In person'],
    ['regulator_referral', '监管部门转办', 'Referred by a regulator'],
    ['association', '行业协会转办', 'Referred by an industry association'],
    ['other', '其他', 'Other'],
  ]),
  complaint_category: list('complaint_category', '投诉类别', 'Complaint category', [
    ['interest_and_fees', '利率与收费', 'Interest and fees'],
    ['collection_conduct', '催收行为', 'Collection conduct'],
    ['personal_information', '个人信息保护', 'Personal information'],
    ['disclosure_and_sales', '信息披露与营销', 'Disclosure and sales'],
    ['account_and_payment', '账户与支付安全', 'Accounts and payment security'],
    ['contract_terms', '合同条款', 'Contract terms'],
    ['service_quality', '服务质量', 'Service quality'],
    ['other', '其他', 'Other'],
  ]),
  complaint_status: list('complaint_status', '投诉处理状态', 'Complaint status', [
    ['received', '已受理', 'Received'],
    ['in_progress', '处理中', 'In progress'],
    ['resolved', '已办结（支持或和解）', 'Closed: upheld or settled'],
    ['rejected', '已办结（不予支持）', 'Closed: not upheld'],
    ['escalated', '已转调解', 'Escalated to mediation'],
    ['withdrawn', '投诉人撤回', 'Withdrawn by the complainant'],
  ]),
  decision_purpose: list('decision_purpose', '决策事项', 'Decision purpose', [
    ['credit_application', '授信申请', 'Credit application'],
    ['limit_adjustment', '额度调整', 'Limit adjustment'],
    ['pricing', '定价', 'Pricing'],
    ['fraud_screening', '反欺诈', 'Fraud screening'],
    ['collection_strategy', '催收策略', 'Collection strategy'],
  ]),
  decision: list('decision', '决策结果', 'Decision', [
    ['approve', '通过', 'Approve'],
    ['approve_reduced', '降额通过', 'Approve a smaller amount'],
    ['reject', '拒绝', 'Reject'],
    ['manual_review', '转人工审核', 'Refer to a person'],
    ['limit_increase', '提额', 'Raise the limit'],
    ['limit_decrease', '降额', 'Lower the limit'],
    ['freeze', '冻结额度', 'Freeze the limit'],
  ]),
};

// ---------------------------------------------------------------------------------------------
// Field helpers: one line per field keeps the standard readable as a table.

type Extras = Omit<Partial<FieldDef>, 'name' | 'type' | 'required' | 'zh' | 'en' | 'descriptionZh' | 'descriptionEn'>;

function field(name: string, type: FieldType, required: boolean, zh: string, en: string, descriptionZh: string, descriptionEn: string, extras: Extras = {}): FieldDef {
  const maxLength =
    extras.maxLength ?? (type === 'string' ? DEFAULT_STRING_LENGTH : type === 'text' ? DEFAULT_TEXT_LENGTH : type === 'account' ? ACCOUNT_LENGTH : undefined);
  return { name, type, required, zh, en, descriptionZh, descriptionEn, ...extras, ...(maxLength !== undefined ? { maxLength } : {}) };
}

const code = (name: string, required: boolean, codeList: CodeListName, zh: string, en: string, descriptionZh: string, descriptionEn: string): FieldDef =>
  field(name, 'code', required, zh, en, descriptionZh, descriptionEn, { codeList });

const money = (name: string, required: boolean, zh: string, en: string, descriptionZh: string, descriptionEn: string, extras: Extras = {}): FieldDef =>
  field(name, 'money_fen', required, zh, en, descriptionZh, descriptionEn, extras);

// ---------------------------------------------------------------------------------------------
// Record types

const product: RecordTypeDef = {
  type: 'product',
  zh: '产品',
  en: 'Product',
  descriptionZh: '机构面向消费者的产品。产品在上线的报告期报送，在售期间可在后续报告期以相同产品编号再次报送其现状（如下线日期）；条款变更时以新的产品编号报送。',
  descriptionEn: 'A product offered to consumers. It is filed for the period it is launched in, and may be filed again under the same product id in later periods while on sale to report its state (a withdrawal date); a change of terms is filed under a new product id.',
  idField: 'product_id',
  identity: 'state',
  table: 'filed_product',
  fields: [
    field('product_id', 'string', true, '产品编号', 'Product id', '机构内唯一', 'Unique within the institution'),
    field('product_name', 'string', true, '产品名称', 'Product name', '对消费者展示的名称', 'Name shown to consumers', { maxLength: 200 }),
    code('product_type', true, 'product_type', '产品类型', 'Product type', '', ''),
    field('advertised_annual_rate', 'rate', false, '宣传年化利率', 'Advertised annual rate', '向消费者展示的年化利率（含费用），小数', 'Annual rate shown to consumers (fees included), as a decimal'),
    code('rate_basis', false, 'rate_basis', '利率口径', 'Rate basis', '宣传利率的计算口径；单利须明示', 'How the advertised rate is computed; a simple-interest figure must say so'),
    field('fee_description', 'text', false, '收费说明', 'Fees', '各项费用及其收取方式', 'Every fee and how it is charged'),
    money('min_amount_fen', false, '最低金额（分）', 'Minimum amount (fen)', '', ''),
    money('max_amount_fen', false, '最高金额（分）', 'Maximum amount (fen)', '', ''),
    field('min_term_months', 'integer', false, '最短期限（月）', 'Shortest term (months)', '', '', { min: 0, max: 600 }),
    field('max_term_months', 'integer', false, '最长期限（月）', 'Longest term (months)', '', '', { min: 0, max: 600 }),
    code('repayment_method', false, 'repayment_method', '还款方式', 'Repayment method', '', ''),
    code('guarantee_type', false, 'guarantee_type', '担保方式', 'Guarantee type', '', ''),
    code('risk_level', true, 'risk_level', '风险等级', 'Risk level', 'R1（低）至 R5（高）', 'R1 (low) to R5 (high)'),
    field('risk_warning', 'text', true, '风险提示', 'Risk warning', '向消费者展示的风险提示全文', 'The full risk warning shown to consumers', { maxLength: 2000 }),
    field('launched_on', 'date', true, '上线日期', 'Launched on', '', '', { period: 'not_after' }),
    field('withdrawn_on', 'date', false, '下线日期', 'Withdrawn on', '', '', { period: 'not_after' }),
  ],
};

const loan: RecordTypeDef = {
  type: 'loan',
  zh: '贷款',
  en: 'Loan',
  descriptionZh: '一笔借款合同。报告期内签订的合同在该期报送；其后的还款情况以还款记录报送。',
  descriptionEn: 'One loan contract, filed for the period in which it was signed; what happens to it afterwards is filed as repayment records.',
  idField: 'loan_id',
  identity: 'state',
  table: 'filed_loan',
  fields: [
    field('loan_id', 'string', true, '借据编号', 'Loan id', '机构内唯一', 'Unique within the institution'),
    field('contract_id', 'string', true, '合同编号', 'Contract id', '', ''),
    field('product_id', 'string', false, '产品编号', 'Product id', '所属产品（产品记录的编号）', 'The product (its product record id)'),
    code('borrower_type', true, 'party_type', '借款人类型', 'Borrower type', '', ''),
    field('borrower_id', 'party_id', true, '借款人证件号码', 'Borrower identifier', '个人填居民身份证号码，单位填统一社会信用代码；身份证号码入库前假名化', 'Resident ID number for an individual, unified social credit code for an organisation; a resident ID is pseudonymised on arrival', { partyTypeField: 'borrower_type' }),
    field('borrower_phone', 'phone', false, '借款人手机号码', 'Borrower phone', '入库前假名化', 'Pseudonymised on arrival'),
    field('contract_date', 'date', true, '合同签订日期', 'Contract date', '须在报告期内', 'Within the reporting period', { period: 'within' }),
    money('principal_fen', true, '合同本金（分）', 'Principal (fen)', '合同约定的借款本金', 'Principal stated in the contract', { min: 1 }),
    money('disbursed_fen', true, '实际放款金额（分）', 'Amount disbursed (fen)', '借款人实际收到的金额；预扣利息或费用时小于本金', 'What the borrower actually received; less than the principal when interest or fees were deducted in advance', { min: 1 }),
    field('disbursement_date', 'date', true, '放款日期', 'Disbursement date', '不早于合同签订日期；可晚于报告期末（月末签约、次月放款）', 'Not before the contract date; may fall after the period (signed at month end, paid out the next month)'),
    field('first_due_date', 'date', true, '首期还款日', 'First due date', '', ''),
    field('installments', 'integer', true, '期数', 'Instalments', '', '', { min: 1, max: 360 }),
    field('period_months', 'integer', false, '每期月数', 'Months per instalment', '1 为按月还款；与每期天数二者填且只填一项', '1 = monthly; give either this or the days per instalment, not both', { min: 1, max: 120 }),
    field('period_days', 'integer', false, '每期天数', 'Days per instalment', '按天计的期限，如 14 天一期的贷款填 14，按日利率计息（年利率 ÷ 365）；与每期月数二者填且只填一项', 'A term counted in days, e.g. 14 for a 14-day loan, with interest at the annual rate ÷ 365 a day; give either this or the months per instalment, not both', { min: 1, max: 3660 }),
    field('nominal_annual_rate', 'rate', true, '合同年利率', 'Nominal annual rate', '合同约定的年利率（不含费用），小数：0.128 即 12.8%', 'Contract annual interest rate, fees excluded, as a decimal: 0.128 = 12.8 %'),
    code('repayment_method', true, 'repayment_method', '还款方式', 'Repayment method', '', ''),
    money('fee_per_installment_fen', true, '每期费用（分）', 'Fee per instalment (fen)', '每期随还款收取的服务费、担保费等', 'Service, guarantee and other fees charged with each instalment'),
    money('other_fees_fen', false, '其他费用（分）', 'Other fees (fen)', '随最后一期收取的其他费用', 'Other fees, payable with the last instalment'),
    code('purpose', true, 'loan_purpose', '借款用途', 'Purpose', '', ''),
    code('guarantee_type', true, 'guarantee_type', '担保方式', 'Guarantee type', '', ''),
    code('guarantor_type', false, 'party_type', '保证人类型', 'Guarantor type', '', ''),
    field('guarantor_id', 'party_id', false, '保证人证件号码', 'Guarantor identifier', '融资担保公司或自然人保证时必填', 'Required for a guarantee company or a personal guarantee', { partyTypeField: 'guarantor_type' }),
  ],
};

const repayment: RecordTypeDef = {
  type: 'repayment',
  zh: '还款',
  en: 'Repayment',
  descriptionZh: '一期还款在报告期末的状态：报告期内到期的各期，以及期初仍逾期的各期。',
  descriptionEn: 'The state of one instalment at the end of the period: every instalment due in the period, and every one still overdue at its start.',
  idField: 'repayment_id',
  identity: 'state',
  table: 'filed_repayment',
  fields: [
    field('repayment_id', 'string', true, '还款记录编号', 'Repayment record id', '机构内唯一，建议为 借据编号-期次-报告期', 'Unique within the institution; suggested: loan id-instalment-period', { maxLength: 100 }),
    field('loan_id', 'string', true, '借据编号', 'Loan id', '', ''),
    field('installment_number', 'integer', true, '期次', 'Instalment number', '', '', { min: 1, max: 360 }),
    field('installments', 'integer', true, '总期数', 'Instalments in total', '', '', { min: 1, max: 360 }),
    field('due_date', 'date', true, '应还日期', 'Due date', '', '', { period: 'not_after' }),
    money('principal_due_fen', true, '应还本金（分）', 'Principal due (fen)', '', ''),
    money('interest_due_fen', true, '应还利息（分）', 'Interest due (fen)', '', ''),
    money('fee_due_fen', true, '应还费用（分）', 'Fees due (fen)', '', ''),
    money('amount_paid_fen', true, '已还金额（分）', 'Amount paid (fen)', '截至报告期末', 'By the end of the period'),
    field('paid_date', 'date', false, '还款日期', 'Paid on', '最近一次还款的日期', 'Date of the last payment', { period: 'not_after' }),
    field('days_past_due', 'integer', true, '逾期天数', 'Days past due', '报告期末的逾期天数，未逾期为 0', 'Days past due at the end of the period; 0 when not overdue', { min: 0, max: 36500 }),
    code('status', true, 'repayment_status', '还款状态', 'Status', '', ''),
    // v1.1: what overdue charges cost the borrower (Fa Shi [2020] No.17 Art.28–29 cap them together at 4 × LPR).
    money('overdue_interest_fen', false, '逾期利息（分）', 'Overdue interest (fen)', '截至报告期末对本期逾期收取的逾期利息（v1.1）', 'Overdue interest charged on this instalment by the end of the period (v1.1)'),
    money('penalty_fen', false, '罚息及逾期费用（分）', 'Penalty and overdue fees (fen)', '截至报告期末对本期逾期收取的罚息、违约金及其他逾期费用（v1.1）', 'Penalty interest, late fees and other overdue charges on this instalment by the end of the period (v1.1)'),
  ],
};

const payment: RecordTypeDef = {
  type: 'payment',
  zh: '支付交易',
  en: 'Payment transaction',
  descriptionZh: '报告期内的一笔支付交易。',
  descriptionEn: 'One payment transaction in the period.',
  idField: 'payment_id',
  identity: 'event',
  table: 'filed_payment',
  fields: [
    field('payment_id', 'string', true, '交易流水号', 'Transaction id', '', ''),
    field('transaction_time', 'datetime', true, '交易时间', 'Time', '', '', { period: 'within' }),
    code('payer_type', true, 'party_type', '付款人类型', 'Payer type', '', ''),
    field('payer_id', 'party_id', true, '付款人证件号码', 'Payer identifier', '实名制下的付款人身份', "The payer's real-name identity", { partyTypeField: 'payer_type' }),
    field('payer_account', 'account', true, '付款账户', 'Payer account', '入库前假名化', 'Pseudonymised on arrival'),
    code('payer_verification_class', true, 'verification_class', '付款账户类别', 'Payer account class', 'Ⅰ、Ⅱ、Ⅲ 类支付账户', 'Payment account class I, II or III'),
    code('payee_type', false, 'party_type', '收款人类型', 'Payee type', '', ''),
    field('payee_id', 'party_id', false, '收款人证件号码', 'Payee identifier', '', '', { partyTypeField: 'payee_type' }),
    field('payee_account', 'account', true, '收款账户', 'Payee account', '入库前假名化', 'Pseudonymised on arrival'),
    money('amount_fen', true, '金额（分）', 'Amount (fen)', '', '', { min: 1 }),
    code('channel', true, 'payment_channel', '支付渠道', 'Channel', '', ''),
    field('device_id', 'string', false, '设备标识', 'Device id', '入库前假名化', 'Pseudonymised on arrival', { maxLength: 128 }),
    code('status', true, 'payment_status', '交易状态', 'Status', '', ''),
    // v1.1: real-name verification must come before the first payment (PBOC [2015] No.43; State Council Order 768 Art.21).
    field('payer_verified_at', 'datetime', false, '付款人身份核验时间', 'Payer verified at', '付款人实名身份完成核验的时间，不晚于报告期末（v1.1）', "When the payer's real-name identity was verified; not after the end of the period (v1.1)", { period: 'not_after' }),
  ],
};

const fundFlow: RecordTypeDef = {
  type: 'fund_flow',
  zh: '资金流向',
  en: 'Fund flow',
  descriptionZh: '报告期内资金在账户之间的一次划转，含是否经过存管账户。',
  descriptionEn: 'One movement of funds between accounts in the period, and whether it passed through a custodian account.',
  idField: 'flow_id',
  identity: 'event',
  table: 'filed_fund_flow',
  fields: [
    field('flow_id', 'string', true, '资金流水号', 'Flow id', '', ''),
    field('flow_time', 'datetime', true, '划转时间', 'Time', '', '', { period: 'within' }),
    code('flow_type', true, 'fund_flow_type', '资金流向类型', 'Flow type', '', ''),
    code('from_party_type', true, 'party_type', '转出方类型', 'From party type', '', ''),
    field('from_party_id', 'party_id', false, '转出方证件号码', 'From party identifier', '', '', { partyTypeField: 'from_party_type' }),
    field('from_account', 'account', true, '转出账户', 'From account', '入库前假名化', 'Pseudonymised on arrival'),
    code('to_party_type', true, 'party_type', '转入方类型', 'To party type', '', ''),
    field('to_party_id', 'party_id', false, '转入方证件号码', 'To party identifier', '', '', { partyTypeField: 'to_party_type' }),
    field('to_account', 'account', true, '转入账户', 'To account', '入库前假名化', 'Pseudonymised on arrival'),
    money('amount_fen', true, '金额（分）', 'Amount (fen)', '', '', { min: 1 }),
    field('via_custodian', 'boolean', true, '是否经存管账户', 'Via a custodian account', '资金是否经过银行存管账户', 'Whether the funds passed through a bank custodian account'),
    field('custodian_bank_uscc', 'uscc', false, '存管银行统一社会信用代码', 'Custodian bank USCC', '经存管账户时必填', 'Required when the flow passed through a custodian account'),
    field('related_loan_id', 'string', false, '关联借据编号', 'Related loan id', '', ''),
  ],
};

const collection: RecordTypeDef = {
  type: 'collection',
  zh: '催收行为',
  en: 'Collection action',
  descriptionZh: '报告期内的一次催收行为：时间、方式、联系了谁。',
  descriptionEn: 'One collection action in the period: when, how, and who was contacted.',
  idField: 'collection_id',
  identity: 'event',
  table: 'filed_collection',
  fields: [
    field('collection_id', 'string', true, '催收记录编号', 'Collection record id', '', ''),
    field('loan_id', 'string', true, '借据编号', 'Loan id', '', ''),
    field('debtor_id', 'resident_id', true, '债务人身份证号码', 'Debtor resident ID', '入库前假名化', 'Pseudonymised on arrival'),
    field('action_time', 'datetime', true, '催收时间', 'Time', '', '', { period: 'within' }),
    code('channel', true, 'collection_channel', '催收方式', 'Channel', '', ''),
    code('contacted_party', true, 'contacted_party', '被联系人', 'Party contacted', '债务人本人或第三方', 'The debtor or a third party'),
    field('contacted_phone', 'phone', false, '被联系电话', 'Phone contacted', '入库前假名化', 'Pseudonymised on arrival'),
    code('collector_type', true, 'collector_type', '催收主体', 'Collector', '', ''),
    field('agency_uscc', 'uscc', false, '催收机构统一社会信用代码', 'Agency USCC', '委托第三方催收时必填', 'Required when an outside agency collected'),
    field('call_connected', 'boolean', false, '是否接通', 'Call connected', '电话催收是否接通', 'Whether a call was answered'),
    field('night_contact_agreed', 'boolean', false, '债务人同意夜间联系', 'Night contact agreed', '债务人是否同意在 22:00 至 次日 08:00 联系', 'Whether the debtor agreed to be contacted between 22:00 and 08:00'),
    field('note', 'text', false, '催收内容摘要', 'Summary', '', '', { maxLength: 500 }),
  ],
};

const disclosure: RecordTypeDef = {
  type: 'disclosure',
  zh: '信息披露',
  en: 'Disclosure',
  descriptionZh: '机构在报告期的经营数据披露：募集资金、余额、逾期、资金用途、担保与关联交易。',
  descriptionEn: "The institution's figures for the period: funds raised, balances, overdue loans, use of funds, guarantors, related-party transactions.",
  idField: 'disclosure_id',
  identity: 'event',
  table: 'filed_disclosure',
  fields: [
    field('disclosure_id', 'string', true, '披露编号', 'Disclosure id', '', ''),
    field('as_of_date', 'date', true, '数据截止日', 'As of', '须在报告期内', 'Within the reporting period', { period: 'within' }),
    money('funds_raised_in_period_fen', true, '本期募集资金（分）', 'Funds raised in the period (fen)', '', ''),
    money('cumulative_funds_raised_fen', true, '累计募集资金（分）', 'Funds raised in total (fen)', '', ''),
    money('outstanding_balance_fen', true, '借贷余额（分）', 'Outstanding balance (fen)', '', ''),
    field('outstanding_loans', 'integer', true, '在贷笔数', 'Loans outstanding', '', '', { min: 0 }),
    field('borrowers_in_period', 'integer', true, '本期借款人数', 'Borrowers in the period', '', '', { min: 0 }),
    field('lenders_in_period', 'integer', false, '本期出借人数', 'Lenders in the period', '', '', { min: 0 }),
    money('overdue_balance_fen', true, '逾期余额（分）', 'Overdue balance (fen)', '', ''),
    field('overdue_rate', 'rate', true, '逾期率', 'Overdue rate', '逾期余额 / 借贷余额', 'Overdue balance over outstanding balance'),
    field('overdue_90_rate', 'rate', false, '逾期 90 天以上比率', 'Over-90-days overdue rate', '', ''),
    field('top10_borrower_share', 'rate', false, '前十大借款人待还金额占比', 'Share of the ten largest borrowers', '', ''),
    field('use_of_funds', 'text', true, '资金用途', 'Use of funds', '', ''),
    field('guarantors', 'text', false, '担保机构', 'Guarantors', '提供担保的机构名称及统一社会信用代码', 'Names and USCCs of the guarantors'),
    field('related_party_transactions', 'integer', true, '关联交易笔数', 'Related-party transactions', '', '', { min: 0 }),
    money('related_party_amount_fen', true, '关联交易金额（分）', 'Related-party amount (fen)', '', ''),
    field('published_url', 'string', false, '披露网址', 'Published at', '官方网站上的披露页面', 'The disclosure page on the official website', { maxLength: 500 }),
    field('published_on', 'date', false, '披露日期', 'Published on', '', ''),
  ],
};

const complaint: RecordTypeDef = {
  type: 'complaint',
  zh: '投诉',
  en: 'Complaint',
  descriptionZh: '报告期内机构受理的一件投诉，及其在报告期末的处理状态。',
  descriptionEn: 'One complaint the institution received in the period, with its state at the end of the period.',
  idField: 'complaint_id',
  identity: 'event',
  table: 'filed_complaint',
  fields: [
    field('complaint_id', 'string', true, '投诉编号', 'Complaint id', '', ''),
    field('received_at', 'datetime', true, '受理时间', 'Received at', '', '', { period: 'within' }),
    field('complainant_id', 'resident_id', false, '投诉人身份证号码', 'Complainant resident ID', '入库前假名化', 'Pseudonymised on arrival'),
    field('complainant_phone', 'phone', false, '投诉人电话', 'Complainant phone', '入库前假名化', 'Pseudonymised on arrival'),
    code('channel', true, 'complaint_channel', '投诉渠道', 'Channel', '', ''),
    code('category', true, 'complaint_category', '投诉类别', 'Category', '', ''),
    field('related_record_id', 'string', false, '关联业务编号', 'Related record id', '相关的借据、交易等编号', 'The loan, transaction or other record concerned'),
    money('amount_claimed_fen', false, '诉求金额（分）', 'Amount claimed (fen)', '', ''),
    code('status', true, 'complaint_status', '处理状态', 'Status', '', ''),
    field('closed_at', 'datetime', false, '办结时间', 'Closed at', '办结或撤回时必填', 'Required once resolved, rejected or withdrawn', { period: 'not_after' }),
    money('amount_refunded_fen', false, '退赔金额（分）', 'Amount refunded (fen)', '', ''),
    field('outcome', 'text', false, '处理结果', 'Outcome', '', '', { maxLength: 1000 }),
  ],
};

const algorithmDecision: RecordTypeDef = {
  type: 'algorithm_decision',
  zh: '算法决策',
  en: 'Algorithm decision',
  descriptionZh: '报告期内已备案算法对一位申请人作出的一次自动化决策。',
  descriptionEn: 'One automated decision about an applicant made in the period by a filed algorithm.',
  idField: 'decision_id',
  identity: 'event',
  table: 'filed_algorithm_decision',
  fields: [
    field('decision_id', 'string', true, '决策编号', 'Decision id', '', ''),
    field('algorithm_id', 'string', true, '算法备案编号', 'Algorithm id', '', ''),
    field('model_version', 'string', true, '模型版本', 'Model version', '', ''),
    field('application_id', 'string', true, '申请编号', 'Application id', '', ''),
    code('purpose', true, 'decision_purpose', '决策事项', 'Purpose', '', ''),
    code('applicant_type', true, 'party_type', '申请人类型', 'Applicant type', '', ''),
    field('applicant_id', 'party_id', true, '申请人证件号码', 'Applicant identifier', '身份证号码入库前假名化', 'A resident ID is pseudonymised on arrival', { partyTypeField: 'applicant_type' }),
    field('decided_at', 'datetime', true, '决策时间', 'Decided at', '', '', { period: 'within' }),
    code('decision', true, 'decision', '决策结果', 'Decision', '', ''),
    field('score', 'decimal', false, '模型评分', 'Score', '', ''),
    money('credit_limit_fen', false, '授信额度（分）', 'Credit limit (fen)', '', ''),
    field('offered_annual_rate', 'rate', false, '报价年利率', 'Rate offered', '', ''),
    field('reason_codes', 'string', false, '决策原因代码', 'Reason codes', '以分号分隔', 'Separated by semicolons', { maxLength: 200 }),
    field('human_reviewed', 'boolean', false, '是否经人工复核', 'Reviewed by a person', '', ''),
  ],
};

const definitions: Readonly<Record<RecordType, RecordTypeDef>> = {
  product,
  loan,
  repayment,
  payment,
  fund_flow: fundFlow,
  collection,
  disclosure,
  complaint,
  algorithm_decision: algorithmDecision,
};

/** Every record type, in the order the reference document lists them. */
export const recordTypes: readonly RecordType[] = Object.keys(definitions) as RecordType[];

/** True when `value` names a record type of the standard. */
export function isRecordType(value: string): value is RecordType {
  return Object.prototype.hasOwnProperty.call(definitions, value);
}

/**
 * The definition of one record type.
 *
 * @example recordTypeDef('loan').idField // 'loan_id'
 */
export function recordTypeDef(type: RecordType): RecordTypeDef {
  return definitions[type];
}

/** The field `name` of a record type; throws when the standard has no such field (a programming error). */
export function fieldDef(type: RecordType, name: string): FieldDef {
  const found = definitions[type].fields.find((f) => f.name === name);
  if (!found) throw new Error(`record type ${type} has no field ${name}`);
  return found;
}
