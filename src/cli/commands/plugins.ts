/**
 * `skiff plugins install [--dir DIR]`: writes `kubectl-rolling_update` and `kubectl-stop` onto
 * PATH. kubectl runs any `kubectl-NAME` program on PATH as the verb NAME (`_` for `-`) when it has
 * no such built-in, so the seeds' literal `kubectl rolling-update …` and `kubectl stop …` reach
 * skiff's own verbs. Each plugin is a two-line shell script naming this node and this skiff.
 */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

/** kubectl's plugin file name → skiff's verb. */
export const kubectlPlugins: Readonly<Record<string, string>> = { 'kubectl-rolling_update': 'rolling-update', 'kubectl-stop': 'stop' };

const skiffMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function pluginScript(verb: string): string {
  return `#!/bin/sh\n# kubectl plugin written by \`skiff plugins install\`: kubectl ${verb} … runs skiff ${verb} ….\nexec ${quote(process.execPath)} ${quote(skiffMain)} ${verb} "$@"\n`;
}

function writableDir(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A writable directory already on PATH: one under the home directory first, then any. */
export function defaultPluginDir(pathVar = process.env['PATH'] ?? '', home = os.homedir()): string | undefined {
  const dirs = pathVar.split(path.delimiter).filter((d) => d && path.isAbsolute(d));
  return dirs.find((d) => d.startsWith(home + path.sep) && writableDir(d)) ?? dirs.find(writableDir);
}

export function pluginsCommand(): Command {
  const cmd = new Command('plugins').description('kubectl plugins for the verbs modern kubectl dropped (rolling-update, stop)');
  cmd.command('install')
    .description('write kubectl-rolling_update and kubectl-stop into a directory on PATH, so `kubectl rolling-update` and `kubectl stop` run skiff\'s')
    .option('--dir <dir>', 'where to write them (default: a writable directory already on PATH)')
    .action((opts: { dir?: string }) => {
      const dir = opts.dir ? path.resolve(opts.dir) : defaultPluginDir();
      if (!dir) throw new Error('no writable directory on PATH: pass --dir DIR and add DIR to PATH');
      mkdirSync(dir, { recursive: true });
      for (const [file, verb] of Object.entries(kubectlPlugins)) {
        writeFileSync(path.join(dir, file), pluginScript(verb), { mode: 0o755 });
        process.stdout.write(`wrote ${path.join(dir, file)} (kubectl ${verb} → skiff ${verb})\n`);
      }
      const onPath = (process.env['PATH'] ?? '').split(path.delimiter).map((d) => path.resolve(d || '.')).includes(dir);
      process.stdout.write(onPath ? `${dir} is on PATH: \`kubectl plugin list\` shows them\n` : `${dir} is not on PATH: export PATH="${dir}:$PATH"\n`);
    });
  return cmd;
}
