/**
 * Conformance cases for who a container runs as (securityContext's runAsUser, runAsGroup,
 * supplementalGroups, runAsNonRoot): what the user sees is `id` in the container's log and
 * kubelet's refusal, the same in every runtime that declares `run-as`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Pod } from '../../src/api/kinds.js';
import { ContainerStartError, type RunningContainer } from '../../src/runtime/index.js';
import type { Behaviour, Capability, RuntimeSubject } from './subject.js';

type AddCase = (name: string, run: (s: RuntimeSubject) => Promise<void>, needs?: Capability) => void;
type Security = Record<string, unknown>;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms}ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Random ids, so no case passes by matching a number the host happens to use. */
const someId = (): number => 1000 + Math.floor(Math.random() * 60_000);

interface Started { pod: Pod; run: RunningContainer; logPath: string }

async function startWith(s: RuntimeSubject, b: Behaviour, name: string, podSc: Security | undefined, containerSc: Security | undefined): Promise<Started> {
  const { pod, container, opts } = s.spec(b, `${name}-${Math.random().toString(36).slice(2, 7)}`);
  if (podSc) pod.spec.securityContext = podSc;
  if (containerSc) container.securityContext = containerSc;
  const run = await s.runtime.startContainer(await s.runtime.runSandbox(pod), pod, container, 0, opts);
  return { pod, run, logPath: opts.logPath };
}

/** The container's output lines (CRI prefix stripped) once it ended with 0. */
async function output(st: Started): Promise<string[]> {
  const exit = await within(st.run.exited, 10_000, 'exit');
  const lines = (await readFile(st.logPath, 'utf8')).trimEnd().split('\n').map((l) => l.replace(/^\S+ (stdout|stderr) [FP] /, '$1 '));
  assert.equal(exit.exitCode, 0, lines.join('\n'));
  return lines;
}

interface Id { uid: number; gid: number; groups: number[] }

/** `id` as coreutils and busybox print it: `uid=1000(name) gid=3000 groups=3000,4000`. */
function parseId(line: string): Id {
  const m = /^stdout uid=(\d+)(?:\([^)]*\))? gid=(\d+)(?:\([^)]*\))?(?: groups=(\S*))?$/.exec(line);
  assert.ok(m, `not id output: ${line}`);
  const groups = (m[3] ?? '').split(',').filter(Boolean).map((g) => Number(/^\d+/.exec(g)![0]));
  return { uid: Number(m[1]), gid: Number(m[2]), groups };
}

async function idOf(s: RuntimeSubject, name: string, podSc?: Security, containerSc?: Security): Promise<Id> {
  const lines = await output(await startWith(s, { kind: 'sh', script: 'id' }, name, podSc, containerSc));
  return parseId(lines[0]!);
}

async function refusal(s: RuntimeSubject, name: string, podSc: Security | undefined, containerSc: Security | undefined, message: (pod: Pod) => string): Promise<void> {
  const { pod, container, opts } = s.spec({ kind: 'sh', script: 'id' }, `${name}-${Math.random().toString(36).slice(2, 7)}`);
  if (podSc) pod.spec.securityContext = podSc;
  if (containerSc) container.securityContext = containerSc;
  const sandbox = await s.runtime.runSandbox(pod);
  await assert.rejects(s.runtime.startContainer(sandbox, pod, container, 0, opts), (e: unknown) => {
    assert.ok(e instanceof ContainerStartError, String(e));
    assert.equal(e.reason, 'CreateContainerConfigError');
    assert.equal(e.message, message(pod));
    return true;
  });
}

const podRef = (pod: Pod): string => `"${pod.metadata.name!}_${pod.metadata.namespace!}(${pod.metadata.uid!})"`;

export function runAsCases(add: AddCase): void {
  add('runAsUser, runAsGroup and supplementalGroups of the pod: id in the container shows them, and no other group', async (s) => {
    const [uid, gid, g1, g2] = [someId(), someId(), someId(), someId()];
    const id = await idOf(s, 'run-as-pod', { runAsUser: uid, runAsGroup: gid, supplementalGroups: [g1, g2] });
    assert.equal(id.uid, uid);
    assert.equal(id.gid, gid);
    for (const g of [g1, g2]) assert.ok(id.groups.includes(g), `groups ${id.groups.join(',')} lack ${g}`);
    for (const g of id.groups) assert.ok([gid, g1, g2].includes(g), `unexpected group ${g} in ${id.groups.join(',')}`);
  }, 'run-as');

  add("the container's runAsUser and runAsGroup override the pod's", async (s) => {
    const [uid, gid] = [someId(), someId()];
    const id = await idOf(s, 'run-as-override', { runAsUser: someId(), runAsGroup: someId() }, { runAsUser: uid, runAsGroup: gid });
    assert.deepEqual([id.uid, id.gid], [uid, gid]);
    for (const g of id.groups) assert.equal(g, gid, `unexpected group ${g} (root's groups must not be kept)`);
  }, 'run-as');

  add('runAsNonRoot with a non-zero runAsUser starts, as that user', async (s) => {
    const uid = someId();
    const id = await idOf(s, 'non-root-ok', { runAsNonRoot: true }, { runAsUser: uid, runAsGroup: uid });
    assert.equal(id.uid, uid);
  }, 'run-as');

  add('runAsNonRoot refuses an image that would run as root: CreateContainerConfigError in kubelet\'s words', async (s) => {
    await refusal(s, 'non-root-refused', { runAsNonRoot: true }, undefined, (pod) => `container has runAsNonRoot and image will run as root (pod: ${podRef(pod)}, container: main)`);
    await refusal(s, 'non-root-container', undefined, { runAsNonRoot: true }, (pod) => `container has runAsNonRoot and image will run as root (pod: ${podRef(pod)}, container: main)`);
  }, 'run-as');

  add('runAsNonRoot with runAsUser 0 is refused', async (s) => {
    await refusal(s, 'non-root-uid0', { runAsNonRoot: true, runAsUser: 0 }, undefined, (pod) => `container's runAsUser breaks non-root policy (pod: ${podRef(pod)}, container: main)`);
  }, 'run-as');

  add('a container running as another user writes to /dev/stdout and /dev/stderr by name', async (s) => {
    const lines = await output(await startWith(s, { kind: 'sh', script: 'echo to-stdout > /dev/stdout && echo to-stderr > /dev/stderr' }, 'run-as-devstdout', { runAsUser: someId(), runAsGroup: someId() }, undefined));
    assert.deepEqual(lines.sort(), ['stderr to-stderr', 'stdout to-stdout']);
  }, 'run-as');

  add("exec runs as the container's user", async (s) => {
    const uid = someId();
    const st = await startWith(s, { kind: 'serve' }, 'run-as-exec', { runAsUser: uid, runAsGroup: uid }, undefined);
    const r = await s.runtime.exec(st.run.id, ['id', '-u'], 5000);
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output.trim(), String(uid));
    await s.runtime.stopContainer(st.run.id, 0);
  }, 'run-as');
}
