/**
 * Tiny Prometheus registry (text exposition format 0.0.4): counters and gauges with labels, values
 * computed at scrape time, and ready-made `GET /metrics` and `GET /health` routes.
 */
import type { Route } from "./server";

export type Labels = Record<string, string>;
export type MetricType = "counter" | "gauge";

/** One exported series of a collected metric. */
export interface Sample {
  labels?: Labels;
  value: number | bigint;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(v: number | bigint): string {
  const n = typeof v === "bigint" ? Number(v) : v;
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

function labelKey(names: readonly string[], labels: Labels, metric: string): string {
  const given = Object.keys(labels);
  if (given.length !== names.length || !names.every((n) => n in labels)) {
    throw new Error(`Metric ${metric} takes labels [${names.join(", ")}], got [${given.join(", ")}]`);
  }
  return names.map((n) => `${n}="${escapeLabelValue(String(labels[n]))}"`).join(",");
}

abstract class Metric {
  protected readonly series = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {}

  protected key(labels: Labels): string {
    return labelKey(this.labelNames, labels, this.name);
  }

  /** The current value for `labels` (0 if never touched). */
  get(labels: Labels = {}): number {
    return this.series.get(this.key(labels)) ?? 0;
  }

  samples(): Array<[string, number]> {
    if (this.series.size === 0 && this.labelNames.length === 0) return [["", 0]];
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export class Counter extends Metric {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, "counter", labelNames);
  }

  /** Adds `value` (>= 0, default 1). */
  inc(labels: Labels = {}, value = 1): void {
    if (!(value >= 0)) throw new Error(`Counter ${this.name} can only increase (got ${value})`);
    const k = this.key(labels);
    this.series.set(k, (this.series.get(k) ?? 0) + value);
  }
}

export class Gauge extends Metric {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, "gauge", labelNames);
  }

  set(labels: Labels, value: number | bigint): void {
    this.series.set(this.key(labels), Number(value));
  }

  inc(labels: Labels = {}, value = 1): void {
    const k = this.key(labels);
    this.series.set(k, (this.series.get(k) ?? 0) + value);
  }

  dec(labels: Labels = {}, value = 1): void {
    this.inc(labels, -value);
  }

  /** Removes one labelled series (e.g. a node that left). */
  remove(labels: Labels): void {
    this.series.delete(this.key(labels));
  }
}

interface Collected {
  name: string;
  help: string;
  type: MetricType;
  collect: () => number | bigint | Sample[];
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric | Collected>();

  private claim(name: string, labelNames: readonly string[] = []): void {
    if (!NAME.test(name)) throw new Error(`Invalid metric name "${name}"`);
    for (const l of labelNames)
      if (!LABEL.test(l) || l.startsWith("__")) throw new Error(`Invalid label name "${l}"`);
    if (this.metrics.has(name)) throw new Error(`Metric ${name} is already registered`);
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    this.claim(name, labelNames);
    const m = new Counter(name, help, labelNames);
    this.metrics.set(name, m);
    return m;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    this.claim(name, labelNames);
    const m = new Gauge(name, help, labelNames);
    this.metrics.set(name, m);
    return m;
  }

  /** A metric whose value(s) are computed at each scrape (e.g. head lag, RPC counters, a balance). */
  collect(name: string, type: MetricType, help: string, collect: () => number | bigint | Sample[]): void {
    this.claim(name);
    this.metrics.set(name, { name, help, type, collect });
  }

  /** The whole registry in Prometheus text format. A failing collector is reported as a comment, not thrown. */
  render(): string {
    const lines: string[] = [];
    for (const m of this.metrics.values()) {
      let samples: Array<[string, number | bigint]>;
      if (m instanceof Metric) {
        samples = m.samples();
      } else {
        let out: number | bigint | Sample[];
        try {
          out = m.collect();
        } catch (e) {
          lines.push(
            `# collector for ${m.name} failed: ${escapeHelp(e instanceof Error ? e.message : String(e))}`,
          );
          continue;
        }
        samples = Array.isArray(out)
          ? out.map((s) => {
              const labels = s.labels ?? {};
              return [labelKey(Object.keys(labels).sort(), labels, m.name), s.value];
            })
          : [["", out]];
      }
      lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`);
      lines.push(`# TYPE ${m.name} ${m.type}`);
      for (const [labels, value] of samples) {
        lines.push(`${m.name}${labels ? `{${labels}}` : ""} ${formatValue(value)}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** `GET <path>` (default /metrics) serving the registry. */
export function metricsRoute(registry: MetricsRegistry, path = "/metrics"): Route {
  return {
    method: "GET",
    path,
    handler: () => ({ text: registry.render(), contentType: PROMETHEUS_CONTENT_TYPE }),
  };
}

/** What a health check reports; `ok: false` answers 503. */
export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

/** `GET <path>` (default /health): 200 with the report when ok, 503 otherwise (also if the check throws). */
export function healthRoute(check: () => HealthReport | Promise<HealthReport>, path = "/health"): Route {
  return {
    method: "GET",
    path,
    handler: async () => {
      let report: HealthReport;
      try {
        report = await check();
      } catch (e) {
        report = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      return { status: report.ok ? 200 : 503, json: report };
    },
  };
}
