/** kubectl's old `rolling-update` of replication controllers: planner, controllers, rollout. */
export { limits, scaleUpTo, scaleDownTo, done, startLine, type Limits, type Counts } from './planner.js';
export {
  hashObject, nextFromImage, nextFromManifest, withDeploymentKey, sourceId, desiredOf, RollingUpdateError,
  nextControllerAnnotation, desiredReplicasAnnotation, sourceIdAnnotation, originalReplicasAnnotation,
} from './controllers.js';
export { RollingUpdater, type UpdaterConfig, type CleanupPolicy } from './updater.js';
export { rollingUpdate, type RollingUpdateRequest } from './run.js';
