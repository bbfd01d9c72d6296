import type { Fix, TextEdit } from '../../model';
import { insertEntry, insertNestedEntry, replaceScalar } from '../../fixes/edits';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import {
  clusterNameOf,
  displayName,
  enabledOr,
  globalFirst,
  nearestExisting,
  pathOf,
  serverScopes,
  trustDomainOf,
  valueAt,
  type ServerScope,
} from './chart';
import {
  attestedClusterNames,
  containsClusterName,
  inClusterHostReason,
  knownString,
  PLACEHOLDER_TRUST_DOMAINS,
  pluginsOfType,
  TRUST_DOMAIN_PLACEHOLDER,
} from './config';

const SPIRE_CHARTS = ['spire', 'spire-server', 'spire-nested'] as const;

export const placeholderTrustDomain: Rule = {
  id: 'spire/placeholder-trust-domain',
  system: 'spire',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'SPIRE trust domain is a sample name or names one cluster',
  rationale:
    'Every SPIFFE ID starts with the trust domain. A sample name such as example.org, or one that contains the cluster name, gives the same workload a different identity in each cluster, so policies and federation cannot follow it.',
  fixable: true,
  appliesTo: { embedded: ['spire-server', 'spire-agent'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      const section = context.embedded.role === 'spire-server' ? 'server' : 'agent';
      const trustDomain = knownString(lookup(context.value, [section, 'trust_domain']));
      if (!trustDomain) return;
      const path = [section, 'trust_domain'];
      const problem = trustDomainProblem(trustDomain, agentOrServerClusters(context));
      if (!problem) return;
      const edit = problem.placeholder ? replaceScalar(context.file.text, context.tree, path, TRUST_DOMAIN_PLACEHOLDER) : undefined;
      context.report({
        path,
        part: 'value',
        message: `trust_domain "${trustDomain}" ${problem.reason}. Use one organisation trust domain (such as prod.example.com) for every cluster of the environment, on agents and servers alike.`,
        fixes: edit ? [placeholderFix([edit])] : [],
      });
      return;
    }
    for (const scope of serverScopes(context)) checkChartTrustDomain(context, scope);
  },
};

function agentOrServerClusters(context: RuleContext): string[] {
  return attestedClusterNames(context.value);
}

function trustDomainProblem(trustDomain: string, clusterNames: string[]): { reason: string; placeholder: boolean } | undefined {
  if (PLACEHOLDER_TRUST_DOMAINS.has(trustDomain.toLowerCase())) {
    return { reason: 'is a sample name, so workloads of unrelated installations share SPIFFE IDs while each has its own root', placeholder: true };
  }
  const cluster = clusterNames.find((name) => containsClusterName(trustDomain, name));
  if (cluster) return { reason: `contains the cluster name "${cluster}", so the same workload gets a different SPIFFE ID in each cluster`, placeholder: false };
  return undefined;
}

function placeholderFix(edits: TextEdit[]): Fix {
  return { title: `Set the trust domain to a placeholder to replace (${TRUST_DOMAIN_PLACEHOLDER})`, edits, isPreferred: true, safe: false };
}

function checkChartTrustDomain(context: RuleContext, scope: ServerScope): void {
  const trustDomain = trustDomainOf(scope);
  const cluster = clusterNameOf(scope);
  if (!trustDomain) return;
  const problem = trustDomainProblem(trustDomain.value, cluster && cluster.path ? [cluster.value] : []);
  if (!problem) return;

  const name = trustDomain.path ? trustDomain.path.join('.') : `${displayName(scope, ['trustDomain'])} (chart default)`;
  const edits = problem.placeholder ? chartTrustDomainEdits(context, scope, trustDomain.path) : [];
  context.report({
    path: trustDomain.path ?? nearestExisting(context, scope.chart === 'spire-server' ? ['trustDomain'] : ['global', 'spire', 'trustDomain']),
    part: trustDomain.path ? 'value' : 'key',
    message: `${name} "${trustDomain.value}" ${problem.reason}. Set global.spire.trustDomain to one organisation trust domain (such as prod.example.com) shared by every cluster of the environment.`,
    fixes: edits.length > 0 ? [placeholderFix(edits)] : [],
  });
}

