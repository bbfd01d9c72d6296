import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/engine/model';
import { analyze, analyzeFolder, applyFixAndReanalyse, CORPUS_SKIP, corpusFile, findingsOf, underlined } from '../helpers';

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

describe('service-accounts/irsa-role', () => {
  const ruleId = 'service-accounts/irsa-role';
  const text = [
    'apiVersion: v1',
    'kind: ServiceAccount',
    'metadata:',
    '  name: exporter',
    '  namespace: billing',
    '  annotations:',
    '    # bound by the platform team',
    '    eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/exporter"',
    '    eks.amazonaws.com/sts-regional-endpoints: "true"',
    '  labels:',
    '    app: exporter',
    '',
  ].join('\n');

  it('flags the role annotation key', () => {
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'eks.amazonaws.com/role-arn');
    assert.equal(findings[0].severity, 'error');
    assert.equal(findings[0].dimension, 'cross-environment');
    assert.match(findings[0].message, /role\/exporter/);
  });

  it('removes only the annotation with its dots and slash', () => {
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.equal(fixed, text.replace('    eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/exporter"\n', ''));
  });

  it('removes the annotations map when the role was its only entry', () => {
    const only = text.replace('    eks.amazonaws.com/sts-regional-endpoints: "true"\n', '').replace('    # bound by the platform team\n', '');
    const { fixed } = applyFixAndReanalyse(only, ruleId);
    assert.equal(fixed, only.replace('  annotations:\n    eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/exporter"\n', ''));
  });

  it('fixes a flow-style annotations map', () => {
    const flow = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: exporter\n  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/x", team: billing}\n';
    const { fixed } = applyFixAndReanalyse(flow, ruleId);
    assert.match(fixed, /annotations: \{team: billing\}/);
  });

  it('ignores a ServiceAccount without IRSA', () => {
    assert.equal(findingsOf(analyze('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: plain\n'), ruleId).length, 0);
  });
});

describe('service-accounts/azure-workload-identity', () => {
  const ruleId = 'service-accounts/azure-workload-identity';

  it('flags the client-id annotation', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ledger\n  annotations:\n    azure.workload.identity/client-id: 11111111-2222-3333-4444-555555555555\n';
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'azure.workload.identity/client-id');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /11111111-2222/);
  });

  it('treats the key in a Helm template as evidence', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    azure.workload.identity/client-id: {{ .Values.clientId }}\n';
    const findings = findingsOf(analyze(text, 'chart/templates/sa.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'azure.workload.identity/client-id');
    assert.match(findings[0].message, /templated name/);
    assert.ok(!findings[0].message.includes('___'));
  });

  it('flags a workload label when the ServiceAccount is elsewhere, as a warning', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: todo}',
      'spec:',
      '  template:',
      '    metadata:',
      '      labels:',
      '        azure.workload.identity/use: "true"',
      '    spec:',
      '      serviceAccountName: todo-sa',
      '      automountServiceAccountToken: false',
      '      containers: [{name: api, image: api:1}]',
      '',
    ].join('\n');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'azure.workload.identity/use');
    assert.equal(findings[0].severity, 'warning');
    const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: todo-sa\n  annotations:\n    azure.workload.identity/client-id: abc\n';
    assert.equal(findingsOf(analyze(text, 'deploy.yaml', { 'sa.yaml': account }), ruleId).length, 0, 'the ServiceAccount finding covers it');
  });
});

