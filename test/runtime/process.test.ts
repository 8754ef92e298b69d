/** The process runtime against the runtime conformance suite. Its own cases (logs, env, nginx…)
 * are in process-*.test.ts. */
import { commandCapabilities, runtimeConformance } from './conformance.js';
import { processSubject } from './process-subject.js';

runtimeConformance('process', () => processSubject(), commandCapabilities);
