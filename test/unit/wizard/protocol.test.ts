import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExtensionMessage, parseWebviewMessage } from '../../../src/wizard/protocol';

describe('webview → extension messages', () => {
  const valid: unknown[] = [
    { type: 'ready' },
    { type: 'refresh' },
    { type: 'insertSnippet' },
    { type: 'answer', questionId: 'issuer.root-location', option: 'external' },
    { type: 'answer', questionId: 'events.drills', option: 'drilled', note: 'Drilled on 2026-11-02' },
    { type: 'clearAnswer', questionId: 'policy.mtls' },
    { type: 'step', step: 3 },
    { type: 'openProvenance', provenance: { kind: 'file', file: '/ws/a.yaml', line: 4, column: 3, label: '/ws/a.yaml:4' } },
    { type: 'openProvenance', provenance: { kind: 'cluster', source: 'prod/istio-system/ConfigMap/istio', label: 'prod/istio-system/ConfigMap/istio' } },
    { type: 'openRule', ruleId: 'istio/self-signed-root' },
    { type: 'export', format: 'markdown' },
    { type: 'export', format: 'json' },
  ];
  for (const message of valid) {
    it(`accepts ${JSON.stringify(message).slice(0, 60)}`, () => {
      assert.deepEqual(parseWebviewMessage(message), message);
    });
  }

  const invalid: [string, unknown][] = [
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { questionId: 'x' }],
    ['an unknown type', { type: 'runCommand', command: 'workbench.action.terminal.new' }],
    ['extra fields on ready', { type: 'ready', html: '<script>' }],
    ['a non-string option', { type: 'answer', questionId: 'issuer.root-location', option: 1 }],
    ['an id with spaces', { type: 'answer', questionId: 'issuer root', option: 'external' }],
    ['an oversized note', { type: 'answer', questionId: 'events.drills', option: 'drilled', note: 'x'.repeat(5000) }],
    ['a negative step', { type: 'step', step: -1 }],
    ['a fractional step', { type: 'step', step: 1.5 }],
    ['an unknown export format', { type: 'export', format: 'html' }],
    ['a provenance without line', { type: 'openProvenance', provenance: { kind: 'file', file: '/a', label: '/a' } }],
    ['a provenance of unknown kind', { type: 'openProvenance', provenance: { kind: 'url', source: 'https://example.com', label: 'x' } }],
  ];
  for (const [name, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(parseWebviewMessage(message), undefined);
    });
  }
});

describe('extension → webview messages', () => {
  it('accepts a well-formed state', () => {
    const message = {
      type: 'state',
      state: { questions: [], userAnswers: {}, result: { answers: [], score: {}, plan: [] }, step: 0, evidenceSummary: '3 files', busy: false },
    };
    assert.equal(parseExtensionMessage(message)?.type, 'state');
  });

  it('accepts export notices and errors', () => {
    assert.deepEqual(parseExtensionMessage({ type: 'exported', format: 'json', path: '/tmp/a.json' }), { type: 'exported', format: 'json', path: '/tmp/a.json' });
    assert.deepEqual(parseExtensionMessage({ type: 'error', message: 'failed' }), { type: 'error', message: 'failed' });
  });

  const invalid: [string, unknown][] = [
    ['an unknown type', { type: 'eval', code: 'alert(1)' }],
    ['a state without result', { type: 'state', state: { questions: [], userAnswers: {}, step: 0, evidenceSummary: '', busy: false } }],
    ['a state with a string step', { type: 'state', state: { questions: [], userAnswers: {}, result: { answers: [], score: {}, plan: [] }, step: '0', evidenceSummary: '', busy: false } }],
    ['an export with a numeric path', { type: 'exported', format: 'json', path: 3 }],
    ['an empty error', { type: 'error', message: '' }],
    ['undefined', undefined],
  ];
  for (const [name, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(parseExtensionMessage(message), undefined);
    });
  }
});