function chartTrustDomainEdits(context: RuleContext, scope: ServerScope, path: Path | undefined): TextEdit[] {
  const text = context.file.text;
  const tree = context.document.tree;
  let edit: TextEdit | undefined;
  if (path) edit = replaceScalar(text, tree, path, TRUST_DOMAIN_PLACEHOLDER);
  else if (scope.chart === 'spire-server') edit = insertEntry(text, tree, [], 'trustDomain', TRUST_DOMAIN_PLACEHOLDER);
  else if (isRecord(lookup(context.value, ['global', 'spire']))) edit = insertEntry(text, tree, ['global', 'spire'], 'trustDomain', TRUST_DOMAIN_PLACEHOLDER);
  else if (isRecord(lookup(context.value, ['global']))) edit = insertNestedEntry(text, tree, ['global'], ['spire'], 'trustDomain', TRUST_DOMAIN_PLACEHOLDER);
  else edit = insertEntry(text, tree, [], 'global', `\nspire:\n  trustDomain: ${TRUST_DOMAIN_PLACEHOLDER}`, 'start');
  return edit ? [edit] : [];
}

export const placeholderJwtIssuer: Rule = {
  id: 'spire/placeholder-jwt-issuer',
  system: 'spire',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'SPIRE JWT issuer is a placeholder or a name inside the cluster',
  rationale:
    'Cloud IAM, Vault and other relying parties trust JWT-SVIDs by their iss claim and fetch keys from that URL. A sample or cluster-internal issuer cannot be reached from outside and changes when the installation moves.',
  fixable: false,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      if (lookup(context.value, ['server', 'disable_jwt_svids']) === true) return;
      const issuer = knownString(lookup(context.value, ['server', 'jwt_issuer']));
      // NOTE: an absent jwt_issuer is not reported, because the config does not show whether JWT-SVIDs reach relying parties outside the cluster.
      if (!issuer) return;
      const reason = issuerProblem(issuer, attestedClusterNames(context.value));
      if (!reason) return;
      context.report({
        path: ['server', 'jwt_issuer'],
        part: 'value',
        message: `jwt_issuer "${issuer}" ${reason}. Set it to an HTTPS URL on a DNS name you control that serves the OIDC discovery document for the whole trust domain.`,
      });
      return;
    }
    for (const scope of serverScopes(context)) checkChartIssuer(context, scope);
  },
};

function issuerProblem(issuer: string, clusterNames: string[]): string | undefined {
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(issuer)?.[1] ?? issuer;
  if (/[A-Z_]/.test(host) || /[<>{}]/.test(host)) return 'still holds a placeholder host';
  const lower = host.toLowerCase();
  if (lower === 'example.org' || lower.endsWith('.example.org')) return 'uses the sample domain example.org';
  const inCluster = inClusterHostReason(lower);
  if (inCluster) return `points at ${inCluster}, which relying parties outside the cluster cannot reach`;
  const cluster = clusterNames.find((name) => containsClusterName(lower, name));
  if (cluster) return `contains the cluster name "${cluster}", so relying parties must be reconfigured for each cluster`;
  return undefined;
}

function checkChartIssuer(context: RuleContext, scope: ServerScope): void {
  if (!enabledOr(valueAt(scope, ['jwtSVIDSupport']), true)) return;
  const explicit = globalFirst(scope, 'jwtIssuer', '');
  if (!explicit) return;
  const cluster = clusterNameOf(scope);
  const clusters = cluster && cluster.path ? [cluster.value] : [];

  if (explicit.path) {
    const reason = issuerProblem(explicit.value, clusters);
    if (!reason) return;
    context.report({
      path: explicit.path,
      part: 'value',
      message: `${explicit.path.join('.')} "${explicit.value}" ${reason}. Set it to an HTTPS URL on a DNS name you control.`,
    });
    return;
  }
  const trustDomain = trustDomainOf(scope);
  if (!trustDomain) return;
  const derived = `https://oidc-discovery.${trustDomain.value}`;
  const reason = issuerProblem(derived, clusters);
  if (!reason) return;
  context.report({
    path: nearestExisting(context, scope.chart === 'spire-server' ? ['jwtIssuer'] : ['global', 'spire', 'jwtIssuer']),
    part: 'key',
    message: `jwtIssuer is not set, so the chart uses "${derived}", which ${reason}. Set global.spire.jwtIssuer to an HTTPS URL on a DNS name you control.`,
  });
}

