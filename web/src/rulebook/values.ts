/**
 * Rule parameters and alert facts as people read them: money in yuan, rates in percent, times in
 * China time, counts with their unit, codes by their names.
 */
import { useTranslation } from 'react-i18next';
import { formatCount, formatDateTime, formatYuan } from '../components/format.js';
import { formatPercent } from './parameters.js';
import { useCodeName, useStandard, useZhEn } from '../filing/standard.js';
import type { Fact, ValueType } from '../types.js';

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
