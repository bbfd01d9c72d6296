import type { Finding, SourceRange, SystemId } from '../engine/model';
import type { ManifestDocument } from '../engine/manifest/parse';
import { isRecord, lookup } from '../engine/manifest/tree';
import type { WorkspaceIndex } from '../engine/workspace';
import { isInClusterIssuer } from '../engine/rules/service-accounts/in-cluster-issuer-url';
import { pluginsOfType } from '../engine/rules/spire/config';

/** Where an answer or a statement came from: a line in a file, or a live cluster object. */
export type Provenance =
  | { kind: 'file'; file: string; line: number; column: number; label: string }
  | { kind: 'cluster'; source: string; label: string };

/** Relation between kubeconfig contexts, found by comparing their roots (cluster evidence). */
export interface ContextComparison {
  relation: 'shared-root' | 'federated' | 'isolated';
  contexts: string[];
  /** A short statement of what was compared, such as the fingerprints. */
  detail: string;
}

/** Everything the assessment reads; cluster parts are optional. */
export interface AssessmentEvidence {
  workspace: WorkspaceIndex;
  /** Findings on workspace files. */
  findings: Finding[];
  /** Findings on live objects (Finding.clusterSource set). */
  clusterFindings?: Finding[];
  comparison?: ContextComparison;
}

/** A configuration that defines or distributes a trust anchor, seen in the workspace. */
export interface AnchorConfig {
  system: SystemId;
  description: string;
  provenance: Provenance;
  /** False for a cert-manager issuer, which signs whatever is requested and sets no workload credential lifetime. */
  setsWorkloadLifetime?: boolean;
}

export function provenanceOfFinding(evidence: AssessmentEvidence, finding: Finding): Provenance {
  if (finding.clusterSource) return { kind: 'cluster', source: finding.clusterSource, label: finding.clusterSource };
  return provenanceAt(evidence.workspace, finding.file, finding.range);
}

export function provenanceAt(workspace: WorkspaceIndex, file: string, range: SourceRange): Provenance {
  const parsed = workspace.get(file);
  const position = parsed ? parsed.lines.positionAt(range.start) : { line: 0, character: 0 };
  return {
    kind: 'file',
    file,
    line: position.line + 1,
    column: position.character + 1,
    label: `${file}:${position.line + 1}`,
  };
}

export function provenanceOfDocument(document: ManifestDocument, path: readonly (string | number)[] = ['kind']): Provenance {
  const range = document.tree.locate(path, 'key') ?? document.tree.locate(['kind'], 'value') ?? document.range;
  const position = document.file.lines.positionAt(range.start);
  return {
    kind: 'file',
    file: document.file.path,
    line: position.line + 1,
    column: position.character + 1,
    label: `${document.file.path}:${position.line + 1}`,
  };
}

function describeDocument(document: ManifestDocument): string {
  if (document.kind) return `${document.kind} ${document.name ?? '(unnamed)'}`;
  return `${document.charts.join(', ')} values`;
}

/** Lists the documents that define a trust anchor or its issuer, per system. */
export function findAnchorConfigs(workspace: WorkspaceIndex): AnchorConfig[] {
  const configs: AnchorConfig[] = [];
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      const system = anchorSystemOf(document);
      if (!system) continue;
      const setsWorkloadLifetime = document.kind !== 'Issuer' && document.kind !== 'ClusterIssuer';
      configs.push({ system, description: describeDocument(document), provenance: provenanceOfDocument(document), setsWorkloadLifetime });
    }
  }
  return configs;
}

