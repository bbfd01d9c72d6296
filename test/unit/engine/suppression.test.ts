import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../../src/engine/manifest/text';
import { findSuppressions } from '../../../src/engine/suppression';
import { analyze, findingsOf } from '../helpers';

const RULE = 'service-accounts/legacy-token-secret';

const secret = (typeLinePrefix = ''): string =>
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: build-robot-token',
    '  annotations:',
    '    kubernetes.io/service-account.name: build-robot',
    `${typeLinePrefix}type: kubernetes.io/service-account-token`,
    '',
  ].join('\n');

describe('findSuppressions', () => {
  it('reads scope, rule ids, reason and the covered line', () => {
    const text = 'a: 1\n# trust-anchor-disable-next-line one/rule, two/rule -- accepted for the demo\n\n# another comment\nb: 2\n';
    const [suppression] = findSuppressions(text, new LineIndex(text));
    assert.equal(suppression.scope, 'next-line');
    assert.deepEqual(suppression.ruleIds, ['one/rule', 'two/rule']);
    assert.equal(suppression.reason, 'accepted for the demo');
    assert.equal(suppression.targetLine, 4, 'blank and comment lines are skipped');
  });

  it('handles CRLF and a file-wide comment without a reason', () => {
    const text = 'x: 1 # trust-anchor-disable-file one/rule\r\ny: 2\r\n';
    const [suppression] = findSuppressions(text, new LineIndex(text));
    assert.equal(suppression.scope, 'file');
    assert.deepEqual(suppression.ruleIds, ['one/rule']);
    assert.equal(suppression.reason, undefined);
    assert.ok(!text.slice(suppression.range.start, suppression.range.end).includes('\r'));
  });

  it('finds nothing in a file without the marker', () => {
    const text = '# trust-anchor: not a suppression\na: 1\n';
    assert.deepEqual(findSuppressions(text, new LineIndex(text)), []);
  });
});

describe('suppression in analysis', () => {
  it('moves a finding on the next line to suppressed', () => {
    const text = secret(`# trust-anchor-disable-next-line ${RULE} -- rotated by the CI job\n`);
    const analysis = analyze(text);
    assert.equal(findingsOf(analysis, RULE).length, 0);
    assert.equal(analysis.suppressed.length, 1);
    assert.deepEqual(analysis.notices, []);
  });

  it('does not cover other lines', () => {
    const text = secret().replace('kind: Secret\n', `kind: Secret\n# trust-anchor-disable-next-line ${RULE} -- wrong line\n`);
    assert.equal(findingsOf(analyze(text), RULE).length, 1);
  });

  it('suppresses across the file with disable-file', () => {
    const text = `# trust-anchor-disable-file ${RULE} -- test fixture\n${secret()}`;
    const analysis = analyze(text);
    assert.equal(findingsOf(analysis, RULE).length, 0);
    assert.equal(analysis.suppressed.length, 1);
  });

  it('still suppresses without a reason but asks for one', () => {
    const analysis = analyze(secret(`# trust-anchor-disable-next-line ${RULE}\n`));
    assert.equal(analysis.suppressed.length, 1);
    assert.equal(analysis.notices.length, 1);
    assert.equal(analysis.notices[0].code, 'suppression-without-reason');
    assert.equal(analysis.notices[0].severity, 'info');
  });

  it('reports an unknown rule id and an empty id list', () => {
    const unknown = analyze(secret('# trust-anchor-disable-next-line no-such/rule -- typo\n'));
    assert.equal(findingsOf(unknown, RULE).length, 1);
    assert.equal(unknown.notices[0].code, 'suppression-unknown-rule');
    assert.match(unknown.notices[0].message, /Unknown rule id "no-such\/rule"/);

    const empty = analyze(secret('# trust-anchor-disable-next-line -- no ids\n'));
    assert.equal(empty.notices[0].code, 'suppression-unknown-rule');
    assert.match(empty.notices[0].message, /names no rule id/);
  });
});
