/**
 * The local side of a stream verb's `-i`/`-t`: stdin passed on or not, the terminal put in raw
 * mode for `-t` (and given back afterwards), its size and SIGWINCH for resizes. `-t` without a
 * terminal on stdin falls back to plain streams with kubectl's warning.
 */
import type { Writer } from '../kube/index.js';
import type { SessionIO } from '../remote/index.js';

export interface TerminalIO extends SessionIO {
  readonly tty: boolean;
  restore(): void;
}

export function terminalIO(stdin: boolean, tty: boolean, warn: Writer | undefined): TerminalIO {
  const input = process.stdin;
  let useTty = tty;
  if (tty && !(stdin && input.isTTY)) {
    warn?.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    useTty = false;
  }
  if (useTty) input.setRawMode(true);
  return {
    tty: useTty,
    ...(stdin ? { stdin: input } : {}),
    stdout: process.stdout,
    stderr: process.stderr,
    ...(useTty ? {
      size: () => (process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : undefined),
      onResize: (listener: () => void) => {
        process.stdout.on('resize', listener);
        return () => process.stdout.off('resize', listener);
      },
    } : {}),
    restore: () => {
      if (useTty) input.setRawMode(false);
      input.pause();
    },
  };
}
