import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import type { FileAnalysis, Finding } from '../../../src/engine/model';
import { analyze, analyzeFolder, applyFixAndReanalyse, CORPUS_DIR, CORPUS_SKIP, findingsOf, underlined } from '../helpers';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';

/** Analyses several files together and returns every analysis by path. */
function analyzeAll(files: Record<string, string>): Map<string, FileAnalysis> {
  const analyzer = new Analyzer();
  for (const [path, text] of Object.entries(files)) analyzer.update(path, text);
  return new Map(analyzer.analyzeAll().map((analysis) => [analysis.file, analysis]));
}

const OPERATOR_DEFAULT_CA = lines(
  'apiVersion: install.istio.io/v1alpha1',
  'kind: IstioOperator',
  'metadata:',
  '  name: control-plane',
  '  namespace: istio-system',
  'spec:',
  '  profile: default',
  '  values:',
  '    global:',
  '      logAsJson: true',
);

const CACERTS_SECRET = lines(
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: cacerts',
  '  namespace: istio-system',
  'type: Opaque',
  'stringData:',
  '  ca-cert.pem: "intermediate certificate"',
);

describe('istio/self-signed-root', () => {
  const ruleId = 'istio/self-signed-root';

  it('flags an IstioOperator with the default CA on global', () => {
    const findings = findingsOf(analyze(OPERATOR_DEFAULT_CA, 'operator.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(OPERATOR_DEFAULT_CA, findings[0]), 'global');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /istio-ca-secret/);
  });

  it('underlines an explicit ENABLE_CA_SERVER true in values', () => {
    const text = lines('meshConfig:', '  trustDomain: prod.example.com', 'env:', '  ENABLE_CA_SERVER: "true"');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '"true"');
  });

  it('flags a rendered istiod Deployment on its env list', () => {
    const text = lines(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: istiod',
      '  namespace: istio-system',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: discovery',
      '        image: docker.io/istio/pilot:1.24.0',
      '        env:',
      '        - name: PILOT_CERT_PROVIDER',
      '          value: istiod',
    );
    const findings = findingsOf(analyze(text, 'istiod.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'env');
  });

  it('accepts a cacerts Secret in another file', () => {
    const analyses = analyzeAll({ 'operator.yaml': OPERATOR_DEFAULT_CA, 'cacerts.yaml': CACERTS_SECRET });
    assert.equal(findingsOf(analyses.get('operator.yaml')!, ruleId).length, 0);
  });

  it('accepts ENABLE_CA_SERVER false, EXTERNAL_CA and caAddress', () => {
    const disabled = lines('env:', '  ENABLE_CA_SERVER: "false"');
    const external = lines('pilot:', '  env:', '    EXTERNAL_CA: ISTIOD_RA_KUBERNETES_API');
    const address = lines('global:', '  caAddress: cert-manager-istio-csr.cert-manager.svc:443');
    for (const text of [disabled, external, address]) assert.equal(findingsOf(analyze(text, 'values.yaml'), ruleId).length, 0, text);
  });

  it('treats a Helm placeholder as unknown', () => {
    const text = lines('global:', '  caAddress: {{ .Values.caAddress }}', 'env:', '  ENABLE_CA_SERVER: "true"');
    assert.equal(findingsOf(analyze(text, 'templates/values.yaml'), ruleId).length, 0);
  });

  it('ignores the chart defaults block', () => {
    const text = lines('_internal_defaults_do_not_set:', '  global:', '    caAddress: ""', '  env: {}');
    assert.equal(findingsOf(analyze(text, 'values.yaml'), ruleId).length, 0);
  });
});

describe('istio/multicluster-self-signed-root', () => {
  const ruleId = 'istio/multicluster-self-signed-root';
  const operator = lines(
    'apiVersion: install.istio.io/v1alpha1',
    'kind: IstioOperator',
    'metadata:',
    '  name: east',
    'spec:',
    '  values:',
    '    global:',
    '      meshID: mesh1',
    '      multiCluster:',
    '        clusterName: east-1',
    '      network: network1',
  );

  it('flags multicluster markers with a self-signed root', () => {
    const findings = findingsOf(analyze(operator, 'east.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(operator, findings[0]), 'mesh1');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /global\.network "network1"/);
  });

  it('accepts a multicluster mesh with a plug-in CA', () => {
    const analyses = analyzeAll({ 'east.yaml': operator, 'cacerts.yaml': CACERTS_SECRET });
    assert.equal(findingsOf(analyses.get('east.yaml')!, ruleId).length, 0);
  });

  it('ignores a single-cluster install', () => {
    assert.equal(findingsOf(analyze(OPERATOR_DEFAULT_CA, 'operator.yaml'), ruleId).length, 0);
  });
});

describe('istio/demo-ca-certs', () => {
  const ruleId = 'istio/demo-ca-certs';
  const secret = lines(
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: cacerts',
    '  namespace: istio-system',
    'stringData:',
    '  ca-cert.pem: "intermediate"',
    '  root-key.pem: "root key"',
    '  root-cert.pem: "root"',
  );

  it('flags a cacerts Secret holding the root key', () => {
    const findings = findingsOf(analyze(secret, 'cacerts.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(secret, findings[0]), 'root-key.pem');
    assert.equal(findings[0].severity, 'warning');
    assert.equal(findings[0].fixes[0].safe, true);
  });

  it('removes the root key with its fix', () => {
    const { fixed } = applyFixAndReanalyse(secret, ruleId, 'cacerts.yaml');
    assert.ok(!fixed.includes('root-key.pem'));
    assert.ok(fixed.includes('  root-cert.pem: "root"\n'));
  });

  it('flags a secretGenerator using the Makefile layout', () => {
    const text = lines(
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: istio-system',
      'secretGenerator:',
      '- name: cacerts',
      '  files:',
      '  - certs/cluster1/ca-cert.pem',
      '  - certs/cluster1/ca-key.pem',
      '  - certs/cluster1/root-cert.pem',
      '  - certs/cluster1/cert-chain.pem',
    );
    const findings = findingsOf(analyze(text, 'kustomization.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'certs/cluster1/ca-key.pem');
    assert.match(findings[0].message, /Makefile/);
  });

  it('accepts a cacerts Secret without the root key', () => {
    assert.equal(findingsOf(analyze(CACERTS_SECRET, 'cacerts.yaml'), ruleId).length, 0);
  });
});

describe('istio/default-trust-domain', () => {
  const ruleId = 'istio/default-trust-domain';
  const operator = lines(
    'apiVersion: install.istio.io/v1alpha1',
    'kind: IstioOperator',
    'metadata:',
    '  name: east',
    'spec:',
    '  meshConfig:',
    '    trustDomain: cluster.local # default',
    '  values:',
    '    global:',
    '      meshID: mesh1',
  );

  it('flags cluster.local in a multicluster install', () => {
    const findings = findingsOf(analyze(operator, 'east.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(operator, findings[0]), 'cluster.local');
    assert.equal(findings[0].severity, 'warning');
  });

  it('fixes it with a placeholder and an alias', () => {
    const { fixed } = applyFixAndReanalyse(operator, ruleId, 'east.yaml');
    assert.ok(fixed.includes('    trustDomain: change-me.example.com # default\n    trustDomainAliases:\n    - cluster.local\n'), fixed);
  });

  it('inserts trustDomain when it is unset', () => {
    const text = lines('meshConfig:', '  accessLogFile: /dev/stdout', 'global:', '  network: network1');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'meshConfig');
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'values.yaml');
    assert.ok(fixed.includes('  accessLogFile: /dev/stdout\n  trustDomain: change-me.example.com\n  trustDomainAliases:\n  - cluster.local\n'), fixed);
  });

  it('flags a trust domain that names the cluster', () => {
    const text = lines('meshConfig:', '  trustDomain: east-1.prod.example.com', 'global:', '  multiCluster:', '    clusterName: east-1');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /cluster name "east-1"/);
  });

  it('reads the rendered mesh ConfigMap and fixes inside it', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: istio',
      '  namespace: istio-system',
      'data:',
      '  mesh: |-',
      '    rootNamespace: istio-system',
      '    trustDomain: cluster.local',
      '---',
      'apiVersion: networking.istio.io/v1',
      'kind: WorkloadGroup',
      'metadata:',
      '  name: billing-vm',
      '  namespace: billing',
      'spec:',
      '  template:',
      '    serviceAccount: billing',
    );
    const findings = findingsOf(analyze(text, 'mesh.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'cluster.local');
    assert.match(findings[0].message, /WorkloadGroup/);
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'mesh.yaml');
    assert.ok(fixed.includes('    trustDomain: change-me.example.com\n    trustDomainAliases:\n    - cluster.local\n---'), fixed);
  });

  it('accepts an organisation trust domain', () => {
    const text = operator.replace('trustDomain: cluster.local', 'trustDomain: prod.example.com');
    assert.equal(findingsOf(analyze(text, 'east.yaml'), ruleId).length, 0);
  });

  it('accepts cluster.local in a single cluster', () => {
    assert.equal(findingsOf(analyze(lines('meshConfig:', '  trustDomain: cluster.local'), 'values.yaml'), ruleId).length, 0);
  });
});

const POLICY_WITH_TRUST_DOMAIN = lines(
  'apiVersion: security.istio.io/v1',
  'kind: AuthorizationPolicy',
  'metadata:',
  '  name: ledger',
  '  namespace: payments',
  'spec:',
  '  rules:',
  '  - from:',
  '    - source:',
  '        principals: ["prod.example.com/ns/payments/sa/checkout"]',
);

describe('istio/hard-coded-trust-domain', () => {
  const ruleId = 'istio/hard-coded-trust-domain';

  it('flags a principal with a specific trust domain', () => {
    const findings = findingsOf(analyze(POLICY_WITH_TRUST_DOMAIN, 'policy.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(POLICY_WITH_TRUST_DOMAIN, findings[0]), '"prod.example.com/ns/payments/sa/checkout"');
    assert.equal(findings[0].severity, 'warning');
  });

  it('rewrites the principal to cluster.local', () => {
    const { fixed } = applyFixAndReanalyse(POLICY_WITH_TRUST_DOMAIN, ruleId, 'policy.yaml');
    assert.ok(fixed.includes('principals: ["cluster.local/ns/payments/sa/checkout"]'));
  });

  it('offers no rewrite for another mesh\'s trust domain', () => {
    const mesh = lines('meshConfig:', '  trustDomain: payments.example.com');
    const analyses = analyzeAll({ 'policy.yaml': POLICY_WITH_TRUST_DOMAIN, 'values.yaml': mesh });
    const findings = findingsOf(analyses.get('policy.yaml')!, ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /not this mesh's trust domain \(payments\.example\.com\)/);
    assert.equal(findings[0].fixes.length, 0);
  });

  it('accepts a trust domain listed in trustDomainAliases', () => {
    const mesh = lines('meshConfig:', '  trustDomain: prod.example.com', '  trustDomainAliases:', '  - prod.example.com');
    const analyses = analyzeAll({ 'policy.yaml': POLICY_WITH_TRUST_DOMAIN, 'values.yaml': mesh });
    assert.equal(findingsOf(analyses.get('policy.yaml')!, ruleId).length, 0);
  });

  it('accepts cluster.local and wildcard principals', () => {
    const text = POLICY_WITH_TRUST_DOMAIN.replace('"prod.example.com/ns/payments/sa/checkout"', '"cluster.local/ns/payments/sa/checkout", "*/ns/payments/sa/audit"');
    assert.equal(findingsOf(analyze(text, 'policy.yaml'), ruleId).length, 0);
  });
});

describe('istio/peer-authentication-not-strict', () => {
  const ruleId = 'istio/peer-authentication-not-strict';
  const meshWide = lines(
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata:',
    '  name: default',
    '  namespace: istio-system',
    'spec:',
    '  mtls:',
    '    mode: PERMISSIVE # migration',
  );

  it('flags a PERMISSIVE mesh-wide policy as an error', () => {
    const findings = findingsOf(analyze(meshWide, 'pa.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(meshWide, findings[0]), 'PERMISSIVE');
    assert.equal(findings[0].severity, 'error');
    assert.equal(findings[0].fixes[0].safe, false);
  });

  it('switches the mode to STRICT', () => {
    const { fixed } = applyFixAndReanalyse(meshWide, ruleId, 'pa.yaml');
    assert.ok(fixed.includes('    mode: STRICT # migration\n'));
  });

  it('adds mtls to a mesh-wide policy without it', () => {
    const text = lines('apiVersion: security.istio.io/v1', 'kind: PeerAuthentication', 'metadata:', '  name: default', '  namespace: istio-system', 'spec:', '  portLevelMtls: {}');
    const findings = findingsOf(analyze(text, 'pa.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /UNSET/);
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'pa.yaml');
    assert.ok(fixed.includes('  mtls:\n    mode: STRICT'), fixed);
  });

  it('warns on a workload policy that disables mTLS', () => {
    const text = lines(
      'apiVersion: security.istio.io/v1',
      'kind: PeerAuthentication',
      'metadata:',
      '  name: legacy-db',
      '  namespace: billing',
      'spec:',
      '  selector:',
      '    matchLabels:',
      '      app: legacy-db',
      '  mtls:',
      '    mode: DISABLE',
    );
    const findings = findingsOf(analyze(text, 'pa.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'DISABLE');
    assert.equal(findings[0].severity, 'warning');
  });

  it('warns when an install has no mesh-wide policy', () => {
    const findings = findingsOf(analyze(OPERATOR_DEFAULT_CA, 'operator.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(OPERATOR_DEFAULT_CA, findings[0]), 'IstioOperator');
    assert.equal(findings[0].fixes.length, 0);
  });

  it('accepts STRICT mesh-wide policy next to the install', () => {
    const strict = meshWide.replace('PERMISSIVE', 'STRICT');
    const analyses = analyzeAll({ 'operator.yaml': OPERATOR_DEFAULT_CA, 'pa.yaml': strict });
    assert.equal(findingsOf(analyses.get('operator.yaml')!, ruleId).length, 0);
    assert.equal(findingsOf(analyses.get('pa.yaml')!, ruleId).length, 0);
  });
});

describe('istio/ip-based-authorization', () => {
  const ruleId = 'istio/ip-based-authorization';
  const ipOnly = lines(
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    '  name: ledger',
    '  namespace: payments',
    'spec:',
    '  action: ALLOW',
    '  rules:',
    '  - from:',
    '    - source:',
    '        ipBlocks:',
    '        - 10.12.0.0/16',
    '    to:',
    '    - operation:',
    '        methods: ["GET"]',
  );

  it('flags a source that admits by address only', () => {
    const findings = findingsOf(analyze(ipOnly, 'policy.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(ipOnly, findings[0]), 'ipBlocks');
    assert.equal(findings[0].severity, 'warning');
  });

  it('replaces ipBlocks with a principals skeleton', () => {
    const { fixed } = applyFixAndReanalyse(ipOnly, ruleId, 'policy.yaml');
    assert.ok(fixed.includes('        principals: ["cluster.local/ns/CALLER-NAMESPACE/sa/CALLER-SERVICE-ACCOUNT"]\n    to:'), fixed);
  });

  it('removes the address from a source that also names identities', () => {
    const text = ipOnly.replace('        ipBlocks:\n', '        principals: ["cluster.local/ns/web/sa/frontend"]\n        ipBlocks:\n');
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'policy.yaml');
    assert.ok(!fixed.includes('ipBlocks'));
    assert.ok(fixed.includes('principals: ["cluster.local/ns/web/sa/frontend"]\n    to:'), fixed);
  });

  it('flags a when condition on remote.ip', () => {
    const text = lines(
      'apiVersion: security.istio.io/v1',
      'kind: AuthorizationPolicy',
      'metadata:',
      '  name: admin',
      'spec:',
      '  rules:',
      '  - when:',
      '    - key: remote.ip',
      '      values: ["192.168.10.0/24"]',
    );
    const findings = findingsOf(analyze(text, 'policy.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'remote.ip');
  });

  it('ignores DENY policies', () => {
    assert.equal(findingsOf(analyze(ipOnly.replace('action: ALLOW', 'action: DENY'), 'policy.yaml'), ruleId).length, 0);
  });
});

const SELF_SIGNED_CHAIN = lines(
  'apiVersion: cert-manager.io/v1',
  'kind: Issuer',
  'metadata:',
  '  name: selfsigned',
  '  namespace: istio-system',
  'spec:',
  '  selfSigned: {}',
  '---',
  'apiVersion: cert-manager.io/v1',
  'kind: Certificate',
  'metadata:',
  '  name: istio-ca',
  '  namespace: istio-system',
  'spec:',
  '  isCA: true',
  '  secretName: istio-ca',
  '  issuerRef:',
  '    name: selfsigned',
  '    kind: Issuer',
  '---',
  'apiVersion: cert-manager.io/v1',
  'kind: Issuer',
  'metadata:',
  '  name: istio-ca',
  '  namespace: istio-system',
  'spec:',
  '  ca:',
  '    secretName: istio-ca',
);

const ISTIO_CSR_OPERATOR = lines(
  'apiVersion: install.istio.io/v1alpha1',
  'kind: IstioOperator',
  'metadata:',
  '  name: csr',
  '  namespace: istio-system',
  'spec:',
  '  values:',
  '    global:',
  '      caAddress: cert-manager-istio-csr.cert-manager.svc:443',
  '  components:',
  '    pilot:',
  '      k8s:',
  '        env:',
  '        - name: ENABLE_CA_SERVER',
  '          value: "false"',
);

describe('istio/istio-csr-self-signed-root', () => {
  const ruleId = 'istio/istio-csr-self-signed-root';

  it('names the in-cluster self-signed root behind istio-csr', () => {
    const analyses = analyzeAll({ 'operator.yaml': ISTIO_CSR_OPERATOR, 'issuers.yaml': SELF_SIGNED_CHAIN });
    const findings = findingsOf(analyses.get('operator.yaml')!, ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(ISTIO_CSR_OPERATOR, findings[0]), 'cert-manager-istio-csr.cert-manager.svc:443');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /Issuer\/selfsigned in istio-system/);
    assert.ok(findings[0].related.some((related) => related.file === 'issuers.yaml' && related.message.startsWith('in-cluster root')));
  });

  it('follows the issuer named in istio-csr values', () => {
    const csrValues = lines('app:', '  certmanager:', '    namespace: istio-system', '    issuer:', '      name: vault-issuer', '      kind: ClusterIssuer');
    const analyses = analyzeAll({ 'operator.yaml': ISTIO_CSR_OPERATOR, 'issuers.yaml': SELF_SIGNED_CHAIN, 'istio-csr.yaml': csrValues });
    assert.equal(findingsOf(analyses.get('operator.yaml')!, ruleId).length, 0);
  });

  it('stays silent when the issuer is not in the files', () => {
    assert.equal(findingsOf(analyze(ISTIO_CSR_OPERATOR, 'operator.yaml'), ruleId).length, 0);
  });
});

describe('istio/legacy-unknown-signer', () => {
  const ruleId = 'istio/legacy-unknown-signer';
  const operator = lines(
    'apiVersion: install.istio.io/v1alpha1',
    'kind: IstioOperator',
    'spec:',
    '  components:',
    '    pilot:',
    '      k8s:',
    '        env:',
    '        - name: EXTERNAL_CA',
    '          value: ISTIOD_RA_KUBERNETES_API',
    '        - name: K8S_SIGNER',
    '          value: kubernetes.io/legacy-unknown',
  );

  it('flags the Kubernetes legacy signer', () => {
    const findings = findingsOf(analyze(operator, 'operator.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(operator, findings[0]), 'kubernetes.io/legacy-unknown');
    assert.equal(findings[0].severity, 'info');
  });

  it('accepts a custom signer', () => {
    const text = operator.replace('kubernetes.io/legacy-unknown', 'clusterissuers.cert-manager.io/istio-system');
    assert.equal(findingsOf(analyze(text, 'operator.yaml'), ruleId).length, 0);
  });
});

describe('istio/multi-root-mesh', () => {
  const ruleId = 'istio/multi-root-mesh';
  const values = lines(
    'pilot:',
    '  env:',
    '    ISTIO_MULTIROOT_MESH: true',
    'meshConfig:',
    '  caCertificates:',
    '  - pem: "next root"',
  );

  it('reports a multi-root mesh as a hint', () => {
    const findings = findingsOf(analyze(values, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(values, findings[0]), 'caCertificates');
    assert.equal(findings[0].severity, 'hint');
    assert.match(findings[0].message, /without trustDomains or certSigners/);
  });

  it('ignores caCertificates without the flag', () => {
    assert.equal(findingsOf(analyze(values.replace('true', 'false'), 'values.yaml'), ruleId).length, 0);
  });
});

function corpusAnalyses(relativePaths: string[]): Map<string, FileAnalysis> {
  const files: Record<string, string> = {};
  for (const relative of relativePaths) files[relative] = readFileSync(join(CORPUS_DIR, relative), 'utf8');
  return analyzeAll(files);
}

function istioFindings(analysis: FileAnalysis | undefined): Finding[] {
  assert.ok(analysis, 'file was not analysed');
  return analysis.findings.filter((finding) => finding.system === 'istio');
}

describe('istio rules on the corpus', { skip: CORPUS_SKIP }, () => {
  const istioFiles = corpusAvailableFiles('istio');
  const issuer = 'cert-manager/website__content__docs__usage__istio-csr__example__example-issuer.yaml';

  it('finds the self-signed root of the rendered install', () => {
    const analyses = corpusAnalyses(istioFiles);
    const golden = istioFindings(analyses.get('istio/istio__operator__cmd__mesh__testdata__manifest-generate__output__pilot_default.golden.yaml'));
    assert.deepEqual(
      golden.map((finding) => finding.ruleId),
      ['istio/self-signed-root'],
    );
  });

  it('finds address-based rules in the authz test policy', () => {
    const analyses = corpusAnalyses(istioFiles);
    const findings = findingsOf(analyses.get('istio/istio__pilot__pkg__security__authz__builder__testdata__http__single-policy-in.yaml')!, 'istio/ip-based-authorization');
    assert.equal(findings.length, 5);
    assert.ok(findings.some((finding) => /remote\.ip/.test(finding.message)));
    assert.ok(findings.every((finding) => finding.dimension === 'identity-policy'));
  });

  it('links the istio-csr operators to the example self-signed issuer', () => {
    const analyses = corpusAnalyses([...istioFiles, issuer]);
    for (const name of [
      'istio/istio-csr__make__config__istio__istio-config-default.yaml',
      'istio/website__content__docs__usage__istio-csr__example__istio-config-getting-started.yaml',
      'istio/istio-csr__test__carotation__values__istio.yaml',
    ]) {
      const findings = findingsOf(analyses.get(name)!, 'istio/istio-csr-self-signed-root');
      assert.equal(findings.length, 1, name);
      assert.ok(findings[0].related.some((related) => related.file === issuer));
    }
  });

  it('stays silent on chart sources, templates and the SPIRE sample', () => {
    const analyses = corpusAnalyses(istioFiles);
    for (const name of [
      'istio/istio__manifests__charts__istio-control__istio-discovery__values.yaml',
      'istio/istio__manifests__charts__istio-control__istio-discovery__templates__deployment.yaml',
      'istio/istio__samples__security__spire__istio-spire-config.yaml',
      'istio/istio__tests__integration__security__testdata__authz__allow-trust-domain.yaml.tmpl',
      'istio/istio-csr__make__config__peer-authentication.yaml',
    ]) {
      assert.deepEqual(istioFindings(analyses.get(name)), [], name);
    }
  });
});

function corpusAvailableFiles(folder: string): string[] {
  return readdirSync(join(CORPUS_DIR, folder)).map((name) => `${folder}/${name}`);
}

const EXAMPLES = resolve(__dirname, '../../../../examples');

function exampleAnalyses(folder: string): FileAnalysis[] {
  return analyzeFolder(join(EXAMPLES, folder));
}

describe('istio example workspaces', () => {
  it('cluster-bound example triggers most Istio rules', () => {
    const ruleIds = new Set(exampleAnalyses('cluster-bound/istio').flatMap((analysis) => analysis.findings.filter((finding) => finding.system === 'istio').map((finding) => finding.ruleId)));
    for (const expected of [
      'istio/self-signed-root',
      'istio/multicluster-self-signed-root',
      'istio/demo-ca-certs',
      'istio/default-trust-domain',
      'istio/hard-coded-trust-domain',
      'istio/peer-authentication-not-strict',
      'istio/ip-based-authorization',
    ]) {
      assert.ok(ruleIds.has(expected), `${expected} not raised; got ${[...ruleIds].join(', ')}`);
    }
  });

  it('portable example raises no Istio error', () => {
    const errors = exampleAnalyses('portable/istio').flatMap((analysis) => analysis.findings.filter((finding) => finding.system === 'istio' && finding.severity === 'error'));
    assert.deepEqual(errors.map((finding) => `${finding.ruleId}: ${finding.message}`), []);
  });
});