const CLUSTER_BOUND_TEMPLATE = /\{\{[^}]*\.(ClusterName|NodeMeta|NodeSpec)\b[^}]*\}\}/;

export const clusterSpecificSpiffeId: Rule = {
  id: 'spire/cluster-specific-spiffe-id',
  system: 'spire',
  dimension: 'cross-environment',
  severity: 'info',
  title: 'SPIFFE ID template includes the cluster or node',
  rationale:
    'A spiffeIDTemplate that uses .ClusterName, .NodeMeta or .NodeSpec gives the same workload a different SPIFFE ID per cluster or node, so authorization written against the ID breaks when the workload moves.',
  fixable: false,
  appliesTo: { kinds: ['ClusterSPIFFEID'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.document.kind === 'ClusterSPIFFEID') {
      reportTemplate(context, ['spec', 'spiffeIDTemplate'], `ClusterSPIFFEID "${context.document.name ?? '(unnamed)'}"`);
      return;
    }
    for (const scope of serverScopes(context)) {
      const identities = valueAt(scope, ['controllerManager', 'identities', 'clusterSPIFFEIDs']);
      if (!isRecord(identities)) continue;
      for (const [name, identity] of Object.entries(identities)) {
        if (!isRecord(identity) || !enabledOr(identity.enabled, true)) continue;
        reportTemplate(context, pathOf(scope, ['controllerManager', 'identities', 'clusterSPIFFEIDs', name, 'spiffeIDTemplate']), `clusterSPIFFEIDs.${name}`);
      }
    }
  },
};

function reportTemplate(context: RuleContext, path: Path, subject: string): void {
  const template = knownString(lookup(context.value, path));
  const match = template ? CLUSTER_BOUND_TEMPLATE.exec(template) : undefined;
  if (!template || !match) return;
  context.report({
    path,
    part: 'value',
    message: `${subject} spiffeIDTemplate uses .${match[1]}, so the same workload gets a different SPIFFE ID in each ${match[1] === 'ClusterName' ? 'cluster' : 'node'}. Keep the ID to trust domain, namespace and service account unless per-cluster identities are intended.`,
  });
}

export const psatClusterCoupling: Rule = {
  id: 'spire/psat-cluster-coupling',
  system: 'spire',
  dimension: 'recoverability',
  severity: 'hint',
  title: 'SPIRE server attests agents of the cluster it runs in',
  rationale:
    'k8s_psat agent IDs contain the cluster name and node UID and are verified with this cluster\'s TokenReview API. When the server runs in the cluster it attests, losing the cluster loses the server and every agent identity together.',
  fixable: false,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      for (const plugin of pluginsOfType(context.value, 'NodeAttestor')) {
        if (plugin.name !== 'k8s_psat' && plugin.name !== 'k8s_sat') continue;
        const clusters = plugin.data.clusters;
        if (!isRecord(clusters)) continue;
        for (const [cluster, settings] of Object.entries(clusters)) {
          if (isRecord(settings) && knownString(settings.kube_config_file)) continue;
          context.report({
            path: [...plugin.dataPath, 'clusters', cluster],
            part: 'key',
            message: `NodeAttestor "${plugin.name}" attests cluster "${cluster}" with in-cluster credentials (no kube_config_file), so the server runs in the cluster it attests and agent IDs name that cluster. This is by design; keep the server, or a nested root, outside the cluster if losing the cluster must not lose the trust domain.`,
          });
        }
      }
      return;
    }
    for (const scope of serverScopes(context)) {
      if (!enabledOr(valueAt(scope, ['nodeAttestor', 'k8sPSAT', 'enabled']), true)) continue;
      const cluster = clusterNameOf(scope)?.value ?? 'example-cluster';
      const path = pathOf(scope, ['nodeAttestor', 'k8sPSAT']);
      context.report({
        path: lookup(context.value, path) !== undefined ? path : nearestExisting(context, path),
        part: 'key',
        message: `${displayName(scope, ['nodeAttestor', 'k8sPSAT'])} attests agents of cluster "${cluster}", the cluster this server runs in, so agent IDs name that cluster and losing it loses the server too. This is by design; use a nested root server outside the cluster if the trust domain must survive it.`,
      });
    }
  },
};

