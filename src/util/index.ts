export { logger, rootLogger, type Logger } from './log.js';
export { processAlive, processRunning, processState, signalNumber } from './process.js';
