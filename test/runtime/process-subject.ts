/** Builds process runtimes for tests: each in its own data dir, removed on dispose. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../../src/api/kinds.js';
import { ProcessRuntime, type ImageCatalog } from '../../src/runtime/index.js';
import { commandSubject, type Behaviour, type CommandSubject } from './subject.js';

export type ProcessSubject = CommandSubject<ProcessRuntime>;

function commandFor(b: Behaviour): Partial<Container> {
  switch (b.kind) {
    case 'exit': return { image: 'busybox', command: ['sh', '-c', `sleep ${b.afterMs / 1000}; exit ${b.code}`] };
    case 'serve': return { image: 'busybox', command: ['sleep', '1000'] };
    case 'ignore-term': return { image: 'busybox', command: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'] };
    case 'print': return { image: 'busybox', command: ['sh', '-c', 'for l in "$@"; do echo "$l"; done', 'sh', ...b.lines] };
    case 'sh': return { image: 'busybox', command: ['sh', '-c', b.script] };
    case 'no-image': return { image: 'gcr.io/google-containers/fluentd-elasticsearch:1.20' };
  }
}

export async function processSubject(podAddressPrefix = '127.13.5.', imageCatalog?: ImageCatalog): Promise<ProcessSubject> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-proc-'));
  const warnings: string[] = [];
  const runtime = new ProcessRuntime({ podAddressPrefix, dataDir, ...(imageCatalog ? { imageCatalog } : {}), warn: (m) => warnings.push(m) });
  return commandSubject(runtime, dataDir, podAddressPrefix, commandFor, async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });
}
