import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database.js';
import '../standard/domain.schema.js';

// Every figure counts the records in force: a row whose `valid_to` is set was replaced by a
// resubmission or by a later period's state of the same record (migrations/0030_history.sql), so
// an instalment filed overdue in June and again in July counts once, as July says.

export interface LoanTotals {
  loans: number;
  principalFen: number;
  disbursedFen: number;
  borrowers: number;
  averageAnnualisedCost: number | null;
  aboveCap: number;
}

/** Loans in force of these institutions: counts, amounts, distinct borrowers and cost of credit. */
export async function loanTotals(db: Kysely<Database>, institutionIds: readonly string[], costCap: number | null): Promise<LoanTotals> {
  if (institutionIds.length === 0) return { loans: 0, principalFen: 0, disbursedFen: 0, borrowers: 0, averageAnnualisedCost: null, aboveCap: 0 };
  const row = await db
    .selectFrom('filed_loan')
    .where('institution_id', 'in', institutionIds)
    .where('valid_to', 'is', null)
    .select((eb) => [
      eb.fn.countAll<number>().as('loans'),
      eb.fn.coalesce(eb.fn.sum<number>('principal_fen'), sql<number>`0`).as('principalFen'),
      eb.fn.coalesce(eb.fn.sum<number>('disbursed_fen'), sql<number>`0`).as('disbursedFen'),
      eb.fn.count<number>('borrower_pseudonym').distinct().as('borrowers'),
      eb.fn.avg<number | null>('annualised_cost').as('averageAnnualisedCost'),
      sql<number>`count(*) filter (where annualised_cost > ${costCap})`.as('aboveCap'),
    ])
    .executeTakeFirstOrThrow();
  return {
    loans: Number(row.loans),
    principalFen: Number(row.principalFen),
    disbursedFen: Number(row.disbursedFen),
    borrowers: Number(row.borrowers),
    averageAnnualisedCost: row.averageAnnualisedCost === null ? null : Number(row.averageAnnualisedCost),
    aboveCap: Number(row.aboveCap),
  };
}

/** Loans by month of contract. */
export async function loansByMonth(db: Kysely<Database>, institutionIds: readonly string[]): Promise<{ month: string; loans: number; principalFen: number }[]> {
  if (institutionIds.length === 0) return [];
  const rows = await db
    .selectFrom('filed_loan')
    .where('institution_id', 'in', institutionIds)
    .where('valid_to', 'is', null)
    .select((eb) => [sql<string>`to_char(contract_date, 'YYYY-MM')`.as('month'), eb.fn.countAll<number>().as('loans'), eb.fn.sum<number>('principal_fen').as('principalFen')])
    .groupBy(sql`to_char(contract_date, 'YYYY-MM')`)
    .orderBy('month')
    .execute();
  return rows.map((r) => ({ month: r.month, loans: Number(r.loans), principalFen: Number(r.principalFen) }));
}

/** Instalments filed and how many of them are past due. */
export async function repaymentTotals(db: Kysely<Database>, institutionIds: readonly string[]): Promise<{ instalments: number; overdue: number }> {
  if (institutionIds.length === 0) return { instalments: 0, overdue: 0 };
  const row = await db
    .selectFrom('filed_repayment')
    .where('institution_id', 'in', institutionIds)
    .where('valid_to', 'is', null)
    .select((eb) => [eb.fn.countAll<number>().as('instalments'), sql<number>`count(*) filter (where days_past_due > 0)`.as('overdue')])
    .executeTakeFirstOrThrow();
  return { instalments: Number(row.instalments), overdue: Number(row.overdue) };
}

/** Complaints the institutions handled, and how many are still open. */
export async function complaintTotals(db: Kysely<Database>, institutionIds: readonly string[]): Promise<{ complaints: number; open: number; byCategory: { category: string; count: number }[] }> {
  if (institutionIds.length === 0) return { complaints: 0, open: 0, byCategory: [] };
  const rows = await db
    .selectFrom('filed_complaint')
    .where('institution_id', 'in', institutionIds)
    .where('valid_to', 'is', null)
    .select((eb) => ['category', eb.fn.countAll<number>().as('count'), sql<number>`count(*) filter (where status in ('received', 'in_progress', 'escalated'))`.as('open')])
    .groupBy('category')
    .execute();
  return {
    complaints: rows.reduce((sum, r) => sum + Number(r.count), 0),
    open: rows.reduce((sum, r) => sum + Number(r.open), 0),
    byCategory: rows.map((r) => ({ category: r.category, count: Number(r.count) })).sort((a, b) => b.count - a.count),
  };
}

/** Borrowers with loans in force at `minimum` or more institutions at once (多头借贷). */
export async function borrowersAtManyInstitutions(db: Kysely<Database>, institutionIds: readonly string[], minimum: number, options: { countLoansElsewhere?: boolean } = {}): Promise<number> {
  if (institutionIds.length === 0) return 0;
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('filed_loan')
        // Counting loans elsewhere: the borrowers of these institutions, with their loans at every institution.
        .$if(!options.countLoansElsewhere, (q) => q.where('institution_id', 'in', institutionIds))
        .$if(options.countLoansElsewhere === true, (q) =>
          q.where('borrower_pseudonym', 'in', (sub) => sub.selectFrom('filed_loan').select('borrower_pseudonym').where('institution_id', 'in', institutionIds).where('valid_to', 'is', null)),
        )
        .where('valid_to', 'is', null)
        .where('borrower_pseudonym', 'is not', null)
        .select('borrower_pseudonym')
        .groupBy('borrower_pseudonym')
        .having((h) => h.fn.count('institution_id').distinct(), '>=', minimum)
        .as('many'),
    )
    .select((eb) => eb.fn.countAll<number>().as('borrowers'))
    .executeTakeFirstOrThrow();
  return Number(row.borrowers);
}

/** The pseudonyms of borrowers with loans in force at `minimum` or more institutions, everywhere. */
export async function borrowerPseudonymsAtManyInstitutions(db: Kysely<Database>, minimum: number): Promise<string[]> {
  const rows = await db
    .selectFrom('filed_loan')
    .where('valid_to', 'is', null)
    .where('borrower_pseudonym', 'is not', null)
    .select('borrower_pseudonym')
    .groupBy('borrower_pseudonym')
    .having((h) => h.fn.count('institution_id').distinct(), '>=', minimum)
    .execute();
  return rows.map((row) => row.borrower_pseudonym!);
}
