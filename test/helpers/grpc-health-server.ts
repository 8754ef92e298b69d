/**
 * A gRPC health server (grpc.health.v1.Health/Check) for probe tests, written against the
 * protocol, not against skiff's client: its own encoding of the two one-field messages. Each
 * service's status can be changed while it runs; an unknown service answers NOT_FOUND, as the
 * reference health server does. Run as a program (`node grpc-health-server.js HOST PORT
 * [service=STATUS …]`) it is a container's command in end-to-end tests: it prints "serving" once
 * it listens and stops on SIGTERM.
 */
import { Server, ServerCredentials, status as grpcStatus, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';

export const statusNumbers = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
export type ServingStatus = keyof typeof statusNumbers;

/** The request as an object: grpc-js takes a falsy request for a missing one. */
function decodeService(buf: Buffer): { service: string } {
  // Field 1, wire type 2 (tag 0x0a), a one-byte length: all these tests send.
  if (buf.length === 0) return { service: '' };
  if (buf[0] !== 0x0a || (buf[1] ?? 0) > 0x7f) throw new Error(`unexpected request bytes ${buf.toString('hex')}`);
  return { service: buf.subarray(2, 2 + buf[1]!).toString('utf8') };
}

function encodeStatus(n: number): Buffer {
  return n === 0 ? Buffer.alloc(0) : Buffer.from([0x08, n]);
}

export interface HealthServer {
  readonly port: number;
  /** Service name ("" for the whole server) → status. */
  readonly statuses: Map<string, ServingStatus>;
  /** Milliseconds each Check waits before answering (for timeouts). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startHealthServer(host: string, port: number, statuses: Record<string, ServingStatus> = { '': 'SERVING' }, opts: { implementHealth?: boolean } = {}): Promise<HealthServer> {
  const server = new Server();
  const state = { statuses: new Map(Object.entries(statuses)), delayMs: 0 };
  const definition = {
    Check: {
      path: '/grpc.health.v1.Health/Check',
      requestStream: false,
      responseStream: false,
      requestSerialize: (r: { service: string }) => Buffer.from(r.service),
      requestDeserialize: decodeService,
      responseSerialize: encodeStatus,
      responseDeserialize: (b: Buffer) => b[1] ?? 0,
    },
  };
  const impl: UntypedServiceImplementation = {
    Check: (call: ServerUnaryCall<{ service: string }, number>, callback: sendUnaryData<number>) => {
      const answer = (): void => {
        const s = state.statuses.get(call.request.service);
        if (s === undefined) callback({ code: grpcStatus.NOT_FOUND, details: 'unknown service' });
        else callback(null, statusNumbers[s]);
      };
      if (state.delayMs > 0) setTimeout(answer, state.delayMs);
      else answer();
    },
  };
  if (opts.implementHealth !== false) server.addService(definition, impl);
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return {
    port: bound,
    statuses: state.statuses,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

// Run as a container's program.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [host = '127.0.0.1', port = '50051', ...rest] = process.argv.slice(2);
  const statuses: Record<string, ServingStatus> = { '': 'SERVING' };
  for (const kv of rest) {
    const [name = '', s = 'SERVING'] = kv.split('=');
    statuses[name] = s as ServingStatus;
  }
  void startHealthServer(host, Number(port), statuses).then((srv) => {
    process.stdout.write(`serving on ${host}:${srv.port}\n`);
    process.once('SIGTERM', () => void srv.close().then(() => process.exit(0)));
  });
}
