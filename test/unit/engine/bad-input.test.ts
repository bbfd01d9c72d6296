import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import { DEFAULT_PARSE_OPTIONS } from '../../../src/engine/manifest/parse';
import type { FileAnalysis, Notice } from '../../../src/engine/model';
import { collectFiles } from '../../../src/cli/files';
import { scanFiles, type ScanResult } from '../../../src/cli/scan';
import { analyze, findingsOf, underlined } from '../helpers';

const LEGACY_TOKEN_RULE = 'service-accounts/legacy-token-secret';

/** One legacy-token finding on `kubernetes.io/service-account-token` (line 7, columns 7 to 42). */
const LEGACY_TOKEN_SECRET = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: build-robot-token',
  '  annotations:',
  '    kubernetes.io/service-account.name: build-robot',
  'type: kubernetes.io/service-account-token',
  '',
].join('\n');

/** Analyses `text` as `path` and fails the test if anything throws. */
function analyzeSafely(text: string, path = 'bad.yaml'): FileAnalysis {
  let analysis: FileAnalysis | undefined;
  assert.doesNotThrow(() => {
    analysis = analyze(text, path);
  });
  return analysis!;
}

function onlyNotice(analysis: FileAnalysis): Notice {
  assert.equal(analysis.notices.length, 1, `expected one notice, got: ${analysis.notices.map((notice) => notice.message).join(' | ')}`);
  return analysis.notices[0];
}

/** Parses a normal manifest after a hostile one, to prove the parser still works in this process. */
function assertParserStillWorks(): void {
  assert.equal(findingsOf(analyze(LEGACY_TOKEN_SECRET), LEGACY_TOKEN_RULE).length, 1);
}

