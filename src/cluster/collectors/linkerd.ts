import { attempt, CORE, dataOf, listCustom, type CollectContext } from '../context';
import { emptySystemEvidence, objectSource, type SystemEvidence } from '../evidence';
import { embeddedConfig } from '../serialize';
import { addCertificates, pushUnique, record, stringAt } from './common';
import { secretMetadata } from './istio';

/**
 * Linkerd: the trust anchors in `linkerd-identity-trust-roots` (`ca-bundle.crt`), the chart values
 * stored in `linkerd-config` (parsed by the engine; the chart strips the issuer key before writing
 * them), the type of the `linkerd-identity-issuer` Secret learned through field selectors on a
 * metadata-only list, and the policy resources.
 */
export async function collectLinkerd(context: CollectContext): Promise<SystemEvidence> {
  const evidence = emptySystemEvidence('linkerd');
  const configMaps = (await attempt(evidence, 'list configmaps cluster-wide', () => context.list(CORE('configmaps', 'ConfigMap')))) ?? [];

  const trustRoots = configMaps.filter((configMap) => configMap.metadata.name === 'linkerd-identity-trust-roots');
  for (const configMap of trustRoots) {
    evidence.objects.push(configMap);
    const count = addCertificates(context, evidence, configMap, 'ca-bundle.crt', dataOf(configMap)['ca-bundle.crt'] ?? '');
    evidence.facts.trustAnchors = count;
    evidence.summary.push(`Trust anchors ${objectSource(context.contextName, configMap)}: ${count} certificate${count === 1 ? '' : 's'}.`);
  }

  const linkerdConfigs = configMaps.filter((configMap) => configMap.metadata.name === 'linkerd-config');
  for (const configMap of linkerdConfigs) {
    evidence.objects.push(configMap);
    const values = embeddedConfig(context.contextName, configMap, 'linkerd-values') ?? {};
    const trustDomain = stringAt(values, 'identityTrustDomain') ?? 'cluster.local';
    pushUnique(evidence.trustDomains, trustDomain);
    const scheme = stringAt(values, 'identity', 'issuer', 'scheme');
    if (scheme) evidence.facts.issuerScheme = scheme;
    if (typeof record(values.identity).externalCA === 'boolean') evidence.facts.externalCA = record(values.identity).externalCA as boolean;
    evidence.summary.push(`linkerd-config: trust domain ${trustDomain}, issuer scheme ${scheme ?? '(default linkerd.io/tls)'}.`);
  }

  const namespace = trustRoots[0]?.metadata.namespace ?? linkerdConfigs[0]?.metadata.namespace;
  if (namespace) {
    const secrets = CORE('secrets', 'Secret');
    const tls = await attempt(evidence, `list secrets (metadata) in namespace ${namespace}`, () =>
      context.list(secrets, { namespace, fieldSelector: 'metadata.name=linkerd-identity-issuer,type=kubernetes.io/tls', metadataOnly: true }),
    );
    const any = await attempt(evidence, `list secrets (metadata) in namespace ${namespace}`, () =>
      context.list(secrets, { namespace, fieldSelector: 'metadata.name=linkerd-identity-issuer', metadataOnly: true }),
    );
    if (tls && tls.length > 0) {
      evidence.facts.issuerSecretType = 'kubernetes.io/tls';
      evidence.objects.push(secretMetadata(tls[0], 'kubernetes.io/tls'));
    } else if (any && any.length > 0) {
      evidence.facts.issuerSecretType = 'other (chart-held issuer key)';
      evidence.objects.push(secretMetadata(any[0], undefined));
    } else if (any) {
      evidence.facts.issuerSecretType = 'missing';
    }
    if (evidence.facts.issuerSecretType) evidence.summary.push(`Issuer Secret ${namespace}/linkerd-identity-issuer: ${evidence.facts.issuerSecretType}.`);
  }

  const policies = [
    await listCustom(context, evidence, 'policy.linkerd.io', 'authorizationpolicies', 'AuthorizationPolicy'),
    await listCustom(context, evidence, 'policy.linkerd.io', 'meshtlsauthentications', 'MeshTLSAuthentication'),
    await listCustom(context, evidence, 'policy.linkerd.io', 'networkauthentications', 'NetworkAuthentication'),
  ];
  for (const list of policies) for (const object of list ?? []) evidence.objects.push(object);

  const installed = trustRoots.length > 0 || linkerdConfigs.length > 0 || policies.some((list) => list !== undefined);
  evidence.status = installed ? 'found' : evidence.gaps.length > 0 ? 'unknown' : 'not-installed';
  return evidence;
}
