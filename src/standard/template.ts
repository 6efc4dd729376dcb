/**
 * Template files of each record type, generated from the standard's field definitions: a CSV
 * header with one example row, and the same example as a JSON Lines record. An institution starts
 * its extract from one of these instead of copying column names by hand.
 */
import { residentIdCheckCharacter, usccCheckCharacter } from './identifiers.js';
import { codeLists, recordTypeDef, type FieldDef, type RecordType } from './standard.js';

/** The reporting period the example rows are written for (every date lies within it). */
export const TEMPLATE_PERIOD = '2024-06';

const EXAMPLE_PERSON = (() => {
  const body = '11010519900517123';
  return body + residentIdCheckCharacter(body);
})();
const EXAMPLE_COMPANY = (() => {
  const body = '91310104000000007';
  return body + usccCheckCharacter(body);
})();

/**
 * Values the generic rule per field type would get wrong: dates that must follow one another,
 * instalment numbers, and fields that only go with another field's value (left empty).
 */
const OVERRIDES: Partial<Record<RecordType, Record<string, string>>> = {
  product: { withdrawn_on: '', min_term_months: '3', max_term_months: '12', max_amount_fen: '2000000', risk_warning: '借贷有风险，选择需谨慎' },
  loan: { first_due_date: '2024-07-10', installments: '12', period_months: '1', period_days: '', fee_per_installment_fen: '0', other_fees_fen: '', guarantor_type: '', guarantor_id: '', principal_fen: '1000000', disbursed_fen: '1000000' },
  repayment: { installment_number: '1', installments: '12', days_past_due: '0', paid_date: '2024-06-10' },
  fund_flow: { via_custodian: 'false', custodian_bank_uscc: '' },
  collection: { agency_uscc: '', night_contact_agreed: '' },
  disclosure: { as_of_date: '2024-06-30', overdue_balance_fen: '0', overdue_rate: '0', overdue_90_rate: '0', top10_borrower_share: '0.05', published_url: '' },
  complaint: { status: 'resolved', closed_at: '2024-06-15T10:00:00+08:00' },
};

/** The example value of one field by its type (codes: the first of the list). */
function exampleValue(def: FieldDef, recordType: RecordType, row: Record<string, string>): string {
  const idField = recordTypeDef(recordType).idField;
  switch (def.type) {
    case 'string':
      if (def.name === idField || def.name.endsWith('_id')) return `${def.name.replace(/^related_/, '').replace(/_id$/, '').toUpperCase()}-0001`;
      return def.zh;
    case 'text':
      return def.zh;
    case 'integer':
      return String(def.min ?? 1);
    case 'money_fen':
      return String(Math.max(def.min ?? 0, 100000));
    case 'rate':
      return '0.12';
    case 'decimal':
      return '0.5';
    case 'date':
      return '2024-06-10';
    case 'datetime':
      return '2024-06-10T10:00:00+08:00';
    case 'code':
      return def.codeList ? (codeLists[def.codeList].codes[0]?.code ?? '') : '';
    case 'boolean':
      return 'false';
    case 'resident_id':
      return EXAMPLE_PERSON;
    case 'uscc':
      return EXAMPLE_COMPANY;
    case 'party_id': {
      const partyType = def.partyTypeField ? row[def.partyTypeField] : undefined;
      if (partyType === '') return '';
      return partyType === 'organisation' ? EXAMPLE_COMPANY : EXAMPLE_PERSON;
    }
    case 'phone':
      return '13800138000';
    case 'account':
      return '6222000000000001';
  }
}

/** One example record of `recordType`, every column of the standard in order. */
export function templateRow(recordType: RecordType): Record<string, string> {
  const overrides = OVERRIDES[recordType] ?? {};
  const row: Record<string, string> = {};
  for (const def of recordTypeDef(recordType).fields) row[def.name] = overrides[def.name] ?? exampleValue(def, recordType, row);
  return row;
}

/** A CSV cell, quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV template: the header row and one example row, CRLF-terminated, UTF-8 with a byte order
 * mark so that a spreadsheet opens the Chinese text correctly.
 */
export function csvTemplate(recordType: RecordType): string {
  const row = templateRow(recordType);
  const names = Object.keys(row);
  return `\uFEFF${names.join(',')}\r\n${names.map((name) => csvCell(row[name]!)).join(',')}\r\n`;
}

/**
 * The JSON Lines template: the example record on one line. Empty optional values are left out, as
 * a JSON Lines file would; numbers stay strings only where the standard reads text.
 */
export function jsonLinesTemplate(recordType: RecordType): string {
  const row = templateRow(recordType);
  const record: Record<string, string | number | boolean> = {};
  for (const def of recordTypeDef(recordType).fields) {
    const value = row[def.name]!;
    if (value === '') continue;
    if (def.type === 'integer' || def.type === 'money_fen' || def.type === 'rate' || def.type === 'decimal') record[def.name] = Number(value);
    else if (def.type === 'boolean') record[def.name] = value === 'true';
    else record[def.name] = value;
  }
  return `${JSON.stringify(record)}\n`;
}
