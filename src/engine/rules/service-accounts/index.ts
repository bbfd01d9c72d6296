import type { Rule } from '../types';
import { automountToken } from './automount-token';
import { azureWorkloadIdentity } from './azure-workload-identity';
import { gkeProjectIdentity } from './gke-project-identity';
import { inClusterIssuerUrl } from './in-cluster-issuer-url';
import { irsaRole } from './irsa-role';
import { legacyTokenSecret } from './legacy-token-secret';
import { longLivedProjectedToken } from './long-lived-projected-token';
import { vaultKubernetesAuth } from './vault-kubernetes-auth';

export const serviceAccountRules: Rule[] = [
  legacyTokenSecret,
  irsaRole,
  azureWorkloadIdentity,
  vaultKubernetesAuth,
  inClusterIssuerUrl,
  longLivedProjectedToken,
  automountToken,
  gkeProjectIdentity,
];
