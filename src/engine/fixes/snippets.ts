import type { SystemId } from '../model';

/**
 * Migration snippets: whole files that move a trust anchor out of one cluster's lifecycle. Bodies use
 * VS Code snippet syntax (`${1:default}` placeholders, `${1}` mirrors). Every field path was checked
 * against the chart values, CRDs or documentation listed in `sources`.
 */
export interface MigrationSnippet {
  /** Stable kebab-case id. */
  id: string;
  title: string;
  /** One or two sentences shown in the quick pick. */
  description: string;
  system: SystemId;
  language: 'yaml';
  body: string;
  /** Primary sources the field paths were checked against. */
  sources: readonly string[];
}

const SPIRE_EXTERNAL_ROOT = `# Values for the SPIFFE "spire" Helm chart: the SPIRE server root no longer lives and dies with this cluster.
# - The signing keys are created and held in AWS KMS, so a reinstall finds the same keys.
# - AWS Private CA is the upstream authority, so every cluster of the trust domain chains to one root.
# - Registration entries and attested nodes live in a database outside the cluster.
global:
  spire:
    # Keep the trust domain stable and shared by every cluster that serves it.
    trustDomain: \${1:prod.example.com}
    clusterName: \${2:eu-west-1-a}
    # A DNS name you control, so JWT-SVID relying parties keep validating after a rebuild.
    jwtIssuer: \${3:https://oidc.prod.example.com}
spire-server:
  caTTL: 24h
  keyManager:
    disk:
      enabled: false
    awsKMS:
      enabled: true
      region: \${4:eu-west-1}
      # A fixed identifier lets a re-created server find its keys again; use one per server instance.
      keyIdentifierValue:
        enabled: true
        identifier: \${5:spire-server-eu-west-1-a}
  upstreamAuthority:
    awsPCA:
      enabled: true
      region: \${4}
      certificateAuthorityARN: \${6:arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/00000000-0000-0000-0000-000000000000}
  dataStore:
    sql:
      databaseType: \${7:postgres}
      host: \${8:spire-db.prod.internal}
      port: 5432
      databaseName: spire
      username: spire
      # The password comes from a Secret that your secret manager writes.
      externalSecret:
        enabled: true
        name: \${9:spire-datastore}
        key: password
`;

const ISTIO_CSR_EXTERNAL_ISSUER = `# Values for the cert-manager "cert-manager-istio-csr" Helm chart: istio-csr signs workload certificates
# through an issuer whose root lives outside the cluster, and publishes a root you pinned yourself.
app:
  certmanager:
    namespace: istio-system
    issuer:
      enabled: true
      # An external issuer (here AWS Private CA); a Vault-backed ClusterIssuer works the same way.
      name: \${1:mesh-intermediate}
      kind: \${2:AWSPCAClusterIssuer}
      group: \${3:awspca.cert-manager.io}
  tls:
    # The mesh trust domain, shared by every cluster of the mesh.
    trustDomain: \${4:prod.example.com}
    # The organisation root, mounted below. Without it istio-csr publishes whatever CA the issuer returns.
    rootCAFile: /var/run/secrets/istio-csr/\${5:root-cert.pem}
    certificateDuration: 1h
  server:
    clusterID: \${6:eu-west-1-a}
    maxCertificateDuration: 1h
volumes:
  - name: org-root
    configMap:
      # Public certificate only; no private key enters the cluster.
      name: \${7:org-root-ca}
volumeMounts:
  - name: org-root
    mountPath: /var/run/secrets/istio-csr
    readOnly: true
`;

