import { useEffect, useState } from 'react';

/**
 * A request made at most once per page load and shared by every caller (reference data, the data
 * standard). A failure is not kept, so the next page that asks tries again.
 */
export function shared<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The value of a shared request: undefined until it arrives, or the error it failed with. */
export function useShared<T>(get: () => Promise<T>): { value: T | undefined; error: unknown } {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    get().then(
      (arrived) => current && setValue(arrived),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [get]);
  return { value, error };
}
