import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssessmentEvidence, Provenance } from '../../../src/assessment/evidence';
import { collectFiles } from '../../../src/cli/files';
import { scanFiles } from '../../../src/cli/scan';
import { Analyzer } from '../../../src/engine/analyze';

/** Root of this package (out/test/unit/assessment → four levels up). */
export const PACKAGE_ROOT = resolve(__dirname, '../../../..');

/** Scans an example estate with the real CLI scanner, so paths are relative to the package root. */
export async function loadEstate(folder: string): Promise<AssessmentEvidence> {
  const collected = await collectFiles([folder], PACKAGE_ROOT, []);
  const scan = await scanFiles(collected, { maxFileBytes: 5 * 1024 * 1024, ruleOverrides: {} });
  return { workspace: scan.workspace, findings: scan.findings };
}

/** Analyses in-memory files together with the real engine. */
export function evidenceOf(files: Record<string, string>): AssessmentEvidence {
  const analyzer = new Analyzer();
  for (const [path, text] of Object.entries(files)) analyzer.update(path, text);
  const findings = analyzer.analyzeAll().flatMap((analysis) => analysis.findings);
  return { workspace: analyzer.workspace, findings };
}

/** The text of the line a file provenance cites, read from disk (`root`) or from `files`. */
export function citedLine(provenance: Provenance, files?: Record<string, string>, root = PACKAGE_ROOT): string {
  if (provenance.kind !== 'file') throw new Error(`expected a file provenance, got cluster ${provenance.source}`);
  const text = files ? files[provenance.file] : readFileSync(resolve(root, provenance.file), 'utf8');
  if (text === undefined) throw new Error(`provenance names ${provenance.file}, which is not among the analysed files`);
  const line = text.split('\n')[provenance.line - 1];
  if (line === undefined) throw new Error(`${provenance.label} is past the end of the file`);
  return line;
}
