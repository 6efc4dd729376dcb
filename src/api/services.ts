import type { Platform } from '../platform/platform.js';
import { RegistryService } from '../registry/registry.service.js';
import { IdentityService } from '../identity/identity.service.js';
import { FilingService } from '../filing/filing.service.js';
import { SupervisionService } from '../supervision/supervision.service.js';
import { LoanCostService } from '../supervision/loan-cost.service.js';

/**
 * One instance of each capability's service, built once per process. Capabilities reach each
 * other only through these.
 */
export interface Services {
  platform: Platform;
  registry: RegistryService;
  identity: IdentityService;
  filing: FilingService;
  supervision: SupervisionService;
  loanCost: LoanCostService;
}

/** Build every capability's service over the platform. */
export function createServices(platform: Platform): Services {
  const registry = new RegistryService(platform);
  const identity = new IdentityService(platform);
  const filing = new FilingService(platform, registry);
  const supervision = new SupervisionService(platform, registry, filing);
  const loanCost = new LoanCostService(platform, registry);
  return { platform, registry, identity, filing, supervision, loanCost };
}
