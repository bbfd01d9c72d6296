import { isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import type { TextEdit } from '../model';
import type { Path, SourceTree } from '../manifest/tree';
import { YamlTree } from '../manifest/tree';

/**
 * Minimal text edits computed from node ranges. They never re-serialise a document, so comments,
 * indentation, quoting and line endings outside the edited lines stay byte-identical.
 */

/** Detects the file's line break so inserted lines match it. */
export function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the end of the line that holds `offset`, before its line break. */
export function lineEndOf(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  if (end < 0) return text.length;
  return text[end - 1] === '\r' ? end - 1 : end;
}

function indentationAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset + 1))?.[0] ?? '';
}

/** Formats a scalar for YAML, quoting strings that would otherwise change type or meaning. */
export function formatYamlScalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const needsQuotes =
    value === '' ||
    /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(value) ||
    /[:#]\s|\s$/.test(value) ||
    /^(true|false|yes|no|on|off|null|~|[-+]?[0-9][0-9_.eE+-]*)$/i.test(value);
  return needsQuotes ? JSON.stringify(value) : value;
}

/**
 * Replaces the scalar at `path` with `value`, keeping its quote style: a double-quoted value stays
 * double-quoted, a single-quoted one single-quoted.
 */
export function replaceScalar(text: string, tree: SourceTree, path: Path, value: string | number | boolean): TextEdit | undefined {
  const range = tree.locate(path, 'value');
  if (!range) return undefined;
  const current = text.slice(range.start, range.end);
  let newText: string;
  if (tree.format === 'hcl') newText = typeof value === 'string' ? JSON.stringify(value) : String(value);
  else if (current.startsWith('"')) newText = JSON.stringify(String(value));
  else if (current.startsWith("'")) newText = `'${String(value).replace(/'/g, "''")}'`;
  else newText = formatYamlScalar(value);
  return { range, newText };
}

/** Renames the key at `path`, keeping its value and everything around it. */
export function renameKey(tree: SourceTree, path: Path, newKey: string): TextEdit | undefined {
  const range = tree.locate(path, 'key');
  if (!range) return undefined;
  return { range, newText: newKey };
}

/**
 * Inserts `key: value` into the block or flow mapping at `mapPath`. `valueYaml` may span lines; its
 * continuation lines are indented relative to the new key. For a block mapping the entry goes after
 * the mapping's last entry (or first, with `position: 'start'`), at the indentation of its keys.
 */
export function insertEntry(
  text: string,
  tree: YamlTree,
  mapPath: Path,
  key: string,
  valueYaml: string,
  position: 'start' | 'end' = 'end',
): TextEdit | undefined {
  const found = tree.nodeAt(mapPath);
  if (!found || !isMap(found.node)) return undefined;
  const map = found.node;
  const eol = lineBreakOf(text);

  if (map.flow) {
    const range = map.range;
    if (!range) return undefined;
    const close = text.lastIndexOf('}', range[1]);
    const isEmpty = map.items.length === 0;
    const insertAt = isEmpty ? close : close;
    const before = text.slice(range[0], close).trimEnd();
    const separator = isEmpty ? ' ' : before.endsWith(',') ? ' ' : ', ';
    const trimmedEnd = range[0] + before.length;
    return {
      range: { start: trimmedEnd, end: insertAt },
      newText: `${separator}${key}: ${valueYaml.includes('\n') ? `{${valueYaml.replace(/\n\s*/g, ', ')}}` : valueYaml}${isEmpty ? ' ' : ' '}`,
    };
  }

  const first = map.items[0];
  const firstKey = first?.key as Node | undefined;
  if (!firstKey?.range) return undefined;
  const indent = indentationAt(text, firstKey.range[0]);
  const entry = formatEntry(key, valueYaml, indent, eol);

  if (position === 'start') {
    const lineStart = lineStartOf(text, firstKey.range[0]);
    return { range: { start: lineStart, end: lineStart }, newText: `${indent}${entry}${eol}` };
  }
  const last = map.items[map.items.length - 1];
  const lastEnd = endOfPair(last.key as Node, last.value as Node | null);
  const insertAt = lineEndOf(text, lastEnd);
  return { range: { start: insertAt, end: insertAt }, newText: `${eol}${indent}${entry}` };
}

