import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ContextComparison, Relationship, SystemComparison } from '../../../src/cluster';
import type { EvidenceResult } from '../../../src/editor/cluster/tree';
import type { Finding, SystemId } from '../../../src/engine/model';
import { DEMO_CONTEXTS, DEMO_KUBECONFIG_VARIABLE } from '../../fixtures/demo';
import { RESTRICTED_MODE_VARIABLE, RESTRICTED_SUITE_TITLE } from '../harness/suite-passes';
import { activateExtension, closeAllEditors } from './helpers';

/**
 * The cluster commands against the demo clusters that run-extension-host.ts starts on 127.0.0.1. The
 * commands run through vscode.commands with their arguments in place of the quick picks, and the
 * context they read is stored in the extension's workspace state. The Restricted Mode suite
 * registers only in the runner's second pass, where workspace trust is on and the folder untrusted.
 */

const COMMANDS = {
  selectContext: 'trustAnchor.selectContext',
  collect: 'trustAnchor.collectClusterEvidence',
  compare: 'trustAnchor.compareContexts',
};
const SELECTED_CONTEXT_KEY = 'trustAnchor.clusterContext';
const REFUSAL_TIMEOUT_MS = 15_000;

/** Findings the cluster-bound estate (test/fixtures/estates.ts) must produce, with the live object each names. */
const EXPECTED_CLUSTER_BOUND_FINDINGS: Array<[ruleId: string, source: string]> = [
  ['service-accounts/legacy-token-secret', 'cluster-bound/payments/Secret/build-robot-token'],
  ['spire/key-store-not-persistent', 'cluster-bound/spire-server/ConfigMap/spire-server'],
  ['istio/peer-authentication-not-strict', 'cluster-bound/istio-system/PeerAuthentication/default'],
  ['linkerd/anchor-expiring', 'cluster-bound/linkerd/ConfigMap/linkerd-identity-trust-roots'],
  ['cert-manager/self-signed-ca-chain', 'cluster-bound/_cluster/ClusterIssuer/workload-ca'],
];

