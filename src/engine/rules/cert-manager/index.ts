import type { Rule } from '../types';
import { csiSpiffeClusterBound } from './csi-spiffe-cluster-bound';
import { handMadeCaSecret } from './hand-made-ca-secret';
import { istioCsrDefaultTrustDomain, istioCsrRootUnpinned } from './istio-csr';
import { leafCaCrtTrust } from './leaf-ca-crt-trust';
import { longLivedRoot } from './long-lived-root';
import { rootKeyRotates } from './root-key-rotates';
import { selfSignedCaChain, selfSignedRootIssuer } from './self-signed-ca-chain';
import { trustBundleSingleRoot } from './trust-bundle-single-root';
import { vaultStaticToken } from './vault-static-token';

export const certManagerRules: Rule[] = [
  selfSignedCaChain,
  selfSignedRootIssuer,
  rootKeyRotates,
  handMadeCaSecret,
  leafCaCrtTrust,
  vaultStaticToken,
  longLivedRoot,
  csiSpiffeClusterBound,
  istioCsrRootUnpinned,
  istioCsrDefaultTrustDomain,
  trustBundleSingleRoot,
];
