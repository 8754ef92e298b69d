/** Server-side apply with the official Python client against a `skiff server` process. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/serverprocess.js';
import { ensurePythonClient, failures, runPython } from './python-client.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-py-apply-'));
let server: ServerProcess;
before(async () => {
  ensurePythonClient();
  server = await startServerProcess(path.join(tmp, 'data'), ['--no-controllers']);
});
after(async () => {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('server-side apply through the Python client', async () => {
  const run = await runPython('apply.py', [Math.random().toString(36).slice(2, 7)], server.kubeconfig);
  assert.deepEqual(failures(run), [], run.stderr);
  assert.ok(run.done, `the script did not finish: ${run.stderr}`);
  assert.equal(run.cases.length, 6);
});