describe('service-accounts/vault-kubernetes-auth', () => {
  const ruleId = 'service-accounts/vault-kubernetes-auth';

  it('flags a cert-manager Vault issuer with kubernetes auth', () => {
    const text = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: vault\nspec:\n  vault:\n    server: https://vault.example.com\n    path: pki/sign/web\n    auth:\n      kubernetes:\n        role: web\n        serviceAccountRef: {name: web}\n';
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'kubernetes');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /\/v1\/auth\/kubernetes \(default\)/);
  });

  it('flags a VaultAuth with method kubernetes', () => {
    const text = 'apiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultAuth\nmetadata:\n  name: app\nspec:\n  method: kubernetes\n  mount: k8s-west\n  kubernetes:\n    role: app\n    serviceAccount: app\n';
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'kubernetes');
    assert.ok(findings[0].range.start === text.indexOf('method: kubernetes') + 'method: '.length);
  });

  it('ignores AppRole auth', () => {
    const text = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: vault\nspec:\n  vault:\n    server: https://vault.example.com\n    path: pki/sign/web\n    auth:\n      appRole:\n        path: approle\n        roleId: abc\n        secretRef: {name: approle, key: secretId}\n';
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('service-accounts/in-cluster-issuer-url', () => {
  const ruleId = 'service-accounts/in-cluster-issuer-url';

  it('flags the first issuer of a static kube-apiserver Pod', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: kube-apiserver, namespace: kube-system}',
      'spec:',
      '  containers:',
      '    - name: kube-apiserver',
      '      image: registry.k8s.io/kube-apiserver:v1.30.4',
      '      command:',
      '        - kube-apiserver',
      '        - --service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '        - --service-account-key-file=/etc/kubernetes/pki/sa.pub',
      '',
    ].join('\n');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '--service-account-issuer=https://kubernetes.default.svc.cluster.local');
    assert.equal(findings[0].severity, 'warning');
  });

  it('accepts an in-cluster issuer kept second during migration', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: kube-apiserver}',
      'spec:',
      '  containers:',
      '    - name: kube-apiserver',
      '      command: [kube-apiserver, "--service-account-issuer=https://oidc.example.com", "--service-account-issuer=https://kubernetes.default.svc"]',
      '',
    ].join('\n');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });

  it('flags a kubeadm map-style issuer and the kubeadm default', () => {
    const explicit = 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    service-account-issuer: https://kubernetes.default.svc\n';
    const findings = findingsOf(analyze(explicit), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(explicit, findings[0]), 'https://kubernetes.default.svc');

    const implicit = 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  dnsDomain: corp.internal\napiServer:\n  extraArgs:\n    authorization-mode: Node,RBAC\n';
    const defaults = findingsOf(analyze(implicit), ruleId);
    assert.equal(defaults.length, 1);
    assert.equal(underlined(implicit, defaults[0]), 'extraArgs');
    assert.match(defaults[0].message, /https:\/\/kubernetes\.default\.svc\.corp\.internal/);
  });

  it('reads the kubeadm v1beta4 argument list', () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    - name: service-account-issuer\n      value: https://oidc.example.com/west\n';
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
    const local = text.replace('https://oidc.example.com/west', 'https://kubernetes.default.svc.cluster.local');
    const findings = findingsOf(analyze(local), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(local, findings[0]), 'https://kubernetes.default.svc.cluster.local');
  });
});

describe('service-accounts/long-lived-projected-token', () => {
  const ruleId = 'service-accounts/long-lived-projected-token';
  const pod = (token: string) =>
    ['apiVersion: v1', 'kind: Pod', 'metadata: {name: reporter}', 'spec:', '  automountServiceAccountToken: false', '  containers: [{name: app, image: app:1}]', '  volumes:', '    - name: ext', '      projected:', '        sources:', '          - serviceAccountToken:', token, ''].join('\n');

  it('flags a two-day token and lowers it to an hour', () => {
    const text = pod('              audience: vault\n              expirationSeconds: 172800 # two days\n              path: token');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '172800');
    assert.equal(findings[0].severity, 'info');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.equal(fixed, text.replace('172800 # two days', '3600 # two days'));
  });

  it('flags a token without audience', () => {
    const text = pod('              path: token');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'serviceAccountToken');
    assert.match(findings[0].message, /no audience/);
  });

  it('ignores a day-long audience-bound token and the API access volume', () => {
    assert.equal(findingsOf(analyze(pod('              audience: sts.amazonaws.com\n              expirationSeconds: 86400\n              path: token')), ruleId).length, 0);
    const apiAccess = pod('              path: token\n          - configMap:\n              name: kube-root-ca.crt');
    assert.equal(findingsOf(analyze(apiAccess), ruleId).length, 0);
  });
});

describe('service-accounts/automount-token', () => {
  const ruleId = 'service-accounts/automount-token';
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: shop',
    'spec:',
    '  template:',
    '    spec:',
    '      serviceAccountName: web',
    '      containers:',
    '        - name: web',
    '          image: web:1',
    '',
  ].join('\n');

  it('flags a pod spec that keeps the default and inserts false', () => {
    const findings = findingsOf(analyze(deployment), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(deployment, findings[0]), 'spec');
    assert.ok(findings[0].range.start > deployment.indexOf('template:'));
    assert.equal(findings[0].severity, 'info');
    assert.equal(findings[0].fixes[0].safe, false);
    const { fixed } = applyFixAndReanalyse(deployment, ruleId);
    assert.equal(fixed, deployment.replace('    spec:\n      serviceAccountName', '    spec:\n      automountServiceAccountToken: false\n      serviceAccountName'));
  });

  it('flags an explicit true in a CronJob and sets it to false', () => {
    const text = 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: "0 1 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          automountServiceAccountToken: true\n          containers: [{name: job, image: job:1}]\n';
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'true');
    applyFixAndReanalyse(text, ruleId);
  });

  it('ignores pods whose ServiceAccount disables the mount', () => {
    const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\nautomountServiceAccountToken: false\n';
    assert.equal(findingsOf(analyze(deployment, 'deploy.yaml', { 'sa.yaml': account }), ruleId).length, 0);
  });

  it('ignores a template whose pod spec holds actions', () => {
    const text = deployment.replace('      serviceAccountName: web\n', '      serviceAccountName: web\n      {{- with .Values.podSpecExtras }}{{ toYaml . | nindent 6 }}{{- end }}\n');
    assert.equal(findingsOf(analyze(text, 'chart/templates/deployment.yaml'), ruleId).length, 0);
  });
});

