/** Controller history: the ControllerRevisions stateful sets and daemon sets keep. */
export { ensureRevision, ownedRevisions, revisionData, revisionHash, revisionLabel, revisionTemplate, truncateHistory, type EnsuredRevision } from './revisions.js';
