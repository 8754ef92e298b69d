/**
 * Who a process container runs as, for a skiff that is root and one that is not: another
 * identity needs root, and a skiff that cannot take it refuses the container with
 * CreateContainerConfigError instead of running it as itself. (What a container then sees, `id`
 * in its log, is in the runtime conformance suite.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerIdentity, type HostUser, type RunAs } from '../../src/runtime/process/run-as.js';
import { ContainerStartError } from '../../src/runtime/index.js';
import { testPod } from './subject.js';

const id = (): number => 1000 + Math.floor(Math.random() * 60_000);
const me = id();
const root: HostUser = { uid: 0, gid: 0 };
const user: HostUser = { uid: me, gid: me };
const [u, g, s] = [id(), id(), id()];

interface Case {
  readonly name: string;
  readonly host: HostUser;
  readonly pod?: Record<string, unknown>;
  readonly container?: Record<string, unknown>;
  /** The identity taken (undefined: runs as skiff), or the refusal's message. */
  readonly want: RunAs | undefined | RegExp;
}

const cases: Case[] = [
  { name: 'nothing asked: runs as skiff', host: root, want: undefined },
  { name: 'root skiff takes runAsUser, runAsGroup and supplementalGroups', host: root, pod: { runAsUser: u, runAsGroup: g, supplementalGroups: [s, s] }, want: { uid: u, gid: g, groups: [s] } },
  { name: 'root skiff adds fsGroup to the supplementary groups', host: root, pod: { runAsUser: u, runAsGroup: g, supplementalGroups: [s], fsGroup: s + 1 }, want: { uid: u, gid: g, groups: [s, s + 1] } },
  { name: 'fsGroup alone under a root skiff: its own ids plus the group', host: root, pod: { fsGroup: s }, want: { uid: root.uid, gid: root.gid, groups: [s] } },
  { name: 'fsGroup under a non-root skiff: runs as skiff (only the volumes get the group)', host: user, pod: { fsGroup: s }, want: undefined },
  { name: "the container's runAsUser over the pod's", host: root, pod: { runAsUser: id(), runAsGroup: g }, container: { runAsUser: u }, want: { uid: u, gid: g, groups: [] } },
  { name: 'a non-root skiff refuses another uid', host: user, pod: { runAsUser: u, runAsGroup: g }, want: new RegExp(`^process runtime: container main asks to run as uid ${u} gid ${g}, which needs skiff to run as root \\(it runs as uid ${me}\\)$`) },
  { name: 'a non-root skiff refuses supplementalGroups', host: user, pod: { supplementalGroups: [s] }, want: /needs skiff to run as root/ },
  { name: 'a non-root skiff runs its own uid and gid', host: user, container: { runAsUser: me, runAsGroup: me }, want: { uid: me, gid: me, groups: [] } },
  { name: 'runAsNonRoot under a non-root skiff runs as skiff', host: user, pod: { runAsNonRoot: true }, want: undefined },
  { name: 'runAsNonRoot under a root skiff is refused', host: root, pod: { runAsNonRoot: true }, want: /^container has runAsNonRoot and image will run as root \(pod: "[^"]+_default\(uid-[^)]+\)", container: main\)$/ },
  { name: 'runAsNonRoot with runAsUser 0 is refused', host: root, container: { runAsNonRoot: true, runAsUser: 0 }, want: /^container's runAsUser breaks non-root policy \(pod: "[^"]+", container: main\)$/ },
];

for (const c of cases) {
  void test(c.name, () => {
    const container = { name: 'main', image: 'busybox', ...(c.container ? { securityContext: c.container } : {}) };
    const pod = testPod(`run-as-${Math.random().toString(36).slice(2, 7)}`, container);
    if (c.pod) pod.spec.securityContext = c.pod;
    if (c.want instanceof RegExp) {
      const want = c.want;
      assert.throws(() => containerIdentity(pod, container, c.host), (e: unknown) => e instanceof ContainerStartError && e.reason === 'CreateContainerConfigError' && want.test(e.message));
    } else {
      assert.deepEqual(containerIdentity(pod, container, c.host), c.want);
    }
  });
}
