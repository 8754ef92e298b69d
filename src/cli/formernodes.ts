/**
 * Nodes a data dir ran before and `skiff up` no longer runs (`--nodes 3` after `--nodes 1`, or
 * another `--node-name`): their containers are stopped, their pods and Node objects deleted and
 * their dirs removed, so no ghost node stays NotReady forever with pods that look alive, and
 * controllers replace the pods on the nodes that run at once. (What `up` does not know it ran —
 * a node deleted by hand — is the pod garbage collector's, after its quarantine.)
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../api/errors.js';
import type { Pod } from '../api/kinds.js';
import { nodes as nodesResource, pods as podsResource } from '../api/resources.js';
import type { RestClient } from '../client/rest.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Logger } from '../util/log.js';
import type { NodeSpec } from './nodes.js';

export interface FormerNodesOptions {
  readonly client: RestClient;
  readonly dataDir: string;
  readonly current: readonly NodeSpec[];
  readonly makeRuntime: (spec: NodeSpec, dataDir: string) => Runtime;
  readonly log: Logger;
}

function nodeDirs(nodesDir: string): string[] {
  try {
    return readdirSync(nodesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
}

/** Stops whatever a former node left running, in its own runtime. */
async function stopLeftovers(runtime: Runtime): Promise<void> {
  const left = (await runtime.recover?.()) ?? [];
  for (const { sandbox, containers } of left) {
    await Promise.all(containers.map((c) => runtime.stopContainer(c.run.id, 0)));
    await runtime.removeSandbox(sandbox);
  }
  await runtime.close();
}

/** Retires every node of this data dir that is not in `current`; returns their names. */
export async function retireFormerNodes(opts: FormerNodesOptions): Promise<string[]> {
  const nodesDir = path.join(opts.dataDir, 'nodes');
  const wanted = new Set(opts.current.map((s) => s.name));
  const former = nodeDirs(nodesDir).filter((n) => !wanted.has(n));
  for (const name of former) {
    const dir = path.join(nodesDir, name);
    // The address and pod range matter only to new pods; this runtime only stops old ones.
    await stopLeftovers(opts.makeRuntime({ ...opts.current[0]!, name }, dir));
    // Their containers are stopped: the pods are over, as a force delete says.
    const bound = await opts.client.list<Pod>(podsResource, undefined, { fieldSelector: `spec.nodeName=${name}` });
    for (const p of bound.items) await ignoreGone(opts.client.delete(podsResource, p.metadata.namespace, p.metadata.name ?? '', { gracePeriodSeconds: 0 }));
    await ignoreGone(opts.client.delete(nodesResource, undefined, name));
    rmSync(dir, { recursive: true, force: true });
    opts.log.info({ node: name }, 'removed a node this data dir ran before and no longer runs');
  }
  return former;
}
