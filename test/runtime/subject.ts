/**
 * What the runtime conformance suite needs from a runtime under test. Runtimes differ in how a
 * test makes a container behave (the fake is scripted by annotations, the process runtime runs
 * real commands), so each subject translates a small vocabulary of behaviours into a pod and
 * start options. What a runtime cannot show it declares as a missing capability; the suite then
 * reports those cases as skipped with the reason, never silently passes them.
 */
import path from 'node:path';
import type { Container, Pod } from '../../src/api/kinds.js';
import type { Runtime, StartOptions } from '../../src/runtime/index.js';

export type Capability =
  /** stdout/stderr reach `opts.logPath` as CRI log lines. */
  | 'logs'
  /** exec runs the command: real output and exit code. */
  | 'exec-output'
  /** A program that ignores SIGTERM runs until the grace period ends. */
  | 'grace'
  /** securityContext's runAsUser, runAsGroup, supplementalGroups, runAsNonRoot are applied
   * (needs skiff to run as root to switch users). */
  | 'run-as';

export type Behaviour =
  /** Ends by itself with `code` after `afterMs`. */
  | { readonly kind: 'exit'; readonly code: number; readonly afterMs: number }
  /** Runs until stopped; ends at once on SIGTERM. */
  | { readonly kind: 'serve' }
  /** Runs until stopped; ignores SIGTERM (needs `grace`). */
  | { readonly kind: 'ignore-term' }
  /** Writes these lines to stdout, then exits 0 (needs `logs`). */
  | { readonly kind: 'print'; readonly lines: readonly string[] }
  /** Runs this sh script, then exits with its code (needs `logs` to see its output). */
  | { readonly kind: 'sh'; readonly script: string }
  /** An image the runtime cannot run. */
  | { readonly kind: 'no-image' };

export interface ContainerSpec {
  readonly pod: Pod;
  readonly container: Container;
  readonly opts: StartOptions;
}

export interface RuntimeSubject {
  readonly runtime: Runtime;
  readonly capabilities: ReadonlySet<Capability>;
  /** The node's pod prefix (`10.0.7.`, `127.13.5.`): sandboxes' addresses must be in it. */
  readonly podAddressPrefix: string;
  /** A pod with one container behaving as asked; `name` keeps pods of one case apart. */
  spec(behaviour: Behaviour, name: string): ContainerSpec;
  /** A command that prints `text` and exits with `code`, for exec. */
  execCommand(text: string, code: number): string[];
  dispose(): Promise<void>;
}

export type MakeSubject = () => Promise<RuntimeSubject>;

let uid = 0;

/** A minimal pod with one container: enough for a runtime, which never reads the API. */
export function testPod(name: string, container: Container, extra: { annotations?: Record<string, string>; restartPolicy?: 'Always' | 'OnFailure' | 'Never' } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${process.pid}-${++uid}-${name}`, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { containers: [container], restartPolicy: extra.restartPolicy ?? 'Always' },
  };
}

/** A subject for a runtime that runs real commands in a data dir of its own (process, oci): the
 * behaviours become shell commands (`commandFor`), logs go under the data dir. */
export interface CommandSubject<R extends Runtime> extends RuntimeSubject {
  readonly runtime: R;
  readonly dataDir: string;
  /** Start options with a log path in the data dir. */
  options(name: string, extra?: Partial<StartOptions>): StartOptions;
}

/** What runtimes that run real commands offer (running as other users needs root). */
export const commandCapabilities: ReadonlySet<Capability> = new Set<Capability>(['logs', 'exec-output', 'grace', ...(process.getuid?.() === 0 ? ['run-as' as const] : [])]);

export function commandSubject<R extends Runtime>(runtime: R, dataDir: string, podAddressPrefix: string, commandFor: (b: Behaviour) => Partial<Container>, dispose: () => Promise<void>): CommandSubject<R> {
  const options = (name: string, extra: Partial<StartOptions> = {}): StartOptions => ({ env: {}, mounts: [], logPath: path.join(dataDir, 'logs', name, '0.log'), ...extra });
  return {
    runtime,
    dataDir,
    capabilities: commandCapabilities,
    podAddressPrefix,
    options,
    spec(b, name): ContainerSpec {
      const { command, ...rest } = commandFor(b);
      const container: Container = { name: 'main', ...rest };
      return { pod: testPod(name, container, { restartPolicy: b.kind === 'exit' || b.kind === 'print' || b.kind === 'sh' ? 'Never' : 'Always' }), container, opts: options(name, command ? { command } : {}) };
    },
    execCommand: (text, code) => ['sh', '-c', `echo '${text}'; exit ${code}`],
    dispose,
  };
}
