import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { inboundPolicySite } from './inbound-policy';
import { CHART_DEFAULT_CLUSTER_NETWORKS, isControlPlaneValues } from './shared';

export const clusterNetworksPolicy: Rule = {
  id: 'linkerd/cluster-networks-policy',
  system: 'linkerd',
  dimension: 'identity-policy',
  severity: 'hint',
  title: 'Linkerd cluster-authenticated policy defines "cluster" by IP ranges',
  rationale:
    'The cluster-* policies admit callers whose source address is inside clusterNetworks. "Cluster" is therefore an IP range, which changes when the pod network, the cluster or the region changes, rather than a property of the caller\'s identity.',
  fixable: false,
  appliesTo: {
    kinds: ['Server', 'Namespace', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'],
    charts: ['linkerd-control-plane'],
    embedded: ['linkerd-values'],
  },
  check(context) {
    const site = inboundPolicySite(context);
    if (!site || site.policy !== 'cluster-authenticated') return;

    const configuredNetworks = isControlPlaneValues(context) ? lookup(context.value, ['clusterNetworks']) : undefined;
    const networks = typeof configuredNetworks === 'string' ? `clusterNetworks ${configuredNetworks}` : `clusterNetworks (chart default ${CHART_DEFAULT_CLUSTER_NETWORKS})`;
    context.report({
      path: site.path,
      part: 'value',
      message: `${site.label} is cluster-authenticated: callers need a mesh identity, but "same cluster" is decided by source IP in ${networks}. Prefer all-authenticated with AuthorizationPolicies that name identities (MeshTLSAuthentication, ServiceAccount), which keep their meaning across clusters.`,
    });
  },
};
