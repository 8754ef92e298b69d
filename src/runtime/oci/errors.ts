/**
 * The oci runtime's own failures. The agent only sees `ContainerStartError` (with kubelet's
 * reasons); these carry the detail underneath, each with a stable `code`.
 */

export class OciRuntimeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'OciRuntimeError';
  }
}

/** A helper program (runc, mount, unshare, a CNI plugin) ended badly. */
export class CommandError extends OciRuntimeError {
  constructor(readonly command: string, readonly exitCode: number | null, readonly stderr: string) {
    super('Command', `${command}: ${stderr.trim() || `exited with ${exitCode ?? 'a signal'}`}`);
    this.name = 'CommandError';
  }
}

/** A CNI plugin returned an error result (the CNI spec's `{code, msg, details}`). */
export class CniError extends OciRuntimeError {
  constructor(readonly plugin: string, readonly cniCode: number, message: string) {
    super('Cni', `CNI plugin ${plugin}: ${message}`);
    this.name = 'CniError';
  }
}

/** A pod spec the runtime cannot turn into an OCI bundle (an unknown user name, a bad quantity). */
export class BundleError extends OciRuntimeError {
  constructor(message: string) {
    super('Bundle', message);
    this.name = 'BundleError';
  }
}
