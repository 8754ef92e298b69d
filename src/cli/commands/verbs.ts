/** The client verbs that write (create, apply, delete, stop, scale, label, annotate, expose, edit,
 * cordon, uncordon, drain)
 * and the informational ones (version, api-resources, completion), for main.ts to register. */
import type { Command } from 'commander';
import { annotateCommand } from './annotate.js';
import { apiResourcesCommand } from './apiresources.js';
import { applyCommand } from './apply.js';
import { completionCommand } from './completion.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { diffCommand } from './diff.js';
import { cordonCommand, drainCommand, uncordonCommand } from './drain.js';
import { editCommand } from './edit.js';
import { exposeCommand } from './expose.js';
import { labelCommand } from './label.js';
import { rolloutCommand } from './rollout.js';
import { scaleCommand } from './scale.js';
import { setCommand } from './set.js';
import { stopCommand } from './stop.js';
import { versionCommand } from './version.js';

export function addClientVerbs(program: Command): Command {
  for (const c of [createCommand(), applyCommand(), diffCommand(), deleteCommand(), stopCommand(), scaleCommand(), labelCommand(), annotateCommand(), exposeCommand(), editCommand(), rolloutCommand(), setCommand(), cordonCommand(), uncordonCommand(), drainCommand(), versionCommand(), apiResourcesCommand()]) {
    program.addCommand(c);
  }
  program.addCommand(completionCommand(() => program.commands.map((c) => c.name())));
  return program;
}
