/** `skiff up`'s logs: readable lines when asked (or on a terminal), JSON lines otherwise. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { skiffMain } from '../helpers/paths.js';

/** Runs `skiff up` until it is ready and has logged the controller manager's start; its stderr. */
async function upStderr(args: readonly string[]): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-logfmt-'));
  const block = String(30 + Math.floor(Math.random() * 220));
  const child = spawn(process.execPath, [skiffMain, 'up', '--data-dir', dir, '--listen', '127.0.0.1:0', '--address-block', block, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SKIFF_LOG_LEVEL: 'info', SKIFF_LOG_FORMAT: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const deadline = Date.now() + 30_000;
    while (!((out + err).includes('cluster ready') && err.includes('control loops started'))) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`skiff up did not start:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return err;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--log-format text: readable lines naming the level and component, no JSON objects', async () => {
  const err = await upStderr(['--log-format', 'text']);
  const line = err.split('\n').find((l) => l.includes('control loops started')) ?? '';
  assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: controller-manager: control loops started/);
  for (const l of err.split('\n').filter(Boolean)) assert.doesNotMatch(l, /^\{"level"/, `a JSON line: ${l}`);
});

test('stderr not a terminal and no flag: JSON lines, one object each', async () => {
  const err = await upStderr([]);
  const lines = err.split('\n').filter((l) => l.startsWith('{'));
  assert.ok(!err.split('\n').some((l) => /^\[\d\d:/.test(l)), 'no readable log line');
  const parsed = lines.map((l) => JSON.parse(l) as { msg?: string; component?: string });
  assert.ok(parsed.some((p) => p.msg === 'control loops started' && p.component === 'controller-manager'));
});

test('--log-format of an unknown kind is refused with the choices', async () => {
  const child = spawn(process.execPath, [skiffMain, 'up', '--log-format', 'xml'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((r) => child.once('exit', r));
  assert.notEqual(code, 0);
  assert.match(err, /log format "xml" is not one of auto, text, json/);
});
