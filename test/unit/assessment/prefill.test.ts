import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runAssessment } from '../../../src/assessment/assess';
import type { AssessmentEvidence, Provenance } from '../../../src/assessment/evidence';
import { prefillAnswers, type Prefill } from '../../../src/assessment/prefill';
import { QUESTIONS } from '../../../src/assessment/questions';
import { CORPUS_SKIP, corpusFile } from '../helpers';
import { citedLine, evidenceOf, loadEstate } from './estates';

interface Expectation {
  option: string;
  /** Every cited line matches this. */
  everyLine: RegExp;
  /** Each of these matches at least one cited line. */
  someLine: RegExp[];
}

const CLUSTER_BOUND: Record<string, Expectation> = {
  'issuer.root-location': { option: 'in-cluster', everyLine: /\S/, someLine: [/selfSigned: \{\}/, /certs\/root-key\.pem/, /BEGIN CERTIFICATE/] },
  'issuer.survives-rebuild': { option: 'regenerated', everyLine: /\S/, someLine: [/certs\/root-key\.pem/, /type: emptyDir/, /secretName: mesh-root-tls/] },
  'recoverability.state': { option: 'ephemeral', everyLine: /emptyDir|keys_path|connection_string/, someLine: [/type: emptyDir/, /keys_path = /] },
  'lifetime.workload-credentials': { option: 'long-lived', everyLine: /service-account-token|secretRef|ttl/, someLine: [/type: kubernetes\.io\/service-account-token/, /ca_ttl = "8760h"/] },
  'policy.basis': { option: 'mixed', everyLine: /ipBlocks|cidr|10\.\d+\.0\.0\/16|NetworkAuthentication|default-inbound-policy|kind: AuthorizationPolicy/, someLine: [/ipBlocks:/, /cidr: 10\.12\.0\.0\/16/] },
  'policy.mtls': { option: 'not-required', everyLine: /PERMISSIVE|proxy:|defaultInboundPolicy/, someLine: [/mode: PERMISSIVE/] },
  'cross.trust-domain': { option: 'default', everyLine: /\S/, someLine: [/trustDomain: cluster\.local/, /trustDomain: example\.org/, /identityTrustDomain: ""/] },
  'cross.shared-root': { option: 'isolated', everyLine: /BEGIN CERTIFICATE|meshID/, someLine: [/meshID: payments/] },
  'cross.cloud-federation': {
    option: 'per-cluster-issuer',
    everyLine: /role-arn|client-id|service-account-issuer|kubernetes/,
    someLine: [/eks\.amazonaws\.com\/role-arn/, /azure\.workload\.identity\/client-id/, /service-account-issuer: https:\/\/kubernetes\.default\.svc/, /method: kubernetes/],
  },
};

const PORTABLE: Record<string, Expectation> = {
  'issuer.root-location': { option: 'external', everyLine: /vault:|awsPCA:|UpstreamAuthority "aws_pca"/, someLine: [/vault:/, /UpstreamAuthority "aws_pca"/] },
  'issuer.survives-rebuild': { option: 'same', everyLine: /vault:|awsPCA:|UpstreamAuthority "aws_pca"/, someLine: [/awsPCA:/] },
  'recoverability.state': { option: 'external', everyLine: /awsKMS:|KeyManager "aws_kms"/, someLine: [/KeyManager "aws_kms"/] },
  'lifetime.workload-credentials': { option: 'hours', everyLine: /^\s*[\w.-]+:/, someLine: [/identityTrustDomain: prod\.example\.com/] },
  'policy.basis': { option: 'identity', everyLine: /kind: (AuthorizationPolicy|PeerAuthentication|CiliumNetworkPolicy|MeshTLSAuthentication)/, someLine: [/kind: MeshTLSAuthentication/] },
  'policy.mtls': { option: 'required', everyLine: /kind: PeerAuthentication/, someLine: [] },
  'cross.trust-domain': { option: 'organisation', everyLine: /prod\.example\.com/, someLine: [/trust_domain = "prod\.example\.com"/] },
  'cross.shared-root': { option: 'federated', everyLine: /kind: ClusterFederatedTrustDomain/, someLine: [] },
  'cross.cloud-federation': { option: 'portable', everyLine: /https:\/\/oidc\.example\.com/, someLine: [] },
};

