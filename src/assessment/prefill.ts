import type { Finding } from '../engine/model';
import { isRecord } from '../engine/manifest/tree';
import {
  findAnchorConfigs,
  findPolicyDocuments,
  isIdentityPolicy,
  provenanceOfDocument,
  provenanceOfFinding,
  type AssessmentEvidence,
  type Provenance,
} from './evidence';

/** An answer decided from evidence, with where it came from. */
export interface Prefill {
  option: string;
  reason: string;
  provenance: Provenance[];
}

const MAX_PROVENANCE = 8;

/**
 * Decides every question that manifest findings or cluster evidence can decide. A question with no
 * evidence is left out (the UI shows "unknown"); nothing is guessed from absence alone unless the
 * configuration that would show the problem was seen, and then the seen configuration is cited.
 */
export function prefillAnswers(evidence: AssessmentEvidence): Record<string, Prefill> {
  const findings = [...evidence.findings, ...(evidence.clusterFindings ?? [])];
  const anchors = findAnchorConfigs(evidence.workspace);
  const anchorProvenance = anchors.slice(0, MAX_PROVENANCE).map((anchor) => anchor.provenance);
  const answers: Record<string, Prefill> = {};
  const cite = (selected: Finding[]): Provenance[] => selected.slice(0, MAX_PROVENANCE).map((finding) => provenanceOfFinding(evidence, finding));
  const ids = (selected: Finding[]): string => [...new Set(selected.map((finding) => finding.ruleId))].join(', ');

  const inClusterRoot = findings.filter((finding) => finding.dimension === 'issuer-independence' && finding.severity !== 'hint');
  if (inClusterRoot.length > 0) {
    answers['issuer.root-location'] = { option: 'in-cluster', reason: `In-cluster root signals: ${ids(inClusterRoot)}.`, provenance: cite(inClusterRoot) };
  } else if (anchors.length > 0) {
    answers['issuer.root-location'] = {
      option: 'external',
      reason: `${anchors.length} anchor configuration(s) analysed with no in-cluster root signal.`,
      provenance: anchorProvenance,
    };
  }

  const regenerated = findings.filter(
    (finding) =>
      (finding.dimension === 'issuer-independence' && (finding.severity === 'error' || finding.severity === 'warning')) ||
      (finding.dimension === 'recoverability' && finding.severity === 'error'),
  );
  if (regenerated.length > 0) {
    answers['issuer.survives-rebuild'] = { option: 'regenerated', reason: `A rebuild regenerates the anchor: ${ids(regenerated)}.`, provenance: cite(regenerated) };
  } else if (anchors.length > 0) {
    answers['issuer.survives-rebuild'] = { option: 'same', reason: 'No analysed anchor configuration generates its root in the cluster.', provenance: anchorProvenance };
  }

  const recoverability = findings.filter((finding) => finding.dimension === 'recoverability' && (finding.severity === 'error' || finding.severity === 'warning'));
  const ephemeral = recoverability.filter((finding) => /memory|not-persistent|ephemeral|empty-dir/.test(finding.ruleId));
  if (ephemeral.length > 0) {
    answers['recoverability.state'] = { option: 'ephemeral', reason: `Keys or datastore do not survive a pod restart: ${ids(ephemeral)}.`, provenance: cite(ephemeral) };
  } else if (recoverability.length > 0) {
    answers['recoverability.state'] = { option: 'pvc-only', reason: `State lives only in this cluster: ${ids(recoverability)}.`, provenance: cite(recoverability) };
  } else if (anchors.some((anchor) => anchor.system === 'spire')) {
    answers['recoverability.state'] = {
      option: 'external',
      reason: 'The SPIRE server configuration analysed keeps keys and datastore outside the pod and cluster.',
      provenance: anchors.filter((anchor) => anchor.system === 'spire').slice(0, MAX_PROVENANCE).map((anchor) => anchor.provenance),
    };
  }

  const lifetime = findings.filter((finding) => finding.dimension === 'credential-lifetime');
  const longLived = lifetime.filter((finding) => finding.severity === 'error' || finding.severity === 'warning');
  if (longLived.length > 0) {
    answers['lifetime.workload-credentials'] = { option: 'long-lived', reason: `Long-lived credentials: ${ids(longLived)}.`, provenance: cite(longLived) };
  } else if (lifetime.length > 0) {
    answers['lifetime.workload-credentials'] = { option: 'days', reason: `Credentials longer than needed: ${ids(lifetime)}.`, provenance: cite(lifetime) };
  } else if (anchors.length > 0) {
    answers['lifetime.workload-credentials'] = { option: 'hours', reason: 'No long-lived credential found in the analysed configuration.', provenance: anchorProvenance };
  }

  const policies = findPolicyDocuments(evidence.workspace);
  const identityPolicies = policies.filter(isIdentityPolicy);
  const placement = findings.filter((finding) => finding.dimension === 'identity-policy' && /ip|cidr|network|nets/.test(finding.ruleId));
  if (placement.length > 0) {
    answers['policy.basis'] = {
      option: identityPolicies.length > 0 ? 'mixed' : 'network',
      reason: `Policies admit callers by network placement: ${ids(placement)}${identityPolicies.length > 0 ? `; ${identityPolicies.length} policy object(s) use identities` : ''}.`,
      provenance: [...cite(placement), ...identityPolicies.slice(0, 2).map((document) => provenanceOfDocument(document))],
    };
  } else if (identityPolicies.length > 0) {
    answers['policy.basis'] = {
      option: 'identity',
      reason: `${identityPolicies.length} policy object(s) admit callers by identity and none by network placement.`,
      provenance: identityPolicies.slice(0, MAX_PROVENANCE).map((document) => provenanceOfDocument(document)),
    };
  }

  const notEnforced = findings.filter((finding) => /peer-authentication|unauthenticated|inbound-policy/.test(finding.ruleId));
  const strict = policies.filter((document) => document.kind === 'PeerAuthentication' && isIdentityPolicy(document));
  if (notEnforced.length > 0) {
    const anyError = notEnforced.some((finding) => finding.severity === 'error');
    answers['policy.mtls'] = {
      option: anyError ? 'not-required' : 'partial',
      reason: `Mutual TLS is not enforced: ${ids(notEnforced)}.`,
      provenance: cite(notEnforced),
    };
  } else if (strict.length > 0) {
    answers['policy.mtls'] = { option: 'required', reason: 'A STRICT PeerAuthentication is in place.', provenance: strict.slice(0, MAX_PROVENANCE).map((document) => provenanceOfDocument(document)) };
  }

  const trustDomain = findings.filter((finding) => /trust-domain|csi-spiffe-cluster-bound/.test(finding.ruleId));
  if (trustDomain.length > 0) {
    const isDefault = trustDomain.some((finding) => /cluster\.local|example\.org/.test(finding.message));
    answers['cross.trust-domain'] = {
      option: isDefault ? 'default' : 'per-cluster',
      reason: `Trust domain is not an organisation-owned name: ${ids(trustDomain)}.`,
      provenance: cite(trustDomain),
    };
  } else {
    const named = anchors.filter((anchor) => anchor.system === 'spire' || anchor.system === 'istio' || anchor.system === 'linkerd');
    const organisationDomains = findConfiguredTrustDomains(evidence).filter((domain) => !/^(cluster\.local|example\.org)$/.test(domain.value));
    if (named.length > 0 && organisationDomains.length > 0) {
      answers['cross.trust-domain'] = {
        option: 'organisation',
        reason: `Trust domain ${[...new Set(organisationDomains.map((domain) => domain.value))].join(', ')} is set explicitly.`,
        provenance: organisationDomains.slice(0, MAX_PROVENANCE).map((domain) => domain.provenance),
      };
    }
  }

  if (evidence.comparison) {
    const option = evidence.comparison.relation === 'shared-root' ? 'shared' : evidence.comparison.relation === 'federated' ? 'federated' : 'isolated';
    answers['cross.shared-root'] = {
      option,
      reason: `Compared contexts ${evidence.comparison.contexts.join(', ')}: ${evidence.comparison.detail}`,
      provenance: evidence.comparison.contexts.map((context) => ({ kind: 'cluster' as const, source: context, label: context })),
    };
  } else {
    const federation = evidence.workspace.byKind('ClusterFederatedTrustDomain');
    if (federation.length > 0) {
      answers['cross.shared-root'] = {
        option: 'federated',
        reason: `${federation.length} ClusterFederatedTrustDomain object(s) federate trust bundles.`,
        provenance: federation.slice(0, MAX_PROVENANCE).map((document) => provenanceOfDocument(document)),
      };
    }
  }

  const perClusterIssuer = findings.filter((finding) => /irsa|azure-workload|vault-kubernetes|in-cluster-issuer/.test(finding.ruleId));
  const projectScoped = findings.filter((finding) => /gke/.test(finding.ruleId));
  if (perClusterIssuer.length > 0) {
    answers['cross.cloud-federation'] = {
      option: 'per-cluster-issuer',
      reason: `Cloud or Vault federation trusts this cluster's issuer: ${ids(perClusterIssuer)}.`,
      provenance: cite(perClusterIssuer),
    };
  } else if (projectScoped.length > 0) {
    answers['cross.cloud-federation'] = { option: 'project-scoped', reason: `GKE Workload Identity: ${ids(projectScoped)}.`, provenance: cite(projectScoped) };
  }
  return answers;
}

