import type { Rule } from '../types';
import { readInstall } from './install';

const RA_KUBERNETES_API = 'ISTIOD_RA_KUBERNETES_API';
const LEGACY_SIGNER = 'kubernetes.io/legacy-unknown';

export const legacyUnknownSigner: Rule = {
  id: 'istio/legacy-unknown-signer',
  system: 'istio',
  dimension: 'issuer-independence',
  severity: 'info',
  title: 'Workload certificates are signed by the cluster\'s own Kubernetes CA',
  rationale:
    'With EXTERNAL_CA=ISTIOD_RA_KUBERNETES_API and K8S_SIGNER=kubernetes.io/legacy-unknown, the Kubernetes cluster CA signs workload certificates, so the mesh root is the cluster CA and is replaced whenever the cluster is rebuilt.',
  fixable: false,
  appliesTo: { kinds: ['IstioOperator', 'Deployment'], charts: ['istiod'] },
  check(context) {
    const install = readInstall(context);
    if (!install) return;
    const externalCa = install.env('EXTERNAL_CA');
    const signer = install.env('K8S_SIGNER');
    if (externalCa.kind !== 'set' || externalCa.text !== RA_KUBERNETES_API) return;
    if (signer.kind !== 'set' || signer.text !== LEGACY_SIGNER) return;
    context.report({
      path: signer.path,
      part: 'value',
      message: `${install.label}: K8S_SIGNER "${LEGACY_SIGNER}" makes the cluster's own Kubernetes CA the mesh root, which dies with the cluster and which Istio's documentation uses only to demonstrate the feature. Use a signer backed by a CA outside the cluster (for example a cert-manager ClusterIssuer chained to Vault).`,
    });
  },
};
