/** The job controller and its pure state machine. */
export { JobController, type JobControllerOptions } from './controller.js';
export { planJob, failureBackoffMs, isFinished, trueCondition, finishes, type JobPlan, type JobFinish, type PlanOptions } from './policy.js';
export { nextJobStatus, sameStatus, type JobStatus, type JobEvent } from './status.js';
