import { attempt, listCustom, type CollectContext, type ResourceRef } from '../context';
import { emptySystemEvidence, type LiveObject, type SystemEvidence } from '../evidence';
import { record } from './common';

const NETWORK_POLICIES: ResourceRef = { apiPath: '/apis/networking.k8s.io/v1', resource: 'networkpolicies', kind: 'NetworkPolicy', qualified: 'networkpolicies.networking.k8s.io' };

/**
 * Network placement policies: Kubernetes NetworkPolicies and Cilium policies. Istio and Linkerd
 * authorization objects are read by their own collectors; the rules see all of them.
 */
export async function collectNetworkPolicy(context: CollectContext): Promise<SystemEvidence> {
  const evidence = emptySystemEvidence('network-policy');
  const policies = await attempt(evidence, 'list networkpolicies.networking.k8s.io cluster-wide', () => context.list(NETWORK_POLICIES));
  const cilium = await listCustom(context, evidence, 'cilium.io', 'ciliumnetworkpolicies', 'CiliumNetworkPolicy');
  const ciliumClusterwide = await listCustom(context, evidence, 'cilium.io', 'ciliumclusterwidenetworkpolicies', 'CiliumClusterwideNetworkPolicy');

  for (const object of [...(policies ?? []), ...(cilium ?? []), ...(ciliumClusterwide ?? [])]) evidence.objects.push(object);
  if (policies) {
    const ipOnly = policies.filter(admitsOnlyByIpBlock);
    evidence.facts.networkPolicies = policies.length;
    evidence.facts.ipBlockOnlyPolicies = ipOnly.length;
    evidence.summary.push(`${policies.length} NetworkPolicies, ${ipOnly.length} admitting callers only by ipBlock.`);
  }
  if (cilium || ciliumClusterwide) evidence.summary.push(`${(cilium?.length ?? 0) + (ciliumClusterwide?.length ?? 0)} Cilium network policies.`);

  evidence.status = policies ? 'found' : 'unknown';
  return evidence;
}

function admitsOnlyByIpBlock(policy: LiveObject): boolean {
  const spec = record(policy.spec);
  const rules = [...(Array.isArray(spec.ingress) ? spec.ingress : []), ...(Array.isArray(spec.egress) ? spec.egress : [])] as Record<string, unknown>[];
  const peers = rules.flatMap((rule) => [...(Array.isArray(rule.from) ? rule.from : []), ...(Array.isArray(rule.to) ? rule.to : [])]) as Record<string, unknown>[];
  return peers.length > 0 && peers.every((peer) => 'ipBlock' in peer && !('podSelector' in peer) && !('namespaceSelector' in peer));
}
