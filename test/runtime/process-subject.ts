/** Builds process runtimes for tests: each in its own data dir, removed on dispose. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../../src/api/kinds.js';
import { ProcessRuntime, type ImageCatalog } from '../../src/runtime/index.js';
import type { StartOptions } from '../../src/runtime/index.js';
import { testPod, type Behaviour, type ContainerSpec, type RuntimeSubject } from './subject.js';

export interface ProcessSubject extends RuntimeSubject {
  readonly runtime: ProcessRuntime;
  readonly dataDir: string;
  /** Start options with a log path in the data dir. */
  options(name: string, extra?: Partial<StartOptions>): StartOptions;
}

function commandFor(b: Behaviour): Partial<Container> {
  switch (b.kind) {
    case 'exit': return { image: 'busybox', command: ['sh', '-c', `sleep ${b.afterMs / 1000}; exit ${b.code}`] };
    case 'serve': return { image: 'busybox', command: ['sleep', '1000'] };
    case 'ignore-term': return { image: 'busybox', command: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'] };
    case 'print': return { image: 'busybox', command: ['sh', '-c', 'for l in "$@"; do echo "$l"; done', 'sh', ...b.lines] };
    case 'no-image': return { image: 'gcr.io/google-containers/fluentd-elasticsearch:1.20' };
  }
}

export async function processSubject(podAddressPrefix = '127.13.5.', imageCatalog?: ImageCatalog): Promise<ProcessSubject> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-proc-'));
  const warnings: string[] = [];
  const runtime = new ProcessRuntime({ podAddressPrefix, dataDir, ...(imageCatalog ? { imageCatalog } : {}), warn: (m) => warnings.push(m) });
  const options = (name: string, extra: Partial<StartOptions> = {}): StartOptions => ({ env: {}, mounts: [], logPath: path.join(dataDir, 'logs', name, '0.log'), ...extra });
  return {
    runtime,
    dataDir,
    capabilities: new Set(['logs', 'exec-output', 'grace']),
    podAddressPrefix,
    options,
    spec(b, name): ContainerSpec {
      const { command, ...rest } = commandFor(b);
      const container: Container = { name: 'main', ...rest };
      return { pod: testPod(name, container, { restartPolicy: b.kind === 'exit' || b.kind === 'print' ? 'Never' : 'Always' }), container, opts: options(name, command ? { command } : {}) };
    },
    execCommand: (text, code) => ['sh', '-c', `echo '${text}'; exit ${code}`],
    async dispose() {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
