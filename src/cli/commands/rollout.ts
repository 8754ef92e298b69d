/**
 * `skiff rollout status|history|undo|pause|resume|restart deployment/NAME`, worded and exiting as
 * kubectl's: status polls until the rollout is done (exit 0) or its deadline passed (exit 1);
 * history and undo read the ReplicaSets the deployment controls; pause/resume patch
 * `spec.paused`; restart stamps `kubectl.kubernetes.io/restartedAt` on the pod template.
 */
import { Command } from 'commander';
import type { Deployment, ReplicaSet } from '../../controllers/deployment/index.js';
import { kubeTime } from '../../api/time.js';
import { parseDuration } from '../durations.js';
import {
  CliError, kubeCommand, listObjects, operationLine, resolveTargets, resourcePath, runKube, sleep, type CliContext, type GlobalFlags, type Target,
} from '../kube/index.js';
import { controlledBy, deploymentRolloutState, historyTable, replicaSetForRevision, revisionTemplate, rollbackPatch, RolloutError } from '../rollout/index.js';

/** The one deployment named by `TYPE NAME` or `TYPE/NAME` (other kinds are not rolled here). */
async function deploymentTarget(ctx: CliContext, args: readonly string[]): Promise<Target> {
  const targets = await resolveTargets(ctx, args, {});
  if (targets.length === 0) throw new CliError('required resource not specified');
  const t = targets[0]!;
  if (t.resource.kind !== 'Deployment') throw new CliError(`no rollout support for ${t.resource.kind.toLowerCase()}: only deployments`);
  return t;
}

async function getDeployment(ctx: CliContext, t: Target): Promise<Deployment> {
  return (await ctx.client.request('GET', resourcePath(t.resource, t.namespace, t.name))) as Deployment;
}

async function replicaSetsOf(ctx: CliContext, d: Deployment): Promise<ReplicaSet[]> {
  const discovery = await ctx.discovery();
  const rsResource = discovery.forKind('apps/v1', 'ReplicaSet');
  if (!rsResource) throw new CliError('the server does not serve apps/v1 ReplicaSets');
  return controlledBy(d, (await listObjects(ctx, rsResource, d.metadata.namespace)) as ReplicaSet[]);
}

function statusCommand(): Command {
  return kubeCommand('status', 'show the status of a rollout, waiting until it finishes')
    .option('-w, --watch', 'watch the status of the rollout until it is done', true)
    .option('--no-watch', 'print the status once')
    .option('--revision <n>', 'pin to a specific revision', '0')
    .option('--timeout <duration>', 'how long to wait before ending (0: forever)', '0s')
    .action(runKube<GlobalFlags & { watch: boolean; revision: string; timeout: string }>(async (ctx, args, opts) => {
      const t = await deploymentTarget(ctx, args);
      const timeoutMs = parseDuration(opts.timeout);
      const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
      let last = '';
      for (;;) {
        const state = deploymentRolloutState(await getDeployment(ctx, t), Number(opts.revision));
        if (state.error) throw new CliError(state.error);
        if (state.message !== last) ctx.out.write(state.message);
        last = state.message;
        if (state.done || !opts.watch) return;
        if (Date.now() > deadline) throw new CliError('timed out waiting for the condition');
        await sleep(250);
      }
    }));
}

function historyCommand(): Command {
  return kubeCommand('history', 'show the revisions of a rollout')
    .option('--revision <n>', 'show the pod template of this revision', '0')
    .action(runKube<GlobalFlags & { revision: string }>(async (ctx, args, opts) => {
      const t = await deploymentTarget(ctx, args);
      const d = await getDeployment(ctx, t);
      const rss = await replicaSetsOf(ctx, d);
      const revision = Number(opts.revision);
      if (revision > 0) {
        const rs = replicaSetForRevision(d, rss, revision);
        ctx.out.write(`${operationLine(t.resource, t.name, `with revision #${revision}`)}\n${revisionTemplate(rs)}\n`);
        return;
      }
      ctx.out.write(`${operationLine(t.resource, t.name, '')}\n${historyTable(rss)}\n`);
    }));
}

function undoCommand(): Command {
  return kubeCommand('undo', 'roll back to a previous revision')
    .option('--to-revision <n>', 'the revision to roll back to (0: the previous one)', '0')
    .action(runKube<GlobalFlags & { toRevision: string }>(async (ctx, args, opts) => {
      const t = await deploymentTarget(ctx, args);
      const d = await getDeployment(ctx, t);
      const toRevision = Number(opts.toRevision);
      let rs: ReplicaSet;
      try {
        rs = replicaSetForRevision(d, await replicaSetsOf(ctx, d), toRevision);
      } catch (err) {
        if (err instanceof RolloutError) throw new CliError(err.message);
        throw err;
      }
      if (d.spec.paused) throw new CliError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
      const patch = rollbackPatch(d, rs);
      if (!patch) {
        ctx.out.write(`${operationLine(t.resource, t.name, `skipped rollback (current template already matches revision ${toRevision})`)}\n`);
        return;
      }
      await ctx.client.request('PATCH', resourcePath(t.resource, t.namespace, t.name), patch, 'application/json-patch+json');
      ctx.out.write(`${operationLine(t.resource, t.name, 'rolled back')}\n`);
    }));
}

function pauseCommand(paused: boolean): Command {
  const verb = paused ? 'pause' : 'resume';
  const done = paused ? 'paused' : 'resumed';
  return kubeCommand(verb, paused ? 'mark a deployment as paused: template changes wait' : 'resume a paused deployment')
    .action(runKube<GlobalFlags>(async (ctx, args) => {
      const t = await deploymentTarget(ctx, args);
      const d = await getDeployment(ctx, t);
      if (Boolean(d.spec.paused) === paused) {
        ctx.out.write(`${operationLine(t.resource, t.name, `already ${done}`)}\n`);
        return;
      }
      await ctx.client.request('PATCH', resourcePath(t.resource, t.namespace, t.name), { spec: { paused } }, 'application/strategic-merge-patch+json');
      ctx.out.write(`${operationLine(t.resource, t.name, done)}\n`);
    }));
}

function restartCommand(): Command {
  return kubeCommand('restart', 'restart every pod of a deployment through a rollout')
    .action(runKube<GlobalFlags>(async (ctx, args) => {
      const t = await deploymentTarget(ctx, args);
      const d = await getDeployment(ctx, t);
      if (d.spec.paused) throw new CliError("can't restart paused deployment (run rollout resume first)");
      const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': kubeTime() } } } } };
      await ctx.client.request('PATCH', resourcePath(t.resource, t.namespace, t.name), patch, 'application/strategic-merge-patch+json');
      ctx.out.write(`${operationLine(t.resource, t.name, 'restarted')}\n`);
    }));
}

export function rolloutCommand(): Command {
  return new Command('rollout')
    .description('manage the rollout of a deployment')
    .addCommand(statusCommand())
    .addCommand(historyCommand())
    .addCommand(undoCommand())
    .addCommand(pauseCommand(true))
    .addCommand(pauseCommand(false))
    .addCommand(restartCommand());
}
