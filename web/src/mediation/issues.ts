import { useTranslation } from 'react-i18next';

/**
 * The name of a complaint's issue in the reader's language: the complaint pages' own names when
 * they are loaded, else a general word (never the code).
 */
export function useIssueName(): (code: string) => string {
  const { t, i18n } = useTranslation();
  return (code) => {
    for (const key of [`complaints.issue.${code}`, `complaints.issues.${code}`]) {
      if (i18n.exists(key)) return t(key);
    }
    return t('mediation.fields.issue');
  };
}
