import type { Services } from '../api/services.js';

/** Load the demo data set when the database holds no institutions yet; true when it loaded. */
export async function loadDemoIfEmpty(_services: Services, _log: (line: string) => void): Promise<boolean> {
  return false;
}

/** The demo accounts, for the start-up banner. */
export function demoLogins(): string[] {
  return [];
}
