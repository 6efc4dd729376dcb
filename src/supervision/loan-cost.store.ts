import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../platform/database.js';
import type { FiledLoanTable } from '../standard/domain.schema.js';
import '../standard/domain.schema.js';

/** The terms of one filed loan that its cost depends on. */
export type LoanTermsRow = Pick<
  Selectable<FiledLoanTable>,
  | 'loan_id'
  | 'borrower_type'
  | 'borrower_pseudonym'
  | 'contract_date'
  | 'principal_fen'
  | 'disbursed_fen'
  | 'disbursement_date'
  | 'first_due_date'
  | 'installments'
  | 'period_months'
  | 'period_days'
  | 'nominal_annual_rate'
  | 'repayment_method'
  | 'fee_per_installment_fen'
  | 'other_fees_fen'
  | 'annualised_cost'
>;

/** One filed instalment: what was due and when. */
export interface InstalmentRow {
  installment_number: number;
  due_date: string;
  principal_due_fen: number;
  interest_due_fen: number;
  fee_due_fen: number;
}

/** The loan `loanId` of an institution, or undefined. */
export async function loanTerms(db: Kysely<Database>, institutionId: string, loanId: string): Promise<LoanTermsRow | undefined> {
  // The loan as the institution's filing in force states it (its newest accepted state).
  return db
    .selectFrom('filed_loan')
    .where('institution_id', '=', institutionId)
    .where('valid_to', 'is', null)
    .where('loan_id', '=', loanId)
    .select([
      'loan_id',
      'borrower_type',
      'borrower_pseudonym',
      'contract_date',
      'principal_fen',
      'disbursed_fen',
      'disbursement_date',
      'first_due_date',
      'installments',
      'period_months',
      'period_days',
      'nominal_annual_rate',
      'repayment_method',
      'fee_per_installment_fen',
      'other_fees_fen',
      'annualised_cost',
    ])
    .executeTakeFirst();
}

/**
 * The filed instalments of a loan, one per instalment number. An instalment still overdue is filed
 * again in later periods with the same amounts due; of several records the one with the greatest
 * record id is taken (the suggested ids, loan id-instalment-period, sort by period).
 */
export async function filedInstalments(db: Kysely<Database>, institutionId: string, loanId: string): Promise<InstalmentRow[]> {
  // The instalments as the repayment filings in force state them.
  const rows = await db
    .selectFrom('filed_repayment')
    .where('institution_id', '=', institutionId)
    .where('valid_to', 'is', null)
    .where('loan_id', '=', loanId)
    .select(['installment_number', 'due_date', 'principal_due_fen', 'interest_due_fen', 'fee_due_fen', 'repayment_id'])
    .orderBy('installment_number')
    .orderBy('repayment_id', 'desc')
    .execute();
  const byNumber = new Map<number, InstalmentRow>();
  for (const row of rows) {
    if (byNumber.has(row.installment_number)) continue;
    byNumber.set(row.installment_number, {
      installment_number: row.installment_number,
      due_date: row.due_date,
      principal_due_fen: Number(row.principal_due_fen),
      interest_due_fen: Number(row.interest_due_fen),
      fee_due_fen: Number(row.fee_due_fen),
    });
  }
  return [...byNumber.values()];
}
