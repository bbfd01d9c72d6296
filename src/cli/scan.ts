import { readFile, stat } from 'node:fs/promises';
import { Analyzer, type SeveritySetting } from '../engine/analyze';
import { decodeFileBytes, type LineIndex } from '../engine/manifest/text';
import { DEFAULT_PARSE_OPTIONS, formatBytes } from '../engine/manifest/parse';
import type { FileAnalysis, Finding, Notice, Severity } from '../engine/model';
import type { WorkspaceIndex } from '../engine/workspace';
import type { FailLevel } from './args';
import type { CollectedFiles, FoundFile } from './files';

export interface ScanSettings {
  maxFileBytes: number;
  ruleOverrides: Readonly<Record<string, SeveritySetting>>;
  /** Folders that each hold one estate; references resolve only inside their own estate. */
  estateRoots?: readonly string[];
}

export interface ScanResult {
  /** Display paths of every file scanned (including those skipped with a notice), sorted. */
  files: string[];
  /** One analysis per file, in the order of `files`. */
  analyses: FileAnalysis[];
  findings: Finding[];
  notices: Notice[];
  suppressedCount: number;
  /** The parsed files, for consumers that follow references across them (the assessment). */
  workspace: WorkspaceIndex;
  /** Line index of a scanned file, to turn offsets into lines and columns. */
  linesOf(file: string): LineIndex | undefined;
}

/** Reads, decodes and analyses the files together, so rules can follow references across them. */
export async function scanFiles(collected: CollectedFiles, settings: ScanSettings): Promise<ScanResult> {
  const analyzer = new Analyzer({
    parse: { ...DEFAULT_PARSE_OPTIONS, maxFileBytes: settings.maxFileBytes },
    severityOverrides: settings.ruleOverrides,
  });
  if (settings.estateRoots) analyzer.workspace.setEstateRoots(settings.estateRoots);

  for (const file of collected.files) await loadFile(analyzer, file, settings.maxFileBytes);
  for (const problem of collected.problems) {
    analyzer.updateUnreadable(problem.displayPath, { code: 'read-error', severity: 'warning', file: problem.displayPath, message: problem.message });
  }

  const analyses = analyzer.analyzeAll().sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    files: analyses.map((analysis) => analysis.file),
    analyses,
    findings: analyses.flatMap((analysis) => analysis.findings),
    notices: analyses.flatMap((analysis) => analysis.notices),
    suppressedCount: analyses.reduce((count, analysis) => count + analysis.suppressed.length, 0),
    workspace: analyzer.workspace,
    linesOf: (file) => analyzer.workspace.get(file)?.lines,
  };
}

async function loadFile(analyzer: Analyzer, file: FoundFile, maxFileBytes: number): Promise<void> {
  const path = file.displayPath;
  try {
    // Checked before reading so an oversized file is never loaded into memory.
    const { size } = await stat(file.absolutePath);
    if (size > maxFileBytes) {
      analyzer.updateUnreadable(path, {
        code: 'file-too-large',
        severity: 'info',
        file: path,
        message: `Skipped ${path}: ${formatBytes(size)} is over the ${formatBytes(maxFileBytes)} limit. Raise it with --max-file-size MB to scan this file.`,
      });
      return;
    }

    const decoded = decodeFileBytes(await readFile(file.absolutePath));
    if (!decoded.ok) {
      analyzer.updateUnreadable(path, {
        code: decoded.reason === 'binary' ? 'binary-file' : 'invalid-encoding',
        severity: 'warning',
        file: path,
        message: `Skipped ${path}: ${decoded.message}.`,
      });
      return;
    }
    analyzer.update(path, decoded.text);
  } catch (error) {
    analyzer.updateUnreadable(path, {
      code: 'read-error',
      severity: 'warning',
      file: path,
      message: `Could not read ${path}: ${(error as Error).message}. Check that it is a readable file.`,
    });
  }
}

/** SARIF level of an engine severity: `info` and `hint` are notes. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'error') return 'error';
  if (severity === 'warning') return 'warning';
  return 'note';
}

const FAIL_RANK: Record<Exclude<FailLevel, 'none'>, number> = { error: 0, warning: 1, note: 2 };

/** True when a finding of `severity` makes the run fail under `--fail-on level`. */
export function failsAt(severity: Severity, level: FailLevel): boolean {
  if (level === 'none') return false;
  return FAIL_RANK[sarifLevel(severity)] <= FAIL_RANK[level];
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
