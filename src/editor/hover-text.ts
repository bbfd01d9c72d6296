import type { Finding } from '../engine/model';
import type { RuleMeta } from '../engine/rules/types';

export const SHOW_RULE_DOCUMENTATION_COMMAND = 'trustAnchor.showRuleDocumentation';

/** Builds a `command:` URI that runs `command` with `args` (a JSON array) when clicked in trusted Markdown. */
export function commandUri(command: string, args: readonly unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** Escapes text so Markdown shows it literally (messages contain `*`, `_`, brackets and backticks). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (character) => `\\${character}`);
}

/**
 * Hover Markdown for the findings under the cursor: per finding the rule title, why the pattern
 * binds the trust anchor to one cluster and a link to the rule page. The finding's own message is
 * left out because VS Code already shows it in the same hover, above this part.
 */
export function hoverMarkdown(findings: readonly Finding[], ruleOf: (ruleId: string) => RuleMeta | undefined): string {
  const sections: string[] = [];
  for (const finding of findings) {
    const rule = ruleOf(finding.ruleId);
    const lines: string[] = [];
    lines.push(`**${escapeMarkdown(rule?.title ?? finding.ruleId)}** \`${finding.ruleId}\``);
    if (rule?.rationale) lines.push('', escapeMarkdown(rule.rationale));
    lines.push('', `[Open the rule page](${commandUri(SHOW_RULE_DOCUMENTATION_COMMAND, [finding.ruleId])} "Show documentation for ${finding.ruleId}")`);
    sections.push(lines.join('\n'));
  }
  return sections.join('\n\n---\n\n');
}
