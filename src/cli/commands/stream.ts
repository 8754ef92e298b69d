/**
 * The requests `get`, `describe` and `logs` make that the JSON REST client does not: a Table
 * (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, as kubectl asks), a watch of Tables,
 * and a raw text stream (pods/log) copied to the terminal as it arrives.
 */
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { ClientConfig } from '../../client/index.js';
import { errorFrom, tlsOf } from '../../client/index.js';

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface Opened {
  readonly res: IncomingMessage;
  stop(): void;
}

/** Opens a GET; resolves with the response once it is 2xx, rejects with the API's error. */
export function open(config: ClientConfig, path: string, accept: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, config.server), {
      method: 'GET',
      ...tlsOf(config),
      headers: { Accept: accept, ...(config.token ? { Authorization: `Bearer ${config.token}` } : {}) },
    }, (res) => {
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 300) {
        resolve({ res, stop: () => req.destroy() });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        reject(errorFrom(code, parsed, text));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET as JSON with a chosen Accept (a Table, usually). */
export async function getJson(config: ClientConfig, path: string, accept = tableAccept): Promise<unknown> {
  const { res } = await open(config, path, accept);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Watch events, one JSON object per line, until the server ends the stream or `stop()`. */
export async function watchLines(config: ClientConfig, path: string, accept: string, onEvent: (e: { type: string; object: unknown }) => void): Promise<Opened & { ended: Promise<void> }> {
  const o = await open(config, path, accept);
  o.res.setEncoding('utf8');
  let buf = '';
  const ended = new Promise<void>((resolve) => {
    o.res.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) onEvent(JSON.parse(line) as { type: string; object: unknown });
      }
    });
    o.res.on('end', resolve);
    o.res.on('close', resolve);
    o.res.on('error', () => resolve());
  });
  return { ...o, ended };
}

/** Copies a text response to `out` as it arrives (logs, logs -f). */
export async function pipeText(config: ClientConfig, path: string, out: { write(s: string): unknown }): Promise<void> {
  const { res } = await open(config, path, 'text/plain, */*');
  res.setEncoding('utf8');
  for await (const chunk of res) out.write(chunk as string);
}
