/**
 * An alert's explanation in words a supervisor reads: the rule's sentence with its placeholders
 * filled from the facts, money in yuan, rates in percent, times in China time, codes by their
 * names in the code lists, one language at a time.
 */
import { chinaDay, chinaHour } from '../standard/china-time.js';
import { codeLists, isRecordType, recordTypeDef, type RecordType } from '../standard/standard.js';

export type FactKind = 'field' | 'feature' | 'parameter' | 'derived';
export type FactType = 'money_fen' | 'rate' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'string' | 'code';

/** One value that made a rule fire, as an alert keeps it. */
export interface Fact {
  name: string;
  kind: FactKind;
  type: FactType;
  label: { zh: string; en: string };
  value: string | number | boolean | null;
}

export type Language = 'zh' | 'en';

const PARAMETER_CODES: Record<string, { zh: string; en: string }> = {
  calendar_days: { zh: '自然日', en: 'calendar days' },
  working_days: { zh: '工作日', en: 'working days' },
};

const grouping = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A rate as a percentage with two to four decimals: enough to show why 15.4001% is above 15.40%. */
export function formatRate(rate: number): string {
  const percent = rate * 100;
  for (const digits of [2, 3, 4]) {
    const text = percent.toFixed(digits);
    if (Math.abs(Number(text) - percent) < 1e-9) return `${text}%`;
  }
  return `${percent.toFixed(4)}%`;
}

/** Money in fen as yuan: `1,234.56 元` or `CNY 1,234.56`. */
export function formatMoney(fen: number, language: Language): string {
  const yuan = grouping.format(fen / 100);
  return language === 'zh' ? `${yuan} 元` : `CNY ${yuan}`;
}

/** A timestamp in China time, to the minute. */
export function formatChinaTime(iso: string, language: Language): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const text = `${chinaDay(at)} ${String(chinaHour(at)).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  return language === 'zh' ? `${text}（北京时间）` : `${text} China time`;
}

function codeName(recordType: RecordType, fact: Fact, language: Language): string {
  const value = String(fact.value);
  if (fact.kind === 'parameter') return PARAMETER_CODES[value]?.[language] ?? value;
  const field = recordTypeDef(recordType).fields.find((f) => f.name === fact.name);
  const code = field?.codeList ? codeLists[field.codeList].codes.find((c) => c.code === value) : undefined;
  return code ? code[language] : value;
}

/** One fact's value as text in `language`. */
export function formatFact(recordType: RecordType, fact: Fact, language: Language): string {
  // A reporting obligation names the record type owed.
  if (fact.name === 'record_type' && fact.kind === 'field' && typeof fact.value === 'string' && isRecordType(fact.value)) return recordTypeDef(fact.value)[language];
  if (fact.value === null) return language === 'zh' ? '（未报送）' : '(not filed)';
  switch (fact.type) {
    case 'money_fen':
      return formatMoney(Number(fact.value), language);
    case 'rate':
      return formatRate(Number(fact.value));
    case 'datetime':
      return formatChinaTime(String(fact.value), language);
    case 'boolean':
      return fact.value ? (language === 'zh' ? '是' : 'yes') : language === 'zh' ? '否' : 'no';
    case 'code':
      return codeName(recordType, fact, language);
    case 'integer':
    case 'decimal':
      return String(fact.value);
    case 'date':
    case 'string':
      return String(fact.value);
  }
}

const KIND_OF_PREFIX: Record<string, FactKind> = { record: 'field', features: 'feature', params: 'parameter', derived: 'derived' };

/** Fill `{record.x}`, `{features.x}`, `{params.x}`, `{derived.x}` from the facts; an unknown placeholder is left as it is. */
export function renderExplanation(template: string, recordType: RecordType, facts: readonly Fact[], language: Language): string {
  return template.replace(/\{(record|features|params|derived)\.([a-z0-9_]+)\}/g, (whole, prefix: string, name: string) => {
    const fact = facts.find((f) => f.kind === KIND_OF_PREFIX[prefix] && f.name === name);
    return fact ? formatFact(recordType, fact, language) : whole;
  });
}
