/**
 * The WebSocket channel protocol of `pods/exec` and `pods/attach` (kube-apiserver's
 * wsstream): every message starts with its channel — stdin 0, stdout 1, stderr 2, error 3,
 * resize 4 — as one byte (`v4.channel.k8s.io`, `v5.channel.k8s.io`) or, in
 * `base64.channel.k8s.io`, as an ASCII digit before base64 text. v5 adds a close message
 * (channel 255, then the channel closed) so a client can end stdin without ending the stream.
 */
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Subprotocols served, best first (kubectl offers v5 then v4; the Python client base64 or v4). */
export const STREAM_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'base64.channel.k8s.io'] as const;
export type StreamProtocol = (typeof STREAM_PROTOCOLS)[number];

export function pickProtocol(offered: ReadonlySet<string>): StreamProtocol | undefined {
  return STREAM_PROTOCOLS.find((p) => offered.has(p));
}

/** One outgoing message: binary for v4/v5, text for base64. */
export function encodeMessage(protocol: StreamProtocol, channel: number, data: Buffer): { data: Buffer | string; binary: boolean } {
  if (protocol === 'base64.channel.k8s.io') return { data: String(channel) + data.toString('base64'), binary: false };
  return { data: Buffer.concat([Buffer.of(channel), data]), binary: true };
}

/** An incoming message's channel and payload (undefined for an empty or malformed one). */
export function decodeMessage(protocol: StreamProtocol, raw: Buffer, isBinary: boolean): { channel: number; data: Buffer } | undefined {
  if (raw.length === 0) return undefined;
  if (protocol === 'base64.channel.k8s.io' && !isBinary) {
    const channel = raw[0]! - 0x30;
    if (channel < 0 || channel > 9) return undefined;
    return { channel, data: Buffer.from(raw.subarray(1).toString('latin1'), 'base64') };
  }
  return { channel: raw[0]!, data: raw.subarray(1) };
}

/** The error channel's last word: Success, or the exit code as kubectl reads it. */
export function exitStatus(exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function failureStatus(message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

/** A resize message's size, or undefined when it is not `{"Width":W,"Height":H}`. */
export function parseResize(data: Buffer): { cols: number; rows: number } | undefined {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const cols = Number(v.Width), rows = Number(v.Height);
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols <= 0 || rows <= 0 || cols > 10000 || rows > 10000) return undefined;
    return { cols, rows };
  } catch {
    return undefined;
  }
}
