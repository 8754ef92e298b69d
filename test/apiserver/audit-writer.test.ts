/**
 * The audit log file: owner-only whatever the umask or an older file's mode, lines whole and in
 * order, and rotation past `--audit-log-maxsize` keeping `--audit-log-maxbackup` old files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { openAuditLog } from '../../src/apiserver/audit/index.js';

function lines(file: string): { n: number }[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { n: number });
}

test('an existing looser file is tightened to 0600 and appended to', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-audit-w-'));
  try {
    const file = path.join(dir, `audit-${randomBytes(3).toString('hex')}.log`);
    writeFileSync(file, '{"n":-1}\n');
    chmodSync(file, 0o644);
    const sink = openAuditLog({ path: file });
    const count = randomInt(50, 200);
    for (let n = 0; n < count; n++) sink.write(JSON.stringify({ n }));
    await sink.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(lines(file).map((l) => l.n), [-1, ...Array.from({ length: count }, (_, i) => i)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('past maxsize the file rotates; maxbackup old files are kept, no line is split or lost', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-audit-w-'));
  try {
    const file = path.join(dir, 'audit.log');
    const sink = openAuditLog({ path: file, maxSizeMB: 1, maxBackups: 1 });
    const pad = 'x'.repeat(2000);
    const total = 1800; // ~3.6 MB: at least two rotations
    for (let n = 0; n < total; n++) {
      sink.write(JSON.stringify({ n, pad }));
      // Let the writer drain now and then, as a server's event loop does between requests.
      if (n % 100 === 0) await sink.flush();
    }
    await sink.close();
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2, files.join(' '));
    const backup = files.find((f) => f !== 'audit.log')!;
    assert.match(backup, /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/);
    for (const f of files) {
      assert.equal(statSync(path.join(dir, f)).mode & 0o777, 0o600);
      assert.ok(statSync(path.join(dir, f)).size <= 1024 * 1024, `${f} within the size`);
    }
    const kept = [...lines(path.join(dir, backup)), ...lines(file)].map((l) => l.n);
    // The newest lines survive, consecutive up to the last one written.
    assert.equal(kept[kept.length - 1], total - 1);
    kept.forEach((n, i) => i > 0 && assert.equal(n, kept[i - 1]! + 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
