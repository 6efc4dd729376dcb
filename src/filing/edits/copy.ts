/**
 * From a normalized record to a row of its domain table. People appear only as keyed pseudonyms:
 * a resident ID number becomes `<role>_pseudonym`, a phone number or account its own pseudonym;
 * an organisation keeps its unified social credit code (public registry data). Loans gain the
 * comprehensive annualised cost, computed from their cash flows.
 */
import type { Pseudonymizer } from '../../platform/crypto.js';
import { copyTextValue } from '../../platform/copy-text.js';
import { recordTypeDef, type FieldDef, type RecordType } from '../../standard/standard.js';
import { annualisedCostOfLoan } from './loan-cost.js';
import { birthDayOfResidentId, canonicalPhone, parseDateTimeMs } from './parse.js';
import type { NormalizedRecord } from './types.js';

type CopyValue = string | number | boolean | null;

export interface CopyContext {
  filingId: string;
  institutionId: string;
  /** The filing institution's unified social credit code (the party key of records about the institution itself). */
  institutionUscc: string;
  /** The reporting period of the filing, 'YYYY-MM'. */
  period: string;
  /** When the load puts the rows in force (ISO 8601): their valid_from. */
  validFrom: string;
  pseudonymizer: Pseudonymizer;
}

/** One column of a domain table: its name, SQL type, whether it is NOT NULL, and how it is filled. */
export interface DomainColumn {
  readonly name: string;
  readonly sqlType: 'uuid' | 'text' | 'integer' | 'bigint' | 'numeric' | 'date' | 'timestamptz' | 'boolean';
  readonly notNull: boolean;
  readonly value: (record: NormalizedRecord, context: CopyContext) => CopyValue;
}

const SQL_TYPE: Record<FieldDef['type'], DomainColumn['sqlType']> = {
  string: 'text',
  text: 'text',
  account: 'text',
  integer: 'integer',
  money_fen: 'bigint',
  rate: 'numeric',
  decimal: 'numeric',
  date: 'date',
  datetime: 'timestamptz',
  code: 'text',
  boolean: 'boolean',
  resident_id: 'text',
  uscc: 'text',
  party_id: 'text',
  phone: 'text',
};

/** `borrower_id` → `borrower`: the role a person plays in the record. */
function roleOf(name: string): string {
  return name.endsWith('_id') ? name.slice(0, -3) : name;
}

function partyKind(record: NormalizedRecord, field: FieldDef): unknown {
  return field.partyTypeField ? record[field.partyTypeField] : undefined;
}

const MS_PER_YEAR_APPROX = 365.2425 * 86_400_000;

function columnsOf(field: FieldDef): DomainColumn[] {
  const name = field.name;
  switch (field.type) {
    case 'resident_id':
      return [
        {
          name: `${roleOf(name)}_pseudonym`,
          sqlType: 'text',
          notNull: field.required,
          value: (r, c) => (typeof r[name] === 'string' ? c.pseudonymizer.pseudonym('resident_id', r[name]) : null),
        },
      ];
    case 'party_id':
      return [
        {
          name: `${roleOf(name)}_pseudonym`,
          sqlType: 'text',
          notNull: false,
          value: (r, c) => (typeof r[name] === 'string' && partyKind(r, field) === 'individual' ? c.pseudonymizer.pseudonym('resident_id', r[name]) : null),
        },
        {
          name: `${roleOf(name)}_uscc`,
          sqlType: 'text',
          notNull: false,
          value: (r) => (typeof r[name] === 'string' && partyKind(r, field) === 'organisation' ? r[name] : null),
        },
      ];
    case 'phone':
      return [
        {
          name: `${name}_pseudonym`,
          sqlType: 'text',
          notNull: field.required,
          value: (r, c) => (typeof r[name] === 'string' ? c.pseudonymizer.pseudonym('phone', canonicalPhone(r[name])) : null),
        },
      ];
    case 'account':
      return [
        {
          name: `${name}_pseudonym`,
          sqlType: 'text',
          notNull: field.required,
          value: (r, c) => (typeof r[name] === 'string' ? c.pseudonymizer.pseudonym('account', r[name]) : null),
        },
      ];
    default:
      if (name === 'device_id') {
        // A device identifier follows one person around; the pseudonymizer has no device kind, so
        // it shares the account namespace under a prefix that keeps the two apart.
        return [
          {
            name: 'device_pseudonym',
            sqlType: 'text',
            notNull: field.required,
            value: (r, c) => (typeof r[name] === 'string' ? c.pseudonymizer.pseudonym('account', `device:${r[name]}`) : null),
          },
        ];
      }
      return [{ name, sqlType: SQL_TYPE[field.type], notNull: field.required, value: (r) => r[name] ?? null }];
  }
}

