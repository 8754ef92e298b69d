/** `skiff label TYPE NAME k=v k2-`: labels objects (merge patch; `--overwrite` to change a value). */
import type { Command } from 'commander';
import { metadataCommand } from '../metadata/mutate.js';

export function labelCommand(): Command {
  return metadataCommand('label', 'update the labels of objects: KEY=VALUE sets, KEY- removes');
}
