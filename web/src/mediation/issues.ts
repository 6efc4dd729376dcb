import { useLocalName } from '../components/format.js';

/** The name of a complaint's issue in the reader's language. */
export function useIssueName(): (issue: { zh: string; en: string }) => string {
  const name = useLocalName();
  return (issue) => name({ nameZh: issue.zh, nameEn: issue.en });
}