interface ConfiguredTrustDomain {
  value: string;
  provenance: Provenance;
}

const TRUST_DOMAIN_KEYS = new Set(['trustDomain', 'trust_domain', 'identityTrustDomain']);

/** Finds explicit trust-domain settings in anchor configurations, with their positions. */
function findConfiguredTrustDomains(evidence: AssessmentEvidence): ConfiguredTrustDomain[] {
  const found: ConfiguredTrustDomain[] = [];
  for (const file of evidence.workspace.allFiles()) {
    for (const document of file.documents) {
      const trees = [document.tree, ...document.embedded.flatMap((embedded) => (embedded.tree ? [embedded.tree] : []))];
      for (const tree of trees) {
        walk(tree.value, [], (path, value) => {
          const key = path[path.length - 1];
          if (typeof key !== 'string' || !TRUST_DOMAIN_KEYS.has(key) || typeof value !== 'string' || value === '') return;
          const range = tree.locate(path, 'value');
          if (!range) return;
          const position = file.lines.positionAt(range.start);
          found.push({ value, provenance: { kind: 'file', file: file.path, line: position.line + 1, column: position.character + 1, label: `${file.path}:${position.line + 1}` } });
        });
      }
    }
  }
  return found;
}

function walk(value: unknown, path: (string | number)[], visit: (path: (string | number)[], value: unknown) => void, depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index], visit, depth + 1));
  else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      visit([...path, key], child);
      walk(child, [...path, key], visit, depth + 1);
    }
  }
}