const ISTIO_PLUGIN_CA = `# Istio with its CA outside the cluster: istiod stops signing, istio-csr forwards every workload CSR to
# cert-manager, and AWS Private CA holds the root and the issuing CA for all clusters of the mesh.
apiVersion: awspca.cert-manager.io/v1beta1
kind: AWSPCAClusterIssuer
metadata:
  name: \${1:mesh-intermediate}
spec:
  arn: \${2:arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/00000000-0000-0000-0000-000000000000}
  region: \${3:eu-west-1}
---
# Install with "istioctl install -f" after istio-csr is running.
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  namespace: istio-system
spec:
  meshConfig:
    trustDomain: \${4:prod.example.com}
    # Accept identities of the old trust domain only while workloads move over.
    trustDomainAliases:
      - cluster.local
  values:
    global:
      # Workloads send their CSRs to istio-csr instead of istiod.
      caAddress: cert-manager-istio-csr.cert-manager.svc:443
  components:
    pilot:
      k8s:
        env:
          # Turns off istiod's built-in CA, which would otherwise create a root in this cluster.
          - name: ENABLE_CA_SERVER
            value: "false"
---
# Mesh-wide mutual TLS, so every workload proves its identity under the new root.
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
`;

const LINKERD_EXTERNAL_ANCHORS = `# Linkerd with trust anchors owned outside the cluster. Install the control plane with
#   --set identity.externalCA=true --set identity.issuer.scheme=kubernetes.io/tls
#   --set identityTrustDomain=\${1:prod.example.com}
# and label its namespace so trust-manager writes the bundle there:
#   kubectl label namespace linkerd linkerd.io/is-control-plane=true
apiVersion: trust.cert-manager.io/v1alpha1
kind: Bundle
metadata:
  # trust-manager names the target ConfigMap after the Bundle; Linkerd reads this name.
  name: linkerd-identity-trust-roots
spec:
  sources:
    # Public certificates of the organisation root, current and previous, so a rotation never
    # leaves proxies without the anchor they were issued under.
    - configMap:
        name: \${2:org-root-ca}
        key: \${3:root.pem}
    - configMap:
        name: \${4:org-root-ca-previous}
        key: \${3}
  target:
    configMap:
      key: ca-bundle.crt
    namespaceSelector:
      matchLabels:
        linkerd.io/is-control-plane: "true"
---
# The identity issuer is a short-lived intermediate signed by an issuer whose root is not in the cluster.
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: linkerd-identity-issuer
  namespace: linkerd
spec:
  secretName: linkerd-identity-issuer
  isCA: true
  commonName: identity.linkerd.\${1}
  duration: 48h
  renewBefore: 25h
  privateKey:
    algorithm: ECDSA
    rotationPolicy: Always
  issuerRef:
    name: \${5:org-pki-intermediate}
    kind: \${6:ClusterIssuer}
    group: cert-manager.io
`;

const CERT_MANAGER_VAULT_CHAIN = `# A cert-manager CA issuer whose root stays in Vault (or another external PKI). Vault signs a short-lived
# intermediate; the CA issuer signs with that intermediate, and rebuilding the cluster only re-issues it.
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: \${1:vault-pki}
spec:
  vault:
    server: \${2:https://vault.example.com:8200}
    # The sign-intermediate endpoint signs CA certificates; a sign/<role> path signs only leaf certificates.
    path: \${3:pki/root/sign-intermediate}
    caBundleSecretRef:
      name: vault-server-ca
      key: ca.crt
    auth:
      # One auth mount per cluster, managed as code, so a rebuilt cluster only re-registers its own mount.
      kubernetes:
        # cert-manager requests a short-lived token for this service account; no token Secret is stored.
        role: \${4:cert-manager-prod}
        mountPath: /v1/auth/\${5:kubernetes-prod}
        serviceAccountRef:
          name: vault-issuer
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: \${6:mesh-intermediate-ca}
  # The namespace cert-manager reads ClusterIssuer Secrets from (--cluster-resource-namespace).
  namespace: cert-manager
spec:
  isCA: true
  commonName: \${7:Mesh intermediate CA}
  secretName: \${6}
  duration: 720h
  renewBefore: 240h
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
  issuerRef:
    name: \${1}
    kind: ClusterIssuer
    group: cert-manager.io
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: \${8:mesh-ca}
spec:
  ca:
    secretName: \${6}
`;

