import type { SeveritySetting } from '../engine/analyze';
import type { LineIndex } from '../engine/manifest/text';
import type { SourceRange } from '../engine/model';
import type { RuleMeta } from '../engine/rules/types';
import type { PackageInfo } from './package-info';
import type { ScanResult } from './scan';

/** Everything a report writer needs besides the scan result. */
export interface ReportContext {
  result: ScanResult;
  package: PackageInfo;
  rules: readonly RuleMeta[];
  ruleOverrides: Readonly<Record<string, SeveritySetting>>;
  docsBase?: string;
  /** Absolute path of the current folder: SARIF's base for relative artifact URIs. */
  cwd: string;
}

/** One-based line and column of both ends of a range, in UTF-16 code units like the editor's. */
export interface OneBasedRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export function oneBasedRange(lines: LineIndex | undefined, range: SourceRange | undefined): OneBasedRange | undefined {
  if (!lines || !range) return undefined;
  return lines.toOneBased(range);
}

/** Start of the file, for notices about a whole file. */
export const WHOLE_FILE_START: OneBasedRange = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
