/**
 * kubectl's habits for the words before the verb: global flags (`--kubeconfig F`, `-n NS`,
 * `--context C`, `--request-timeout D`) may come before the verb as well as after it, and an
 * unknown verb is `error: unknown command "x" for "skiff"` with cobra's "Did you mean this?".
 */

/** The global flags that take a value, as kubectl spells them. */
const valueFlags = new Set(['--kubeconfig', '--context', '-n', '--namespace', '--request-timeout']);

/**
 * Moves global flags found before the verb to just after it (commander reads them there).
 * `args` is argv without node and the script.
 */
export function globalFlagsAfterVerb(args: readonly string[]): string[] {
  const moved: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i] ?? '';
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (!valueFlags.has(name)) break;
    if (a.includes('=')) {
      moved.push(a);
      i += 1;
    } else {
      moved.push(a, args[i + 1] ?? '');
      i += 2;
    }
  }
  if (moved.length === 0 || i >= args.length) return [...args];
  return [args[i] ?? '', ...moved, ...args.slice(i + 1)];
}

/** Levenshtein distance (cobra suggests within 2). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The verbs a mistyped one may have meant: within distance 2, or starting with it (as cobra). */
export function suggestions(word: string, verbs: readonly string[]): string[] {
  const w = word.toLowerCase();
  return verbs.filter((v) => distance(w, v.toLowerCase()) <= 2 || v.toLowerCase().startsWith(w));
}

/** kubectl's text for an unknown verb. */
export function unknownCommandMessage(word: string, verbs: readonly string[]): string {
  const s = suggestions(word, verbs);
  let text = `error: unknown command "${word}" for "skiff"\n`;
  if (s.length > 0) text += `\nDid you mean this?\n${s.map((v) => `\t${v}\n`).join('')}`;
  return text + `\nRun 'skiff --help' for usage.\n`;
}

/** Commander's `unknown option '--x'` in kubectl's words, with where to read the usage. */
export function kubectlErrorWording(text: string, commandPath: string): string {
  const m = /^error: unknown option '([^']+)'/.exec(text);
  if (!m) return text;
  return `error: unknown flag: ${m[1] ?? ''}\nSee '${commandPath} --help' for usage.\n`;
}
