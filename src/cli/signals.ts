/** Resolves on the first SIGTERM or SIGINT: how long-running commands know to stop cleanly. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => resolve(sig);
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}
