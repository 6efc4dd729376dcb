import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeResidentId, makeUscc } from '../../../test/harness.js';
import { SAMPLE_COMPANY, SAMPLE_PERSON, sampleRow, type SampleRow } from './sample-rows.js';
import { editDescription } from '../pipeline.js';
import { recordTypeDef, recordTypes, type RecordType } from '../../standard/standard.js';
import { annualisedCostOfLoan, createValidator, editCatalogue, editById, editsFor, IdSet, retiredEdits, type FileStats, type RowFinding, type ValidatorContext } from './index.js';

const PERIOD = '2024-06';
const context: ValidatorContext = { period: PERIOD, institutionUscc: makeUscc('350100', 1), today: '2025-01-01' };
const PERSON = SAMPLE_PERSON;
const COMPANY = SAMPLE_COMPANY;

type Row = SampleRow;

const validRow = sampleRow;

const headerOf = (type: RecordType): string[] => recordTypeDef(type).fields.map((f) => f.name);
const valuesOf = (type: RecordType, row: Row): string[] => headerOf(type).map((name) => row[name] ?? '');

/** Validate rows of `type` (each a change of the valid row); all findings, header and file-level included. */
function check(type: RecordType, changes: Row[], options: { header?: string[]; previous?: FileStats | null; values?: string[][]; context?: Partial<ValidatorContext> } = {}): RowFinding[] {
  const validator = createValidator(type, { ...context, ...options.context });
  const findings = validator.header(options.header ?? headerOf(type));
  if (findings.length > 0) return findings;
  const rows = options.values ?? changes.map((change) => valuesOf(type, { ...validRow(type), ...change }));
  rows.forEach((values, i) => validator.row(values, i + 1, findings));
  findings.push(...validator.finish(options.previous ?? null).findings);
  return findings;
}

const ids = (findings: RowFinding[]): string[] => findings.map((f) => f.editId);

/** `n` valid rows of `type` with distinct ids, with `change(i)` applied to row i. */
function many(type: RecordType, n: number, change: (i: number) => Row = () => ({})): Row[] {
  const idField = recordTypeDef(type).idField;
  return Array.from({ length: n }, (_, i) => ({ [idField]: `ID${i}`, ...change(i) }));
}

interface Case {
  /** Findings of a file that must include the edit. */
  failing: () => RowFinding[];
  /** Findings of a file just like it that must not include the edit. */
  passing: () => RowFinding[];
}

const row = (type: RecordType, bad: Row, good: Row): Case => ({ failing: () => check(type, [bad]), passing: () => check(type, [good]) });

const loanHeader = headerOf('loan');

