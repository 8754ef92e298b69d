/**
 * Where a node agent hears about its pods and its Node object. A single agent watches with a
 * field selector (`spec.nodeName=NODE`, `metadata.name=NODE`); `skiff sim` runs thousands of
 * agents on one pod informer and one node informer and routes each event to the agent it
 * concerns (as KWOK does), so 5,000 nodes cost two watches, not 10,000.
 */
import type { Node, Pod } from '../api/kinds.js';
import { nodes as nodesResource, pods as podsResource } from '../api/resources.js';
import type { Informer } from '../client/informer.js';
import type { InformerFactory } from '../client/factory.js';

/** What an agent is told. */
export interface AgentEvents {
  podChanged(pod: Pod): void;
  podDeleted(pod: Pod): void;
  nodeChanged(node: Node): void;
}

export interface AgentFeed {
  /** Starts telling `agent` about the pods bound to `nodeName` (and its Node); returns the
   * pods already known. */
  attach(nodeName: string, agent: AgentEvents): Pod[];
  detach(nodeName: string): void;
}

/** One informer pair shared by many agents, events routed by node name. */
export class SharedAgentFeed implements AgentFeed {
  private readonly agents = new Map<string, AgentEvents>();
  private readonly pods: Informer<Pod>;

  constructor(informers: InformerFactory) {
    this.pods = informers.informer<Pod>(podsResource);
    this.pods.addIndex('byNodeName', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    this.pods.addEventHandler({
      add: (p) => this.route(p.spec.nodeName)?.podChanged(p),
      update: (old, p) => {
        if (old.spec.nodeName && old.spec.nodeName !== p.spec.nodeName) this.route(old.spec.nodeName)?.podDeleted(old);
        this.route(p.spec.nodeName)?.podChanged(p);
      },
      delete: (p) => this.route(p.spec.nodeName)?.podDeleted(p),
    });
    const nodeInformer = informers.informer<Node>(nodesResource);
    nodeInformer.addEventHandler({
      add: (n) => this.route(n.metadata.name)?.nodeChanged(n),
      update: (_o, n) => this.route(n.metadata.name)?.nodeChanged(n),
    });
  }

  private route(nodeName: string | undefined): AgentEvents | undefined {
    return nodeName ? this.agents.get(nodeName) : undefined;
  }

  attach(nodeName: string, agent: AgentEvents): Pod[] {
    this.agents.set(nodeName, agent);
    return this.pods.byIndex('byNodeName', nodeName);
  }

  detach(nodeName: string): void {
    this.agents.delete(nodeName);
  }
}
