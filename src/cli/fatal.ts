/**
 * What a long-running command (`skiff up`, `skiff agent`, `skiff server`) does when a bug
 * escapes every error boundary: an uncaught exception or an unhandled rejection.
 *
 * The choice: log it as one line and exit (status 1), leaving every pod running. Node cannot
 * promise a consistent process after an uncaught exception, and Kubernetes' own components do
 * the same — a panic ends kube-apiserver, the controller manager or kubelet, and their
 * supervisor starts them again, while the containers run on. Here one process is the whole
 * cluster, so staying up in an unknown state would risk every controller acting on it; exiting
 * costs the API and services until the next start (by hand or by a supervisor such as
 * systemd's Restart=on-failure), and the pods lose nothing: with `containersOutlive` the exit
 * kills no container, and the next start adopts them with the same PIDs and restart counts.
 * Only the orderly stop (Ctrl-C, SIGTERM) stops pods.
 */
import type { Logger } from '../util/log.js';
import { containersOutlive } from '../runtime/index.js';

let installed = false;

/** Installs the handlers and makes this process's containers outlive it. */
export function exitOnFatalError(command: string, log: Logger): void {
  containersOutlive();
  if (installed) return;
  installed = true;
  const fatal = (kind: string) => (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    // One JSON line, the stack included, on stderr (synchronous for files and pipes on Linux).
    const msg = `${command}: ${kind}: ${e.message}; exiting with pods left running (the next start adopts them)`;
    if (log.isLevelEnabled('fatal')) log.fatal({ err: e }, msg);
    else process.stderr.write(`${msg}\n`); // even with logging silenced, a death is said

    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
}
