import type { NoticeCode, Severity } from '../engine/model';
import { TOOL_NAME } from './package-info';
import { oneBasedRange, type OneBasedRange, type ReportContext } from './report';
import { countBySeverity } from './scan';

/**
 * The JSON report. The shape is documented in docs/cli.md; `formatVersion` changes only when a
 * field is removed or changes meaning (new fields may appear without a change).
 */
export interface JsonReport {
  formatVersion: 1;
  tool: { name: string; version: string };
  summary: {
    filesScanned: number;
    findings: Record<Severity, number>;
    notices: number;
    suppressed: number;
  };
  files: string[];
  findings: JsonFinding[];
  notices: JsonNotice[];
}

export interface JsonFinding {
  ruleId: string;
  system: string;
  dimension: string;
  severity: Severity;
  message: string;
  file: string;
  range: OneBasedRange;
  related: { file: string; message: string; range?: OneBasedRange }[];
  /** Titles of the quick fixes the editor offers for this finding. */
  fixes: string[];
}

export interface JsonNotice {
  code: NoticeCode;
  severity: Severity;
  file: string;
  message: string;
  range?: OneBasedRange;
}

export function buildJsonReport(context: ReportContext): JsonReport {
  const { result } = context;

  const findings: JsonFinding[] = result.findings.map((finding) => ({
    ruleId: finding.ruleId,
    system: finding.system,
    dimension: finding.dimension,
    severity: finding.severity,
    message: finding.message,
    file: finding.file,
    range: oneBasedRange(result.linesOf(finding.file), finding.range) ?? { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    related: finding.related.map((related) => {
      const range = oneBasedRange(result.linesOf(related.file), related.range);
      return range ? { file: related.file, message: related.message, range } : { file: related.file, message: related.message };
    }),
    fixes: finding.fixes.map((fix) => fix.title),
  }));

  const notices: JsonNotice[] = result.notices.map((notice) => {
    const entry: JsonNotice = { code: notice.code, severity: notice.severity, file: notice.file, message: notice.message };
    const range = oneBasedRange(result.linesOf(notice.file), notice.range);
    if (range) entry.range = range;
    return entry;
  });

  return {
    formatVersion: 1,
    tool: { name: TOOL_NAME, version: context.package.version },
    summary: {
      filesScanned: result.files.length,
      findings: countBySeverity(result.findings),
      notices: notices.length,
      suppressed: result.suppressedCount,
    },
    files: result.files,
    findings,
    notices,
  };
}

export function writeJsonReport(context: ReportContext): string {
  return `${JSON.stringify(buildJsonReport(context), null, 2)}\n`;
}
