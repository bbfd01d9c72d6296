import { DIMENSION_TITLES, type DimensionId, type Finding, type SystemId } from '../engine/model';
import { isRecord, lookup } from '../engine/manifest/tree';
import { ruleDocsPath, RULES_BY_ID } from '../engine/rules';
import { provenanceOfDocument, provenanceOfFinding, type AssessmentEvidence, type Provenance } from './evidence';

/** One step of the migration plan: a rule to clear, with the help the product offers for it. */
export interface PlanStep {
  ruleId: string;
  title: string;
  system: SystemId;
  occurrences: number;
  docsPath: string;
  quickFix: boolean;
  /** System whose migration snippet ("Insert Migration Snippet…") applies. */
  snippetSystem: SystemId;
  provenance: Provenance[];
}

export interface PlanPhase {
  phase: number;
  title: string;
  goal: string;
  dimensions: DimensionId[];
  steps: PlanStep[];
}

const PHASES: { title: string; goal: string; dimensions: DimensionId[] }[] = [
  {
    title: 'Make the current anchor recoverable',
    goal: 'Keys and datastore survive pod restarts and can be restored into a new cluster.',
    dimensions: ['recoverability'],
  },
  {
    title: 'Move the root out of the cluster lifecycle',
    goal: 'The root or upstream authority lives in a KMS, HSM, Vault, cloud private CA or offline; clusters hold only intermediates.',
    dimensions: ['issuer-independence'],
  },
  {
    title: 'Shorten credentials and key policy on identity',
    goal: 'Credentials live hours and rotate automatically; authorization keys on principals and SPIFFE IDs, with mutual TLS required.',
    dimensions: ['credential-lifetime', 'identity-policy'],
  },
  {
    title: 'Share trust across environments',
    goal: 'An organisation-owned trust domain, a shared or federated root, and cloud federation that does not name one cluster.',
    dimensions: ['cross-environment'],
  },
  {
    title: 'Prove it with drills',
    goal: 'Rotate the root, fail over and restore on a schedule, and check that every caller gets the same authorization outcome.',
    dimensions: ['event-validation'],
  },
];

export function buildPlan(evidence: AssessmentEvidence): PlanPhase[] {
  const findings = [...evidence.findings, ...(evidence.clusterFindings ?? [])].filter((finding) => finding.severity !== 'hint');
  return PHASES.map((phase, index) => {
    const byRule = new Map<string, Finding[]>();
    for (const finding of findings) {
      if (!phase.dimensions.includes(finding.dimension)) continue;
      const list = byRule.get(finding.ruleId) ?? [];
      list.push(finding);
      byRule.set(finding.ruleId, list);
    }
    const steps: PlanStep[] = [...byRule.entries()]
      .map(([ruleId, list]) => {
        const rule = RULES_BY_ID.get(ruleId);
        return {
          ruleId,
          title: rule?.title ?? ruleId,
          system: list[0].system,
          occurrences: list.length,
          docsPath: ruleDocsPath(ruleId),
          quickFix: rule?.fixable ?? false,
          snippetSystem: list[0].system,
          provenance: list.slice(0, 5).map((finding) => provenanceOfFinding(evidence, finding)),
          severityRank: Math.min(...list.map((finding) => ['error', 'warning', 'info', 'hint'].indexOf(finding.severity))),
        };
      })
      .sort((a, b) => a.severityRank - b.severityRank || b.occurrences - a.occurrences)
      .map(({ severityRank: _severityRank, ...step }) => step);
    return { phase: index + 1, title: phase.title, goal: phase.goal, dimensions: phase.dimensions, steps };
  });
}

export interface RebuildImpact {
  /** Anchors that a rebuild would regenerate. */
  regeneratedAnchors: { description: string; provenance: Provenance }[];
  /** Parties outside the cluster that would stop trusting its workloads. */
  relyingParties: { kind: 'other-context' | 'cloud-iam' | 'vm' | 'federated-trust-domain' | 'vault'; description: string; provenance: Provenance[] }[];
}

