import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { expandSnippetDefaults, MIGRATION_SNIPPETS } from '../../../src/engine/fixes/snippets';
import { activateExtension, closeAllEditors, fixtureUri, openEditor, trustAnchorDiagnostics, waitForRule } from './helpers';

const COMMANDS = {
  insertMigrationSnippet: 'trustAnchor.insertMigrationSnippet',
  showRuleDocumentation: 'trustAnchor.showRuleDocumentation',
  analyzeWorkspace: 'trustAnchor.analyzeWorkspace',
  suppressForLine: 'trustAnchor.suppressForLine',
};

/** Waits until a tab whose label matches `pattern` exists, and returns its label. */
async function waitForTab(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const labels = vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
    const match = labels.find((label) => pattern.test(label));
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no tab matching ${pattern} within ${timeoutMs / 1000} s; tabs: ${labels.join(', ') || '(none)'}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
}

describe('commands', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('are all registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of Object.values(COMMANDS)) assert.ok(registered.has(command), `${command} is not registered`);
  });

  it('insert a migration snippet at the cursor', async () => {
    const snippet = MIGRATION_SNIPPETS[0];
    const uri = fixtureUri('migration-target.yaml');
    await vscode.workspace.fs.writeFile(uri, new Uint8Array());
    const editor = await openEditor(uri);

    await vscode.commands.executeCommand(COMMANDS.insertMigrationSnippet, snippet.id);
    assert.equal(editor.document.getText(), expandSnippetDefaults(snippet.body), `text after inserting ${snippet.id}`);
    assert.equal(editor.document.getText(editor.selection), defaultOfFirstPlaceholder(snippet.body), 'the first placeholder is not selected');
  });

  it('insert a snippet into a new document', async () => {
    const snippet = MIGRATION_SNIPPETS[MIGRATION_SNIPPETS.length - 1];
    await closeAllEditors();

    await vscode.commands.executeCommand(COMMANDS.insertMigrationSnippet, snippet.id);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor was opened for the snippet');
    assert.equal(editor.document.isUntitled, true, 'the snippet went into an existing file');
    assert.equal(editor.document.languageId, 'yaml');
    assert.equal(editor.document.getText(), expandSnippetDefaults(snippet.body));
  });

  it('open the rule documentation', async () => {
    await vscode.commands.executeCommand(COMMANDS.showRuleDocumentation, 'service-accounts/legacy-token-secret');
    const label = await waitForTab(/legacy-token-secret/);
    assert.match(label, /Preview/, `the documentation opened as "${label}", not in the Markdown preview`);
  });

  it('analyse files never opened', async () => {
    // The fixture workspace turns the startup scan off (.vscode/settings.json), so only this command finds the file.
    const uri = fixtureUri('never-opened.yaml');
    assert.equal(trustAnchorDiagnostics(uri).length, 0, 'a file nobody opened has diagnostics before the command');

    await vscode.commands.executeCommand(COMMANDS.analyzeWorkspace);
    const diagnostic = await waitForRule(uri, 'service-accounts/legacy-token-secret');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  });
});

/** Default text of tab stop 1, which the editor selects right after inserting a snippet. */
function defaultOfFirstPlaceholder(body: string): string {
  const match = /\$\{1:((?:\\.|[^}\\])*)\}/.exec(body);
  return match ? expandSnippetDefaults(match[0]) : '';
}
