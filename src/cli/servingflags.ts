/** The API server's serving limits as flags, the same on `skiff up` and `skiff server`
 * (kube-apiserver's names where it has the flag). */
import { Command, InvalidArgumentError } from 'commander';
import type { ServingLimitOptions } from '../apiserver/http/limits.js';
import { duration } from './durations.js';

export interface ServingFlags {
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  maxRequestBodyBytes: number;
  maxWatchesPerClient: number;
  idleConnectionTimeout: number;
  requestTimeout: number;
}

function count(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    return n;
  };
}

export function withServingFlags(cmd: Command): Command {
  return cmd
    .option('--max-requests-inflight <n>', 'read-only requests served at once; more get 429 (0: no limit)', count(0), 400)
    .option('--max-mutating-requests-inflight <n>', 'mutating requests served at once; more get 429 (0: no limit)', count(0), 200)
    .option('--max-request-body-bytes <n>', 'largest request body accepted (413 above)', count(1), 3 * 1024 * 1024)
    .option('--max-watches-per-client <n>', 'open watches one client (user at one address) may hold (0: no limit)', count(0), 1000)
    .option('--request-timeout <d>', 'requests other than watches and log streams not answered within this get 504', duration, 60_000)
    .option('--idle-connection-timeout <d>', 'close connections with no request in progress after this (watches and log streams count as in progress)', duration, 90_000);
}

export function servingOptions(flags: ServingFlags): ServingLimitOptions {
  return {
    maxRequestsInflight: flags.maxRequestsInflight,
    maxMutatingRequestsInflight: flags.maxMutatingRequestsInflight,
    maxRequestBodyBytes: flags.maxRequestBodyBytes,
    maxWatchesPerClient: flags.maxWatchesPerClient,
    idleConnectionTimeoutMs: flags.idleConnectionTimeout,
    requestTimeoutMs: flags.requestTimeout,
  };
}
