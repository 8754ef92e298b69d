/**
 * The log backend (kube-apiserver's `--audit-log-*` flags): one JSON line per event, to a file
 * (created 0600: events name users and may hold objects) or `-` for stdout. Requests never wait
 * on the disk: lines gather in memory and one write at a time drains them. Rotation follows the
 * flags kube-apiserver takes from lumberjack: past `maxSizeMB` the file is renamed with a
 * timestamp and a new one started; old ones beyond `maxBackups` or `maxAgeDays` are removed.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AuditLogOptions {
  /** A file path, or `-` for stdout. */
  readonly path: string;
  /** Rotate past this many megabytes (0: never). */
  readonly maxSizeMB?: number;
  /** Keep at most this many rotated files (0: all). */
  readonly maxBackups?: number;
  /** Remove rotated files older than this many days (0: never). */
  readonly maxAgeDays?: number;
}

export interface AuditSink {
  write(line: string): void;
  /** Resolves once everything written so far is on its way to the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function openAuditLog(o: AuditLogOptions): AuditSink {
  return o.path === '-' ? new StdoutSink() : new FileSink(o);
}

class StdoutSink implements AuditSink {
  write(line: string): void {
    process.stdout.write(line + '\n');
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

class FileSink implements AuditSink {
  private fd: number;
  private size: number;
  private pending: string[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;
  private readonly maxBytes: number;

  constructor(private readonly o: AuditLogOptions) {
    fs.mkdirSync(path.dirname(o.path), { recursive: true, mode: 0o700 });
    this.fd = fs.openSync(o.path, 'a', 0o600);
    // An existing file keeps its contents but not looser modes.
    fs.fchmodSync(this.fd, 0o600);
    this.size = fs.fstatSync(this.fd).size;
    this.maxBytes = (o.maxSizeMB ?? 0) * 1024 * 1024;
  }

  write(line: string): void {
    if (this.closed) return;
    this.pending.push(line + '\n');
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const chunk = this.pending.join('');
        this.pending = [];
        const buf = Buffer.from(chunk);
        if (this.maxBytes > 0 && this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
        await new Promise<void>((resolve, reject) => fs.write(this.fd, buf, 0, buf.length, null, (err) => (err ? reject(err) : resolve())));
        this.size += buf.length;
      }
    } catch (err) {
      process.stderr.write(`audit log: could not write ${this.o.path}: ${(err as Error).message}\n`);
    } finally {
      this.writing = undefined;
    }
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    const ext = path.extname(this.o.path);
    const base = this.o.path.slice(0, this.o.path.length - ext.length);
    // lumberjack's backup name: `audit-2006-01-02T15-04-05.000.log`.
    const stamp = new Date().toISOString().replace(/:/g, '-').replace(/Z$/, '');
    fs.renameSync(this.o.path, `${base}-${stamp}${ext}`);
    this.fd = fs.openSync(this.o.path, 'a', 0o600);
    this.size = 0;
    this.prune(path.basename(base) + '-', ext);
  }

  private prune(prefix: string, ext: string): void {
    const dir = path.dirname(this.o.path);
    const backups = fs.readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith(ext) && f !== path.basename(this.o.path))
      .sort()
      .reverse();
    const maxAgeMs = (this.o.maxAgeDays ?? 0) * 86_400_000;
    backups.forEach((f, i) => {
      const full = path.join(dir, f);
      const tooMany = (this.o.maxBackups ?? 0) > 0 && i >= this.o.maxBackups!;
      const tooOld = maxAgeMs > 0 && Date.now() - fs.statSync(full).mtimeMs > maxAgeMs;
      if (tooMany || tooOld) fs.rmSync(full, { force: true });
    });
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
