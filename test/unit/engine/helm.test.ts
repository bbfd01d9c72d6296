import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findTemplateActions, isTemplatePlaceholder, neutraliseTemplate, TEMPLATE_FILL } from '../../../src/engine/manifest/helm';

const actionTexts = (text: string): string[] => findTemplateActions(text).map((range) => text.slice(range.start, range.end));

describe('findTemplateActions', () => {
  it('finds plain, trimmed and comment actions', () => {
    const text = 'a: {{ .Values.a }}\n{{- if .Values.b }}\n{{/* note: }} inside a comment */}}\nb: {{- .Values.b -}}\n{{- end }}\n';
    assert.deepEqual(actionTexts(text), ['{{ .Values.a }}', '{{- if .Values.b }}', '{{/* note: }} inside a comment */}}', '{{- .Values.b -}}', '{{- end }}']);
  });

  it('skips }} inside quoted strings of an action', () => {
    const text = 'a: {{ printf "%s}}" .Values.a }}\nb: {{ `raw }} text` }}\n';
    assert.deepEqual(actionTexts(text), ['{{ printf "%s}}" .Values.a }}', '{{ `raw }} text` }}']);
  });

  it('ends an unterminated quote at the line end', () => {
    const text = 'a: {{ "open }}\nb: plain\n';
    assert.deepEqual(actionTexts(text), ['{{ "open }}']);
  });

  it('runs an unterminated action to the end of the text', () => {
    const text = 'a: b\nc: {{ .Values.c\nd: e\n';
    assert.deepEqual(findTemplateActions(text), [{ start: text.indexOf('{{'), end: text.length }]);
  });
});

describe('neutraliseTemplate', () => {
  it('keeps the length and every line break', () => {
    const text = 'metadata:\n  name: {{ include "x" . }}\r\n{{- if .Values.y }}\n  labels: {{ toYaml .Values.labels\n    | nindent 4 }}\n{{- end }}\n';
    const { text: neutral } = neutraliseTemplate(text);
    assert.equal(neutral.length, text.length);
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\n' || text[i] === '\r') assert.equal(neutral[i], text[i], `line break at ${i}`);
    }
  });

  it('blanks action-only lines and fills inline actions', () => {
    const text = 'name: {{ .Values.name }}\n  {{- with .Values.x }}\n';
    const { text: neutral, actions } = neutraliseTemplate(text);
    assert.equal(actions.length, 2);
    assert.equal(neutral.split('\n')[0], `name: ${TEMPLATE_FILL.repeat('{{ .Values.name }}'.length)}`);
    assert.equal(neutral.split('\n')[1].trim(), '');
    assert.equal(isTemplatePlaceholder(neutral.split('\n')[0].slice(6)), true);
    assert.equal(isTemplatePlaceholder('plain-value'), false);
  });

  it('returns the text unchanged when there are no actions', () => {
    const text = 'a: b\n';
    assert.deepEqual(neutraliseTemplate(text), { text, actions: [] });
  });
});