const scratch = mkdtempSync(join(tmpdir(), 'trust-anchor-bad-input-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `bytes` to a file in the scratch folder and scans it the way the CLI does. */
async function scanBytes(name: string, bytes: Uint8Array | string, maxFileBytes = DEFAULT_PARSE_OPTIONS.maxFileBytes): Promise<ScanResult> {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  const collected = await collectFiles([path], scratch, []);
  return scanFiles(collected, { maxFileBytes, ruleOverrides: {} });
}

describe('bad input', () => {
  it('malformed YAML gives a parse-error notice', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n---\n' + LEGACY_TOKEN_SECRET;
    const analysis = analyzeSafely(text, 'broken.yaml');
    const notice = onlyNotice(analysis);
    assert.equal(notice.code, 'parse-error');
    assert.match(notice.message, /^Invalid YAML in broken\.yaml \(document 1\): .+\. Fix the syntax/);
    assert.ok(notice.range, 'the notice points into the file');
    assert.equal(findingsOf(analysis, LEGACY_TOKEN_RULE).length, 1, 'the valid second document is still analysed');
  });

  it('duplicate keys name the key and keep the document', () => {
    const text = LEGACY_TOKEN_SECRET.replace('kind: Secret\n', 'kind: Secret\nkind: Secret\n');
    const analysis = analyzeSafely(text, 'dup.yaml');
    const notice = onlyNotice(analysis);
    assert.equal(notice.code, 'parse-error');
    assert.match(notice.message, /^Duplicate key "kind" in dup\.yaml \(line 3\)/);
    assert.equal(text.slice(notice.range!.start, notice.range!.end), 'kind');
    assert.equal(findingsOf(analysis, LEGACY_TOKEN_RULE).length, 1);
  });

  it('alias bomb is stopped with an analysis-limit notice', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const analysis = analyzeSafely(`${levels.join('\n')}\n`, 'laughs.yaml');
    const notice = onlyNotice(analysis);
    assert.equal(notice.code, 'analysis-limit');
    assert.match(notice.message, /laughs\.yaml: its aliases expand to too many nodes/);
    assertParserStillWorks();
  });

  it('100,000-deep flow nesting is rejected before parsing', () => {
    const analysis = analyzeSafely(`key: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 'flow.yaml');
    const notice = onlyNotice(analysis);
    assert.equal(notice.code, 'analysis-limit');
    assert.match(notice.message, /^Skipped flow\.yaml: collections are nested more than 256 levels deep/);
    assertParserStillWorks();
  });

  it('100,000-deep block nesting is rejected before parsing', () => {
    for (const text of [`${'- '.repeat(100_000)}leaf\n`, `root:\n${'- '.repeat(100_000)}key: value\n`]) {
      const analysis = analyzeSafely(text, 'block.yaml');
      const notice = onlyNotice(analysis);
      assert.equal(notice.code, 'analysis-limit');
      assert.match(notice.message, /^Skipped block\.yaml: collections are nested more than 256 levels deep/);
      assertParserStillWorks();
    }
  });

  it('block nesting by indentation past the limit is rejected', () => {
    const lines: string[] = [];
    for (let depth = 0; depth < 400; depth++) lines.push(`${' '.repeat(depth)}k${depth}:`);
    const analysis = analyzeSafely(`${lines.join('\n')} leaf\n`, 'indent.yaml');
    assert.equal(onlyNotice(analysis).code, 'analysis-limit');
    assertParserStillWorks();
  });

  describe('50 MB file', () => {
    const secretEvery = 50;
    let secrets = 0;
    const documents: string[] = [];
    let size = 0;
    for (let index = 0; size < 50 * 1024 * 1024; index++) {
      const document =
        index % secretEvery === 0
          ? LEGACY_TOKEN_SECRET.replace('build-robot-token', `token-${index}`)
          : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${index}\ndata:\n  payload: "${'v'.repeat(300)}"\n  notes: |\n    line one\n    line two\n`;
      if (index % secretEvery === 0) secrets++;
      documents.push(document);
      size += document.length + 4;
    }
    const text = documents.join('---\n');

    it('is skipped over the default limit with one informational notice', async () => {
      const result = await scanBytes('large.yaml', text);
      const notice = onlyNotice(result.analyses[0]);
      assert.equal(notice.code, 'file-too-large');
      assert.equal(notice.severity, 'info');
      assert.match(notice.message, /^Skipped large\.yaml: 50\.\d MB is over the 5\.0 MB limit\. Raise it with --max-file-size/);
      assert.equal(result.findings.length, 0);

      const engineOnly = analyzeSafely(text, 'large.yaml');
      assert.equal(onlyNotice(engineOnly).code, 'file-too-large');
    });

    it('finishes with the limit raised', (context) => {
      const analyzer = new Analyzer({ parse: { ...DEFAULT_PARSE_OPTIONS, maxFileBytes: 64 * 1024 * 1024 } });
      const started = process.hrtime.bigint();
      analyzer.update('large.yaml', text);
      const analysis = analyzer.analyze('large.yaml');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      context.diagnostic(`50 MB, ${documents.length} documents: parsed and analysed in ${seconds.toFixed(1)} s (measured, not asserted)`);
      assert.equal(analysis.notices.length, 0);
      assert.equal(findingsOf(analysis, LEGACY_TOKEN_RULE).length, secrets);
    });
  });

  it('binary content with a .yaml name gives a binary-file notice', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const result = await scanBytes('image.yaml', bytes);
    const notice = onlyNotice(result.analyses[0]);
    assert.equal(notice.code, 'binary-file');
    assert.match(notice.message, /^Skipped image\.yaml: the file contains NUL bytes, so it is binary, not YAML\.$/);
  });

  it('empty file gives neither findings nor notices', async () => {
    for (const text of ['', '\n\n', '# only a comment\n', '---\n---\n']) {
      const analysis = analyzeSafely(text, 'empty.yaml');
      assert.deepEqual(analysis.findings, []);
      assert.deepEqual(analysis.notices, [], JSON.stringify(text));
    }
    const result = await scanBytes('empty.yaml', '');
    assert.deepEqual(result.notices, []);
  });

  it('CRLF line endings keep ranges exact', () => {
    const text = LEGACY_TOKEN_SECRET.replace(/\n/g, '\r\n');
    const analyzer = new Analyzer();
    analyzer.update('crlf.yaml', text);
    const [finding] = findingsOf(analyzer.analyze('crlf.yaml'), LEGACY_TOKEN_RULE);
    assert.equal(underlined(text, finding), 'kubernetes.io/service-account-token');
    assert.deepEqual(analyzer.workspace.get('crlf.yaml')!.lines.toOneBased(finding.range), { startLine: 7, startColumn: 7, endLine: 7, endColumn: 42 });

    const duplicated = text.replace('kind: Secret\r\n', 'kind: Secret\r\nkind: Secret\r\n');
    const notice = onlyNotice(analyzeSafely(duplicated, 'crlf.yaml'));
    assert.equal(duplicated.slice(notice.range!.start, notice.range!.end), 'kind');
  });

  it('byte-order mark is dropped and ranges stay exact', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const result = await scanBytes('bom.yaml', Buffer.concat([bom, Buffer.from(LEGACY_TOKEN_SECRET)]));
    assert.deepEqual(result.notices, []);
    const [finding] = result.findings;
    assert.equal(finding.ruleId, LEGACY_TOKEN_RULE);
    assert.deepEqual(result.linesOf(finding.file)!.toOneBased(finding.range), { startLine: 7, startColumn: 7, endLine: 7, endColumn: 42 });

    // The editor may hand over text that still starts with U+FEFF.
    const text = `\uFEFF${LEGACY_TOKEN_SECRET}`;
    const [editorFinding] = findingsOf(analyzeSafely(text), LEGACY_TOKEN_RULE);
    assert.equal(underlined(text, editorFinding), 'kubernetes.io/service-account-token');
  });

  it('tabs in indentation give a parse-error notice at the tab', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabbed\n';
    const notice = onlyNotice(analyzeSafely(text, 'tabs.yaml'));
    assert.equal(notice.code, 'parse-error');
    assert.match(notice.message, /^Invalid YAML in tabs\.yaml \(document 1\): Tabs are not allowed as indentation/);
    assert.equal(text[notice.range!.start], '\t');
  });

  it('non-UTF-8 bytes give an invalid-encoding notice with the offset', async () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const result = await scanBytes('latin1.yaml', bytes);
    const notice = onlyNotice(result.analyses[0]);
    assert.equal(notice.code, 'invalid-encoding');
    assert.match(notice.message, /^Skipped latin1\.yaml: the file is not valid UTF-8 \(first invalid byte at offset 48\); save it as UTF-8\.$/);
  });

  it('Helm template that does not parse gives exactly one informational notice', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ include "chart.fullname" . }}',
      'data:',
      '{{- range $key, $value := .Values.settings }}',
      '  {{ $key }}: [unclosed',
      '  other: }broken',
      '  third: "unterminated',
      '{{- end }}',
      '---',
      LEGACY_TOKEN_SECRET.replace('build-robot-token', '{{ .Release.Name }}-token'),
    ].join('\n');
    const analysis = analyzeSafely(text, 'chart/templates/config.yaml');
    const notice = onlyNotice(analysis);
    assert.equal(notice.code, 'template-not-parsed');
    assert.equal(notice.severity, 'info');
    assert.match(notice.message, /^Parts of the template chart\/templates\/config\.yaml are not valid YAML even with its \{\{ \}\} actions blanked/);
    assert.equal(findingsOf(analysis, LEGACY_TOKEN_RULE).length, 1, 'the document that parses is still analysed');
  });
});
