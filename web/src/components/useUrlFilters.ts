import { useSearchParams } from 'react-router-dom';

/**
 * Filters and the page number of a list, kept in the address so that a filtered list can be
 * bookmarked and the back button undoes a filter.
 */
export function useUrlFilters(): {
  /** A filter's value, undefined when unset. */
  get: (key: string) => string | undefined;
  /** The page asked for, from 1. */
  page: number;
  /** Change one filter; any change of filter goes back to the first page. */
  set: (key: string, value: string | undefined) => void;
  /** Change several filters at once (a date range's two ends). */
  setAll: (values: Record<string, string | undefined>) => void;
  /** Go to another page of the same filters. */
  setPage: (page: number) => void;
} {
  const [params, setParams] = useSearchParams();
  return {
    get: (key) => params.get(key) || undefined,
    page: Number(params.get('page') ?? '1') || 1,
    set: (key, value) => {
      const next = new URLSearchParams(params);
      if (value) next.set(key, value);
      else next.delete(key);
      next.delete('page');
      setParams(next);
    },
    setAll: (values) => {
      const next = new URLSearchParams(params);
      for (const [key, value] of Object.entries(values)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      next.delete('page');
      setParams(next);
    },
    setPage: (page) => {
      const next = new URLSearchParams(params);
      next.set('page', String(page));
      setParams(next);
    },
  };
}
