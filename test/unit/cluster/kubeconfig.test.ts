import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { contextEntries, isClientNodeLoaded, listContexts, loadKubeconfig, resolveKubeconfigPaths } from '../../../src/cluster';
import { ClusterError } from '../../../src/cluster/errors';
import { proxyFromEnvironment } from '../../../src/cluster/proxy';

const folder = mkdtempSync(join(tmpdir(), 'trust-anchor-kubeconfig-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
}

const first = write(
  'first.yaml',
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: shared',
    '  cluster: {server: "https://first.example:6443", certificate-authority: certs/ca.crt}',
    'users:',
    '- name: alice',
    '  user: {client-certificate: alice.crt, client-key: /abs/alice.key}',
    'contexts:',
    '- name: dev',
    '  context: {cluster: shared, user: alice, namespace: apps}',
    '',
  ].join('\n'),
);
const second = write(
  'second.yaml',
  [
    'clusters:',
    '- name: shared',
    '  cluster: {server: "https://second.example:6443"}',
    '- name: prod',
    '  cluster: {server: "https://prod.example:6443"}',
    'users:',
    '- name: bob',
    '  user:',
    '    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/login, args: [token]}',
    'contexts:',
    '- name: prod',
    '  context: {cluster: prod, user: bob}',
    'current-context: prod',
    '',
  ].join('\n'),
);

describe('kubeconfig resolution', () => {
  it('prefers KUBECONFIG over the settings and the default', () => {
    const location = resolveKubeconfigPaths({ kubeconfigEnv: `${first}:${second}`, setting: '/ignored', kubernetesExtensionSetting: '/ignored-too', pathDelimiter: ':', home: '/home/u' });
    assert.equal(location.origin, 'KUBECONFIG');
    assert.deepEqual(location.paths, [first, second]);
  });

  it('falls back to the setting, the Kubernetes extension, then ~/.kube/config', () => {
    assert.equal(resolveKubeconfigPaths({ setting: '~/a.yaml', home: '/home/u' }).paths[0], '/home/u/a.yaml');
    assert.equal(resolveKubeconfigPaths({ setting: ' ', kubernetesExtensionSetting: '/k/config', home: '/home/u' }).origin, 'vs-kubernetes.kubeconfig');
    assert.deepEqual(resolveKubeconfigPaths({ home: '/home/u' }), { paths: ['/home/u/.kube/config'], origin: 'default' });
  });
});

describe('kubeconfig merging', () => {
  const merged = loadKubeconfig({ paths: [first, join(folder, 'missing.yaml'), second], origin: 'KUBECONFIG' });

  it('keeps the first definition of each name', () => {
    assert.equal(merged.clusters.get('shared')?.value.server, 'https://first.example:6443');
    assert.equal(merged.clusters.get('prod')?.value.server, 'https://prod.example:6443');
  });

  it('takes current-context from the first file that sets it', () => {
    assert.equal(merged.currentContext, 'prod');
  });

  it('resolves relative paths against the defining file', () => {
    assert.equal(merged.clusters.get('shared')?.value['certificate-authority'], join(folder, 'certs/ca.crt'));
    assert.equal(merged.users.get('alice')?.value['client-certificate'], join(folder, 'alice.crt'));
    assert.equal(merged.users.get('alice')?.value['client-key'], '/abs/alice.key');
    assert.equal((merged.users.get('bob')?.value.exec as { command: string }).command, join(folder, 'bin/login'));
  });

  it('skips a missing file with a warning', () => {
    assert.equal(merged.files.length, 2);
    assert.match(merged.warnings.join('\n'), /missing\.yaml .*does not exist/);
  });

  it('lists contexts with server and exec use', () => {
    const contexts = listContexts(merged);
    assert.deepEqual(contexts.map((context) => context.name), ['dev', 'prod']);
    assert.equal(contexts[0].server, 'https://first.example:6443');
    assert.equal(contexts[0].namespace, 'apps');
    assert.equal(contexts[1].isCurrent, true);
    assert.equal(contexts[1].usesExecPlugin, true);
    assert.equal(contexts[0].usesExecPlugin, false);
  });

  it('names known contexts when one is missing', () => {
    assert.throws(() => contextEntries(merged, 'staging'), (error: ClusterError) => error.kind === 'config' && /"staging".*Known contexts: dev, prod/.test(error.message));
  });

  it('rejects a list with no existing file', () => {
    assert.throws(() => loadKubeconfig({ paths: [join(folder, 'nope.yaml')], origin: 'trustAnchor.kubeconfig' }), /No kubeconfig found: .*nope\.yaml does not exist \(from trustAnchor\.kubeconfig\)/);
  });

  it('rejects a file that is not a mapping', () => {
    const file = write('list.yaml', '- a\n- b\n');
    assert.throws(() => loadKubeconfig({ paths: [file], origin: 'KUBECONFIG' }), /is not a YAML mapping/);
  });

  it('does not load the Kubernetes client', () => {
    assert.equal(isClientNodeLoaded(), false);
  });
});

describe('proxy from environment', () => {
  const env = { HTTPS_PROXY: 'http://proxy.internal:3128', NO_PROXY: 'corp.example,.svc,10.0.0.0/8,192.168.1.5:6443' };

  it('proxies a remote API server', () => {
    assert.equal(proxyFromEnvironment('https://api.cloud.example:443', env), 'http://proxy.internal:3128');
  });

  it('never proxies loopback addresses', () => {
    assert.equal(proxyFromEnvironment('https://127.0.0.1:6443', env), undefined);
    assert.equal(proxyFromEnvironment('https://localhost:6443', env), undefined);
  });

  it('honours NO_PROXY names, suffixes, CIDRs and ports', () => {
    assert.equal(proxyFromEnvironment('https://api.corp.example', env), undefined);
    assert.equal(proxyFromEnvironment('https://kubernetes.default.svc', env), undefined);
    assert.equal(proxyFromEnvironment('https://10.1.2.3:6443', env), undefined);
    assert.equal(proxyFromEnvironment('https://192.168.1.5:6443', env), undefined);
    assert.equal(proxyFromEnvironment('https://192.168.1.5:7443', env), 'http://proxy.internal:3128');
  });

  it('proxies everything but NO_PROXY=* hosts', () => {
    assert.equal(proxyFromEnvironment('https://api.cloud.example', { ...env, NO_PROXY: '*' }), undefined);
  });
});