function anchorSystemOf(document: ManifestDocument): SystemId | undefined {
  if (document.embedded.some((embedded) => embedded.role === 'spire-server')) return 'spire';
  if (document.embedded.some((embedded) => embedded.role === 'istio-mesh')) return 'istio';
  if (document.embedded.some((embedded) => embedded.role === 'linkerd-values')) return 'linkerd';
  if (document.charts.some((chart) => chart === 'spire' || chart === 'spire-server' || chart === 'spire-nested')) return 'spire';
  if (document.charts.includes('istiod')) return 'istio';
  if (document.charts.includes('linkerd-control-plane')) return 'linkerd';
  if (document.charts.some((chart) => chart === 'istio-csr' || chart === 'csi-driver-spiffe')) return 'cert-manager';
  switch (document.kind) {
    case 'IstioOperator':
      return 'istio';
    case 'Issuer':
    case 'ClusterIssuer': {
      const spec = lookup(document.tree.value, ['spec']);
      return isRecord(spec) && 'acme' in spec ? undefined : 'cert-manager';
    }
    case 'ConfigMap':
      return document.name === 'linkerd-identity-trust-roots' ? 'linkerd' : undefined;
    default:
      return undefined;
  }
}

const POLICY_KINDS = [
  'AuthorizationPolicy',
  'PeerAuthentication',
  'NetworkPolicy',
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
  'Server',
  'ServerAuthorization',
  'MeshTLSAuthentication',
  'NetworkAuthentication',
];

export function findPolicyDocuments(workspace: WorkspaceIndex): ManifestDocument[] {
  return POLICY_KINDS.flatMap((kind) => [...workspace.byKind(kind)]);
}

/** True when a policy document admits callers by identity (principals, SPIFFE IDs, service accounts). */
export function isIdentityPolicy(document: ManifestDocument): boolean {
  const text = JSON.stringify(document.tree.value ?? {});
  if (document.kind === 'PeerAuthentication') return /"mode":"STRICT"/.test(text);
  if (document.kind === 'MeshTLSAuthentication') return true;
  if (document.kind === 'CiliumNetworkPolicy' || document.kind === 'CiliumClusterwideNetworkPolicy') return /"mode":"required"/.test(text);
  return /"(principals|serviceAccounts|trustDomains|identities|identityRefs|meshTLS)"/.test(text) || /"kind":"(ServiceAccount|MeshTLSAuthentication)"/.test(text);
}

/** Returns the manifest document a workspace finding is in, or undefined for cluster findings. */
export function documentOfFinding(workspace: WorkspaceIndex, finding: Finding): ManifestDocument | undefined {
  if (finding.clusterSource) return undefined;
  return workspace.get(finding.file)?.documents.find((document) => document.range.start <= finding.range.start && finding.range.start <= document.range.end);
}

/** A service-account issuer URL set in a control-plane configuration, with where it is set. */
export interface ServiceAccountIssuer {
  issuer: string;
  provenance: Provenance;
}

/**
 * Lists the signing service-account issuers that kubeadm ClusterConfigurations and kube-apiserver
 * static Pods set to a URL outside the cluster (an issuer external relying parties can discover).
 * The first issuer is the one the API server signs tokens with; later ones are only accepted.
 */
