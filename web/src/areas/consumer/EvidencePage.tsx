import { EvidenceVault } from '../../evidence/EvidenceVault.js';

/** The consumer's evidence vault: contracts, vouchers, screenshots and recordings, each with its signed receipt. */
export function EvidencePage() {
  return <EvidenceVault base="/v1/consumer/evidence" />;
}