const EKS_POD_IDENTITY = `# EKS Pod Identity instead of IRSA: the IAM role no longer trusts this cluster's OIDC issuer, so a new
# cluster only needs a new association, not a new role trust policy. The role's trust policy names the
# service principal pods.eks.amazonaws.com with the actions sts:AssumeRole and sts:TagSession; add
# conditions on the session tags kubernetes-namespace and kubernetes-service-account, because without
# them any association in the account can assume the role.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: \${1:reporter}
  namespace: \${2:billing}
  # No eks.amazonaws.com/role-arn annotation: the association below grants the role.
---
# Managed by the AWS Controllers for Kubernetes (ACK) EKS controller. Without ACK, create the same
# association with eksctl, Terraform or "aws eks create-pod-identity-association".
apiVersion: eks.services.k8s.aws/v1alpha1
kind: PodIdentityAssociation
metadata:
  name: \${1}-\${2}
  namespace: \${2}
spec:
  clusterName: \${3:prod-eu-west-1}
  namespace: \${2}
  serviceAccount: \${1}
  roleARN: \${4:arn:aws:iam::111122223333:role/reporter}
`;

const ISTIO_AUTHZ_PRINCIPALS = `# Authorise callers by workload identity instead of IP range: the rule keeps working when pods move,
# clusters are rebuilt or traffic arrives from another cluster of the mesh.
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: \${1:payments-api}
  namespace: \${2:payments}
spec:
  selector:
    matchLabels:
      app: \${1}
  action: ALLOW
  rules:
    - from:
        - source:
            # SPIFFE-style principals: <trust domain>/ns/<namespace>/sa/<service account>.
            principals:
              - \${3:prod.example.com}/ns/\${4:checkout}/sa/\${5:checkout-api}
      to:
        - operation:
            methods:
              - GET
              - POST
            paths:
              - \${6:/v1/payments*}
`;

