/**
 * `skiff image import|ls|rm` against the cluster of the kubeconfig (as `kind load` does): every
 * node's image store through the API server's `nodes/NAME/proxy/images` (image-endpoint.ts on
 * the node). Nodes of one `skiff up` share a store: an archive goes once to each store, and
 * every node is said with what it now has.
 */
import { createReadStream, statSync } from 'node:fs';
import https from 'node:https';
import type { Node } from '../../api/kinds.js';
import { nodes as nodesResource } from '../../api/resources.js';
import { errorFrom, tlsOf, type ClientConfig } from '../../client/index.js';
import type { ImageSummary } from '../../images/index.js';
import { CliError, type CliContext } from '../kube/index.js';

interface StoreAnswer {
  readonly store: string;
  readonly images?: ImageSummary[];
  readonly imported?: ImageSummary[];
  readonly deleted?: string[];
}

/** One request to a node's `/images`, with an optional file as its body. */
function nodeImages(config: ClientConfig, node: string, method: string, query: string, file?: string): Promise<StoreAnswer> {
  const url = new URL(`/api/v1/nodes/${encodeURIComponent(node)}/proxy/images${query}`, config.server);
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method,
      ...tlsOf(config),
      headers: {
        Accept: 'application/json',
        ...(config.token ? { Authorization: `Bearer ${config.token}` } : {}),
        ...(file ? { 'Content-Type': 'application/octet-stream', 'Content-Length': String(statSync(file).size) } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300 && body) resolve(body as StoreAnswer);
        else reject(errorFrom(code, body, text));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (file) createReadStream(file).on('error', reject).pipe(req);
    else req.end();
  });
}

interface NodeStore {
  readonly node: string;
  readonly store: string;
  readonly images: readonly ImageSummary[];
}

/** Each node with its store; nodes without one (process runtime) are said on stderr. */
async function nodeStores(ctx: CliContext): Promise<NodeStore[]> {
  const names = (await ctx.client.list<Node>(nodesResource)).items.map((n) => n.metadata.name ?? '').sort();
  if (!names.length) throw new CliError('the cluster has no nodes');
  const out: NodeStore[] = [];
  const without: string[] = [];
  for (const node of names) {
    try {
      const a = await nodeImages(ctx.config, node, 'GET', '');
      out.push({ node, store: a.store, images: a.images ?? [] });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 400) throw new CliError(`node ${node}: ${err instanceof Error ? err.message : String(err)}`);
      without.push(node);
    }
  }
  if (without.length) ctx.err.write(`skipped ${without.join(', ')}: the process runtime uses no images (an image name is a program of the host)\n`);
  if (!out.length) throw new CliError('no node of this cluster keeps images (they run the process runtime); start it with --runtime oci');
  return out;
}

/** The nodes grouped by store, in the order first seen. */
function byStore(list: readonly NodeStore[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const n of list) groups.set(n.store, [...(groups.get(n.store) ?? []), n.node]);
  return groups;
}

export async function importIntoCluster(ctx: CliContext, file: string, name: string | undefined): Promise<void> {
  statSync(file);
  for (const [, nodes] of byStore(await nodeStores(ctx))) {
    const a = await nodeImages(ctx.config, nodes[0]!, 'POST', name ? `?name=${encodeURIComponent(name)}` : '', file);
    for (const node of nodes) {
      for (const img of a.imported ?? []) ctx.out.write(`node ${node}: imported ${img.ref} (${img.imageId})\n`);
    }
  }
}

export async function listInCluster(ctx: CliContext): Promise<Array<{ node: string; images: readonly ImageSummary[] }>> {
  return (await nodeStores(ctx)).map((n) => ({ node: n.node, images: n.images }));
}

export async function removeFromCluster(ctx: CliContext, refs: readonly string[]): Promise<void> {
  const query = '?' + refs.map((r) => `ref=${encodeURIComponent(r)}`).join('&');
  for (const [, nodes] of byStore(await nodeStores(ctx))) {
    const a = await nodeImages(ctx.config, nodes[0]!, 'DELETE', query);
    for (const node of nodes) for (const ref of a.deleted ?? []) ctx.out.write(`node ${node}: deleted ${ref}\n`);
  }
}