/** "What breaks if this cluster is rebuilt": regenerated anchors and the relying parties that lose trust. */
export function rebuildImpact(evidence: AssessmentEvidence): RebuildImpact {
  const findings = [...evidence.findings, ...(evidence.clusterFindings ?? [])];
  const regenerating = findings.filter(
    (finding) =>
      (finding.dimension === 'issuer-independence' || finding.dimension === 'recoverability') &&
      (finding.severity === 'error' || finding.severity === 'warning'),
  );
  const regeneratedAnchors = regenerating.map((finding) => ({ description: `${finding.ruleId}: ${finding.message}`, provenance: provenanceOfFinding(evidence, finding) }));

  const relyingParties: RebuildImpact['relyingParties'] = [];
  if (evidence.comparison && evidence.comparison.relation !== 'isolated') {
    relyingParties.push({
      kind: 'other-context',
      description: `Contexts ${evidence.comparison.contexts.join(', ')} ${evidence.comparison.relation === 'shared-root' ? 'share this root' : 'federate with this trust domain'}: ${evidence.comparison.detail}`,
      provenance: evidence.comparison.contexts.map((context) => ({ kind: 'cluster' as const, source: context, label: context })),
    });
  }
  const multicluster = findings.filter((finding) => /multicluster|multi-cluster/.test(finding.ruleId));
  if (multicluster.length > 0) {
    relyingParties.push({
      kind: 'other-context',
      description: 'Other clusters of the mesh trust this cluster\'s root for cross-cluster mutual TLS.',
      provenance: multicluster.slice(0, 5).map((finding) => provenanceOfFinding(evidence, finding)),
    });
  }

  // GKE Workload Identity is scoped to the project's identity pool, so a rebuilt cluster keeps its bindings.
  const cloud = findings.filter((finding) => /irsa|azure-workload/.test(finding.ruleId));
  if (cloud.length > 0) {
    relyingParties.push({
      kind: 'cloud-iam',
      description: `${cloud.length} service account(s) federate with cloud IAM through this cluster's OIDC issuer; each role trust policy or federated credential must be edited after a rebuild.`,
      provenance: cloud.slice(0, 5).map((finding) => provenanceOfFinding(evidence, finding)),
    });
  }
  const vault = findings.filter((finding) => /vault/.test(finding.ruleId));
  if (vault.length > 0) {
    relyingParties.push({
      kind: 'vault',
      description: 'Vault auth mounts pin this cluster\'s API server, CA and token reviewer.',
      provenance: vault.slice(0, 5).map((finding) => provenanceOfFinding(evidence, finding)),
    });
  }

  const vms = [...evidence.workspace.byKind('WorkloadEntry'), ...evidence.workspace.byKind('WorkloadGroup')];
  if (vms.length > 0) {
    relyingParties.push({
      kind: 'vm',
      description: `${vms.length} VM workload object(s) (WorkloadEntry/WorkloadGroup) hold certificates chained to this mesh root.`,
      provenance: vms.slice(0, 5).map((document) => provenanceOfDocument(document)),
    });
  }
  const federated = evidence.workspace.byKind('ClusterFederatedTrustDomain');
  if (federated.length > 0) {
    relyingParties.push({
      kind: 'federated-trust-domain',
      description: `Federated trust domains (${federated.map((document) => String(lookup(document.tree.value, ['spec', 'trustDomain']) ?? document.name)).join(', ')}) hold a copy of this trust domain's bundle.`,
      provenance: federated.slice(0, 5).map((document) => provenanceOfDocument(document)),
    });
  }
  return { regeneratedAnchors, relyingParties };
}

export interface IdentityInventory {
  serviceAccounts: { name: string; namespace?: string; federation: string[]; provenance: Provenance }[];
  spiffeIdTemplates: { template: string; source: string; provenance: Provenance }[];
  certificates: { name: string; namespace?: string; isCA: boolean; duration: string; renewBefore?: string; rotationPolicy: string; issuer: string; provenance: Provenance }[];
}

const FEDERATION_ANNOTATIONS: Record<string, string> = {
  'eks.amazonaws.com/role-arn': 'AWS IRSA',
  'azure.workload.identity/client-id': 'Azure workload identity',
  'iam.gke.io/gcp-service-account': 'GKE Workload Identity',
};

export function buildInventory(evidence: AssessmentEvidence): IdentityInventory {
  const { workspace } = evidence;
  const serviceAccounts = workspace.byKind('ServiceAccount').map((document) => {
    const annotations = lookup(document.tree.value, ['metadata', 'annotations']);
    const federation = isRecord(annotations)
      ? Object.entries(FEDERATION_ANNOTATIONS)
          .filter(([key]) => key in annotations)
          .map(([key, label]) => `${label} (${String(annotations[key])})`)
      : [];
    return { name: document.name ?? '(unnamed)', namespace: document.namespace, federation, provenance: provenanceOfDocument(document, ['metadata', 'name']) };
  });

  const spiffeIdTemplates = workspace.byKind('ClusterSPIFFEID').flatMap((document) => {
    const template = lookup(document.tree.value, ['spec', 'spiffeIDTemplate']);
    return typeof template === 'string'
      ? [{ template, source: `ClusterSPIFFEID ${document.name ?? ''}`.trim(), provenance: provenanceOfDocument(document, ['spec', 'spiffeIDTemplate']) }]
      : [];
  });

  const certificates = workspace.byKind('Certificate').map((document) => {
    const spec = lookup(document.tree.value, ['spec']);
    const read = (path: string[]): unknown => lookup(spec, path);
    const issuerRef = read(['issuerRef']);
    return {
      name: document.name ?? '(unnamed)',
      namespace: document.namespace,
      isCA: read(['isCA']) === true,
      duration: typeof read(['duration']) === 'string' ? String(read(['duration'])) : '2160h (cert-manager default)',
      renewBefore: typeof read(['renewBefore']) === 'string' ? String(read(['renewBefore'])) : undefined,
      rotationPolicy: typeof read(['privateKey', 'rotationPolicy']) === 'string' ? String(read(['privateKey', 'rotationPolicy'])) : 'Always (implicit since cert-manager 1.18)',
      issuer: isRecord(issuerRef) ? `${String(issuerRef.kind ?? 'Issuer')}/${String(issuerRef.name ?? '?')}` : '(none)',
      provenance: provenanceOfDocument(document, ['metadata', 'name']),
    };
  });
  return { serviceAccounts, spiffeIdTemplates, certificates };
}

export function dimensionTitle(dimension: DimensionId): string {
  return DIMENSION_TITLES[dimension];
}
