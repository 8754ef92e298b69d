/**
 * Reading `-f` arguments as kubectl does: files, directories (their `.yaml`, `.yml` and `.json`
 * files, in name order; subdirectories only with `-R`), and `-` for stdin; YAML streams of several
 * documents and JSON; a `List` is flattened into its items. Errors name the file (and the line for
 * YAML), as kubectl's do.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { isRecord } from '../../api/types.js';
import { CliError } from './errors.js';

/** One object read from a manifest, with where it came from (for messages). */
export interface Manifest {
  /** The path as the user gave it (or the file found in a directory); `STDIN` for `-`. */
  readonly source: string;
  readonly object: KubeObject;
}

export interface ReadOptions {
  readonly recursive?: boolean;
  /** Reads all of stdin (injectable for tests). */
  readonly stdin?: () => string;
}

const extensions = new Set(['.yaml', '.yml', '.json']);

/** Every object in every `-f` argument, in order. */
export function readManifests(filenames: readonly string[], opts: ReadOptions = {}): Manifest[] {
  const out: Manifest[] = [];
  for (const f of filenames) {
    if (f === '-') {
      out.push(...parseManifests(opts.stdin ? opts.stdin() : readFileSync(0, 'utf8'), 'STDIN'));
      continue;
    }
    if (/^https?:\/\//.test(f)) throw new CliError(`reading manifests from URLs is not supported: ${f}`);
    if (!existsSync(f)) throw new CliError(`the path "${f}" does not exist`);
    for (const file of filesOf(f, opts.recursive ?? false, true)) out.push(...parseManifests(readFileSync(file, 'utf8'), file));
  }
  return out;
}

function filesOf(p: string, recursive: boolean, top: boolean): string[] {
  if (!statSync(p).isDirectory()) return [p];
  if (!top && !recursive) return [];
  return readdirSync(p)
    .sort()
    .flatMap((e) => {
      const full = path.join(p, e);
      if (statSync(full).isDirectory()) return recursive ? filesOf(full, recursive, false) : [];
      return extensions.has(path.extname(e).toLowerCase()) ? [full] : [];
    });
}

/** Parses one file's text (YAML stream or JSON) into objects; `source` names it in errors. */
export function parseManifests(text: string, source: string): Manifest[] {
  const docs: unknown[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      docs.push(JSON.parse(text));
    } catch (err) {
      throw new CliError(`error parsing ${source}: ${(err as Error).message}`);
    }
  } else {
    for (const doc of parseAllDocuments(text)) {
      const e = doc.errors[0];
      if (e) {
        const line = e.linePos?.[0].line;
        const msg = e.message.split('\n')[0] ?? e.message;
        throw new CliError(`error parsing ${source}: error converting YAML to JSON: yaml: ${line !== undefined ? `line ${line}: ` : ''}${msg}`);
      }
      const v: unknown = doc.toJS();
      if (v !== null && v !== undefined) docs.push(v);
    }
  }
  const out: Manifest[] = [];
  for (const d of docs) for (const object of flatten(d, source)) out.push({ source, object });
  return out;
}

function flatten(doc: unknown, source: string): KubeObject[] {
  if (Array.isArray(doc)) return doc.flatMap((d) => flatten(d, source));
  if (!isRecord(doc)) throw new CliError(`error validating "${source}": error validating data: the document is not an object`);
  if (typeof doc['kind'] === 'string' && doc['kind'].endsWith('List') && Array.isArray(doc['items'])) {
    return (doc['items'] as unknown[]).flatMap((d) => flatten(d, source));
  }
  if (!doc['kind']) throw new CliError(`error validating "${source}": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false`);
  if (!doc['apiVersion']) throw new CliError(`error validating "${source}": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false`);
  const obj = doc as KubeObject;
  if (!isRecord(obj.metadata)) obj.metadata = {};
  return [obj];
}
