import { chainRelated, traceIssuerChain, type ChainResult } from '../../chains';
import { lookup, type Path } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import {
  chartUpstreamAuthorities,
  displayName,
  isTrue,
  nearestExisting,
  pathOf,
  serverScopes,
  valueAt,
  type ServerScope,
} from './chart';
import { firstPlugin, hasUpstreamAuthority, knownString } from './config';
import { backingOf, describeWorkload, mountRelated, serverContainersFor } from './workload';

const SPIRE_CHARTS = ['spire', 'spire-server', 'spire-nested'] as const;

export const upstreamSelfSignedCertManager: Rule = {
  id: 'spire/upstream-self-signed-cert-manager',
  system: 'spire',
  dimension: 'issuer-independence',
  severity: 'error',
  title: 'SPIRE upstream authority is a cert-manager CA rooted in this cluster',
  rationale:
    'The cert-manager upstream makes SPIRE an intermediate of a cert-manager issuer. When that issuer chains to a selfSigned issuer in the same cluster, the root key is a Secret of this cluster and a rebuild creates a different root.',
  fixable: false,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      const plugin = firstPlugin(context.value, 'UpstreamAuthority', 'cert-manager');
      const issuerName = knownString(plugin?.data.issuer_name);
      if (!plugin || !issuerName) return;
      const namespace = knownString(plugin.data.namespace) ?? context.document.namespace;
      const chain = traceIssuerChain(
        context.workspace,
        { name: issuerName, kind: knownString(plugin.data.issuer_kind) || 'Issuer', group: knownString(plugin.data.issuer_group) || undefined },
        namespace,
        context.file.path,
      );
      reportChain(context, chain, [...plugin.dataPath, 'issuer_name'], `UpstreamAuthority "cert-manager" issuer "${issuerName}"`);
      return;
    }
    for (const scope of serverScopes(context)) checkChartCertManager(context, scope);
  },
};

function checkChartCertManager(context: RuleContext, scope: ServerScope): void {
  if (!isTrue(valueAt(scope, ['upstreamAuthority', 'certManager', 'enabled']))) return;
  const createKeys = ['upstreamAuthority', 'certManager', 'ca', 'create'];

  if (isTrue(valueAt(scope, createKeys))) {
    const duration = knownString(valueAt(scope, ['upstreamAuthority', 'certManager', 'ca', 'duration'])) ?? '87600h';
    context.report({
      path: pathOf(scope, createKeys),
      part: 'value',
      message: `${displayName(scope, createKeys)}: true makes the chart create a selfSigned cert-manager Issuer and a ${duration} CA Certificate in this cluster as the SPIRE root, so the root key is a Secret that a rebuild replaces. Point upstreamAuthority at an external CA (awsPCA, gcpCAS, vault) or at an Issuer backed by one.`,
    });
    return;
  }
  const issuerName = knownString(valueAt(scope, ['upstreamAuthority', 'certManager', 'issuerName']));
  if (!issuerName) return;
  const chain = traceIssuerChain(
    context.workspace,
    {
      name: issuerName,
      kind: knownString(valueAt(scope, ['upstreamAuthority', 'certManager', 'issuerKind'])) || 'Issuer',
      group: knownString(valueAt(scope, ['upstreamAuthority', 'certManager', 'issuerGroup'])) || undefined,
    },
    knownString(valueAt(scope, ['upstreamAuthority', 'certManager', 'namespace'])) || undefined,
    context.file.path,
  );
  reportChain(context, chain, pathOf(scope, ['upstreamAuthority', 'certManager', 'issuerName']), `${displayName(scope, ['upstreamAuthority', 'certManager', 'issuerName'])} "${issuerName}"`);
}

function reportChain(context: RuleContext, chain: ChainResult, path: Path, subject: string): void {
  if (chain.root === 'in-cluster-self-signed') {
    context.report({
      path,
      part: 'value',
      message: `${subject} chains to the in-cluster self-signed root ${chain.rootStep?.description ?? ''} (${chain.summary}), so the SPIRE root key is a Secret of this cluster. Use an Issuer backed by an external CA (Vault, AWS Private CA, Google CAS) or another UpstreamAuthority.`,
      related: chainRelated(chain, context.document),
    });
  } else if (chain.root === 'in-cluster-secret') {
    context.report({
      path,
      part: 'value',
      severity: 'warning',
      message: `${subject} chains to a CA whose key Secret no Certificate in these files creates (${chain.summary}), so the SPIRE root key is stored in this cluster. Keep the root outside the cluster and reuse the same CA in every cluster, or use an external CA.`,
      related: chainRelated(chain, context.document),
    });
  }
}

