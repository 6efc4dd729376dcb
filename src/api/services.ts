import type { Platform } from '../platform/platform.js';
import type { Capability } from '../platform/capability.js';
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

/** Build every capability's service over the platform; `log` receives what runs in the background (load retries). */
export function createServices(platform: Platform, options: { log?: (line: string) => void } = {}): Services {
  const registry = new RegistryService(platform);
  const identity = new IdentityService(platform);
  const filing = new FilingService(platform, registry, options.log ? { log: options.log } : {});
  const supervision = new SupervisionService(platform, registry, filing);
  const loanCost = new LoanCostService(platform, registry);
  return { platform, registry, identity, filing, supervision, loanCost };
}

/**
 * The capabilities with a start and stop step, in the order they start. A capability that
 * subscribes to events adds itself here; `startCapabilities` starts them before the event relay.
 */
export function capabilities(_services: Services): Capability[] {
  return [];
}