const cases: Record<string, Case> = {
  S001: { failing: () => check('loan', [], { header: loanHeader.filter((c) => c !== 'loan_id') }), passing: () => check('loan', [], { header: loanHeader.filter((c) => c !== 'other_fees_fen') }) },
  S002: { failing: () => check('loan', [{}], { header: [...loanHeader, 'colour'] }), passing: () => check('loan', [{}], { header: loanHeader.map((c) => (c === 'loan_id' ? '借据编号' : c)) }) },
  S003: { failing: () => check('loan', [], { header: [...loanHeader, 'purpose'] }), passing: () => check('loan', [{}], { header: [`\ufeff${loanHeader[0]}`, ...loanHeader.slice(1)] }) },
  S004: { failing: () => check('loan', [], { values: [valuesOf('loan', validRow('loan')).slice(1)] }), passing: () => check('loan', [], { values: [valuesOf('loan', validRow('loan'))] }) },
  S005: row('loan', { contract_id: '' }, { other_fees_fen: '' }),
  S006: row('loan', { installments: '12.0' }, { installments: '12' }),
  S007: row('loan', { principal_fen: '1000000.00', disbursed_fen: '1000000.00' }, { principal_fen: '1000000' }),
  S008: row('loan', { nominal_annual_rate: '12%' }, { nominal_annual_rate: '.12' }),
  S009: row('loan', { contract_date: '2024/06/10' }, { contract_date: '2024-06-10' }),
  S010: row('payment', { transaction_time: '2024-06-05 10:00:00' }, { transaction_time: '2024-06-05 10:00:00.123+0800' }),
  S011: row('fund_flow', { via_custodian: 'yes' }, { via_custodian: '1' }),
  S012: row('loan', { contract_id: 'C'.repeat(65) }, { contract_id: 'C'.repeat(64) }),
  V001: row('loan', { purpose: 'gambling' }, { purpose: 'education' }),
  V002: { failing: () => [...check('loan', [{ first_due_date: '2025-02-29' }]), ...check('payment', [{ transaction_time: '2024-06-05T24:00:00+08:00' }])], passing: () => check('loan', [{ first_due_date: '2028-02-29' }]) },
  V003: row('loan', { contract_date: '2024-07-01', disbursement_date: '2024-07-01' }, { contract_date: '2024-06-30', disbursement_date: '2024-06-30' }),
  V004: { failing: () => check('payment', [{ transaction_time: '2024-05-31T23:59:59+08:00' }]), passing: () => check('payment', [{ transaction_time: '2024-05-31T16:00:00Z' }]) },
  V006: row('loan', { other_fees_fen: '-1' }, { other_fees_fen: '0' }),
  V007: row('loan', { nominal_annual_rate: '12.8' }, { nominal_annual_rate: '0.128' }),
  V008: row('loan', { installments: '0' }, { installments: '1', period_months: '12', first_due_date: '2025-06-10' }),
  V010: row('loan', { borrower_id: PERSON.slice(0, 17) }, { borrower_id: makeResidentId('440305', '1985-01-31', 7) }),
  V011: row('loan', { borrower_id: PERSON.slice(0, 17) + (PERSON.endsWith('1') ? '2' : '1') }, { borrower_id: PERSON }),
  V012: row('loan', { borrower_type: 'organisation', borrower_id: COMPANY.replace(/^91/, 'IO'), borrower_phone: '' }, { borrower_type: 'organisation', borrower_id: COMPANY }),
  V013: row('loan', { borrower_type: 'organisation', borrower_id: COMPANY.slice(0, 17) + (COMPANY.endsWith('0') ? '1' : '0') }, { borrower_type: 'organisation', borrower_id: COMPANY }),
  V014: row('loan', { borrower_phone: '138-0013-8000' }, { borrower_phone: '+86-13800138000' }),
  V015: { failing: () => check('loan', [{}, {}]), passing: () => check('loan', [{}, { loan_id: 'L2' }]) },
  V016: row('loan', { disbursed_fen: '1000001' }, { disbursed_fen: '1000000' }),
  V017: row('loan', { disbursement_date: '2024-06-09' }, { disbursement_date: '2024-06-11' }),
  V018: row('loan', { first_due_date: '2024-06-10' }, { first_due_date: '2024-06-11' }),
  V019: row('loan', { guarantee_type: 'guarantee_company' }, { guarantee_type: 'guarantee_company', guarantor_type: 'organisation', guarantor_id: COMPANY }),
  V020: row('repayment', { installment_number: '13' }, { installment_number: '12' }),
  V021: row('repayment', { paid_date: '' }, { amount_paid_fen: '0', paid_date: '', status: 'overdue', days_past_due: '20' }),
  V022: row('product', { min_term_months: '13' }, { min_term_months: '12' }),
  V023: row('product', { withdrawn_on: '2024-06-02' }, { withdrawn_on: '2024-06-03' }),
  V024: row('complaint', { closed_at: '2024-06-20T00:59:59Z' }, { closed_at: '2024-06-20T01:00:00Z' }),
  V025: row('complaint', { closed_at: '' }, { status: 'in_progress', closed_at: '' }),
  V026: row('fund_flow', { custodian_bank_uscc: '' }, { via_custodian: 'false', custodian_bank_uscc: '' }),
  V027: row('collection', { collector_type: 'agency' }, { collector_type: 'agency', agency_uscc: COMPANY }),
  V028: row('disclosure', { overdue_balance_fen: '500000001' }, { overdue_balance_fen: '500000000' }),
  V029: (() => {
    // Ids accepted for other periods, as the filing service passes them for an event type.
    const acceptedIds = (): Partial<ValidatorContext> => {
      const file = new IdSet();
      const accepted = new IdSet();
      accepted.add('T-MAY');
      return { ids: { add: (id: string) => file.add(id), acceptedElsewhere: (id: string) => accepted.has(id) } };
    };
    return { failing: () => check('payment', [{ payment_id: 'T-MAY' }], { context: acceptedIds() }), passing: () => check('payment', [{ payment_id: 'T-JUNE' }], { context: acceptedIds() }) };
  })(),
  V030: {
    failing: () => [...check('loan', [{ period_days: '14' }]), ...check('loan', [{ period_months: '' }])],
    passing: () => check('loan', [{ period_months: '', period_days: '14', installments: '1', first_due_date: '2024-06-24' }]),
  },
  Q003: row('loan', { borrower_id: makeResidentId('110105', '2024-06-11', 5) }, { borrower_id: makeResidentId('110105', '2006-06-10', 5) }),
  Q004: row('loan', { borrower_id: makeResidentId('110105', '2006-06-11', 5) }, { borrower_id: makeResidentId('110105', '2006-06-10', 5) }),
  Q005: row('loan', { principal_fen: '100000001', disbursed_fen: '100000001' }, { borrower_type: 'organisation', borrower_id: COMPANY, borrower_phone: '', principal_fen: '100000001', disbursed_fen: '100000001' }),
  M001: {
    failing: () => check('loan', many('loan', 98, (i): Row => (i === 97 ? { loan_id: 'ID0' } : {})).concat([{ loan_id: 'ID1' }])),
    passing: () => check('loan', many('loan', 100, (i): Row => (i === 99 ? { loan_id: 'ID0' } : {}))),
  },
  M002: {
    failing: () => check('repayment', many('repayment', 100, (i): Row => (i < 21 ? { days_past_due: '5', status: 'overdue' } : {})), { previous: { rows: 100, overdue: 10 } }),
    passing: () => check('repayment', many('repayment', 100, (i): Row => (i < 20 ? { days_past_due: '5', status: 'overdue' } : {})), { previous: { rows: 100, overdue: 10 } }),
  },
  M003: { failing: () => check('loan', many('loan', 49), { previous: { rows: 100 } }), passing: () => check('loan', many('loan', 50), { previous: { rows: 100 } }) },
  M004: { failing: () => check('loan', []), passing: () => check('loan', [{}]) },
  M005: {
    failing: () => check('loan', many('loan', 11), { previous: { rows: 2 }, context: { thresholds: { macroMinimumRows: 2 } } }),
    passing: () => check('loan', many('loan', 10), { previous: { rows: 2 }, context: { thresholds: { macroMinimumRows: 2 } } }),
  },
};

