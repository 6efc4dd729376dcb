import type { Platform } from '../platform/platform.js';
import type { Caller } from '../platform/auth/access.js';
import { fail } from '../platform/errors.js';
import type { RegistryService } from '../registry/registry.service.js';
import { chinaDay } from '../standard/china-time.js';
import type { RulebookService } from '../rulebook/rulebook.service.js';
import type { FilingService } from '../filing/filing.service.js';
import type { ComplaintIndicators, ComplaintService } from '../complaints/complaint.service.js';
import * as store from './supervision.store.js';

// The outer limit of the comprehensive annualised cost of cash loans (Circular 141, 2017); the
// rulebook will make it a per-jurisdiction parameter.
// Borrowing at this many institutions at once is what the dashboard counts as multi-lending.
const MANY_INSTITUTIONS = 3;

export interface BusinessOverview {
  loans: store.LoanTotals;
  loansByMonth: { month: string; loans: number; principalFen: number }[];
  repayments: { instalments: number; overdue: number; overdueRate: number | null };
  complaints: { complaints: number; open: number; byCategory: { category: string; count: number }[] };
  /** Complaints consumers filed on the platform: received, open, late (an early-warning indicator) and disputed. */
  platformComplaints: ComplaintIndicators;
  multiLendingBorrowers: number;
  /** The cash-loan cost cap in force (null when no such rule is in force there). */
  costCap: number | null;
  /** The newest period with an accepted filing behind these figures, or null when none was accepted. */
  dataAsOf: { period: string; acceptedAt: string } | null;
}

/**
 * Supervisory monitoring over the filed business of a jurisdiction. For now: the figures of the
 * supervisor's home page, computed from the accepted filings of the institutions under them.
 */
export class SupervisionService {
  constructor(
    private readonly platform: Platform,
    private readonly registry: RegistryService,
    private readonly filing: FilingService,
    private readonly rulebook: RulebookService,
    private readonly complaints: ComplaintService,
  ) {}

  /**
   * Every borrower (by pseudonym) with loans in force at three or more institutions, across all
   * jurisdictions: what real-time screening reads as "borrows on many platforms". For the platform's
   * own use; no caller sees the list.
   */
  async multiLendingPseudonyms(): Promise<string[]> {
    return store.borrowerPseudonymsAtManyInstitutions(this.platform.database.db, MANY_INSTITUTIONS);
  }

  /** Loans, cost of credit, overdue instalments, complaints and multi-lending within the caller's jurisdiction. */
  async businessOverview(caller: Caller): Promise<BusinessOverview> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    return this.overviewOf(await this.registry.institutionIdsWithin(caller.principal.jurisdictionCode), caller.principal.jurisdictionCode);
  }

  /**
   * The same figures for one institution, for its page in the supervisor's area. Multi-lending
   * still counts the borrower's loans at every institution: that is what one lender cannot see.
   */
  async institutionBusiness(caller: Caller, institutionId: string): Promise<BusinessOverview> {
    if (caller.principal.role !== 'supervisor') fail('FH_FORBIDDEN');
    const institution = await this.registry.assertCanSee(caller, institutionId);
    return this.overviewOf([institutionId], institution.jurisdictionCode, { countLoansElsewhere: true });
  }

  private async overviewOf(ids: string[], jurisdiction: string, options: { countLoansElsewhere?: boolean } = {}): Promise<BusinessOverview> {
    const db = this.platform.database.db;
    // The cash-loan cost cap in force there today (the rulebook's parameter, tightened or not by the jurisdiction's tiers).
    const cap = await this.rulebook.parameterValue(jurisdiction, 'CN-LOAN-COST-CASH-LOAN', 'cost_cap', chinaDay());
    const costCap = typeof cap === 'number' ? cap : null;
    const [loans, loansByMonth, repayments, complaints, multiLendingBorrowers, dataAsOf, platformComplaints] = await Promise.all([
      store.loanTotals(db, ids, costCap),
      store.loansByMonth(db, ids),
      store.repaymentTotals(db, ids),
      store.complaintTotals(db, ids),
      store.borrowersAtManyInstitutions(db, ids, MANY_INSTITUTIONS, options),
      this.filing.dataAsOf(ids),
      this.complaints.indicators(ids),
    ]);
    return {
      loans,
      loansByMonth,
      repayments: { ...repayments, overdueRate: repayments.instalments > 0 ? repayments.overdue / repayments.instalments : null },
      complaints,
      platformComplaints,
      multiLendingBorrowers,
      costCap,
      dataAsOf,
    };
  }
}
