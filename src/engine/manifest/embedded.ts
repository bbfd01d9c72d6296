import { isScalar, parseDocument, Scalar, type Node } from 'yaml';
import type { SourceRange } from '../model';
import { parseHcl } from './hcl';
import { IndexedTree, OffsetMap, YamlTree, type SourceTree } from './tree';

/** What an embedded configuration is, which decides the rules that read it. */
export type EmbeddedRole = 'spire-server' | 'spire-agent' | 'istio-mesh' | 'linkerd-values';

export interface EmbeddedConfig {
  role: EmbeddedRole;
  /** The ConfigMap data key that holds it, such as `server.conf`. */
  key: string;
  tree?: SourceTree;
  /** Set when the embedded text could not be parsed; the tree is then absent or partial. */
  error?: { message: string; range: SourceRange };
}

/** Chooses the role of a ConfigMap data entry from its key and the ConfigMap's name. */
export function embeddedRole(configMapName: string | undefined, key: string): EmbeddedRole | undefined {
  if (key === 'server.conf') return 'spire-server';
  if (key === 'agent.conf') return 'spire-agent';
  if (key === 'mesh' && (!configMapName || configMapName === 'istio' || configMapName.startsWith('istio'))) return 'istio-mesh';
  if (key === 'values' && configMapName === 'linkerd-config') return 'linkerd-values';
  return undefined;
}

/**
 * Returns the text of a scalar as the parser of the embedded config should see it, together with a
 * map from offsets in that text back to offsets in the file. Literal block scalars (`|`) map line by
 * line, so every key inside them keeps its exact position; quoted scalars with escapes map to the
 * scalar's start.
 */
export function extractScalarText(fileText: string, node: Node): { text: string; offsets: OffsetMap } | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, valueEnd] = node.range;

  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    return extractBlockScalar(fileText, start, valueEnd);
  }
  if (node.type === Scalar.PLAIN) {
    return { text: fileText.slice(start, valueEnd), offsets: new OffsetMap([{ inner: 0, file: start, length: valueEnd - start }]) };
  }
  const inner = fileText.slice(start + 1, valueEnd - 1);
  if (inner === node.value) {
    return { text: inner, offsets: new OffsetMap([{ inner: 0, file: start + 1, length: inner.length }]) };
  }
  return { text: node.value, offsets: new OffsetMap([{ inner: 0, file: start, length: 0 }]) };
}

function extractBlockScalar(fileText: string, headerStart: number, valueEnd: number): { text: string; offsets: OffsetMap } {
  const headerEnd = fileText.indexOf('\n', headerStart);
  const segments: { inner: number; file: number; length: number }[] = [];
  if (headerEnd < 0 || headerEnd >= valueEnd) return { text: '', offsets: new OffsetMap([{ inner: 0, file: headerStart, length: 0 }]) };

  const header = fileText.slice(headerStart, headerEnd);
  const explicitIndent = /[1-9]/.exec(header);
  let indent = -1;
  let position = headerEnd + 1;
  let inner = '';
  while (position < valueEnd) {
    let lineEnd = fileText.indexOf('\n', position);
    if (lineEnd < 0 || lineEnd > valueEnd) lineEnd = valueEnd;
    let line = fileText.slice(position, lineEnd);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (indent < 0 && line.trim() !== '') {
      indent = explicitIndent ? Number(explicitIndent[0]) + leadingSpaces(fileText, headerStart) : leadingSpaces(line, 0);
    }
    const cut = indent < 0 ? line.length : Math.min(indent, leadingSpaces(line, 0));
    segments.push({ inner: inner.length, file: position + cut, length: line.length - cut });
    inner += line.slice(cut) + '\n';
    position = lineEnd + 1;
  }
  return { text: inner, offsets: new OffsetMap(segments.length ? segments : [{ inner: 0, file: headerStart, length: 0 }]) };
}

function leadingSpaces(text: string, from: number): number {
  let count = 0;
  const lineStart = text.lastIndexOf('\n', from - 1) + 1;
  while (text[lineStart + count] === ' ') count++;
  return count;
}

/** Parses an embedded config of a known role from a ConfigMap data value. */
export function parseEmbedded(fileText: string, role: EmbeddedRole, key: string, node: Node): EmbeddedConfig {
  const extracted = extractScalarText(fileText, node);
  const nodeRange = node.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 0 };
  if (!extracted) return { role, key, error: { message: `${key} is not a string value`, range: nodeRange } };
  const { text, offsets } = extracted;

  const looksLikeJson = /^\s*\{/.test(text) && (role === 'spire-server' || role === 'spire-agent');
  if ((role === 'spire-server' || role === 'spire-agent') && !looksLikeJson) {
    const parsed = parseHcl(text);
    const tree = new IndexedTree('hcl', parsed.value, parsed.entries, offsets.rangeToFile({ start: 0, end: text.length }), offsets);
    const first = parsed.errors[0];
    return {
      role,
      key,
      tree,
      error: first ? { message: `${key}: ${first.message}`, range: offsets.rangeToFile(first.range) } : undefined,
    };
  }

  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  const tree = new YamlTree(document, text, offsets, looksLikeJson ? 'json' : 'yaml');
  const first = document.errors[0];
  if (first) {
    return { role, key, tree, error: { message: `${key}: ${first.message.split('\n')[0]}`, range: offsets.rangeToFile({ start: first.pos[0], end: first.pos[1] }) } };
  }
  try {
    void tree.value;
  } catch (error) {
    return { role, key, error: { message: `${key}: ${(error as Error).message}`, range: nodeRange } };
  }
  return { role, key, tree };
}
