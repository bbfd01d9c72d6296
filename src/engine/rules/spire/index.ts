import type { Rule } from '../types';
import { agentInsecureBootstrap, deprecatedWorkloadRegistrar, longCredentialTtl, unknownChartKey } from './hygiene';
import { clusterSpecificSpiffeId, pinnedFederationBundle, placeholderJwtIssuer, placeholderTrustDomain, psatClusterCoupling } from './identity';
import { inClusterDatastore, keyStoreNotPersistent, memoryKeyManager } from './storage';
import { selfSignedRoot, upstreamDiskSecret, upstreamSelfSignedCertManager } from './upstream';

export const spireRules: Rule[] = [
  keyStoreNotPersistent,
  memoryKeyManager,
  inClusterDatastore,
  upstreamSelfSignedCertManager,
  upstreamDiskSecret,
  selfSignedRoot,
  placeholderTrustDomain,
  placeholderJwtIssuer,
  clusterSpecificSpiffeId,
  psatClusterCoupling,
  pinnedFederationBundle,
  unknownChartKey,
  agentInsecureBootstrap,
  longCredentialTtl,
  deprecatedWorkloadRegistrar,
];
