import type { DimensionId } from '../engine/model';

/** Context of the estate being assessed; it sets how strict the verdict is. */
export type EnvironmentType = 'isolated-development' | 'internal-platform' | 'multi-cluster-mesh' | 'regulated' | 'shared-platform';

export interface AnswerOption {
  id: string;
  label: string;
  /** 1 = portable, 0 = cluster-bound; undefined for context answers, which carry no score. */
  score?: number;
}

export interface FrameworkReference {
  framework: 'NIST SP 800-207' | 'OWASP NHI Top 10 (2025)' | 'CSA MAESTRO';
  control: string;
  /** What the control asks for, in this product's words. */
  meaning: string;
}

export interface Question {
  id: string;
  /** `context` questions weight the verdict; the others are scored in their dimension. */
  dimension: DimensionId | 'context';
  text: string;
  help: string;
  options: AnswerOption[];
  references: FrameworkReference[];
  /** True when only people can answer it (manifests and clusters cannot show it). */
  peopleOnly: boolean;
}

const NIST_IDENTITY: FrameworkReference = {
  framework: 'NIST SP 800-207',
  control: 'Tenets 3 and 6',
  meaning: 'Access is granted per request from the authenticated identity of the caller, not from where it runs on the network.',
};
const NIST_DYNAMIC: FrameworkReference = {
  framework: 'NIST SP 800-207',
  control: 'Tenet 6 and section 3.1',
  meaning: 'Authentication is dynamic and re-evaluated, which needs credentials that expire and an issuer that stays trustworthy through change.',
};
const OWASP_LONG_LIVED: FrameworkReference = {
  framework: 'OWASP NHI Top 10 (2025)',
  control: 'NHI7 Long-Lived Secrets',
  meaning: 'Credentials that never or rarely expire widen the window in which a leaked one can be used.',
};
const OWASP_ISOLATION: FrameworkReference = {
  framework: 'OWASP NHI Top 10 (2025)',
  control: 'NHI8 Environment Isolation',
  meaning: 'Identities and their trust must be scoped deliberately per environment, neither shared by accident nor tied to one environment by accident.',
};
const OWASP_REUSE: FrameworkReference = {
  framework: 'OWASP NHI Top 10 (2025)',
  control: 'NHI9 NHI Reuse',
  meaning: 'One identity should stand for one workload; reusing it across workloads or clusters blurs who did what.',
};
const OWASP_AUTH: FrameworkReference = {
  framework: 'OWASP NHI Top 10 (2025)',
  control: 'NHI4 Insecure Authentication',
  meaning: 'Workloads should authenticate with strong, verifiable credentials such as mutual TLS identities.',
};
const MAESTRO_BOUNDARY: FrameworkReference = {
  framework: 'CSA MAESTRO',
  control: 'Layer 6 (Security and Compliance) across Layer 4 (Deployment and Infrastructure)',
  meaning: 'Each workload or agent needs its own verifiable identity whose trust boundary is explicit and survives redeployment of the infrastructure it runs on.',
};

const UNKNOWN: AnswerOption = { id: 'unknown', label: 'Unknown' };

