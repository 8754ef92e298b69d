/**
 * The node's half of a forwarded connection: a TCP connection to the pod's address (its IP on
 * loopback in process mode) on the asked port, and kubelet's words when that fails.
 */
import net from 'node:net';

export interface ForwardTarget {
  readonly pod: string;
  readonly uid: string;
  readonly ip: string;
}

/** A connection to the pod's port; writes made before it connects are queued by the socket. */
export function dialPod(target: ForwardTarget, port: number): net.Socket {
  const socket = net.connect({ host: target.ip, port });
  socket.setNoDelay(true);
  return socket;
}

/** kubelet's message on the error stream, with the dial error as Go words it. */
export function forwardError(target: ForwardTarget, port: number, err: Error & { code?: string }): string {
  const family = net.isIPv6(target.ip) ? 'tcp6' : 'tcp4';
  const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.code === 'ETIMEDOUT' ? 'i/o timeout' : err.message;
  return `error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: failed to connect to ${target.ip}:${port}: dial ${family} ${net.isIPv6(target.ip) ? `[${target.ip}]` : target.ip}:${port}: ${why}`;
}

/** Ports as kubelet reads them from `port=` (repeated or comma-separated), each 1–65535. */
export function parsePorts(values: readonly string[]): number[] | string {
  if (!values.length) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const v of values) {
    if (v === '') return 'query parameter "port" cannot be empty';
    for (const p of v.split(',')) {
      const n = Number(p);
      if (!/^\d+$/.test(p) || n > 65535) return `unable to parse "${v}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`;
      if (n < 1) return `port "${v}" must be > 0`;
      ports.push(n);
    }
  }
  return ports;
}
