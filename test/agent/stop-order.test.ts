/** kubelet's termination order: regular and plain init containers at once, then sidecars in
 * reverse order, each waiting at most the grace period for its turn. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { TerminationOrder } from '../../src/agent/stop-order.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';

function pod(inits: readonly { name: string; sidecar: boolean }[], regular: readonly string[]): Pod {
  const b = podBuilder('p').noContainers();
  for (const i of inits) b.initContainer(i.sidecar ? containerBuilder(i.name).set('restartPolicy', 'Always') : containerBuilder(i.name));
  for (const r of regular) b.container(containerBuilder(r));
  return b.build() as Pod;
}

/** Every running container asks for its turn at once; each stops a moment after its turn. */
async function stopSequence(p: Pod, running: readonly string[], graceSeconds = 5): Promise<string[]> {
  const order = new TerminationOrder(p, new Set(running));
  const seen: string[] = [];
  await Promise.all(running.map(async (name) => {
    await order.waitForTurn(name, graceSeconds);
    seen.push(name);
    await new Promise((r) => setTimeout(r, 5));
    order.terminated(name);
  }));
  return seen;
}

describe('termination order', () => {
  const sidecars = (...names: string[]) => names.map((name) => ({ name, sidecar: true }));
  const cases: { name: string; pod: Pod; running: string[]; firstSet: string[]; then: string[] }[] = [
    { name: 'regular first, then sidecars last to first', pod: pod(sidecars('s1', 's2', 's3'), ['a', 'b']), running: ['s1', 's2', 's3', 'a', 'b'], firstSet: ['a', 'b'], then: ['s3', 's2', 's1'] },
    { name: 'a sidecar not running does not hold the others', pod: pod(sidecars('s1', 's2', 's3'), ['a']), running: ['s1', 's3', 'a'], firstSet: ['a'], then: ['s3', 's1'] },
    { name: 'a plain init container still running stops at once', pod: pod([{ name: 'setup', sidecar: false }, ...sidecars('s1')], ['a']), running: ['setup', 's1'], firstSet: ['setup'], then: ['s1'] },
    { name: 'no regular container running: sidecars still in reverse order', pod: pod(sidecars('x', 'y'), ['a']), running: ['x', 'y'], firstSet: [], then: ['y', 'x'] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const seen = await stopSequence(c.pod, c.running);
      assert.deepEqual(seen.slice(0, c.firstSet.length).sort(), [...c.firstSet].sort());
      assert.deepEqual(seen.slice(c.firstSet.length), c.then);
    });
  }

  test('a sidecar waits at most its grace period for a container that does not stop', async () => {
    const order = new TerminationOrder(pod(sidecars('proxy'), ['stuck']), new Set(['proxy', 'stuck']));
    const t0 = Date.now();
    const waited = await order.waitForTurn('proxy', 0.3);
    const ms = Date.now() - t0;
    assert.ok(ms >= 280 && ms < 2000, `waited ${ms} ms`);
    assert.equal(waited, 0, 'whole seconds waited');
  });
});
