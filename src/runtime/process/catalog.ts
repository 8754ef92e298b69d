/**
 * Image catalog: how the process runtime turns an image name into a host program. There are no
 * image layers in process mode, so `nginx:1.25` and `docker.io/library/nginx` both mean "the
 * host's nginx"; the catalog says how to run it. The built-in entries come from
 * `builtin-images.ts`; a user file (same YAML shape) adds entries or replaces them.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { builtinImagesYaml } from './builtin-images.js';

export type GeneratorName = 'nginx' | 'httpd';
const generators: readonly GeneratorName[] = ['nginx', 'httpd'];

export interface CatalogEntry {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly generator?: GeneratorName;
  readonly ports?: readonly number[];
  readonly busyboxApplets?: boolean;
  /** The image's STOPSIGNAL (nginx's is SIGQUIT: finish the requests in flight, then exit). */
  readonly stopSignal?: NodeJS.Signals;
}

export interface ResolvedImage {
  /** The catalog key that matched (reported as the container's imageID). */
  readonly key: string;
  readonly entry: CatalogEntry;
}

export class ImageCatalogError extends Error {
  override readonly name = 'ImageCatalogError';
}

const stopSignals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGQUIT', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

function stopSignalOf(v: string, where: string): NodeJS.Signals {
  const sig = (v.startsWith('SIG') ? v : `SIG${v}`) as NodeJS.Signals;
  if (!stopSignals.includes(sig)) throw new ImageCatalogError(`${where}: ${v} is not a stop signal (one of ${stopSignals.join(', ')})`);
  return sig;
}

/** `gcr.io/x/y:1.2@sha256:…` → `{ repository: 'x/y', tag: '1.2' }`; Docker Hub's `library/` goes. */
export function parseImageName(image: string): { repository: string; tag: string | undefined } {
  let rest = image.trim();
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  // As Docker decides: a first component with a dot or port, or `localhost`, is a registry.
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  if (parts.length > 1 && parts[0] === 'library') parts.shift();
  let last = parts.pop() ?? '';
  let tag: string | undefined;
  const colon = last.indexOf(':');
  if (colon >= 0) {
    tag = last.slice(colon + 1);
    last = last.slice(0, colon);
  }
  parts.push(last);
  return { repository: parts.join('/').toLowerCase(), tag };
}

function stringList(v: unknown, where: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new ImageCatalogError(`${where}: must be a list of strings`);
  return v as string[];
}

function toEntry(key: string, raw: unknown, source: string): CatalogEntry {
  const where = `${source}: images.${key}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ImageCatalogError(`${where}: must be a mapping`);
  const r = raw as Record<string, unknown>;
  for (const field of Object.keys(r)) {
    if (!['entrypoint', 'cmd', 'generator', 'ports', 'busyboxApplets', 'stopSignal'].includes(field)) throw new ImageCatalogError(`${where}: unknown field ${field}`);
  }
  const g = r['generator'];
  if (g !== undefined && !generators.includes(g as GeneratorName)) throw new ImageCatalogError(`${where}.generator: must be one of ${generators.join(', ')}`);
  const ports = r['ports'];
  if (ports !== undefined && (!Array.isArray(ports) || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536))) throw new ImageCatalogError(`${where}.ports: must be a list of port numbers`);
  const entrypoint = stringList(r['entrypoint'], `${where}.entrypoint`);
  const cmd = stringList(r['cmd'], `${where}.cmd`);
  if (!g && !entrypoint?.length && !cmd?.length) throw new ImageCatalogError(`${where}: needs entrypoint, cmd or generator`);
  return {
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd ? { cmd } : {}),
    ...(g ? { generator: g as GeneratorName } : {}),
    ...(ports ? { ports: ports as number[] } : {}),
    ...(r['busyboxApplets'] === true ? { busyboxApplets: true } : {}),
    ...(typeof r['stopSignal'] === 'string' ? { stopSignal: stopSignalOf(r['stopSignal'], `${where}.stopSignal`) } : {}),
  };
}

function parseCatalog(text: string, source: string): Map<string, CatalogEntry> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ImageCatalogError(`${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const images = (doc as { images?: unknown } | null)?.images;
  if (images === null || typeof images !== 'object' || Array.isArray(images)) throw new ImageCatalogError(`${source}: expected a top-level "images:" mapping`);
  const out = new Map<string, CatalogEntry>();
  for (const [name, raw] of Object.entries(images as Record<string, unknown>)) {
    const { repository, tag } = parseImageName(name);
    const key = tag ? `${repository}:${tag}` : repository;
    out.set(key, toEntry(name, raw, source));
  }
  return out;
}

export class ImageCatalog {
  private constructor(private readonly entries: ReadonlyMap<string, CatalogEntry>) {}

  /** The built-in entries, extended (and overridden entry by entry) by a user file if given. */
  static load(userFile?: string): ImageCatalog {
    const entries = parseCatalog(builtinImagesYaml, 'built-in image catalog');
    if (userFile) {
      let text: string;
      try {
        text = readFileSync(userFile, 'utf8');
      } catch (err) {
        throw new ImageCatalogError(`image catalog ${userFile}: ${err instanceof Error ? err.message : String(err)}`);
      }
      for (const [k, v] of parseCatalog(text, userFile)) entries.set(k, v);
    }
    return new ImageCatalog(entries);
  }

  /** Extra entries in code (tests, embedders), same precedence as a user file. */
  static from(yamlText: string): ImageCatalog {
    const entries = parseCatalog(builtinImagesYaml, 'built-in image catalog');
    for (const [k, v] of parseCatalog(yamlText, 'inline image catalog')) entries.set(k, v);
    return new ImageCatalog(entries);
  }

  /** An exact `repo:tag` entry wins over the `repo` one. */
  resolve(image: string): ResolvedImage | undefined {
    const { repository, tag } = parseImageName(image);
    for (const key of tag ? [`${repository}:${tag}`, repository] : [repository]) {
      const entry = this.entries.get(key);
      if (entry) return { key, entry };
    }
    return undefined;
  }
}