const PEOPLE_ONLY = QUESTIONS.filter((question) => question.peopleOnly).map((question) => question.id);

function checkCitations(questionId: string, prefill: Prefill, expectation: Expectation, files?: Record<string, string>): void {
  assert.ok(prefill.provenance.length > 0, `${questionId} is prefilled without provenance`);
  const lines = prefill.provenance.map((provenance) => citedLine(provenance, files));
  prefill.provenance.forEach((provenance, index) => {
    assert.equal(provenance.kind, 'file');
    assert.match(lines[index], expectation.everyLine, `${questionId} cites ${provenance.label}: "${lines[index].trim()}"`);
  });
  for (const pattern of expectation.someLine) {
    assert.ok(lines.some((line) => pattern.test(line)), `${questionId} cites no line matching ${pattern}; cited:\n${lines.join('\n')}`);
  }
}

/** A finding-based citation must sit on the first line of what the finding underlines. */
function checkFindingCitations(evidence: AssessmentEvidence, prefill: Prefill, questionId: string): void {
  const citedRules = prefill.reason.match(/[a-z-]+\/[a-z0-9-]+/g) ?? [];
  for (const ruleId of citedRules) {
    const ruleFindings = evidence.findings.filter((finding) => finding.ruleId === ruleId);
    if (ruleFindings.length === 0) continue;
    const cited = ruleFindings.some((finding) =>
      prefill.provenance.some((provenance) => provenance.kind === 'file' && provenance.file === finding.file && lineOf(evidence, finding.file, finding.range.start) === provenance.line),
    );
    assert.ok(cited, `${questionId} names ${ruleId} in its reason but cites none of its findings`);
  }
  for (const provenance of prefill.provenance) {
    if (provenance.kind !== 'file') continue;
    const onLine = evidence.findings.filter((finding) => finding.file === provenance.file && lineOf(evidence, finding.file, finding.range.start) === provenance.line);
    if (onLine.length === 0) continue;
    const text = evidence.workspace.get(provenance.file)!.text;
    const line = citedLine(provenance, { [provenance.file]: text });
    assert.ok(
      onLine.some((finding) => line.includes(text.slice(finding.range.start, finding.range.end).split('\n')[0].trim())),
      `${provenance.label} does not contain the key its finding underlines`,
    );
  }
}

function lineOf(evidence: AssessmentEvidence, file: string, offset: number): number {
  return evidence.workspace.get(file)!.lines.positionAt(offset).line + 1;
}

describe('prefill on examples/cluster-bound', () => {
  let evidence: AssessmentEvidence;
  let prefills: Record<string, Prefill>;
  before(async () => {
    evidence = await loadEstate('examples/cluster-bound');
    prefills = prefillAnswers(evidence);
  });

  for (const [questionId, expectation] of Object.entries(CLUSTER_BOUND)) {
    it(`${questionId} is ${expectation.option}`, () => {
      const prefill = prefills[questionId];
      assert.ok(prefill, `${questionId} was not prefilled`);
      assert.equal(prefill.option, expectation.option, prefill.reason);
      checkCitations(questionId, prefill, expectation);
      checkFindingCitations(evidence, prefill, questionId);
    });
  }

  it('leaves people-only questions unanswered', () => {
    for (const id of PEOPLE_ONLY) assert.equal(prefills[id], undefined, `${id} was prefilled`);
  });

  it('excludes an issuer Vault login from cloud federation', () => {
    const prefill = prefills['cross.cloud-federation'];
    assert.ok(!prefill.provenance.some((provenance) => provenance.kind === 'file' && provenance.file.endsWith('cert-manager/vault-issuer.yaml')), prefill.provenance.map((entry) => entry.label).join(', '));
  });
});

