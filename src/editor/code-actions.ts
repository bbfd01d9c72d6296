import * as vscode from 'vscode';
import type { Finding, TextEdit } from '../engine/model';
import { findingForDiagnostic, DIAGNOSTIC_SOURCE } from './convert';
import type { DiagnosticsService } from './diagnostics';
import { computeFixAll } from './fix-all';
import { SHOW_RULE_DOCUMENTATION_COMMAND } from './hover-text';
import type { Logger } from './log';
import { canSuppressOnLine, fileSuppressionEdit } from './suppress';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('trustAnchor');
export const SUPPRESS_FOR_LINE_COMMAND = 'trustAnchor.suppressForLine';

/** Returns the rule id of a diagnostic this extension published, or undefined for notices and other sources. */
export function ruleIdOf(diagnostic: vscode.Diagnostic): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null && typeof code.value === 'string') return code.value;
  return undefined;
}

/** Converts engine edits (offsets into `document`'s text) into a workspace edit. */
export function toWorkspaceEdit(document: vscode.TextDocument, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const workspaceEdit = new vscode.WorkspaceEdit();
  for (const edit of edits) {
    const range = new vscode.Range(document.positionAt(edit.range.start), document.positionAt(edit.range.end));
    workspaceEdit.replace(document.uri, range, edit.newText);
  }
  return workspaceEdit;
}

/**
 * Quick fixes for each Trust Anchor diagnostic (the rule's own fixes, its documentation, and
 * suppressing it for the line or the file) and `source.fixAll.trustAnchor`, which applies every
 * safe fix of the document.
 */
export class TrustAnchorCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(
    private readonly diagnostics: DiagnosticsService,
    private readonly logger: Logger,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) {
      const wantsFixAll = context.only.contains(FIX_ALL_KIND) || FIX_ALL_KIND.contains(context.only);
      return wantsFixAll ? this.fixAllActions(document) : [];
    }

    const analysis = this.diagnostics.analysisFor(document);
    if (!analysis) return [];

    const actions: vscode.CodeAction[] = [];
    const offered = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const ruleId = ruleIdOf(diagnostic);
      if (!ruleId) continue;
      const range = { start: document.offsetAt(diagnostic.range.start), end: document.offsetAt(diagnostic.range.end) };
      const finding = findingForDiagnostic(analysis.findings, ruleId, range);
      if (finding) actions.push(...this.fixActions(document, finding, diagnostic));
      if (offered.has(ruleId)) continue;
      offered.add(ruleId);
      actions.push(...this.ruleActions(document, ruleId, range.start, diagnostic));
    }
    return actions;
  }

  private fixActions(document: vscode.TextDocument, finding: Finding, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
    return finding.fixes.map((fix) => {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, fix.edits);
      action.diagnostics = [diagnostic];
      action.isPreferred = fix.isPreferred === true;
      return action;
    });
  }

  private ruleActions(document: vscode.TextDocument, ruleId: string, offset: number, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];

    const documentation = new vscode.CodeAction(`Show documentation for ${ruleId}`, vscode.CodeActionKind.QuickFix);
    documentation.command = { command: SHOW_RULE_DOCUMENTATION_COMMAND, title: documentation.title, arguments: [ruleId] };
    actions.push(documentation);

    if (canSuppressOnLine(this.diagnostics.manifestFileOf(document.uri), offset)) {
      const line = new vscode.CodeAction(`Suppress ${ruleId} for this line`, vscode.CodeActionKind.QuickFix);
      line.command = { command: SUPPRESS_FOR_LINE_COMMAND, title: line.title, arguments: [document.uri, ruleId, diagnostic.range.start.line] };
      line.diagnostics = [diagnostic];
      actions.push(line);
    }

    const file = new vscode.CodeAction(`Suppress ${ruleId} in this file`, vscode.CodeActionKind.QuickFix);
    file.edit = toWorkspaceEdit(document, [fileSuppressionEdit(document.getText(), ruleId)]);
    file.diagnostics = [diagnostic];
    actions.push(file);
    return actions;
  }

  private fixAllActions(document: vscode.TextDocument): vscode.CodeAction[] {
    if (!this.diagnostics.analysisFor(document)) return [];
    const original = document.getText();
    const result = computeFixAll(original, (text) => (text === original ? this.diagnostics.analysisFor(document)?.findings ?? [] : this.diagnostics.analyzeHypothetical(document, text).findings));
    if (result.edits.length === 0) return [];

    this.logger.debug(`Fix all in ${document.uri.toString()}: ${result.applied.join('; ')}.`);
    const action = new vscode.CodeAction(`Fix all safe Trust Anchor problems (${result.applied.length})`, FIX_ALL_KIND);
    action.edit = toWorkspaceEdit(document, result.edits);
    return [action];
  }
}
