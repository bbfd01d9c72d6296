import type { FileAnalysis, Finding, Notice, Severity, SourceRange } from './model';
import type { EmbeddedRole } from './manifest/embedded';
import { DEFAULT_PARSE_OPTIONS, parseManifestFile, type ManifestDocument, type ManifestFile, type ParseOptions } from './manifest/parse';
import type { ChartId } from './manifest/recognize';
import type { Path, SourceTree } from './manifest/tree';
import { ALL_RULES } from './rules';
import type { ReportInput, Rule, RuleContext } from './rules/types';
import { applySuppressions, findSuppressions } from './suppression';
import { WorkspaceIndex } from './workspace';

export type SeveritySetting = Severity | 'off';

export interface AnalysisOptions {
  parse: ParseOptions;
  /** Per-rule severity overrides from settings; `off` disables the rule. */
  severityOverrides: Readonly<Record<string, SeveritySetting>>;
  rules: readonly Rule[];
}

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = {
  parse: DEFAULT_PARSE_OPTIONS,
  severityOverrides: {},
  rules: ALL_RULES,
};

/** Rules indexed by what they read, so a document only meets the rules that can match it. */
class RuleIndex {
  readonly byKind = new Map<string, Rule[]>();
  readonly byChart = new Map<ChartId, Rule[]>();
  readonly byEmbedded = new Map<EmbeddedRole, Rule[]>();
  readonly ids: ReadonlySet<string>;

