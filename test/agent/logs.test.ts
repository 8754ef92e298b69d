/** Reading CRI log files as `kubectl logs` asks: tail, since, timestamps, limit, follow. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { formatLine, logQuery, streamLog } from '../../src/agent/logs.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace('Z', '123456Z');

function logFile(lines: string[]): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'skiff-logs-')), '0.log');
  writeFileSync(file, lines.map((l, i) => `${t(i)} ${i % 2 ? 'stderr' : 'stdout'} F ${l}\n`).join(''));
  return file;
}

async function read(file: string, query: string, ended: Promise<unknown> = Promise.resolve()): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  await streamLog(file, logQuery(new URLSearchParams(query)), out, ended);
  return text;
}

describe('log lines', () => {
  test('full and partial lines, timestamps', () => {
    assert.equal(formatLine(`${t(1)} stdout F hello`, logQuery(new URLSearchParams())), 'hello\n');
    assert.equal(formatLine(`${t(1)} stdout P hel`, logQuery(new URLSearchParams())), 'hel');
    assert.equal(formatLine(`${t(1)} stderr F x`, logQuery(new URLSearchParams('timestamps=true'))), `${t(1)} x\n`);
    assert.equal(formatLine('garbage', logQuery(new URLSearchParams())), undefined);
  });
});

describe('streaming a log', () => {
  const n = 5 + Math.floor(Math.random() * 5);
  const lines = Array.from({ length: n }, (_, i) => `line ${i}`);
  const file = logFile(lines);
  const cases = [
    { name: 'everything', query: '', want: lines.map((l) => `${l}\n`).join('') },
    { name: 'tailLines=2', query: 'tailLines=2', want: lines.slice(-2).map((l) => `${l}\n`).join('') },
    { name: 'tailLines=0', query: 'tailLines=0', want: '' },
    { name: 'limitBytes=8', query: 'limitBytes=8', want: 'line 0\nl' },
    { name: 'sinceTime drops older lines', query: `sinceTime=${encodeURIComponent(new Date(Date.UTC(2026, 0, 1, 0, 0, 3)).toISOString())}`, want: lines.slice(3).map((l) => `${l}\n`).join('') },
  ];
  for (const c of cases) test(c.name, async () => assert.equal(await read(file, c.query), c.want));

  test('follow keeps reading until the run ends', async () => {
    const f = logFile(['first']);
    let end!: () => void;
    const ended = new Promise<void>((r) => (end = r));
    const reading = read(f, 'follow=true', ended);
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(f, `${t(9)} stdout F second\n`);
    await new Promise((r) => setTimeout(r, 400));
    end();
    assert.equal(await reading, 'first\nsecond\n');
  });
});

describe('kubelet log query booleans, decoded as the API server decodes them', () => {
  const cases: { name: string; query: string; follow: boolean; timestamps: boolean }[] = [
    { name: 'absent', query: '', follow: false, timestamps: false },
    { name: 'true', query: 'follow=true&timestamps=true', follow: true, timestamps: true },
    { name: "Python's True", query: 'follow=True&timestamps=True', follow: true, timestamps: true },
    { name: '1 and TRUE', query: 'follow=1&timestamps=TRUE', follow: true, timestamps: true },
    { name: 'bare parameter', query: 'follow=&timestamps', follow: true, timestamps: true },
    { name: 'False and 0', query: 'follow=False&timestamps=0', follow: false, timestamps: false },
    { name: 'FALSE and false', query: 'follow=FALSE&timestamps=false', follow: false, timestamps: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const q = logQuery(new URLSearchParams(c.query));
      assert.equal(q.follow, c.follow, 'follow');
      assert.equal(q.timestamps, c.timestamps, 'timestamps');
    });
  }

  test('follow=True keeps reading until the run ends', async () => {
    const f = logFile(['first']);
    let end!: () => void;
    const ended = new Promise<void>((r) => (end = r));
    const reading = read(f, 'follow=True&timestamps=1', ended);
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(f, `${t(9)} stdout F second\n`);
    await new Promise((r) => setTimeout(r, 400));
    end();
    assert.equal(await reading, `${t(0)} first\n${t(9)} second\n`);
  });
});
