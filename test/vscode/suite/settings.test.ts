import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, fixtureUri, openEditor, ruleOf, waitForDiagnostics, waitForNoRule, waitForRule } from './helpers';

const RULE = 'service-accounts/legacy-token-secret';

async function setRuleSeverities(value: Record<string, string> | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('trustAnchor').update('rules', value, vscode.ConfigurationTarget.Workspace);
}

async function waitForSeverity(uri: vscode.Uri, severity: vscode.DiagnosticSeverity): Promise<void> {
  await waitForDiagnostics(
    uri,
    (current) => current.some((diagnostic) => ruleOf(diagnostic) === RULE && diagnostic.severity === severity),
    `${RULE} at severity ${vscode.DiagnosticSeverity[severity]}`,
  );
}

describe('settings', () => {
  before(async () => {
    await activateExtension();
  });

  after(async () => {
    await setRuleSeverities(undefined);
    await closeAllEditors();
  });

  it('change a rule severity at runtime', async () => {
    const uri = fixtureUri('settings.yaml');
    await openEditor(uri);
    const diagnostic = await waitForRule(uri, RULE);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);

    await setRuleSeverities({ [RULE]: 'warning' });
    await waitForSeverity(uri, vscode.DiagnosticSeverity.Warning);

    await setRuleSeverities({ [RULE]: 'hint' });
    await waitForSeverity(uri, vscode.DiagnosticSeverity.Hint);
  });

  it('turn a rule off and on', async () => {
    const uri = fixtureUri('settings.yaml');
    await openEditor(uri);
    await waitForRule(uri, RULE);

    await setRuleSeverities({ [RULE]: 'off' });
    await waitForNoRule(uri, RULE);

    await setRuleSeverities(undefined);
    await waitForSeverity(uri, vscode.DiagnosticSeverity.Error);
  });

  it('ignore an invalid level', async () => {
    const uri = fixtureUri('settings.yaml');
    await openEditor(uri);
    await setRuleSeverities({ [RULE]: 'loud' });

    // The invalid level is skipped, so the rule keeps its default severity.
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 1000));
    await waitForSeverity(uri, vscode.DiagnosticSeverity.Error);
    await setRuleSeverities(undefined);
  });
});
