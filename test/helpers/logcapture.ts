/** A pino logger that keeps its lines in memory, for tests that assert what a server logs. */
import { pino, type Logger } from 'pino';

export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [k: string]: unknown;
}

export interface CapturedLog {
  readonly log: Logger;
  readonly lines: LogLine[];
  /** Lines at error level or above. */
  errors(): LogLine[];
  /** Lines whose message contains `text`. */
  matching(text: string): LogLine[];
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return {
    log,
    lines,
    errors: () => lines.filter((l) => l.level >= 50),
    matching: (text) => lines.filter((l) => typeof l.msg === 'string' && l.msg.includes(text)),
  };
}
