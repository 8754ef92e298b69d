/**
 * CPU rates as metrics-server computes them: the change of a cumulative counter between two
 * samples, over the time between them (the `window`). A series seen once has no earlier point
 * here: its rate is then the one the node measured between its own last two samples, with the
 * node's sampling period as the window (as metrics-server reported Summary API rates).
 */
export interface Point {
  readonly time: number;
  readonly cumulativeNanos: number;
}

export interface Rate {
  readonly nanoCores: number;
  readonly windowSeconds: number;
  readonly time: number;
}

/** The node's sampling period (agent/metrics/collector.ts's default). */
export const nodeSamplingSeconds = 10;

export class RateMemory {
  /** Per series: the latest point and the one before it with an earlier time. */
  private readonly series = new Map<string, { last: Point; before?: Point; seen: number }>();
  private generation = 0;

  /** The rate of `key` given its newest point; `fallback` when there is no earlier point. */
  rate(key: string, p: Point, fallback: () => Rate | undefined): Rate | undefined {
    let s = this.series.get(key);
    if (!s || p.time < s.last.time || p.cumulativeNanos < s.last.cumulativeNanos) s = { last: p, seen: this.generation };
    else if (p.time > s.last.time) s = { last: p, before: s.last, seen: this.generation };
    else s.seen = this.generation;
    this.series.set(key, s);
    if (!s.before) return fallback();
    const windowSeconds = (s.last.time - s.before.time) / 1000;
    return { nanoCores: Math.max(0, Math.round((s.last.cumulativeNanos - s.before.cumulativeNanos) / windowSeconds)), windowSeconds, time: s.last.time };
  }

  /** Ends a round of `rate` calls over every series: those not seen for a few rounds are gone
   * (deleted pods, removed nodes). */
  sweep(): void {
    this.generation++;
    for (const [k, s] of this.series) if (this.generation - s.seen > 3) this.series.delete(k);
  }
}
