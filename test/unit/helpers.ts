import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Analyzer, type AnalysisOptions } from '../../src/engine/analyze';
import { applyEdits } from '../../src/engine/fixes/edits';
import type { FileAnalysis, Finding } from '../../src/engine/model';

/** The shared corpus of real public manifests, when this checkout has it beside it. */
export const CORPUS_DIR = resolve(__dirname, '../../../../shared/corpus');
export const corpusAvailable = existsSync(CORPUS_DIR);
export const CORPUS_SKIP = corpusAvailable ? false : `../shared/corpus not found at ${CORPUS_DIR}; corpus cases skipped`;

export function corpusFile(relativePath: string): string {
  return readFileSync(join(CORPUS_DIR, relativePath), 'utf8');
}

export function corpusFiles(): string[] {
  const files: string[] = [];
  for (const folder of readdirSync(CORPUS_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of readdirSync(join(CORPUS_DIR, folder.name))) files.push(join(folder.name, name));
  }
  return files.sort();
}

/** Analyses one or more in-memory files together and returns the analysis of the first. */
export function analyze(text: string, path = 'test.yaml', others: Record<string, string> = {}, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  const analyzer = new Analyzer(options);
  analyzer.update(path, text);
  for (const [otherPath, otherText] of Object.entries(others)) analyzer.update(otherPath, otherText);
  return analyzer.analyze(path);
}

export function findingsOf(analysis: FileAnalysis, ruleId: string): Finding[] {
  return analysis.findings.filter((finding) => finding.ruleId === ruleId);
}

/** The exact text a finding underlines. */
export function underlined(text: string, finding: Finding): string {
  return text.slice(finding.range.start, finding.range.end);
}

/**
 * Applies the fix titled `title` (or the preferred one) of the only finding of `ruleId`, re-analyses
 * the result, and checks that the finding is gone and that only the edited lines changed.
 */
export function applyFixAndReanalyse(text: string, ruleId: string, path = 'test.yaml', title?: string): { fixed: string; after: FileAnalysis } {
  const before = findingsOf(analyze(text, path), ruleId);
  assert.equal(before.length, 1, `expected one ${ruleId} finding before the fix, got ${before.length}`);
  const fixes = before[0].fixes;
  const fix = title ? fixes.find((candidate) => candidate.title === title) : fixes.find((candidate) => candidate.isPreferred) ?? fixes[0];
  assert.ok(fix, `no fix ${title ?? '(preferred)'} on ${ruleId}; offered: ${fixes.map((candidate) => candidate.title).join(', ')}`);
  const fixed = applyEdits(text, fix.edits);
  const after = analyze(fixed, path);
  assert.equal(findingsOf(after, ruleId).length, 0, `${ruleId} still reported after "${fix.title}":\n${fixed}`);
  assertOnlyEditedLinesChanged(text, fixed, fix.edits.map((edit) => edit.range));
  return { fixed, after };
}

/** Checks that text outside the lines touched by the edits is byte-identical. */
export function assertOnlyEditedLinesChanged(before: string, after: string, ranges: { start: number; end: number }[]): void {
  const firstEdit = Math.min(...ranges.map((range) => range.start));
  const lastEdit = Math.max(...ranges.map((range) => range.end));
  const headEnd = before.lastIndexOf('\n', firstEdit - 1) + 1;
  assert.equal(after.slice(0, headEnd), before.slice(0, headEnd), 'text before the edited lines changed');
  const tailStartBefore = before.indexOf('\n', lastEdit);
  if (tailStartBefore >= 0) {
    const tail = before.slice(tailStartBefore);
    assert.ok(after.endsWith(tail), 'text after the edited lines changed');
  }
}

/** The example workspace of the repository. */
export const EXAMPLES_DIR = resolve(__dirname, '../../../examples');

/** Analyses every YAML file below `folder` together, as the editor's workspace scan would. */
export function analyzeFolder(folder: string): FileAnalysis[] {
  const analyzer = new Analyzer();
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const full = join(directory, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name)) analyzer.update(full, readFileSync(full, 'utf8'));
    }
  };
  walk(folder);
  return analyzer.analyzeAll();
}
