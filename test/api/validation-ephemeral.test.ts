/** Ephemeral containers (`kubectl debug`): refused at creation and in templates, judged as
 * Kubernetes judges them when added through pods/ephemeralcontainers, and append-only. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateEphemeralContainersUpdate, validateObject, validatePod, validatePodTemplateSpec } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, containerBuilder, podBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

type Obj = Record<string, unknown>;

const debugger_ = (name: string, extra: Obj = {}): Obj => ({ name, image: 'busybox', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...extra });

function withEphemeral(pod: KubeObject, list: Obj[]): KubeObject {
  const out = structuredClone(pod);
  (out.spec as Obj)['ephemeralContainers'] = list;
  return out;
}

describe('ephemeral containers', () => {
  const app = `app-${suffix()}`;
  const base = podBuilder(`p-${suffix()}`).containers(containerBuilder(app).image('nginx')).initContainer(containerBuilder('init').image('busybox')).volume('data').defaulted();

  test('a pod may not be created with them, nor a template carry them', () => {
    const pod = withEphemeral(base, [debugger_('dbg')]);
    assert.ok(causes(validateObject('Pod', pod)).includes('spec.ephemeralContainers: Forbidden: cannot be set on create'));
    const errs = causes(validatePodTemplateSpec({ metadata: {}, spec: pod.spec }, 'spec.template'));
    assert.ok(errs.includes('spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template'), errs.join('\n'));
  });

  const cases: { name: string; list: Obj[]; want: string[] }[] = [
    { name: 'a debugger targeting a container, with stdin, a tty and a mount', list: [debugger_('dbg', { targetContainerName: app, stdin: true, tty: true, command: ['sh'], volumeMounts: [{ name: 'data', mountPath: '/data' }] })], want: [] },
    { name: 'empty resources and ports are as good as none', list: [debugger_('dbg', { resources: {}, ports: [] })], want: [] },
    { name: 'a name taken by a regular container', list: [debugger_(app)], want: [`spec.ephemeralContainers[0].name: Duplicate value: "${app}"`] },
    { name: 'a name taken by an init container', list: [debugger_('init')], want: ['spec.ephemeralContainers[0].name: Duplicate value: "init"'] },
    { name: 'two with one name', list: [debugger_('d1'), debugger_('d1')], want: ['spec.ephemeralContainers[1].name: Duplicate value: "d1"'] },
    { name: 'a target that does not exist', list: [debugger_('dbg', { targetContainerName: 'ghost' })], want: ['spec.ephemeralContainers[0].targetContainerName: Not found: "ghost"'] },
    { name: 'a target that is another ephemeral container', list: [debugger_('d1'), debugger_('d2', { targetContainerName: 'd1' })], want: ['spec.ephemeralContainers[1].targetContainerName: Not found: "d1"'] },
    {
      name: 'what the pod would rely on: ports, probes, lifecycle, resources',
      list: [debugger_('dbg', { ports: [{ containerPort: 80, protocol: 'TCP' }], readinessProbe: { tcpSocket: { port: 80 } }, lifecycle: { preStop: { exec: { command: ['true'] } } }, resources: { limits: { cpu: '1' } } })],
      want: ['ports', 'resources', 'readinessProbe', 'lifecycle'].map((f) => `spec.ephemeralContainers[0].${f}: Forbidden: cannot be set for an Ephemeral Container`),
    },
    { name: 'a subPath mount', list: [debugger_('dbg', { volumeMounts: [{ name: 'data', mountPath: '/d', subPath: 'x' }] })], want: ['spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container'] },
    { name: 'no image, no name', list: [{ terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }], want: ['spec.ephemeralContainers[0].name: Required value', 'spec.ephemeralContainers[0].image: Required value'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      // What skiff cannot do (stdin, a terminal) is refused apart (below); these are Kubernetes' own rules.
      const errs = causes(validatePod(withEphemeral(base, c.list) as unknown as Obj)).filter((e) => e.startsWith('spec.ephemeralContainers') && !e.includes('not supported by skiff'));
      assert.deepEqual(errs.sort(), [...c.want].sort());
    });
  }

  test('stdin and a terminal (kubectl debug -it) are refused, saying why: skiff has no attach', () => {
    const errs = causes(validatePod(withEphemeral(base, [debugger_('dbg', { stdin: true, tty: true })]) as unknown as Obj));
    assert.deepEqual(errs.filter((e) => e.includes('not supported by skiff')), [
      'spec.ephemeralContainers[0].stdin: Forbidden: not supported by skiff: stdin (skiff has no attach)',
      'spec.ephemeralContainers[0].tty: Forbidden: not supported by skiff: a terminal (skiff has no attach)',
    ]);
  });

  test('existing ones may be neither changed nor removed; more may be added in any order', () => {
    const first = `d-${suffix()}`;
    const old = withEphemeral(base, [debugger_(first, { command: ['sh'] })]).spec as Obj;
    const added = withEphemeral(base, [debugger_('second'), debugger_(first, { command: ['sh'] })]).spec as Obj;
    assert.deepEqual(validateEphemeralContainersUpdate(added, old), []);
    const changed = withEphemeral(base, [debugger_(first, { command: ['top'] })]).spec as Obj;
    assert.deepEqual(causes(validateEphemeralContainersUpdate(changed, old)), [`spec.ephemeralContainers: Forbidden: existing ephemeral containers "${first}" may not be changed\n`]);
    const removed = withEphemeral(base, [debugger_('other')]).spec as Obj;
    assert.deepEqual(causes(validateEphemeralContainersUpdate(removed, old)), [`spec.ephemeralContainers: Forbidden: existing ephemeral containers "${first}" may not be removed\n`]);
  });
});
