import { useEffect, useState } from 'react';
import { api } from '../api.js';

/** One of the caller's own evidence vault items, to attach to a position. */
export interface OwnEvidence {
  evidenceId: string;
  fileName: string;
}

/** The caller's own evidence items (none for roles that hold no vault). */
export function useOwnEvidence(role: 'consumer' | 'institution' | 'mediator' | 'supervisor' | null): OwnEvidence[] {
  const [items, setItems] = useState<OwnEvidence[]>([]);
  useEffect(() => {
    if (role !== 'consumer' && role !== 'institution') return;
    let current = true;
    api.get<{ items: OwnEvidence[] }>(`/v1/${role}/evidence`).then(
      (reply) => current && setItems(reply.items ?? []),
      () => current && setItems([]),
    );
    return () => {
      current = false;
    };
  }, [role]);
  return items;
}
