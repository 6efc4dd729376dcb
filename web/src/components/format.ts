/** Formatting in the reader's language; times are shown in China Standard Time. */
import { useTranslation } from 'react-i18next';

export interface Bilingual {
  nameZh: string;
  nameEn: string;
}

/** Picks the Chinese or English name of anything that carries both. */
export function useLocalName(): (item: Bilingual | null | undefined) => string {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (item) => (item ? (english ? item.nameEn || item.nameZh : item.nameZh || item.nameEn) : '—');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}|${withTime}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language.startsWith('en') ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
    });
    formatters.set(key, format);
  }
  return format;
}

/** A UTC timestamp as date and time in Beijing, e.g. 2025/03/01 14:05. */
export function useDateTime(): (value: string | null | undefined, withTime?: boolean) => string {
  const { i18n } = useTranslation();
  return (value, withTime = true) => {
    if (!value) return '—';
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return formatter(i18n.language, withTime).format(date);
  };
}

/** A count with thousands separators. */
export function formatCount(value: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-US' : 'zh-CN').format(value);
}
