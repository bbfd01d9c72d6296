import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, findingsOf, underlined } from '../helpers';

describe('service-accounts/legacy-token-secret', () => {
  const ruleId = 'service-accounts/legacy-token-secret';

  it('flags a service-account-token Secret on its type value', () => {
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: build-robot-token',
      '  annotations:',
      '    kubernetes.io/service-account.name: build-robot',
      'type: kubernetes.io/service-account-token',
      '',
    ].join('\n');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'kubernetes.io/service-account-token');
    assert.match(findings[0].message, /build-robot/);
    assert.equal(findings[0].severity, 'error');
  });

  it('ignores an Opaque Secret', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\n';
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});
