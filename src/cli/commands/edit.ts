/**
 * `skiff edit TYPE NAME`: the object in `$KUBE_EDITOR`/`$EDITOR` (default `vi`), as YAML under
 * kubectl's comment header; what is saved goes back as a strategic merge patch of the changes.
 * A save the server refuses reopens the file with the reasons as comments (the user's edits kept);
 * saving that again unchanged gives up, keeping a copy, as kubectl does. Nothing is written
 * until the server accepts it, so a broken edit changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { parseAllDocuments, stringify } from 'yaml';
import { ApiError } from '../../api/errors.js';
import { patchMergeKey } from '../../api/schema/index.js';
import type { KubeObject } from '../../api/types.js';
import { isRecord, parseApiVersion } from '../../api/types.js';
import { threeWayMergePatch } from '../apply/index.js';
import {
  CliError, collect, formatError, getObject, kubeCommand, operationLine, resolveTargets, resourcePath, runKube, type ApiResource,
  type CliContext, type GlobalFlags,
} from '../kube/index.js';

interface EditOptions extends GlobalFlags {
  filename?: string[];
  output?: string;
}

const header =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n" +
  '# and an empty file will abort the edit. If an error occurs while saving this file will be\n' +
  '# reopened with the relevant failures.\n#\n';

export function editCommand(): Command {
  return kubeCommand('edit', 'edit an object in your editor ($KUBE_EDITOR, $EDITOR, or vi) and save the changes')
    .option('-f, --filename <file>', 'file naming the objects to edit', collect)
    .option('-o, --output <format>', 'yaml (default) or json: the format to edit in')
    .action(runKube<EditOptions>(async (ctx, args, opts) => {
      const targets = await resolveTargets(ctx, args, { filenames: opts.filename });
      if (targets.length === 0) throw new CliError('no objects to edit');
      const originals = await Promise.all(targets.map(async (t) => ({ r: t.resource, ns: t.namespace, obj: presentable(await getObject(ctx, t.resource, t.namespace, t.name)) })));
      const json = opts.output === 'json';
      const doc: unknown = originals.length === 1 ? originals[0]!.obj : { apiVersion: 'v1', kind: 'List', metadata: {}, items: originals.map((o) => o.obj) };
      const body = json ? `${JSON.stringify(doc, null, 4)}\n` : stringify(doc);
      await editLoop(ctx, originals, body, json);
    }));
}

/** What the user edits: no managed fields (kubectl hides them by default). */
function presentable(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata;
  void _m;
  return { ...obj, metadata };
}

/** Comment lines out, for comparing what the user saved with what they were shown. */
export function stripComments(text: string): string {
  return text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n').trim();
}

interface Original { r: ApiResource; ns: string | undefined; obj: KubeObject }

async function editLoop(ctx: CliContext, originals: Original[], body: string, json: boolean): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-edit-'));
  const file = path.join(dir, `edit.${json ? 'json' : 'yaml'}`);
  const editor = process.env['KUBE_EDITOR'] || process.env['EDITOR'] || 'vi';
  let text = body;
  let errorHeader = '';
  let lastFailed: string | undefined;
  for (;;) {
    writeFileSync(file, header + errorHeader + text);
    const run = spawnSync('sh', ['-c', `${editor} "${file}"`], { stdio: 'inherit' });
    if (run.status !== 0) throw new CliError(`there was a problem with the editor "${editor}"`);
    const edited = readFileSync(file, 'utf8');
    const stripped = stripComments(edited);
    if (lastFailed !== undefined && stripped === lastFailed) {
      ctx.err.write(`A copy of your changes has been stored to "${file}"\n`);
      throw new CliError('Edit cancelled, no valid changes were saved.');
    }
    if (stripped === stripComments(body)) {
      rmSync(dir, { recursive: true, force: true });
      ctx.err.write('Edit cancelled, no changes made.\n');
      return;
    }
    if (stripped === '') {
      rmSync(dir, { recursive: true, force: true });
      ctx.err.write('Edit cancelled, saved file was empty.\n');
      return;
    }
    text = edited.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
    const failure = await trySave(ctx, originals, edited, json);
    if (failure === undefined) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    errorHeader = `${failure.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n#\n`;
    lastFailed = stripped;
  }
}

/** Saves the edited objects; returns the reasons (for the reopened file's header) on failure. */
async function trySave(ctx: CliContext, originals: Original[], edited: string, json: boolean): Promise<string | undefined> {
  let doc: unknown;
  try {
    if (json) doc = JSON.parse(stripComments(edited));
    else {
      const docs = parseAllDocuments(edited);
      const bad = docs.flatMap((d) => d.errors)[0];
      if (bad) return `The edited file had a syntax error: error converting YAML to JSON: yaml: line ${bad.linePos?.[0].line ?? 0}: ${bad.message.split('\n')[0] ?? ''}`;
      doc = docs[0]?.toJS();
    }
  } catch (err) {
    return `The edited file had a syntax error: ${(err as Error).message}`;
  }
  const items: unknown[] = isRecord(doc) && doc['kind'] === 'List' && Array.isArray(doc['items']) ? doc['items'] : [doc];
  const problems: string[] = [];
  for (const [i, o] of originals.entries()) {
    const e = items[i];
    if (!isRecord(e) || !isRecord(e['metadata'])) {
      problems.push('The edited file is not a valid object');
      continue;
    }
    const meta = e['metadata'] as Record<string, unknown>;
    if (e['apiVersion'] !== o.obj.apiVersion || e['kind'] !== o.obj.kind || meta['name'] !== o.obj.metadata.name) {
      problems.push('At least one of apiVersion, kind and name was changed');
      continue;
    }
    const { group, version } = parseApiVersion(String(o.obj.apiVersion));
    const patch = threeWayMergePatch(o.obj as Record<string, unknown>, e, o.obj as Record<string, unknown>, (p) => patchMergeKey(group, version, String(o.obj.kind), p));
    if (Object.keys(patch).length === 0) continue;
    try {
      await ctx.client.request('PATCH', resourcePath(o.r, o.ns, o.obj.metadata.name, undefined, { fieldManager: 'kubectl-edit' }), patch, 'application/strategic-merge-patch+json');
      ctx.out.write(`${operationLine(o.r, o.obj.metadata.name ?? '', 'edited')}\n`);
      o.obj = presentable(await getObject(ctx, o.r, o.ns, o.obj.metadata.name ?? ''));
    } catch (err) {
      problems.push(reason(o, err));
    }
  }
  return problems.length ? problems.join('\n') : undefined;
}

/** kubectl's header for a refused save: `<plural> "<name>" was not valid:` and one `* cause` each. */
function reason(o: Original, err: unknown): string {
  if (err instanceof ApiError && err.reason === 'Invalid' && err.details?.causes?.length) {
    return [`${o.r.plural} "${o.obj.metadata.name ?? ''}" was not valid:`, ...err.details.causes.map((c) => `* ${c.field ? `${c.field}: ` : ''}${c.message ?? ''}`)].join('\n');
  }
  return formatError(err);
}
