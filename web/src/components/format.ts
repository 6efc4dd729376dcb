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

function formatter(withTime: boolean): Intl.DateTimeFormat {
  const key = String(withTime);
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    formatters.set(key, format);
  }
  return format;
}

/**
 * A UTC timestamp as date (and time) in Beijing, written the same in both languages and never
 * ambiguous: 2026-12-02 14:05 (never 02/12/2026, which an American reads as February).
 */
export function formatDateTime(value: string | null | undefined, withTime = true): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = Object.fromEntries(formatter(withTime).formatToParts(date).map((part) => [part.type, part.value]));
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return withTime ? `${day} ${parts.hour}:${parts.minute}` : day;
}

/** formatDateTime as a hook, for components that format many dates. */
export function useDateTime(): (value: string | null | undefined, withTime?: boolean) => string {
  return formatDateTime;
}

/**
 * A note stored in both languages as "中文 / English" (as the demo data and many supervisors write
 * them), in the reader's language only; any other text as it is.
 */
export function localNote(text: string, english: boolean): string {
  const split = /^(.*[\u4e00-\u9fff].*?)\s+\/\s+([^\u4e00-\u9fff]+)$/su.exec(text);
  if (!split) return text;
  return english ? split[2]!.trim() : split[1]!.trim();
}

/** localNote in the current UI language. */
export function useLocalNote(): (text: string | null | undefined) => string {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (text) => (text ? localNote(text, english) : '');
}

/** An amount in fen, exact, in yuan with the yuan sign: 5760000 → ¥57,600.00 (both languages). */
export function formatYuan(fen: number): string {
  return `${fen < 0 ? '-' : ''}¥${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(fen) / 100)}`;
}

/** A count with thousands separators. */
export function formatCount(value: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-US' : 'zh-CN').format(value);
}

const YI = 100_000_000;
const WAN = 10_000;

/**
 * An amount in fen as a reader expects it: 万元 / 亿元 in Chinese (3,259.40 万元), compact CNY in
 * English (CNY 32.59M). Exact to the fen only below ten thousand yuan; a dashboard wants magnitude.
 */
export function formatMoney(fen: number, language: string): string {
  const yuan = fen / 100;
  if (language.startsWith('en')) {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'CNY', currencyDisplay: 'code', notation: Math.abs(yuan) >= 10_000 ? 'compact' : 'standard', maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(yuan);
  }
  const number = (value: number) => new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  if (Math.abs(yuan) >= YI) return `${number(yuan / YI)} 亿元`;
  if (Math.abs(yuan) >= WAN) return `${number(yuan / WAN)} 万元`;
  return `${number(yuan)} 元`;
}

/** A rate held as a decimal (0.2400) as a percentage, e.g. 24.00%; null as a dash. */
export function formatRate(rate: number | null | undefined, language: string, digits = 2): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-US' : 'zh-CN', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rate);
}

/** A size in bytes, e.g. 1.4 MB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
