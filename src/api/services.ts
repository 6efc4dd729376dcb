import type { Platform } from '../platform/platform.js';
import type { Capability } from '../platform/capability.js';
import { RegistryService } from '../registry/registry.service.js';
import { IdentityService } from '../identity/identity.service.js';
import { FilingService } from '../filing/filing.service.js';
import { SupervisionService } from '../supervision/supervision.service.js';

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
}

/** Build every capability's service over the platform. */
export function createServices(platform: Platform): Services {
  const registry = new RegistryService(platform);
  const identity = new IdentityService(platform);
  const filing = new FilingService(platform, registry);
  const supervision = new SupervisionService(platform, registry);
  return { platform, registry, identity, filing, supervision };
}

/**
 * The capabilities with a start and stop step, in the order they start. A capability that
 * subscribes to events adds itself here; `startCapabilities` starts them before the event relay.
 */
export function capabilities(_services: Services): Capability[] {
  return [];
}