export function findExternalServiceAccountIssuers(workspace: WorkspaceIndex): ServiceAccountIssuer[] {
  const found: ServiceAccountIssuer[] = [];
  const record = (document: ManifestDocument, path: (string | number)[], issuer: string): void => {
    if (isInClusterIssuer(issuer)) return;
    const range = document.tree.locate(path, 'value');
    if (!range) return;
    const position = document.file.lines.positionAt(range.start);
    found.push({ issuer, provenance: { kind: 'file', file: document.file.path, line: position.line + 1, column: position.character + 1, label: `${document.file.path}:${position.line + 1}` } });
  };

  for (const document of workspace.byKind('ClusterConfiguration')) {
    if (!document.apiVersion?.startsWith('kubeadm.k8s.io/')) continue;
    const extraArgs = lookup(document.tree.value, ['apiServer', 'extraArgs']);
    if (isRecord(extraArgs) && typeof extraArgs['service-account-issuer'] === 'string') {
      record(document, ['apiServer', 'extraArgs', 'service-account-issuer'], extraArgs['service-account-issuer']);
    } else if (Array.isArray(extraArgs)) {
      // kubeadm v1beta4 lists arguments as {name, value} entries.
      const index = extraArgs.findIndex((argument) => lookup(argument, ['name']) === 'service-account-issuer');
      const value = index >= 0 ? lookup(extraArgs[index], ['value']) : undefined;
      if (typeof value === 'string') record(document, ['apiServer', 'extraArgs', index, 'value'], value);
    }
  }

  for (const document of workspace.byKind('Pod')) {
    const containers = lookup(document.tree.value, ['spec', 'containers']);
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, containerIndex) => {
      for (const field of ['command', 'args']) {
        const list = lookup(container, [field]);
        if (!Array.isArray(list)) continue;
        const index = list.findIndex((argument) => argument === '--service-account-issuer' || (typeof argument === 'string' && argument.startsWith('--service-account-issuer=')));
        if (index < 0) continue;
        const argument = String(list[index]);
        if (argument.includes('=')) record(document, ['spec', 'containers', containerIndex, field, index], argument.slice(argument.indexOf('=') + 1));
        else if (typeof list[index + 1] === 'string') record(document, ['spec', 'containers', containerIndex, field, index + 1], String(list[index + 1]));
        return;
      }
    });
  }
  return found;
}

/** SPIRE server UpstreamAuthority plugins whose CA runs outside the cluster (built-in plugin names). */
const EXTERNAL_UPSTREAM_PLUGINS = new Set(['aws_pca', 'awssecret', 'gcp_cas', 'vault', 'ejbca']);
/** The same authorities as spire-server chart values keys (`upstreamAuthority.<key>.enabled`). */
const EXTERNAL_UPSTREAM_CHART_KEYS = ['awsPCA', 'awsSecret', 'gcpCAS', 'vault', 'ejbca'];
/** SPIRE server KeyManager plugins that keep the signing keys in a cloud KMS. */
const KMS_KEY_MANAGER_PLUGINS = new Set(['aws_kms', 'gcp_kms', 'azure_key_vault']);
/** Datastores that run as a database server rather than a file in the pod (sqlite3). */
const SERVER_DATABASE_TYPES = new Set(['postgres', 'mysql', 'aws_postgresql', 'aws_mysql', 'gcp_mysql_sa_iam']);

// NOTE: spire-nested values (several servers under aliases) are not read here, so their external upstreams go unseen.
function chartServerValues(document: ManifestDocument): { values: unknown; prefix: string[] } | undefined {
  if (document.charts.includes('spire-server') && !isRecord(lookup(document.tree.value, ['spire-server']))) return { values: document.tree.value, prefix: [] };
  if (document.charts.includes('spire')) return { values: lookup(document.tree.value, ['spire-server']), prefix: ['spire-server'] };
  return undefined;
}

/**
 * Lists the configurations that name a root or upstream CA held outside the cluster: cert-manager
 * Vault and Venafi issuers, external issuer kinds of other API groups (AWS Private CA, Google CAS),
 * and SPIRE servers with an external UpstreamAuthority. Configurations that only delegate to an
 * issuer (istio-csr, csi-driver-spiffe, Linkerd externalCA) are not evidence on their own.
 */
