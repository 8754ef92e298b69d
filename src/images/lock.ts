/**
 * Mutual exclusion for the store: an async reader/writer lock inside one process (pulls share it,
 * removal and GC take it alone) and a lock file between processes (the agent and a `skiff image`
 * command may work on one data dir at once).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../util/process.js';

export class RwLock {
  #readers = 0;
  #writer = false;
  #waiting: { write: boolean; go: () => void }[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire(false);
    try {
      return await fn();
    } finally {
      this.#readers--;
      this.#wake();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire(true);
    try {
      return await fn();
    } finally {
      this.#writer = false;
      this.#wake();
    }
  }

  #acquire(write: boolean): Promise<void> {
    // A waiting writer blocks new readers, so a stream of pulls cannot starve GC forever.
    const free = write ? !this.#writer && this.#readers === 0 : !this.#writer && !this.#waiting.some((w) => w.write);
    if (free && this.#waiting.length === 0) {
      if (write) this.#writer = true;
      else this.#readers++;
      return Promise.resolve();
    }
    return new Promise((go) => this.#waiting.push({ write, go }));
  }

  #wake(): void {
    while (this.#waiting.length > 0 && !this.#writer) {
      const next = this.#waiting[0]!;
      if (next.write) {
        if (this.#readers > 0) return;
        this.#waiting.shift();
        this.#writer = true;
        next.go();
        return;
      }
      this.#waiting.shift();
      this.#readers++;
      next.go();
    }
  }
}


/** Runs `fn` holding `file` (created exclusively, holding our pid; a dead holder's file is taken over). */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = await fs.open(file, 'wx', 0o644);
      await fd.writeFile(String(process.pid));
      await fd.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await fs.readFile(file, 'utf8').catch(() => ''));
      if (holder > 0 && !processAlive(holder)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`image store lock ${file} held by process ${holder} for over ${timeoutMs} ms`);
      await sleep(20);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(file, { force: true });
  }
}
