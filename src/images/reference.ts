/**
 * Image references as Docker and containerd read them: `busybox` is
 * `docker.io/library/busybox:latest`, a first component with a dot, a colon or `localhost` is a
 * registry host (`localhost:5000/x`, `127.0.0.1:5000/x`), a digest (`@sha256:…`) pins content
 * and wins over a tag for fetching.
 */
import { InvalidReferenceError } from './errors.js';

export const defaultDomain = 'docker.io';
/** Docker Hub's API does not live at docker.io itself. */
export const dockerHubEndpoint = 'registry-1.docker.io';

export interface ImageReference {
  /** Registry host, with a port when given: `docker.io`, `127.0.0.1:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
  /** `domain/path`: what kubelet's imageID puts before `@`. */
  readonly repository: string;
  /** The normalized full reference: `repository[:tag][@digest]`; `:latest` when neither. */
  readonly name: string;
}

// The grammar of distribution's reference package, written out.
const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const hostRe = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;
const maxNameLength = 255;

/** Checks a digest's form (and, for sha256/sha512, its length). */
export function validDigest(d: string): boolean {
  if (!digestRe.test(d)) return false;
  const [alg, hex = ''] = d.split(':');
  if (alg === 'sha256') return /^[a-f0-9]{64}$/.test(hex);
  if (alg === 'sha512') return /^[a-f0-9]{128}$/.test(hex);
  return true;
}

/** Parses and normalizes; throws InvalidReferenceError for anything Docker would refuse. */
export function parseReference(text: string): ImageReference {
  const bad = (why: string): never => {
    throw new InvalidReferenceError(text, why);
  };
  if (text === '') bad('empty');
  if (text !== text.trim()) bad('surrounding whitespace');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!validDigest(digest)) bad(`"${digest}" is not a digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) bad(`"${tag}" is not a valid tag`);
  }
  let domain = defaultDomain;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = rest.slice(slash + 1);
    if (!hostRe.test(domain)) bad(`"${domain}" is not a registry host`);
  }
  if (domain === 'index.docker.io') domain = defaultDomain;
  if (domain === defaultDomain && !path.includes('/')) path = `library/${path}`;
  if (path === '') bad('no repository name');
  for (const c of path.split('/')) {
    if (!component.test(c)) bad(c !== c.toLowerCase() ? 'repository names must be lowercase' : `"${c}" is not a valid path component`);
  }
  const repository = `${domain}/${path}`;
  if (repository.length > maxNameLength) bad(`repository name longer than ${maxNameLength} characters`);
  if (!tag && !digest) tag = 'latest';
  const name = `${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { domain, path, repository, name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The tag or digest the registry is asked for: a digest when there is one (it pins content). */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The short form people type: `busybox:1.36` for Docker Hub's library images. */
export function familiarName(ref: ImageReference): string {
  const repo = ref.domain === defaultDomain ? ref.path.replace(/^library\//, '') : ref.repository;
  return `${repo}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
