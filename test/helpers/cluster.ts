/** An in-process API server plus the client machinery controllers run on, for control-plane
 * tests: `ctx` is what a controller is constructed with. */
process.env['SKIFF_LOG_LEVEL'] ??= 'warn';
import { startTestServer, type TestServer } from './apiserver.js';
import type { ApiServerOptions } from '../../src/apiserver/index.js';
import { loadKubeconfig, RestClient } from '../../src/client/index.js';
import { InformerFactory } from '../../src/client/factory.js';
import { EventRecorder } from '../../src/client/events.js';
import type { ControllerContext } from '../../src/controllers/controller.js';
import { logger } from '../../src/util/log.js';

export interface TestCluster {
  readonly server: TestServer;
  readonly client: RestClient;
  /** A fresh context (own informer factory) per call, so each component under test can be
   * started and stopped alone. */
  context(component?: string): ControllerContext;
  stop(): Promise<void>;
}

export async function startTestCluster(opts: Partial<ApiServerOptions> = {}): Promise<TestCluster> {
  const server = await startTestServer(opts);
  // The garbage collector alone holds a watch per stored kind (32 and growing): room for requests beside them.
  const client = new RestClient(loadKubeconfig(server.kubeconfig), 128);
  const factories: InformerFactory[] = [];
  return {
    server,
    client,
    context(component = 'test-controller-manager') {
      const informers = new InformerFactory(client);
      factories.push(informers);
      return { client, informers, recorder: new EventRecorder(client, { component }), log: logger(component) };
    },
    async stop() {
      for (const f of factories) f.stop();
      client.close();
      await server.stop();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails with the last
 * value seen after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
