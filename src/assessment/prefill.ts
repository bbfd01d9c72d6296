import type { Finding } from '../engine/model';
import type { ManifestDocument } from '../engine/manifest/parse';
import { isRecord } from '../engine/manifest/tree';
import {
  documentOfFinding,
  findAnchorConfigs,
  findExternalRoots,
  findExternalServiceAccountIssuers,
  findExternalSpireState,
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

/** The cross.shared-root option that each relation found by comparing contexts decides. */
const SHARED_ROOT_OPTIONS: Record<'shared-root' | 'federated' | 'isolated', string> = {
  'shared-root': 'shared',
  federated: 'federated',
  isolated: 'isolated',
};

/**
 * Credential-lifetime rules that do not measure how long a workload credential lives: a mounted
 * token the pod may not need (its lifetime is the kubelet's), and the lifetime of a root CA.
 */
const NOT_WORKLOAD_LIFETIME_RULES = new Set(['service-accounts/automount-token', 'cert-manager/long-lived-root']);

/** Cross-environment rules that show linked clusters each trusting only their own root. */
const ISOLATED_ROOT_RULES = new Set(['istio/multicluster-self-signed-root', 'linkerd/multicluster-anchor-mismatch']);

/** Selects findings to cite: one of every rule first, so each rule a reason names is cited, then more up to the cap. */
function citedFindings(selected: Finding[]): Finding[] {
  const firstOfRule = new Map<string, Finding>();
  for (const finding of selected) if (!firstOfRule.has(finding.ruleId)) firstOfRule.set(finding.ruleId, finding);
  const cited = [...firstOfRule.values()];
  for (const finding of selected) {
    if (cited.length >= MAX_PROVENANCE) break;
    if (!cited.includes(finding)) cited.push(finding);
  }
  return cited;
}

/**
 * Decides every question that manifest findings or cluster evidence can decide. A question with no
 * evidence is left out, so the UI shows "unknown". A portable option needs positive evidence (an
 * external issuer, KMS-held keys, identity-based policies), and each answer cites what decided it.
 */
export function prefillAnswers(evidence: AssessmentEvidence): Record<string, Prefill> {
  const findings = [...evidence.findings, ...(evidence.clusterFindings ?? [])];
  const anchors = findAnchorConfigs(evidence.workspace);
  const externalRoots = findExternalRoots(evidence.workspace);
  const externalRootProvenance = externalRoots.slice(0, MAX_PROVENANCE).map((root) => root.provenance);
  const answers: Record<string, Prefill> = {};
  const cite = (selected: Finding[]): Provenance[] => citedFindings(selected).map((finding) => provenanceOfFinding(evidence, finding));
  const ids = (selected: Finding[]): string => [...new Set(selected.map((finding) => finding.ruleId))].join(', ');

  const inClusterRoot = findings.filter((finding) => finding.dimension === 'issuer-independence' && finding.severity !== 'hint');
  if (inClusterRoot.length > 0) {
    answers['issuer.root-location'] = { option: 'in-cluster', reason: `In-cluster root signals: ${ids(inClusterRoot)}.`, provenance: cite(inClusterRoot) };
  } else if (externalRoots.length > 0) {
    // Positive evidence only: an anchor configuration without findings may still use a default,
    // self-generated root that no rule recognises, so it does not count as an external root.
    answers['issuer.root-location'] = {
      option: 'external',
      reason: `The root or upstream CA is outside the cluster (${externalRoots.map((root) => root.description).slice(0, 4).join('; ')}), and no in-cluster root signal was found in ${anchors.length} anchor configuration(s).`,
      provenance: externalRootProvenance,
    };
  }

  const regenerated = findings.filter(
    (finding) =>
      (finding.dimension === 'issuer-independence' && (finding.severity === 'error' || finding.severity === 'warning')) ||
      (finding.dimension === 'recoverability' && finding.severity === 'error'),
  );
  if (regenerated.length > 0) {
    answers['issuer.survives-rebuild'] = { option: 'regenerated', reason: `A rebuild regenerates the anchor: ${ids(regenerated)}.`, provenance: cite(regenerated) };
  } else if (externalRoots.length > 0) {
    answers['issuer.survives-rebuild'] = {
      option: 'same',
      reason: 'The root is held outside the cluster and no analysed anchor configuration generates a root or loses its issuer state on a rebuild.',
      provenance: externalRootProvenance,
    };
  }

  const recoverability = findings.filter((finding) => finding.dimension === 'recoverability' && (finding.severity === 'error' || finding.severity === 'warning'));
  const ephemeral = recoverability.filter((finding) => /memory|not-persistent|ephemeral|empty-dir/.test(finding.ruleId));
  if (ephemeral.length > 0) {
    answers['recoverability.state'] = { option: 'ephemeral', reason: `Keys or datastore do not survive a pod restart: ${ids(ephemeral)}.`, provenance: cite(ephemeral) };
  } else if (recoverability.length > 0) {
    answers['recoverability.state'] = { option: 'pvc-only', reason: `State lives only in this cluster: ${ids(recoverability)}.`, provenance: cite(recoverability) };
  } else {
    const externalState = findExternalSpireState(evidence.workspace);
    if (externalState.length > 0) {
      answers['recoverability.state'] = {
        option: 'external',
        reason: `The SPIRE server keeps its keys in a KMS and its datastore in a database server: ${externalState.map((state) => state.description).join('; ')}.`,
        provenance: externalState.slice(0, MAX_PROVENANCE).map((state) => state.provenance),
      };
    }
  }

  const lifetime = findings.filter((finding) => finding.dimension === 'credential-lifetime' && !NOT_WORKLOAD_LIFETIME_RULES.has(finding.ruleId));
  const longLived = lifetime.filter((finding) => finding.severity === 'error' || finding.severity === 'warning');
  if (longLived.length > 0) {
    answers['lifetime.workload-credentials'] = { option: 'long-lived', reason: `Long-lived credentials: ${ids(longLived)}.`, provenance: cite(longLived) };
  } else if (lifetime.length > 0) {
    answers['lifetime.workload-credentials'] = { option: 'days', reason: `Credentials longer than needed: ${ids(lifetime)}.`, provenance: cite(lifetime) };
  } else {
    const issuing = anchors.filter((anchor) => anchor.setsWorkloadLifetime);
    if (issuing.length > 0) {
      answers['lifetime.workload-credentials'] = {
        option: 'hours',
        reason: `No long-lived credential found in ${issuing.length} analysed configuration(s) that set workload credential lifetimes.`,
        provenance: issuing.slice(0, MAX_PROVENANCE).map((anchor) => anchor.provenance),
      };
    }
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

  const isolatedRoots = findings.filter((finding) => ISOLATED_ROOT_RULES.has(finding.ruleId));
  if (evidence.comparison) {
    const option = SHARED_ROOT_OPTIONS[evidence.comparison.relation];
    answers['cross.shared-root'] = {
      option,
      reason: `Compared contexts ${evidence.comparison.contexts.join(', ')}: ${evidence.comparison.detail}`,
      provenance: evidence.comparison.contexts.map((context) => ({ kind: 'cluster' as const, source: context, label: context })),
    };
  } else if (isolatedRoots.length > 0) {
    // Linked clusters without a common root outweigh a federation object: the clusters that must talk
    // to each other cannot, whatever is federated with third parties.
    answers['cross.shared-root'] = {
      option: 'isolated',
      reason: `Linked clusters each trust only their own root: ${ids(isolatedRoots)}.`,
      provenance: cite(isolatedRoots),
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

  // A cert-manager issuer's own Vault login is not how workloads get cloud credentials; it is listed
  // as a relying party of a rebuild instead.
  const perClusterIssuer = findings.filter(
    (finding) => /irsa|azure-workload|vault-kubernetes|in-cluster-issuer/.test(finding.ruleId) && !isCertManagerIssuer(documentOfFinding(evidence.workspace, finding)),
  );
  const projectScoped = findings.filter((finding) => /gke/.test(finding.ruleId));
  const externalIssuers = findExternalServiceAccountIssuers(evidence.workspace);
  if (perClusterIssuer.length > 0) {
    answers['cross.cloud-federation'] = {
      option: 'per-cluster-issuer',
      reason: `Cloud or Vault federation trusts this cluster's issuer: ${ids(perClusterIssuer)}.`,
      provenance: cite(perClusterIssuer),
    };
  } else if (projectScoped.length > 0) {
    answers['cross.cloud-federation'] = { option: 'project-scoped', reason: `GKE Workload Identity: ${ids(projectScoped)}.`, provenance: cite(projectScoped) };
  } else if (externalIssuers.length > 0) {
    answers['cross.cloud-federation'] = {
      option: 'portable',
      reason: `Service-account tokens are signed by issuer ${[...new Set(externalIssuers.map((found) => found.issuer))].join(', ')}, a URL outside the cluster that survives a rebuild, and no workload federates through a per-cluster issuer.`,
      provenance: externalIssuers.slice(0, MAX_PROVENANCE).map((found) => found.provenance),
    };
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
      // A federated trust domain names a partner, not the trust domain of this estate.
      if (document.kind === 'ClusterFederatedTrustDomain') continue;
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

function isCertManagerIssuer(document: ManifestDocument | undefined): boolean {
  return (document?.kind === 'Issuer' || document?.kind === 'ClusterIssuer') && document.apiVersion?.startsWith('cert-manager.io/') === true;
}
