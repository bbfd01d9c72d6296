import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import {
  applyEdits,
  formatYamlScalar,
  insertEntry,
  insertLineAbove,
  insertNestedEntry,
  removeEntry,
  renameKey,
  replaceScalar,
} from '../../../src/engine/fixes/edits';
import type { TextEdit } from '../../../src/engine/model';
import { YamlTree } from '../../../src/engine/manifest/tree';

function treeOf(text: string): YamlTree {
  return new YamlTree(parseDocument(text, { keepSourceTokens: false }) as never, text);
}

function apply(text: string, edit: TextEdit | undefined): string {
  assert.ok(edit, 'an edit was produced');
  const result = applyEdits(text, [edit]);
  const reparsed = parseDocument(result);
  assert.deepEqual(reparsed.errors.map((error) => error.message), [], `edited text parses:\n${result}`);
  return result;
}

describe('formatYamlScalar', () => {
  it('quotes strings that would change type or meaning', () => {
    assert.equal(formatYamlScalar('prod.example.com'), 'prod.example.com');
    assert.equal(formatYamlScalar('true'), '"true"');
    assert.equal(formatYamlScalar('8760'), '"8760"');
    assert.equal(formatYamlScalar('a: b'), '"a: b"');
    assert.equal(formatYamlScalar(''), '""');
    assert.equal(formatYamlScalar('*alias'), '"*alias"');
    assert.equal(formatYamlScalar(24), '24');
    assert.equal(formatYamlScalar(false), 'false');
  });
});

describe('replaceScalar', () => {
  it('keeps double, single and plain quoting', () => {
    const text = 'spec:\n  a: "old"\n  b: \'old\'\n  c: old # comment\n';
    const tree = treeOf(text);
    assert.equal(apply(text, replaceScalar(text, tree, ['spec', 'a'], 'new')), 'spec:\n  a: "new"\n  b: \'old\'\n  c: old # comment\n');
    assert.equal(apply(text, replaceScalar(text, tree, ['spec', 'b'], "it's")), "spec:\n  a: \"old\"\n  b: 'it''s'\n  c: old # comment\n");
    assert.equal(apply(text, replaceScalar(text, tree, ['spec', 'c'], 'yes')), 'spec:\n  a: "old"\n  b: \'old\'\n  c: "yes" # comment\n');
    assert.equal(replaceScalar(text, tree, ['spec', 'missing'], 'x'), undefined);
  });
});

describe('insertEntry', () => {
  it('appends to a block mapping at its key indentation', () => {
    const text = 'spec:\n  duration: 24h\n  issuerRef:\n    name: ca\nstatus: {}\n';
    const result = apply(text, insertEntry(text, treeOf(text), ['spec'], 'renewBefore', '8h'));
    assert.equal(result, 'spec:\n  duration: 24h\n  issuerRef:\n    name: ca\n  renewBefore: 8h\nstatus: {}\n');
  });

  it('inserts at the start with position start', () => {
    const text = 'spec:\n  duration: 24h\n';
    assert.equal(apply(text, insertEntry(text, treeOf(text), ['spec'], 'isCA', 'true', 'start')), 'spec:\n  isCA: true\n  duration: 24h\n');
  });

  it('adds a multi-line value indented under the new key', () => {
    const text = 'spec:\n  duration: 24h\n';
    const result = apply(text, insertEntry(text, treeOf(text), ['spec'], 'privateKey', '\nrotationPolicy: Never\nalgorithm: ECDSA'));
    assert.equal(result, 'spec:\n  duration: 24h\n  privateKey:\n    rotationPolicy: Never\n    algorithm: ECDSA\n');
  });

  it('keeps CRLF line breaks', () => {
    const text = 'spec:\r\n  duration: 24h\r\nkind: Certificate\r\n';
    const result = apply(text, insertEntry(text, treeOf(text), ['spec'], 'renewBefore', '8h'));
    assert.equal(result, 'spec:\r\n  duration: 24h\r\n  renewBefore: 8h\r\nkind: Certificate\r\n');
  });

  it('adds to a flow mapping', () => {
    const text = 'metadata: {name: root, namespace: certs}\n';
    const result = apply(text, insertEntry(text, treeOf(text), ['metadata'], 'labels', '{}'));
    assert.deepEqual(parseDocument(result).toJS(), { metadata: { name: 'root', namespace: 'certs', labels: {} } });
  });

  it('adds to an empty flow mapping', () => {
    const text = 'metadata: {}\n';
    const result = apply(text, insertEntry(text, treeOf(text), ['metadata'], 'name', 'x'));
    assert.deepEqual(parseDocument(result).toJS(), { metadata: { name: 'x' } });
  });
});

