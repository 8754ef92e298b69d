/** CustomResourceDefinitions through the official Python client (ApiextensionsV1Api and
 * CustomObjectsApi) against an API server: the CRD kind's cases kinds.py leaves to this file (a
 * CRD's name must be `<plural>.<group>`), and custom objects created, listed, patched and gone. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { suffix } from '../controlplane/fixtures.js';
import { ensurePythonClient, failures, runPython } from './python-client.js';

describe('CRDs with the official Python client', () => {
  let s: TestServer;
  before(async () => {
    ensurePythonClient();
    s = await startTestServer();
  });
  after(async () => {
    await s?.stop();
  });

  test('ApiextensionsV1Api and CustomObjectsApi', async () => {
    const run = await runPython('crds.py', [suffix()], s.kubeconfig);
    assert.deepEqual(failures(run), [], 'failed cases');
    assert.deepEqual(run.other, [], `unexpected output; stderr: ${run.stderr}`);
    assert.ok(run.done, `the script did not finish (exit ${run.code}); stderr: ${run.stderr}`);
    const ran = new Set(run.cases.map((c) => c.case));
    for (const c of ['create', 'read', 'list', 'patch', 'replace', 'delete', 'watch', 'status']) assert.ok(ran.has(`CustomResourceDefinition: ${c}`), c);
    assert.ok(ran.has('CustomObjectsApi'));
  });
});
