/**
 * `rolling-update` from the user's request to the finished update: which controller is old and
 * which is next (`--image`, `-f`, `--rollback`, or one found from an earlier, interrupted run),
 * the old controller's preparation, the rollout, and the line kubectl ends with.
 */
import type { ReplicationController } from '../../api/kinds.js';
import { replicationControllers } from '../../api/resources.js';
import type { RestClient } from '../../client/index.js';
import {
  desiredOf, desiredReplicasAnnotation, nextControllerAnnotation, nextFromImage, nextFromManifest, RollingUpdateError,
  sourceId, sourceIdAnnotation,
} from './controllers.js';
import { prepareOld } from './prepare.js';
import { isNotFound, RollingUpdater } from './updater.js';

export interface RollingUpdateRequest {
  readonly client: RestClient;
  readonly namespace: string;
  readonly oldName: string;
  readonly newName?: string | undefined;
  readonly image?: string | undefined;
  readonly manifest?: ReplicationController | undefined;
  readonly container?: string | undefined;
  readonly deploymentKey: string;
  readonly rollback: boolean;
  readonly updatePeriodMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly out: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

async function find(client: RestClient, ns: string, name: string): Promise<ReplicationController | undefined> {
  try {
    return await client.get<ReplicationController>(replicationControllers, ns, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Runs the update; returns kubectl's last line (`replicationcontroller "x" rolling updated`). */
export async function rollingUpdate(req: RollingUpdateRequest): Promise<string> {
  const { client, namespace: ns, oldName } = req;
  const make = (cleanup: 'rename' | 'delete') => new RollingUpdater({
    client, namespace: ns, out: req.out, cleanup,
    updatePeriodMs: req.updatePeriodMs, pollIntervalMs: req.pollIntervalMs, timeoutMs: req.timeoutMs,
    ...(req.sleep ? { sleep: req.sleep } : {}),
  });
  const oldRc = await find(client, ns, oldName);
  if (!oldRc) return finishRename(req, make('rename'));

  if (req.rollback) {
    const nextName = req.newName || oldRc.metadata.annotations?.[nextControllerAnnotation];
    const next = nextName ? await find(client, ns, nextName) : undefined;
    if (!next || !nextName) throw new RollingUpdateError(`Could not find ${nextName ?? oldName} to rollback.`);
    const updater = make('delete');
    // The roles trade places: the old controller becomes the target, with the size the update
    // was heading for.
    const target = await updater.updateRc(oldName, (rc) => {
      rc.metadata.annotations = {
        ...(rc.metadata.annotations ?? {}),
        [desiredReplicasAnnotation]: String(desiredOf(next) ?? rc.spec.replicas ?? 1),
        [sourceIdAnnotation]: sourceId(next),
      };
      delete rc.metadata.annotations[nextControllerAnnotation];
    });
    await updater.update(next, target, sourceId(next));
    return `replicationcontroller "${oldName}" rolled back`;
  }

  const source = sourceId(oldRc);
  const keepOldName = !req.newName && !req.manifest;
  const updater = make(keepOldName ? 'rename' : 'delete');
  let next: ReplicationController;
  if (req.manifest) {
    next = nextFromManifest(oldRc, req.manifest, req.deploymentKey);
  } else if (req.image) {
    const recorded = oldRc.metadata.annotations?.[nextControllerAnnotation];
    const existing = recorded && (!req.newName || recorded === req.newName) ? await find(client, ns, recorded) : undefined;
    if (existing) {
      req.out(`Found existing update in progress (${recorded ?? ''}), resuming.`);
      next = existing;
    } else {
      next = nextFromImage(oldRc, { image: req.image, container: req.container, newName: req.newName, deploymentKey: req.deploymentKey });
    }
  } else {
    throw new RollingUpdateError('Must specify --filename or --image for new controller');
  }
  const nextName = next.metadata.name ?? '';
  const prepared = req.image
    ? await prepareOld(updater, client, oldRc, nextName, req.deploymentKey)
    : await updater.updateRc(oldName, (rc) => {
      rc.metadata.annotations = { ...(rc.metadata.annotations ?? {}), [nextControllerAnnotation]: nextName };
    });
  await updater.update(prepared, next, source);
  return keepOldName ? `replicationcontroller "${oldName}" rolling updated` : `replicationcontroller "${oldName}" rolling updated to "${nextName}"`;
}

/** The old controller is gone: an earlier run stopped between deleting it and the rename. */
async function finishRename(req: RollingUpdateRequest, updater: RollingUpdater): Promise<string> {
  const list = await req.client.list<ReplicationController>(replicationControllers, req.namespace);
  // The next controller lost its update annotations just before the old one was deleted; its
  // generated name (`OLD-<md5>`) still says whose it is.
  const generated = new RegExp(`^${req.oldName.replace(/[.]/g, '\\.')}-[0-9a-f]{32}$`);
  const next = list.items.find((rc) => (rc.metadata.annotations?.[sourceIdAnnotation] ?? '').startsWith(`${req.oldName}:`) || generated.test(rc.metadata.name ?? ''));
  if (!next) throw new RollingUpdateError(`replicationcontrollers "${req.oldName}" not found`);
  req.out(`Found existing update in progress (${next.metadata.name ?? ''}), resuming.`);
  req.out(`Renaming ${req.oldName} to ${next.metadata.name ?? ''}`);
  await updater.rename(next, req.oldName);
  return `replicationcontroller "${req.oldName}" rolling updated`;
}

