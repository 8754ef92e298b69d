/**
 * Structured logs (pino, JSON lines on stderr). Level from `SKIFF_LOG_LEVEL` (default `info`;
 * tests set `silent` or `warn`). Components take a child logger named for themselves.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

let root: Logger | undefined;

export function rootLogger(): Logger {
  root ??= pino({ level: process.env['SKIFF_LOG_LEVEL'] ?? 'info', base: { pid: process.pid } }, pino.destination(2));
  return root;
}

export function logger(component: string): Logger {
  return rootLogger().child({ component });
}
