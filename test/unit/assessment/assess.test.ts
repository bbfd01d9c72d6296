import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { runAssessment, validateUserAnswers, type AssessmentResult, type UserAnswers } from '../../../src/assessment/assess';
import type { AssessmentEvidence } from '../../../src/assessment/evidence';
import { toJson, toMarkdown } from '../../../src/assessment/report';
import { VERDICT_TITLES } from '../../../src/assessment/scoring';
import { DIMENSION_TITLES } from '../../../src/engine/model';
import { RULES_BY_ID } from '../../../src/engine/rules';
import { PACKAGE_ROOT, citedLine, loadEstate } from './estates';

const FIXED_TIME = new Date('2026-01-15T10:00:00Z');

function profile(environment: string): UserAnswers {
  return { 'context.environment': { option: environment } };
}

describe('assessment of both estates', () => {
  let clusterBound: AssessmentEvidence;
  let portable: AssessmentEvidence;
  before(async () => {
    clusterBound = await loadEstate('examples/cluster-bound');
    portable = await loadEstate('examples/portable');
  });

  const runs = [
    { estate: 'cluster-bound', environment: 'multi-cluster-mesh', verdict: 'cluster-bound', decision: 'decouple-now' },
    { estate: 'cluster-bound', environment: 'isolated-development', verdict: 'cluster-bound', decision: 'make-recoverable' },
    { estate: 'portable', environment: 'multi-cluster-mesh', verdict: 'portable', decision: 'keep' },
    { estate: 'portable', environment: 'isolated-development', verdict: 'portable', decision: 'keep' },
  ];
  for (const run of runs) {
    it(`${run.estate} as ${run.environment}`, () => {
      const result = runAssessment(run.estate === 'portable' ? portable : clusterBound, profile(run.environment), undefined, FIXED_TIME);
      assert.equal(result.score.verdict, run.verdict, result.score.reasons.join('\n'));
      assert.equal(result.score.decision, run.decision);
    });
  }

  it('cluster-bound explains the in-cluster root', () => {
    const { score } = runAssessment(clusterBound, profile('multi-cluster-mesh'));
    assert.ok(score.reasons.some((reason) => /generated or stored in the cluster/.test(reason)), score.reasons.join('\n'));
  });

  it('plan steps link rules with docs pages', () => {
    for (const evidence of [clusterBound, portable]) {
      const result = runAssessment(evidence);
      const steps = result.plan.flatMap((phase) => phase.steps);
      assert.ok(steps.length > 0);
      for (const step of steps) {
        assert.ok(RULES_BY_ID.has(step.ruleId), `plan names unknown rule ${step.ruleId}`);
        assert.equal(step.docsPath, `docs/rules/${step.ruleId}.md`);
        assert.ok(existsSync(resolve(PACKAGE_ROOT, step.docsPath)), `missing docs page ${step.docsPath}`);
        assert.ok(step.provenance.length > 0, `${step.ruleId} cites nothing`);
        assert.ok(step.occurrences >= step.provenance.length, `${step.ruleId} cites more places than it occurs`);
      }
    }
  });

  it('plan puts each step in its dimension phase', () => {
    const result = runAssessment(clusterBound);
    assert.deepEqual(result.plan.map((phase) => phase.phase), [1, 2, 3, 4, 5]);
    for (const phase of result.plan) {
      for (const step of phase.steps) assert.ok(phase.dimensions.includes(RULES_BY_ID.get(step.ruleId)!.dimension), `${step.ruleId} in phase ${phase.phase}`);
    }
    const phaseOf = (ruleId: string): number | undefined => result.plan.find((phase) => phase.steps.some((step) => step.ruleId === ruleId))?.phase;
    assert.equal(phaseOf('spire/key-store-not-persistent'), 1);
    assert.equal(phaseOf('istio/self-signed-root'), 2);
    assert.equal(phaseOf('istio/peer-authentication-not-strict'), 3);
    assert.equal(phaseOf('service-accounts/irsa-role'), 4);
  });

  it('rebuild impact names relying parties', () => {
    const { rebuildImpact } = runAssessment(clusterBound);
    assert.ok(rebuildImpact.regeneratedAnchors.some((anchor) => anchor.description.startsWith('istio/self-signed-root')));
    assert.ok(rebuildImpact.regeneratedAnchors.some((anchor) => anchor.description.startsWith('spire/memory-key-manager')));

    const kinds = rebuildImpact.relyingParties.map((party) => party.kind);
    for (const kind of ['cloud-iam', 'federated-trust-domain', 'vault', 'other-context'] as const) assert.ok(kinds.includes(kind), `no ${kind} in ${kinds.join(', ')}`);

    const cloud = rebuildImpact.relyingParties.find((party) => party.kind === 'cloud-iam')!;
    const cloudLines = cloud.provenance.map((provenance) => citedLine(provenance));
    assert.ok(cloudLines.some((line) => line.includes('eks.amazonaws.com/role-arn')), cloudLines.join('\n'));
    assert.ok(cloudLines.some((line) => line.includes('azure.workload.identity/client-id')), cloudLines.join('\n'));
    // GKE Workload Identity is project-scoped, so a rebuild does not break it.
    assert.ok(!cloudLines.some((line) => line.includes('iam.gke.io')), cloudLines.join('\n'));

    const federated = rebuildImpact.relyingParties.find((party) => party.kind === 'federated-trust-domain')!;
    assert.match(federated.description, /partner\.example\.net/);
    assert.match(citedLine(federated.provenance[0]), /kind: ClusterFederatedTrustDomain/);
  });

  it('portable rebuild regenerates nothing', () => {
    const { rebuildImpact } = runAssessment(portable);
    assert.deepEqual(rebuildImpact.regeneratedAnchors, []);
    assert.ok(!rebuildImpact.relyingParties.some((party) => party.kind === 'cloud-iam'));
  });

  it('inventory lists identities', () => {
    const { inventory } = runAssessment(clusterBound);
    const federation = Object.fromEntries(inventory.serviceAccounts.map((account) => [account.name, account.federation.join(' ')]));
    assert.match(federation['invoice-exporter'], /^AWS IRSA \(arn:aws:iam::111122223333:role\/invoice-exporter\)$/);
    assert.match(federation['ledger-sync'], /^Azure workload identity/);
    assert.match(federation['usage-reporter'], /^GKE Workload Identity/);
    for (const account of inventory.serviceAccounts) assert.match(citedLine(account.provenance), new RegExp(`name: ${account.name}`));

    assert.equal(inventory.spiffeIdTemplates.length, 1);
    assert.match(inventory.spiffeIdTemplates[0].template, /^spiffe:\/\/\{\{ \.TrustDomain \}\}\/cluster\/\{\{ \.ClusterName \}\}/);
    assert.match(citedLine(inventory.spiffeIdTemplates[0].provenance), /spiffeIDTemplate/);

    const certificates = Object.fromEntries(inventory.certificates.map((certificate) => [certificate.name, certificate]));
    assert.equal(certificates['mesh-root'].isCA, true);
    assert.equal(certificates['mesh-root'].duration, '87600h');
    assert.equal(certificates['mesh-root'].issuer, 'ClusterIssuer/bootstrap-selfsigned');
    assert.equal(certificates['linkerd-identity-issuer'].rotationPolicy, 'Always');
    assert.match(certificates['payments-api'].rotationPolicy, /^Always \(implicit/);
  });

  it('portable inventory has no federation bindings', () => {
    const { inventory } = runAssessment(portable);
    assert.ok(inventory.serviceAccounts.length > 0);
    for (const account of inventory.serviceAccounts) assert.deepEqual(account.federation, [], account.name);
    assert.equal(inventory.certificates.find((certificate) => certificate.name === 'mesh-intermediate-eu1')?.issuer, 'ClusterIssuer/org-vault');
  });

  it('changes against a previous result', () => {
    const previous = runAssessment(clusterBound, profile('multi-cluster-mesh'));
    const current = runAssessment(portable, profile('multi-cluster-mesh'), previous);
    assert.equal(current.changes?.verdictBefore, 'cluster-bound');
    assert.equal(current.changes?.verdictAfter, 'portable');
    const byId = new Map(current.changes!.answers.map((change) => [change.questionId, change]));
    assert.deepEqual(byId.get('issuer.root-location'), { questionId: 'issuer.root-location', before: 'in-cluster', after: 'external' });
    assert.equal(byId.has('context.environment'), false, 'unchanged answers are not listed');
    assert.equal(runAssessment(portable).changes, undefined);
  });
});

describe('assessment reports', () => {
  let result: AssessmentResult;
  before(async () => {
    const evidence = await loadEstate('examples/cluster-bound');
    const previous = runAssessment(evidence, profile('internal-platform'), undefined, FIXED_TIME);
    result = runAssessment(evidence, { ...profile('multi-cluster-mesh'), 'policy.mtls': { option: 'required', note: 'STRICT is rolled out next sprint.' } }, previous, FIXED_TIME);
  });

  it('markdown has verdict and dimensions', () => {
    const markdown = toMarkdown(result);
    assert.ok(markdown.includes(`**Verdict: ${VERDICT_TITLES['cluster-bound']}**`));
    for (const dimension of result.score.dimensions) assert.ok(markdown.includes(`| ${DIMENSION_TITLES[dimension.dimension]} |`), dimension.dimension);
    for (const phase of result.plan) assert.ok(markdown.includes(`### Phase ${phase.phase}: ${phase.title}`), phase.title);
    assert.ok(markdown.includes('(docs/rules/istio/self-signed-root.md)'));
    assert.ok(markdown.includes('## Changes since the last assessment'));
  });

  it('markdown shows provenance labels', () => {
    const markdown = toMarkdown(result);
    for (const answer of result.answers) {
      for (const provenance of answer.provenance) assert.ok(markdown.includes(`\`${provenance.label}\``), provenance.label);
    }
    assert.ok(markdown.includes('person (overrides evidence: not-required)'));
    assert.ok(markdown.includes('| evidence |'));
  });

  it('json round-trips with documented fields', () => {
    const parsed = JSON.parse(toJson(result)) as Record<string, unknown>;
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(result)));
    assert.equal(parsed.schemaVersion, 1);
    assert.equal(parsed.generatedAt, '2026-01-15T10:00:00.000Z');

    const documented = documentedFields();
    assert.deepEqual(Object.keys(parsed).filter((key) => key !== 'schemaVersion').sort(), [...documented.keys()].sort());

    // Fields without a value are left out, so each documented field must appear in some answer.
    const answers = parsed.answers as Record<string, unknown>[];
    for (const field of documented.get('answers')!) assert.ok(answers.some((answer) => field in answer), `answers[] lacks documented field ${field}`);
    const optional = documentedOptionalFields();
    for (const answer of answers) {
      for (const field of documented.get('answers')!) assert.ok(field in answer || optional.includes(field), `${String(answer.questionId)} lacks ${field}, which the doc does not call optional`);
    }
    const score = parsed.score as Record<string, unknown>;
    const scoreFields = new Set([...Object.keys(score), ...Object.keys((score.dimensions as Record<string, unknown>[])[0])]);
    for (const field of documented.get('score')!) assert.ok(scoreFields.has(field) || optional.includes(field), `score lacks documented field ${field}`);
    const scope = parsed.scope as Record<string, unknown>;
    assert.deepEqual(Object.keys(scope).sort(), [...documented.get('scope')!].sort());
    const step = (parsed.plan as { steps: Record<string, unknown>[] }[])[0].steps[0];
    for (const field of ['ruleId', 'title', 'system', 'occurrences', 'docsPath', 'quickFix', 'snippetSystem', 'provenance']) assert.ok(field in step, `plan step lacks ${field}`);
    const changes = parsed.changes as Record<string, unknown>;
    assert.deepEqual(Object.keys(changes).sort(), ['answers', 'verdictAfter', 'verdictBefore']);
  });
});

