/**
 * gRPC probes as kubelet's prober runs them (pkg/probe/grpc): connect to the pod's address at the
 * probe's port without TLS, waiting for the connection within the timeout (grpc.WithBlock), then
 * call grpc.health.v1.Health/Check with the probe's service (default ""); only SERVING passes.
 * The messages are kubelet's, since they show in Unhealthy events. The two health messages are
 * one field each, so they are encoded here rather than through a .proto loader.
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { ProbeOutcome } from './probe.js';

const checkPath = '/grpc.health.v1.Health/Check';
const servingStatus = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
/** Go's codes.Code names, for "rpc error: code = … desc = …". */
const codeNames = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** HealthCheckRequest { string service = 1; } */
export function encodeHealthRequest(service: string): Buffer {
  if (!service) return Buffer.alloc(0); // proto3 leaves an empty string out
  const body = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a]), varint(body.length), body]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status number (0 when absent). */
export function decodeHealthResponse(buf: Buffer): number {
  let i = 0;
  let statusValue = 0;
  const readVarint = (): number => {
    let v = 0, shift = 0, b: number;
    do {
      if (i >= buf.length) throw new Error('truncated varint');
      b = buf[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  while (i < buf.length) {
    const key = readVarint();
    const field = Math.floor(key / 8), wire = key & 7;
    if (wire === 0) {
      const v = readVarint();
      if (field === 1) statusValue = v;
    } else if (wire === 2) i += readVarint();
    else if (wire === 5) i += 4;
    else if (wire === 1) i += 8;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return statusValue;
}

/** Go's time.Duration String() for whole seconds (`1s`, `1m30s`). */
function goSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h > 0 ? `${h}h${m}m${sec}s` : `${m}m${sec}s`;
}

export async function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const deadline = Date.now() + timeoutSeconds * 1000;
  const client = new Client(addr, credentials.createInsecure(), { 'grpc.primary_user_agent': 'kube-probe/1.32' });
  try {
    const connected = await new Promise<boolean>((resolve) => client.waitForReady(deadline, (err) => resolve(!err)));
    if (!connected) return { ok: false, message: `timeout: failed to connect service "${addr}" within ${goSeconds(timeoutSeconds)}: context deadline exceeded` };
    const answer = await new Promise<{ err: ServiceError | null; value?: number }>((resolve) => {
      client.makeUnaryRequest(checkPath, encodeHealthRequest, decodeHealthResponse, service, new Metadata(), { deadline }, (err, value) => resolve({ err, ...(value !== undefined ? { value } : {}) }));
    });
    if (answer.err) {
      const e = answer.err;
      if (e.code === status.UNIMPLEMENTED) return { ok: false, message: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${e.details}` };
      if (e.code === status.DEADLINE_EXCEEDED) return { ok: false, message: `timeout: health rpc did not complete within ${goSeconds(timeoutSeconds)}` };
      return { ok: false, message: `error: health rpc probe failed: rpc error: code = ${codeNames[e.code] ?? `Code(${e.code})`} desc = ${e.details}` };
    }
    const value = answer.value ?? 0;
    if (value !== 1) return { ok: false, message: `service unhealthy (responded with "${servingStatus[value] ?? String(value)}")` };
    return { ok: true, message: 'service healthy' };
  } finally {
    client.close();
  }
}
