/** Shared steps of the extension-host suite: opening fixtures, waiting for diagnostics, reading codes. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'trust-anchor.trust-anchor-assessor';
export const DIAGNOSTIC_SOURCE = 'Trust Anchor';
export const FIX_ALL_KIND = 'source.fixAll.trustAnchor';

/** The repository root: this file runs from out/test/vscode/suite/. */
export const REPO_ROOT = resolve(__dirname, '../../../..');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const CORPUS_DIR = resolve(REPO_ROOT, '..', 'shared', 'corpus');
export const CORPUS_SKIP_MESSAGE = `../shared/corpus not found at ${CORPUS_DIR}; the corpus case is skipped`;

const WAIT_TIMEOUT_MS = 15_000;

/** The suite opens a copy of test/vscode/fixtures/workspace as its only workspace folder. */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs the fixture workspace open as a folder');
  return folder;
}

export function fixtureUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, name);
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  return extension;
}

/** Opens a file in an editor and returns the editor. */
export async function openEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

export function trustAnchorDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
}

/** Waits until the Trust Anchor diagnostics of `uri` satisfy `condition`, and returns them. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  condition: (diagnostics: vscode.Diagnostic[]) => boolean,
  description: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<vscode.Diagnostic[]> {
  const current = trustAnchorDiagnostics(uri);
  if (condition(current)) return current;

  return new Promise((resolveWait, rejectWait) => {
    const finish = (action: () => void): void => {
      clearTimeout(timer);
      subscription.dispose();
      action();
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      const diagnostics = trustAnchorDiagnostics(uri);
      if (condition(diagnostics)) finish(() => resolveWait(diagnostics));
    });
    const timer = setTimeout(() => {
      const diagnostics = trustAnchorDiagnostics(uri);
      finish(() =>
        rejectWait(
          new Error(`timed out after ${timeoutMs / 1000} s waiting for ${description} in ${uri.fsPath}; diagnostics now: ${describeDiagnostics(diagnostics)}`),
        ),
      );
    }, timeoutMs);
  });
}

/** Waits until `uri` has a diagnostic of rule `ruleId`, and returns it (the first, when several). */
export async function waitForRule(uri: vscode.Uri, ruleId: string): Promise<vscode.Diagnostic> {
  const diagnostics = await waitForDiagnostics(uri, (current) => current.some((diagnostic) => ruleOf(diagnostic) === ruleId), `a ${ruleId} diagnostic`);
  return diagnostics.find((diagnostic) => ruleOf(diagnostic) === ruleId) as vscode.Diagnostic;
}

export async function waitForNoRule(uri: vscode.Uri, ruleId: string): Promise<void> {
  await waitForDiagnostics(uri, (current) => !current.some((diagnostic) => ruleOf(diagnostic) === ruleId), `no ${ruleId} diagnostic`);
}

export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}

export function targetOf(diagnostic: vscode.Diagnostic): vscode.Uri | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? code.target : undefined;
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((diagnostic) => `${ruleOf(diagnostic)} ${vscode.DiagnosticSeverity[diagnostic.severity]} ${describeRange(diagnostic.range)}`)
    .join('; ');
}

export function describeRange(range: vscode.Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

/** The range of the `occurrence`-th (zero-based) appearance of `text` in the document. */
export function rangeOfText(document: vscode.TextDocument, text: string, occurrence = 0): vscode.Range {
  const content = document.getText();
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = content.indexOf(text, index + 1);
    assert.ok(index >= 0, `"${text}" occurs fewer than ${occurrence + 1} times in ${document.uri.fsPath}`);
  }
  return new vscode.Range(document.positionAt(index), document.positionAt(index + text.length));
}

/** Code actions the editor offers at `range`, resolved the way the light bulb resolves them. */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  // The workbench builds a quick-fix context from its own copy of the diagnostics, which can arrive
  // a moment after the extension host published them; for quick fixes, ask again until actions appear.
  const deadline = kind === vscode.CodeActionKind.QuickFix.value ? Date.now() + 5000 : Date.now();
  for (;;) {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind);
    const codeActions = (actions ?? []).filter((action): action is vscode.CodeAction => 'title' in action && !('command' in action && typeof action.command === 'string'));
    if (codeActions.length > 0 || Date.now() > deadline) return codeActions;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Replaces the whole text of a document without saving it. */
export async function replaceDocumentText(document: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), `the editor rejected a replacement of ${document.uri.fsPath}`);
}

/**
 * Closes every editor, discarding unsaved changes first, so one test's editors cannot affect the next
 * (closing a modified editor would otherwise open a save dialog that nobody answers).
 */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty) continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function exists(path: string): boolean {
  return existsSync(path);
}
