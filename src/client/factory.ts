/**
 * Shared informers: every component in one process asks the factory for the informer of a
 * resource, so ten controllers watching pods cost one list and one watch, as client-go's
 * SharedInformerFactory does.
 */
import type { ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { Informer, type InformerOptions } from './informer.js';
import type { RestClient } from './rest.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  /** `narrow` gives a resource's informer its own selectors (client-go's tweakListOptions): a
   * remote node agent watches only the pods bound to it. */
  constructor(readonly client: RestClient, private readonly options: InformerOptions = {}, private readonly narrow?: (resource: ResourceType) => InformerOptions | undefined) {}

  /** The one informer for `resource` (created on first use; started with the factory, or at
   * once when the factory already runs). */
  informer<T extends KubeObject = KubeObject>(resource: ResourceType): Informer<T> {
    const key = `${resource.group}/${resource.plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, resource, { ...this.options, ...this.narrow?.(resource) });
      this.informers.set(key, inf);
      if (this.started) void inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer asked for so far and resolves when all have listed. */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    this.started = false;
    for (const i of this.informers.values()) i.stop();
  }
}
