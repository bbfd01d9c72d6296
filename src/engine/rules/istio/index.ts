import type { Rule } from '../types';
import { defaultTrustDomain } from './default-trust-domain';
import { demoCaCerts } from './demo-ca-certs';
import { hardCodedTrustDomain } from './hard-coded-trust-domain';
import { ipBasedAuthorization } from './ip-based-authorization';
import { istioCsrSelfSignedRoot } from './istio-csr-self-signed-root';
import { legacyUnknownSigner } from './legacy-unknown-signer';
import { multiRootMesh } from './multi-root-mesh';
import { multiclusterSelfSignedRoot } from './multicluster-self-signed-root';
import { peerAuthenticationNotStrict } from './peer-authentication-not-strict';
import { selfSignedRoot } from './self-signed-root';

export const istioRules: Rule[] = [
  selfSignedRoot,
  multiclusterSelfSignedRoot,
  demoCaCerts,
  defaultTrustDomain,
  hardCodedTrustDomain,
  peerAuthenticationNotStrict,
  ipBasedAuthorization,
  istioCsrSelfSignedRoot,
  legacyUnknownSigner,
  multiRootMesh,
];
