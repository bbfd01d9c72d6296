import type { Finding, SourceRange, SystemId } from '../engine/model';
import type { ManifestDocument } from '../engine/manifest/parse';
import { isRecord, lookup } from '../engine/manifest/tree';
import type { WorkspaceIndex } from '../engine/workspace';

/** Where an answer or a statement came from: a line in a file, or a live cluster object. */
export type Provenance =
  | { kind: 'file'; file: string; line: number; column: number; label: string }
  | { kind: 'cluster'; source: string; label: string };

/** How contexts relate, from comparing their roots (cluster evidence). */
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
      if (system) configs.push({ system, description: describeDocument(document), provenance: provenanceOfDocument(document) });
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
