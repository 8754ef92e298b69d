export { logger, rootLogger, type Logger } from './log.js';
