import type { FileAnalysis, Finding, Notice, RelatedLocation, Severity, SourceRange } from '../engine/model';

/**
 * Engine → editor conversion without the `vscode` module: plain diagnostic records with line and
 * character positions. `diagnostics.ts` turns them into `vscode.Diagnostic` objects.
 */

export const DIAGNOSTIC_SOURCE = 'Trust Anchor';

/** Prefix of the diagnostic code of engine notices: `trust-anchor/parse-error`. */
export const NOTICE_CODE_PREFIX = 'trust-anchor/';

export interface Position {
  line: number;
  character: number;
}

export interface LineRange {
  start: Position;
  end: Position;
}

/** `vscode.DiagnosticSeverity` values, so this module needs no `vscode` import. */
export const VSCODE_SEVERITY: Record<Severity, 0 | 1 | 2 | 3> = { error: 0, warning: 1, info: 2, hint: 3 };

export interface DiagnosticRecord {
  range: LineRange;
  severity: Severity;
  message: string;
  /** The rule id for findings, `trust-anchor/<notice code>` for notices. */
  code: string;
  /** Set for findings: the rule whose page the code links to. */
  ruleId?: string;
  related: RelatedLocation[];
}

export function noticeCode(notice: Notice): string {
  return `${NOTICE_CODE_PREFIX}${notice.code}`;
}

export function toLineRange(range: SourceRange, positionAt: (offset: number) => Position): LineRange {
  return { start: positionAt(range.start), end: positionAt(Math.max(range.start, range.end)) };
}

/** Converts one file's findings and notices; `positionAt` maps offsets of that file's text. */
export function diagnosticRecords(analysis: FileAnalysis, positionAt: (offset: number) => Position): DiagnosticRecord[] {
  const records: DiagnosticRecord[] = [];
  for (const finding of analysis.findings) records.push(findingRecord(finding, positionAt));
  for (const notice of analysis.notices) {
    records.push({
      range: toLineRange(notice.range ?? { start: 0, end: 0 }, positionAt),
      severity: notice.severity,
      message: notice.message,
      code: noticeCode(notice),
      related: [],
    });
  }
  return records;
}

function findingRecord(finding: Finding, positionAt: (offset: number) => Position): DiagnosticRecord {
  return {
    range: toLineRange(finding.range, positionAt),
    severity: finding.severity,
    message: finding.message,
    code: finding.ruleId,
    ruleId: finding.ruleId,
    related: finding.related,
  };
}

/**
 * Builds a string that changes whenever the published diagnostics of a file would change. A
 * re-analysis that finds the same problems therefore does not republish them.
 */
export function analysisFingerprint(analysis: FileAnalysis): string {
  const parts: string[] = [];
  for (const finding of analysis.findings) {
    parts.push(`${finding.ruleId}|${finding.severity}|${finding.range.start}-${finding.range.end}|${finding.message}|${finding.related.map((location) => `${location.file}@${location.range.start}-${location.range.end}:${location.message}`).join(';')}`);
  }
  for (const notice of analysis.notices) parts.push(`${notice.code}|${notice.severity}|${notice.range?.start}-${notice.range?.end}|${notice.message}`);
  return parts.join('\n');
}

/** Findings whose range contains `offset` (a zero-width range matches its own offset). */
export function findingsAtOffset(findings: readonly Finding[], offset: number): Finding[] {
  return findings.filter((finding) => (finding.range.start <= offset && offset < finding.range.end) || (finding.range.start === offset && finding.range.end === offset));
}

/** Returns the finding a diagnostic was made from (same rule, same offsets). */
export function findingForDiagnostic(findings: readonly Finding[], ruleId: string, range: SourceRange): Finding | undefined {
  return findings.find((finding) => finding.ruleId === ruleId && finding.range.start === range.start && finding.range.end === range.end);
}
