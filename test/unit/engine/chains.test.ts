import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certificatesWritingSecret, chainRelated, issuerType, resolveIssuer, traceIssuerChain } from '../../../src/engine/chains';
import { parseManifestFile } from '../../../src/engine/manifest/parse';
import { WorkspaceIndex } from '../../../src/engine/workspace';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

function workspaceOf(files: Record<string, string>): WorkspaceIndex {
  return new WorkspaceIndex(Object.entries(files).map(([path, text]) => parseManifestFile(path, text)));
}

function issuer(kind: 'Issuer' | 'ClusterIssuer', name: string, spec: string[], namespace?: string): string {
  return lines('apiVersion: cert-manager.io/v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`, ...(namespace ? [`  namespace: ${namespace}`] : []), 'spec:', ...spec);
}

function certificate(name: string, namespace: string, secretName: string, issuerRef: string): string {
  return lines(
    'apiVersion: cert-manager.io/v1',
    'kind: Certificate',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  isCA: true',
    `  secretName: ${secretName}`,
    `  issuerRef: ${issuerRef}`,
  );
}

const SELF_SIGNED = issuer('ClusterIssuer', 'bootstrap', ['  selfSigned: {}']);
const ROOT = certificate('root', 'cert-manager', 'root-tls', '{name: bootstrap, kind: ClusterIssuer}');
const ROOT_CA = issuer('ClusterIssuer', 'root-ca', ['  ca:', '    secretName: root-tls']);

describe('traceIssuerChain', () => {
  it('follows a chain across three files to a selfSigned root', () => {
    const workspace = workspaceOf({ 'a/ca.yaml': ROOT_CA, 'b/root.yaml': ROOT, 'c/bootstrap.yaml': SELF_SIGNED });
    const chain = traceIssuerChain(workspace, { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'in-cluster-self-signed');
    assert.deepEqual(
      chain.steps.map((step) => step.document.file.path),
      ['a/ca.yaml', 'b/root.yaml', 'c/bootstrap.yaml'],
    );
    assert.equal(chain.summary, 'ClusterIssuer/root-ca (ca) → Certificate/root → ClusterIssuer/bootstrap (selfSigned)');
    assert.equal(chain.rootStep?.document.file.path, 'c/bootstrap.yaml');
    assert.equal(SELF_SIGNED.slice(chain.rootStep.range.start, chain.rootStep.range.end), 'bootstrap');
  });

  it('stops at an external Vault issuer', () => {
    const vault = issuer('ClusterIssuer', 'bootstrap', ['  vault:', '    server: https://vault.example.com', '    path: pki/sign/mesh', '    auth: {}']);
    const chain = traceIssuerChain(workspaceOf({ 'ca.yaml': ROOT_CA, 'root.yaml': ROOT, 'vault.yaml': vault }), { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'external');
    assert.equal(chain.rootStep?.description, 'ClusterIssuer/bootstrap (vault)');
  });

  it('treats an issuer of another API group as external', () => {
    const root = certificate('root', 'cert-manager', 'root-tls', '{name: org-pca, kind: AWSPCAClusterIssuer, group: awspca.cert-manager.io}');
    const chain = traceIssuerChain(workspaceOf({ 'ca.yaml': ROOT_CA, 'root.yaml': root }), { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'external');
    assert.match(chain.summary, /AWSPCAClusterIssuer\.awspca\.cert-manager\.io\/org-pca$/);
  });

  it('reports a missing issuer as unresolved', () => {
    const chain = traceIssuerChain(workspaceOf({ 'ca.yaml': ROOT_CA, 'root.yaml': ROOT }), { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'unresolved');
    assert.match(chain.summary, /ClusterIssuer\/bootstrap \(not in these files\)$/);
  });

  it('reports a CA Secret without producer as in-cluster-secret', () => {
    const chain = traceIssuerChain(workspaceOf({ 'ca.yaml': ROOT_CA }), { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'in-cluster-secret');
    assert.equal(chain.rootStep?.description, 'ClusterIssuer/root-ca (ca)');
  });

  it('stops at a loop and says so', () => {
    const looping = certificate('root', 'cert-manager', 'root-tls', '{name: root-ca, kind: ClusterIssuer}');
    const chain = traceIssuerChain(workspaceOf({ 'ca.yaml': ROOT_CA, 'root.yaml': looping }), { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.root, 'unresolved');
    assert.match(chain.summary, /loop/);
    assert.equal(chain.steps.length, 2);
  });

  it('resolves a namespaced Issuer only in its namespace', () => {
    const selfSigned = issuer('Issuer', 'bootstrap', ['  selfSigned: {}'], 'team-a');
    const root = certificate('root', 'team-b', 'root-tls', '{name: bootstrap, kind: Issuer}');
    const caIssuer = issuer('Issuer', 'root-ca', ['  ca: {secretName: root-tls}'], 'team-b');
    const chain = traceIssuerChain(workspaceOf({ 'ss.yaml': selfSigned, 'root.yaml': root, 'ca.yaml': caIssuer }), { name: 'root-ca' }, 'team-b');
    assert.equal(chain.root, 'unresolved');
    assert.match(chain.summary, /Issuer\/bootstrap \(not in these files\)$/);
  });

  it('prefers the producer in the cluster resource namespace', () => {
    const decoy = certificate('decoy', 'apps', 'root-tls', '{name: app-issuer, kind: Issuer}');
    const workspace = workspaceOf({ 'decoy.yaml': decoy, 'ca.yaml': ROOT_CA, 'root.yaml': ROOT, 'ss.yaml': SELF_SIGNED });
    const chain = traceIssuerChain(workspace, { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.equal(chain.steps[1].document.name, 'root');
    assert.equal(chain.root, 'in-cluster-self-signed');
  });

  it('ignores an Issuer kind from another API group', () => {
    const foreign = lines('apiVersion: example.com/v1', 'kind: ClusterIssuer', 'metadata:', '  name: bootstrap', 'spec:', '  selfSigned: {}');
    const workspace = workspaceOf({ 'ca.yaml': ROOT_CA, 'root.yaml': ROOT, 'foreign.yaml': foreign });
    assert.equal(resolveIssuer(workspace, { name: 'bootstrap', kind: 'ClusterIssuer' }, undefined), undefined);
    assert.equal(traceIssuerChain(workspace, { name: 'root-ca', kind: 'ClusterIssuer' }, undefined).root, 'unresolved');
  });
});

describe('chain helpers', () => {
  it('issuerType reads the issuer kind', () => {
    const workspace = workspaceOf({ 'ca.yaml': ROOT_CA, 'ss.yaml': SELF_SIGNED });
    assert.equal(issuerType(workspace.byKind('ClusterIssuer')[0]), 'ca');
    assert.equal(issuerType(workspace.byKind('ClusterIssuer')[1]), 'selfSigned');
  });

  it('certificatesWritingSecret filters by namespace', () => {
    const other = certificate('other', 'apps', 'root-tls', '{name: x}');
    const workspace = workspaceOf({ 'root.yaml': ROOT, 'other.yaml': other });
    assert.deepEqual(certificatesWritingSecret(workspace, 'root-tls', 'apps').map((document) => document.name), ['other']);
    assert.equal(certificatesWritingSecret(workspace, 'root-tls', undefined).length, 2);
    assert.equal(certificatesWritingSecret(workspace, 'missing', undefined).length, 0);
  });

  it('chainRelated skips the starting document and labels the root', () => {
    const workspace = workspaceOf({ 'ca.yaml': ROOT_CA, 'root.yaml': ROOT, 'ss.yaml': SELF_SIGNED });
    const chain = traceIssuerChain(workspace, { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    const related = chainRelated(chain, chain.steps[0].document);
    assert.deepEqual(
      related.map((location) => location.file),
      ['root.yaml', 'ss.yaml'],
    );
    assert.equal(related[1].message, 'in-cluster root: ClusterIssuer/bootstrap (selfSigned)');

    const secretRooted = traceIssuerChain(workspaceOf({ 'ca.yaml': ROOT_CA }), { name: 'root-ca', kind: 'ClusterIssuer' }, undefined);
    assert.match(chainRelated(secretRooted)[0].message, /^in-cluster root key in a Secret no Certificate writes/);
  });
});
