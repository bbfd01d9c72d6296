import type { SourceRange } from '../model';
import { pathKey, type PathSegment } from './tree';

/**
 * A small HCL (version 1 syntax, as SPIRE's server.conf and agent.conf use it) parser that records
 * the source range of every key and value. The HCL packages on npm convert to JSON without
 * positions, and a diagnostic must underline the exact key inside the ConfigMap.
 *
 * Shape of the result, matching the JSON form SPIRE also accepts:
 * - `server { a = 1 }` becomes `{ server: { a: 1 } }` (repeated blocks are merged);
 * - `KeyManager "disk" { ... }` becomes `{ KeyManager: { disk: { ... } } }`;
 * - `key = { ... }` and `key = [ ... ]` become objects and arrays.
 */
export interface HclParseResult {
  value: Record<string, unknown>;
  entries: Map<string, { key?: SourceRange; value: SourceRange }>;
  errors: { message: string; range: SourceRange }[];
}

type Token =
  | { type: 'ident'; text: string; start: number; end: number }
  | { type: 'string'; text: string; start: number; end: number }
  | { type: 'number'; text: string; start: number; end: number }
  | { type: 'punct'; text: string; start: number; end: number }
  | { type: 'eof'; text: ''; start: number; end: number };

class HclSyntaxError extends Error {
  constructor(message: string, readonly range: SourceRange) {
    super(message);
  }
}

const MAX_DEPTH = 200;

export function parseHcl(text: string): HclParseResult {
  const entries = new Map<string, { key?: SourceRange; value: SourceRange }>();
  const errors: HclParseResult['errors'] = [];
  const value: Record<string, unknown> = {};
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof HclSyntaxError) {
      errors.push({ message: error.message, range: error.range });
      return { value, entries, errors };
    }
    throw error;
  }
  const parser = new Parser(tokens, entries);
  try {
    parser.parseBody(value, [], 'eof', 0);
  } catch (error) {
    if (error instanceof HclSyntaxError) errors.push({ message: error.message, range: error.range });
    else throw error;
  }
  return { value, entries, errors };
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly entries: Map<string, { key?: SourceRange; value: SourceRange }>,
  ) {}

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== 'eof') this.index++;
    return token;
  }

  /** Parses items until `closing` ('}' or end of input) into `target`. Returns the closing token's end. */
  parseBody(target: Record<string, unknown>, path: PathSegment[], closing: '}' | 'eof', depth: number, opening?: Token): number {
    if (depth > MAX_DEPTH) throw new HclSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.peek());
    for (;;) {
      const token = this.peek();
      if (closing === 'eof' && token.type === 'eof') return token.end;
      if (closing === '}' && token.type === 'punct' && token.text === '}') {
        this.next();
        return token.end;
      }
      if (token.type === 'eof') {
        const where = path.length > 0 ? ` for "${path.map(String).join('.')}"` : '';
        throw new HclSyntaxError(`missing "}"${where}: the block opened here is never closed`, opening ?? token);
      }
      if (token.type === 'punct' && token.text === ',') {
        this.next();
        continue;
      }
      this.parseItem(target, path, depth);
    }
  }

  private parseItem(target: Record<string, unknown>, path: PathSegment[], depth: number): void {
    const keyToken = this.next();
    if (keyToken.type !== 'ident' && keyToken.type !== 'string') {
      throw new HclSyntaxError(`expected a key but found ${describe(keyToken)}`, keyToken);
    }
    const key = keyToken.text;
    const labels: Token[] = [];
    while (this.peek().type === 'string' || this.peek().type === 'ident') labels.push(this.next());
    const after = this.peek();

    if (after.type === 'punct' && (after.text === '=' || after.text === ':') && labels.length === 0) {
      this.next();
      const valueStart = this.peek().start;
      const itemPath = [...path, key];
      const parsed = this.parseValue(itemPath, depth + 1);
      this.record(itemPath, keyToken, { start: valueStart, end: parsed.end });
      assign(target, key, parsed.value);
      return;
    }
    if (after.type === 'punct' && after.text === '{') {
      this.next();
      let container = target;
      const containerPath = [...path];
      const segments: Token[] = [keyToken, ...labels];
      for (let i = 0; i < segments.length - 1; i++) {
        const segment = segments[i];
        containerPath.push(segment.text);
        const existing = container[segment.text];
        const child = isPlainObject(existing) ? existing : {};
        container[segment.text] = child;
        container = child;
        if (!this.entries.has(pathKey(containerPath))) this.record(containerPath, segment, { start: segment.start, end: segment.end });
      }
      const last = segments[segments.length - 1];
      const blockPath = [...containerPath, last.text];
      const existing = container[last.text];
      const body = isPlainObject(existing) ? existing : {};
      container[last.text] = body;
      const end = this.parseBody(body, blockPath, '}', depth + 1, after);
      this.record(blockPath, last, { start: after.start, end });
      // Widen the ranges of the enclosing label entries so "entry" covers the whole block.
      for (let i = 1; i <= segments.length - 1; i++) {
        const enclosing = this.entries.get(pathKey(blockPath.slice(0, blockPath.length - i)));
        if (enclosing && enclosing.value.end < end) enclosing.value = { start: enclosing.value.start, end };
      }
      return;
    }
    if (labels.length > 0 && after.type === 'punct' && (after.text === '=' || after.text === ':')) {
      throw new HclSyntaxError(`block "${key}" has labels (${labels.map((label) => `"${label.text}"`).join(' ')}), so it must be followed by "{", not "${after.text}"`, after);
    }
    throw new HclSyntaxError(`expected "=" or "{" after "${key}" but found ${describe(after)}`, after);
  }

  private parseValue(path: PathSegment[], depth: number): { value: unknown; end: number } {
    if (depth > MAX_DEPTH) throw new HclSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.peek());
    const token = this.next();
    if (token.type === 'string') return { value: token.text, end: token.end };
    if (token.type === 'number') return { value: Number(token.text), end: token.end };
    if (token.type === 'ident') {
      if (token.text === 'true') return { value: true, end: token.end };
      if (token.text === 'false') return { value: false, end: token.end };
      if (token.text === 'null') return { value: null, end: token.end };
      return { value: token.text, end: token.end };
    }
    if (token.type === 'punct' && token.text === '{') {
      const object: Record<string, unknown> = {};
      const end = this.parseBody(object, path, '}', depth, token);
      return { value: object, end };
    }
    if (token.type === 'punct' && token.text === '[') {
      const list: unknown[] = [];
      for (;;) {
        const next = this.peek();
        if (next.type === 'punct' && next.text === ']') {
          this.next();
          return { value: list, end: next.end };
        }
        if (next.type === 'punct' && next.text === ',') {
          this.next();
          continue;
        }
        if (next.type === 'eof') throw new HclSyntaxError(`missing "]" for the list of "${path.map(String).join('.')}" opened here`, token);
        const itemPath = [...path, list.length];
        const start = next.start;
        const item = this.parseValue(itemPath, depth + 1);
        this.record(itemPath, undefined, { start, end: item.end });
        list.push(item.value);
      }
    }
    throw new HclSyntaxError(`expected a value but found ${describe(token)}`, token);
  }

  private record(path: PathSegment[], key: SourceRange | undefined, value: SourceRange): void {
    this.entries.set(pathKey(path), { key: key ? { start: key.start, end: key.end } : undefined, value });
  }
}