export function findExternalRoots(workspace: WorkspaceIndex): AnchorConfig[] {
  const found: AnchorConfig[] = [];
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      const group = document.apiVersion?.split('/')[0];
      if ((document.kind === 'Issuer' || document.kind === 'ClusterIssuer') && group === 'cert-manager.io') {
        const spec = lookup(document.tree.value, ['spec']);
        const type = isRecord(spec) ? ['vault', 'venafi'].find((key) => isRecord(spec[key])) : undefined;
        if (type) found.push({ system: 'cert-manager', description: `${document.kind} ${document.name ?? '(unnamed)'} (${type})`, provenance: provenanceOfDocument(document, ['spec', type]) });
      } else if (document.kind?.endsWith('Issuer') && group !== undefined && group !== 'cert-manager.io' && group.includes('.')) {
        found.push({ system: 'cert-manager', description: `${document.kind} ${document.name ?? '(unnamed)'}`, provenance: provenanceOfDocument(document) });
      }

      for (const embedded of document.embedded) {
        if (embedded.role !== 'spire-server' || !embedded.tree) continue;
        const upstream = pluginsOfType(embedded.tree.value, 'UpstreamAuthority').find((plugin) => EXTERNAL_UPSTREAM_PLUGINS.has(plugin.name));
        if (upstream) found.push({ system: 'spire', description: `SPIRE UpstreamAuthority "${upstream.name}"`, provenance: embeddedProvenance(document, embedded.tree, upstream.path) });
      }

      const chart = chartServerValues(document);
      const key = chart && EXTERNAL_UPSTREAM_CHART_KEYS.find((name) => String(lookup(chart.values, ['upstreamAuthority', name, 'enabled'])) === 'true');
      if (chart && key) found.push({ system: 'spire', description: `SPIRE chart upstreamAuthority.${key}`, provenance: provenanceOfDocument(document, [...chart.prefix, 'upstreamAuthority', key]) });
    }
  }
  return found;
}

/**
 * Lists SPIRE servers whose signing keys are in a cloud KMS and whose datastore is a database
 * server, so neither is lost with the pod or the cluster's volumes.
 */
export function findExternalSpireState(workspace: WorkspaceIndex): AnchorConfig[] {
  const found: AnchorConfig[] = [];
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      for (const embedded of document.embedded) {
        if (embedded.role !== 'spire-server' || !embedded.tree) continue;
        const config = embedded.tree.value;
        const keyManagers = pluginsOfType(config, 'KeyManager');
        const dataStore = pluginsOfType(config, 'DataStore')[0];
        const databaseType = dataStore?.data.database_type;
        if (keyManagers.length === 0 || !keyManagers.every((plugin) => KMS_KEY_MANAGER_PLUGINS.has(plugin.name))) continue;
        if (typeof databaseType !== 'string' || !SERVER_DATABASE_TYPES.has(databaseType)) continue;
        found.push({ system: 'spire', description: `SPIRE KeyManager "${keyManagers[0].name}" with a ${databaseType} datastore`, provenance: embeddedProvenance(document, embedded.tree, keyManagers[0].path) });
      }

      const chart = chartServerValues(document);
      if (!chart) continue;
      const enabled = (name: string, fallback: boolean): boolean => {
        const value = lookup(chart.values, ['keyManager', name, 'enabled']);
        return value === undefined || value === null ? fallback : String(value) === 'true';
      };
      // The chart enables the disk key manager unless keyManager.disk.enabled is false.
      const kmsOnly = enabled('awsKMS', false) && !enabled('disk', true) && !enabled('memory', false);
      const databaseType = lookup(chart.values, ['dataStore', 'sql', 'databaseType']);
      if (kmsOnly && typeof databaseType === 'string' && SERVER_DATABASE_TYPES.has(databaseType)) {
        found.push({ system: 'spire', description: `SPIRE chart keyManager.awsKMS with a ${databaseType} datastore`, provenance: provenanceOfDocument(document, [...chart.prefix, 'keyManager', 'awsKMS']) });
      }
    }
  }
  return found;
}

function embeddedProvenance(document: ManifestDocument, tree: NonNullable<ManifestDocument["embedded"][number]["tree"]>, path: readonly (string | number)[]): Provenance {
  const range = tree.locate(path, 'key') ?? document.range;
  const position = document.file.lines.positionAt(range.start);
  return { kind: 'file', file: document.file.path, line: position.line + 1, column: position.character + 1, label: `${document.file.path}:${position.line + 1}` };
}