describe('service-accounts/gke-project-identity', () => {
  const ruleId = 'service-accounts/gke-project-identity';

  it('flags the annotation as a hint', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: airflow\n  annotations:\n    iam.gke.io/gcp-service-account: dags@proj.iam.gserviceaccount.com\n';
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'iam.gke.io/gcp-service-account');
    assert.equal(findings[0].severity, 'hint');
    assert.match(findings[0].message, /svc\.id\.goog/);
  });
});

describe('service-accounts corpus', { skip: CORPUS_SKIP }, () => {
  function corpusFindings(name: string): { text: string; findings: Finding[] } {
    const text = corpusFile(`k8s-identity/${name}`);
    return { text, findings: analyze(text, name).findings.filter((finding) => finding.system === 'service-accounts') };
  }
  const ids = (findings: Finding[]) => findings.map((finding) => finding.ruleId).sort();

  it('legacy token Secret in flow style (BAD)', () => {
    const { text, findings } = corpusFindings('website__content__en__examples__secret__serviceaccount-token-secret.yaml');
    assert.deepEqual(ids(findings), ['service-accounts/legacy-token-secret']);
    assert.equal(findings[0].dimension, 'credential-lifetime');
    assert.equal(underlined(text, findings[0]), '"kubernetes.io/service-account-token"');
  });

  it('IRSA example app', () => {
    const { text, findings } = corpusFindings('amazon-eks-pod-identity-webhook__hack__example-app.yaml');
    assert.deepEqual(ids(findings), ['service-accounts/automount-token', 'service-accounts/irsa-role']);
    assert.equal(underlined(text, findings.find((finding) => finding.ruleId === 'service-accounts/irsa-role')!), 'eks.amazonaws.com/role-arn');
  });

  it('Azure Workload Identity template and workloads', () => {
    const template = corpusFindings('aks-workload-identity__charts__workloadIdApp1__templates__serviceaccount.yaml');
    assert.deepEqual(ids(template.findings), ['service-accounts/azure-workload-identity']);
    const todo = corpusFindings('azure-ad-workload-identity__scripts__todolist.yml');
    assert.equal(todo.findings.filter((finding) => finding.ruleId === 'service-accounts/azure-workload-identity').length, 2);
  });

  it('GKE annotations are hints', () => {
    for (const name of ['kubernetes-engine-samples__batch__airflow__airflow-sa.yaml', 'kubernetes-engine-samples__databases__qdrant__manifests__05-rag__service-account.yaml']) {
      const { findings } = corpusFindings(name);
      assert.deepEqual(ids(findings), ['service-accounts/gke-project-identity'], name);
      assert.equal(findings[0].severity, 'hint');
    }
  });

  it('audience-bound two-hour projected token is accepted', () => {
    const { findings } = corpusFindings('website__content__en__examples__pods__pod-projected-svc-token.yaml');
    assert.deepEqual(ids(findings), ['service-accounts/automount-token']);
  });

  it('values files give no findings', () => {
    for (const name of ['aks-workload-identity__charts__workloadIdApp1__values.yaml', 'azure-workload-identity__charts__workload-identity-webhook__values.yaml']) {
      assert.deepEqual(corpusFindings(name).findings, [], name);
    }
  });
});

const EXAMPLES = resolve(__dirname, '../../../../examples');

function folderFindings(folder: string): Finding[] {
  return analyzeFolder(folder).flatMap((analysis) => analysis.findings).filter((finding) => finding.system === 'service-accounts');
}

describe('service-accounts examples', () => {
  it('cluster-bound estate triggers every service-account rule', () => {
    const found = new Set(folderFindings(join(EXAMPLES, 'cluster-bound/service-accounts')).map((finding) => finding.ruleId));
    for (const id of [
      'service-accounts/legacy-token-secret',
      'service-accounts/irsa-role',
      'service-accounts/azure-workload-identity',
      'service-accounts/vault-kubernetes-auth',
      'service-accounts/in-cluster-issuer-url',
      'service-accounts/long-lived-projected-token',
      'service-accounts/automount-token',
      'service-accounts/gke-project-identity',
    ]) {
      assert.ok(found.has(id), `${id} missing; got ${[...found].join(', ')}`);
    }
  });

  it('portable estate raises no service-account finding', () => {
    assert.deepEqual(folderFindings(join(EXAMPLES, 'portable/service-accounts')).map((finding) => `${finding.ruleId}: ${finding.message}`), []);
  });
});
