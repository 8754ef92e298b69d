/**
 * Key-range helpers shared by the backends. Every backend must order keys the same way etcd does
 * (by their UTF-8 bytes), so that pagination with `startAfter` means the same thing everywhere.
 */

/** Orders keys by Unicode code point, which is the order of their UTF-8 bytes (etcd's and
 * SQLite's BINARY collation). Plain `<` on JS strings compares UTF-16 code units, which differs
 * for characters above U+FFFF versus U+E000–U+FFFF; this remaps surrogates to fix that. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

function codeUnitRank(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000; // surrogates sort above U+E000–U+FFFF
  if (c >= 0xe000) return c - 0x800;
  return c;
}

/**
 * The smallest string greater than every string that starts with `prefix` (exclusive upper bound
 * of the prefix range), or undefined when there is none (empty prefix: the range is unbounded).
 * Increments the last code point, which is correct for code-point (UTF-8 byte) order.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** True when `key` falls in the half-open range of keys under `prefix`. */
export function hasPrefix(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}
