import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import { applyEdits } from '../../../src/engine/fixes/edits';
import type { Finding } from '../../../src/engine/model';
import { parseGoDuration } from '../../../src/engine/rules/cert-manager/shared';
import { analyze, analyzeFolder, applyFixAndReanalyse, assertOnlyEditedLinesChanged, CORPUS_SKIP, corpusFile, findingsOf, underlined } from '../helpers';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

const SELF_SIGNED_ISSUER = lines('apiVersion: cert-manager.io/v1', 'kind: ClusterIssuer', 'metadata:', '  name: bootstrap', 'spec:', '  selfSigned: {}');

const ROOT_CERTIFICATE = lines(
  'apiVersion: cert-manager.io/v1',
  'kind: Certificate',
  'metadata:',
  '  name: mesh-root',
  '  namespace: cert-manager',
  'spec:',
  '  isCA: true',
  '  commonName: mesh-root',
  '  secretName: mesh-root-tls',
  '  duration: 2160h',
  '  issuerRef:',
  '    name: bootstrap',
  '    kind: ClusterIssuer',
  '    group: cert-manager.io',
);

const CA_ISSUER = lines('apiVersion: cert-manager.io/v1', 'kind: ClusterIssuer', 'metadata:', '  name: mesh-ca', 'spec:', '  ca:', '    secretName: mesh-root-tls');

/** Analyses several files together and returns the findings of `ruleId` in `path`. */
function findingsIn(files: Record<string, string>, path: string, ruleId: string): Finding[] {
  const analyzer = new Analyzer();
  for (const [name, text] of Object.entries(files)) analyzer.update(name, text);
  return findingsOf(analyzer.analyze(path), ruleId);
}

describe('cert-manager/self-signed-ca-chain', () => {
  const ruleId = 'cert-manager/self-signed-ca-chain';

  it('flags a CA issuer whose chain spans three files', () => {
    const files = { 'issuers/ca.yaml': CA_ISSUER, 'issuers/bootstrap.yaml': SELF_SIGNED_ISSUER, 'certs/root.yaml': ROOT_CERTIFICATE };
    const findings = findingsIn(files, 'issuers/ca.yaml', ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(CA_ISSUER, findings[0]), 'mesh-root-tls');
    assert.equal(findings[0].severity, 'error');
    assert.equal(findings[0].dimension, 'issuer-independence');
    assert.match(findings[0].message, /ClusterIssuer "mesh-ca"/);
    assert.match(findings[0].message, /root Certificate "mesh-root", signed by the selfSigned ClusterIssuer "bootstrap"/);
    assert.deepEqual(
      findings[0].related.map((related) => related.file),
      ['certs/root.yaml', 'issuers/bootstrap.yaml'],
    );
    assert.match(findings[0].related[1].message, /^in-cluster root: ClusterIssuer\/bootstrap/);
    assert.equal(underlined(SELF_SIGNED_ISSUER, { ...findings[0], range: findings[0].related[1].range }), 'bootstrap');
  });

  it('follows an intermediate to the root', () => {
    const intermediate = lines(
      'apiVersion: cert-manager.io/v1',
      'kind: Certificate',
      'metadata:',
      '  name: mesh-intermediate',
      '  namespace: cert-manager',
      'spec:',
      '  isCA: true',
      '  secretName: mesh-intermediate-tls',
      '  issuerRef: {name: mesh-ca, kind: ClusterIssuer}',
      '---',
      'apiVersion: cert-manager.io/v1',
      'kind: ClusterIssuer',
      'metadata:',
      '  name: mesh-intermediate',
      'spec:',
      '  ca: {secretName: mesh-intermediate-tls}',
    );
    const files = { 'int.yaml': intermediate, 'ca.yaml': CA_ISSUER, 'root.yaml': ROOT_CERTIFICATE + '---\n' + SELF_SIGNED_ISSUER };
    const findings = findingsIn(files, 'int.yaml', ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(intermediate, findings[0]), 'mesh-intermediate-tls');
    assert.match(findings[0].message, /ClusterIssuer\/mesh-intermediate \(ca\) → Certificate\/mesh-intermediate → ClusterIssuer\/mesh-ca \(ca\) → Certificate\/mesh-root → ClusterIssuer\/bootstrap \(selfSigned\)/);
    assert.equal(findings[0].related.length, 4);
  });

  it('ignores a CA issuer whose root comes from Vault', () => {
    const vaultIssuer = lines(
      'apiVersion: cert-manager.io/v1',
      'kind: ClusterIssuer',
      'metadata:',
      '  name: bootstrap',
      'spec:',
      '  vault:',
      '    server: https://vault.example.com:8200',
      '    path: pki_int/sign/mesh',
      '    auth:',
      '      kubernetes: {role: cert-manager, serviceAccountRef: {name: cert-manager-vault}}',
    );
    const files = { 'ca.yaml': CA_ISSUER, 'root.yaml': ROOT_CERTIFICATE, 'vault.yaml': vaultIssuer };
    assert.equal(findingsIn(files, 'ca.yaml', ruleId).length, 0);
  });

  it('ignores a chain whose root is not in the files', () => {
    assert.equal(findingsIn({ 'ca.yaml': CA_ISSUER, 'root.yaml': ROOT_CERTIFICATE }, 'ca.yaml', ruleId).length, 0);
  });
});

