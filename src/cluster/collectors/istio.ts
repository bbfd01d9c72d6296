import { attempt, CORE, dataOf, listCustom, type CollectContext, type ResourceRef } from '../context';
import { emptySystemEvidence, objectSource, type LiveObject, type SystemEvidence } from '../evidence';
import { embeddedConfig } from '../serialize';
import { addCertificates, containersOf, pushUnique, record, stringAt } from './common';

const DEPLOYMENTS: ResourceRef = { apiPath: '/apis/apps/v1', resource: 'deployments', kind: 'Deployment', qualified: 'deployments.apps' };

/** istiod environment variables that change where the mesh's certificates come from. */
const CA_ENV = ['EXTERNAL_CA', 'K8S_SIGNER', 'ENABLE_CA_SERVER', 'PILOT_CERT_PROVIDER', 'CA_TRUSTED_NODE_ACCOUNTS', 'ISTIO_MULTIROOT_MESH'];

/**
 * Istio: the mesh config ConfigMap (`istio` or `istio-<rev>`, key `mesh`, parsed by the engine),
 * the `istio-ca-root-cert` ConfigMaps, whether a `cacerts` (plug-in CA) or `istio-ca-secret`
 * (self-signed CA) Secret exists (metadata only), istiod's CA environment, and the
 * PeerAuthentication and AuthorizationPolicy objects.
 */
export async function collectIstio(context: CollectContext): Promise<SystemEvidence> {
  const evidence = emptySystemEvidence('istio');
  const configMaps = (await attempt(evidence, 'list configmaps cluster-wide', () => context.list(CORE('configmaps', 'ConfigMap')))) ?? [];

  const meshConfigs = configMaps.filter((configMap) => /^istio(-.+)?$/.test(configMap.metadata.name) && typeof dataOf(configMap).mesh === 'string');
  for (const configMap of meshConfigs) {
    evidence.objects.push(configMap);
    const mesh = embeddedConfig(context.contextName, configMap, 'istio-mesh') ?? {};
    const trustDomain = stringAt(mesh, 'trustDomain') ?? 'cluster.local';
    pushUnique(evidence.trustDomains, trustDomain);
    const aliases = Array.isArray(mesh.trustDomainAliases) ? mesh.trustDomainAliases.map(String) : [];
    if (aliases.length > 0) evidence.facts.trustDomainAliases = aliases;
    const caCertificates = Array.isArray(mesh.caCertificates) ? (mesh.caCertificates as Record<string, unknown>[]) : [];
    for (const entry of caCertificates) {
      const bundleUrl = stringAt(entry, 'spiffeBundleUrl');
      const domains = Array.isArray(entry.trustDomains) ? entry.trustDomains.map(String) : [];
      for (const domain of domains) evidence.federation.push({ trustDomain: domain, bundleSource: bundleUrl ?? 'pinned', source: objectSource(context.contextName, configMap) });
    }
    evidence.summary.push(`Mesh config ${objectSource(context.contextName, configMap)}: trust domain ${trustDomain}${aliases.length > 0 ? ` (aliases ${aliases.join(', ')})` : ''}${caCertificates.length > 0 ? `, ${caCertificates.length} caCertificates entries` : ''}.`);
  }

  const rootConfigMaps = configMaps.filter((configMap) => configMap.metadata.name === 'istio-ca-root-cert');
  const controlPlaneNamespace = meshConfigs[0]?.metadata.namespace ?? 'istio-system';
  const primary = rootConfigMaps.find((configMap) => configMap.metadata.namespace === controlPlaneNamespace) ?? rootConfigMaps[0];
  if (primary) {
    evidence.objects.push(primary);
    addCertificates(context, evidence, primary, 'root-cert.pem', dataOf(primary)['root-cert.pem'] ?? '');
    const distinct = new Set(rootConfigMaps.map((configMap) => dataOf(configMap)['root-cert.pem'] ?? ''));
    evidence.summary.push(`istio-ca-root-cert in ${rootConfigMaps.length} namespace${rootConfigMaps.length === 1 ? '' : 's'}${distinct.size > 1 ? `, with ${distinct.size} different contents (a root rotation in progress or a stale copy)` : ''}.`);
  }

  const installed = meshConfigs.length > 0 || rootConfigMaps.length > 0;
  if (installed) {
    await collectCaSecrets(context, evidence, controlPlaneNamespace);
    await collectIstiod(context, evidence);
  }

  const peerAuthentications = await listCustom(context, evidence, 'security.istio.io', 'peerauthentications', 'PeerAuthentication');
  const authorizationPolicies = await listCustom(context, evidence, 'security.istio.io', 'authorizationpolicies', 'AuthorizationPolicy');
  for (const object of [...(peerAuthentications ?? []), ...(authorizationPolicies ?? [])]) evidence.objects.push(object);
  if (peerAuthentications) {
    const meshWide = peerAuthentications.find((policy) => policy.metadata.namespace === controlPlaneNamespace && !record(policy.spec).selector);
    evidence.facts.meshWideMtls = stringAt(meshWide?.spec, 'mtls', 'mode') ?? 'unset (PERMISSIVE)';
    evidence.summary.push(`${peerAuthentications.length} PeerAuthentication, ${authorizationPolicies?.length ?? 0} AuthorizationPolicy objects; mesh-wide mTLS ${evidence.facts.meshWideMtls}.`);
  }

  evidence.status = installed || peerAuthentications !== undefined ? 'found' : evidence.gaps.length > 0 ? 'unknown' : 'not-installed';
  return evidence;
}

