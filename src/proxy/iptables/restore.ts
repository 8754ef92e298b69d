/**
 * The `iptables-restore --noflush` input that takes the kernel from one RuleSet to the next,
 * touching only what changed: a chain is declared (which empties it) and refilled only when its
 * rules differ, and chains no longer wanted are emptied and deleted. Everything else in the
 * tables — other programs' rules, the built-in chains — is left as it is. One restore is one
 * transaction, so a packet never sees half an update.
 */
import { chainPrefix, tables, type Table } from './chains.js';
import type { Chains, RuleSet } from './rules.js';

/** Chain names per table, as found in the kernel (see {@link skiffChainsIn}). */
export type ChainNames = Readonly<Record<Table, readonly string[]>>;

const sameRules = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
  a !== undefined && a.length === b.length && a.every((r, i) => r === b[i]);

/** What one table needs: chains to (re)write and chains to remove. */
export function tableChanges(prev: Chains | undefined, next: Chains, present: readonly string[] = []): { write: string[]; remove: string[] } {
  const write = [...next.keys()].filter((c) => !sameRules(prev?.get(c), next.get(c)!));
  const gone = new Set<string>([...(prev?.keys() ?? []), ...present]);
  const remove = [...gone].filter((c) => !next.has(c)).sort();
  return { write, remove };
}

/**
 * Restore text from `prev` (what we last wrote; undefined: unknown, write everything) to `next`.
 * `present` are skiff chains seen in the kernel (left by an earlier run), deleted unless wanted.
 * Empty when nothing changed.
 */
export function restoreText(prev: RuleSet | undefined, next: RuleSet, present?: ChainNames): string {
  const out: string[] = [];
  for (const table of tables) {
    const { write, remove } = tableChanges(prev?.[table], next[table], present?.[table]);
    if (write.length === 0 && remove.length === 0) continue;
    out.push(`*${table}`);
    for (const c of [...write, ...remove]) out.push(`:${c} - [0:0]`);
    for (const c of write) for (const r of next[table].get(c)!) out.push(`-A ${c} ${r}`);
    for (const c of remove) out.push(`-X ${c}`);
    out.push('COMMIT');
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** Restore text that empties and deletes every chain named. */
export function deleteText(chains: ChainNames): string {
  const out: string[] = [];
  for (const table of tables) {
    const names = chains[table];
    if (names.length === 0) continue;
    out.push(`*${table}`, ...names.map((c) => `:${c} - [0:0]`), ...names.map((c) => `-X ${c}`), 'COMMIT');
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** skiff's chains in `iptables-save` output (chain declarations `:NAME POLICY [p:b]`). */
export function skiffChainsIn(save: string): ChainNames {
  const found: Record<Table, string[]> = { nat: [], filter: [] };
  let table: string | undefined;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith(':') && (table === 'nat' || table === 'filter')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      if (name.startsWith(chainPrefix)) found[table].push(name);
    }
  }
  return found;
}
