import type { Fix, TextEdit } from '../../model';
import { insertEntry, replaceScalar } from '../../fixes/edits';
import { YamlTree, lookup } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import { evidenceRelated, findMulticlusterEvidence, isMulticlusterValues, nonEmptyString } from './shared';

const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/**
 * Placeholder the fix writes. Upper case is not a valid DNS-1123 name, so `linkerd install` rejects it
 * until someone replaces it with the organisation's trust domain.
 */
export const TRUST_DOMAIN_PLACEHOLDER = 'CHANGE-ME.example.com';

function trustDomainFix(context: RuleContext): Fix[] {
  const text = context.file.text;
  let edit: TextEdit | undefined;
  if (lookup(context.value, ['identityTrustDomain']) !== undefined) {
    edit = replaceScalar(text, context.tree, ['identityTrustDomain'], TRUST_DOMAIN_PLACEHOLDER);
  } else if (!context.embedded && context.tree instanceof YamlTree) {
    edit = insertEntry(text, context.tree, [], 'identityTrustDomain', TRUST_DOMAIN_PLACEHOLDER);
  }
  if (!edit) return [];
  // Not safe: the trust domain is fixed at install time and changing it re-identifies every workload.
  return [{ title: `Set identityTrustDomain to a placeholder (${TRUST_DOMAIN_PLACEHOLDER}) to replace with your trust domain`, edits: [edit], isPreferred: true, safe: false }];
}

function checkValues(context: RuleContext): void {
  const multiclusterValues = !context.embedded && isMulticlusterValues(context.value);
  const configured = lookup(context.value, ['identityTrustDomain']);
  const clusterDomain = lookup(context.value, ['clusterDomain']);
  if (configured !== undefined && configured !== null && typeof configured !== 'string') return;
  // The rendered linkerd-config always lists identityTrustDomain; when it is missing (a template), it is unknown.
  if (configured === undefined && context.embedded) return;
  if (typeof configured === 'string' && configured !== '' && !nonEmptyString(configured)) return;

  // Control plane: an empty identityTrustDomain falls back to clusterDomain, whose default is cluster.local.
  // The multicluster chart defaults identityTrustDomain to cluster.local directly.
  let effective = DEFAULT_TRUST_DOMAIN;
  if (nonEmptyString(configured)) effective = configured;
  else if (!multiclusterValues && nonEmptyString(clusterDomain)) effective = clusterDomain;
  if (effective !== DEFAULT_TRUST_DOMAIN) return;

  const evidence = findMulticlusterEvidence(context.workspace);
  if (!evidence) return;

  const how = configured === DEFAULT_TRUST_DOMAIN ? 'identityTrustDomain is cluster.local' : 'identityTrustDomain is not set, so it falls back to cluster.local';
  let chart = 'linkerd-control-plane values';
  if (multiclusterValues) chart = 'linkerd-multicluster values';
  else if (context.embedded) chart = 'ConfigMap linkerd-config';
  context.report({
    path: ['identityTrustDomain'],
    part: 'value',
    fixes: trustDomainFix(context),
    related: [evidenceRelated(evidence)],
    message: `${how} in ${chart} while Linkerd multicluster is in use (${evidence.description}). Every cluster with the default then mints the same identity names, so a policy cannot tell a workload in one cluster from its namesake in another. Choose an organisation trust domain per mesh (for example prod.example.com) at install time.`,
  });
}

export const defaultTrustDomain: Rule = {
  id: 'linkerd/default-trust-domain',
  system: 'linkerd',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'Linkerd trust domain left at cluster.local in a multicluster mesh',
  rationale:
    'Identities are <sa>.<ns>.serviceaccount.identity.linkerd.<trust domain>. With the default cluster.local in every cluster, identities collide across clusters and policy cannot be scoped to one environment.',
  fixable: true,
  appliesTo: { kinds: ['Link'], charts: ['linkerd-control-plane'], embedded: ['linkerd-values'] },
  check(context) {
    if (context.document.kind === 'Link' && !context.embedded) {
      if (!context.document.apiVersion?.startsWith('multicluster.linkerd.io/')) return;
      const gatewayIdentity = lookup(context.value, ['spec', 'gatewayIdentity']);
      if (typeof gatewayIdentity !== 'string' || !gatewayIdentity.endsWith(`.${DEFAULT_TRUST_DOMAIN}`)) return;
      context.report({
        path: ['spec', 'gatewayIdentity'],
        part: 'value',
        message: `Link "${context.document.name ?? '(unnamed)'}" expects the gateway identity ${gatewayIdentity}, so the linked cluster uses the default trust domain cluster.local, the same as every other default install. Give each mesh an organisation trust domain and re-create the Link.`,
      });
      return;
    }
    checkValues(context);
  },
};
