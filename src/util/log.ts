/**
 * Structured logs (pino) on stderr. Level from `SKIFF_LOG_LEVEL` (default `info`; tests set
 * `silent` or `warn`). Components take a child logger named for themselves.
 *
 * Format: `json` (one JSON object a line, for machines) or `text` (readable lines, for people).
 * The default, `auto`, is text when stderr is a terminal and JSON otherwise; `--log-format` or
 * `SKIFF_LOG_FORMAT` choose. The choice is read at each write, so loggers made at module load
 * (before the command line is parsed) follow it too.
 */
import fs from 'node:fs';
import { pino, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export const logFormats = ['auto', 'text', 'json'] as const;
export type LogFormat = (typeof logFormats)[number];

let root: Logger | undefined;
let format: LogFormat = logFormats.find((f) => f === process.env['SKIFF_LOG_FORMAT']) ?? 'auto';
let pretty: ((line: string) => string) | undefined;

/** `auto|text|json` → the format; anything else throws with the choices. */
export function parseLogFormat(text: string): LogFormat {
  const f = logFormats.find((x) => x === text);
  if (!f) throw new Error(`log format "${text}" is not one of ${logFormats.join(', ')}`);
  return f;
}

/** Chooses how every logger of this process writes from now on. */
export function setLogFormat(f: LogFormat): void {
  format = f;
}

function readable(): boolean {
  return format === 'text' || (format === 'auto' && process.stderr.isTTY === true);
}

/** Writes each pino line to stderr synchronously (no worker thread: a crash loses no line). */
const stderrStream = {
  write(line: string): void {
    if (!readable()) {
      fs.writeSync(2, line);
      return;
    }
    pretty ??= prettyFactory({
      colorize: process.stderr.isTTY === true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,component',
      messageFormat: '{if component}{component}: {end}{msg}',
    });
    fs.writeSync(2, pretty(line));
  },
};

export function rootLogger(): Logger {
  root ??= pino({ level: process.env['SKIFF_LOG_LEVEL'] ?? 'info', base: { pid: process.pid } }, stderrStream);
  return root;
}

export function logger(component: string): Logger {
  return rootLogger().child({ component });
}
