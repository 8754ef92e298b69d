/**
 * resourceVersion as kube-apiserver's storage versioner reads it: "" and "0" mean "any", anything
 * else must be a uint64 in decimal. skiff's revisions are JS numbers, so a valid version beyond
 * 2^53 is kept as a BigInt and compared as one: it is "in the future", never rounded onto a real one.
 */
import { BadRequestError } from '../../api/errors.js';
import { renderValue } from '../../api/validation/field.js';
import { parseUint64 } from './numbers.js';

/**
 * The version `rv` names (0n for "" and "0"). Garbage is 400 with the storage layer's message
 * (`resourceVersion: Invalid value: "x": strconv.ParseUint: …`); kube-apiserver still answers that
 * with 500 (kubernetes#101350, #139485), skiff with 400 as the pending fix upstream does.
 */
export function checkResourceVersion(rv: string, field = 'resourceVersion'): bigint {
  if (rv === '' || rv === '0') return 0n;
  const v = parseUint64(rv);
  if (typeof v === 'string') throw new BadRequestError(`${field}: Invalid value: ${renderValue(rv)}: ${v}`);
  return v;
}

/** A parsed version as a revision number for the store; past 2^53 it becomes the largest safe
 * integer, which no store reaches, so comparisons stay right. */
export function revisionNumber(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Waits as kube-apiserver does for a GET or LIST "not older than" `rv`: at once for "", "0" or a
 * version the cache has; otherwise up to 3 s, then 504 (ResourceVersionTooLarge). */
export async function awaitResourceVersion(hub: { waitFor(rv: bigint): Promise<void> }, rv: string | null): Promise<void> {
  if (rv === null) return;
  const wanted = checkResourceVersion(rv);
  if (wanted !== 0n) await hub.waitFor(wanted);
}

/** The resourceVersion in an update's body must be empty or a version (400 otherwise). */
export function checkBodyResourceVersion(rv: unknown): void {
  if (rv === undefined || rv === null || rv === '') return;
  if (typeof rv !== 'string') throw new BadRequestError(`metadata.resourceVersion: Invalid value: ${renderValue(rv)}: must be a string`);
  checkResourceVersion(rv, 'metadata.resourceVersion');
}
