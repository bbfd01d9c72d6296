import type { DimensionId, Fix, RelatedLocation, RuleSystemId, Severity, SourceRange, SystemId } from '../model';
import type { EmbeddedConfig, EmbeddedRole } from '../manifest/embedded';
import type { ManifestDocument, ManifestFile } from '../manifest/parse';
import type { ChartId } from '../manifest/recognize';
import type { LocatePart, Path, SourceTree } from '../manifest/tree';
import type { WorkspaceIndex } from '../workspace';

/** What a rule reads: Kubernetes kinds, Helm values of known charts, or embedded configs. */
export interface RuleTarget {
  /** Kubernetes `kind` values, such as `Issuer` or `ConfigMap`. */
  kinds?: readonly string[];
  /** Values files recognised as one of these charts. */
  charts?: readonly ChartId[];
  /** Configs embedded in ConfigMaps, such as SPIRE's `server.conf`. */
  embedded?: readonly EmbeddedRole[];
}

export interface RuleMeta {
  /** Stable kebab-case id `system/what-is-wrong`; never reused for another check. */
  id: string;
  system: RuleSystemId;
  dimension: DimensionId;
  severity: Severity;
  /** One line that names the problem; SARIF's shortDescription and the hover's heading. */
  title: string;
  /** One or two sentences on why this binds the trust anchor to one cluster; shown in the hover. */
  rationale: string;
  /** True when the rule offers at least one text-edit fix. */
  fixable: boolean;
}

export interface Rule extends RuleMeta {
  /** Manifest rules belong to one of the six systems; only live-evidence checks use `cluster`. */
  system: SystemId;
  appliesTo: RuleTarget;
  check(context: RuleContext): void;
}

export interface ReportInput {
  /** Path in `tree` of the node to underline. A missing path falls back to its nearest ancestor. */
  path?: Path;
  part?: LocatePart;
  /** Tree that `path` refers to; defaults to the context's tree. */
  tree?: SourceTree;
  /** Absolute range in the file; wins over `path`. */
  range?: SourceRange;
  message: string;
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this finding (for example an imminent expiry). */
  severity?: Severity;
}

export interface RuleContext {
  rule: RuleMeta;
  file: ManifestFile;
  document: ManifestDocument;
  /** The tree the rule matched: the document, or the embedded config for `embedded` targets. */
  tree: SourceTree;
  /** `tree.value`, for convenience. */
  value: unknown;
  /** Set when the rule matched an embedded config. */
  embedded?: EmbeddedConfig;
  /** Set when the rule matched a values file of this chart. */
  chart?: ChartId;
  /** Every parsed file of the workspace (or CLI run), for rules that follow references across files. */
  workspace: WorkspaceIndex;
  report(input: ReportInput): void;
}
