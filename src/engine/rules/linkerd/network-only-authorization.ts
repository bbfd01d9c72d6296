import type { RelatedLocation } from '../../model';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import { isLinkerdPolicy } from './shared';

function networksOf(value: unknown): string[] {
  const networks = lookup(value, ['spec', 'networks']);
  if (!Array.isArray(networks)) return [];
  return networks.map((network) => lookup(network, ['cidr'])).filter((cidr): cidr is string => typeof cidr === 'string');
}

function checkAuthorizationPolicy(context: RuleContext): void {
  const refs = lookup(context.value, ['spec', 'requiredAuthenticationRefs']);
  if (!Array.isArray(refs) || refs.length === 0) return;
  if (!refs.every((ref) => isRecord(ref) && ref.kind === 'NetworkAuthentication')) return;

  const related: RelatedLocation[] = [];
  const cidrs: string[] = [];
  for (const ref of refs) {
    const name = lookup(ref, ['name']);
    if (typeof name !== 'string') continue;
    const namespace = typeof lookup(ref, ['namespace']) === 'string' ? String(lookup(ref, ['namespace'])) : context.document.namespace;
    for (const authentication of context.workspace.find('NetworkAuthentication', name, namespace)) {
      cidrs.push(...networksOf(authentication.tree.value));
      const range = authentication.tree.locate(['spec', 'networks'], 'key') ?? authentication.range;
      related.push({ file: authentication.file.path, range, message: `NetworkAuthentication "${name}"` });
    }
  }

  const names = refs.map((ref) => `"${String(lookup(ref, ['name']))}"`).join(', ');
  const detail = cidrs.length > 0 ? ` (${cidrs.join(', ')})` : '';
  context.report({
    path: ['spec', 'requiredAuthenticationRefs', 0, 'kind'],
    part: 'value',
    related,
    message: `AuthorizationPolicy "${context.document.name ?? '(unnamed)'}" requires only NetworkAuthentication ${names}${detail}, so any caller from those addresses is authorized whatever its identity. Require a MeshTLSAuthentication or ServiceAccount reference, alone or together with the network.`,
  });
}

function checkServerAuthorization(context: RuleContext): void {
  const client = lookup(context.value, ['spec', 'client']);
  if (!isRecord(client)) return;
  const meshTLS = client.meshTLS;
  const namesIdentities = isRecord(meshTLS) && (Array.isArray(meshTLS.identities) || Array.isArray(meshTLS.serviceAccounts));
  if (namesIdentities) return;

  const networks = Array.isArray(client.networks) ? client.networks : [];
  const cidrs = networks.map((network) => lookup(network, ['cidr'])).filter((cidr): cidr is string => typeof cidr === 'string');
  const admitsUnauthenticated = client.unauthenticated === true || (isRecord(meshTLS) && meshTLS.unauthenticatedTLS === true);
  if (networks.length === 0 && !admitsUnauthenticated) return;

  const how = client.unauthenticated === true ? 'unauthenticated clients' : 'TLS clients without checking their identity';
  const scope = cidrs.length > 0 ? `from ${cidrs.join(', ')}` : 'from any address';
  context.report({
    path: networks.length > 0 ? ['spec', 'client', 'networks'] : client.unauthenticated === true ? ['spec', 'client', 'unauthenticated'] : ['spec', 'client', 'meshTLS', 'unauthenticatedTLS'],
    part: 'key',
    message: `ServerAuthorization "${context.document.name ?? '(unnamed)'}" admits ${how} ${scope}: the decision rests on network placement. Name the callers in client.meshTLS.serviceAccounts or identities, or move to an AuthorizationPolicy with a MeshTLSAuthentication.`,
  });
}

export const networkOnlyAuthorization: Rule = {
  id: 'linkerd/network-only-authorization',
  system: 'linkerd',
  dimension: 'identity-policy',
  severity: 'warning',
  title: 'Linkerd authorization based only on client networks',
  rationale:
    'An AuthorizationPolicy that requires only NetworkAuthentication, or a ServerAuthorization without meshTLS identities, authorizes by source IP. The same caller gets a different outcome after it moves to another cluster, node pool or region.',
  fixable: false,
  appliesTo: { kinds: ['AuthorizationPolicy', 'ServerAuthorization'] },
  check(context) {
    if (!isLinkerdPolicy(context.document)) return;
    if (context.document.kind === 'AuthorizationPolicy') checkAuthorizationPolicy(context);
    else checkServerAuthorization(context);
  },
};
