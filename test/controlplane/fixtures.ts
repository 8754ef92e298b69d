/** The seeds' manifests, read as printed, with names (and counts) swapped for test-chosen ones. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import type { RestClient } from '../../src/client/index.js';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';

export function seed(file: string, replace: Record<string, string> = {}): string {
  let text = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'seeds', file), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return text;
}

/** One document of a multi-document seed file. */
export function seedDoc(file: string, index: number, replace: Record<string, string> = {}): string {
  const doc = seed(file, replace).split(/^---\s*$/m)[index];
  if (doc === undefined) throw new Error(`${file} has no document ${index}`);
  return doc;
}

/** A short random suffix so names differ between runs. */
export function suffix(): string {
  return Math.random().toString(36).slice(2, 7);
}

export function randomInt(lo: number, hi: number): number {
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

export async function podsWith(client: RestClient, ns: string, selector: string): Promise<Pod[]> {
  return (await client.list<Pod>(pods, ns, { labelSelector: selector })).items;
}

/** Pods that count as live: not being deleted. */
export function live(list: readonly Pod[]): Pod[] {
  return list.filter((p) => !p.metadata.deletionTimestamp);
}
