/**
 * `metrics.k8s.io/v1beta1`: `nodes` (NodeMetrics) and namespaced `pods` (PodMetrics), get and
 * list with label and field selectors, as metrics-server answers them behind kube-apiserver's
 * aggregator. Objects are joined with the Node and Pod objects of the API (for labels and
 * selectors); what a node reports for a pod the API no longer has is left out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MethodNotAllowedError, NoResourceError, NotFoundError } from '../../api/errors.js';
import { nodes as nodeResource, pods as podResource, type ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Node } from '../../api/kinds.js';
import { checkSupportedFields, parseFieldSelector } from '../../api/fields.js';
import { parseSelector } from '../../api/labels.js';
import type { Registry } from '../registry/registry.js';
import type { ListQuery } from '../registry/list.js';
import type { ResourceRequest } from '../http/requestinfo.js';
import type { RuntimeConfig } from '../runtimeconfig.js';
import { negotiateObject } from '../http/negotiate.js';
import { renderList, renderObject } from '../http/render.js';
import { includeObject } from '../http/query.js';
import { sendJson } from '../http/status.js';
import { printerFor } from '../tables/index.js';
import type { NodeDialer } from '../nodedial.js';
import { metricsApiVersion, nodeMetrics, podMetricsOf } from './convert.js';
import { RateMemory } from './rates.js';
import { SummaryScraper, type Summary } from './scrape.js';

export const metricsGroup = 'metrics.k8s.io';

export class MetricsApi {
  private readonly scraper: SummaryScraper;
  private readonly rates = new RateMemory();

  constructor(dialer: NodeDialer, private readonly registry: (r: ResourceType) => Registry) {
    this.scraper = new SummaryScraper(dialer, async () => (await registry(nodeResource).list(undefined, {})).items as Node[]);
  }

  /** Every node's and every pod's metrics from one round of summaries. */
  private async current(): Promise<{ nodes: Map<string, KubeObject>; pods: Map<string, KubeObject> }> {
    const summaries: Map<string, Summary> = await this.scraper.summaries();
    const now = new Date();
    const nodes = new Map<string, KubeObject>();
    const pods = new Map<string, KubeObject>();
    const nodeObjects = (await this.registry(nodeResource).list(undefined, {})).items;
    for (const n of nodeObjects) {
      const s = summaries.get(n.metadata.name ?? '');
      if (!s) continue;
      const m = nodeMetrics(n, s, this.rates, now);
      if (m) nodes.set(n.metadata.name ?? '', m);
      for (const [k, v] of podMetricsOf(n.metadata.name ?? '', s, this.rates, now)) pods.set(k, v);
    }
    this.rates.sweep();
    return { nodes, pods };
  }

  async serve(runtime: RuntimeConfig, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, q: URLSearchParams): Promise<void> {
    const sv = runtime.find(info.group, info.version, info.resource);
    if (!sv) throw new NoResourceError();
    const r = sv.resource;
    if (info.subresource !== undefined || (!r.namespaced && info.namespace !== undefined)) throw new NoResourceError();
    if (info.verb !== 'get' && info.verb !== 'list') throw new MethodNotAllowedError();
    const isPods = r.plural === 'pods';
    const source = this.registry(isPods ? podResource : nodeResource);
    const format = negotiateObject(req.headers.accept);
    const printer = printerFor(r.kind);
    const { nodes, pods } = await this.current();
    const metricsOf = (o: KubeObject): KubeObject | undefined => {
      const m = isPods ? pods.get(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`) : nodes.get(o.metadata.name ?? '');
      // Labels are the object's own, as metrics-server copies them.
      return m && { ...m, metadata: { ...m.metadata, ...(o.metadata.labels ? { labels: o.metadata.labels } : {}) } };
    };
    if (info.verb === 'get') {
      const obj = await source.get(info.namespace, info.name!).catch(() => undefined);
      const m = obj && metricsOf(obj);
      if (!m) throw new NotFoundError(r.plural, metricsGroup, info.name!);
      const out = renderObject(m, sv, format, printer, includeObject(q));
      return sendJson(res, 200, out.body, out.contentType);
    }
    const items = (await source.list(info.namespace, selectors(q, r.kind))).items.flatMap((o) => metricsOf(o) ?? []);
    const out = renderList({ apiVersion: metricsApiVersion, kind: `${r.kind}List`, metadata: {}, items }, sv, format, printer, includeObject(q));
    sendJson(res, 200, out.body, out.contentType);
  }
}

/** The label and field selectors of a list; fields are the metrics objects' own (name, and
 * namespace for pods). */
function selectors(q: URLSearchParams, kind: string): ListQuery {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const fieldSelector = fs ? parseFieldSelector(fs) : undefined;
  if (fieldSelector) checkSupportedFields(kind, fieldSelector);
  return { ...(ls ? { labelSelector: parseSelector(ls) } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
}
