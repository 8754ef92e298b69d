/**
 * `skiff exec [-i] [-t] [-c CONTAINER] POD -- COMMAND [ARGS…]`: runs a command in a container
 * over `pods/exec` (WebSocket, v5 channels) as kubectl does — stdin with `-i`, a terminal with
 * `-t` (raw mode, the window's size followed), and the remote exit code as skiff's own, with
 * kubectl's `command terminated with exit code N` on stderr.
 */
import type { Command } from 'commander';
import { CliError, kubeCommand, runKube, type GlobalFlags } from '../kube/index.js';
import { podTarget, runRemote } from '../remote/index.js';
import { terminalIO } from './terminal.js';

interface ExecOptions extends GlobalFlags {
  container?: string;
  stdin: boolean;
  tty: boolean;
  quiet: boolean;
}

/** Where `--` was on the command line: kubectl requires it before the command. */
function dashDashGiven(): boolean {
  return process.argv.includes('--');
}

export function execCommand(): Command {
  return kubeCommand('exec', 'execute a command in a container')
    .usage('(POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]')
    .option('-c, --container <name>', 'container name; defaults to the annotated default or the first container')
    .option('-i, --stdin', 'pass stdin to the container', false)
    .option('-t, --tty', 'stdin is a TTY', false)
    .option('-q, --quiet', 'only print output from the remote session', false)
    .action(runKube<ExecOptions>(async (ctx, args, opts) => {
      const [ref, ...command] = args;
      if (!ref) throw new CliError('pod, type/name or --filename must be specified');
      if (command.length === 0) throw new CliError('you must specify at least one command for the container');
      if (!dashDashGiven()) throw new CliError(`exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'skiff exec -h' for help and examples`);
      const target = await podTarget(ctx, ref, ctx.namespace, opts.container, 'exec');
      const io = terminalIO(opts.stdin, opts.tty, opts.quiet ? undefined : ctx.err);
      const q = new URLSearchParams();
      for (const c of command) q.append('command', c);
      if (opts.stdin) q.set('stdin', 'true');
      q.set('stdout', 'true');
      if (!io.tty) q.set('stderr', 'true');
      if (io.tty) q.set('tty', 'true');
      let code: number;
      try {
        code = await runRemote(ctx.config, target.path('exec', q), io);
      } finally {
        io.restore();
      }
      if (code !== 0) {
        // kubectl says it unless the terminal was the remote's (its shell said enough).
        if (!io.tty && !opts.quiet) ctx.err.write(`command terminated with exit code ${code}\n`);
        process.exitCode = code;
      }
    }));
}
