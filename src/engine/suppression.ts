import type { Finding, Notice, SourceRange } from './model';
import type { LineIndex } from './manifest/text';

/**
 * Inline suppression comments:
 *   # trust-anchor-disable-next-line <rule-id>[, <rule-id>...] -- <reason>
 *   # trust-anchor-disable-file <rule-id>[, <rule-id>...] -- <reason>
 * "next-line" covers the next line that is not blank or a comment. A missing reason still
 * suppresses, but yields an informational notice, because a suppression nobody can explain is
 * how a cluster-bound anchor goes unnoticed.
 */
export interface Suppression {
  scope: 'next-line' | 'file';
  ruleIds: string[];
  reason?: string;
  /** Zero-based line the suppression covers (next-line only). */
  targetLine?: number;
  range: SourceRange;
}

const MARKER = 'trust-anchor-disable';
const COMMENT = /#\s*trust-anchor-disable-(next-line|file)\b([^\n]*)/g;

export function findSuppressions(text: string, lines: LineIndex): Suppression[] {
  if (!text.includes(MARKER)) return [];
  const found: Suppression[] = [];
  for (const match of text.matchAll(COMMENT)) {
    const start = match.index ?? 0;
    const body = match[2].replace(/\r$/, '');
    const [idPart, ...reasonParts] = body.split(/\s--(?:\s|$)/);
    const reason = reasonParts.join(' -- ').trim();
    const ruleIds = idPart.split(/[\s,]+/).map((id) => id.trim()).filter(Boolean);
    const suppression: Suppression = {
      scope: match[1] === 'file' ? 'file' : 'next-line',
      ruleIds,
      reason: reason || undefined,
      range: { start, end: start + match[0].replace(/\r$/, '').length },
    };
    if (suppression.scope === 'next-line') {
      let line = lines.positionAt(start).line + 1;
      while (line < lines.lineCount && /^\s*(#.*)?$/.test(lines.lineText(line))) line++;
      suppression.targetLine = line;
    }
    found.push(suppression);
  }
  return found;
}

/** Splits findings into kept and suppressed, and returns notices about the comments themselves. */
export function applySuppressions(
  file: string,
  findings: Finding[],
  suppressions: Suppression[],
  lines: LineIndex,
  knownRuleIds: ReadonlySet<string>,
): { kept: Finding[]; suppressed: Finding[]; notices: Notice[] } {
  const notices: Notice[] = [];
  for (const suppression of suppressions) {
    const form = `trust-anchor-disable-${suppression.scope}`;
    if (suppression.ruleIds.length === 0) {
      notices.push({
        code: 'suppression-unknown-rule',
        severity: 'warning',
        file,
        range: suppression.range,
        message: `The ${form} comment names no rule id, so it suppresses nothing. Write "# ${form} <rule-id> -- <reason>".`,
      });
      continue;
    }
    for (const id of suppression.ruleIds) {
      if (!knownRuleIds.has(id)) {
        notices.push({
          code: 'suppression-unknown-rule',
          severity: 'warning',
          file,
          range: suppression.range,
          message: `Unknown rule id "${id}" in ${form}. Use an id shown in the finding, such as "spire/memory-key-manager".`,
        });
      }
    }
    if (!suppression.reason) {
      notices.push({
        code: 'suppression-without-reason',
        severity: 'info',
        file,
        range: suppression.range,
        message: `Add a reason after " -- " so reviewers know why ${suppression.ruleIds.join(', ')} is accepted here.`,
      });
    }
  }

  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const line = lines.positionAt(finding.range.start).line;
    const matches = suppressions.some(
      (suppression) =>
        suppression.ruleIds.includes(finding.ruleId) && (suppression.scope === 'file' || suppression.targetLine === line),
    );
    (matches ? suppressed : kept).push(finding);
  }
  return { kept, suppressed, notices };
}