/** Learns the CA mode from which Secrets exist. Only metadata is requested, filtered by name. */
async function collectCaSecrets(context: CollectContext, evidence: SystemEvidence, namespace: string): Promise<void> {
  const secrets = CORE('secrets', 'Secret');
  const plugIn = await attempt(evidence, `list secrets (metadata) in namespace ${namespace}`, () => context.list(secrets, { namespace, fieldSelector: 'metadata.name=cacerts', metadataOnly: true }));
  const selfSigned = await attempt(evidence, `list secrets (metadata) in namespace ${namespace}`, () =>
    context.list(secrets, { namespace, fieldSelector: 'metadata.name=istio-ca-secret', metadataOnly: true }),
  );
  if (plugIn === undefined && selfSigned === undefined) return;

  evidence.facts.cacertsSecret = (plugIn?.length ?? 0) > 0;
  evidence.facts.selfSignedCaSecret = (selfSigned?.length ?? 0) > 0;
  for (const secret of [...(plugIn ?? []), ...(selfSigned ?? [])]) evidence.objects.push(secretMetadata(secret, undefined));
  if (evidence.facts.cacertsSecret) evidence.facts.caMode = 'plug-in';
  else if (evidence.facts.selfSignedCaSecret) evidence.facts.caMode = 'self-signed';
}

async function collectIstiod(context: CollectContext, evidence: SystemEvidence): Promise<void> {
  const deployments = (await attempt(evidence, 'list deployments.apps cluster-wide', () => context.list(DEPLOYMENTS))) ?? [];
  const istiods = deployments.filter((deployment) => /^istiod(-.+)?$/.test(deployment.metadata.name));
  for (const istiod of istiods) {
    evidence.objects.push(istiod);
    const env: Record<string, string> = {};
    for (const container of containersOf(istiod)) {
      for (const variable of Array.isArray(container.env) ? (container.env as Record<string, unknown>[]) : []) {
        const name = stringAt(variable, 'name');
        if (name && CA_ENV.includes(name)) env[name] = stringAt(variable, 'value') ?? '(from a reference)';
      }
    }
    for (const [name, value] of Object.entries(env)) evidence.facts[`istiod.${name}`] = value;
    if (env.EXTERNAL_CA) evidence.facts.caMode = 'external';
    evidence.summary.push(`${objectSource(context.contextName, istiod)} CA settings: ${Object.entries(env).map(([name, value]) => `${name}=${value}`).join(', ') || 'defaults (istiod is the CA)'}.`);
  }
}

/** A Secret as the engine sees it from a metadata-only list: metadata plus the type the field selector proved. */
export function secretMetadata(secret: LiveObject, type: string | undefined): LiveObject {
  const object: LiveObject = { apiVersion: 'v1', kind: 'Secret', metadata: secret.metadata };
  if (type) object.type = type;
  return object;
}
