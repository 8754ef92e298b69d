/** `rollout` for deployments, without I/O: status messages, history, undo. */
export { deploymentRolloutState, type RolloutState } from './status.js';
export { changeCauseAnnotation, controlledBy, historyTable, replicaSetForRevision, revisionTemplate, rollbackPatch, RolloutError } from './history.js';
