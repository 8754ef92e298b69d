/**
 * The REST client the CLI talks through: skiff's RestClient plus kubectl's `--request-timeout`
 * (a client-side deadline on every request; 0 means none), so a hung server cannot hang a script.
 */
import type { ClientConfig } from '../../client/index.js';
import { RestClient } from '../../client/index.js';
import { CliError } from './errors.js';
import { parseDuration } from '../durations.js';

export class CliRestClient extends RestClient {
  constructor(config: ClientConfig, private readonly timeoutMs = 0) {
    super(config, 8);
  }

  override request(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
    const p = super.request(method, path, body, contentType);
    if (!this.timeoutMs) return p;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliError(`Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)`)), this.timeoutMs);
    });
    return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
  }
}

/** kubectl's `--request-timeout` value: `0`, a number of seconds, or a duration (`1s`, `2m`, `1m30s`). */
export function parseRequestTimeout(text: string | undefined): number {
  if (text === undefined || text === '' || text === '0') return 0;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  try {
    return parseDuration(text);
  } catch {
    throw new CliError(`invalid argument "${text}" for "--request-timeout" flag: time: invalid duration "${text}"`);
  }
}
