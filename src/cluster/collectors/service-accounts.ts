import { attempt, CORE, dataOf, type CollectContext } from '../context';
import { emptySystemEvidence, type ServiceAccountIssuerEvidence, type SystemEvidence } from '../evidence';
import { addCertificates, stringAt } from './common';
import { secretMetadata } from './istio';

/** ServiceAccount annotations of cloud workload-identity federation, by provider. */
export const WORKLOAD_IDENTITY_ANNOTATIONS: Record<string, string> = {
  'eks.amazonaws.com/role-arn': 'AWS IRSA',
  'azure.workload.identity/client-id': 'Azure Workload Identity',
  'iam.gke.io/gcp-service-account': 'GKE Workload Identity',
};

/**
 * The service-account token issuer (`/.well-known/openid-configuration` and the JWKS key ids),
 * ServiceAccounts with cloud workload-identity annotations, legacy token Secrets (metadata only,
 * selected with the field selector type=kubernetes.io/service-account-token), and the cluster CA
 * in `kube-system/kube-root-ca.crt`.
 */
export async function collectServiceAccounts(context: CollectContext): Promise<{ evidence: SystemEvidence; issuer?: ServiceAccountIssuerEvidence }> {
  const evidence = emptySystemEvidence('service-accounts');
  evidence.status = 'found';

  const issuer = await collectIssuer(context, evidence);

  const serviceAccounts = await attempt(evidence, 'list serviceaccounts cluster-wide', () => context.list(CORE('serviceaccounts', 'ServiceAccount')));
  if (serviceAccounts) {
    const federated: Record<string, number> = {};
    for (const account of serviceAccounts) {
      const annotations = (account.metadata.annotations ?? {}) as Record<string, string>;
      const providers = Object.keys(WORKLOAD_IDENTITY_ANNOTATIONS).filter((annotation) => annotation in annotations);
      for (const annotation of providers) federated[WORKLOAD_IDENTITY_ANNOTATIONS[annotation]] = (federated[WORKLOAD_IDENTITY_ANNOTATIONS[annotation]] ?? 0) + 1;
      // Every ServiceAccount with a workload-identity annotation or an explicit token setting goes to the rules.
      if (providers.length > 0 || 'automountServiceAccountToken' in account || Array.isArray(account.secrets)) evidence.objects.push(account);
    }
    evidence.facts.serviceAccounts = serviceAccounts.length;
    for (const [provider, count] of Object.entries(federated)) evidence.facts[`workloadIdentity.${provider}`] = count;
    evidence.summary.push(`${serviceAccounts.length} ServiceAccounts; cloud workload identity: ${Object.entries(federated).map(([provider, count]) => `${count} ${provider}`).join(', ') || 'none'}.`);
  }

  const tokens = await attempt(evidence, 'list secrets (metadata, type=kubernetes.io/service-account-token) cluster-wide', () =>
    context.list(CORE('secrets', 'Secret'), { fieldSelector: 'type=kubernetes.io/service-account-token', metadataOnly: true }),
  );
  if (tokens) {
    for (const token of tokens) evidence.objects.push(secretMetadata(token, 'kubernetes.io/service-account-token'));
    const unused = tokens.filter((token) => 'kubernetes.io/legacy-token-invalid-since' in ((token.metadata.labels ?? {}) as Record<string, string>)).length;
    evidence.facts.legacyTokenSecrets = tokens.length;
    evidence.summary.push(`${tokens.length} legacy service-account token Secret${tokens.length === 1 ? '' : 's'}${unused > 0 ? ` (${unused} already marked invalid)` : ''}.`);
  }

  const configMaps = await attempt(evidence, 'list configmaps cluster-wide', () => context.list(CORE('configmaps', 'ConfigMap')));
  const clusterCa = configMaps?.find((configMap) => configMap.metadata.name === 'kube-root-ca.crt' && configMap.metadata.namespace === 'kube-system');
  if (clusterCa) addCertificates(context, evidence, clusterCa, 'ca.crt', dataOf(clusterCa)['ca.crt'] ?? '', 'cluster-ca');
  for (const certificate of evidence.certificates) certificate.role = 'cluster-ca';

  if (!issuer && !serviceAccounts && !tokens) evidence.status = 'unknown';
  return { evidence, issuer };
}

async function collectIssuer(context: CollectContext, evidence: SystemEvidence): Promise<ServiceAccountIssuerEvidence | undefined> {
  const discovery = await attempt(evidence, 'get /.well-known/openid-configuration', () => context.client.get('/.well-known/openid-configuration', { signal: context.signal }));
  const issuerUrl = stringAt(discovery, 'issuer');
  if (!issuerUrl) return undefined;

  const jwks = await attempt(evidence, 'get /openid/v1/jwks', () => context.client.get<{ keys?: { kid?: string }[] }>('/openid/v1/jwks', { signal: context.signal }));
  const keyIds = (jwks?.keys ?? []).map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string');
  const issuer: ServiceAccountIssuerEvidence = { issuer: issuerUrl, jwksUri: stringAt(discovery, 'jwks_uri'), keyIds, format: issuerFormat(issuerUrl) };
  evidence.trustDomains.push(issuerUrl);
  evidence.facts.issuer = issuerUrl;
  evidence.facts.issuerFormat = issuer.format;
  evidence.facts.jwksKeyIds = keyIds;
  evidence.summary.push(`Service-account issuer ${issuerUrl} (${describeFormat(issuer.format)}), ${keyIds.length} signing key${keyIds.length === 1 ? '' : 's'} in the JWKS.`);
  return issuer;
}

/**
 * Recognises managed issuer formats: EKS `https://oidc.eks.<region>.amazonaws.com/id/<ID>`, AKS
 * `https://<region>.oic.prod-aks.azure.com/<tenant>/<id>/`, and in-cluster URLs that no one outside
 * the cluster can fetch.
 */
export function issuerFormat(issuer: string): ServiceAccountIssuerEvidence['format'] {
  if (/^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-Za-z0-9]+\/?$/.test(issuer)) return 'eks';
  if (/^https:\/\/[a-z0-9-]+\.oic\.prod-aks\.azure\.com\//.test(issuer)) return 'aks';
  if (/^https?:\/\/(kubernetes(\.default)?(\.svc)?(\.cluster\.local)?|localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+)([:/]|$)/.test(issuer) || !issuer.startsWith('https://')) return 'in-cluster';
  return 'custom';
}

function describeFormat(format: ServiceAccountIssuerEvidence['format']): string {
  if (format === 'eks') return 'EKS per-cluster issuer';
  if (format === 'aks') return 'AKS per-cluster issuer';
  if (format === 'in-cluster') return 'in-cluster URL, not reachable by outside relying parties';
  return 'custom issuer URL';
}
