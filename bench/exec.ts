/**
 * `npm run bench -- exec [--runtime oci]`: `kubectl exec POD -- true` end to end (kubectl 1.32
 * over WebSocket, through the API server's relay and the node endpoint), p50/p99 over sequential
 * runs, beside baselines in the same run: the same command without skiff (a raw spawn of `true`
 * for the process runtime, `runc exec` into the same container for oci) and `kubectl get pod`
 * (kubectl's own start and one API round trip, which every exec pays too).
 */
import { execFileSync } from 'node:child_process';
import { suffix } from '../test/controlplane/fixtures.js';
import { percentile, result, row } from './lib.js';
import { clusterWithPod, kubectlArgs, runtimeArg, timeRun } from './streams-lib.js';

const runs = Number(process.env['SKIFF_BENCH_EXECS'] ?? 100);
const runtime = runtimeArg();

/** The runc state dir and container id of the pod's one container (the only one running). */
function runcTarget(dataDir: string): { root: string; id: string } {
  const root = execFileSync('find', [dataDir, '-type', 'd', '-name', 'runc', '-not', '-path', '*/oci/*'], { encoding: 'utf8' }).split('\n').find(Boolean);
  if (!root) throw new Error(`no runc root under ${dataDir}`);
  const id = execFileSync('runc', ['--root', root, 'list', '-q'], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('skiff-'));
  if (!id) throw new Error(`no container in ${root}`);
  return { root, id };
}

async function main(): Promise<void> {
  const name = `bench-exec-${suffix()}`;
  const b = await clusterWithPod(runtime, name, 'exec sleep 100000');
  try {
    const exec = kubectlArgs(b.c, ['exec', name, '--', 'true']);
    const get = kubectlArgs(b.c, ['get', 'pod', name]);
    let base: [string, string[]];
    let baseName: string;
    if (runtime === 'oci') {
      const t = runcTarget(b.c.dataDir);
      base = ['runc', ['--root', t.root, 'exec', t.id, 'true']];
      baseName = 'runc exec ID true';
    } else {
      base = ['true', []];
      baseName = 'raw spawn of true';
    }
    // Warm-up: kubectl's discovery cache, the page cache, the node's first session.
    for (let i = 0; i < 3; i++) {
      await timeRun(...exec);
      await timeRun(...base);
    }
    // Interleaved, so that load from elsewhere on a shared machine falls on all three alike.
    const baseline: number[] = [], getMs: number[] = [], execMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(await timeRun(...base));
      getMs.push(await timeRun(...get));
      execMs.push(await timeRun(...exec));
    }
    for (const l of [baseline, getMs, execMs]) l.sort((a, b) => a - b);
    console.log(row(['measurement', 'p50 ms', 'p99 ms']));
    console.log(row([baseName, percentile(baseline, 50), percentile(baseline, 99)]));
    console.log(row(['kubectl get pod', percentile(getMs, 50), percentile(getMs, 99)]));
    console.log(row(['kubectl exec POD -- true', percentile(execMs, 50), percentile(execMs, 99)]));
    const ratio50 = percentile(execMs, 50) / percentile(baseline, 50);
    const ratio99 = percentile(execMs, 99) / percentile(baseline, 99);
    console.log(row(['exec / baseline', ratio50, ratio99]));
    console.log(row(['exec - kubectl get (skiff\'s share)', percentile(execMs, 50) - percentile(getMs, 50), '']));
    result({
      runtime, runs, baseline: baseName,
      baseline_p50_ms: +percentile(baseline, 50).toFixed(2), baseline_p99_ms: +percentile(baseline, 99).toFixed(2),
      kubectl_get_p50_ms: +percentile(getMs, 50).toFixed(1), kubectl_get_p99_ms: +percentile(getMs, 99).toFixed(1),
      exec_p50_ms: +percentile(execMs, 50).toFixed(1), exec_p99_ms: +percentile(execMs, 99).toFixed(1),
      ratio_p50: +ratio50.toFixed(2), ratio_p99: +ratio99.toFixed(2),
    });
  } finally {
    await b.stop();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
