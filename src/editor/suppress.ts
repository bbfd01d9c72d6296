import type { ManifestFile } from '../engine/manifest/parse';
import type { SourceRange, TextEdit } from '../engine/model';
import { insertLineAbove, lineBreakOf } from '../engine/fixes/edits';

/** Reason text inserted by the suppress actions; the command selects it so the user types over it. */
export const SUPPRESSION_REASON_PLACEHOLDER = 'TODO: reason';

export function lineSuppressionComment(ruleId: string): string {
  return `# trust-anchor-disable-next-line ${ruleId} -- ${SUPPRESSION_REASON_PLACEHOLDER}`;
}

export function fileSuppressionComment(ruleId: string): string {
  return `# trust-anchor-disable-file ${ruleId} -- ${SUPPRESSION_REASON_PLACEHOLDER}`;
}

/** Inserts the next-line suppression above the line that contains `offset`, at that line's indentation. */
export function lineSuppressionEdit(text: string, offset: number, ruleId: string): TextEdit {
  return insertLineAbove(text, offset, lineSuppressionComment(ruleId));
}

/** Inserts the file-wide suppression as the first line of the file. */
export function fileSuppressionEdit(text: string, ruleId: string): TextEdit {
  return { range: { start: 0, end: 0 }, newText: `${fileSuppressionComment(ruleId)}${lineBreakOf(text)}` };
}

/** Offsets of the placeholder reason in the text after `edit` was applied. */
export function placeholderRangeAfter(edit: TextEdit): SourceRange | undefined {
  const index = edit.newText.indexOf(SUPPRESSION_REASON_PLACEHOLDER);
  if (index < 0) return undefined;
  const start = edit.range.start + index;
  return { start, end: start + SUPPRESSION_REASON_PLACEHOLDER.length };
}

/**
 * False when a `#` comment line above `offset` would corrupt the file: inside an embedded JSON
 * config a comment line is a syntax error. YAML and SPIRE's HCL both accept `#` comments.
 */
export function canSuppressOnLine(file: ManifestFile | undefined, offset: number): boolean {
  if (!file) return true;
  for (const document of file.documents) {
    for (const embedded of document.embedded) {
      const tree = embedded.tree;
      if (tree?.format === 'json' && tree.range.start <= offset && offset <= tree.range.end) return false;
    }
  }
  return true;
}