describe('prefill on examples/portable', () => {
  let evidence: AssessmentEvidence;
  let prefills: Record<string, Prefill>;
  before(async () => {
    evidence = await loadEstate('examples/portable');
    prefills = prefillAnswers(evidence);
  });

  for (const [questionId, expectation] of Object.entries(PORTABLE)) {
    it(`${questionId} is ${expectation.option}`, () => {
      const prefill = prefills[questionId];
      assert.ok(prefill, `${questionId} was not prefilled`);
      assert.equal(prefill.option, expectation.option, prefill.reason);
      checkCitations(questionId, prefill, expectation);
    });
  }

  it('leaves people-only questions unanswered', () => {
    for (const id of PEOPLE_ONLY) assert.equal(prefills[id], undefined, `${id} was prefilled`);
  });

  it('ignores a federated partner trust domain', () => {
    assert.doesNotMatch(prefills['cross.trust-domain'].reason, /partner\.example\.net/);
  });
});

describe('prefill without evidence', () => {
  it('prefills nothing on an empty workspace', () => {
    assert.deepEqual(prefillAnswers(evidenceOf({})), {});
  });

  it('prefills nothing for unrelated manifests', () => {
    const evidence = evidenceOf({ 'settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: strict\n' });
    assert.deepEqual(prefillAnswers(evidence), {});
  });

  it('reports every answer unknown in a full run', () => {
    const result = runAssessment(evidenceOf({}));
    for (const answer of result.answers) {
      assert.equal(answer.option, 'unknown', answer.questionId);
      assert.equal(answer.origin, 'unanswered', answer.questionId);
      assert.deepEqual(answer.provenance, []);
    }
    assert.equal(result.score.verdict, 'undetermined');
    assert.equal(result.score.decision, 'answer-more');
  });

  it('does not call a delegating configuration an external root', () => {
    // istio-csr only forwards requests to an issuer that these files do not show.
    const evidence = evidenceOf({
      'istio-csr.yaml': ['app:', '  certmanager:', '    issuer:', '      name: mesh-ca', '      kind: ClusterIssuer', '  tls:', '    trustDomain: prod.example.com', '    rootCAFile: /var/run/secrets/istio-csr/ca.pem', ''].join('\n'),
    });
    const prefills = prefillAnswers(evidence);
    assert.equal(prefills['issuer.root-location'], undefined, prefills['issuer.root-location']?.reason);
    assert.equal(prefills['issuer.survives-rebuild'], undefined);
  });
});

describe('prefill on corpus manifests', { skip: CORPUS_SKIP }, () => {
  const cases: { file: string; questionId: string; option: string | undefined; line?: RegExp }[] = [
    { file: 'cert-manager/website__content__docs__usage__istio-csr__example__example-issuer.yaml', questionId: 'issuer.root-location', option: 'in-cluster', line: /selfSigned/ },
    { file: 'k8s-identity/amazon-eks-pod-identity-webhook__hack__example-app.yaml', questionId: 'cross.cloud-federation', option: 'per-cluster-issuer', line: /eks\.amazonaws\.com\/role-arn/ },
    { file: 'k8s-identity/kubernetes-engine-samples__batch__airflow__airflow-sa.yaml', questionId: 'cross.cloud-federation', option: 'project-scoped', line: /iam\.gke\.io\/gcp-service-account/ },
    { file: 'k8s-identity/website__content__en__examples__secret__serviceaccount-token-secret.yaml', questionId: 'lifetime.workload-credentials', option: 'long-lived', line: /kubernetes\.io\/service-account-token/ },
    { file: 'network-policy/cilium__examples__policies__l3__cidr__cidr.yaml', questionId: 'policy.basis', option: 'network', line: /cidr/i },
    { file: 'istio/istio-csr__make__config__peer-authentication.yaml', questionId: 'policy.mtls', option: 'required', line: /PeerAuthentication/ },
    { file: 'linkerd/linkerd2__charts__linkerd-control-plane__values.yaml', questionId: 'policy.mtls', option: 'not-required', line: /all-unauthenticated/ },
    // Chart defaults name no external CA, so the root location stays unknown.
    { file: 'linkerd/linkerd2__charts__linkerd-control-plane__values.yaml', questionId: 'issuer.root-location', option: undefined },
    { file: 'istio/istio__manifests__charts__istio-control__istio-discovery__values.yaml', questionId: 'issuer.root-location', option: undefined },
    { file: 'cert-manager/csi-driver-spiffe__deploy__charts__csi-driver-spiffe__values.yaml', questionId: 'issuer.root-location', option: undefined },
    { file: 'cert-manager/csi-driver-spiffe__deploy__charts__csi-driver-spiffe__values.yaml', questionId: 'cross.trust-domain', option: 'default', line: /trustDomain: cluster\.local/ },
    { file: 'cert-manager/istio-csr__test__carotation__issuers__root-1.yaml', questionId: 'lifetime.workload-credentials', option: undefined },
  ];

  for (const testCase of cases) {
    it(`${testCase.file.split('/')[1].slice(0, 48)} ${testCase.questionId}`, () => {
      const files = { [testCase.file]: corpusFile(testCase.file) };
      const prefill = prefillAnswers(evidenceOf(files))[testCase.questionId];
      assert.equal(prefill?.option, testCase.option, prefill?.reason);
      if (!prefill || !testCase.line) return;
      const lines = prefill.provenance.map((provenance: Provenance) => citedLine(provenance, files));
      assert.ok(lines.some((line) => testCase.line!.test(line)), `no cited line matches ${testCase.line}:\n${lines.join('\n')}`);
    });
  }
});

