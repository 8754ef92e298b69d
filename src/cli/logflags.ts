/** `--log-format auto|text|json` for the long-running commands (up, server, agent). */
import { Command, InvalidArgumentError } from 'commander';
import { logFormats, parseLogFormat, setLogFormat, type LogFormat } from '../util/log.js';

export interface LogFlags {
  logFormat?: LogFormat;
}

function logFormatArg(v: string): LogFormat {
  try {
    return parseLogFormat(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function withLogFlags(cmd: Command): Command {
  return cmd.option('--log-format <format>', `${logFormats.join(', ')}: auto is readable lines on a terminal, JSON otherwise`, logFormatArg);
}

/** Applies the flag; call first in the action, before anything logs. */
export function applyLogFlags(opts: LogFlags): void {
  if (opts.logFormat) setLogFormat(opts.logFormat);
}
