/**
 * Picks what the UI scenarios open and click from the rule engine's own analysis of the workspace.
 * The scenarios so follow the examples as rules and examples change, and the expected result of a
 * quick fix comes from the same engine the extension bundles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Analyzer } from '../../../src/engine/analyze';
import { applyEdits } from '../../../src/engine/fixes/edits';
import { LineIndex } from '../../../src/engine/manifest/text';
import { severityRank, type Finding, type Fix } from '../../../src/engine/model';

export interface FindingTarget {
  /** Path relative to the workspace folder, with forward slashes. */
  relativePath: string;
  text: string;
  finding: Finding;
  /** One-based position of the finding's first underlined character. */
  line: number;
  column: number;
  /** Every finding of the same file, for checking the Problems panel. */
  fileFindings: Finding[];
}

export interface FixTarget extends FindingTarget {
  fix: Fix;
  /** The file's text after the fix, as the engine computes it. */
  expectedText: string;
}

function manifestFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...manifestFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) files.push(full);
  }
  return files.sort();
}

/** Analyses every YAML file of the workspace together, as the extension does for a workspace. */
export function analyseWorkspace(workspace: string): FindingTarget[] {
  const analyzer = new Analyzer();
  const texts = new Map<string, string>();
  for (const file of manifestFiles(workspace)) {
    const text = readFileSync(file, 'utf8');
    texts.set(file, text);
    analyzer.update(file, text);
  }

  const targets: FindingTarget[] = [];
  for (const [file, text] of texts) {
    const findings = analyzer.analyze(file).findings.slice().sort((left, right) => left.range.start - right.range.start);
    const lines = new LineIndex(text);
    for (const finding of findings) {
      const start = lines.positionAt(finding.range.start);
      targets.push({
        relativePath: relative(workspace, file).split(sep).join('/'),
        text,
        finding,
        line: start.line + 1,
        column: start.character + 1,
        fileFindings: findings,
      });
    }
  }
  return targets;
}

/** Returns the first error finding in the preferred folder (for example `cluster-bound/`), else the first anywhere. */
export function pickErrorFinding(targets: FindingTarget[], preferredFolder: string): FindingTarget | undefined {
  const errors = targets.filter((target) => target.finding.severity === 'error');
  return errors.find((target) => target.relativePath.startsWith(preferredFolder)) ?? errors[0];
}

/**
 * Returns the highest-severity finding (first in file order on a tie) whose preferred fix has edits
 * and whose underline overlaps no other finding, so the quick fix menu at its position focuses that fix.
 */
export function pickPreferredFix(targets: FindingTarget[], preferredFolder: string): FixTarget | undefined {
  const candidates: FixTarget[] = [];
  for (const target of targets) {
    const fix = target.finding.fixes.find((candidate) => candidate.isPreferred && candidate.edits.length > 0);
    if (!fix) continue;
    const overlapping = target.fileFindings.some(
      (other) => other !== target.finding && other.range.start < target.finding.range.end && target.finding.range.start < other.range.end,
    );
    if (overlapping) continue;
    candidates.push({ ...target, fix, expectedText: applyEdits(target.text, fix.edits) });
  }
  candidates.sort((left, right) => severityRank(left.finding.severity) - severityRank(right.finding.severity));
  return candidates.find((target) => target.relativePath.startsWith(preferredFolder)) ?? candidates[0];
}
