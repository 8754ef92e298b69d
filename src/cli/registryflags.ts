/** `--registry-mirror HOST=URL` (repeatable) and `--registry-mirror-only`: the same registry
 * settings on every command that builds an image store (`skiff up`, `skiff agent`,
 * `skiff image pull`). */
import { Command, InvalidArgumentError } from 'commander';
import { parseMirrorFlags, type RegistryOptions } from '../images/index.js';

export interface RegistryFlags {
  registryMirror?: string[];
  registryMirrorOnly?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  try {
    parseMirrorFlags([value]);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return [...(previous ?? []), value];
}

export function withRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--registry-mirror <host=url>', 'ask URL for HOST\'s images before HOST itself (repeatable, e.g. docker.io=http://127.0.0.1:5000)', collect)
    .option('--registry-mirror-only', 'never ask a registry that has mirrors itself (air-gapped nodes)');
}

/** The image store's registry options from the flags (nothing when none were given). */
export function registryOptions(flags: RegistryFlags): RegistryOptions {
  if (!flags.registryMirror?.length) return {};
  return { mirrors: parseMirrorFlags(flags.registryMirror), ...(flags.registryMirrorOnly ? { mirrorFallback: false } : {}) };
}
