import type { Platform } from '../platform/platform.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import type { RegistryService } from '../registry/registry.service.js';
import { personSubject } from '../identity/identity.service.js';
import { buildSchedule, costOfCreditDetail, type CostOfCreditDetail, type LoanTerms, type RepaymentMethod } from '../standard/cost-of-credit.js';
import type { RulebookService } from '../rulebook/rulebook.service.js';
import * as store from './loan-cost.store.js';

/** Which annualisation a threshold compares: the simple (nominal APR) or the compound (effective annual) figure. */
export type CostFigure = 'simple' | 'compound';

export interface CostThreshold {
  /** Stable id of the figure. */
  id: string;
  /** The rule of the rulebook whose parameter is the limit: a legal limit lives in one place. */
  ruleId: string;
  parameter: string;
  figure: CostFigure;
  /** False for a figure found only in secondary sources (REGULATIONS.md marks it unverified). */
  verified: boolean;
  basisZh: string;
  basisEn: string;
}

/**
 * The thresholds a loan's cost is held against (docs: shared/domain/REGULATIONS.md §1), each the
 * parameter of a rule in force for the institution's jurisdiction on the contract date, so that a
 * province that tightened it is shown its own figure.
 * - CN-LOAN-COST-CASH-LOAN: the outer limit of a cash loan's comprehensive annualised cost
 *   (Circular 141, 2017). The cost is interest and every fee by IRR, and PBOC Announcement [2021]
 *   No.3 has the IRR figure compounded (12.80 % simple = 13.58 % IRR): the compound figure.
 * - CN-LOAN-COST-WINDOW-24: supervisory window guidance for internet consumer lending, unverified;
 *   compared, as the rule compares it, with the compound figure (since 2021 every annual rate shown
 *   to a borrower is the IRR one).
 */
export const COST_THRESHOLDS: readonly CostThreshold[] = [
  {
    id: 'cash_loan_cost_cap',
    ruleId: 'CN-LOAN-COST-CASH-LOAN',
    parameter: 'cost_cap',
    figure: 'compound',
    verified: true,
    basisZh: '《关于规范整顿"现金贷"业务的通知》（整治办函〔2017〕141号）：综合年化成本上限；按内部收益率（复利）年化，见中国人民银行公告〔2021〕第3号',
    basisEn: 'Circular on regulating cash-loan business (Zheng Zhi Ban Han [2017] No.141): the cap on the comprehensive annualised cost; annualised by IRR (compound), PBOC Announcement [2021] No.3',
  },
  {
    id: 'internet_consumer_window',
    ruleId: 'CN-LOAN-COST-WINDOW-24',
    parameter: 'window_level',
    figure: 'compound',
    verified: false,
    basisZh: '互联网消费贷款窗口指导（未经公开规则核实，作为可调整参数）；按内部收益率（复利）年化比较',
    basisEn: 'Window guidance for internet consumer lending (not verified against a published rule; a parameter); compared with the IRR (compound) figure',
  },
];

/**
 * Each regulatory limit in force (`limits`, by threshold id) with the figure it compares and
 * whether the loan is above it. A cost equal to the limit is within it ("at most 36%"); null rates
 * (no rate equates the flows) compare as null. A threshold whose rule is not in force is left out.
 */
export function compareWithThresholds(rates: { simple: number; compound: number } | null, limits: ReadonlyMap<string, number>): LoanCostView['thresholds'] {
  return COST_THRESHOLDS.flatMap((t) => {
    const limit = limits.get(t.id);
    if (limit === undefined) return [];
    const rate = rates ? rates[t.figure] : null;
    return [{ id: t.id, limit, figure: t.figure, rate, above: rate === null ? null : rate > limit, verified: t.verified, basisZh: t.basisZh, basisEn: t.basisEn }];
  });
}

export interface LoanCostPayment {
  dueOn: string;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  totalFen: number;
}

export interface LoanCostView {
  institutionId: string;
  loanId: string;
  /** `filed_instalments`: every instalment of the loan is filed, and its cost is the IRR of those amounts on their dates; else `modelled_schedule`, from the loan's terms. */
  source: 'filed_instalments' | 'modelled_schedule';
  instalments: number;
  instalmentsFiled: number;
  principalFen: number;
  disbursedFen: number;
  disbursedOn: string;
  periodMonths: number | null;
  periodDays: number | null;
  nominalAnnualRate: number;
  repaymentMethod: string;
  /** What the borrower pays in all, and what that is beyond what they received. */
  totalRepaidFen: number;
  costFen: number;
  /** Null when no rate equates the flows (nothing is paid after the disbursement). */
  cost: {
    /** Nominal APR: the IRR per period × periods per year (must be labelled simple). */
    simpleAnnualRate: number;
    /** Effective annual rate: (1 + IRR per period)^(periods per year) − 1. */
    compoundAnnualRate: number;
    periodRate: number;
    basis: 'months' | 'days';
    periodMonths: number | null;
    periodDays: number | null;
    periodsPerYear: number;
  } | null;
  thresholds: { id: string; limit: number; figure: CostFigure; rate: number | null; above: boolean | null; verified: boolean; basisZh: string; basisEn: string }[];
  payments: LoanCostPayment[];
}

