/**
 * `skiff explain-support [--runtime R] [-o json]`: the support tables (src/api/support), what each
 * runtime does with each pod-spec feature whose effect depends on it. Needs no cluster: the
 * tables are compiled in, the same ones admission and the nodes use.
 */
import { Command } from 'commander';
import { anyRuntimeHonours, features, runtimeNames, supportOf } from '../../api/support/index.js';

interface Options {
  runtime?: string;
  output?: string;
}

function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

const legend = [
  '',
  'yes: honoured as Kubernetes does. partial: the pod runs, degraded as the note says. no: the pod runs without it.',
  'A field no runtime honours is refused when the object is created (422); one that some nodes\' runtime does not',
  "honour is a Warning on create and a DegradedField event on the pod where it runs. Fields not listed take effect on every runtime.",
  '',
].join('\n');

export function explainSupportCommand(): Command {
  return new Command('explain-support')
    .description('print which pod-spec fields each runtime (process, oci, fake) honours')
    .option('--runtime <name>', `one runtime only: ${runtimeNames.join(', ')}`)
    .option('-o, --output <format>', 'json')
    .action((opts: Options) => {
      if (opts.runtime !== undefined && !(runtimeNames as readonly string[]).includes(opts.runtime)) {
        process.stderr.write(`error: unknown runtime "${opts.runtime}": one of ${runtimeNames.join(', ')}\n`);
        process.exitCode = 1;
        return;
      }
      if (opts.output !== undefined && opts.output !== 'json') {
        process.stderr.write(`error: --output must be 'json'\n`);
        process.exitCode = 1;
        return;
      }
      const runtimes = opts.runtime ? [opts.runtime] : [...runtimeNames];
      if (opts.output === 'json') {
        const out = features.map((f) => ({
          field: f.field, feature: f.id, description: f.what, refused: !anyRuntimeHonours(f.id),
          runtimes: Object.fromEntries(runtimes.map((r) => [r, supportOf(r, f.id)])),
        }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      if (opts.runtime) {
        const r = opts.runtime;
        const rows = [['FIELD', 'SUPPORT', 'NOTE'], ...features.map((f) => [f.field, anyRuntimeHonours(f.id) ? supportOf(r, f.id).level : 'refused', supportOf(r, f.id).note ?? f.what])];
        process.stdout.write(columns(rows) + legend);
        return;
      }
      const rows = [
        ['FIELD', ...runtimes.map((r) => r.toUpperCase()), 'WHAT'],
        ...features.map((f) => [f.field, ...(anyRuntimeHonours(f.id) ? runtimes.map((r) => supportOf(r, f.id).level) : runtimes.map(() => 'refused')), f.what]),
      ];
      process.stdout.write(columns(rows) + legend);
    });
}
