import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import { traceIssuerChain } from '../../../src/engine/chains';

const CA_ISSUER = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: mesh-ca
spec:
  ca:
    secretName: mesh-root
`;

const SELF_SIGNED_ROOT = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: bootstrap
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: mesh-root
  namespace: cert-manager
spec:
  isCA: true
  secretName: mesh-root
  issuerRef: {name: bootstrap, kind: ClusterIssuer}
`;

const VAULT_ROOT = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: bootstrap
spec:
  vault:
    server: https://vault.example.com
    path: pki/root/sign-intermediate
    auth:
      kubernetes: {role: cert-manager, serviceAccountRef: {name: cert-manager}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: mesh-root
  namespace: cert-manager
spec:
  isCA: true
  secretName: mesh-root
  issuerRef: {name: bootstrap, kind: ClusterIssuer}
`;

describe('reference resolution across estates', () => {
  const analyzer = new Analyzer();
  analyzer.update('estates/staging/ca.yaml', CA_ISSUER);
  analyzer.update('estates/staging/root.yaml', SELF_SIGNED_ROOT);
  analyzer.update('estates/prod/ca.yaml', CA_ISSUER);
  analyzer.update('estates/prod/root.yaml', VAULT_ROOT);

  it('resolves a chain within its own folder', () => {
    const staging = traceIssuerChain(analyzer.workspace, { name: 'mesh-ca', kind: 'ClusterIssuer' }, undefined, 'estates/staging/ca.yaml');
    assert.equal(staging.root, 'in-cluster-self-signed', staging.summary);
    assert.ok(staging.steps.every((step) => step.document.file.path.startsWith('estates/staging/')), staging.summary);

    const prod = traceIssuerChain(analyzer.workspace, { name: 'mesh-ca', kind: 'ClusterIssuer' }, undefined, 'estates/prod/ca.yaml');
    assert.equal(prod.root, 'external', prod.summary);
    assert.ok(prod.steps.every((step) => step.document.file.path.startsWith('estates/prod/')), prod.summary);
  });

  it('reports the self-signed chain only in the estate that has it', () => {
    const rule = 'cert-manager/self-signed-ca-chain';
    assert.equal(analyzer.analyze('estates/staging/ca.yaml').findings.filter((finding) => finding.ruleId === rule).length, 1);
    assert.equal(analyzer.analyze('estates/prod/ca.yaml').findings.filter((finding) => finding.ruleId === rule).length, 0);
  });

  it('finds by name nearest to the asking file', () => {
    const found = analyzer.workspace.find('ClusterIssuer', 'bootstrap', undefined, 'estates/prod/ca.yaml');
    assert.equal(found.length, 1);
    assert.equal(found[0].file.path, 'estates/prod/root.yaml');
  });
});

describe('template placeholders in references', () => {
  it('never links two blanked names', () => {
    const analyzer = new Analyzer();
    analyzer.update(
      'chart/templates/issuers.yaml',
      [
        'apiVersion: cert-manager.io/v1',
        'kind: ClusterIssuer',
        'metadata:',
        '  name: {{ .Values.aaa }}',
        'spec:',
        '  selfSigned: {}',
        '---',
        'apiVersion: cert-manager.io/v1',
        'kind: Certificate',
        'metadata:',
        '  name: root',
        '  namespace: cert-manager',
        'spec:',
        '  isCA: true',
        '  secretName: root',
        '  issuerRef:',
        '    name: {{ .Values.bbb }}',
        '    kind: ClusterIssuer',
        '---',
        'apiVersion: cert-manager.io/v1',
        'kind: ClusterIssuer',
        'metadata:',
        '  name: ca',
        'spec:',
        '  ca:',
        '    secretName: root',
        '',
      ].join('\n'),
    );
    const chain = traceIssuerChain(analyzer.workspace, { name: 'ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'unresolved', chain.summary);
    assert.equal(analyzer.analyze('chart/templates/issuers.yaml').findings.filter((finding) => finding.ruleId === 'cert-manager/self-signed-ca-chain').length, 0);
  });
});