/** Reads the sentence of docs/assessment.md that lists the fields left out when they have no value. */
function documentedOptionalFields(): string[] {
  const doc = readFileSync(resolve(PACKAGE_ROOT, 'docs/assessment.md'), 'utf8');
  const sentence = /^Fields without a value are left out: (.*)\.$/m.exec(doc);
  assert.ok(sentence, 'docs/assessment.md does not list its optional fields');
  return [...sentence[1].matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1]);
}

/** Reads the JSON report table of docs/assessment.md: top-level field → backticked names in its row. */
function documentedFields(): Map<string, string[]> {
  const doc = readFileSync(resolve(PACKAGE_ROOT, 'docs/assessment.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## JSON report'));
  const fields = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const row = /^\| `([a-zA-Z]+)(?:\[\])?` \| (.*) \|$/.exec(line);
    if (!row) continue;
    fields.set(row[1], [...row[2].matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1]));
  }
  // Answer origins and provenance kinds are values, not fields.
  fields.set('answers', (fields.get('answers') ?? []).filter((name) => !['evidence', 'person', 'override', 'unanswered'].includes(name)));
  return fields;
}

describe('answers file problems', () => {
  it('names a misspelt option key', () => {
    const { problems } = validateUserAnswers({ answers: { 'events.drills': { optoin: 'drilled' } } });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /events\.drills has no "option" \(found: optoin\)/);
    assert.match(problems[0], /drilled-same-outcome/);
  });
});
