import type { EventBus } from './events.js';

/**
 * A capability that does something when the platform starts and stops — typically subscribing to
 * events in `start` and stopping those subscriptions in `stop`.
 */
export interface Capability {
  readonly name: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Capabilities that started, to stop (in reverse order) at shutdown. */
export interface RunningCapabilities {
  readonly names: readonly string[];
  stop(): Promise<void>;
}

/**
 * Start every capability in order, then the event relay. The relay comes last so that every
 * consumer is registered before it hands an event over: none is fanned out past a consumer that
 * was about to subscribe. When one start fails, the ones already started are stopped and the
 * relay is not started.
 */
export async function startCapabilities(platform: { readonly events: EventBus }, capabilities: readonly Capability[]): Promise<RunningCapabilities> {
  const started: Capability[] = [];
  const stopAll = async () => {
    for (const capability of started.splice(0).reverse()) {
      await capability.stop?.().catch((error: unknown) => console.error(`[fenghuo] stopping ${capability.name}:`, error));
    }
  };
  const names = new Set<string>();
  for (const capability of capabilities) {
    if (names.has(capability.name)) throw new Error(`two capabilities are named "${capability.name}"`);
    names.add(capability.name);
  }
  for (const capability of capabilities) {
    try {
      await capability.start?.();
    } catch (error) {
      await stopAll();
      throw new Error(`capability ${capability.name} did not start: ${(error as Error).message}`, { cause: error });
    }
    started.push(capability);
  }
  platform.events.start();
  return { names: [...names], stop: stopAll };
}
