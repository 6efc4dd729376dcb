/**
 * The data standard as the UI reads it: the record types with their fields and the edit catalogue
 * from the API (fetched once per page load), and the code lists, which the API does not serve,
 * from the standard's own definition in src/standard/standard.ts (a module without imports, so the
 * bundle takes only the lists).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { codeLists } from '../../../src/standard/standard.js';
import type { Edit, RecordType } from '../types.js';

export interface Standard {
  recordTypes: RecordType[];
  edits: Map<string, Edit>;
}

let pending: Promise<Standard> | undefined;

function loadStandard(): Promise<Standard> {
  pending ??= Promise.all([api.get<{ recordTypes: RecordType[] }>('/v1/standard/record-types'), api.get<{ edits: Edit[] }>('/v1/standard/edits')]).then(
    ([types, catalogue]) => ({ recordTypes: types.recordTypes, edits: new Map(catalogue.edits.map((edit) => [edit.id, edit])) }),
    (error: unknown) => {
      pending = undefined; // the next page tries again
      throw error;
    },
  );
  return pending;
}

/** The standard, undefined until it arrives. */
export function useStandard(): { standard: Standard | undefined; error: unknown } {
  const [standard, setStandard] = useState<Standard>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    loadStandard().then(
      (value) => current && setStandard(value),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, []);
  return { standard, error };
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

export type CodeListName = keyof typeof codeLists;

/** The codes of a list with their names, e.g. complaint categories. */
export function codesOf(list: string): { code: string; zh: string; en: string }[] {
  return list in codeLists ? [...codeLists[list as CodeListName].codes] : [];
}

/** The name of a code in a code list (`complaint_category`, `collection_conduct` → 催收行为); unknown codes as they are. */
export function useCodeName(): (list: CodeListName, code: string) => string {
  const text = useZhEn();
  return (list, code) => text(codeLists[list]?.codes.find((entry) => entry.code === code), code);
}