export const pinnedFederationBundle: Rule = {
  id: 'spire/pinned-federation-bundle',
  system: 'spire',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'SPIRE federation starts from a pinned copy of the peer bundle',
  rationale:
    'With the https_spiffe profile, or a trustDomainBundle written into the resource, the relationship is bootstrapped from a static copy of the peer root; when the peer cluster is rebuilt with a new root, federation breaks until someone replaces the copy.',
  fixable: false,
  appliesTo: { kinds: ['ClusterFederatedTrustDomain'], embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.document.kind === 'ClusterFederatedTrustDomain') {
      const peer = knownString(lookup(context.value, ['spec', 'trustDomain'])) ?? context.document.name ?? '(unnamed)';
      reportFederation(context, ['spec'], `ClusterFederatedTrustDomain "${context.document.name ?? '(unnamed)'}" (trust domain ${peer})`);
      return;
    }
    if (context.embedded) {
      const peers = lookup(context.value, ['server', 'federation', 'federates_with']);
      if (!isRecord(peers)) return;
      for (const [peer, settings] of Object.entries(peers)) {
        if (!isRecord(lookup(settings, ['bundle_endpoint_profile', 'https_spiffe']))) continue;
        context.report({
          path: ['server', 'federation', 'federates_with', peer, 'bundle_endpoint_profile', 'https_spiffe'],
          part: 'key',
          message: `federates_with "${peer}" uses the https_spiffe profile, which authenticates the peer's bundle endpoint with a copy of its bundle loaded beforehand; a rebuild of the peer with a new root breaks federation until the copy is replaced. Prefer https_web with a certificate from a public or organisation CA, and a peer root that survives rebuilds.`,
        });
      }
      return;
    }
    for (const scope of serverScopes(context)) {
      const domains = valueAt(scope, ['controllerManager', 'identities', 'clusterFederatedTrustDomains']);
      if (!isRecord(domains)) continue;
      for (const name of Object.keys(domains)) {
        reportFederation(context, pathOf(scope, ['controllerManager', 'identities', 'clusterFederatedTrustDomains', name]), `clusterFederatedTrustDomains.${name}`);
      }
    }
  },
};

function reportFederation(context: RuleContext, specPath: Path, subject: string): void {
  const spec = lookup(context.value, specPath);
  if (!isRecord(spec)) return;
  const pinned = spec.trustDomainBundle;
  if (typeof pinned === 'string' ? pinned.trim() !== '' : pinned !== undefined && pinned !== null) {
    context.report({
      path: [...specPath, 'trustDomainBundle'],
      part: 'key',
      message: `${subject} pins the peer's trust bundle in trustDomainBundle, so a rebuild of the peer with a new root breaks federation until this copy is replaced. Let SPIRE fetch the bundle from an https_web bundle endpoint, and keep the peer root outside its cluster.`,
    });
    return;
  }
  if (lookup(spec, ['bundleEndpointProfile', 'type']) === 'https_spiffe') {
    context.report({
      path: [...specPath, 'bundleEndpointProfile', 'type'],
      part: 'value',
      message: `${subject} uses the https_spiffe profile, which authenticates the peer's bundle endpoint with a copy of its bundle loaded beforehand; a rebuild of the peer with a new root breaks federation until the copy is replaced. Prefer https_web with a certificate from a public or organisation CA.`,
    });
  }
}

