import type { SourceRange } from '../model';

/** Fill character for template actions that sit inside a YAML line (a key or a value). */
export const TEMPLATE_FILL = '_';

/** True when a value came from a neutralised template action, so its real content is unknown. */
export function isTemplatePlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.includes(TEMPLATE_FILL.repeat(5));
}

export interface NeutralisedTemplate {
  text: string;
  actions: SourceRange[];
}

/**
 * Finds Go template actions (`{{ ... }}`, including `{{- ... -}}` and `{{/* ... *\/}}`) and returns
 * text of the same length in which every action is blanked, so offsets into the result are offsets
 * into the original. Line breaks inside actions are kept. A line that holds only actions becomes
 * blank; an action inside a line becomes a run of `_`, so `image: {{ .Values.image }}` still parses
 * as a key with an opaque value.
 */
export function neutraliseTemplate(text: string): NeutralisedTemplate {
  const actions = findTemplateActions(text);
  if (actions.length === 0) return { text, actions };

  const chars = text.split('');
  for (const action of actions) {
    const lineStart = text.lastIndexOf('\n', action.start - 1) + 1;
    let lineEnd = text.indexOf('\n', action.end);
    if (lineEnd < 0) lineEnd = text.length;
    const fill = lineHoldsOnlyActions(text, lineStart, lineEnd, actions) ? ' ' : TEMPLATE_FILL;
    for (let i = action.start; i < action.end; i++) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) chars[i] = fill;
    }
  }
  return { text: chars.join(''), actions };
}

/** Returns the ranges of all `{{ ... }}` actions, skipping `}}` inside quoted strings and comments. */
export function findTemplateActions(text: string): SourceRange[] {
  const actions: SourceRange[] = [];
  let index = text.indexOf('{{');
  while (index >= 0) {
    const end = findActionEnd(text, index + 2);
    if (end < 0) {
      actions.push({ start: index, end: text.length });
      break;
    }
    actions.push({ start: index, end });
    index = text.indexOf('{{', end);
  }
  return actions;
}

function findActionEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const char = text[i];
    if (char === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return -1;
      i = close + 2;
      continue;
    }
    if (char === '"' || char === '`' || char === "'") {
      i = skipQuoted(text, i, char);
      continue;
    }
    if (char === '}' && text[i + 1] === '}') return i + 2;
    i++;
  }
  return -1;
}

function skipQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (char === quote) return i + 1;
    // An unterminated quote inside an action must not swallow the rest of the file.
    if (char === '\n' && quote !== '`') return i;
    // `}}` inside a string literal is text, unless the string is not closed on this line.
    if (char === '}' && text[i + 1] === '}' && quote !== '`' && !closesOnLine(text, i + 2, quote)) return i;
    i++;
  }
  return i;
}

function closesOnLine(text: string, from: number, quote: string): boolean {
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') return false;
    if (char === '\\') i++;
    else if (char === quote) return true;
  }
  return false;
}

function lineHoldsOnlyActions(text: string, lineStart: number, lineEnd: number, actions: SourceRange[]): boolean {
  let position = lineStart;
  for (const action of actions) {
    if (action.end <= lineStart) continue;
    if (action.start >= lineEnd) break;
    if (text.slice(position, Math.max(position, action.start)).trim() !== '') return false;
    position = Math.max(position, action.end);
  }
  const lastLineEnd = text.indexOf('\n', position);
  const tail = text.slice(position, lastLineEnd < 0 ? text.length : lastLineEnd);
  return tail.trim() === '';
}
