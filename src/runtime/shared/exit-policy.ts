/**
 * Whether the containers a process started die with it. Containers outlive the agent that
 * started them, as kubelet's do, so that an agent started again adopts them; but a program that
 * merely embeds a runtime (a test, a tool) must not leave processes behind, so by default every
 * live container is killed when the process exits (the `exit` event: a return, `process.exit`,
 * an uncaught exception; not SIGKILL, which nothing can catch).
 *
 * The long-running commands (`skiff up`, `skiff agent`) turn that off with `containersOutlive`:
 * their orderly stop (Ctrl-C, SIGTERM) stops the pods itself, explicitly, and every other end —
 * a crash, an unhandled rejection, a `process.exit` from a bug — leaves the pods running for
 * the next start to adopt, with the same PIDs and restart counts.
 */
const killers = new Set<() => void>();
let outlive = false;
let installed = false;

/** Registers what kills a runtime's live containers when the process exits (unless they
 * outlive it). */
export function killAtExit(kill: () => void): void {
  killers.add(kill);
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    if (outlive) return;
    for (const k of killers) k();
  });
}

/** From now on containers outlive this process however it ends; only an explicit stop ends them. */
export function containersOutlive(): void {
  outlive = true;
}

/** Whether containers outlive this process (for the CLI's crash report). */
export function containersOutliveProcess(): boolean {
  return outlive;
}
