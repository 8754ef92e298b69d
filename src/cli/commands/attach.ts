/**
 * `skiff attach POD [-c CONTAINER] [-i] [-t]`: the container's output from now on over
 * `pods/attach` (WebSocket, v5 channels), until it ends or skiff is interrupted, as kubectl
 * attach shows it. The server refuses stdin and terminals for containers not started with them.
 */
import type { Command } from 'commander';
import { CliError, kubeCommand, runKube, type GlobalFlags } from '../kube/index.js';
import { podTarget, runRemote } from '../remote/index.js';
import { terminalIO } from './terminal.js';

interface AttachOptions extends GlobalFlags {
  container?: string;
  stdin: boolean;
  tty: boolean;
  quiet: boolean;
}

export function attachCommand(): Command {
  return kubeCommand('attach', 'attach to a running container')
    .usage('(POD | TYPE/NAME) -c CONTAINER [flags]')
    .option('-c, --container <name>', 'container name; defaults to the annotated default or the first container')
    .option('-i, --stdin', 'pass stdin to the container', false)
    .option('-t, --tty', 'stdin is a TTY', false)
    .option('-q, --quiet', 'only print output from the remote session', false)
    .action(runKube<AttachOptions>(async (ctx, args, opts) => {
      const [ref] = args;
      if (!ref) throw new CliError('expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw 0: []\nSee \'skiff attach -h\' for help and examples');
      const target = await podTarget(ctx, ref, ctx.namespace, opts.container, 'attach');
      const io = terminalIO(opts.stdin, opts.tty, opts.quiet ? undefined : ctx.err);
      const q = new URLSearchParams();
      if (opts.stdin) q.set('stdin', 'true');
      q.set('stdout', 'true');
      if (!io.tty) q.set('stderr', 'true');
      if (io.tty) q.set('tty', 'true');
      if (io.tty && !opts.quiet) ctx.err.write('If you don\'t see a command prompt, try pressing enter.\n');
      try {
        const code = await runRemote(ctx.config, target.path('attach', q), io);
        if (code !== 0) process.exitCode = code;
      } finally {
        io.restore();
      }
    }));
}
