/**
 * The figures `/metrics` serves, in the Prometheus text format: one registry per platform, which
 * the HTTP layer and every capability register their own metrics on. A figure read from the
 * database is a gauge with a `collect` function, so that it is queried only when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration, type Metric } from 'prom-client';

export type MetricsRegistry = Registry;

/** A registry with the process's own figures (memory, CPU, event loop, garbage collection). */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

// Two services or apps built on one platform (tests, the docs generator) must share a metric
// rather than fail on a duplicate name: each helper returns the one already registered.
function existing<T extends Metric<string>>(registry: Registry, name: string, kind: new (...args: never[]) => T): T | undefined {
  const found = registry.getSingleMetric(name);
  if (found === undefined) return undefined;
  if (!(found instanceof kind)) throw new Error(`metric ${name} is already registered as another kind`);
  return found;
}

/** The counter `config.name` on `registry`, registered on first use. */
export function counter<L extends string>(registry: Registry, config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return existing(registry, config.name, Counter<L>) ?? new Counter<L>({ ...config, registers: [registry] });
}

/** The histogram `config.name` on `registry`, registered on first use. */
export function histogram<L extends string>(registry: Registry, config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return existing(registry, config.name, Histogram<L>) ?? new Histogram<L>({ ...config, registers: [registry] });
}

/**
 * The gauge `config.name` on `registry`, registered on first use. With `config.collect`, the
 * gauge is filled when scraped; the first registration's `collect` is the one that runs.
 */
export function gauge<L extends string>(registry: Registry, config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return existing(registry, config.name, Gauge<L>) ?? new Gauge<L>({ ...config, registers: [registry] });
}