describe('the edit catalogue', () => {
  it('has a failing and a passing case for every edit', () => {
    // Edits of the load look at the records in force: src/filing/filing.test.ts tests them on both engines.
    expect(editCatalogue.filter((e) => e.scope === 'load').map((e) => e.id)).toEqual(['V031']);
    expect(editCatalogue.filter((e) => e.scope !== 'load').map((e) => e.id).filter((id) => !cases[id])).toEqual([]);
    expect(Object.keys(cases).filter((id) => !editCatalogue.some((e) => e.id === id))).toEqual([]);
  });

  it('has unique, well-formed ids whose class matches their letter, and bilingual messages', () => {
    expect(new Set(editCatalogue.map((e) => e.id)).size).toBe(editCatalogue.length);
    for (const edit of editCatalogue) {
      expect(edit.id).toMatch(/^[SVQM]\d{3}$/);
      expect({ S: 'syntactical', V: 'validity', Q: 'quality', M: 'macro' }[edit.id[0]!]).toBe(edit.editClass);
      expect(edit.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(edit.en).toMatch(/^[A-Z]/);
      if (edit.editClass === 'quality') expect(edit.severity).toBe('warning');
      if (edit.editClass === 'syntactical' || edit.editClass === 'validity') expect(edit.severity).toBe('error');
      for (const name of edit.fields) {
        const types = edit.recordTypes === 'all' ? recordTypes : edit.recordTypes;
        expect(types.some((t) => recordTypeDef(t).fields.some((f) => f.name === name))).toBe(true);
      }
    }
  });

  it('reaches, for each record type, only edits whose fields the type has', () => {
    expect(editsFor('loan').map((e) => e.id)).not.toContain('S010');
    expect(editsFor('payment').map((e) => e.id)).toContain('S010');
    expect(editsFor('loan').map((e) => e.id)).toContain('Q004');
    expect(editsFor('payment').map((e) => e.id)).not.toContain('Q004');
  });

  it('never gives a retired id to another edit, and keeps the description of each retired one', () => {
    const live = new Set([...editCatalogue.map((e) => e.id)]);
    for (const edit of retiredEdits) {
      expect(live.has(edit.id), edit.id).toBe(false);
      expect(edit.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(edit.en).toMatch(/^[A-Z]/);
    }
    // A finding of an older filing still reads.
    expect(editDescription('Q007')?.en).toMatch(/^Less than the principal was disbursed/);
    expect(editDescription('Q004')?.en).toMatch(/under 18/);
    expect(editDescription('Q999')).toBeUndefined();
    expect(retiredEdits.map((e) => [e.id, e.movedToRule])).toEqual([
      ['Q001', 'CN-LOAN-COST-CASH-LOAN'],
      ['Q002', 'CN-LOAN-COST-WINDOW-24'],
      ['Q006', 'CN-COLL-NIGHT'],
      ['Q007', 'CN-LOAN-UPFRONT-DEDUCTION'],
      ['Q008', 'CN-COMPLAINT-LATE'],
    ]);
  });

  it('leaves legal limits to the rulebook: an upfront deduction, a high rate or cost, a night call, a late complaint are no finding', () => {
    // 3 % of the principal a month in fees on top of 30 % interest, 5 % withheld at disbursement.
    expect(check('loan', [{ fee_per_installment_fen: '30000', nominal_annual_rate: '0.30', disbursed_fen: '950000' }])).toEqual([]);
    expect(check('collection', [{ action_time: '2024-06-05T23:30:00+08:00' }])).toEqual([]);
    expect(check('complaint', [{ received_at: '2024-06-01T09:00:00+08:00', status: 'in_progress', closed_at: '' }])).toEqual([]);
  });
});

describe('every edit', () => {
  for (const edit of editCatalogue) {
    const test = cases[edit.id];
    if (!test) continue;
    it(`${edit.id} fails on its failing case and not on its passing case`, () => {
      expect(ids(test.failing())).toContain(edit.id);
      const passing = test.passing();
      expect(ids(passing)).not.toContain(edit.id);
    });
  }

  it('each row-level passing case is free of error findings (so the case tests what it says)', () => {
    for (const edit of editCatalogue) {
      if (edit.scope !== 'row' || edit.id === 'S004') continue;
      const errors = cases[edit.id]!.passing().filter((f) => editById(f.editId).severity === 'error');
      expect({ edit: edit.id, errors }).toEqual({ edit: edit.id, errors: [] });
    }
  });
});

describe('validator', () => {
  it('accepts a valid row of every record type with no finding at all', () => {
    for (const type of recordTypes) expect({ type, findings: check(type, [{}]) }).toEqual({ type, findings: [] });
  });

  it('returns the normalized record with typed values, and null for a row with an error', () => {
    const validator = createValidator('loan', context);
    validator.header(loanHeader);
    const out: RowFinding[] = [];
    const record = validator.row(valuesOf('loan', validRow('loan')), 1, out);
    expect(record).toMatchObject({ loan_id: 'L1', principal_fen: 1000000, nominal_annual_rate: 0.12, installments: 12, other_fees_fen: null, contract_date: '2024-06-10' });
    expect(validator.row(valuesOf('loan', { ...validRow('loan'), loan_id: 'L2', purpose: 'x' }), 2, out)).toBeNull();
    // A row's findings name the record's own id beside the field at fault.
    expect(out).toEqual([{ editId: 'V001', rowNumber: 2, values: { purpose: 'x', loan_id: 'L2' } }]);
    const { stats } = validator.finish(null);
    expect(stats).toMatchObject({ rows: 2, errorRows: 1, duplicateIds: 0 });
  });

  it('returns the record of a row that only has warnings', () => {
    const validator = createValidator('loan', context);
    validator.header(loanHeader);
    const out: RowFinding[] = [];
    const record = validator.row(valuesOf('loan', { ...validRow('loan'), principal_fen: '100000001', disbursed_fen: '100000001' }), 7, out);
    expect(record).not.toBeNull();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ editId: 'Q005', rowNumber: 7 });
  });

  it('reports every failing field of a row, not just the first', () => {
    const findings = check('loan', [{ purpose: 'x', installments: 'twelve', borrower_phone: '1' }]);
    expect(ids(findings).sort()).toEqual(['S006', 'V001', 'V014']);
  });

  it('refuses rows before an accepted header, and a malformed period', () => {
    const validator = createValidator('loan', context);
    expect(validator.header(['loan_id'])).not.toEqual([]);
    expect(() => validator.row(['x'], 1, [])).toThrow(/header/);
    expect(() => createValidator('loan', { ...context, period: '2024-13' })).toThrow();
    expect(() => createValidator('loan', { ...context, period: '202406' })).toThrow();
  });

  it('takes files written to standard v1.0, without the fields v1.1 added, and reads the v1.1 fields when given', () => {
    const v10 = (type: RecordType, added: string[]) => headerOf(type).filter((name) => !added.includes(name));
    const repaymentHeader = v10('repayment', ['overdue_interest_fen', 'penalty_fen']);
    const paymentHeader = v10('payment', ['payer_verified_at']);
    expect(check('repayment', [], { header: repaymentHeader, values: [repaymentHeader.map((name) => validRow('repayment')[name] ?? '')] })).toEqual([]);
    expect(check('payment', [], { header: paymentHeader, values: [paymentHeader.map((name) => validRow('payment')[name] ?? '')] })).toEqual([]);
    const validator = createValidator('repayment', context);
    validator.header(headerOf('repayment'));
    const overdue = { due_date: '2024-05-10', amount_paid_fen: '0', paid_date: '', days_past_due: '51', status: 'overdue', overdue_interest_fen: '1200', penalty_fen: '3000' };
    expect(validator.row(valuesOf('repayment', { ...validRow('repayment'), ...overdue }), 1, [])).toMatchObject({ overdue_interest_fen: 1200, penalty_fen: 3000 });
    // A verification time is not after the period (it may be long before it); an amount is not negative.
    expect(ids(check('payment', [{ payer_verified_at: '2024-07-01T00:00:00+08:00' }]))).toEqual(['V003']);
    expect(check('payment', [{ payer_verified_at: '2019-03-01T09:00:00+08:00' }])).toEqual([]);
    expect(ids(check('repayment', [{ penalty_fen: '-1' }]))).toEqual(['V006']);
  });

  it('accepts a loan signed on the last day of the period and paid out the next month', () => {
    expect(check('loan', [{ contract_date: '2024-06-30', disbursement_date: '2024-07-02', first_due_date: '2024-08-02' }])).toEqual([]);
  });

  it('checks a loan whose schedule overflows exact arithmetic without crashing: its cost is unknown', () => {
    const huge = { principal_fen: '999992233579', disbursed_fen: '261424852', first_due_date: '2024-06-11', installments: '300', period_months: '79', nominal_annual_rate: '6.9798', repayment_method: 'bullet', fee_per_installment_fen: '221604351', other_fees_fen: '387376650' };
    const findings = check('loan', [huge]);
    expect(findings.filter((f) => editById(f.editId).severity === 'error')).toEqual([]);
    const validator = createValidator('loan', context);
    validator.header(loanHeader);
    const record = validator.row(valuesOf('loan', { ...validRow('loan'), ...huge }), 1, []);
    expect(annualisedCostOfLoan(record!)).toBeNull();
  });

  it('computes the cost of a loan with a term in days: 1,000 yuan for 14 days at 0.1% a day with a 50-yuan fee is 403.97%', () => {
    // 1,064 yuan back after 14 days: 1.064^(365/14) − 1 = 4.0397 (worked in src/standard/cost-of-credit.test.ts).
    const dayLoan = { principal_fen: '100000', disbursed_fen: '100000', disbursement_date: '2024-06-10', first_due_date: '2024-06-24', installments: '1', period_months: '', period_days: '14', nominal_annual_rate: '0.365', repayment_method: 'bullet', fee_per_installment_fen: '5000' };
    expect(check('loan', [dayLoan])).toEqual([]);
    const validator = createValidator('loan', context);
    validator.header(loanHeader);
    const record = validator.row(valuesOf('loan', { ...validRow('loan'), ...dayLoan }), 1, []);
    expect(record).toMatchObject({ period_days: 14, period_months: null });
    expect(annualisedCostOfLoan(record!)).toBeCloseTo(4.0397, 4);
  });

  it('takes thresholds as parameters', () => {
    expect(ids(check('loan', [{ principal_fen: '600000', disbursed_fen: '600000' }], { context: { thresholds: { largePrincipalIndividualFen: 500_000 } } }))).toContain('Q005');
  });

  it('keeps the findings of a row in the row, and the duplicate count across the file', () => {
    const findings = check('loan', [{}, {}, {}]);
    expect(findings.filter((f) => f.editId === 'V015').map((f) => f.rowNumber)).toEqual([2, 3]);
  });
});