describe('insertNestedEntry', () => {
  it('creates the missing intermediate mappings', () => {
    const text = 'spec:\n  isCA: true\n';
    const result = apply(text, insertNestedEntry(text, treeOf(text), ['spec'], ['privateKey'], 'rotationPolicy', 'Never'));
    assert.deepEqual(parseDocument(result).toJS(), { spec: { isCA: true, privateKey: { rotationPolicy: 'Never' } } });
  });
});

describe('removeEntry', () => {
  it('removes a block entry with all its lines and keeps comments above', () => {
    const text = 'spec:\n  # keep this comment\n  selfSigned:\n    crlDistributionPoints: []\n  ca:\n    secretName: root\n';
    assert.equal(apply(text, removeEntry(text, treeOf(text), ['spec', 'selfSigned'])), 'spec:\n  # keep this comment\n  ca:\n    secretName: root\n');
  });

  it('removes an entry whose value is a block scalar', () => {
    const text = 'data:\n  server.conf: |\n    server {}\n    plugins {}\n  other: x\n';
    assert.equal(apply(text, removeEntry(text, treeOf(text), ['data', 'server.conf'])), 'data:\n  other: x\n');
  });

  it('removes a flow entry and one comma', () => {
    const text = 'metadata: {name: root, namespace: certs}\n';
    const result = apply(text, removeEntry(text, treeOf(text), ['metadata', 'namespace']));
    assert.deepEqual(parseDocument(result).toJS(), { metadata: { name: 'root' } });
  });

  it('removes an entry that shares its line with a sequence dash', () => {
    const text = 'items:\n  - name: a\n    value: b\n';
    const result = apply(text, removeEntry(text, treeOf(text), ['items', 0, 'name']));
    assert.deepEqual(parseDocument(result).toJS(), { items: [{ value: 'b' }] });
  });
});

describe('renameKey and insertLineAbove', () => {
  it('renames a key in place', () => {
    const text = 'spec:\n  deploymentType: stateless\n';
    assert.equal(apply(text, renameKey(treeOf(text), ['spec', 'deploymentType'], 'kind')), 'spec:\n  kind: stateless\n');
  });

  it('inserts a line at the indentation of the target line', () => {
    const text = 'spec:\n  isCA: true\r\n';
    const edit = insertLineAbove(text, text.indexOf('isCA'), '# trust-anchor-disable-next-line x -- reason');
    assert.equal(applyEdits(text, [edit]), 'spec:\n  # trust-anchor-disable-next-line x -- reason\r\n  isCA: true\r\n');
  });
});

describe('applyEdits', () => {
  it('applies edits in any order and rejects overlaps', () => {
    const text = 'abcdef';
    assert.equal(applyEdits(text, [{ range: { start: 0, end: 1 }, newText: 'A' }, { range: { start: 4, end: 6 }, newText: 'EF' }]), 'AbcdEF');
    assert.throws(() => applyEdits(text, [{ range: { start: 0, end: 3 }, newText: 'x' }, { range: { start: 2, end: 4 }, newText: 'y' }]), /overlapping edits/);
  });
});
