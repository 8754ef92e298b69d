/**
 * The two kinds the replica manager serves: core/v1 ReplicationControllers (a plain map
 * selector) and apps/v1 ReplicaSets (a LabelSelector). Everything else is the same engine.
 */
import { replicaSets, replicationControllers } from '../../api/resources.js';
import { fromLabelSelector, fromMap, type Selector } from '../../api/labels.js';
import type { LabelSelector } from '../../api/types.js';
import type { ControllerContext } from '../controller.js';
import { ReplicaManager, type ReplicaKind } from './manager.js';

export const replicationControllerKind: ReplicaKind = {
  controllerName: 'replicationcontroller',
  resource: replicationControllers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector(obj): Selector | undefined {
    const m = obj.spec['selector'] as Record<string, string> | undefined;
    // An RC without a selector would select everything; the API defaults and validates it away.
    return m && Object.keys(m).length > 0 ? fromMap(m) : undefined;
  },
};

export const replicaSetKind: ReplicaKind = {
  controllerName: 'replicaset',
  resource: replicaSets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector(obj): Selector | undefined {
    try {
      return fromLabelSelector(obj.spec['selector'] as LabelSelector | undefined);
    } catch {
      return undefined;
    }
  },
};

export class ReplicationControllerController extends ReplicaManager {
  constructor(ctx: ControllerContext) {
    super(ctx, replicationControllerKind);
  }
}

export class ReplicaSetController extends ReplicaManager {
  constructor(ctx: ControllerContext) {
    super(ctx, replicaSetKind);
  }
}
