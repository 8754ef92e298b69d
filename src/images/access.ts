/**
 * Who may run an image that is already on the node without the registry being asked again: the
 * kubelet's ensureSecretPulledImages reasoning (KEP-2535), which closes the hole that once made
 * AlwaysPullImages necessary. An image pulled anonymously or with the node's own credentials is
 * anyone's, and so is an imported (preloaded) one. An image pulled with a pod's pull secret is
 * recorded under a keyed digest of that credential; another pod may use it with the same
 * credential, and otherwise the store asks the registry again with that pod's credentials (the
 * manifest: the layers are here already) and refuses the image when the registry does.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Credentials } from './auth.js';
import type { ImageRecord } from './refindex.js';

/** The grant of an image any pod may use. */
export const anyone = '*';

export class AccessKeys {
  readonly file: string;
  #key: Buffer | undefined;

  constructor(dir: string) {
    this.file = path.join(dir, 'access.key');
  }

  /** The grant a pull with `c` from `domain` earns: an HMAC under a node-local key, so the index
   * never holds anything a password could be guessed back from offline. */
  grant(domain: string, c: Credentials): string {
    return `hmac-sha256:${createHmac('sha256', this.#secret()).update(`${domain}\u0000${c.username}\u0000${c.password}`).digest('hex')}`;
  }

  #secret(): Buffer {
    if (this.#key) return this.#key;
    try {
      this.#key = readFileSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      try {
        writeFileSync(this.file, randomBytes(32), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        // Another process made it first: theirs is the key.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      this.#key = readFileSync(this.file);
    }
    return this.#key;
  }
}

/** Whether a pod holding `grants` may use the recorded image as it is. */
export function mayUse(record: ImageRecord, grants: readonly string[]): boolean {
  if (record.source === 'import') return true;
  const access = record.access ?? [];
  return access.includes(anyone) || grants.some((g) => access.includes(g));
}

/** The record's grants with `grant` added (once). */
export function withGrant(access: readonly string[] | undefined, grant: string): readonly string[] {
  const now = access ?? [];
  return now.includes(grant) ? now : [...now, grant].sort();
}
