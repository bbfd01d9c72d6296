import type { SourceRange } from '../model';

/** Maps offsets to zero-based line and character positions and back. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10) starts.push(i + 1);
      else if (code === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): { line: number; character: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  offsetAt(line: number, character: number): number {
    if (line >= this.lineStarts.length) return this.text.length;
    return Math.min(this.lineStarts[Math.max(0, line)] + Math.max(0, character), this.lineEnd(line));
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** Offset of the end of `line`, before its line break. */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** One-based line and column of both ends, as SARIF and the CLI report them. */
  toOneBased(range: SourceRange): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
    const start = this.positionAt(range.start);
    const end = this.positionAt(range.end);
    return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  }
}

export type DecodeResult =
  | { ok: true; text: string; hadBom: boolean }
  | { ok: false; reason: 'binary' | 'invalid-encoding'; message: string };

/**
 * Decodes file bytes as UTF-8 the way VS Code does (a leading byte-order mark is dropped). Rejects
 * files that look binary (NUL bytes in the first 8 KiB) and files whose bytes are not valid UTF-8,
 * because offsets into a lossy decoding would underline the wrong text.
 */
export function decodeFileBytes(bytes: Uint8Array): DecodeResult {
  const head = bytes.subarray(0, Math.min(bytes.length, 8192));
  if (head.includes(0)) {
    return { ok: false, reason: 'binary', message: 'the file contains NUL bytes, so it is binary, not YAML' };
  }
  const invalidAt = firstInvalidUtf8Offset(bytes);
  if (invalidAt >= 0) {
    return {
      ok: false,
      reason: 'invalid-encoding',
      message: `the file is not valid UTF-8 (first invalid byte at offset ${invalidAt}); save it as UTF-8`,
    };
  }
  const hadBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = new TextDecoder('utf-8').decode(bytes);
  return { ok: true, text, hadBom };
}

/** Returns the offset of the first byte that breaks UTF-8, or -1 when all bytes are valid. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let minimum: number;
    if (lead >= 0xc2 && lead <= 0xdf) { length = 2; minimum = 0x80; }
    else if (lead >= 0xe0 && lead <= 0xef) { length = 3; minimum = 0x800; }
    else if (lead >= 0xf0 && lead <= 0xf4) { length = 4; minimum = 0x10000; }
    else return i;
    if (i + length > bytes.length) return i;
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}
