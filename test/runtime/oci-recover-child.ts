/**
 * An "agent" for the oci recovery test: starts containers on an oci runtime, says which on
 * stdout, and waits to be killed with SIGKILL (nothing of it cleans up, as in a crash).
 * Arguments: data dir, pod CIDR, bridge, cgroup parent, then name=shell-command pairs, one pod each.
 */
import { OciRuntime } from '../../src/runtime/oci/index.js';
import { RootfsImages } from '../helpers/rootfs-image.js';
import { busybox } from './oci-subject.js';
import { testPod } from './subject.js';

const [dataDir, podCIDR, bridge, cgroupParent, ...specs] = process.argv.slice(2);
const images = await RootfsImages.create();
const runtime = new OciRuntime({ dataDir: dataDir!, podCIDR: podCIDR!, bridge: bridge!, images, cgroupParent: cgroupParent! });
const started = [];
for (const spec of specs) {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, eq);
  const container = { name: 'main', image: busybox };
  const pod = testPod(name, container, { restartPolicy: 'Never' });
  const sandbox = await runtime.runSandbox(pod);
  const run = await runtime.startContainer(sandbox, pod, container, 2, { env: { WHO: name }, command: ['sh', '-c', spec.slice(eq + 1)], mounts: [], logPath: `${dataDir!}/logs/${name}.log` });
  started.push({ name, uid: pod.metadata.uid, ip: sandbox.ip, id: run.id, rootfs: images.dir });
}
process.stdout.write(`${JSON.stringify(started)}\n`);
setInterval(() => undefined, 1 << 30);