function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  const existing = target[key];
  if (isPlainObject(existing) && isPlainObject(value)) Object.assign(existing, value);
  else target[key] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(token: Token): string {
  if (token.type === 'eof') return 'the end of the configuration';
  return `"${token.text.length > 40 ? token.text.slice(0, 40) + '…' : token.text}"`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      i++;
    } else if (char === '#' || (char === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (char === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new HclSyntaxError('unterminated /* comment', { start: i, end: text.length });
      i = close + 2;
    } else if (char === '"') {
      const { value, end } = readString(text, i);
      tokens.push({ type: 'string', text: value, start: i, end });
      i = end;
    } else if (char === '<' && text[i + 1] === '<') {
      const heredoc = readHeredoc(text, i);
      tokens.push({ type: 'string', text: heredoc.value, start: i, end: heredoc.end });
      i = heredoc.end;
    } else if (/[0-9-]/.test(char) && /[0-9.]/.test(text[i + 1] ?? '') || /[0-9]/.test(char)) {
      const match = /^-?[0-9][0-9._a-zA-Z+-]*/.exec(text.slice(i, i + 64));
      const literal = match ? match[0] : char;
      const numeric = /^-?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)$/.test(literal);
      tokens.push({ type: numeric ? 'number' : 'ident', text: literal, start: i, end: i + literal.length });
      i += literal.length;
    } else if (/[A-Za-z_]/.test(char)) {
      let end = i + 1;
      while (end < text.length && /[A-Za-z0-9_.-]/.test(text[end])) end++;
      tokens.push({ type: 'ident', text: text.slice(i, end), start: i, end });
      i = end;
    } else if ('{}[]=,:'.includes(char)) {
      tokens.push({ type: 'punct', text: char, start: i, end: i + 1 });
      i++;
    } else {
      throw new HclSyntaxError(`unexpected character "${char}"`, { start: i, end: i + 1 });
    }
  }
  tokens.push({ type: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === '\\') {
      const escaped = text[i + 1];
      const replacements: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      value += replacements[escaped] ?? escaped ?? '';
      i += 2;
      continue;
    }
    if (char === '$' && text[i + 1] === '{') {
      // An interpolation such as "${file("x")}" may hold quotes; keep it verbatim up to its closing brace.
      const close = interpolationEnd(text, i + 2);
      if (close < 0) break;
      value += text.slice(i, close);
      i = close;
      continue;
    }
    if (char === '"') return { value, end: i + 1 };
    if (char === '\n') break;
    value += char;
    i++;
  }
  throw new HclSyntaxError('unterminated string', { start, end: i });
}

/** Returns the offset after the `}` that closes an interpolation starting at `from`, or -1 at a line end. */
function interpolationEnd(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') return -1;
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Reads `<<MARKER` and `<<-MARKER` heredocs. For `<<-`, the indentation of the closing marker is
 * removed from every line that starts with it, as HCL 1 does.
 */
function readHeredoc(text: string, start: number): { value: string; end: number } {
  const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(text.slice(start, start + 200));
  if (!header) throw new HclSyntaxError('invalid heredoc header: expected <<MARKER or <<-MARKER followed by a line break', { start, end: start + 2 });
  const indented = header[1] === '-';
  const marker = header[2];
  const bodyStart = start + header[0].length;
  const lines = text.slice(bodyStart).split('\n');
  let offset = bodyStart;
  const body: string[] = [];
  for (const rawLine of lines) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === marker) {
      const indentation = indented ? /^[ \t]*/.exec(line)![0] : '';
      const value = body.map((bodyLine) => (indentation && bodyLine.startsWith(indentation) ? bodyLine.slice(indentation.length) : bodyLine));
      return { value: value.join('\n'), end: offset + line.length };
    }
    body.push(line);
    offset += rawLine.length + 1;
  }
  throw new HclSyntaxError(`heredoc "${marker}" is never closed: add a line that holds only ${marker}`, { start, end: Math.min(text.length, bodyStart) });
}
