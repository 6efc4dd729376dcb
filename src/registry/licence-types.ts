/**
 * Market access reference data: the kinds of institution, the licence types by business, the
 * qualifications each licence needs (seed 001: a clear entry threshold; seed 000: fintech and
 * algorithm providers inside the regulatory system), and the lifecycle a licence moves through.
 */

export const institutionKinds = [
  'online_lender',
  'payment_institution',
  'crowdfunding_platform',
  'consumer_finance_company',
  'wealth_management_platform',
  'fintech_provider',
] as const;
export type InstitutionKind = (typeof institutionKinds)[number];

export const institutionKindNames: Record<InstitutionKind, { zh: string; en: string }> = {
  online_lender: { zh: '网络小额贷款公司', en: 'Online lender' },
  payment_institution: { zh: '非银行支付机构', en: 'Non-bank payment institution' },
  crowdfunding_platform: { zh: '网络众筹平台', en: 'Crowdfunding platform' },
  consumer_finance_company: { zh: '消费金融公司', en: 'Consumer finance company' },
  wealth_management_platform: { zh: '互联网理财平台', en: 'Online wealth-management platform' },
  fintech_provider: { zh: '金融科技 / 算法服务商', en: 'Fintech / algorithm provider' },
};

export const licenceTypes = ['online_lending', 'payment', 'crowdfunding', 'consumer_finance', 'wealth_management', 'fintech_provider'] as const;
export type LicenceType = (typeof licenceTypes)[number];

export const licenceStatuses = ['applied', 'approved', 'suspended', 'revoked'] as const;
export type LicenceStatus = (typeof licenceStatuses)[number];

export interface Qualification {
  key: string;
  nameZh: string;
  nameEn: string;
}

const q = (key: string, nameZh: string, nameEn: string): Qualification => ({ key, nameZh, nameEn });

const securityAssessment = q('security_assessment', '网络安全等级保护三级测评', 'Cybersecurity classified protection level 3 assessment');
const responsiblePerson = q('responsible_person', '高级管理人员任职资格', 'Qualified responsible person and senior managers');
const custodianBank = q('custodian_bank', '客户资金由合格银行存管', 'Client funds held by a qualified custodian bank');
const personalInformation = q('personal_information', '个人信息保护影响评估', 'Personal information protection impact assessment');

export interface LicenceTypeInfo {
  type: LicenceType;
  nameZh: string;
  nameEn: string;
  /** Two letters in the licence number. */
  abbreviation: string;
  qualifications: readonly Qualification[];
}

export const licenceTypeInfo: Record<LicenceType, LicenceTypeInfo> = {
  online_lending: {
    type: 'online_lending',
    nameZh: '网络小额贷款',
    nameEn: 'Online lending',
    abbreviation: 'OL',
    qualifications: [q('registered_capital', '注册资本实缴到位', 'Registered capital paid in'), custodianBank, securityAssessment, responsiblePerson, personalInformation],
  },
  payment: {
    type: 'payment',
    nameZh: '非银行支付业务',
    nameEn: 'Non-bank payment',
    abbreviation: 'PY',
    qualifications: [
      q('paid_in_capital', '实缴注册资本不低于 1 亿元（国务院令第 768 号第 8 条）', 'Paid-in capital of at least CNY 100M (State Council Order 768, Art.8)'),
      q('reserve_funds', '客户备付金全额集中存管', 'Client reserve funds deposited in full with the PBOC or a qualifying bank'),
      q('anti_money_laundering', '反洗钱和反恐怖融资制度', 'Anti-money-laundering and counter-terrorist-financing controls'),
      securityAssessment,
      responsiblePerson,
    ],
  },
  crowdfunding: {
    type: 'crowdfunding',
    nameZh: '网络众筹',
    nameEn: 'Crowdfunding',
    abbreviation: 'CF',
    qualifications: [q('registered_capital', '注册资本实缴到位', 'Registered capital paid in'), custodianBank, q('investor_suitability', '投资者适当性管理制度', 'Investor suitability controls'), securityAssessment, responsiblePerson],
  },
  consumer_finance: {
    type: 'consumer_finance',
    nameZh: '消费金融',
    nameEn: 'Consumer finance',
    abbreviation: 'CN',
    qualifications: [
      q('registered_capital', '注册资本实缴到位', 'Registered capital paid in'),
      q('major_shareholder', '主要出资人资格', 'Qualified major shareholder'),
      q('risk_control', '风险管理和内部控制制度', 'Risk management and internal controls'),
      securityAssessment,
      responsiblePerson,
    ],
  },
  wealth_management: {
    type: 'wealth_management',
    nameZh: '互联网理财',
    nameEn: 'Wealth management',
    abbreviation: 'WM',
    qualifications: [q('registered_capital', '注册资本实缴到位', 'Registered capital paid in'), custodianBank, q('investor_suitability', '投资者适当性管理制度', 'Investor suitability controls'), securityAssessment, responsiblePerson],
  },
  fintech_provider: {
    type: 'fintech_provider',
    nameZh: '金融科技 / 算法服务',
    nameEn: 'Fintech / algorithm services',
    abbreviation: 'FT',
    qualifications: [q('algorithm_filing', '算法备案', 'Algorithms filed with the regulator'), securityAssessment, personalInformation, responsiblePerson],
  },
};

/**
 * The lifecycle: a supervisor approves an application once every qualification is met, may
 * suspend an approved licence and reinstate it, and may revoke it (or refuse an application) for good.
 */
const allowedTransitions: Record<LicenceStatus, readonly LicenceStatus[]> = {
  applied: ['approved', 'revoked'],
  approved: ['suspended', 'revoked'],
  suspended: ['approved', 'revoked'],
  revoked: [],
};

/** True when a licence may move from `from` to `to`. */
export function canTransition(from: LicenceStatus, to: LicenceStatus): boolean {
  return allowedTransitions[from].includes(to);
}