  constructor(rules: readonly Rule[]) {
    for (const rule of rules) {
      for (const kind of rule.appliesTo.kinds ?? []) push(this.byKind, kind, rule);
      for (const chart of rule.appliesTo.charts ?? []) push(this.byChart, chart, rule);
      for (const role of rule.appliesTo.embedded ?? []) push(this.byEmbedded, role, rule);
    }
    this.ids = new Set(rules.map((rule) => rule.id));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Runs the rules over parsed files. Holds the workspace index so rules can follow references
 * across files; the editor keeps one Analyzer per workspace and the CLI one per run.
 */
export class Analyzer {
  readonly workspace = new WorkspaceIndex();
  private options: AnalysisOptions;
  private index: RuleIndex;

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.options = { ...DEFAULT_ANALYSIS_OPTIONS, ...options };
    this.index = new RuleIndex(this.options.rules);
  }

  get rules(): readonly Rule[] {
    return this.options.rules;
  }

  configure(options: Partial<AnalysisOptions>): void {
    this.options = { ...this.options, ...options };
    this.index = new RuleIndex(this.options.rules);
  }

  /** Parses `text` as the new content of `path` and stores it in the workspace index. */
  update(path: string, text: string): ManifestFile {
    const file = parseManifestFile(path, text, this.options.parse);
    this.workspace.set(file);
    return file;
  }

  /** Records a file that could not be read or decoded, so it is reported like a parse problem. */
  updateUnreadable(path: string, notice: Notice): ManifestFile {
    const file = parseManifestFile(path, '', this.options.parse);
    file.notices.push(notice);
    this.workspace.set(file);
    return file;
  }

  remove(path: string): void {
    this.workspace.delete(path);
  }

  /** Analyses one stored file against the current workspace. */
  analyze(path: string): FileAnalysis {
    const file = this.workspace.get(path);
    if (!file) return { file: path, findings: [], notices: [], suppressed: [] };
    return this.analyzeParsed(file);
  }

  analyzeAll(): FileAnalysis[] {
    return this.workspace.allFiles().map((file) => this.analyzeParsed(file));
  }

  private analyzeParsed(file: ManifestFile): FileAnalysis {
    const findings: Finding[] = [];
    const workspace = this.workspace.viewFrom(file.path);
    for (const document of file.documents) this.checkDocument(file, document, findings, workspace);

    const adjusted: Finding[] = [];
    for (const finding of findings) {
      const setting = this.options.severityOverrides[finding.ruleId];
      if (setting === 'off') continue;
      if (setting) finding.severity = setting;
      adjusted.push(finding);
    }

    const suppressions = findSuppressions(file.text, file.lines);
    const { kept, suppressed, notices } = applySuppressions(file.path, adjusted, suppressions, file.lines, this.index.ids);
    kept.sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
    return { file: file.path, findings: kept, suppressed, notices: [...file.notices, ...notices] };
  }

  private checkDocument(file: ManifestFile, document: ManifestDocument, findings: Finding[], workspace: WorkspaceIndex): void {
    if (document.kind) {
      for (const rule of this.index.byKind.get(document.kind) ?? []) {
        this.runRule(rule, file, document, document.tree, findings, { workspace });
      }
    }
    for (const chart of document.charts) {
      for (const rule of this.index.byChart.get(chart) ?? []) {
        this.runRule(rule, file, document, document.tree, findings, { workspace, chart });
      }
    }
    for (const embedded of document.embedded) {
      if (!embedded.tree) continue;
      for (const rule of this.index.byEmbedded.get(embedded.role) ?? []) {
        this.runRule(rule, file, document, embedded.tree, findings, { workspace, embedded });
      }
    }
  }

  private runRule(
    rule: Rule,
    file: ManifestFile,
    document: ManifestDocument,
    tree: SourceTree,
    findings: Finding[],
    extra: Pick<RuleContext, 'chart' | 'embedded' | 'workspace'>,
  ): void {
    if (this.options.severityOverrides[rule.id] === 'off') return;
    const seen = new Set<string>();
    const context: RuleContext = {
      rule,
      file,
      document,
      tree,
      value: tree.value,
      ...extra,
      report: (input: ReportInput) => {
        const range = resolveRange(input, tree, document);
        const key = `${range.start}:${range.end}:${input.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push({
          ruleId: rule.id,
          system: rule.system,
          dimension: rule.dimension,
          severity: input.severity ?? rule.severity,
          message: input.message,
          file: file.path,
          range,
          related: input.related ?? [],
          fixes: input.fixes ?? [],
        });
      },
    };
    try {
      rule.check(context);
    } catch (error) {
      file.notices.push({
        code: 'analysis-limit',
        severity: 'warning',
        file: file.path,
        range: { start: document.range.start, end: document.range.start + 1 },
        message: `Rule ${rule.id} failed on document ${document.index + 1} of ${file.path}: ${(error as Error).message}. Other rules still ran; please report this.`,
      });
    }
  }
}

/** Resolves where to underline: the explicit range, the path, its nearest ancestor, or the kind. */
function resolveRange(input: ReportInput, contextTree: SourceTree, document: ManifestDocument): SourceRange {
  if (input.range) return input.range;
  const tree = input.tree ?? contextTree;
  if (input.path) {
    const exact = tree.locate(input.path, input.part ?? 'auto');
    if (exact) return exact;
    for (let length = input.path.length - 1; length > 0; length--) {
      const ancestor = tree.locate(input.path.slice(0, length) as Path, 'key');
      if (ancestor) return ancestor;
    }
  }
  if (tree !== document.tree) return tree.range;
  return document.tree.locate(['kind'], 'value') ?? firstLineOf(document);
}

function firstLineOf(document: ManifestDocument): SourceRange {
  const { lines } = document.file;
  const line = lines.positionAt(document.range.start).line;
  return { start: lines.lineStart(line), end: lines.lineEnd(line) };
}

/** Parses and analyses standalone texts, for tests and one-off checks. */
export function analyzeTexts(files: Record<string, string>, options: Partial<AnalysisOptions> = {}): Map<string, FileAnalysis> {
  const analyzer = new Analyzer(options);
  for (const [path, text] of Object.entries(files)) analyzer.update(path, text);
  return new Map(analyzer.analyzeAll().map((analysis) => [analysis.file, analysis]));
}
