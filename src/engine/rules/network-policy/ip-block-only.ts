import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule } from '../types';
import { isPrivateCidr } from './cidr';

/** NetworkPolicyPeer fields of networking.k8s.io/v1 that select workloads rather than addresses. */
const SELECTOR_FIELDS = ['podSelector', 'namespaceSelector'];

export const ipBlockOnly: Rule = {
  id: 'network-policy/ip-block-only',
  system: 'network-policy',
  dimension: 'identity-policy',
  severity: 'warning',
  title: 'NetworkPolicy rule admits in-cluster peers by IP block only',
  rationale:
    'A rule whose peers are only private ipBlock ranges decides by where a workload runs, not what it is. Pod and node ranges differ between clusters and change when a cluster is rebuilt, so the rule silently admits or blocks the wrong callers after a move.',
  fixable: false,
  appliesTo: { kinds: ['NetworkPolicy'] },
  check(context) {
    const apiVersion = context.document.apiVersion ?? '';
    if (!apiVersion.startsWith('networking.k8s.io/')) return;
    const policy = `NetworkPolicy "${context.document.name ?? '(unnamed)'}"`;

    for (const [direction, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
      const rules = lookup(context.value, ['spec', direction]);
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, ruleIndex) => {
        const peers = lookup(rule, [peersKey]);
        if (!Array.isArray(peers) || peers.length === 0) return;
        const ipOnly = peers.every((peer) => isRecord(peer) && isRecord(peer.ipBlock) && !SELECTOR_FIELDS.some((field) => field in peer));
        if (!ipOnly) return;

        const cidrs = peers.map((peer) => lookup(peer, ['ipBlock', 'cidr']));
        if (cidrs.some((cidr) => typeof cidr !== 'string' || isTemplatePlaceholder(cidr))) return;
        const privateIndex = cidrs.findIndex((cidr) => isPrivateCidr(cidr as string));
        if (privateIndex < 0) return;

        const path: Path = ['spec', direction, ruleIndex, peersKey, privateIndex, 'ipBlock', 'cidr'];
        const side = direction === 'ingress' ? 'callers' : 'destinations';
        context.report({
          path,
          part: 'value',
          message:
            `${policy}: ${direction} rule ${ruleIndex + 1} names its ${side} only by address (${cidrs.join(', ')}), a private range that most likely holds in-cluster workloads. ` +
            'Select them with podSelector/namespaceSelector, and enforce who they are with mesh identity (Istio principals, Linkerd MeshTLSAuthentication or Cilium mutual authentication).',
        });
      });
    }
  },
};
