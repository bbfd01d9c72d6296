import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { SourceRange } from '../model';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/**
 * Which part of an entry to point at: the key (`name:`), the value, the whole entry, or `auto`
 * (the value for scalars, the key for maps and sequences, so a squiggle stays on one line).
 */
export type LocatePart = 'key' | 'value' | 'entry' | 'auto';

/**
 * A parsed configuration (a YAML document, an embedded JSON or YAML block, SPIRE's HCL) as a plain
 * JavaScript value plus a way back from a path in that value to a range in the file.
 */
export interface SourceTree {
  readonly format: 'yaml' | 'json' | 'hcl';
  /** Plain value: objects for maps, arrays for sequences. Aliases are resolved (bounded). */
  readonly value: unknown;
  /** Range in the file of the node at `path`, or undefined when the path does not exist. */
  locate(path: Path, part?: LocatePart): SourceRange | undefined;
  /** Range of the whole tree in the file. */
  readonly range: SourceRange;
}

/** Maps offsets in a derived text (an embedded block scalar) back to offsets in the file. */
export class OffsetMap {
  static readonly identity = new OffsetMap([]);

  /** Segments sorted by `inner`: a run of `length` characters at `inner` that sits at `file`. */
  constructor(private readonly segments: { inner: number; file: number; length: number }[]) {}

  toFile(offset: number): number {
    if (this.segments.length === 0) return offset;
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.segments[middle].inner <= offset) low = middle;
      else high = middle - 1;
    }
    const segment = this.segments[low];
    return segment.file + Math.max(0, Math.min(offset - segment.inner, segment.length));
  }

  rangeToFile(range: SourceRange): SourceRange {
    return { start: this.toFile(range.start), end: this.toFile(range.end) };
  }
}

/** Bounded alias expansion: a billion-laughs document fails with a clear error instead of hanging. */
export const MAX_ALIAS_COUNT = 100;

export class YamlTree implements SourceTree {
  readonly format: 'yaml' | 'json';
  private cachedValue: unknown;
  private valueComputed = false;

  constructor(
    readonly document: Document.Parsed,
    /** The text that was parsed: the file, or the decoded block for an embedded config. */
    private readonly source: string,
    private readonly offsets: OffsetMap = OffsetMap.identity,
    format: 'yaml' | 'json' = 'yaml',
  ) {
    this.format = format;
  }

  get value(): unknown {
    if (!this.valueComputed) {
      this.valueComputed = true;
      this.cachedValue = this.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    return this.cachedValue;
  }

  get range(): SourceRange {
    const range = this.document.range;
    return this.offsets.rangeToFile({ start: range[0], end: range[1] });
  }

  /** The `yaml` node at `path` and the pair that holds it, for edits that need the syntax tree. */
  nodeAt(path: Path): { node: Node | null; pair?: Pair; parent?: Node } | undefined {
    let node: unknown = this.document.contents;
    let pair: Pair | undefined;
    let parent: Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const found = node.items.find((item) => keyMatches(item.key, segment));
        if (!found) return undefined;
        parent = node;
        pair = found;
        node = found.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        if (segment < 0 || segment >= node.items.length) return undefined;
        parent = node;
        pair = undefined;
        node = node.items[segment];
      } else {
        return undefined;
      }
    }
    return { node: (node ?? null) as Node | null, pair, parent };
  }

  locate(path: Path, part: LocatePart = 'auto'): SourceRange | undefined {
    const found = this.nodeAt(path);
    if (!found) return undefined;
    const { node, pair } = found;
    const keyNode = pair && isNodeWithRange(pair.key) ? pair.key : undefined;
    const valueNode = isNodeWithRange(node) ? node : undefined;

    let range: [number, number] | undefined;
    const wantKey = part === 'key' || (part === 'auto' && !(valueNode && isScalar(valueNode)));
    if (part === 'entry' && keyNode) {
      const end = valueNode ? valueNode.range[1] : keyNode.range[1];
      range = [keyNode.range[0], end];
    } else if (wantKey && keyNode) {
      range = [keyNode.range[0], keyNode.range[1]];
    } else if (valueNode) {
      range = [valueNode.range[0], valueNode.range[1]];
    } else if (keyNode) {
      range = [keyNode.range[0], keyNode.range[1]];
    } else if (path.length === 0) {
      const documentRange = this.document.range;
      range = [documentRange[0], documentRange[1]];
    }
    if (!range) return undefined;
    return this.offsets.rangeToFile({ start: range[0], end: trimTrailingSpace(this.source, range) });
  }
}

function keyMatches(key: unknown, segment: PathSegment): boolean {
  if (isScalar(key)) return String(key.value) === String(segment);
  return false;
}

function isNodeWithRange(node: unknown): node is Node & { range: [number, number, number] } {
  return !!node && typeof node === 'object' && Array.isArray((node as { range?: unknown }).range);
}

/** Block values end after their last line break; stop the squiggle at the last visible character. */
function trimTrailingSpace(source: string, range: [number, number]): number {
  let end = range[1];
  while (end > range[0] && /\s/.test(source[end - 1])) end--;
  return end;
}

/** A tree whose ranges were recorded per path by a parser (used for SPIRE's HCL). */
export class IndexedTree implements SourceTree {
  constructor(
    readonly format: 'hcl',
    readonly value: unknown,
    private readonly entries: Map<string, { key?: SourceRange; value: SourceRange }>,
    readonly range: SourceRange,
    private readonly offsets: OffsetMap = OffsetMap.identity,
  ) {}

  locate(path: Path, part: LocatePart = 'auto'): SourceRange | undefined {
    const entry = this.entries.get(pathKey(path));
    if (!entry) return undefined;
    let range: SourceRange;
    if (part === 'entry' && entry.key) range = { start: entry.key.start, end: entry.value.end };
    else if (part === 'key' && entry.key) range = entry.key;
    else if (part === 'auto' && entry.key && isContainer(lookup(this.value, path))) range = entry.key;
    else range = entry.value;
    return this.offsets.rangeToFile(range);
  }
}

export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** Reads the value at `path` from a plain value; undefined when any step is missing. */
export function lookup(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { isPair };
