/**
 * `skiff cp SRC DEST [-c CONTAINER]` with one side `[NAMESPACE/]POD:PATH`: as kubectl cp, `tar`
 * runs in the container through exec (`tar -xmf - -C DIR` fed an archive made here, or
 * `tar cf - PATH` unpacked here), so the container needs `tar` and nothing else. What tar says
 * on stderr is shown on stdout, as kubectl shows it; a failure's exit code is reported.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { Command } from 'commander';
import { CliError, kubeCommand, runKube, type CliContext, type GlobalFlags } from '../kube/index.js';
import { packAs, podTarget, runRemote, unpackTo } from '../remote/index.js';

interface CpOptions extends GlobalFlags {
  container?: string;
}

interface FileSpec {
  readonly pod?: string;
  readonly namespace?: string;
  readonly file: string;
}

/** kubectl's extractFileSpec: `POD:PATH`, `NS/POD:PATH`, or a local path. */
function fileSpec(arg: string): FileSpec {
  const i = arg.indexOf(':');
  if (i < 0) return { file: arg };
  const left = arg.slice(0, i), file = arg.slice(i + 1);
  if (file === '') throw new CliError('remote path cannot be empty');
  const slash = left.indexOf('/');
  if (slash < 0) return { pod: left, file };
  if (left.indexOf('/', slash + 1) >= 0) throw new CliError(`filespec must match the canonical format: [[namespace/]pod:]file/path`);
  return { namespace: left.slice(0, slash), pod: left.slice(slash + 1), file };
}

/** Collects a session's stdout (tar's `test -d`, say) into nothing: only the exit code counts. */
const discard = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

function failed(code: number): CliError {
  return new CliError(`command terminated with exit code ${code}`);
}

async function toPod(ctx: CliContext, src: string, dest: FileSpec, container: string | undefined): Promise<void> {
  if (!existsSync(src)) throw new CliError(`${src} doesn't exist in local filesystem`);
  const target = await podTarget(ctx, dest.pod!, dest.namespace ?? ctx.namespace, container, 'exec');
  let destFile = dest.file;
  // Into an existing folder: the source keeps its name there (kubectl checks with `test -d`).
  const isDir = new URLSearchParams([['command', 'test'], ['command', '-d'], ['command', destFile], ['stdout', 'true'], ['stderr', 'true']]);
  if ((await runRemote(ctx.config, target.path('exec', isDir), { stdout: discard(), stderr: discard() })) === 0) {
    destFile = path.posix.join(destFile, path.basename(src));
  }
  const dir = path.posix.dirname(destFile);
  const q = new URLSearchParams([['command', 'tar'], ['command', '-xmf'], ['command', '-']]);
  if (dir) {
    q.append('command', '-C');
    q.append('command', dir);
  }
  q.set('stdin', 'true');
  q.set('stdout', 'true');
  q.set('stderr', 'true');
  const archive = new PassThrough();
  // A local file that cannot be read ends the archive early (the remote tar then fails too):
  // what went wrong here is the error reported.
  let packError: unknown;
  const packed = packAs(src, path.posix.basename(destFile), archive).catch((err: unknown) => {
    packError = err;
    archive.end();
  });
  const code = await runRemote(ctx.config, target.path('exec', q), { stdin: archive, stdout: process.stdout, stderr: process.stderr });
  await packed;
  if (packError) throw new CliError(packError instanceof Error ? packError.message : String(packError));
  if (code !== 0) throw failed(code);
}

async function fromPod(ctx: CliContext, src: FileSpec, dest: string, container: string | undefined): Promise<void> {
  const target = await podTarget(ctx, src.pod!, src.namespace ?? ctx.namespace, container, 'exec');
  const q = new URLSearchParams([['command', 'tar'], ['command', 'cf'], ['command', '-'], ['command', src.file], ['stdout', 'true'], ['stderr', 'true']]);
  const archive = new PassThrough();
  const unpacked = unpackTo(archive, src.file, dest, (t) => ctx.err.write(t));
  let code: number;
  try {
    code = await runRemote(ctx.config, target.path('exec', q), { stdout: archive, stderr: process.stdout });
  } finally {
    archive.end();
  }
  await unpacked;
  if (code !== 0) throw failed(code);
}

export function cpCommand(): Command {
  return kubeCommand('cp', 'copy files and directories to and from containers')
    .usage('<file-spec-src> <file-spec-dest> [-c CONTAINER]')
    .option('-c, --container <name>', 'container name; defaults to the annotated default or the first container')
    .action(runKube<CpOptions>(async (ctx, args, opts) => {
      if (args.length !== 2) throw new CliError('source and destination are required');
      const src = fileSpec(args[0]!), dest = fileSpec(args[1]!);
      if (src.pod !== undefined && dest.pod !== undefined) throw new CliError('one of src or dest must be a local file specification');
      if (src.pod === undefined && dest.pod === undefined) throw new CliError('one of src or dest must be a remote file specification');
      if (dest.pod !== undefined) await toPod(ctx, src.file, dest, opts.container);
      else await fromPod(ctx, src, dest.file, opts.container);
    }));
}
