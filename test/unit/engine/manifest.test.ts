import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PARSE_OPTIONS, isTemplatePath, parseManifestFile } from '../../../src/engine/manifest/parse';
import { decodeFileBytes, firstInvalidUtf8Offset, LineIndex } from '../../../src/engine/manifest/text';

const slice = (text: string, range: { start: number; end: number } | undefined): string => (range ? text.slice(range.start, range.end) : '(none)');

describe('parseManifestFile', () => {
  it('reads kind, name and namespace of each document', () => {
    const text = [
      '# leading comment',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: robot',
      '  namespace: build',
      '---',
      '# only a comment',
      '---',
      'apiVersion: cert-manager.io/v1',
      'kind: ClusterIssuer',
      'metadata: {name: root}',
      '',
    ].join('\n');
    const file = parseManifestFile('multi.yaml', text);
    assert.deepEqual(file.notices, []);
    assert.deepEqual(
      file.documents.map((document) => [document.index, document.apiVersion, document.kind, document.name, document.namespace]),
      [
        [0, 'v1', 'ServiceAccount', 'robot', 'build'],
        [2, 'cert-manager.io/v1', 'ClusterIssuer', 'root', undefined],
      ],
    );
    assert.equal(slice(text, file.documents[1].tree.locate(['metadata', 'name'])), 'root');
  });

  it('recognises a values file by its keys', () => {
    const file = parseManifestFile('values.yaml', 'keyManager:\n  memory:\n    enabled: true\ndataStore:\n  sql:\n    databaseType: sqlite3\n');
    assert.deepEqual(file.documents[0].charts, ['spire-server']);
    assert.equal(file.documents[0].kind, undefined);
  });

  it('collects an embedded server.conf from a ConfigMap', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: spire-server\ndata:\n  server.conf: |\n    server {\n      trust_domain = "example.org"\n    }\n';
    const [document] = parseManifestFile('cm.yaml', text).documents;
    assert.equal(document.embedded.length, 1);
    assert.equal(document.embedded[0].role, 'spire-server');
  });

  it('treats {{ }} inside a plain value as text', () => {
    const text = 'spiffeIDTemplate: spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}\n';
    const file = parseManifestFile('values.yaml', text);
    assert.equal(file.isTemplate, false);
    assert.deepEqual(file.notices, []);
    assert.equal((file.documents[0].tree.value as Record<string, string>).spiffeIDTemplate, 'spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}');
  });

  it('neutralises a Helm template and keeps offsets into the original text', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include "app.fullname" . }}\n  {{- with .Values.labels }}\n  labels: {{ toYaml . | nindent 4 }}\n  {{- end }}\n';
    const file = parseManifestFile('chart/templates/sa.yaml', text);
    assert.equal(file.isTemplate, true);
    assert.deepEqual(file.notices, []);
    assert.equal(file.templateActions.length, 4);
    const [document] = file.documents;
    assert.equal(document.kind, 'ServiceAccount');
    assert.equal(slice(text, document.tree.locate(['metadata', 'name'])), '{{ include "app.fullname" . }}');
  });

  it('detects a template outside a templates folder when the raw text does not parse', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{{ toYaml .Values.data | indent 2 }}\n';
    const file = parseManifestFile('config.yaml', text);
    assert.equal(file.isTemplate, true);
    assert.equal(file.documents[0].kind, 'ConfigMap');
  });

  it('keeps documents after one with an unterminated quote', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "unterminated\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: after\n';
    const file = parseManifestFile('quotes.yaml', text);
    assert.equal(file.notices.length > 0, true);
    assert.ok(file.notices.every((notice) => notice.code === 'parse-error'));
    assert.deepEqual(file.documents.map((document) => document.name), ['after']);
    assert.equal(slice(text, file.documents[0].tree.locate(['metadata', 'name'])), 'after');
  });

  it('accepts nesting below the limit and rejects it above', () => {
    const deep = (levels: number): string => `root: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
    assert.deepEqual(parseManifestFile('ok.yaml', deep(200)).notices, []);
    const rejected = parseManifestFile('deep.yaml', deep(DEFAULT_PARSE_OPTIONS.maxNestingDepth + 1));
    assert.equal(rejected.notices[0].code, 'analysis-limit');

    const lines: string[] = [];
    for (let depth = 0; depth < 60; depth++) lines.push(`${'  '.repeat(depth)}- level${depth}:`);
    assert.deepEqual(parseManifestFile('crd-like.yaml', `${lines.join('\n')} leaf\n`).notices, []);
  });

  it('skips a file over maxFileBytes with one informational notice', () => {
    const file = parseManifestFile('big.yaml', `a: ${'x'.repeat(2000)}\n`, { ...DEFAULT_PARSE_OPTIONS, maxFileBytes: 1024 });
    assert.equal(file.notices.length, 1);
    assert.equal(file.notices[0].code, 'file-too-large');
    assert.equal(file.notices[0].severity, 'info');
    assert.match(file.notices[0].message, /^Skipped big\.yaml: 2\.0 KB is over the 1\.0 KB limit/);
    assert.equal(file.documents.length, 0);
  });

  it('knows template paths', () => {
    for (const path of ['chart/templates/a.yaml', 'x.yaml.tmpl', 'helpers.tpl', 'x.gotmpl']) assert.equal(isTemplatePath(path), true, path);
    for (const path of ['values.yaml', 'templates.yaml', 'a.golden']) assert.equal(isTemplatePath(path), false, path);
  });
});

describe('LineIndex', () => {
  it('handles LF, CRLF and CR line breaks', () => {
    const text = 'a\nbb\r\nccc\rdddd';
    const lines = new LineIndex(text);
    assert.equal(lines.lineCount, 4);
    assert.deepEqual([0, 1, 2, 3].map((line) => lines.lineText(line)), ['a', 'bb', 'ccc', 'dddd']);
    assert.deepEqual(lines.positionAt(text.indexOf('ccc') + 1), { line: 2, character: 1 });
    assert.equal(lines.offsetAt(3, 2), text.indexOf('dddd') + 2);
    assert.equal(lines.offsetAt(1, 99), text.indexOf('\r\n'), 'a column past the end stops before the line break');
    assert.deepEqual(lines.toOneBased({ start: text.indexOf('bb'), end: text.indexOf('ccc') + 3 }), { startLine: 2, startColumn: 1, endLine: 3, endColumn: 4 });
  });
});

describe('decodeFileBytes', () => {
  it('accepts UTF-8 with multi-byte characters and drops a BOM', () => {
    const result = decodeFileBytes(Buffer.from('\uFEFFname: caf\u00e9 \u{1F510}\n'));
    assert.deepEqual(result, { ok: true, text: 'name: caf\u00e9 \u{1F510}\n', hadBom: true });
  });

  it('rejects overlong, surrogate and truncated sequences at their offset', () => {
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xc0, 0x80])), 1, 'overlong NUL');
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80])), 2, 'UTF-16 surrogate');
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0x61, 0xe2, 0x82])), 1, 'truncated at the end');
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), 0, 'above U+10FFFF');
    assert.equal(firstInvalidUtf8Offset(Buffer.from('plain ascii')), -1);
  });

  it('rejects NUL bytes as binary', () => {
    const result = decodeFileBytes(new Uint8Array([0x61, 0x00]));
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.reason, 'binary');
  });
});
