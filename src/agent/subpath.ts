/**
 * `subPath` and `subPathExpr` mounts, as kubelet makes them: the path inside the volume is
 * created as a directory when it does not exist yet; `subPathExpr` is expanded with the
 * container's environment (`$(POD_NAME)` from the downward API, say) and, like `subPath`, must
 * stay inside the volume — otherwise the container is not created (CreateContainerConfigError).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from '../api/kinds.js';
import type { Mount } from '../runtime/runtime.js';
import { EnvError, expand } from './env.js';

/** The container's mounts from its volumeMounts and the prepared host paths; `onDisk` (a real
 * node) creates missing subpaths; volumes in `readOnlyVolumes` are mounted read-only whatever
 * the mount says. */
export async function containerMounts(
  container: Container, hostPaths: ReadonlyMap<string, string>, env: ReadonlyMap<string, string>, onDisk: boolean,
  readOnlyVolumes: ReadonlySet<string> = new Set(),
): Promise<Mount[]> {
  const out: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const host = hostPaths.get(m.name);
    if (host === undefined) continue;
    const expr = (m as { subPathExpr?: string }).subPathExpr;
    const sub = m.subPath || (expr ? expand(expr, env) : '');
    if (sub && (path.isAbsolute(sub) || sub.split('/').includes('..'))) {
      throw new EnvError('CreateContainerConfigError', `failed to prepare subPath for volumeMount "${m.name}" of container "${container.name}": subPath ${JSON.stringify(sub)} must be a relative path inside the volume`);
    }
    const hostPath = sub ? path.join(host, sub) : host;
    if (sub && onDisk && !(await stat(hostPath).then(() => true, () => false))) await mkdir(hostPath, { recursive: true, mode: 0o755 });
    out.push({ hostPath, containerPath: m.mountPath, readOnly: (m.readOnly ?? false) || readOnlyVolumes.has(m.name) });
  }
  return out;
}
