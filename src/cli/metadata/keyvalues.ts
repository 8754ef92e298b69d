/**
 * The `KEY=VALUE` / `KEY-` arguments of `label` and `annotate`, split from the resource arguments
 * before them and checked as kubectl checks them, so a bad key is refused before any request.
 */
import { isQualifiedName, isValidLabelValue } from '../../api/validation/names.js';
import { CliError } from '../kube/index.js';

export interface KeyValueChanges {
  /** The resource arguments (`pod x`, `pods/x`). */
  readonly resources: string[];
  readonly set: Record<string, string>;
  readonly remove: string[];
}

export type PairKind = 'label' | 'annotation';

/** Splits `args` into resources and changes: every argument with `=` or ending in `-` is a change. */
export function parseKeyValueArgs(args: readonly string[], kind: PairKind): KeyValueChanges {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const a of args) {
    if (a.includes('=') || a.endsWith('-')) pairs.push(a);
    else if (pairs.length) throw new CliError(`all resources must be specified before ${kind} changes: ${a}`);
    else resources.push(a);
  }
  if (pairs.length === 0) throw new CliError(`at least one ${kind} update is required`);
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const p of pairs) {
    if (p.includes('=')) {
      const at = p.indexOf('=');
      const key = p.slice(0, at);
      const value = p.slice(at + 1);
      if (!key || isQualifiedName(key).length) throw new CliError(`invalid ${kind} spec: ${p}`);
      if (kind === 'label') {
        const bad = isValidLabelValue(value);
        if (bad.length) throw new CliError(`invalid label value: "${p}": ${bad.join('; ')}`);
      }
      set[key] = value;
    } else {
      const key = p.slice(0, -1);
      if (!key || isQualifiedName(key).length) throw new CliError(`invalid ${kind} spec: ${p}`);
      remove.push(key);
    }
  }
  const both = remove.filter((k) => k in set);
  if (both.length) throw new CliError(`can not both modify and remove the following ${kind}(s) in the same command: ${both.join(', ')}`);
  return { resources, set, remove };
}

/**
 * The merge patch of `metadata.<field>` that makes `current` carry the changes, or undefined when
 * nothing changes. Without `overwrite` an existing key is kubectl's error.
 */
export function keyValuePatch(current: Record<string, string> | undefined, changes: Pick<KeyValueChanges, 'set' | 'remove'>, overwrite: boolean): Record<string, string | null> | undefined {
  const cur = current ?? {};
  if (!overwrite) {
    for (const k of Object.keys(changes.set)) {
      if (k in cur) throw new CliError(`'${k}' already has a value (${cur[k] ?? ''}), and --overwrite is false`);
    }
  }
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(changes.set)) if (cur[k] !== v) patch[k] = v;
  for (const k of changes.remove) if (k in cur) patch[k] = null;
  return Object.keys(patch).length ? patch : undefined;
}
