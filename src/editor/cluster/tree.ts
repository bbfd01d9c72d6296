import * as vscode from 'vscode';
import type { ClusterEvidence, EvidenceGap, LiveAnalysis, SystemEvidence } from '../../cluster';
import { definingDocument } from '../../cluster/live-analysis';
import { describeKey } from '../../cluster/x509';
import { SYSTEM_TITLES, type Finding } from '../../engine/model';
import type { WorkspaceIndex } from '../../engine/workspace';

/** URI scheme of the read-only documents that show a live object's YAML. */
export const LIVE_OBJECT_SCHEME = 'trust-anchor-cluster';
export const OPEN_SOURCE_COMMAND = 'trustAnchor.openClusterSource';

export interface EvidenceResult {
  evidence: ClusterEvidence;
  analysis: LiveAnalysis;
}

type Node =
  | { type: 'context'; result: EvidenceResult }
  | { type: 'system'; result: EvidenceResult; system: SystemEvidence; findings: Finding[] }
  | { type: 'group'; label: string; children: Node[]; icon: string }
  | { type: 'finding'; finding: Finding }
  | { type: 'fact'; label: string; description?: string; tooltip?: string; icon: string; source?: string }
  | { type: 'gap'; gap: EvidenceGap };

/** The "Cluster Evidence" view: one context, its systems, their findings, certificates and gaps. */
export class ClusterEvidenceTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private result: EvidenceResult | undefined;

  constructor(private readonly workspace: () => WorkspaceIndex | undefined) {}

  show(result: EvidenceResult | undefined): void {
    this.result = result;
    this.changed.fire(undefined);
  }

  get current(): EvidenceResult | undefined {
    return this.result;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.result ? [{ type: 'context', result: this.result }] : [];
    switch (node.type) {
      case 'context':
        return this.systemNodes(node.result);
      case 'system':
        return systemChildren(node);
      case 'group':
        return node.children;
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'context':
        return contextItem(node.result);
      case 'system':
        return systemItem(node);
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
      case 'finding':
        return this.findingItem(node.finding);
      case 'fact': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.tooltip = node.tooltip ?? node.label;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.source) item.command = { command: OPEN_SOURCE_COMMAND, title: 'Open live object', arguments: [node.source] };
        return item;
      }
      case 'gap': {
        const item = new vscode.TreeItem(node.gap.what, vscode.TreeItemCollapsibleState.None);
        item.description = node.gap.permission ? `missing permission: ${node.gap.permission}` : node.gap.kind;
        item.tooltip = node.gap.message;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        return item;
      }
    }
  }

  private systemNodes(result: EvidenceResult): Node[] {
    if (result.evidence.fatal) return [{ type: 'gap', gap: result.evidence.fatal }];
    return Object.values(result.evidence.systems).map((system) => ({
      type: 'system' as const,
      result,
      system,
      findings: result.analysis.findings.filter((finding) => finding.system === system.system),
    }));
  }

  private findingItem(finding: Finding): vscode.TreeItem {
    const item = new vscode.TreeItem(finding.message, vscode.TreeItemCollapsibleState.None);
    const source = finding.clusterSource ?? finding.file;
    const link = this.workspace() ? definingDocument(this.workspace()!, source) : undefined;
    item.description = `${finding.ruleId} · ${source}`;
    item.tooltip = new vscode.MarkdownString(`**${finding.ruleId}** (${finding.severity})\n\n${finding.message}\n\nLive object: \`${source}\`${link ? `\n\nDefined in \`${link.file}\`` : ''}`);
    item.iconPath = severityIcon(finding.severity);
    item.command = { command: OPEN_SOURCE_COMMAND, title: link ? 'Open defining file' : 'Open live object', arguments: [source, finding.range.start] };
    return item;
  }
}

function contextItem(result: EvidenceResult): vscode.TreeItem {
  const { evidence } = result;
  const item = new vscode.TreeItem(evidence.context, vscode.TreeItemCollapsibleState.Expanded);
  item.description = evidence.fatal ? 'could not be read' : `${evidence.serverVersion ?? ''} · ${result.analysis.findings.length} findings`;
  item.tooltip = `${evidence.server}\nCollected ${evidence.collectedAt} with ${evidence.requestCount} requests in ${evidence.durationMs} ms.`;
  item.iconPath = new vscode.ThemeIcon(evidence.fatal ? 'error' : 'server-environment');
  item.contextValue = 'clusterContext';
  return item;
}

function systemItem(node: Extract<Node, { type: 'system' }>): vscode.TreeItem {
  const { system } = node;
  const collapsible = system.status === 'not-installed' && system.gaps.length === 0 ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(SYSTEM_TITLES[system.system], collapsible);
  const counts = node.findings.length > 0 ? ` · ${node.findings.length} finding${node.findings.length === 1 ? '' : 's'}` : '';
  item.description = `${system.status}${system.trustDomains.length > 0 ? ` · ${system.trustDomains.join(', ')}` : ''}${counts}`;
  item.tooltip = system.summary.join('\n') || system.status;
  let icon = 'circle-slash';
  if (system.status === 'unknown') icon = 'question';
  if (system.status === 'found') icon = node.findings.some((finding) => finding.severity === 'error') ? 'shield' : 'pass';
  item.iconPath = new vscode.ThemeIcon(icon);
  return item;
}

function systemChildren(node: Extract<Node, { type: 'system' }>): Node[] {
  const { system, findings } = node;
  const children: Node[] = findings.map((finding) => ({ type: 'finding', finding }));

  if (system.certificates.length > 0) {
    children.push({
      type: 'group',
      label: `Certificates (${system.certificates.length})`,
      icon: 'key',
      children: system.certificates.map((entry) => ({
        type: 'fact',
        label: entry.certificate.subject || '(empty subject)',
        description: `${entry.role} · ${describeKey(entry.certificate)} · until ${entry.certificate.notAfter.slice(0, 10)}`,
        tooltip: `${entry.source} ${entry.field}\nIssuer: ${entry.certificate.issuer}\nSHA-256: ${entry.certificate.fingerprintSha256}\nValid ${entry.certificate.notBefore} to ${entry.certificate.notAfter}${entry.certificate.spiffeIds.length > 0 ? `\nSPIFFE IDs: ${entry.certificate.spiffeIds.join(', ')}` : ''}`,
        icon: entry.role === 'trust-anchor' ? 'verified' : 'key',
        source: entry.source,
      })),
    });
  }

  if (system.summary.length > 0) {
    children.push({ type: 'group', label: 'Evidence', icon: 'list-unordered', children: system.summary.map((line) => ({ type: 'fact', label: line, icon: 'info' })) });
  }
  for (const gap of system.gaps) children.push({ type: 'gap', gap });
  return children;
}

function severityIcon(severity: Finding['severity']): vscode.ThemeIcon {
  if (severity === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  if (severity === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  return new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
}
