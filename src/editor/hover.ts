import * as vscode from 'vscode';
import { RULES_BY_ID } from '../engine/rules';
import { findingsAtOffset } from './convert';
import type { DiagnosticsService } from './diagnostics';
import { hoverMarkdown, SHOW_RULE_DOCUMENTATION_COMMAND } from './hover-text';

/** Explains the findings under the cursor: rule title, why it binds the anchor, message, rule page. */
export class TrustAnchorHover implements vscode.HoverProvider {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const analysis = this.diagnostics.analysisFor(document);
    if (!analysis) return undefined;
    const findings = findingsAtOffset(analysis.findings, document.offsetAt(position));
    if (findings.length === 0) return undefined;

    const markdown = new vscode.MarkdownString(hoverMarkdown(findings, (ruleId) => RULES_BY_ID.get(ruleId)));
    // Trusted only for the documentation command, so no other command URI in a message can run.
    markdown.isTrusted = { enabledCommands: [SHOW_RULE_DOCUMENTATION_COMMAND] };

    const first = findings[0];
    const range = new vscode.Range(document.positionAt(first.range.start), document.positionAt(first.range.end));
    return new vscode.Hover(markdown, range);
  }
}
