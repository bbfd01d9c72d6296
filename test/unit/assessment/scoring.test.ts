import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUESTIONS } from '../../../src/assessment/questions';
import { mergeAnswers, scoreAnswers, type Answers, type Decision, type Verdict } from '../../../src/assessment/scoring';

function person(answers: Record<string, string>): Answers {
  return mergeAnswers({}, Object.fromEntries(Object.entries(answers).map(([id, option]) => [id, { option }])));
}

const PORTABLE_EVIDENCE = {
  'issuer.root-location': 'external',
  'issuer.survives-rebuild': 'same',
  'recoverability.state': 'external',
  'recoverability.recreate': 'yes-drilled',
  'lifetime.workload-credentials': 'hours',
  'policy.basis': 'identity',
  'policy.mtls': 'required',
  'cross.trust-domain': 'organisation',
  'cross.shared-root': 'shared',
  'cross.cloud-federation': 'portable',
  'events.drills': 'drilled-same-outcome',
  'events.move-tested': 'moved',
};

const CLUSTER_BOUND_EVIDENCE = {
  'issuer.root-location': 'in-cluster',
  'issuer.survives-rebuild': 'regenerated',
  'recoverability.state': 'pvc-only',
  'recoverability.recreate': 'no',
  'lifetime.workload-credentials': 'long-lived',
  'policy.basis': 'network',
  'policy.mtls': 'not-required',
  'cross.trust-domain': 'default',
  'cross.shared-root': 'isolated',
  'cross.cloud-federation': 'per-cluster-issuer',
  'events.drills': 'not-drilled',
  'events.move-tested': 'never',
};

/** Short-lived, auto-renewed credentials on a root that a rebuild regenerates. */
const RENEWING_LOCAL_ROOT = {
  ...CLUSTER_BOUND_EVIDENCE,
  'lifetime.workload-credentials': 'hours',
  'policy.basis': 'identity',
  'policy.mtls': 'required',
  'events.move-tested': 'renewal-only',
};

/** A local root that is backed up and restorable. */
const RECOVERABLE_LOCAL_ROOT = {
  ...RENEWING_LOCAL_ROOT,
  'recoverability.state': 'backed-up',
  'recoverability.recreate': 'yes-drilled',
};

interface Row {
  profile: string;
  evidence: Record<string, string>;
  verdict: Verdict;
  decision: Decision;
  renewalWarning: boolean;
}

const TABLE: Row[] = [
  { profile: 'multi-cluster-mesh', evidence: PORTABLE_EVIDENCE, verdict: 'portable', decision: 'keep', renewalWarning: false },
  { profile: 'multi-cluster-mesh', evidence: CLUSTER_BOUND_EVIDENCE, verdict: 'cluster-bound', decision: 'decouple-now', renewalWarning: false },
  { profile: 'multi-cluster-mesh', evidence: RENEWING_LOCAL_ROOT, verdict: 'cluster-bound', decision: 'decouple-now', renewalWarning: true },
  { profile: 'regulated', evidence: RECOVERABLE_LOCAL_ROOT, verdict: 'cluster-bound', decision: 'decouple-now', renewalWarning: true },
  { profile: 'shared-platform', evidence: CLUSTER_BOUND_EVIDENCE, verdict: 'cluster-bound', decision: 'decouple-now', renewalWarning: false },
  { profile: 'internal-platform', evidence: RENEWING_LOCAL_ROOT, verdict: 'cluster-bound', decision: 'plan-decoupling', renewalWarning: true },
  { profile: 'isolated-development', evidence: RECOVERABLE_LOCAL_ROOT, verdict: 'cluster-bound', decision: 'acceptable-if-recoverable', renewalWarning: true },
  { profile: 'isolated-development', evidence: CLUSTER_BOUND_EVIDENCE, verdict: 'cluster-bound', decision: 'make-recoverable', renewalWarning: false },
  { profile: 'isolated-development', evidence: PORTABLE_EVIDENCE, verdict: 'portable', decision: 'keep', renewalWarning: false },
];

describe('assessment scoring table', () => {
  for (const row of TABLE) {
    const name = `${row.profile} with ${row.evidence === PORTABLE_EVIDENCE ? 'portable' : row.evidence === CLUSTER_BOUND_EVIDENCE ? 'cluster-bound' : row.evidence === RENEWING_LOCAL_ROOT ? 'renewing local root' : 'recoverable local root'} evidence`;
    it(name, () => {
      const result = scoreAnswers(person({ 'context.environment': row.profile, ...row.evidence }));
      assert.equal(result.verdict, row.verdict);
      assert.equal(result.decision, row.decision);
      assert.equal(Boolean(result.renewalWarning), row.renewalWarning, result.renewalWarning ?? 'no renewal warning');
    });
  }

  it('partially cluster-bound when the root is external but trust is per cluster', () => {
    const result = scoreAnswers(
      person({
        'context.environment': 'internal-platform',
        ...PORTABLE_EVIDENCE,
        'cross.trust-domain': 'default',
        'cross.shared-root': 'isolated',
        'cross.cloud-federation': 'per-cluster-issuer',
        'events.move-tested': 'never',
      }),
    );
    assert.equal(result.verdict, 'partially-cluster-bound');
  });

  it('undetermined with no answers', () => {
    const result = scoreAnswers({});
    assert.equal(result.verdict, 'undetermined');
    assert.equal(result.decision, 'answer-more');
    assert.equal(result.answeredCount, 0);
  });

  it('weights cross-environment higher for a multi-cluster mesh than for isolated development', () => {
    const mesh = scoreAnswers(person({ 'context.environment': 'multi-cluster-mesh' })).dimensions.find((entry) => entry.dimension === 'cross-environment');
    const development = scoreAnswers(person({ 'context.environment': 'isolated-development' })).dimensions.find((entry) => entry.dimension === 'cross-environment');
    assert.ok(mesh && development);
    assert.ok(mesh.weight > development.weight, `${mesh.weight} <= ${development.weight}`);
  });

  it('lets a person override evidence and keeps the evidence visible', () => {
    const merged = mergeAnswers(
      { 'issuer.root-location': { option: 'in-cluster', reason: 'selfSigned issuer', provenance: [] } },
      { 'issuer.root-location': { option: 'external' } },
    );
    assert.equal(merged['issuer.root-location'].option, 'external');
    assert.equal(merged['issuer.root-location'].origin, 'user');
    assert.equal(merged['issuer.root-location'].prefill?.option, 'in-cluster');
  });

  it('ignores answers that are not options of the question', () => {
    const merged = mergeAnswers({}, { 'issuer.root-location': { option: 'somewhere' } });
    assert.equal(merged['issuer.root-location'], undefined);
  });

  it('has unique question ids and scored options for every dimension question', () => {
    assert.equal(new Set(QUESTIONS.map((question) => question.id)).size, QUESTIONS.length);
    for (const question of QUESTIONS.filter((candidate) => candidate.dimension !== 'context')) {
      assert.ok(question.options.some((option) => option.id === 'unknown'), `${question.id} lacks "unknown"`);
      assert.ok(question.options.filter((option) => option.score !== undefined).length >= 2, question.id);
      assert.ok(question.references.length > 0, `${question.id} cites no framework`);
    }
  });
});
