import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { Analyzer } from '../../../src/engine/analyze';
import { LineIndex } from '../../../src/engine/manifest/text';
import type { Finding, Severity } from '../../../src/engine/model';
import {
  activateExtension,
  closeAllEditors,
  CORPUS_DIR,
  CORPUS_SKIP_MESSAGE,
  describeDiagnostics,
  describeRange,
  EXAMPLES_DIR,
  exists,
  fixtureUri,
  openEditor,
  rangeOfText,
  replaceDocumentText,
  ruleOf,
  targetOf,
  trustAnchorDiagnostics,
  waitForDiagnostics,
  waitForNoRule,
  waitForRule,
  workspaceFolder,
} from './helpers';

const LEGACY_TOKEN_RULE = 'service-accounts/legacy-token-secret';
const SEVERITY_OF: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function yamlFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) files.push(full);
  }
  return files.sort();
}

/** Engine findings for `file` analysed together with the fixture workspace, which the extension has indexed too. */
function engineFindings(file: string): Finding[] {
  const analyzer = new Analyzer();
  for (const fixture of yamlFiles(workspaceFolder().uri.fsPath)) analyzer.update(fixture, readFileSync(fixture, 'utf8'));
  analyzer.update(file, readFileSync(file, 'utf8'));
  return analyzer.analyze(file).findings;
}

function rangeKey(lines: LineIndex, finding: Finding): string {
  const start = lines.positionAt(finding.range.start);
  const end = lines.positionAt(finding.range.end);
  return `${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
}

describe('diagnostics', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('underline the legacy token type value', async () => {
    const uri = fixtureUri('legacy-token.yaml');
    const editor = await openEditor(uri);
    const diagnostic = await waitForRule(uri, LEGACY_TOKEN_RULE);

    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.source, 'Trust Anchor');
    const expected = rangeOfText(editor.document, 'kubernetes.io/service-account-token');
    assert.ok(diagnostic.range.isEqual(expected), `range ${describeRange(diagnostic.range)}, expected ${describeRange(expected)}`);
    assert.match(diagnostic.message, /build-bot-token/);

    const all = trustAnchorDiagnostics(uri);
    assert.equal(all.length, 1, `only the token Secret is a finding, got ${describeDiagnostics(all)}`);
  });

  it('link the code to the rule page', async () => {
    const uri = fixtureUri('legacy-token.yaml');
    await openEditor(uri);
    const diagnostic = await waitForRule(uri, LEGACY_TOKEN_RULE);
    const target = targetOf(diagnostic);

    assert.ok(target, 'the diagnostic code has no target link');
    assert.ok(target.path.endsWith(`/docs/rules/${LEGACY_TOKEN_RULE}.md`), `target ${target.toString()}`);
    const stat = await vscode.workspace.fs.stat(target);
    assert.equal(stat.type, vscode.FileType.File, `${target.toString()} is not a file`);
  });

  it('follow edits to the document', async () => {
    const uri = fixtureUri('legacy-token.yaml');
    const editor = await openEditor(uri);
    const original = editor.document.getText();
    await waitForRule(uri, LEGACY_TOKEN_RULE);

    await replaceDocumentText(editor.document, original.replace('type: kubernetes.io/service-account-token', 'type: Opaque'));
    await waitForNoRule(uri, LEGACY_TOKEN_RULE);

    // A second token Secret appended at the end gets its own diagnostic on its own line.
    const appended = `${original}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: second-token\ntype: kubernetes.io/service-account-token\n`;
    await replaceDocumentText(editor.document, appended);
    const diagnostics = await waitForDiagnostics(
      uri,
      (current) => current.filter((diagnostic) => ruleOf(diagnostic) === LEGACY_TOKEN_RULE).length === 2,
      `two ${LEGACY_TOKEN_RULE} diagnostics`,
    );
    const lines = diagnostics.map((diagnostic) => diagnostic.range.start.line).sort((left, right) => left - right);
    assert.deepEqual(lines, [rangeOfText(editor.document, 'kubernetes.io/service-account-token', 0).start.line, rangeOfText(editor.document, 'kubernetes.io/service-account-token', 1).start.line]);
  });

  it('match the engine on an example manifest', async function () {
    const clusterBound = join(EXAMPLES_DIR, 'cluster-bound');
    if (!exists(clusterBound)) this.skip();
    const candidates = yamlFiles(clusterBound).map((file) => ({ file, findings: engineFindings(file) })).filter((entry) => entry.findings.length > 0);
    assert.ok(candidates.length > 0, `no file under ${clusterBound} has findings; the cluster-bound examples should`);
    const { file, findings } = candidates[0];

    const uri = vscode.Uri.file(file);
    await openEditor(uri);
    const diagnostics = await waitForDiagnostics(
      uri,
      (current) => current.filter((diagnostic) => ruleOf(diagnostic)?.includes('/') && !ruleOf(diagnostic)?.startsWith('trust-anchor/')).length >= findings.length,
      `${findings.length} findings in ${relative(EXAMPLES_DIR, file)}`,
    );

    const lines = new LineIndex(readFileSync(file, 'utf8'));
    const expected = findings.map((finding) => `${finding.ruleId} ${vscode.DiagnosticSeverity[SEVERITY_OF[finding.severity]]} ${rangeKey(lines, finding)}`).sort();
    const actual = diagnostics
      .filter((diagnostic) => !ruleOf(diagnostic)?.startsWith('trust-anchor/'))
      .map((diagnostic) => `${ruleOf(diagnostic)} ${vscode.DiagnosticSeverity[diagnostic.severity]} ${describeRange(diagnostic.range)}`)
      .sort();
    assert.deepEqual(actual, expected, `diagnostics of ${relative(EXAMPLES_DIR, file)}`);
  });

  it('appear on a corpus manifest', async function () {
    const corpusFile = join(CORPUS_DIR, 'k8s-identity', 'website__content__en__examples__secret__serviceaccount-token-secret.yaml');
    if (!exists(corpusFile)) {
      console.log(`      (skipped: ${CORPUS_SKIP_MESSAGE})`);
      this.skip();
    }

    const uri = vscode.Uri.file(corpusFile);
    await openEditor(uri);
    const diagnostic = await waitForRule(uri, LEGACY_TOKEN_RULE);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.getText(diagnostic.range).replace(/["']/g, ''), 'kubernetes.io/service-account-token');
  });
});
