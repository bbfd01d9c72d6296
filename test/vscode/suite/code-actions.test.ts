import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activateExtension,
  closeAllEditors,
  codeActionsAt,
  FIX_ALL_KIND,
  fixtureUri,
  openEditor,
  rangeOfText,
  waitForNoRule,
  waitForRule,
} from './helpers';

const PEER_AUTHENTICATION_RULE = 'istio/peer-authentication-not-strict';
const LEGACY_TOKEN_RULE = 'service-accounts/legacy-token-secret';
const DEMO_CA_RULE = 'istio/demo-ca-certs';

describe('code actions', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  it('offer fix, documentation and suppression', async () => {
    const uri = fixtureUri('peer-authentication.yaml');
    await openEditor(uri);
    const diagnostic = await waitForRule(uri, PEER_AUTHENTICATION_RULE);

    const actions = await codeActionsAt(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Set mtls mode to STRICT'), `offered: ${titles.join(' | ')}`);
    assert.ok(titles.includes(`Show documentation for ${PEER_AUTHENTICATION_RULE}`), `offered: ${titles.join(' | ')}`);
    assert.ok(titles.includes(`Suppress ${PEER_AUTHENTICATION_RULE} for this line`), `offered: ${titles.join(' | ')}`);
    assert.ok(titles.includes(`Suppress ${PEER_AUTHENTICATION_RULE} in this file`), `offered: ${titles.join(' | ')}`);

    const preferred = actions.filter((action) => action.isPreferred);
    assert.deepEqual(preferred.map((action) => action.title), ['Set mtls mode to STRICT']);
  });

  it('offer no rule fix without one', async () => {
    const uri = fixtureUri('legacy-token.yaml');
    await openEditor(uri);
    const diagnostic = await waitForRule(uri, LEGACY_TOKEN_RULE);

    const actions = await codeActionsAt(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((action) => action.title);
    assert.equal(actions.filter((action) => action.isPreferred).length, 0, `unexpected preferred fix among: ${titles.join(' | ')}`);
    assert.ok(titles.includes(`Suppress ${LEGACY_TOKEN_RULE} for this line`), `offered: ${titles.join(' | ')}`);
  });

  it('apply the preferred fix', async () => {
    const uri = fixtureUri('peer-authentication.yaml');
    const editor = await openEditor(uri);
    const diagnostic = await waitForRule(uri, PEER_AUTHENTICATION_RULE);
    const before = editor.document.getText();

    const preferred = (await codeActionsAt(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)).find((action) => action.isPreferred);
    assert.ok(preferred?.edit, 'no preferred fix with an edit');
    assert.ok(await vscode.workspace.applyEdit(preferred.edit), 'the editor rejected the fix');

    assert.equal(editor.document.getText(), before.replace('mode: PERMISSIVE', 'mode: STRICT'));
    await waitForNoRule(uri, PEER_AUTHENTICATION_RULE);
    assert.ok(await editor.document.save(), 'saving the fixed file failed');
  });

  it('fix all safe problems', async () => {
    const uri = fixtureUri('istio-cacerts.yaml');
    const editor = await openEditor(uri);
    await waitForRule(uri, DEMO_CA_RULE);
    const before = editor.document.getText();

    const actions = await codeActionsAt(uri, new vscode.Range(0, 0, 0, 0), FIX_ALL_KIND);
    assert.equal(actions.length, 1, `expected one ${FIX_ALL_KIND} action, got: ${actions.map((action) => action.title).join(' | ')}`);
    assert.equal(actions[0].kind?.value, FIX_ALL_KIND);
    assert.ok(actions[0].edit, 'the fix-all action has no edit');
    assert.ok(await vscode.workspace.applyEdit(actions[0].edit), 'the editor rejected the fix-all edit');

    const after = editor.document.getText();
    assert.ok(!after.includes('root-key.pem'), `root-key.pem is still in the Secret:\n${after}`);
    assert.equal(after, before.replace('  root-key.pem: cm9vdC1rZXk=\n', ''), 'fix all changed more than the root key entry');
    await waitForNoRule(uri, DEMO_CA_RULE);

    const again = await codeActionsAt(uri, new vscode.Range(0, 0, 0, 0), FIX_ALL_KIND);
    assert.equal(again.length, 0, 'fix all is still offered with nothing left to fix');
  });

  it('run fix all on save', async () => {
    const uri = fixtureUri('istio-cacerts-on-save.yaml');
    await vscode.workspace.fs.copy(fixtureUri('istio-cacerts.yaml'), uri, { overwrite: true });
    const configuration = vscode.workspace.getConfiguration('editor');
    await configuration.update('codeActionsOnSave', { [FIX_ALL_KIND]: 'explicit' }, vscode.ConfigurationTarget.Workspace);
    try {
      const editor = await openEditor(uri);
      await waitForRule(uri, DEMO_CA_RULE);

      // Saving needs a change to run code actions on save; a trailing newline edit is enough.
      await editor.edit((builder) => builder.insert(editor.document.positionAt(editor.document.getText().length), '\n'));
      assert.ok(await editor.document.save(), 'saving failed');
      const saved = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      assert.ok(!saved.includes('root-key.pem'), `root-key.pem is still on disk after save:\n${saved}`);
    } finally {
      await configuration.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('suppress a finding for one line', async () => {
    const uri = fixtureUri('suppression.yaml');
    const editor = await openEditor(uri);
    const diagnostic = await waitForRule(uri, LEGACY_TOKEN_RULE);
    const line = diagnostic.range.start.line;

    const suppress = (await codeActionsAt(uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)).find(
      (action) => action.title === `Suppress ${LEGACY_TOKEN_RULE} for this line`,
    );
    assert.ok(suppress?.command, 'no "for this line" suppression with a command');
    await vscode.commands.executeCommand(suppress.command.command, ...(suppress.command.arguments ?? []));

    assert.equal(
      editor.document.lineAt(line).text,
      `# trust-anchor-disable-next-line ${LEGACY_TOKEN_RULE} -- TODO: reason`,
      'the comment is not on the line above the finding',
    );
    assert.equal(editor.document.lineAt(line + 1).text, 'type: kubernetes.io/service-account-token');
    assert.equal(editor.document.getText(editor.selection), 'TODO: reason', 'the reason placeholder is not selected for typing over');
    await waitForNoRule(uri, LEGACY_TOKEN_RULE);

    // Removing the comment brings the finding back.
    await editor.edit((builder) => builder.delete(editor.document.lineAt(line).rangeIncludingLineBreak));
    const restored = await waitForRule(uri, LEGACY_TOKEN_RULE);
    assert.ok(restored.range.isEqual(rangeOfText(editor.document, 'kubernetes.io/service-account-token')));
  });
});
