import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import { applyEdits } from '../../../src/engine/fixes/edits';
import {
  canSuppressOnLine,
  fileSuppressionEdit,
  lineSuppressionEdit,
  placeholderRangeAfter,
  SUPPRESSION_REASON_PLACEHOLDER,
} from '../../../src/editor/suppress';

const RULE = 'service-accounts/legacy-token-secret';

const NESTED = [
  'items:',
  '  - apiVersion: v1',
  '    kind: Secret',
  '    metadata:',
  '      name: reporter-token',
  '    type: kubernetes.io/service-account-token',
  '',
].join('\n');

const PLAIN = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: reporter-token', 'type: kubernetes.io/service-account-token', ''].join('\r\n');

function analyse(text: string) {
  const analyzer = new Analyzer();
  analyzer.update('secret.yaml', text);
  return analyzer.analyze('secret.yaml');
}

describe('lineSuppressionEdit', () => {
  it('inserts at the line indentation', () => {
    const offset = NESTED.indexOf('type:');
    const edited = applyEdits(NESTED, [lineSuppressionEdit(NESTED, offset, RULE)]);
    assert.ok(edited.includes(`    # trust-anchor-disable-next-line ${RULE} -- ${SUPPRESSION_REASON_PLACEHOLDER}\n    type:`), edited);
  });

  it('suppresses the finding it targets', () => {
    assert.equal(analyse(PLAIN).findings.filter((finding) => finding.ruleId === RULE).length, 1);
    const edited = applyEdits(PLAIN, [lineSuppressionEdit(PLAIN, PLAIN.indexOf('kubernetes.io/service'), RULE)]);
    const after = analyse(edited);
    assert.equal(after.findings.filter((finding) => finding.ruleId === RULE).length, 0);
    assert.equal(after.suppressed.filter((finding) => finding.ruleId === RULE).length, 1);
    assert.deepEqual(after.notices.map((notice) => notice.code), []);
  });

  it('keeps CRLF line breaks', () => {
    const edit = lineSuppressionEdit(PLAIN, PLAIN.indexOf('type:'), RULE);
    assert.ok(edit.newText.endsWith('\r\n'));
  });
});

describe('fileSuppressionEdit', () => {
  it('suppresses the rule in the whole file', () => {
    const edited = applyEdits(PLAIN, [fileSuppressionEdit(PLAIN, RULE)]);
    assert.ok(edited.startsWith(`# trust-anchor-disable-file ${RULE} -- ${SUPPRESSION_REASON_PLACEHOLDER}\r\n`));
    assert.equal(analyse(edited).findings.filter((finding) => finding.ruleId === RULE).length, 0);
  });
});

describe('placeholderRangeAfter', () => {
  it('points at the reason text', () => {
    const edit = lineSuppressionEdit(NESTED, NESTED.indexOf('type:'), RULE);
    const range = placeholderRangeAfter(edit);
    assert.ok(range);
    assert.equal(applyEdits(NESTED, [edit]).slice(range.start, range.end), SUPPRESSION_REASON_PLACEHOLDER);
  });
});

describe('canSuppressOnLine', () => {
  const jsonConfig = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: spire-server',
    'data:',
    '  server.conf: |',
    '    {"server": {"trust_domain": "example.org"}}',
    '',
  ].join('\n');

  it('rejects lines inside embedded JSON', () => {
    const analyzer = new Analyzer();
    const file = analyzer.update('spire.yaml', jsonConfig);
    assert.equal(canSuppressOnLine(file, jsonConfig.indexOf('"trust_domain"')), false);
  });

  it('accepts plain YAML lines', () => {
    const analyzer = new Analyzer();
    const file = analyzer.update('spire.yaml', jsonConfig);
    assert.equal(canSuppressOnLine(file, jsonConfig.indexOf('name:')), true);
    assert.equal(canSuppressOnLine(undefined, 0), true);
  });
});
