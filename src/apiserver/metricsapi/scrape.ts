/**
 * The API server reads each node's `/stats/summary` when metrics are asked for, through the same
 * dialer as logs and exec (nodedial.ts): on demand rather than pushed, so nothing is stored, a
 * cluster nobody asks costs nothing, and the node's endpoint keeps its one authorization path.
 * Answers are shared for a moment so that `kubectl top` and the autoscaler asking together cost
 * one round of requests.
 */
import type { Node } from '../../api/kinds.js';
import type { NodeDialer } from '../nodedial.js';

export interface SummaryUsage {
  readonly time?: string;
  readonly usageNanoCores?: number;
  readonly usageCoreNanoSeconds?: number;
  readonly workingSetBytes?: number;
}

export interface SummaryContainer {
  readonly name: string;
  readonly startTime?: string;
  readonly cpu?: SummaryUsage;
  readonly memory?: SummaryUsage;
}

export interface SummaryPod {
  readonly podRef: { readonly name: string; readonly namespace: string; readonly uid?: string };
  readonly containers?: readonly SummaryContainer[];
}

export interface Summary {
  readonly node: { readonly nodeName: string; readonly startTime?: string; readonly cpu?: SummaryUsage; readonly memory?: SummaryUsage };
  readonly pods?: readonly SummaryPod[];
}

const timeoutMs = 5000;
const maxBytes = 16 << 20;

/** One node's summary, or undefined when it cannot be had (metrics-server leaves such a node out). */
async function fetchSummary(dialer: NodeDialer, node: string): Promise<Summary | undefined> {
  try {
    const req = await dialer.request(node, { path: '/stats/summary', headers: { accept: 'application/json' } });
    return await new Promise<Summary | undefined>((resolve) => {
      const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
      req.once('error', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) req.destroy(new Error('summary too large'));
          else chunks.push(c);
        });
        res.once('end', () => {
          clearTimeout(timer);
          try {
            resolve(res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Summary) : undefined);
          } catch {
            resolve(undefined);
          }
        });
        res.once('error', () => resolve(undefined));
      });
      req.end();
    });
  } catch {
    return undefined;
  }
}

export class SummaryScraper {
  private cached: { at: number; result: Promise<Map<string, Summary>> } | undefined;

  constructor(
    private readonly dialer: NodeDialer,
    private readonly listNodes: () => Promise<readonly Node[]>,
    private readonly shareMs = 1000,
  ) {}

  /** Every reachable node's summary, by node name. */
  summaries(): Promise<Map<string, Summary>> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.shareMs) return this.cached.result;
    const result = this.scrape();
    this.cached = { at: now, result };
    return result;
  }

  private async scrape(): Promise<Map<string, Summary>> {
    const nodes = await this.listNodes();
    // Nodes that never advertised an endpoint (simulated ones) have nothing to ask.
    const reachable = nodes.filter((n) => n.status?.daemonEndpoints?.kubeletEndpoint?.Port);
    const answers = await Promise.all(reachable.map(async (n) => [n.metadata.name ?? '', await fetchSummary(this.dialer, n.metadata.name ?? '')] as const));
    return new Map(answers.filter((a): a is readonly [string, Summary] => a[1] !== undefined));
  }
}
