/** The fake runtime (`skiff sim`) against the runtime conformance suite. It scripts endings with
 * annotations and cannot show logs, real exec output or grace periods: it says so. */
import { FakeRuntime, simAnnotations } from '../../src/runtime/index.js';
import { runtimeConformance, testPod, type Behaviour, type ContainerSpec, type RuntimeSubject } from './conformance.js';

function spec(b: Behaviour, name: string): ContainerSpec {
  const container = { name: 'main', image: 'busybox' };
  const opts = { env: {}, mounts: [], logPath: `/sim/${name}.log` };
  switch (b.kind) {
    case 'exit':
      return { pod: testPod(name, container, { restartPolicy: 'Never', annotations: { [simAnnotations.exitCode]: String(b.code), [simAnnotations.runSeconds]: String(b.afterMs / 1000) } }), container, opts };
    case 'no-image':
      return { pod: testPod(name, container, { annotations: { [simAnnotations.startError]: 'ErrImagePull' } }), container, opts };
    default:
      return { pod: testPod(name, container), container, opts };
  }
}

runtimeConformance('fake', () => {
  const runtime = new FakeRuntime({ podAddressPrefix: '10.44.7.' });
  const subject: RuntimeSubject = {
    runtime,
    capabilities: new Set(),
    podAddressPrefix: '10.44.7.',
    spec,
    execCommand: (text) => ['echo', text],
    dispose: () => runtime.close(),
  };
  return Promise.resolve(subject);
}, new Set());