export const QUESTIONS: readonly Question[] = [
  {
    id: 'context.environment',
    dimension: 'context',
    text: 'Which best describes the environment whose trust anchor you are assessing?',
    help: 'An isolated development cluster may keep a local anchor if it can be recovered; multi-cluster meshes, regulated workloads and shared platforms need an anchor that outlives any one cluster.',
    options: [
      { id: 'isolated-development', label: 'Isolated development cluster' },
      { id: 'internal-platform', label: 'Internal platform for one organisation' },
      { id: 'multi-cluster-mesh', label: 'Multi-cluster mesh or clusters plus VMs' },
      { id: 'regulated', label: 'Regulated workloads' },
      { id: 'shared-platform', label: 'Shared platform run by a platform team for many teams' },
    ],
    references: [OWASP_ISOLATION],
    peopleOnly: true,
  },
  {
    id: 'context.blast-radius',
    dimension: 'context',
    text: 'Who loses service if every workload identity of this cluster stops being trusted?',
    help: 'The wider the blast radius, the less a cluster-bound anchor can be tolerated.',
    options: [
      { id: 'one-team', label: 'One team' },
      { id: 'several-teams', label: 'Several teams' },
      { id: 'organisation', label: 'The whole organisation' },
      { id: 'external', label: 'Customers or partners' },
    ],
    references: [MAESTRO_BOUNDARY],
    peopleOnly: true,
  },
  {
    id: 'context.migration-frequency',
    dimension: 'context',
    text: 'How often do you rebuild, upgrade in place by reinstalling, or move workloads to another cluster or VM pool?',
    help: 'Every such event regenerates a cluster-bound anchor; frequent events make portability urgent.',
    options: [
      { id: 'rarely', label: 'Rarely or never' },
      { id: 'yearly', label: 'About once a year' },
      { id: 'quarterly', label: 'Every few months' },
      { id: 'continuous', label: 'Continuously (blue/green clusters, autoscaled VM pools)' },
    ],
    references: [NIST_DYNAMIC],
    peopleOnly: true,
  },
  {
    id: 'context.cross-environment-policy',
    dimension: 'context',
    text: 'Must the same authorization policy hold across clusters, regions and VMs?',
    help: 'If yes, identities must be named the same everywhere and chain to a shared or federated root.',
    options: [
      { id: 'not-needed', label: 'No' },
      { id: 'planned', label: 'Planned' },
      { id: 'required', label: 'Yes, required now' },
    ],
    references: [OWASP_ISOLATION],
    peopleOnly: true,
  },
  {
    id: 'issuer.root-location',
    dimension: 'issuer-independence',
    text: 'Where does the root (or upstream) private key of the workload-identity trust anchor live?',
    help: 'A root generated by the mesh or a self-signed cert-manager issuer lives in a Secret, PVC or memory of this cluster; a KMS, HSM, Vault or offline root does not.',
    options: [
      { id: 'external', label: 'Outside the cluster (KMS/HSM, Vault, cloud private CA, offline root)', score: 1 },
      { id: 'shared-secret', label: 'A Secret copied into every cluster from an external source', score: 0.6 },
      { id: 'in-cluster', label: 'Generated in and stored only in this cluster', score: 0 },
      UNKNOWN,
    ],
    references: [MAESTRO_BOUNDARY, OWASP_ISOLATION],
    peopleOnly: false,
  },
  {
    id: 'issuer.survives-rebuild',
    dimension: 'issuer-independence',
    text: 'If this cluster were deleted and rebuilt from its manifests today, would the root and the issuer stay the same?',
    help: 'Renewal is not portability: a root that renews cleanly can still be regenerated with a new key on re-install.',
    options: [
      { id: 'same', label: 'Yes, the same root and issuer', score: 1 },
      { id: 'same-root-new-issuer', label: 'Same root, new intermediate issuer', score: 0.8 },
      { id: 'regenerated', label: 'No, they would be regenerated', score: 0 },
      UNKNOWN,
    ],
    references: [NIST_DYNAMIC],
    peopleOnly: false,
  },
  {
    id: 'recoverability.state',
    dimension: 'recoverability',
    text: 'Are the issuer\'s keys and datastore persistent and backed up outside the cluster?',
    help: 'Keys in memory or on an emptyDir vanish on a pod restart; a sqlite file on a PVC vanishes with the cluster.',
    options: [
      { id: 'external', label: 'External keys and an external, backed-up datastore', score: 1 },
      { id: 'backed-up', label: 'In-cluster, but backed up and restorable', score: 0.6 },
      { id: 'pvc-only', label: 'On a persistent volume of this cluster only', score: 0.3 },
      { id: 'ephemeral', label: 'In memory or on ephemeral storage', score: 0 },
      UNKNOWN,
    ],
    references: [OWASP_ISOLATION],
    peopleOnly: false,
  },
  {
    id: 'recoverability.recreate',
    dimension: 'recoverability',
    text: 'Can the issuer, trust bundle and attestation be recreated in a new cluster without reissuing every dependent credential?',
    help: 'Think of relying parties outside the cluster: other clusters, VMs, cloud IAM federation, Vault mounts, partners.',
    options: [
      { id: 'yes-drilled', label: 'Yes, and we have done it', score: 1 },
      { id: 'yes-documented', label: 'Yes, documented but never done', score: 0.6 },
      { id: 'no', label: 'No', score: 0 },
      UNKNOWN,
    ],
    references: [NIST_DYNAMIC],
    peopleOnly: true,
  },
  {
    id: 'lifetime.workload-credentials',
    dimension: 'credential-lifetime',
    text: 'How long do workload credentials (SVIDs, mesh certificates, tokens) live, and are they rotated automatically?',
    help: 'Hours, rotated automatically, is the goal; legacy service-account token Secrets never expire.',
    options: [
      { id: 'hours', label: 'Hours, rotated automatically', score: 1 },
      { id: 'days', label: 'Days', score: 0.6 },
      { id: 'long-lived', label: 'Months, years or never expiring', score: 0 },
      UNKNOWN,
    ],
    references: [OWASP_LONG_LIVED, NIST_DYNAMIC],
    peopleOnly: false,
  },
  {
    id: 'policy.basis',
    dimension: 'identity-policy',
    text: 'What does authorization between workloads key on?',
    help: 'IP blocks and namespaces change when workloads move; SPIFFE IDs and principals do not.',
    options: [
      { id: 'identity', label: 'Workload identity (principals, SPIFFE IDs, service accounts)', score: 1 },
      { id: 'mixed', label: 'A mix of identity and network placement', score: 0.5 },
      { id: 'network', label: 'Network placement (IP blocks, CIDRs, namespaces only)', score: 0 },
      UNKNOWN,
    ],
    references: [NIST_IDENTITY, OWASP_AUTH],
    peopleOnly: false,
  },
  {
    id: 'policy.mtls',
    dimension: 'identity-policy',
    text: 'Is mutual TLS with workload identities required for every call inside the mesh?',
    help: 'PERMISSIVE or all-unauthenticated defaults accept plaintext callers, so identity is never checked.',
    options: [
      { id: 'required', label: 'Required everywhere (STRICT / all-authenticated or deny)', score: 1 },
      { id: 'partial', label: 'Required for some workloads', score: 0.5 },
      { id: 'not-required', label: 'Not required', score: 0 },
      UNKNOWN,
    ],
    references: [NIST_IDENTITY, OWASP_AUTH],
    peopleOnly: false,
  },
  {
    id: 'cross.trust-domain',
    dimension: 'cross-environment',
    text: 'Is the trust domain an organisation-owned name shared by the clusters that must trust each other?',
    help: 'cluster.local and example.org are defaults; a trust domain that names a cluster changes when the workload moves.',
    options: [
      { id: 'organisation', label: 'An organisation-owned name', score: 1 },
      { id: 'per-cluster', label: 'A per-cluster name', score: 0.3 },
      { id: 'default', label: 'The default (cluster.local, example.org)', score: 0 },
      UNKNOWN,
    ],
    references: [OWASP_REUSE, MAESTRO_BOUNDARY],
    peopleOnly: false,
  },
  {
    id: 'cross.shared-root',
    dimension: 'cross-environment',
    text: 'Do the clusters that talk to each other share a root or federate their trust bundles?',
    help: 'Compare the root fingerprints of your kubeconfig contexts: identical roots or federation mean identity survives a move.',
    options: [
      { id: 'shared', label: 'They share a root', score: 1 },
      { id: 'federated', label: 'They federate bundles', score: 0.9 },
      { id: 'isolated', label: 'Each cluster has its own root', score: 0 },
      { id: 'single-cluster', label: 'Only one cluster is involved', score: 0.7 },
      UNKNOWN,
    ],
    references: [OWASP_ISOLATION],
    peopleOnly: false,
  },
  {
    id: 'cross.cloud-federation',
    dimension: 'cross-environment',
    text: 'How do workloads get cloud credentials?',
    help: 'IRSA and Azure workload identity trust this cluster\'s OIDC issuer URL, so every role or federated credential must be edited after a rebuild; EKS Pod Identity and a stable, organisation-owned issuer do not.',
    options: [
      { id: 'portable', label: 'EKS Pod Identity, a stable organisation-owned issuer, or SPIFFE federation', score: 1 },
      { id: 'project-scoped', label: 'GKE Workload Identity (project-scoped)', score: 0.7 },
      { id: 'per-cluster-issuer', label: 'Per-cluster OIDC issuer (IRSA, Azure workload identity, Vault kubernetes auth)', score: 0 },
      { id: 'none', label: 'Workloads do not use cloud credentials', score: 1 },
      UNKNOWN,
    ],
    references: [OWASP_ISOLATION, OWASP_LONG_LIVED],
    peopleOnly: false,
  },
  {
    id: 'events.drills',
    dimension: 'event-validation',
    text: 'Are root rotation, failover and restore drilled, and did callers get the same authorization outcome afterwards?',
    help: 'A drill that only checks that pods restart misses the point: the same caller must be allowed and denied exactly as before.',
    options: [
      { id: 'drilled-same-outcome', label: 'Drilled, and the authorization outcome was verified unchanged', score: 1 },
      { id: 'drilled', label: 'Drilled, outcome not verified', score: 0.5 },
      { id: 'not-drilled', label: 'Not drilled', score: 0 },
      UNKNOWN,
    ],
    references: [NIST_DYNAMIC],
    peopleOnly: true,
  },
  {
    id: 'events.move-tested',
    dimension: 'event-validation',
    text: 'Has a workload been moved to another cluster, region or VM pool and kept its trust relationships?',
    help: 'Certificate renewal inside one cluster does not test this. Only a move shows whether identity is portable.',
    options: [
      { id: 'moved', label: 'Yes, a move kept every trust relationship', score: 1 },
      { id: 'renewal-only', label: 'Only certificate renewal has been tested', score: 0.2 },
      { id: 'never', label: 'Never tested', score: 0 },
      UNKNOWN,
    ],
    references: [NIST_DYNAMIC, MAESTRO_BOUNDARY],
    peopleOnly: true,
  },
];

export const QUESTIONS_BY_ID: ReadonlyMap<string, Question> = new Map(QUESTIONS.map((question) => [question.id, question]));

export function optionOf(questionId: string, optionId: string): AnswerOption | undefined {
  return QUESTIONS_BY_ID.get(questionId)?.options.find((option) => option.id === optionId);
}
