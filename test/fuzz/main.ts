/**
 * The hostile-input generator as a program:
 *   node dist/test/fuzz/main.js --requests N --seed S [--concurrency C] [--idle-connections K]
 *        [--address HOST:PORT [--kubeconfig FILE] [--pid PID]] [--show I]
 * starts `skiff up` on a fresh data dir (unless given an address), sends N hostile requests drawn
 * from seed S, checks the invariants (run.ts), prints a summary and, last, one `RESULT {json}`
 * line. Exits 1 when an invariant broke; each failure names the seed and the offending request.
 * `--show I` only prints request I of the seed, to reproduce it.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './run.js';
import { describeRequest, requestOf } from './requests.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'idle-connections': { type: 'string', default: '200' },
    address: { type: 'string' },
    kubeconfig: { type: 'string' },
    pid: { type: 'string' },
    show: { type: 'string' },
  },
});

const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);

if (values.show !== undefined) {
  console.log(describeRequest(requestOf(seed, Number(values.show), { admin: '<token>' })));
  process.exit(0);
}

const result = await runFuzz({
  requests: Number(values.requests),
  seed,
  concurrency: Number(values.concurrency),
  idleConnections: Number(values['idle-connections']),
  ...(values.address ? { address: values.address } : {}),
  ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
  ...(values.pid ? { pid: Number(values.pid) } : {}),
  log: (line) => console.error(line),
});

const codes = Object.entries(result.answers).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}:${v}`).join(' ');
console.log(`seed ${result.seed}: ${result.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s (${result.requestsPerSecond}/s)`);
console.log(`answers: ${codes}`);
console.log(`RSS MB: idle ${result.rss.idleMB ?? '?'}, peak ${result.rss.peakMB ?? '?'}, end ${result.rss.endMB ?? '?'}, bound ${result.rss.boundMB ?? '?'} (${result.idleConnections} idle connections, ${result.rss.writtenMB ?? 0} MB of objects written)`);
console.log(`kept writes: ${result.kept.created} created, ${result.kept.missing} missing`);
if (process.env['FUZZ_SLOW']) for (const s of result.slowest) console.log(`slow ${s.ms} ms → ${s.outcome}: ${s.request}`);
for (const f of result.failures.slice(0, 20)) console.log(`FAIL [${f.rule}] seed ${result.seed} ${f.request ?? ''}\n  → ${f.detail}`);
if (result.failures.length > 20) console.log(`… and ${result.failures.length - 20} more failures`);
console.log(`RESULT ${JSON.stringify({ ...result, failures: result.failures.length, slowest: result.slowest.length })}`);
process.exit(result.failures.length ? 1 : 0);