export const MIGRATION_SNIPPETS: readonly MigrationSnippet[] = [
  {
    id: 'spire-external-root',
    title: 'SPIRE: KMS key manager, upstream authority and external datastore',
    description: 'Helm values for the spire chart: keys in AWS KMS, AWS Private CA as upstream authority, PostgreSQL outside the cluster.',
    system: 'spire',
    language: 'yaml',
    body: SPIRE_EXTERNAL_ROOT,
    sources: [
      'https://github.com/spiffe/helm-charts-hardened/blob/main/charts/spire/charts/spire-server/values.yaml',
      'https://github.com/spiffe/helm-charts-hardened/blob/main/charts/spire/values.yaml',
    ],
  },
  {
    id: 'istio-csr-external-issuer',
    title: 'istio-csr: external issuer and a pinned organisation root',
    description: 'Helm values for cert-manager-istio-csr that sign through an external issuer and publish a root you supply.',
    system: 'istio',
    language: 'yaml',
    body: ISTIO_CSR_EXTERNAL_ISSUER,
    sources: ['https://github.com/cert-manager/istio-csr/blob/main/deploy/charts/istio-csr/values.yaml'],
  },
  {
    id: 'istio-plugin-ca-istio-csr',
    title: 'Istio: plug-in CA through istio-csr and AWS Private CA',
    description: 'An AWSPCAClusterIssuer, an IstioOperator that turns off istiod\'s CA and sends CSRs to istio-csr, and mesh-wide STRICT mTLS.',
    system: 'istio',
    language: 'yaml',
    body: ISTIO_PLUGIN_CA,
    sources: [
      'https://github.com/cert-manager/istio-csr/blob/main/make/config/istio/istio-config-default.yaml',
      'https://github.com/cert-manager/aws-privateca-issuer/blob/main/config/examples/config/issuer.yaml',
    ],
  },
  {
    id: 'linkerd-external-trust-anchors',
    title: 'Linkerd: trust anchors supplied through trust-manager',
    description: 'A trust-manager Bundle that writes linkerd-identity-trust-roots and an identity issuer Certificate from an external issuer.',
    system: 'linkerd',
    language: 'yaml',
    body: LINKERD_EXTERNAL_ANCHORS,
    sources: [
      'https://github.com/linkerd/website/blob/main/linkerd.io/content/2-edge/tasks/automatically-rotating-control-plane-tls-credentials.md',
      'https://github.com/cert-manager/trust-manager/blob/main/deploy/crds/trust.cert-manager.io_bundles.yaml',
    ],
  },
  {
    id: 'cert-manager-vault-chain',
    title: 'cert-manager: CA issuer chained to Vault',
    description: 'A Vault ClusterIssuer signs a short-lived intermediate; a CA ClusterIssuer issues from it while the root stays in Vault.',
    system: 'cert-manager',
    language: 'yaml',
    body: CERT_MANAGER_VAULT_CHAIN,
    sources: ['https://github.com/cert-manager/website/blob/master/content/docs/configuration/vault.md'],
  },
  {
    id: 'eks-pod-identity',
    title: 'EKS Pod Identity instead of IRSA',
    description: 'A ServiceAccount without the IRSA annotation and an ACK PodIdentityAssociation that grants the IAM role.',
    system: 'service-accounts',
    language: 'yaml',
    body: EKS_POD_IDENTITY,
    sources: [
      'https://github.com/aws-controllers-k8s/eks-controller/blob/main/config/crd/bases/eks.services.k8s.aws_podidentityassociations.yaml',
      'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html',
    ],
  },
  {
    id: 'istio-authz-principals',
    title: 'Istio: AuthorizationPolicy on principals instead of ipBlocks',
    description: 'An ALLOW policy that admits callers by workload identity (principals) rather than source IP ranges.',
    system: 'istio',
    language: 'yaml',
    body: ISTIO_AUTHZ_PRINCIPALS,
    sources: [
      'https://github.com/istio/istio/blob/master/pilot/pkg/security/authz/builder/testdata/http/single-policy-in.yaml',
      'https://github.com/istio/istio/blob/master/tests/integration/security/testdata/authz/allow-trust-domain.yaml.tmpl',
    ],
  },
];

export const SNIPPETS_BY_ID: ReadonlyMap<string, MigrationSnippet> = new Map(MIGRATION_SNIPPETS.map((snippet) => [snippet.id, snippet]));

/**
 * Replaces every placeholder with its default text: `${1:text}` becomes `text`, and a mirror
 * `${1}` or `$1` becomes the default of the same tab stop. Escaped `\$`, `\}` and `\\` become
 * literal characters. Used to check snippets and to insert them where snippets are not supported.
 */
export function expandSnippetDefaults(body: string): string {
  const defaults = new Map<string, string>();
  for (const match of body.matchAll(/\$\{(\d+):((?:\\.|[^}\\])*)\}/g)) {
    if (!defaults.has(match[1])) defaults.set(match[1], unescapeSnippetText(match[2]));
  }

  let result = '';
  let index = 0;
  while (index < body.length) {
    const character = body[index];
    if (character === '\\' && index + 1 < body.length && '$}\\'.includes(body[index + 1])) {
      result += body[index + 1];
      index += 2;
      continue;
    }
    if (character === '$') {
      const withDefault = /^\$\{(\d+):((?:\\.|[^}\\])*)\}/.exec(body.slice(index));
      if (withDefault) {
        result += unescapeSnippetText(withDefault[2]);
        index += withDefault[0].length;
        continue;
      }
      const mirror = /^\$(?:\{(\d+)\}|(\d+))/.exec(body.slice(index));
      if (mirror) {
        result += defaults.get(mirror[1] ?? mirror[2]) ?? '';
        index += mirror[0].length;
        continue;
      }
    }
    result += character;
    index++;
  }
  return result;
}

function unescapeSnippetText(text: string): string {
  return text.replace(/\\([$}\\])/g, '$1');
}
