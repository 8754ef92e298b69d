/** The built-in ingress controller's flags on `skiff up` (ports 80 and 443, as k3s' Traefik). */
import { Command, InvalidArgumentError } from 'commander';

export interface IngressFlags {
  ingress: boolean;
  ingressHttpPort: number;
  ingressHttpsPort: number;
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

export function withIngressFlags(cmd: Command): Command {
  return cmd
    .option('--ingress-http-port <port>', 'port of the ingress controller\'s HTTP listener on every node address (0: any free one)', port, 80)
    .option('--ingress-https-port <port>', 'port of the ingress controller\'s HTTPS listener on every node address (0: any free one)', port, 443)
    .option('--no-ingress', 'run no ingress controller (Ingresses of class skiff are then not served)');
}

/** NodeHost's `ingress` option: undefined when turned off. */
export function ingressOptions(o: IngressFlags): { httpPort: number; httpsPort: number } | undefined {
  return o.ingress ? { httpPort: o.ingressHttpPort, httpsPort: o.ingressHttpsPort } : undefined;
}