/** The filed instalments, when every one of 1..installments is there; else null. */
function completeFiledSchedule(loan: store.LoanTermsRow, filed: store.InstalmentRow[]): LoanCostPayment[] | null {
  if (filed.length !== loan.installments) return null;
  for (let i = 0; i < filed.length; i++) if (filed[i]!.installment_number !== i + 1) return null;
  return filed.map((row) => ({
    dueOn: row.due_date,
    principalFen: row.principal_due_fen,
    interestFen: row.interest_due_fen,
    feeFen: row.fee_due_fen,
    totalFen: row.principal_due_fen + row.interest_due_fen + row.fee_due_fen,
  }));
}

function termsOf(loan: store.LoanTermsRow): LoanTerms {
  return {
    principalFen: loan.principal_fen,
    disbursedFen: loan.disbursed_fen,
    disbursedOn: loan.disbursement_date,
    firstDueOn: loan.first_due_date,
    installments: loan.installments,
    ...(loan.period_days !== null ? { periodDays: loan.period_days } : { periodMonths: loan.period_months ?? undefined }),
    nominalAnnualRate: Number(loan.nominal_annual_rate),
    method: loan.repayment_method as RepaymentMethod,
    feePerInstallmentFen: loan.fee_per_installment_fen,
    ...(loan.other_fees_fen ? { otherFeesAtEndFen: loan.other_fees_fen } : {}),
  };
}

/** The IRR detail of payments, or null when it has none or the flows cannot be costed. */
function detailOf(disbursedFen: number, disbursedOn: string, payments: LoanCostPayment[]): CostOfCreditDetail | null | 'invalid' {
  try {
    return costOfCreditDetail(disbursedFen, disbursedOn, payments.map((p) => ({ dueOn: p.dueOn, amountFen: p.totalFen })));
  } catch (error) {
    // Filed dates before the disbursement, or amounts past exact arithmetic.
    if (error instanceof RangeError) return 'invalid';
    throw error;
  }
}

/**
 * The true cost of each filed loan: the IRR of its filed instalments when all of them are filed,
 * else of the schedule modelled from its terms; with the simple and compound figures side by side.
 */
export class LoanCostService {
  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly rulebook: RulebookService,
  ) {}

  /**
   * The cost of loan `loanId` of institution `institutionId`, to that institution or a supervisor
   * whose jurisdiction covers it (FH_FORBIDDEN / FH_OUT_OF_JURISDICTION otherwise; FH_NOT_FOUND
   * for an unknown loan). Reading an individual's loan writes the audit log.
   */
  async loanCost(caller: Caller, institutionId: string, loanId: string): Promise<LoanCostView> {
    const institution = await this.registry.assertCanSee(caller, institutionId);
    const db = this.platform.database.db;
    const loan = await store.loanTerms(db, institutionId, loanId);
    if (!loan) fail('FH_NOT_FOUND', { field: 'params.loanId' });
    const limits = new Map<string, number>();
    for (const t of COST_THRESHOLDS) {
      const value = await this.rulebook.parameterValue(institution.jurisdictionCode, t.ruleId, t.parameter, loan.contract_date);
      if (typeof value === 'number') limits.set(t.id, value);
    }
    const filed = await store.filedInstalments(db, institutionId, loanId);

    let source: LoanCostView['source'] = 'modelled_schedule';
    let payments: LoanCostPayment[] | null = completeFiledSchedule(loan, filed);
    let detail: CostOfCreditDetail | null | 'invalid' = 'invalid';
    if (payments) {
      detail = detailOf(loan.disbursed_fen, loan.disbursement_date, payments);
      if (detail !== 'invalid') source = 'filed_instalments';
    }
    if (detail === 'invalid') {
      try {
        payments = buildSchedule(termsOf(loan)).map((p) => ({ dueOn: p.dueOn, principalFen: p.principalFen, interestFen: p.interestFen, feeFen: p.feeFen, totalFen: p.totalFen }));
        detail = detailOf(loan.disbursed_fen, loan.disbursement_date, payments);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        payments = [];
        detail = null;
      }
    }
    const cost = detail === null || detail === 'invalid' ? null : detail;
    const schedule = payments ?? [];
    const totalRepaidFen = schedule.reduce((sum, p) => sum + p.totalFen, 0);

    if (loan.borrower_type === 'individual' && loan.borrower_pseudonym) {
      await this.platform.audit.append(caller.actor, {
        action: 'personal_data.read',
        subject: personSubject(loan.borrower_pseudonym),
        resource: `loan:${institutionId}:${loanId}`,
        reason: '查看贷款综合年化成本 / viewed the cost of credit of a loan',
      });
    }

    return {
      institutionId,
      loanId,
      source,
      instalments: loan.installments,
      instalmentsFiled: filed.length,
      principalFen: loan.principal_fen,
      disbursedFen: loan.disbursed_fen,
      disbursedOn: loan.disbursement_date,
      periodMonths: loan.period_months,
      periodDays: loan.period_days,
      nominalAnnualRate: Number(loan.nominal_annual_rate),
      repaymentMethod: loan.repayment_method,
      totalRepaidFen,
      costFen: totalRepaidFen - loan.disbursed_fen,
      cost: cost && {
        simpleAnnualRate: cost.simpleAnnualRate,
        compoundAnnualRate: cost.effectiveAnnualRate,
        periodRate: cost.periodRate,
        basis: cost.basis,
        periodMonths: cost.periodMonths,
        periodDays: cost.periodDays,
        periodsPerYear: cost.periodsPerYear,
      },
      thresholds: compareWithThresholds(cost && { simple: cost.simpleAnnualRate, compound: cost.effectiveAnnualRate }, limits),
      payments: schedule,
    };
  }
}
