/**
 * Rule parameters and alert facts as people read them: money in yuan, rates in percent, times in
 * China time, counts with their unit; and back from what a supervisor types into a form.
 */
import { useTranslation } from 'react-i18next';
import { formatCount, formatDateTime, formatYuan } from '../components/format.js';
import { useCodeName, useStandard, useZhEn } from '../filing/standard.js';
import type { Fact, ParameterType, RuleParameter, ValueType } from '../types.js';

/** A rate as a percentage with two to four decimals: 0.154 → 15.40%, 0.03875 → 3.875%. */
export function formatPercent(rate: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-US' : 'zh-CN', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(rate);
}

/** Formats one value by its type (and unit): what a fact or a parameter tier shows. */
export function useValueText(): (type: ValueType | (string & {}), value: unknown, unit?: string) => string {
  const { t, i18n } = useTranslation();
  return (type, value, unit) => {
    if (value === null || value === undefined || value === '') return '—';
    switch (type) {
      case 'money_fen':
        return typeof value === 'number' ? formatYuan(value) : String(value);
      case 'rate':
        return typeof value === 'number' ? formatPercent(value, i18n.language) : String(value);
      case 'integer':
        if (typeof value !== 'number') return String(value);
        return unit ? t(`rulebook.units.${unit}`, { count: value, defaultValue: formatCount(value, i18n.language) }) : formatCount(value, i18n.language);
      case 'decimal':
        return typeof value === 'number' ? new Intl.NumberFormat(i18n.language.startsWith('en') ? 'en-US' : 'zh-CN', { maximumFractionDigits: 6 }).format(value) : String(value);
      case 'datetime':
        return typeof value === 'string' ? formatDateTime(value) : String(value);
      case 'boolean':
        return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
      case 'code':
        // A parameter's code (calendar or working days); a field's code is named by useFactText.
        return typeof value === 'string' ? t(`rulebook.codes.${value}`, { defaultValue: value }) : String(value);
      case 'date':
      case 'string':
        return typeof value === 'string' ? value : JSON.stringify(value);
      default:
        // A type this page does not know yet: the value as it came.
        return typeof value === 'string' ? value : JSON.stringify(value);
    }
  };
}

/** An alert's fact as text: useValueText, with a filed code named from its code list and a missing value said so. */
export function useFactText(): (fact: Fact, recordType: string) => string {
  const { t } = useTranslation();
  const valueText = useValueText();
  const codeName = useCodeName();
  const { standard } = useStandard();
  return (fact, recordType) => {
    if (fact.value === null) return t('alerts.notFiled');
    if (fact.type === 'code' && fact.kind === 'field' && typeof fact.value === 'string') {
      const list = standard?.recordTypes.find((r) => r.type === recordType)?.fields.find((field) => field.name === fact.name)?.codeList;
      if (list) return codeName(list, fact.value);
    }
    return valueText(fact.type, fact.value);
  };
}

/**
 * A fact's label in the reader's language. A filed field's label names its unit as filed ("金额（分）",
 * "Amount (fen)"); the page shows the amount in yuan, so the unit in the label goes.
 */
export function useFactLabel(): (fact: Pick<Fact, 'label' | 'name' | 'type'>) => string {
  const text = useZhEn();
  return (fact) => {
    const label = text(fact.label, fact.name);
    return fact.type === 'money_fen' ? label.replace(/\s*[（(](?:in )?(?:fen|分)[)）]/iu, '') : label;
  };
}

/**
 * A parameter value as the form holds it: yuan for money, percent for a rate (the API keeps fen and
 * decimals; a supervisor thinks in 200,000 yuan and 15.4%).
 */
export function toFormValue(type: ParameterType, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (type === 'money_fen') return value / 100;
  if (type === 'rate') return Math.round(value * 100 * 1e6) / 1e6;
  return value;
}

/** A form value back as the API wants it: fen (an integer) for money, a decimal for a rate. */
export function fromFormValue(type: ParameterType, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (type === 'money_fen') return Math.round(value * 100);
  // Percent to decimal without the float noise of a plain division (15.4 / 100 = 0.15400000000000003).
  if (type === 'rate') return Number((value / 100).toPrecision(12));
  return value;
}

/** The tier a jurisdiction code is: the country, a province (XX0000) or a city. */
export function tierOf(code: string): 'national' | 'province' | 'city' {
  if (code === '000000') return 'national';
  return code.endsWith('0000') ? 'province' : 'city';
}

/** The chain of tiers above and at a jurisdiction: 330100 → 000000, 330000, 330100. */
export function tierChain(code: string): string[] {
  const chain = ['000000'];
  if (code === '000000') return chain;
  chain.push(`${code.slice(0, 2)}0000`);
  if (!code.endsWith('0000')) chain.push(`${code.slice(0, 4)}00`);
  return chain;
}

/**
 * True when `value` is stricter than `than` in the parameter's direction: a lower cap, a higher
 * floor; for a code, nearer the start of its list (which runs strictest first).
 */
export function tighter(parameter: Pick<RuleParameter, 'direction' | 'codes'>, value: unknown, than: unknown): boolean {
  const { direction } = parameter;
  if (direction === 'fixed') return false;
  if (typeof value === 'string' && typeof than === 'string' && parameter.codes) {
    const [a, b] = [parameter.codes.indexOf(value), parameter.codes.indexOf(than)];
    if (a < 0 || b < 0) return false;
    return direction === 'cap' ? a < b : a > b;
  }
  if ((typeof value === 'number' && typeof than === 'number') || (typeof value === 'string' && typeof than === 'string')) {
    return direction === 'cap' ? value < than : value > than;
  }
  return false;
}

/** Today in China, YYYY-MM-DD: the date the rulebook opens on. */
export function todayInChina(): string {
  return formatDateTime(new Date().toISOString(), false);
}
