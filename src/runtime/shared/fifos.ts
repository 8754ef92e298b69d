/**
 * A container's stdout and stderr are FIFOs, not the socket pairs Node gives a child by default:
 * programs that open `/dev/stdout` by name (nginx's `access_log /dev/stdout`) cannot open a
 * socket, but can open a pipe, as they can under Docker.
 *
 * The FIFOs stay in the container's directory for as long as it runs, and the container holds
 * its end open for reading *and* writing: so a container never gets SIGPIPE when the agent that
 * reads its output dies, and an agent started again opens the same FIFOs by name and reads on
 * (output written meanwhile waits in the pipe, up to the kernel's 64 KiB, then the writer waits).
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, mkdirSync, openSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * FIFOs made ahead, a batch per `mkfifo` run: Node cannot make a FIFO itself, and one extra
 * process per container start doubled the cost of starting a hundred pods at once.
 */
class FifoPool {
  private readonly free: string[] = [];
  private refill: Promise<void> | undefined;
  private serial = 0;

  constructor(private readonly dir: string, private readonly batch = 64) {
    // FIFOs made but never used go with the process.
    process.once('exit', () => {
      for (const f of this.free.splice(0)) rmSync(f, { force: true });
    });
  }

  async take(n: number): Promise<string[]> {
    while (this.free.length < n) {
      this.refill ??= this.make().finally(() => (this.refill = undefined));
      await this.refill;
    }
    return this.free.splice(0, n);
  }

  private async make(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const files = Array.from({ length: this.batch }, () => path.join(this.dir, `.fifo-${process.pid}-${this.serial++}-${Math.random().toString(36).slice(2, 8)}`));
    await promisify(execFile)('mkfifo', ['-m', '600', ...files]);
    this.free.push(...files);
  }
}

const pools = new Map<string, FifoPool>();

/** The reading end, without blocking Node's thread pool. */
export function openReader(fifo: string): Socket {
  const fd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  return new Socket({ fd, readable: true, writable: false });
}

export interface ContainerPipe {
  readonly read: Socket;
  /** The container's end (read-write, see above); the caller closes it once the child has it. */
  readonly containerFd: number;
}

/** FIFOs at `targets` (replacing what is there), open for this process and a container. */
export async function makePipes(poolDir: string, targets: readonly string[]): Promise<ContainerPipe[]> {
  let pool = pools.get(poolDir);
  if (!pool) pools.set(poolDir, (pool = new FifoPool(poolDir)));
  const files = await pool.take(targets.length);
  return files.map((f, i) => {
    const target = targets[i]!;
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    try {
      unlinkSync(target);
    } catch {
      // not there yet
    }
    renameSync(f, target);
    const read = openReader(target);
    return { read, containerFd: openSync(target, fsConstants.O_RDWR) };
  });
}
