import type { TextEdit } from '../../model';
import { lineBreakOf, lineEndOf, lineStartOf } from '../../fixes/edits';
import { lookup, type Path, type SourceTree } from '../../manifest/tree';

/**
 * Line-based edits that work on any SourceTree, including a mesh config embedded in a ConfigMap
 * block scalar, because they use only `locate` (which maps back to file offsets) and the file text.
 */

/** Leading spaces of the line that holds `offset`. */
function indentOfLine(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ ]*/.exec(text.slice(start))?.[0] ?? '';
}

/**
 * Inserts `lines` after the last line of the entry at `path`, at the indentation of its key, so
 * they become siblings of that entry. Returns undefined when the entry cannot be located.
 */
export function insertSiblingLines(text: string, tree: SourceTree, path: Path, lines: string[]): TextEdit | undefined {
  const key = tree.locate(path, 'key');
  const entry = tree.locate(path, 'entry');
  if (!key || !entry) return undefined;
  const indent = indentOfLine(text, key.start);
  if (text.slice(lineStartOf(text, key.start), key.start).trim() !== '') return undefined;
  const eol = lineBreakOf(text);
  const insertAt = lineEndOf(text, Math.max(entry.end - 1, key.start));
  return { range: { start: insertAt, end: insertAt }, newText: lines.map((line) => `${eol}${indent}${line}`).join('') };
}

/**
 * Inserts `lines` as new entries of the block mapping at `mapPath`, after its last entry. Returns
 * undefined for flow or empty mappings, which the caller must handle another way.
 */
export function insertIntoMap(text: string, tree: SourceTree, mapPath: Path, lines: string[]): TextEdit | undefined {
  const map = lookup(tree.value, mapPath);
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
  const keys = Object.keys(map);
  if (keys.length === 0) return undefined;
  return insertSiblingLines(text, tree, [...mapPath, keys[keys.length - 1]], lines);
}

/**
 * Appends `item` to the sequence at `path`: inside the brackets of a flow sequence, or as a new
 * `- item` line after the last item of a block sequence.
 */
export function appendToSequence(text: string, tree: SourceTree, path: Path, item: string): TextEdit | undefined {
  const list = lookup(tree.value, path);
  if (!Array.isArray(list)) return undefined;
  const whole = tree.locate(path, 'value');
  if (!whole) return undefined;
  const source = text.slice(whole.start, whole.end);

  if (source.startsWith('[')) {
    const close = whole.start + source.lastIndexOf(']');
    const inner = text.slice(whole.start + 1, close).trim();
    const newText = inner === '' ? item : `, ${item}`;
    let insertAt = close;
    while (insertAt > whole.start + 1 && /\s/.test(text[insertAt - 1])) insertAt--;
    return { range: { start: insertAt, end: insertAt }, newText };
  }

  const last = tree.locate([...path, list.length - 1], 'value');
  if (!last) return undefined;
  const lineStart = lineStartOf(text, last.start);
  const prefix = text.slice(lineStart, last.start);
  if (!/^[ ]*-[ ]+$/.test(prefix)) return undefined;
  const insertAt = lineEndOf(text, Math.max(last.end - 1, last.start));
  return { range: { start: insertAt, end: insertAt }, newText: `${lineBreakOf(text)}${prefix}${item}` };
}
