/**
 * The data standard as the UI reads it, from the API (fetched once per page load): the record
 * types with their fields, the edit catalogue, and the code lists with the names of their codes.
 */
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { shared, useShared } from '../components/shared.js';
import type { CodeList, CodeListsReply, Edit, FindingFigure, RecordType } from '../types.js';

export interface Standard {
  recordTypes: RecordType[];
  edits: Map<string, Edit>;
  codeLists: Map<string, CodeList>;
  /** What findings carry besides the record's fields (computed figures, what the reader found), by name. */
  figures: Map<string, FindingFigure>;
  /** Chinese readings of the file reader's fixed English phrases. */
  readerPhrasesZh: Record<string, string>;
}

const loadStandard = shared(async (): Promise<Standard> => {
  const [types, catalogue, lists] = await Promise.all([
    api.get<{ recordTypes: RecordType[] }>('/v1/standard/record-types'),
    api.get<{ edits: Edit[]; figures?: FindingFigure[]; readerPhrasesZh?: Record<string, string> }>('/v1/standard/edits'),
    api.get<CodeListsReply>('/v1/standard/code-lists'),
  ]);
  return {
    recordTypes: types.recordTypes,
    edits: new Map(catalogue.edits.map((edit) => [edit.id, edit])),
    codeLists: new Map(lists.codeLists.map((list) => [list.name, list])),
    figures: new Map((catalogue.figures ?? []).map((figure) => [figure.name, figure])),
    readerPhrasesZh: catalogue.readerPhrasesZh ?? {},
  };
});

/** The standard, undefined until it arrives. */
export function useStandard(): { standard: Standard | undefined; error: unknown } {
  const { value, error } = useShared(loadStandard);
  return { standard: value, error };
}

/** Anything with a Chinese and an English text. */
interface ZhEn {
  zh: string;
  en: string;
}

/** Picks the text in the reader's language. */
export function useZhEn(): (item: ZhEn | undefined, fallback?: string) => string {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (item, fallback = '—') => (item ? (english ? item.en || item.zh : item.zh || item.en) : fallback);
}

/** The name of a record type (`loan` → 贷款 / Loan); the code itself while the standard loads. */
export function useRecordTypeName(standard: Standard | undefined): (type: string) => string {
  const text = useZhEn();
  return (type) => text(standard?.recordTypes.find((r) => r.type === type), type);
}

/** The codes of a list with their names, e.g. complaint categories; none while the standard loads. */
export function codesOf(standard: Standard | undefined, list: string): CodeList['codes'] {
  return standard?.codeLists.get(list)?.codes ?? [];
}

/** The name of a code in a code list (`complaint_category`, `collection_conduct` → 催收行为); the code itself while the lists load or when unknown. */
export function useCodeName(): (list: string, code: string) => string {
  const text = useZhEn();
  const { standard } = useStandard();
  return (list, code) => text(codesOf(standard, list).find((entry) => entry.code === code), code);
}
