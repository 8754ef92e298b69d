/** Service-account, admission and `kubernetes` Service flags of the API server, the same on
 * `skiff up` and `skiff server` (kube-apiserver's names). */
import { Command, InvalidArgumentError } from 'commander';
import type { ApiServerOptions } from '../apiserver/index.js';
import { duration } from './durations.js';

export interface ServiceAccountFlags {
  serviceAccountIssuer?: string[];
  apiAudiences?: string;
  serviceAccountMaxTokenExpiration?: number;
  serviceAccountExtendTokenExpiration: boolean;
  disableAdmissionPlugins?: string;
  advertiseAddress?: string;
}

const admissionPlugins = ['ServiceAccount'];

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function bool(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

function pluginList(text: string): string {
  for (const p of text.split(',').filter(Boolean)) {
    if (!admissionPlugins.includes(p)) throw new InvalidArgumentError(`unknown admission plugin "${p}" (known: ${admissionPlugins.join(', ')})`);
  }
  return text;
}

export function withServiceAccountFlags(cmd: Command): Command {
  return cmd
    .option('--service-account-issuer <url>', 'the iss of service-account tokens (repeat: the first signs, all are accepted)', collect)
    .option('--api-audiences <list>', 'audiences the API accepts tokens for, comma-separated (default: the issuer)')
    .option('--service-account-max-token-expiration <d>', 'the longest lifetime a TokenRequest gets (default: no cap)', duration)
    .option('--service-account-extend-token-expiration <bool>', 'pods\' projected tokens live a year, only warning after their hour', bool, true)
    .option('--disable-admission-plugins <list>', `admission plugins to turn off (${admissionPlugins.join(', ')})`, pluginList)
    .option('--advertise-address <ip>', 'the address pods reach the API server at (the kubernetes Service\'s endpoints; default the listen address)');
}

export function serviceAccountOptions(f: ServiceAccountFlags): Partial<ApiServerOptions> {
  return {
    ...(f.serviceAccountIssuer?.length ? { issuers: f.serviceAccountIssuer } : {}),
    ...(f.apiAudiences ? { apiAudiences: f.apiAudiences.split(',').filter(Boolean) } : {}),
    ...(f.serviceAccountMaxTokenExpiration !== undefined ? { maxTokenExpirationSeconds: Math.floor(f.serviceAccountMaxTokenExpiration / 1000) } : {}),
    extendTokenExpiration: f.serviceAccountExtendTokenExpiration,
    ...(f.disableAdmissionPlugins ? { disableAdmissionPlugins: f.disableAdmissionPlugins.split(',').filter(Boolean) } : {}),
    ...(f.advertiseAddress ? { advertiseAddress: f.advertiseAddress } : {}),
  };
}
