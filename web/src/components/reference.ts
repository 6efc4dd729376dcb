/** Reference data every page needs (jurisdictions, licence types), fetched once per page load. */
import { api } from '../api.js';
import type { Jurisdiction, LicenceType } from '../types.js';
import { shared, useShared } from './shared.js';

export interface Reference {
  jurisdictions: Jurisdiction[];
  licenceTypes: LicenceType[];
}

const loadReference = shared(async (): Promise<Reference> => {
  const [jurisdictions, licenceTypes] = await Promise.all([
    api.get<{ items: Jurisdiction[] }>('/v1/public/jurisdictions'),
    api.get<{ items: LicenceType[] }>('/v1/public/licence-types'),
  ]);
  return { jurisdictions: jurisdictions.items, licenceTypes: licenceTypes.items };
});

const empty: Reference = { jurisdictions: [], licenceTypes: [] };

/** The reference data, empty until it arrives. */
export function useReference(): Reference & { error: unknown } {
  const { value, error } = useShared(loadReference);
  return { ...(value ?? empty), error };
}

export interface JurisdictionNode {
  value: string;
  title: string;
  children: JurisdictionNode[];
}

/** Jurisdictions as a tree for a TreeSelect, optionally only the subtree under `rootCode`. */
export function jurisdictionTree(jurisdictions: Jurisdiction[], name: (j: Jurisdiction) => string, rootCode?: string): JurisdictionNode[] {
  const nodes = new Map<string, JurisdictionNode>();
  for (const j of jurisdictions) nodes.set(j.code, { value: j.code, title: name(j), children: [] });
  const roots: JurisdictionNode[] = [];
  for (const j of jurisdictions) {
    const node = nodes.get(j.code)!;
    const parent = j.parentCode ? nodes.get(j.parentCode) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  if (rootCode) {
    const root = nodes.get(rootCode);
    return root ? [root] : [];
  }
  return roots;
}
