import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { collectFiles } from '../../src/cli/files';
import { scanFiles, type ScanResult } from '../../src/cli/scan';
import { isTemplatePath } from '../../src/engine/manifest/parse';
import { BAD_FILE_EXPECTATIONS, EXPECTED_NOTICES } from './corpus-expectations';
import { CORPUS_DIR, CORPUS_SKIP, corpusFiles } from './helpers';
import { runCli, sarifValidator } from './cli/cli-harness';

/** Corpus-relative paths of files whose SOURCES.md note starts with BAD or VERY BAD. */
function filesNotedBad(): string[] {
  const sources = readFileSync(join(CORPUS_DIR, 'SOURCES.md'), 'utf8');
  const bad: string[] = [];
  for (const line of sources.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | `file` | repo | path | commit | license | note |
    if (cells.length < 8 || !cells[1].startsWith('`')) continue;
    if (/^(VERY )?BAD\b/.test(cells[6])) bad.push(cells[1].replace(/`/g, ''));
  }
  return bad;
}

/** Files whose corpus note marks them as Helm or Go templates. */
function filesNotedTemplate(): Set<string> {
  const sources = readFileSync(join(CORPUS_DIR, 'SOURCES.md'), 'utf8');
  const templates = new Set<string>();
  for (const line of sources.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length >= 8 && /TEMPLATE/.test(cells[6])) templates.add(cells[1].replace(/`/g, ''));
  }
  return templates;
}

describe('corpus', { skip: CORPUS_SKIP }, () => {
  let result: ScanResult;
  // Scanned with the corpus as the current folder, so report paths are corpus-relative.
  const corpusRelative = (file: string): string => file;

  before(async () => {
    const collected = await collectFiles([CORPUS_DIR], CORPUS_DIR, []);
    result = await scanFiles(collected, { maxFileBytes: 5 * 1024 * 1024, ruleOverrides: {} });
  });

  it('scans every corpus file', () => {
    assert.deepEqual(result.files.map(corpusRelative), corpusFiles().map((file) => file.split('\\').join('/')));
  });

  it('parses every file or gives only expected notices', () => {
    const templates = filesNotedTemplate();
    const unexpected: string[] = [];
    for (const analysis of result.analyses) {
      const file = corpusRelative(analysis.file);
      const allowed = new Set<string>(EXPECTED_NOTICES[file] ?? []);
      if (templates.has(file) || isTemplatePath(file)) allowed.add('template-not-parsed');
      for (const notice of analysis.notices) {
        if (!allowed.has(notice.code)) unexpected.push(`${file}: ${notice.code}: ${notice.message}`);
      }
    }
    assert.deepEqual(unexpected, []);
  });

  it('expects every parse problem listed in the table', () => {
    for (const [file, codes] of Object.entries(EXPECTED_NOTICES)) {
      const analysis = result.analyses.find((candidate) => corpusRelative(candidate.file) === file);
      assert.ok(analysis, `${file} is in the corpus`);
      for (const code of codes) assert.ok(analysis.notices.some((notice) => notice.code === code), `${file} has a ${code} notice`);
    }
  });

  it('has an expectation for every file noted BAD', () => {
    const listed = new Set(BAD_FILE_EXPECTATIONS.map((expectation) => expectation.file));
    const bad = filesNotedBad();
    assert.ok(bad.length > 0, 'SOURCES.md notes some files as BAD');
    assert.deepEqual(bad.filter((file) => !listed.has(file)), [], 'add these files to test/unit/corpus-expectations.ts');
  });

  describe('files noted BAD get a finding in the dimension their note describes', () => {
    for (const expectation of BAD_FILE_EXPECTATIONS) {
      for (const dimension of expectation.dimensions) {
        it(`${expectation.file}: ${dimension}`, () => {
          const analysis = result.analyses.find((candidate) => corpusRelative(candidate.file) === expectation.file);
          assert.ok(analysis, `${expectation.file} is in the corpus`);
          const found = analysis.findings.filter((finding) => finding.dimension === dimension);
          const seen = analysis.findings.map((finding) => `${finding.ruleId} (${finding.dimension})`).join(', ') || 'none';
          assert.ok(found.length > 0, `no ${dimension} finding for: ${expectation.reason}. Findings: ${seen}`);
        });
      }
    }
  });

  it('writes valid SARIF for the whole corpus through the CLI', async () => {
    const run = await runCli(['scan', '.', '--format', 'sarif', '--fail-on', 'none'], CORPUS_DIR);
    assert.equal(run.code, 0, run.stderr);
    const log = JSON.parse(run.stdout) as { runs: { results: unknown[] }[] };
    assert.deepEqual(sarifValidator()(log), []);
    assert.equal(log.runs[0].results.length, result.findings.length);
  });
});
