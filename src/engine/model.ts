/**
 * Domain model shared by the engine, the CLI, the cluster collectors and the assessment.
 * Offsets are UTF-16 code-unit offsets into the text of one file (the unit JavaScript strings and
 * the `yaml` parser use); ranges are half-open: [start, end).
 */

export const SYSTEMS = ['spire', 'cert-manager', 'istio', 'linkerd', 'service-accounts', 'network-policy'] as const;
export type SystemId = (typeof SYSTEMS)[number];

/**
 * The system a rule belongs to: one of SYSTEMS, or `cluster` for checks that only live cluster
 * evidence allows (certificate expiry, rotation path), whose findings carry the anchor's own system.
 */
export type RuleSystemId = SystemId | 'cluster';

export const SYSTEM_TITLES: Record<RuleSystemId, string> = {
  spire: 'SPIRE',
  'cert-manager': 'cert-manager and trust-manager',
  istio: 'Istio',
  linkerd: 'Linkerd',
  'service-accounts': 'Service-account issuer and cloud workload identity',
  'network-policy': 'Network policy',
  cluster: 'Live cluster evidence',
};

export const DIMENSIONS = [
  'issuer-independence',
  'recoverability',
  'credential-lifetime',
  'identity-policy',
  'cross-environment',
  'event-validation',
] as const;
export type DimensionId = (typeof DIMENSIONS)[number];

export const DIMENSION_TITLES: Record<DimensionId, string> = {
  'issuer-independence': 'Issuer independence',
  recoverability: 'Recoverability',
  'credential-lifetime': 'Credential lifetime',
  'identity-policy': 'Identity-based policy',
  'cross-environment': 'Cross-environment consistency',
  'event-validation': 'Event validation',
};

/** Diagnostic severity, from most to least severe. `error` covers the catalogue's Critical and High risks. */
export const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export interface SourceRange {
  start: number;
  end: number;
}

export interface TextEdit {
  range: SourceRange;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix a user most likely wants; the editor marks it preferred. */
  isPreferred?: boolean;
  /** Safe to apply without review, so `source.fixAll.trustAnchor` may apply it. */
  safe: boolean;
}

export interface RelatedLocation {
  /** File path as given to the engine, or a cluster source such as `context/namespace/kind/name`. */
  file: string;
  range: SourceRange;
  message: string;
}

export interface Finding {
  ruleId: string;
  system: SystemId;
  dimension: DimensionId;
  severity: Severity;
  message: string;
  file: string;
  range: SourceRange;
  related: RelatedLocation[];
  fixes: Fix[];
  /** Set for findings on live cluster objects: `context/namespace/kind/name`. */
  clusterSource?: string;
}

/** Problems with a file itself (unreadable, unparsable, too large, suppression without reason). */
export type NoticeCode =
  | 'parse-error'
  | 'template-not-parsed'
  | 'file-too-large'
  | 'binary-file'
  | 'invalid-encoding'
  | 'read-error'
  | 'analysis-limit'
  | 'embedded-config-error'
  | 'suppression-without-reason'
  | 'suppression-unknown-rule';

export interface Notice {
  code: NoticeCode;
  severity: Severity;
  file: string;
  message: string;
  range?: SourceRange;
}

export interface FileAnalysis {
  file: string;
  findings: Finding[];
  notices: Notice[];
  /** Findings removed by inline suppression comments, kept for reports. */
  suppressed: Finding[];
}