export const upstreamDiskSecret: Rule = {
  id: 'spire/upstream-disk-secret',
  system: 'spire',
  dimension: 'issuer-independence',
  severity: 'warning',
  title: 'SPIRE disk upstream authority reads its CA key from a Secret in this cluster',
  rationale:
    'UpstreamAuthority "disk" signs with a CA key file. When that file comes from a Kubernetes Secret, the upstream key is stored in the cluster and stays portable only if the same key is reused everywhere.',
  fixable: false,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      checkConfigDiskUpstream(context);
      return;
    }
    for (const scope of serverScopes(context)) {
      if (!isTrue(valueAt(scope, ['upstreamAuthority', 'disk', 'enabled']))) continue;
      const createKeys = ['upstreamAuthority', 'disk', 'secret', 'create'];
      const create = valueAt(scope, createKeys);
      if (create !== undefined && !isTrue(create)) continue;
      const keyMaterial = knownString(valueAt(scope, ['upstreamAuthority', 'disk', 'secret', 'data', 'key']));
      const path = keyMaterial ? pathOf(scope, ['upstreamAuthority', 'disk', 'secret', 'data', 'key']) : create === undefined ? pathOf(scope, ['upstreamAuthority', 'disk', 'enabled']) : pathOf(scope, createKeys);
      const inline = keyMaterial ? ' The private key is written in this values file, so it is also in every copy of it.' : '';
      context.report({
        path,
        part: keyMaterial ? 'key' : 'value',
        message: `${displayName(scope, ['upstreamAuthority', 'disk'])} makes the chart create Secret "${knownString(valueAt(scope, ['upstreamAuthority', 'disk', 'secret', 'name'])) ?? 'spiffe-upstream-ca'}" with the upstream CA key in this cluster.${inline} Use an external upstream (awsPCA, gcpCAS, vault), or sync an intermediate from an offline root and check that every cluster uses the same root.`,
      });
    }
  },
};

function checkConfigDiskUpstream(context: RuleContext): void {
  const plugin = firstPlugin(context.value, 'UpstreamAuthority', 'disk');
  const keyFile = knownString(plugin?.data.key_file_path);
  if (!plugin || !keyFile) return;
  const keyPath = [...plugin.dataPath, 'key_file_path'];

  const containers = serverContainersFor(context.workspace, context.document);
  if (containers.length === 0) {
    context.report({
      path: keyPath,
      part: 'value',
      message: `UpstreamAuthority "disk" signs with the CA key file "${keyFile}". If a Kubernetes Secret provides that file, the upstream key is stored in this cluster; prefer an external upstream (aws_pca, gcp_cas, vault) or an intermediate whose root stays offline.`,
    });
    return;
  }
  for (const container of containers) {
    const backing = backingOf(container, keyFile);
    if (backing.kind !== 'secret') continue;
    const workload = describeWorkload(container.workload);
    const secret = backing.secretName ? `Secret "${backing.secretName}"` : `a Secret volume "${backing.volume}"`;
    context.report({
      path: keyPath,
      part: 'value',
      message: `UpstreamAuthority "disk" reads its CA key "${keyFile}" from ${secret} mounted in ${workload}, so the upstream key is stored in this cluster. Prefer an external upstream (aws_pca, gcp_cas, vault), or mount only an intermediate signed by an offline root shared by every cluster.`,
      related: [mountRelated(container, backing, `${workload} mounts ${secret} here`)],
    });
  }
}

export const selfSignedRoot: Rule = {
  id: 'spire/self-signed-root',
  system: 'spire',
  dimension: 'issuer-independence',
  severity: 'warning',
  title: 'SPIRE server has no upstream authority, so its root is self-signed',
  rationale:
    'Without an UpstreamAuthority the server signs its own root with a key it generates and rotates every ca_ttl; only this deployment holds it, so relying parties outside the cluster need a live bundle feed and lose trust if the server is rebuilt.',
  fixable: false,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      if (hasUpstreamAuthority(context.value)) return;
      const caTtl = knownString(lookup(context.value, ['server', 'ca_ttl'])) ?? '24h';
      const hasPlugins = lookup(context.value, ['plugins']) !== undefined;
      context.report({
        path: hasPlugins ? ['plugins'] : ['server'],
        part: 'key',
        message: `No UpstreamAuthority plugin is configured, so this server signs its own root and replaces it every ca_ttl (${caTtl}). Relying parties outside the cluster need a live bundle feed, and a rebuild starts a new root. Add an UpstreamAuthority backed by a CA outside the cluster (aws_pca, gcp_cas, vault, spire).`,
      });
      return;
    }
    for (const scope of serverScopes(context)) {
      if (chartUpstreamAuthorities(scope).length > 0) continue;
      const caTtl = knownString(valueAt(scope, ['caTTL'])) ?? '24h';
      const upstreamPath = pathOf(scope, ['upstreamAuthority']);
      context.report({
        path: lookup(context.value, upstreamPath) !== undefined ? upstreamPath : nearestExisting(context, upstreamPath),
        part: 'key',
        message: `No ${displayName(scope, ['upstreamAuthority'])} plugin is enabled, so this server signs its own root and replaces it every caTTL (${caTtl}). Relying parties outside the cluster need a live bundle feed, and a rebuild starts a new root. Enable an upstream authority outside the cluster (awsPCA, gcpCAS, vault, spire).`,
      });
    }
  },
};