/** Columns derived at load, after the fields. */
function derivedColumns(type: RecordType): DomainColumn[] {
  if (type === 'loan') {
    return [
      {
        // Where the borrower is registered (GB/T 2260, from the resident ID or the USCC): for jurisdiction views.
        name: 'borrower_region_code',
        sqlType: 'text',
        notNull: false,
        value: (r) => {
          const id = r.borrower_id;
          if (typeof id !== 'string') return null;
          return r.borrower_type === 'organisation' ? id.slice(2, 8) : id.slice(0, 6);
        },
      },
      {
        name: 'annualised_cost',
        sqlType: 'numeric',
        notNull: false,
        value: (r) => {
          const cost = annualisedCostOfLoan(r);
          return cost === null || !Number.isFinite(cost) ? null : Math.round(cost * 1e6) / 1e6;
        },
      },
    ];
  }
  if (type === 'algorithm_decision') {
    // Sex and age at the decision, from the resident ID: what an audit of outcomes between groups needs.
    return [
      {
        name: 'applicant_sex',
        sqlType: 'text',
        notNull: false,
        value: (r) => (r.applicant_type === 'individual' && typeof r.applicant_id === 'string' ? ((r.applicant_id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female') : null),
      },
      {
        name: 'applicant_age',
        sqlType: 'integer',
        notNull: false,
        value: (r) => {
          if (r.applicant_type !== 'individual' || typeof r.applicant_id !== 'string' || typeof r.decided_at !== 'string') return null;
          const decidedMs = parseDateTimeMs(r.decided_at);
          const birthMs = birthDayOfResidentId(r.applicant_id) * 86_400_000;
          return Math.floor((decidedMs - birthMs) / MS_PER_YEAR_APPROX);
        },
      },
    ];
  }
  return [];
}

/** The party key of an organisation: its USCC under a prefix no pseudonym (64 hex digits) can have. */
export function organisationPartyKey(uscc: string): string {
  return `uscc:${uscc}`;
}

/** The key of the party named by a `party_id` field (its pseudonym or its organisation key), or null when absent. */
function partyOf(record: NormalizedRecord, context: CopyContext, field: string, typeField: string): string | null {
  const id = record[field];
  if (typeof id !== 'string') return null;
  const kind = record[typeField];
  if (kind === 'individual') return context.pseudonymizer.pseudonym('resident_id', id);
  if (kind === 'organisation') return organisationPartyKey(id);
  return null;
}

/**
 * Whom a record is about, for reading a consumer's records together (and, under Citus, keeping
 * them on one shard). Null for repayments and collection actions: the database takes their loan's
 * key as the row arrives (a trigger, migrations/0030_history.sql).
 */
function partyKeyOf(type: RecordType): (record: NormalizedRecord, context: CopyContext) => string | null {
  const institution = (_r: NormalizedRecord, c: CopyContext) => organisationPartyKey(c.institutionUscc);
  switch (type) {
    case 'product':
    case 'disclosure':
      return institution;
    case 'loan':
      return (r, c) => partyOf(r, c, 'borrower_id', 'borrower_type');
    case 'repayment':
    case 'collection':
      return () => null;
    case 'payment':
      return (r, c) => partyOf(r, c, 'payer_id', 'payer_type') ?? `account:${c.pseudonymizer.pseudonym('account', r.payer_account as string)}`;
    case 'fund_flow':
      return (r, c) =>
        partyOf(r, c, 'from_party_id', 'from_party_type') ?? partyOf(r, c, 'to_party_id', 'to_party_type') ?? `account:${c.pseudonymizer.pseudonym('account', r.from_account as string)}`;
    case 'complaint':
      return (r, c) => {
        if (typeof r.complainant_id === 'string') return c.pseudonymizer.pseudonym('resident_id', r.complainant_id);
        if (typeof r.complainant_phone === 'string') return `phone:${c.pseudonymizer.pseudonym('phone', canonicalPhone(r.complainant_phone))}`;
        return organisationPartyKey(c.institutionUscc);
      };
    case 'algorithm_decision':
      return (r, c) => partyOf(r, c, 'applicant_id', 'applicant_type');
  }
}

/** Columns of the history every domain table has (migrations/0030_history.sql), after the others. */
function historyColumns(type: RecordType): DomainColumn[] {
  return [
    { name: 'period', sqlType: 'text', notNull: true, value: (_r, c) => c.period },
    { name: 'party_key', sqlType: 'text', notNull: true, value: partyKeyOf(type) },
    { name: 'valid_from', sqlType: 'timestamptz', notNull: true, value: (_r, c) => c.validFrom },
    // A row is loaded as the version in force; the load closes it (and others) as history requires.
    { name: 'valid_to', sqlType: 'timestamptz', notNull: false, value: () => null },
  ];
}

const IDENTITY_COLUMNS: DomainColumn[] = [
  { name: 'filing_id', sqlType: 'uuid', notNull: true, value: (_r, c) => c.filingId },
  { name: 'institution_id', sqlType: 'uuid', notNull: true, value: (_r, c) => c.institutionId },
];

const columnCache = new Map<RecordType, DomainColumn[]>();

/** Every column of the domain table of `recordType`, in COPY order, with how each is filled. */
export function domainColumns(recordType: RecordType): readonly DomainColumn[] {
  let columns = columnCache.get(recordType);
  if (!columns) {
    columns = [...IDENTITY_COLUMNS, ...recordTypeDef(recordType).fields.flatMap(columnsOf), ...derivedColumns(recordType), ...historyColumns(recordType)];
    columnCache.set(recordType, columns);
  }
  return columns;
}

const nameCache = new Map<RecordType, readonly string[]>();

/** Columns of the domain table in COPY order. */
export function copyColumns(recordType: RecordType): readonly string[] {
  let names = nameCache.get(recordType);
  if (!names) {
    names = Object.freeze(domainColumns(recordType).map((c) => c.name));
    nameCache.set(recordType, names);
  }
  return names;
}

/** One normalized record as COPY values, in `copyColumns` order (pseudonymises people, computes cost of credit for loans). */
export function toCopyValues(recordType: RecordType, record: NormalizedRecord, context: CopyContext): CopyValue[] {
  const columns = domainColumns(recordType);
  const values = new Array<CopyValue>(columns.length);
  for (let i = 0; i < columns.length; i++) values[i] = columns[i]!.value(record, context);
  return values;
}


const lineCache = new Map<RecordType, (record: NormalizedRecord, context: CopyContext) => string>();

/**
 * One normalized record as a line of COPY text ('\n'-terminated, tab-separated, escaped as
 * copyTextValue does): the same values as toCopyValues, without the array in between, for the
 * load's hot path.
 */
export function toCopyLine(recordType: RecordType, record: NormalizedRecord, context: CopyContext): string {
  let line = lineCache.get(recordType);
  if (!line) {
    const columns = domainColumns(recordType);
    const width = columns.length;
    line = (r, c) => {
      let text = copyTextValue(columns[0]!.value(r, c));
      for (let i = 1; i < width; i++) text += `\t${copyTextValue(columns[i]!.value(r, c))}`;
      return `${text}\n`;
    };
    lineCache.set(recordType, line);
  }
  return line(record, context);
}
