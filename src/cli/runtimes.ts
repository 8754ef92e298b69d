/** The container runtimes a node can use, by the name `--runtime` takes. */
import { InvalidArgumentError } from 'commander';
import type { Runtime } from '../runtime/runtime.js';
import { FakeRuntime } from '../runtime/fake/index.js';
import { ImageCatalog, ProcessRuntime } from '../runtime/process/index.js';
import type { NodeSpec } from './nodes.js';

export const runtimeNames = ['process', 'fake'] as const;
export type RuntimeName = (typeof runtimeNames)[number];

export function runtimeName(v: string): RuntimeName {
  if (!(runtimeNames as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown runtime "${v}" (one of: ${runtimeNames.join(', ')})`);
  return v as RuntimeName;
}

export function makeRuntime(name: RuntimeName, spec: NodeSpec, dataDir: string, imageCatalog?: string): Runtime {
  switch (name) {
    case 'fake':
      return new FakeRuntime({ podAddressPrefix: spec.podPrefix });
    case 'process':
      return new ProcessRuntime({ podAddressPrefix: spec.podPrefix, dataDir, imageCatalog: ImageCatalog.load(imageCatalog) });
  }
}