describe('cert-manager/self-signed-root-issuer', () => {
  const ruleId = 'cert-manager/self-signed-root-issuer';

  it('flags a selfSigned issuer that signs a CA Certificate', () => {
    const findings = findingsIn({ 'bootstrap.yaml': SELF_SIGNED_ISSUER, 'root.yaml': ROOT_CERTIFICATE }, 'bootstrap.yaml', ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(SELF_SIGNED_ISSUER, findings[0]), 'selfSigned');
    assert.equal(findings[0].severity, 'info');
    assert.match(findings[0].message, /"mesh-root"/);
    assert.equal(findings[0].related[0].file, 'root.yaml');
  });

  it('ignores a selfSigned issuer used only for leaf certificates', () => {
    const leaf = ROOT_CERTIFICATE.replace('  isCA: true\n', '');
    assert.equal(findingsIn({ 'bootstrap.yaml': SELF_SIGNED_ISSUER, 'leaf.yaml': leaf }, 'bootstrap.yaml', ruleId).length, 0);
  });
});

describe('cert-manager/root-key-rotates', () => {
  const ruleId = 'cert-manager/root-key-rotates';
  const withIssuer = (certificate: string): string => `${certificate}---\n${SELF_SIGNED_ISSUER}`;

  it('flags an implicit rotationPolicy on the nearest existing key', () => {
    const text = withIssuer(ROOT_CERTIFICATE);
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'spec');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /Always by default since cert-manager 1\.18/);
  });

  it('adds privateKey with rotationPolicy Never', () => {
    const { fixed } = applyFixAndReanalyse(withIssuer(ROOT_CERTIFICATE), ruleId);
    assert.match(fixed, /\n {2}privateKey:\n {4}rotationPolicy: Never\n---\n/);
  });

  it('flags an explicit Always and replaces it', () => {
    const certificate = ROOT_CERTIFICATE.replace('  duration: 2160h\n', '  duration: 2160h\n  privateKey:\n    algorithm: ECDSA\n    rotationPolicy: Always # set by the platform team\n');
    const text = withIssuer(certificate);
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'Always');
    assert.equal(findings[0].fixes[0].safe, false);
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, /rotationPolicy: Never # set by the platform team/);
  });

  it('inserts into an existing flow privateKey', () => {
    const certificate = ROOT_CERTIFICATE.replace('  duration: 2160h\n', '  duration: 2160h\n  privateKey: {algorithm: ECDSA, size: 256}\n');
    const text = withIssuer(certificate);
    assert.equal(underlined(text, findingsOf(analyze(text), ruleId)[0]), 'privateKey');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, /privateKey: \{algorithm: ECDSA, size: 256, rotationPolicy: Never ?\}/);
  });

  it('ignores rotationPolicy Never', () => {
    const certificate = ROOT_CERTIFICATE.replace('  duration: 2160h\n', '  duration: 2160h\n  privateKey:\n    rotationPolicy: Never\n');
    assert.equal(findingsOf(analyze(withIssuer(certificate)), ruleId).length, 0);
  });

  it('ignores a root when a Bundle carries two roots', () => {
    const bundle = lines(
      'apiVersion: trust.cert-manager.io/v1alpha1',
      'kind: Bundle',
      'metadata:',
      '  name: mesh-roots',
      'spec:',
      '  sources:',
      '  - secret: {name: mesh-root-tls, key: ca.crt}',
      '  - configMap: {name: mesh-root-previous, key: root.pem}',
      '  target:',
      '    configMap: {key: roots.pem}',
    );
    assert.equal(findingsOf(analyze(withIssuer(ROOT_CERTIFICATE), 'root.yaml', { 'bundle.yaml': bundle }), ruleId).length, 0);
  });

  it('ignores a CA Certificate signed by a CA issuer', () => {
    const intermediate = ROOT_CERTIFICATE.replace('name: bootstrap', 'name: mesh-ca');
    assert.equal(findingsOf(analyze(intermediate, 'int.yaml', { 'ca.yaml': CA_ISSUER }), ruleId).length, 0);
  });
});

