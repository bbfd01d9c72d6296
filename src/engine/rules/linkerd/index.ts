import type { Rule } from '../types';
import { anchorExpiring } from './anchor-expiring';
import { anchorRotationPolicyUnset } from './anchor-rotation-policy-unset';
import { cliGeneratedAnchor } from './cli-generated-anchor';
import { clusterNetworksPolicy } from './cluster-networks-policy';
import { defaultTrustDomain } from './default-trust-domain';
import { issuerKeyInValues } from './issuer-key-in-values';
import { multiclusterAnchorMismatch } from './multicluster-anchor-mismatch';
import { networkOnlyAuthorization } from './network-only-authorization';
import { selfSignedCertManagerAnchor } from './self-signed-cert-manager-anchor';
import { unauthenticatedDefaultPolicy } from './unauthenticated-default-policy';

export const linkerdRules: Rule[] = [
  cliGeneratedAnchor,
  anchorExpiring,
  selfSignedCertManagerAnchor,
  multiclusterAnchorMismatch,
  issuerKeyInValues,
  defaultTrustDomain,
  anchorRotationPolicyUnset,
  unauthenticatedDefaultPolicy,
  networkOnlyAuthorization,
  clusterNetworksPolicy,
];
