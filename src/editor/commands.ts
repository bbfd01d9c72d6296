import * as vscode from 'vscode';
import { MIGRATION_SNIPPETS, type MigrationSnippet } from '../engine/fixes/snippets';
import { SYSTEM_TITLES } from '../engine/model';
import { ALL_RULES, RULES_BY_ID, ruleDocsPath } from '../engine/rules';
import { SUPPRESS_FOR_LINE_COMMAND, toWorkspaceEdit } from './code-actions';
import type { DiagnosticsService } from './diagnostics';
import { SHOW_RULE_DOCUMENTATION_COMMAND } from './hover-text';
import type { Logger } from './log';
import { lineSuppressionEdit, placeholderRangeAfter } from './suppress';

export const COMMANDS = {
  insertMigrationSnippet: 'trustAnchor.insertMigrationSnippet',
  showRuleDocumentation: SHOW_RULE_DOCUMENTATION_COMMAND,
  analyzeWorkspace: 'trustAnchor.analyzeWorkspace',
  showLog: 'trustAnchor.showLog',
  suppressForLine: SUPPRESS_FOR_LINE_COMMAND,
} as const;

export interface CommandDependencies {
  context: vscode.ExtensionContext;
  diagnostics: DiagnosticsService;
  logger: Logger;
  channel: vscode.LogOutputChannel;
}

/** Registers every command of the editor layer. A handler that throws is logged and shown to the user instead of rejecting. */
export function registerCommands(dependencies: CommandDependencies): vscode.Disposable[] {
  const { logger } = dependencies;
  const register = (command: string, handler: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(command, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        logger.error(`Command ${command} failed`, error);
        void vscode.window.showErrorMessage(`Trust Anchor: ${command} failed: ${(error as Error).message}. See "Trust Anchor: Show Log" for details.`);
        return undefined;
      }
    });

  return [
    register(COMMANDS.showRuleDocumentation, (ruleId) => showRuleDocumentation(dependencies.context.extensionUri, ruleId)),
    register(COMMANDS.analyzeWorkspace, () => analyzeWorkspace(dependencies.diagnostics)),
    register(COMMANDS.showLog, () => dependencies.channel.show(true)),
    register(COMMANDS.suppressForLine, (uri, ruleId, line) => suppressForLine(uri, ruleId, line)),
    register(COMMANDS.insertMigrationSnippet, (snippetId) => insertMigrationSnippet(snippetId)),
  ];
}

/** Opens a rule's page in the Markdown preview. Without a rule id it shows a quick pick of all rules. */
async function showRuleDocumentation(extensionUri: vscode.Uri, ruleIdArgument: unknown): Promise<void> {
  let ruleId = typeof ruleIdArgument === 'string' ? ruleIdArgument : undefined;
  if (!ruleId) {
    const picked = await vscode.window.showQuickPick(
      ALL_RULES.map((rule) => ({ label: rule.id, description: rule.title, detail: `${SYSTEM_TITLES[rule.system]} · ${rule.dimension} · ${rule.severity}` })),
      { title: 'Trust Anchor: Show Rule Documentation', placeHolder: 'Rule id', matchOnDescription: true },
    );
    if (!picked) return;
    ruleId = picked.label;
  }

  if (!RULES_BY_ID.has(ruleId)) {
    void vscode.window.showErrorMessage(`Trust Anchor: unknown rule id "${ruleId}". Run "Trust Anchor: Show Rule Documentation" without an argument to pick one.`);
    return;
  }

  const page = vscode.Uri.joinPath(extensionUri, ruleDocsPath(ruleId));
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    void vscode.window.showErrorMessage(`Trust Anchor: the documentation page for ${ruleId} is missing (${ruleDocsPath(ruleId)}). Reinstall the extension.`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', page);
}

async function analyzeWorkspace(diagnostics: DiagnosticsService): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showInformationMessage('Trust Anchor: open a folder to analyse its YAML files. Open YAML editors are analysed already.');
    return;
  }
  const count = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Trust Anchor: analysing workspace' },
    () => diagnostics.scanWorkspace(),
  );
  vscode.window.setStatusBarMessage(`Trust Anchor: analysed ${count} workspace files`, 5000);
}

/** Inserts the next-line suppression above `line` of the document at `uri` and selects the reason. */
async function suppressForLine(uriArgument: unknown, ruleIdArgument: unknown, lineArgument: unknown): Promise<void> {
  let uri: vscode.Uri | undefined;
  if (uriArgument instanceof vscode.Uri) uri = uriArgument;
  else if (typeof uriArgument === 'string') uri = vscode.Uri.parse(uriArgument);

  if (!uri || typeof ruleIdArgument !== 'string' || typeof lineArgument !== 'number' || !Number.isInteger(lineArgument) || lineArgument < 0) {
    throw new Error(`expected (document URI, rule id, zero-based line), got (${String(uriArgument)}, ${String(ruleIdArgument)}, ${String(lineArgument)})`);
  }

  const document = await vscode.workspace.openTextDocument(uri);
  if (lineArgument >= document.lineCount) throw new Error(`line ${lineArgument + 1} is past the end of ${uri.toString()} (${document.lineCount} lines)`);

  const edit = lineSuppressionEdit(document.getText(), document.offsetAt(new vscode.Position(lineArgument, 0)), ruleIdArgument);
  const applied = await vscode.workspace.applyEdit(toWorkspaceEdit(document, [edit]));
  if (!applied) throw new Error(`the editor rejected the edit to ${uri.toString()}`);

  const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.toString() === uri.toString());
  const placeholder = placeholderRangeAfter(edit);
  if (editor && placeholder) {
    editor.selection = new vscode.Selection(document.positionAt(placeholder.start), document.positionAt(placeholder.end));
    editor.revealRange(editor.selection);
  }
}

/** Inserts a migration snippet at the cursor of the active YAML editor, or into a new YAML document. */
async function insertMigrationSnippet(snippetIdArgument: unknown): Promise<void> {
  let snippet: MigrationSnippet | undefined = MIGRATION_SNIPPETS.find((candidate) => candidate.id === snippetIdArgument);
  if (!snippet) {
    const picked = await vscode.window.showQuickPick(
      MIGRATION_SNIPPETS.map((candidate) => ({ label: candidate.title, description: SYSTEM_TITLES[candidate.system], detail: candidate.description, snippet: candidate })),
      { title: 'Trust Anchor: Insert Migration Snippet', placeHolder: 'Choose a migration', matchOnDetail: true },
    );
    if (!picked) return;
    snippet = picked.snippet;
  }

  let editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'yaml') {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: '' });
    editor = await vscode.window.showTextDocument(document);
  }
  const inserted = await editor.insertSnippet(new vscode.SnippetString(snippet.body));
  if (!inserted) throw new Error(`the editor did not insert snippet ${snippet.id}`);
}
