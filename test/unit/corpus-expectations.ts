import type { DimensionId, NoticeCode } from '../../src/engine/model';

/**
 * What the corpus test expects of each corpus file that the corpus notes call BAD (including
 * "BAD-ish") or VERY BAD: at least one finding in each listed dimension. `reason` restates the
 * note's problem in this project's terms.
 */
export interface BadFileExpectation {
  file: string;
  dimensions: DimensionId[];
  reason: string;
}

export const BAD_FILE_EXPECTATIONS: readonly BadFileExpectation[] = [
  {
    file: 'cert-manager/csi-driver-spiffe__deploy__example__clusterissuer.yaml',
    dimensions: ['issuer-independence'],
    reason: 'a selfSigned ClusterIssuer signs the CA certificate that becomes the SPIFFE trust root',
  },
  {
    file: 'cert-manager/website__content__docs__usage__istio-csr__example__example-issuer.yaml',
    dimensions: ['issuer-independence', 'credential-lifetime'],
    reason: 'a selfSigned Issuer signs a ten-year CA root for istio-csr',
  },
  {
    file: 'k8s-identity/website__content__en__examples__secret__serviceaccount-token-secret.yaml',
    dimensions: ['credential-lifetime'],
    reason: 'a legacy service-account token Secret never expires',
  },
  {
    file: 'spire/helm-charts-hardened__charts__spire__ci__upstream-authority-cert-manager-values.yaml',
    dimensions: ['issuer-independence'],
    reason: 'upstreamAuthority.certManager.ca.create makes an in-cluster selfSigned issuer the SPIRE root',
  },
  {
    file: 'spire/helm-charts-hardened__examples__stateless-server__values.yaml',
    dimensions: ['recoverability'],
    reason: 'the memory key manager, an emptyDir and an in-cluster MySQL lose the signing keys and registrations on restart',
  },
  {
    file: 'spire/spire-controller-manager__demo__config__cluster1__spire__spire-server.yaml',
    dimensions: ['recoverability'],
    reason: 'keys.json and the SQLite datastore live on the container filesystem, so each restart makes a new root',
  },
  {
    file: 'spire/spire-tutorials__k8s__quickstart__server-configmap.yaml',
    dimensions: ['issuer-independence', 'recoverability'],
    reason: 'a self-signed SPIRE root without UpstreamAuthority, keys and SQLite only on a volume of this cluster',
  },
];

/**
 * Notices a corpus file may have beyond those every template may have (`template-not-parsed`).
 * Any other notice on a corpus file fails the test.
 */
export const EXPECTED_NOTICES: Readonly<Record<string, readonly NoticeCode[]>> = {
  // The file contains an `{IPv6}` placeholder that test code substitutes, so it is not valid YAML as-is.
  'linkerd/linkerd2__test__integration__deep__dualstack__testdata__ipfamilies-policy.yml': ['parse-error'],
};