describe('cert-manager/hand-made-ca-secret', () => {
  const ruleId = 'cert-manager/hand-made-ca-secret';

  it('flags a CA issuer whose Secret is not in the files', () => {
    const findings = findingsOf(analyze(CA_ISSUER), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(CA_ISSUER, findings[0]), 'mesh-root-tls');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /not found in these files/);
  });

  it('names a hand-written Secret and points at it', () => {
    const secret = lines('apiVersion: v1', 'kind: Secret', 'metadata:', '  name: mesh-root-tls', '  namespace: cert-manager', 'type: kubernetes.io/tls');
    const findings = findingsOf(analyze(CA_ISSUER, 'ca.yaml', { 'secrets/mesh-root.yaml': secret }), ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /defined as a Secret in secrets\/mesh-root\.yaml/);
    assert.equal(findings[0].related[0].file, 'secrets/mesh-root.yaml');
  });

  it('ignores a Secret written by a Certificate', () => {
    assert.equal(findingsOf(analyze(CA_ISSUER, 'ca.yaml', { 'root.yaml': ROOT_CERTIFICATE }), ruleId).length, 0);
  });

  it('ignores a Secret synced by an ExternalSecret', () => {
    const externalSecret = lines(
      'apiVersion: external-secrets.io/v1',
      'kind: ExternalSecret',
      'metadata:',
      '  name: mesh-intermediate',
      '  namespace: cert-manager',
      'spec:',
      '  secretStoreRef: {name: vault, kind: ClusterSecretStore}',
      '  target: {name: mesh-root-tls}',
    );
    assert.equal(findingsOf(analyze(CA_ISSUER, 'ca.yaml', { 'es.yaml': externalSecret }), ruleId).length, 0);
  });
});

