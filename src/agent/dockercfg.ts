/**
 * The docker config files that image pull Secrets carry, read as the kubelet reads them
 * (credentialprovider's DockerConfigJSON, DockerConfig and DockerConfigEntry): a
 * `kubernetes.io/dockerconfigjson` Secret's `.dockerconfigjson` is `{"auths": {LOCATION: ENTRY}}`,
 * a `kubernetes.io/dockercfg` Secret's `.dockercfg` is `{LOCATION: ENTRY}` itself. An entry's
 * `auth` (base64 of `user:password`) wins over its `username`/`password`. Field names match
 * case-insensitively and the last spelling wins, as Go's encoding/json does; a Secret of
 * another type is not a pull secret at all, even with the key.
 */
import type { Secret } from '../api/kinds.js';

export interface DockerConfigEntry {
  readonly username: string;
  readonly password: string;
  readonly email?: string;
}

/** Registry location as written (`https://index.docker.io/v1/`, `*.example.com`, `host:5000/team`) → entry, in document order. */
export type DockerConfig = ReadonlyMap<string, DockerConfigEntry>;

export const dockerConfigJsonType = 'kubernetes.io/dockerconfigjson';
export const dockercfgType = 'kubernetes.io/dockercfg';
export const dockerConfigJsonKey = '.dockerconfigjson';
export const dockercfgKey = '.dockercfg';

/** A pull secret that cannot be read; the pull fails with this, as the kubelet's keyring build does. */
export class DockerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerConfigError';
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function goType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Go's struct decoding: the last key whose name folds to `field` wins; null leaves it unset. */
function field(o: Json, name: string): unknown {
  let found: unknown;
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === name && v !== null) found = v;
  return found;
}

function stringField(o: Json, name: string, where: string): string {
  const v = field(o, name);
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new DockerConfigError(`json: cannot unmarshal ${goType(v)} into Go struct field ${where}.${name} of type string`);
  return v;
}

/** Go's base64: padded (StdEncoding) when the text ends in `=`, else unpadded (RawStdEncoding);
 * line breaks are skipped, anything else outside the alphabet is an error. */
export function decodeGoBase64(text: string): Buffer {
  const padded = text.trim().endsWith('=');
  const clean = text.replace(/[\r\n]/g, '');
  const bad = padded ? /[^A-Za-z0-9+/=]|=(?=[^=])/.exec(clean) : /[^A-Za-z0-9+/]/.exec(clean);
  const shortBy = padded ? clean.length % 4 : clean.length % 4 === 1 ? 1 : 0;
  if (bad) throw new DockerConfigError(`illegal base64 data at input byte ${bad.index}`);
  if (shortBy) throw new DockerConfigError(`illegal base64 data at input byte ${clean.length - (padded ? shortBy : 1)}`);
  return Buffer.from(clean, 'base64');
}

function entry(v: unknown, location: string): DockerConfigEntry {
  if (!isObject(v)) throw new DockerConfigError(`json: cannot unmarshal ${goType(v)} into Go value of type credentialprovider.dockerConfigEntryWithAuth`);
  const where = 'dockerConfigEntryWithAuth';
  let username = stringField(v, 'username', where);
  let password = stringField(v, 'password', where);
  const email = stringField(v, 'email', where);
  const auth = stringField(v, 'auth', where);
  if (auth !== '') {
    const decoded = decodeGoBase64(auth).toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new DockerConfigError(`${location}: unable to parse auth field, must be formatted as base64(username:password)`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  return { username, password, ...(email ? { email } : {}) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DockerConfigError(`not valid JSON: ${(err as Error).message}`);
  }
}

function locations(o: unknown): DockerConfig {
  const out = new Map<string, DockerConfigEntry>();
  if (o === null) return out;
  if (!isObject(o)) throw new DockerConfigError(`json: cannot unmarshal ${goType(o)} into Go value of type credentialprovider.DockerConfig`);
  for (const [loc, v] of Object.entries(o)) out.set(loc, entry(v, loc));
  return out;
}

/** `.dockercfg`: the locations at the top. */
export function parseDockercfg(text: string): DockerConfig {
  return locations(parseJson(text));
}

/** `.dockerconfigjson`: the locations under `auths` (other keys, such as `HttpHeaders`, ignored). */
export function parseDockerConfigJson(text: string): DockerConfig {
  const o = parseJson(text);
  if (o === null) return new Map();
  if (!isObject(o)) throw new DockerConfigError(`json: cannot unmarshal ${goType(o)} into Go value of type credentialprovider.DockerConfigJSON`);
  return locations(field(o, 'auths') ?? null);
}

/** The docker config a Secret carries, or undefined when it is not a pull secret (wrong type,
 * key missing or empty), as the kubelet's MakeDockerKeyring skips such Secrets. */
export function dockerConfigOf(secret: Secret): DockerConfig | undefined {
  const raw = (key: string): string | undefined => {
    const b64 = secret.data?.[key];
    const text = b64 !== undefined ? Buffer.from(b64, 'base64').toString('utf8') : secret.stringData?.[key];
    return text ? text : undefined;
  };
  const name = `secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
  const read = (parse: (t: string) => DockerConfig, text: string): DockerConfig => {
    try {
      return parse(text);
    } catch (err) {
      throw new DockerConfigError(`${name}: ${(err as Error).message}`);
    }
  };
  const json = raw(dockerConfigJsonKey);
  if (secret.type === dockerConfigJsonType && json) return read(parseDockerConfigJson, json);
  const cfg = raw(dockercfgKey);
  if (secret.type === dockercfgType && cfg) return read(parseDockercfg, cfg);
  return undefined;
}
