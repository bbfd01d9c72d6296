import type { Fix, TextEdit } from '../../model';
import { insertEntry, replaceScalar } from '../../fixes/edits';
import type { Path, SourceTree } from '../../manifest/tree';
import { isRecord, lookup, YamlTree } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import type { Rule, RuleContext } from '../types';
import { multiclusterMarkers, remoteSecretCount } from './ca-mode';
import { DEFAULT_TRUST_DOMAIN, readGlobal, readInstall, readScalar, workspaceMeshConfigs, isNonEmpty } from './install';
import { appendToSequence, insertIntoMap, insertSiblingLines } from './text-edits';

/** Inserted by the fix; the user must replace it with the organisation's trust domain. */
export const TRUST_DOMAIN_PLACEHOLDER = 'change-me.example.com';

/** Evidence in the workspace that identities leave this cluster: VMs and federated trust bundles. */
function workspaceReachMarkers(workspace: WorkspaceIndex): string[] {
  const markers: string[] = [];
  const vmCount = workspace.byKind('WorkloadGroup').length + workspace.byKind('WorkloadEntry').length;
  if (vmCount > 0) markers.push(`${vmCount} WorkloadGroup/WorkloadEntry object(s) for VMs`);
  const remoteSecrets = remoteSecretCount(workspace);
  if (remoteSecrets > 0) markers.push(`${remoteSecrets} remote-cluster Secret(s) labelled istio/multiCluster`);
  const federated = workspaceMeshConfigs(workspace).some((mesh) =>
    Array.isArray(mesh.value.caCertificates) &&
    mesh.value.caCertificates.some((entry) => isRecord(entry) && (entry.spiffeBundleUrl !== undefined || entry.trustDomains !== undefined)),
  );
  if (federated) markers.push('meshConfig.caCertificates naming other trust domains');
  return markers;
}

interface MeshView {
  tree: SourceTree;
  meshPath: Path;
  label: string;
  markers: string[];
  clusterName?: string;
  /** Where to add a meshConfig map when the install has none. */
  meshParent?: { path: Path; key: string };
}

function meshView(context: RuleContext): MeshView | undefined {
  if (context.embedded) {
    const meshId = readScalar(context.tree.value, ['defaultConfig', 'meshId']);
    return {
      tree: context.tree,
      meshPath: [],
      label: `ConfigMap "${context.document.name ?? '(unnamed)'}" key ${context.embedded.key}`,
      markers: isNonEmpty(meshId) ? [`defaultConfig.meshId "${meshId.text}"`] : [],
    };
  }
  const install = readInstall(context);
  if (!install || !install.meshConfigPath) return undefined;
  const clusterName = readGlobal(install, 'multiCluster', 'clusterName');
  return {
    tree: context.document.tree,
    meshPath: install.meshConfigPath,
    label: install.label,
    markers: multiclusterMarkers(install).map((marker) => marker.description),
    clusterName: isNonEmpty(clusterName) ? clusterName.text : undefined,
    meshParent: install.surface === 'operator' ? { path: ['spec'], key: 'meshConfig' } : { path: [], key: 'meshConfig' },
  };
}

export const defaultTrustDomain: Rule = {
  id: 'istio/default-trust-domain',
  system: 'istio',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'Mesh trust domain is cluster.local, or names the cluster, while identities cross clusters',
  rationale:
    'Every Istio install defaults to the trust domain cluster.local, so identities from different meshes collide, and a trust domain that names one cluster changes when workloads move. Changing it later breaks every policy that names it unless the old name stays as an alias.',
  fixable: true,
  appliesTo: { kinds: ['IstioOperator'], charts: ['istiod'], embedded: ['istio-mesh'] },
  check(context) {
    const view = meshView(context);
    if (!view) return;
    const trustDomainPath: Path = [...view.meshPath, 'trustDomain'];
    const reading = readScalar(view.tree.value, trustDomainPath);
    if (reading.kind === 'unknown') return;
    const trustDomain = reading.kind === 'set' ? reading.text : DEFAULT_TRUST_DOMAIN;

    const markers = [...view.markers, ...workspaceReachMarkers(context.workspace)];
    const namesCluster = view.clusterName !== undefined && view.clusterName.length >= 3 && trustDomain.includes(view.clusterName);
    const isDefault = trustDomain === DEFAULT_TRUST_DOMAIN;
    if (!namesCluster && !(isDefault && markers.length > 0)) return;

    const written = reading.kind === 'set' ? `meshConfig.trustDomain "${trustDomain}"` : `meshConfig.trustDomain (unset, so "${DEFAULT_TRUST_DOMAIN}")`;
    const problem = namesCluster
      ? `contains the cluster name "${view.clusterName}", so the identities of these workloads change when they move to another cluster`
      : `is the default every Istio install uses, while identities here cross the cluster (${markers.join(', ')})`;
    const fix = trustDomainFix(context, view, reading.kind === 'set' ? trustDomainPath : undefined, trustDomain);
    context.report({
      path: reading.kind === 'set' ? trustDomainPath : view.meshPath.length > 0 ? view.meshPath : trustDomainPath,
      part: reading.kind === 'set' ? 'value' : 'key',
      message: `${view.label}: ${written} ${problem}. Choose an organisation trust domain (for example prod.example.com) and keep "${trustDomain}" in trustDomainAliases while policies migrate.`,
      fixes: fix ? [fix] : [],
    });
  },
};

function trustDomainFix(context: RuleContext, view: MeshView, trustDomainPath: Path | undefined, current: string): Fix | undefined {
  const text = context.file.text;
  const edits: TextEdit[] = [];
  const aliasesPath: Path = [...view.meshPath, 'trustDomainAliases'];
  const aliases = lookup(view.tree.value, aliasesPath);

  if (trustDomainPath) {
    const replace = replaceScalar(text, view.tree, trustDomainPath, TRUST_DOMAIN_PLACEHOLDER);
    if (!replace) return undefined;
    edits.push(replace);
    if (Array.isArray(aliases)) {
      if (!aliases.includes(current)) {
        const append = appendToSequence(text, view.tree, aliasesPath, current);
        if (!append) return undefined;
        edits.push(append);
      }
    } else if (aliases === undefined) {
      const insert = insertSiblingLines(text, view.tree, trustDomainPath, ['trustDomainAliases:', `- ${current}`]);
      if (!insert) return undefined;
      edits.push(insert);
    } else {
      return undefined;
    }
  } else {
    if (aliases !== undefined) return undefined;
    const lines = [`trustDomain: ${TRUST_DOMAIN_PLACEHOLDER}`, 'trustDomainAliases:', `- ${current}`];
    const mesh = lookup(view.tree.value, view.meshPath);
    if (mesh === undefined && view.meshParent && view.tree instanceof YamlTree) {
      const insert = insertEntry(text, view.tree, view.meshParent.path, view.meshParent.key, `\n${lines.join('\n')}`);
      if (!insert) return undefined;
      edits.push(insert);
    } else {
      const insert = insertIntoMap(text, view.tree, view.meshPath, lines);
      if (!insert) return undefined;
      edits.push(insert);
    }
  }
  return {
    title: `Set trustDomain to a placeholder and keep "${current}" as an alias`,
    edits,
    isPreferred: true,
    safe: false,
  };
}
