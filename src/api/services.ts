import type { Platform } from '../platform/platform.js';

/**
 * One instance of each capability's service, built once per process. Capabilities reach each
 * other only through these.
 */
export interface Services {
  platform: Platform;
}

/** Build every capability's service over the platform. */
export function createServices(platform: Platform): Services {
  return { platform };
}
