/**
 * `skiff rolling-update OLD [NEW] (--image=IMAGE | -f NEW.yaml) [--rollback]`: the verb modern
 * kubectl dropped (1.18) and the seeds use. Replaces a replication controller's pods one at a time
 * (see ../rollingupdate/), printing kubectl's progress lines.
 */
import type { Command } from 'commander';
import type { ReplicationController } from '../../api/kinds.js';
import { duration } from '../durations.js';
import { CliError, collect, kubeCommand, readManifests, runKube, type GlobalFlags } from '../kube/index.js';
import { rollingUpdate, RollingUpdateError } from '../rollingupdate/index.js';

interface RollingUpdateOptions extends GlobalFlags {
  image?: string;
  filename?: string[];
  container?: string;
  deploymentLabelKey: string;
  rollback: boolean;
  updatePeriod: number;
  pollInterval: number;
  timeout: number;
}

const usage = 'rolling-update OLD_CONTROLLER_NAME ([NEW_CONTROLLER_NAME] --image=NEW_CONTAINER_IMAGE | -f NEW_CONTROLLER_SPEC)';

export function rollingUpdateCommand(): Command {
  return kubeCommand('rolling-update', 'perform a rolling update of the given replication controller')
    .usage('OLD_CONTROLLER_NAME ([NEW_CONTROLLER_NAME] --image=NEW_CONTAINER_IMAGE | -f NEW_CONTROLLER_SPEC) [options]')
    .option('--image <image>', 'image to use for upgrading the replication controller')
    .option('-f, --filename <file>', 'file containing the new replication controller', collect)
    .option('--container <name>', 'container whose image is upgraded (needed for multi-container pods)')
    .option('--deployment-label-key <key>', 'the label that tells the two controllers apart', 'deployment')
    .option('--rollback', 'abort an update in progress and go back to the old controller', false)
    .option('--update-period <duration>', 'time to wait between updating pods', duration, 60_000)
    .option('--poll-interval <duration>', 'time between polls of controller status after an update', duration, 3_000)
    .option('--timeout <duration>', 'max time to wait for a controller to update before giving up', duration, 300_000)
    .action(runKube<RollingUpdateOptions>(async (ctx, args, opts) => {
      const [oldName, newName, ...extra] = args;
      if (!oldName || extra.length) throw new CliError(`Must specify the controller to update\nusage: ${usage}`);
      const files = opts.filename ?? [];
      if (files.length > 1) throw new CliError('Only one -f may be given');
      if (files.length && opts.image) throw new CliError('--filename and --image can not both be specified');
      if (!files.length && !opts.image && !opts.rollback) throw new CliError('Must specify --filename or --image for new controller');
      if (files.length && newName) throw new CliError('NEW_CONTROLLER_NAME may not be given with --filename');
      let manifest: ReplicationController | undefined;
      if (files.length) {
        const docs = readManifests(files);
        const rc = docs[0]?.object;
        if (docs.length !== 1 || rc?.kind !== 'ReplicationController') throw new CliError(`${files[0] ?? ''} contains a ${String(rc?.kind)} not a ReplicationController`);
        manifest = rc as ReplicationController;
      }
      try {
        const line = await rollingUpdate({
          client: ctx.client,
          namespace: ctx.namespace,
          oldName,
          newName,
          image: opts.image,
          manifest,
          container: opts.container,
          deploymentKey: opts.deploymentLabelKey,
          rollback: opts.rollback,
          updatePeriodMs: opts.updatePeriod,
          pollIntervalMs: opts.pollInterval,
          timeoutMs: opts.timeout,
          out: (l) => ctx.out.write(`${l}\n`),
        });
        ctx.out.write(`${line}\n`);
      } catch (err) {
        if (err instanceof RollingUpdateError) throw new CliError(err.message);
        throw err;
      }
    }));
}