/** A valid loan, drawn by fast-check: any borrower, dates, terms and fees the standard allows. */
const validLoan = fc
  .record({
    loanId: fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
    individual: fc.boolean(),
    birth: fc.date({ min: new Date('1940-01-01'), max: new Date('2006-01-01'), noInvalidDate: true }),
    region: fc.constantFrom('110105', '440305', '350102', '650102'),
    sequence: fc.integer({ min: 0, max: 999 }),
    serial: fc.integer({ min: 0, max: 999_999_999 }),
    contractDay: fc.integer({ min: 1, max: 30 }),
    disbursementDelay: fc.integer({ min: 0, max: 40 }),
    firstDueDelay: fc.integer({ min: 1, max: 400 }),
    installments: fc.integer({ min: 1, max: 360 }),
    periodMonths: fc.integer({ min: 1, max: 120 }),
    rateBasisPoints: fc.integer({ min: 0, max: 99_999 }),
    method: fc.constantFrom('equal_installment', 'equal_principal', 'interest_first', 'bullet'),
    principal: fc.integer({ min: 1, max: 1e12 }),
    deductedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    fee: fc.integer({ min: 0, max: 1e9 }),
    otherFees: fc.option(fc.integer({ min: 0, max: 1e9 })),
    phone: fc.option(fc.stringMatching(/^1[3-9]\d{9}$/)),
    purpose: fc.constantFrom('consumption', 'education', 'medical', 'other'),
  })
  .map((d) => {
    const contract = new Date(Date.UTC(2024, 5, d.contractDay));
    const disbursement = new Date(Math.min(contract.getTime() + d.disbursementDelay * 86_400_000, Date.UTC(2024, 5, 30)));
    const firstDue = new Date(disbursement.getTime() + d.firstDueDelay * 86_400_000);
    const iso = (date: Date) => date.toISOString().slice(0, 10);
    return {
      ...validRow('loan'),
      loan_id: d.loanId,
      borrower_type: d.individual ? 'individual' : 'organisation',
      borrower_id: d.individual ? makeResidentId(d.region, iso(d.birth), d.sequence) : makeUscc(d.region, d.serial),
      borrower_phone: d.phone ?? '',
      contract_date: iso(contract),
      disbursement_date: iso(disbursement),
      first_due_date: iso(firstDue),
      installments: String(d.installments),
      period_months: String(d.periodMonths),
      nominal_annual_rate: (d.rateBasisPoints / 10_000).toFixed(4),
      repayment_method: d.method,
      principal_fen: String(d.principal),
      disbursed_fen: String(Math.max(1, Math.round(d.principal * (1 - d.deductedShare)))),
      fee_per_installment_fen: String(d.fee),
      other_fees_fen: d.otherFees === null ? '' : String(d.otherFees),
      purpose: d.purpose,
    };
  });

describe('property: a valid row', () => {
  it('yields no error finding, whatever its values', () => {
    fc.assert(
      fc.property(validLoan, (loan) => {
        const errors = check('loan', [loan]).filter((f) => editById(f.editId).severity === 'error');
        expect(errors).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('property: any row', () => {
  it('never throws, and is rejected exactly when an error edit fails', () => {
    const type = fc.constantFrom(...recordTypes);
    fc.assert(
      fc.property(
        type.chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.dictionary(fc.constantFrom(...headerOf(t)), fc.oneof(fc.string(), fc.constantFrom('', '0', '-1', '1e9', '2024-02-30', '2024-06-15', '2024-06-15T23:00:00+08:00', 'individual', 'organisation', '99999999999999999999'))),
          ),
        ),
        ([t, change]) => {
          const validator = createValidator(t, context);
          validator.header(headerOf(t));
          const out: RowFinding[] = [];
          const record = validator.row(valuesOf(t, { ...validRow(t), ...change }), 1, out);
          const hasError = out.some((f) => editById(f.editId).severity === 'error');
          expect(record === null).toBe(hasError);
          for (const finding of out) expect(finding.rowNumber).toBe(1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