/**
 * Inserts `key: value` into the mapping at `parentPath`, creating the missing intermediate maps
 * named in `missing` (outermost first). Use when a fix must add `spec.privateKey.rotationPolicy`
 * and `privateKey` does not exist yet.
 */
export function insertNestedEntry(text: string, tree: YamlTree, parentPath: Path, missing: string[], key: string, valueYaml: string): TextEdit | undefined {
  if (missing.length === 0) return insertEntry(text, tree, parentPath, key, valueYaml);
  const [outer, ...rest] = missing;
  let fragment = `${key}: ${valueYaml}`;
  for (let i = rest.length - 1; i >= 0; i--) fragment = `${rest[i]}:\n  ${fragment.replace(/\n/g, '\n  ')}`;
  return insertEntry(text, tree, parentPath, outer, `\n${fragment}`);
}

function formatEntry(key: string, valueYaml: string, indent: string, eol: string): string {
  if (!valueYaml.includes('\n')) return `${key}: ${valueYaml}`;
  const lines = valueYaml.replace(/^\n/, '').split('\n');
  return `${key}:${lines.map((line) => `${eol}${indent}  ${line}`).join('')}`;
}

function endOfPair(key: Node, value: Node | null): number {
  const valueRange = value?.range;
  if (valueRange) {
    // Block collections and block scalars end after their trailing line break; stay on the last line.
    return Math.max(key.range?.[1] ?? 0, valueRange[1] - 1);
  }
  return key.range?.[1] ?? 0;
}

/**
 * Removes the entry at `path` (key and value, all its lines) from a block mapping. Comment lines
 * above the key are kept; for flow mappings the entry and one adjacent comma are removed.
 */
export function removeEntry(text: string, tree: YamlTree, path: Path): TextEdit | undefined {
  const found = tree.nodeAt(path);
  if (!found?.pair || !found.parent) return undefined;
  const keyNode = found.pair.key as Node;
  if (!keyNode.range) return undefined;
  const parent = found.parent;

  if (isMap(parent) && parent.flow) {
    const start = keyNode.range[0];
    let end = endOfPair(keyNode, found.pair.value as Node | null) + 1;
    const after = /^\s*,\s*/.exec(text.slice(end));
    if (after) end += after[0].length;
    else {
      const before = /,\s*$/.exec(text.slice(0, start));
      if (before) return { range: { start: start - before[0].length, end }, newText: '' };
    }
    return { range: { start, end }, newText: '' };
  }

  const start = lineStartOf(text, keyNode.range[0]);
  const valueNode = found.pair.value as Node | null;
  let lastOffset = keyNode.range[1];
  if (valueNode?.range) {
    lastOffset = isScalar(valueNode) && (valueNode.type === Scalar.BLOCK_LITERAL || valueNode.type === Scalar.BLOCK_FOLDED)
      ? valueNode.range[1] - 1
      : isMap(valueNode) || isSeq(valueNode)
        ? valueNode.range[1] - 1
        : valueNode.range[1];
  }
  lastOffset = Math.max(lastOffset, keyNode.range[1]);
  let end = text.indexOf('\n', lastOffset);
  end = end < 0 ? text.length : end + 1;
  if (text.slice(start, keyNode.range[0]).trim() !== '') {
    // The key shares its line with something else (a sequence dash); remove only the entry text.
    return { range: { start: keyNode.range[0], end: lineEndOf(text, lastOffset) }, newText: '' };
  }
  return { range: { start, end }, newText: '' };
}

/** Inserts a whole line above the line that holds `offset`, at that line's indentation. */
export function insertLineAbove(text: string, offset: number, line: string): TextEdit {
  const start = lineStartOf(text, offset);
  const indent = /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
  return { range: { start, end: start }, newText: `${indent}${line}${lineBreakOf(text)}` };
}

/** Applies edits to a text (edits must not overlap). Used by tests, the CLI and fix-all. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let result = text;
  let lastStart = Number.POSITIVE_INFINITY;
  for (const edit of sorted) {
    if (edit.range.end > lastStart) throw new Error(`overlapping edits at offset ${edit.range.start}`);
    result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
    lastStart = edit.range.start;
  }
  return result;
}
