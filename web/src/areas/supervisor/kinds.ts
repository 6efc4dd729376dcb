/** The kinds of institution the registry knows (src/registry/licence-types.ts `institutionKinds`). */
export const institutionKinds = [
  'online_lender',
  'payment_institution',
  'crowdfunding_platform',
  'consumer_finance_company',
  'wealth_management_platform',
  'fintech_provider',
] as const;
