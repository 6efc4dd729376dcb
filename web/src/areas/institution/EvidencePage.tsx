import { EvidenceVault } from '../../evidence/EvidenceVault.js';

/** The institution's evidence vault: what it puts before a mediator in a case, each item with its signed receipt. */
export function EvidencePage() {
  return <EvidenceVault base="/v1/institution/evidence" />;
}