describe('cert-manager/leaf-ca-crt-trust', () => {
  const ruleId = 'cert-manager/leaf-ca-crt-trust';
  const leafCertificate = lines(
    'apiVersion: cert-manager.io/v1',
    'kind: Certificate',
    'metadata:',
    '  name: payments',
    '  namespace: shop',
    'spec:',
    '  secretName: payments-tls',
    '  dnsNames: [payments.shop.svc]',
    '  issuerRef: {name: mesh-ca, kind: ClusterIssuer}',
  );
  const deployment = (volume: string[], mounts: string[] = ['        - {name: peer-ca, mountPath: /etc/peer-ca}']): string =>
    lines(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: checkout',
      '  namespace: shop',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        image: registry.example.com/checkout:1.4.2',
      '        volumeMounts:',
      ...mounts,
      '      volumes:',
      ...volume,
    );

  it('flags a volume item that selects ca.crt', () => {
    const text = deployment(['      - name: peer-ca', '        secret:', '          secretName: payments-tls', '          items:', '          - key: ca.crt', '            path: ca.pem']);
    const findings = findingsOf(analyze(text, 'deploy.yaml', { 'cert.yaml': leafCertificate }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'ca.crt');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /Deployment "checkout" trusts ca\.crt from Secret "payments-tls", which Certificate "payments" writes/);
    assert.equal(findings[0].related[0].file, 'cert.yaml');
  });

  it('flags a subPath mount of ca.crt', () => {
    const text = deployment(['      - name: peer-ca', '        secret: {secretName: payments-tls}'], ['        - {name: peer-ca, mountPath: /etc/ssl/peer.pem, subPath: ca.crt}']);
    const findings = findingsOf(analyze(text, 'deploy.yaml', { 'cert.yaml': leafCertificate }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'ca.crt');
  });

  it('ignores a trust-manager bundle ConfigMap', () => {
    const text = deployment(['      - name: peer-ca', '        configMap: {name: mesh-roots}']);
    assert.equal(findingsOf(analyze(text, 'deploy.yaml', { 'cert.yaml': leafCertificate }), ruleId).length, 0);
  });

  it('ignores ca.crt of a Secret no Certificate writes', () => {
    const text = deployment(['      - name: peer-ca', '        secret:', '          secretName: partner-ca', '          items: [{key: ca.crt, path: ca.pem}]']);
    assert.equal(findingsOf(analyze(text, 'deploy.yaml', { 'cert.yaml': leafCertificate }), ruleId).length, 0);
  });

  it('flags istio-csr rootCAFile on a Certificate ca.crt', () => {
    const values = lines(
      'app:',
      '  certmanager:',
      '    issuer: {name: mesh-ca, kind: ClusterIssuer}',
      '  tls:',
      '    trustDomain: prod.example.com',
      '    rootCAFile: /var/run/secrets/istio-csr/ca.crt',
      'volumes:',
      '- name: root-ca',
      '  secret: {secretName: istiod-tls}',
      'volumeMounts:',
      '- name: root-ca',
      '  mountPath: /var/run/secrets/istio-csr',
    );
    const istiod = leafCertificate.replace('name: payments', 'name: istiod').replace('payments-tls', 'istiod-tls').replace('namespace: shop', 'namespace: istio-system');
    const findings = findingsOf(analyze(values, 'istio-csr-values.yaml', { 'istiod.yaml': istiod }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(values, findings[0]), '/var/run/secrets/istio-csr/ca.crt');
    assert.match(findings[0].message, /istio-csr app\.tls\.rootCAFile reads ca\.crt from Secret "istiod-tls"/);
  });
});

describe('cert-manager/vault-static-token', () => {
  const ruleId = 'cert-manager/vault-static-token';
  const vaultIssuer = (auth: string[]): string =>
    lines(
      'apiVersion: cert-manager.io/v1',
      'kind: Issuer',
      'metadata:',
      '  name: vault-issuer',
      '  namespace: payments',
      'spec:',
      '  vault:',
      '    server: https://vault.example.com:8200',
      '    path: pki_int/sign/payments',
      '    auth:',
      ...auth,
    );

  it('flags kubernetes.secretRef and uses the token Secret account', () => {
    const text = vaultIssuer(['      kubernetes:', '        role: payments', '        mountPath: /v1/auth/kubernetes', '        secretRef:', '          name: vault-issuer-token', '          key: token']);
    const tokenSecret = lines(
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: vault-issuer-token',
      '  namespace: payments',
      '  annotations:',
      '    kubernetes.io/service-account.name: vault-issuer',
      'type: kubernetes.io/service-account-token',
    );
    const analysis = analyze(text, 'issuer.yaml', { 'token.yaml': tokenSecret });
    const findings = findingsOf(analysis, ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'secretRef');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /Issuer "vault-issuer".*Secret "vault-issuer-token"/);
    const fix = findings[0].fixes[0];
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.match(fixed, /\n {8}serviceAccountRef:\n {10}name: vault-issuer\n$/);
    assert.equal(findingsOf(analyze(fixed, 'issuer.yaml', { 'token.yaml': tokenSecret }), ruleId).length, 0);
    assertOnlyEditedLinesChanged(text, fixed, fix.edits.map((edit) => edit.range));
  });

  it('fills a placeholder when the token Secret is unknown', () => {
    const text = vaultIssuer(['      kubernetes: {role: payments, secretRef: {name: vault-token, key: token}}']);
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, /kubernetes: \{role: payments, serviceAccountRef: \{name: <service-account-name>\}\}/);
  });

  it('flags tokenSecretRef and appRole secretRef', () => {
    const token = vaultIssuer(['      tokenSecretRef:', '        name: vault-token', '        key: token']);
    const tokenFindings = findingsOf(analyze(token), ruleId);
    assert.equal(tokenFindings.length, 1);
    assert.equal(underlined(token, tokenFindings[0]), 'tokenSecretRef');

    const appRole = vaultIssuer(['      appRole:', '        path: approle', '        roleId: 6a1d0c2e', '        secretRef: {name: vault-approle, key: secretId}']);
    const appRoleFindings = findingsOf(analyze(appRole), ruleId);
    assert.equal(appRoleFindings.length, 1);
    assert.equal(underlined(appRole, appRoleFindings[0]), 'secretRef');
    assert.match(appRoleFindings[0].message, /AppRole SecretID/);
  });

  it('ignores serviceAccountRef', () => {
    const text = vaultIssuer(['      kubernetes:', '        role: payments', '        serviceAccountRef:', '          name: vault-issuer']);
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('cert-manager/long-lived-root', () => {
  const ruleId = 'cert-manager/long-lived-root';

  it('parses Go durations', () => {
    assert.equal(parseGoDuration('87600h'), 87600 * 3600);
    assert.equal(parseGoDuration('1h30m'), 5400);
    assert.equal(parseGoDuration('2.5h'), 9000);
    assert.equal(parseGoDuration('90s'), 90);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('3650d'), undefined);
    assert.equal(parseGoDuration('h'), undefined);
    assert.equal(parseGoDuration('10y'), undefined);
  });

  it('flags a 10-year CA duration', () => {
    const text = ROOT_CERTIFICATE.replace('2160h', '87600h');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '87600h');
    assert.equal(findings[0].severity, 'info');
    assert.match(findings[0].message, /10 years/);
  });

  it('accepts five years and minute-based durations', () => {
    assert.equal(findingsOf(analyze(ROOT_CERTIFICATE.replace('2160h', '43800h')), ruleId).length, 0);
    assert.equal(findingsOf(analyze(ROOT_CERTIFICATE.replace('2160h', '2628001m')), ruleId).length, 1);
  });

  it('ignores a long leaf certificate', () => {
    const leaf = ROOT_CERTIFICATE.replace('  isCA: true\n', '').replace('2160h', '87600h');
    assert.equal(findingsOf(analyze(leaf), ruleId).length, 0);
  });
});

describe('cert-manager/csi-spiffe-cluster-bound', () => {
  const ruleId = 'cert-manager/csi-spiffe-cluster-bound';
  const values = (trustDomainLine: string): string =>
    lines('app:', '  logLevel: 1', trustDomainLine, '  issuer:', '    name: spiffe-ca', '    kind: ClusterIssuer', '  driver:', '    volumes: []').replace('\n\n', '\n');

  it('flags cluster.local and replaces it with a placeholder', () => {
    const text = values('  trustDomain: cluster.local # chart default');
    const findings = findingsOf(analyze(text, 'csi-values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'cluster.local');
    assert.equal(findings[0].severity, 'warning');
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'csi-values.yaml');
    assert.match(fixed, /trustDomain: change-me\.example\.com # chart default/);
  });

  it('flags the chart default when trustDomain is absent', () => {
    const text = lines('driverImage:', '  pullPolicy: IfNotPresent', 'app:', '  issuer:', '    name: spiffe-ca', '  driver:', '    volumes: []');
    const findings = findingsOf(analyze(text, 'csi-values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'app');
    assert.match(findings[0].message, /chart default cluster\.local/);
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'csi-values.yaml');
    assert.match(fixed, /\n {2}trustDomain: change-me\.example\.com\n$/);
  });

  it('flags an issuer that chains to a selfSigned root', () => {
    const text = values('  trustDomain: prod.example.com');
    const spiffeCa = CA_ISSUER.replace('name: mesh-ca', 'name: spiffe-ca');
    const findings = findingsOf(analyze(text, 'csi-values.yaml', { 'ca.yaml': spiffeCa, 'root.yaml': ROOT_CERTIFICATE, 'bootstrap.yaml': SELF_SIGNED_ISSUER }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'spiffe-ca');
    assert.match(findings[0].message, /selfSigned ClusterIssuer "bootstrap"/);
    assert.equal(findings[0].related.length, 3);
  });

  it('ignores an organisation trust domain', () => {
    assert.equal(findingsOf(analyze(values('  trustDomain: prod.example.com'), 'csi-values.yaml'), ruleId).length, 0);
  });
});

describe('cert-manager/istio-csr-root-unpinned', () => {
  const ruleId = 'cert-manager/istio-csr-root-unpinned';

  it('flags an empty rootCAFile on its key', () => {
    const text = lines('app:', '  certmanager:', '    namespace: istio-system', '  tls:', '    trustDomain: prod.example.com', '    rootCAFile: # /var/certs/ca.pem', '    certificateDuration: 1h');
    const findings = findingsOf(analyze(text, 'istio-csr.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'rootCAFile');
    assert.equal(findings[0].severity, 'warning');
  });

  it('names the in-cluster root of the issuer', () => {
    const text = lines('app:', '  certmanager:', '    issuer: {name: mesh-ca, kind: ClusterIssuer}', '  tls:', '    trustDomain: prod.example.com', '    certificateDuration: 1h');
    const findings = findingsOf(analyze(text, 'istio-csr.yaml', { 'ca.yaml': CA_ISSUER, 'root.yaml': ROOT_CERTIFICATE + '---\n' + SELF_SIGNED_ISSUER }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'tls');
    assert.match(findings[0].message, /selfSigned ClusterIssuer "bootstrap"/);
    assert.equal(findings[0].related.length, 3);
  });

  it('ignores a pinned root file', () => {
    const text = lines('app:', '  certmanager:', '    namespace: istio-system', '  tls:', '    rootCAFile: /var/run/secrets/istio-csr/ca.pem', '    certificateDuration: 1h');
    assert.equal(findingsOf(analyze(text, 'istio-csr.yaml'), ruleId).length, 0);
  });
});

describe('cert-manager/istio-csr-default-trust-domain', () => {
  const ruleId = 'cert-manager/istio-csr-default-trust-domain';

  it('flags cluster.local and replaces it', () => {
    const text = lines('app:', '  tls:', '    trustDomain: "cluster.local"', '    rootCAFile: /etc/istio-csr/root.pem');
    const findings = findingsOf(analyze(text, 'istio-csr.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '"cluster.local"');
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'istio-csr.yaml');
    assert.match(fixed, /trustDomain: "change-me\.example\.com"/);
  });

  it('ignores an organisation trust domain', () => {
    const text = lines('app:', '  tls:', '    trustDomain: prod.example.com', '    rootCAFile: /etc/istio-csr/root.pem');
    assert.equal(findingsOf(analyze(text, 'istio-csr.yaml'), ruleId).length, 0);
  });
});

describe('cert-manager/trust-bundle-single-root', () => {
  const ruleId = 'cert-manager/trust-bundle-single-root';
  const bundle = (sources: string[]): string =>
    lines('apiVersion: trust.cert-manager.io/v1alpha1', 'kind: Bundle', 'metadata:', '  name: mesh-roots', 'spec:', '  sources:', ...sources, '  target:', '    configMap: {key: roots.pem}');

  it('flags a Bundle with one source', () => {
    const text = bundle(['  - secret: {name: mesh-root-tls, key: ca.crt}']);
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'sources');
    assert.equal(findings[0].severity, 'hint');
  });

  it('ignores default CAs and counts two sources', () => {
    assert.equal(findingsOf(analyze(bundle(['  - useDefaultCAs: true', '  - configMap: {name: mesh-root, key: root.pem}'])), ruleId).length, 1);
    assert.equal(findingsOf(analyze(bundle(['  - configMap: {name: mesh-root, key: root.pem}', '  - configMap: {name: mesh-root-next, key: root.pem}'])), ruleId).length, 0);
    assert.equal(findingsOf(analyze(bundle(['  - configMap: {selector: {matchLabels: {mesh-root: "true"}}, key: root.pem}'])), ruleId).length, 0);
  });

  it('flags a ClusterBundle with one source', () => {
    const text = lines(
      'apiVersion: trust-manager.io/v1alpha2',
      'kind: ClusterBundle',
      'metadata:',
      '  name: mesh-roots',
      'spec:',
      '  sourceRefs:',
      '  - {kind: ConfigMap, name: mesh-root, key: root.pem}',
      '  target:',
      '    namespaceSelector: {matchLabels: {mesh: enabled}}',
    );
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'sourceRefs');
    assert.equal(findingsOf(analyze(text.replace('key: root.pem}', 'key: "*.pem"}')), ruleId).length, 0);
  });
});

describe('cert-manager rules on the corpus', { skip: CORPUS_SKIP }, () => {
  const folder = 'cert-manager';
  const idsIn = (name: string, others: string[] = []): string[] => {
    const otherFiles = Object.fromEntries(others.map((other) => [other, corpusFile(`${folder}/${other}`)]));
    return analyze(corpusFile(`${folder}/${name}`), name, otherFiles)
      .findings.filter((finding) => finding.system === 'cert-manager')
      .map((finding) => `${finding.ruleId}:${finding.severity}`)
      .sort();
  };

  it('csi-driver-spiffe example ClusterIssuer chain (BAD)', () => {
    assert.deepEqual(idsIn('csi-driver-spiffe__deploy__example__clusterissuer.yaml'), [
      'cert-manager/root-key-rotates:error',
      'cert-manager/self-signed-ca-chain:error',
      'cert-manager/self-signed-root-issuer:info',
    ]);
  });

  it('istio-csr documentation issuer (BAD)', () => {
    assert.deepEqual(idsIn('website__content__docs__usage__istio-csr__example__example-issuer.yaml'), [
      'cert-manager/long-lived-root:info',
      'cert-manager/root-key-rotates:error',
      'cert-manager/self-signed-ca-chain:error',
      'cert-manager/self-signed-root-issuer:info',
    ]);
  });

  it('carotation chain resolved across files', () => {
    const ids = idsIn('istio-csr__test__carotation__issuers__root-1.yaml', ['website__content__docs__usage__istio-csr__example__example-issuer.yaml']);
    assert.deepEqual(ids, ['cert-manager/root-key-rotates:error', 'cert-manager/self-signed-ca-chain:error', 'cert-manager/self-signed-ca-chain:error']);
    assert.deepEqual(idsIn('istio-csr__test__carotation__issuers__root-1.yaml'), []);
  });

  it('chart values files', () => {
    assert.deepEqual(idsIn('csi-driver-spiffe__deploy__charts__csi-driver-spiffe__values.yaml'), ['cert-manager/csi-spiffe-cluster-bound:warning']);
    assert.deepEqual(idsIn('istio-csr__deploy__charts__istio-csr__values.yaml'), [
      'cert-manager/istio-csr-default-trust-domain:warning',
      'cert-manager/istio-csr-root-unpinned:warning',
    ]);
    assert.deepEqual(idsIn('trust-manager__deploy__charts__trust-manager__values.yaml'), []);
  });

  it('pinned istio-csr root (GOOD) is not flagged', () => {
    assert.deepEqual(idsIn('istio-csr__test__carotation__values__istio-csr-1.yaml', ['istio-csr__test__carotation__issuers__root-1.yaml']), []);
  });

  it('single-CA trust bundle and ACME issuer', () => {
    assert.deepEqual(idsIn('website__content__docs__tutorials__getting-started-with-trust-manager__trust__bundle-one-ca.yaml'), ['cert-manager/trust-bundle-single-root:hint']);
    assert.deepEqual(idsIn('website__content__docs__tutorials__acme__example__production-issuer.yaml'), []);
  });

  it('templates and CRDs give no findings and no rule failures', () => {
    for (const name of [
      'istio-csr__deploy__charts__istio-csr__templates__certificate.yaml',
      'cert-manager__deploy__charts__cert-manager__templates__crd-cert-manager.io_certificates.yaml',
      'trust-manager__deploy__crds__trust.cert-manager.io_bundles.yaml',
    ]) {
      const analysis = analyze(corpusFile(`${folder}/${name}`), name);
      assert.deepEqual(analysis.findings.filter((finding) => finding.system === 'cert-manager'), [], name);
      assert.deepEqual(analysis.notices.filter((notice) => notice.message.includes('cert-manager/')), [], name);
    }
  });
});

describe('cert-manager example workspaces', () => {
  const examplesRoot = resolve(__dirname, '../../../../examples');

  function analyseFolder(folder: string): Finding[] {
    return analyzeFolder(folder).flatMap((analysis) => analysis.findings.filter((finding) => finding.system === 'cert-manager'));
  }

  it('cluster-bound example triggers most rules', () => {
    const ids = new Set(analyseFolder(join(examplesRoot, 'cluster-bound/cert-manager')).map((finding) => finding.ruleId));
    for (const id of [
      'cert-manager/self-signed-ca-chain',
      'cert-manager/root-key-rotates',
      'cert-manager/hand-made-ca-secret',
      'cert-manager/leaf-ca-crt-trust',
      'cert-manager/vault-static-token',
      'cert-manager/long-lived-root',
      'cert-manager/csi-spiffe-cluster-bound',
      'cert-manager/istio-csr-root-unpinned',
      'cert-manager/trust-bundle-single-root',
    ]) {
      assert.ok(ids.has(id), `${id} not raised by examples/cluster-bound/cert-manager`);
    }
  });

  it('portable example raises no error or warning', () => {
    const findings = analyseFolder(join(examplesRoot, 'portable/cert-manager'));
    assert.deepEqual(
      findings.filter((finding) => finding.severity === 'error' || finding.severity === 'warning').map((finding) => `${finding.ruleId} ${finding.file}`),
      [],
    );
  });
});