/** Relationship per system between the cluster-bound and the portable estate: separate roots, no federation. */
const EXPECTED_RELATIONSHIPS: Partial<Record<SystemId, Relationship>> = {
  spire: 'isolated',
  'cert-manager': 'isolated',
  istio: 'isolated',
  linkerd: 'isolated',
  'service-accounts': 'isolated',
  'network-policy': 'not-applicable',
};

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.severity} ${finding.ruleId} ${finding.clusterSource ?? finding.file}`).join('\n  ') || '(none)';
}

function selectedContextInState(extension: vscode.Extension<unknown>): string | undefined {
  const exports = extension.exports as { context?: vscode.ExtensionContext };
  assert.ok(exports.context, 'the extension exports no ExtensionContext');
  return exports.context.workspaceState.get<string>(SELECTED_CONTEXT_KEY);
}

async function selectContext(name: string): Promise<string | undefined> {
  return vscode.commands.executeCommand<string | undefined>(COMMANDS.selectContext, name);
}

async function collectEvidence(): Promise<EvidenceResult> {
  const result = await vscode.commands.executeCommand<EvidenceResult | undefined>(COMMANDS.collect);
  assert.ok(result, `${COMMANDS.collect} returned nothing; is the workspace trusted and a context selected?`);
  assert.equal(result.evidence.fatal, undefined, `reading ${result.evidence.context} failed: ${result.evidence.fatal?.message}`);
  return result;
}

/**
 * Runs a command that is expected to refuse with a notification, dismisses notifications until the
 * command returns, and returns its result. The refusal waits for the notification to close.
 */
async function runRefusedCommand<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  let settled = false;
  const result = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => {
    settled = true;
  });

  const deadline = Date.now() + REFUSAL_TIMEOUT_MS;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`${command} did not return within ${REFUSAL_TIMEOUT_MS / 1000} s although its notifications were dismissed`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    await vscode.commands.executeCommand('notifications.clearAll');
  }
  return result;
}

describe('cluster commands', function () {
  let extension: vscode.Extension<unknown>;
  let demoKubeconfig: string;

  before(async function () {
    const path = process.env[DEMO_KUBECONFIG_VARIABLE];
    if (!path) {
      // run-desktop.ts starts no clusters, so there the suite runs without these tests.
      console.log(`Skipping the cluster evidence tests: ${DEMO_KUBECONFIG_VARIABLE} is not set, so no demo clusters are running.`);
      this.skip();
    }
    demoKubeconfig = path;
    extension = await activateExtension();
  });

  after(async () => {
    await closeAllEditors();
  });

  it('read the demo kubeconfig', () => {
    assert.equal(process.env.KUBECONFIG, demoKubeconfig, 'the extension host has another KUBECONFIG than the one the harness passed');
    assert.equal(vscode.workspace.isTrusted, true, 'the cluster commands run only in a trusted workspace');
  });

  it('select a context by name', async () => {
    assert.equal(await selectContext('portable'), 'portable');
    assert.equal(selectedContextInState(extension), 'portable');

    assert.equal(await selectContext('cluster-bound'), 'cluster-bound');
    assert.equal(selectedContextInState(extension), 'cluster-bound');
  });

  it('reject an unknown context', async () => {
    assert.equal(await selectContext('no-such-context'), undefined);
    assert.equal(selectedContextInState(extension), 'cluster-bound', 'an unknown name replaced the stored context');
  });

  it('collect cluster-bound findings', async () => {
    assert.equal(await selectContext('cluster-bound'), 'cluster-bound');

    const { evidence, analysis } = await collectEvidence();
    assert.equal(evidence.context, 'cluster-bound');
    const listing = describeFindings(analysis.findings);

    for (const [ruleId, source] of EXPECTED_CLUSTER_BOUND_FINDINGS) {
      const finding = analysis.findings.find((candidate) => candidate.ruleId === ruleId && candidate.clusterSource === source);
      assert.ok(finding, `no ${ruleId} finding on ${source}; findings:\n  ${listing}`);
      assert.equal(finding.severity, 'error', `${ruleId} on ${source}`);
    }
    for (const finding of analysis.findings) {
      const segments = (finding.clusterSource ?? '').split('/');
      assert.equal(segments.length, 4, `${finding.ruleId} has source "${finding.clusterSource}", not context/namespace/kind/name`);
      assert.equal(segments[0], 'cluster-bound', `${finding.ruleId} has source "${finding.clusterSource}" from another context`);
      assert.match(segments[2], /^[A-Z][A-Za-z]+$/, `${finding.ruleId} has source "${finding.clusterSource}" without a kind`);
    }
  });

  it('collect portable without errors', async () => {
    assert.equal(await selectContext('portable'), 'portable');

    const { evidence, analysis } = await collectEvidence();
    assert.equal(evidence.context, 'portable');
    assert.ok(analysis.findings.length > 0, 'the portable estate has lower-severity findings, but none were reported');
    const errors = analysis.findings.filter((finding) => finding.severity === 'error');
    assert.deepEqual(errors.map((finding) => `${finding.ruleId} ${finding.clusterSource}`), [], 'the portable estate has error-level findings');
    for (const finding of analysis.findings) assert.match(finding.clusterSource ?? '', /^portable\//, `${finding.ruleId} is not from the portable context`);
  });

  it('compare the two contexts', async () => {
    const comparison = await vscode.commands.executeCommand<ContextComparison | undefined>(COMMANDS.compare, [...DEMO_CONTEXTS]);
    assert.ok(comparison, `${COMMANDS.compare} returned nothing`);
    assert.deepEqual(comparison.contexts, [...DEMO_CONTEXTS]);
    assert.deepEqual(comparison.failures, []);

    for (const [system, relationship] of Object.entries(EXPECTED_RELATIONSHIPS)) {
      const row: SystemComparison | undefined = comparison.systems.find((entry) => entry.system === system);
      assert.ok(row, `the comparison has no row for ${system}`);
      assert.equal(row.relationship, relationship, `${system}: ${row.explanation}`);
    }
    const linkerd = comparison.systems.find((entry) => entry.system === 'linkerd');
    assert.match(linkerd?.explanation ?? '', /not in portable/, 'Linkerd runs only in cluster-bound');

    const report = vscode.workspace.textDocuments.find((document) => document.languageId === 'markdown' && document.getText().startsWith('# Trust anchors across cluster-bound, portable'));
    assert.ok(report, 'the comparison was not opened as a Markdown document');
  });
});

if (process.env[RESTRICTED_MODE_VARIABLE]) {
  describe(RESTRICTED_SUITE_TITLE, function () {
    let extension: vscode.Extension<unknown>;

    before(async function () {
      if (!process.env[DEMO_KUBECONFIG_VARIABLE]) {
        console.log(`Skipping the Restricted Mode tests: ${DEMO_KUBECONFIG_VARIABLE} is not set, so no demo clusters are running.`);
        this.skip();
      }
      extension = await activateExtension();
    });

    it('run in an untrusted folder', () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the runner started this pass with workspace trust on, so the folder should be untrusted');
    });

    it('refuse to select a context', async () => {
      assert.equal(await runRefusedCommand<string>(COMMANDS.selectContext, 'portable'), undefined);
      assert.equal(selectedContextInState(extension), undefined, 'a context was stored in an untrusted workspace');
    });

    it('refuse to collect evidence', async () => {
      // The kubeconfig's current context is cluster-bound, so only the trust check can stop the collection.
      assert.equal(await runRefusedCommand<EvidenceResult>(COMMANDS.collect), undefined);
    });

    it('refuse to compare contexts', async () => {
      assert.equal(await runRefusedCommand<ContextComparison>(COMMANDS.compare, [...DEMO_CONTEXTS]), undefined);
    });
  });
}