describe('person answers over evidence', () => {
  let evidence: AssessmentEvidence;
  before(async () => {
    evidence = await loadEstate('examples/cluster-bound');
  });

  it('override wins and keeps evidence', () => {
    const result = runAssessment(evidence, { 'issuer.root-location': { option: 'external', note: 'Root moved to Vault last week.' } });
    const answer = result.answers.find((entry) => entry.questionId === 'issuer.root-location')!;
    assert.equal(answer.option, 'external');
    assert.equal(answer.origin, 'override');
    assert.equal(answer.evidenceOption, 'in-cluster');
    assert.equal(answer.note, 'Root moved to Vault last week.');
    assert.ok(answer.provenance.length > 0, 'the overridden evidence is still cited');
  });

  it('override changes the dimension score', () => {
    const withEvidence = runAssessment(evidence).score.dimensions.find((entry) => entry.dimension === 'issuer-independence')!;
    const overridden = runAssessment(evidence, { 'issuer.root-location': { option: 'external' }, 'issuer.survives-rebuild': { option: 'same' } }).score.dimensions.find(
      (entry) => entry.dimension === 'issuer-independence',
    )!;
    assert.equal(withEvidence.score, 0);
    assert.equal(overridden.score, 1);
  });

  it('agreeing answer is a person answer', () => {
    const answer = runAssessment(evidence, { 'policy.mtls': { option: 'not-required' } }).answers.find((entry) => entry.questionId === 'policy.mtls')!;
    assert.equal(answer.origin, 'person');
    assert.equal(answer.evidenceOption, undefined);
  });

  it('clearing an override restores evidence', () => {
    const overridden = runAssessment(evidence, { 'policy.mtls': { option: 'required' } });
    const cleared = runAssessment(evidence, {}, overridden);
    const answer = cleared.answers.find((entry) => entry.questionId === 'policy.mtls')!;
    assert.equal(answer.option, 'not-required');
    assert.equal(answer.origin, 'evidence');
    assert.equal(answer.evidenceOption, undefined);
    assert.deepEqual(cleared.changes?.answers.find((change) => change.questionId === 'policy.mtls'), { questionId: 'policy.mtls', before: 'required', after: 'not-required' });
  });

  it('unknown answer overrides evidence', () => {
    const answer = runAssessment(evidence, { 'cross.trust-domain': { option: 'unknown' } }).answers.find((entry) => entry.questionId === 'cross.trust-domain')!;
    assert.equal(answer.option, 'unknown');
    assert.equal(answer.origin, 'override');
    assert.equal(answer.evidenceOption, 'default');
  });
});
