/** A stand-in agent in a child process: runs `script` with `args` until it prints its first line
 * (JSON: what it started), then kills it outright, as a crash would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function runThenCrash<T>(script: string, args: readonly string[]): Promise<T> {
  const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const said = await new Promise<T>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as T);
    });
    p.once('exit', (code) => reject(new Error(`child exited ${code} before saying what it started`)));
  });
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
  return said;
}

/** How `crash-hook.js` makes a real skiff process fail (see there). */
export type CrashMode = 'exception' | 'rejection' | 'exit';

/** Node options that preload the test-only crash hook into a skiff child process. */
export const crashHookArgs: readonly string[] = ['--import', fileURLToPath(new URL('./crash-hook.js', import.meta.url))];
