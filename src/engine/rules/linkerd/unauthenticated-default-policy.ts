import type { Rule } from '../types';
import { inboundPolicySite, policyFix } from './inbound-policy';
import { workspaceHasServerAuthorization } from './shared';

/** Policies that admit clients without a mesh identity; `audit` admits everything and only logs. */
const UNAUTHENTICATED_POLICIES = new Set(['all-unauthenticated', 'cluster-unauthenticated', 'audit']);
const SERVER_UNAUTHENTICATED_POLICIES = new Set(['all-unauthenticated', 'cluster-unauthenticated']);

export const unauthenticatedDefaultPolicy: Rule = {
  id: 'linkerd/unauthenticated-default-policy',
  system: 'linkerd',
  dimension: 'identity-policy',
  severity: 'error',
  title: 'Linkerd admits traffic without a mesh identity by default',
  rationale:
    'With all-unauthenticated (the chart default), cluster-unauthenticated or audit, and no Server with an AuthorizationPolicy, Linkerd encrypts traffic but never requires the caller\'s identity, so authorization rests on network reachability.',
  fixable: true,
  appliesTo: {
    kinds: ['Server', 'Namespace', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'],
    charts: ['linkerd-control-plane'],
    embedded: ['linkerd-values'],
  },
  check(context) {
    const site = inboundPolicySite(context);
    if (!site) return;

    if (site.kind === 'server') {
      if (!SERVER_UNAUTHENTICATED_POLICIES.has(site.policy)) return;
      context.report({
        path: site.path,
        part: 'value',
        fixes: policyFix(context, site, 'deny', 'Set accessPolicy: deny (the Server default)'),
        message: `${site.label} is ${site.policy}, so traffic that matches no AuthorizationPolicy is still admitted without a mesh identity. Use deny (the default) and authorize callers with MeshTLSAuthentication or ServiceAccount references.`,
      });
      return;
    }

    if (!UNAUTHENTICATED_POLICIES.has(site.policy)) return;
    if (workspaceHasServerAuthorization(context.workspace)) return;
    context.report({
      path: site.path,
      part: 'value',
      fixes: policyFix(context, site, 'all-authenticated', 'Set the default inbound policy to all-authenticated'),
      message: `${site.label} is ${site.policy} and these files define no Server with an AuthorizationPolicy, so meshed and unmeshed clients are admitted without their identity being checked. Use all-authenticated (or deny plus explicit AuthorizationPolicies) so access depends on the caller's mesh identity.`,
    });
  },
};
