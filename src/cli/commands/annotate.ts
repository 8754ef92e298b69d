/** `skiff annotate TYPE NAME k=v k2-`: annotates objects (merge patch; `--overwrite` to change a value). */
import type { Command } from 'commander';
import { metadataCommand } from '../metadata/mutate.js';

export function annotateCommand(): Command {
  return metadataCommand('annotation', 'update the annotations of objects: KEY=VALUE sets, KEY- removes');
}
