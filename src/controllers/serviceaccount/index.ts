/** Service-account controllers: `default` accounts, the root CA ConfigMap, legacy token Secrets. */
export { ServiceAccountsController, DEFAULT_ACCOUNT } from './serviceaccounts.js';
export { RootCaPublisher, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION } from './rootca.js';
export {
  TokensController, SERVICE_ACCOUNT_TOKEN_TYPE, SERVICE_ACCOUNT_NAME_ANNOTATION, SERVICE_ACCOUNT_UID_ANNOTATION, type LegacyTokenSigner,
} from './tokens.js';
