/**
 * An "agent" for the recovery test: starts containers on a process runtime, says which on
 * stdout, and waits to be killed with SIGKILL (so nothing of it cleans up, as in a crash).
 * Arguments: data dir, pod address prefix, then name=shell-command pairs, one pod each.
 */
import { ProcessRuntime } from '../../src/runtime/index.js';
import { testPod } from './subject.js';

const [dataDir, prefix, ...specs] = process.argv.slice(2);
const runtime = new ProcessRuntime({ podAddressPrefix: prefix!, dataDir: dataDir!, warn: () => undefined });
const started = [];
for (const spec of specs) {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, eq);
  const container = { name: 'main', image: 'busybox' };
  const pod = testPod(name, container, { restartPolicy: 'Never' });
  const sandbox = await runtime.runSandbox(pod);
  const run = await runtime.startContainer(sandbox, pod, container, 2, { env: { WHO: name }, command: ['sh', '-c', spec.slice(eq + 1)], mounts: [], logPath: `${dataDir!}/logs/${name}.log` });
  started.push({ name, uid: pod.metadata.uid, ip: sandbox.ip, id: run.id });
}
process.stdout.write(`${JSON.stringify(started)}\n`);
setInterval(() => undefined, 1 << 30);
