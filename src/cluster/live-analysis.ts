import { Analyzer, type AnalysisOptions } from '../engine/analyze';
import { LIVE_RULES } from '../engine/rules';
import type { RuleMeta } from '../engine/rules/types';
import type { LineIndex } from '../engine/manifest/text';
import type { Path } from '../engine/manifest/tree';
import type { Finding, Notice, Severity, SourceRange, SystemId } from '../engine/model';
import type { WorkspaceIndex } from '../engine/workspace';
import { issuerType } from './collectors/cert-manager';
import type { CertificateEvidence, ClusterEvidence, LiveObject, SystemEvidence } from './evidence';
import { CLUSTER_SCOPE } from './evidence';
import { liveObjectYaml, livePath } from './serialize';

/**
 * Runs the engine's rules on live objects and adds the certificate checks that only live data
 * allows (expiry and rotation path). Each live object is analysed as YAML text under the virtual
 * path `context/namespace/kind/name`, and every finding carries that path as `clusterSource`.
 */

export const CLUSTER_RULES = {
  anchorExpiring: liveRule('cluster/anchor-expiring'),
  rootWithoutRotation: liveRule('cluster/root-without-rotation-path'),
} as const;

function liveRule(id: string): RuleMeta {
  const rule = LIVE_RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`live rule ${id} is not registered in src/engine/rules/index.ts`);
  return rule;
}

/** Roots valid this long or longer count as "many years" for the rotation-path check. */
export const LONG_LIVED_ROOT_DAYS = 5 * 365;

export interface LiveAnalysis {
  context: string;
  findings: Finding[];
  notices: Notice[];
  objectsAnalysed: number;
  /** Line index of an analysed object's YAML text, to turn finding offsets into lines. */
  linesOf(path: string): LineIndex | undefined;
}

export interface LiveAnalysisOptions {
  expiryWarningDays?: number;
  analysis?: Partial<AnalysisOptions>;
}

export function analyzeEvidence(evidence: ClusterEvidence, options: LiveAnalysisOptions = {}): LiveAnalysis {
  const analyzer = new Analyzer(options.analysis);
  const seen = new Set<string>();
  for (const system of Object.values(evidence.systems)) {
    for (const object of system.objects) {
      const path = livePath(evidence.context, object);
      if (seen.has(path)) continue;
      seen.add(path);
      analyzer.update(path, liveObjectYaml(object));
    }
  }

  const findings: Finding[] = [];
  const notices: Notice[] = [];
  for (const analysis of analyzer.analyzeAll()) {
    for (const finding of analysis.findings) findings.push({ ...finding, clusterSource: analysis.file });
    notices.push(...analysis.notices);
  }

  const overrides = options.analysis?.severityOverrides ?? {};
  // An engine rule that already reports the expiry of a certificate in the same object (Linkerd's anchor check) wins over the generic one.
  const expiryReported = new Set(findings.filter((finding) => /expir/.test(finding.ruleId)).map((finding) => finding.file));
  for (const finding of certificateFindings(evidence, analyzer, options.expiryWarningDays ?? 60)) {
    if (finding.ruleId === CLUSTER_RULES.anchorExpiring.id && expiryReported.has(finding.file)) continue;
    const setting = overrides[finding.ruleId];
    if (setting === 'off') continue;
    if (setting) finding.severity = setting;
    findings.push(finding);
  }

  findings.sort((a, b) => a.file.localeCompare(b.file) || a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
  return { context: evidence.context, findings, notices, objectsAnalysed: seen.size, linesOf: (path) => analyzer.workspace.get(path)?.lines };
}

function certificateFindings(evidence: ClusterEvidence, analyzer: Analyzer, warningDays: number): Finding[] {
  const findings: Finding[] = [];
  for (const system of Object.values(evidence.systems)) {
    const rootsPerSource = new Map<string, number>();
    for (const entry of system.certificates) {
      if (entry.role === 'trust-anchor') rootsPerSource.set(`${entry.source}#${entry.field}`, (rootsPerSource.get(`${entry.source}#${entry.field}`) ?? 0) + 1);
    }

    for (const entry of system.certificates) {
      if (entry.role === 'cluster-ca') continue;
      const range = rangeOf(analyzer, entry);
      const expiry = expiryFinding(system, entry, warningDays, range);
      if (expiry) findings.push(expiry);

      const isOnlyRoot = entry.role === 'trust-anchor' && rootsPerSource.get(`${entry.source}#${entry.field}`) === 1;
      if (isOnlyRoot && entry.certificate.validityDays >= LONG_LIVED_ROOT_DAYS && rootKeyInCluster(system, entry)) {
        const years = Math.round(entry.certificate.validityDays / 365);
        findings.push(
          certificateFinding(system.system, CLUSTER_RULES.rootWithoutRotation.id, 'warning', entry, range,
            `Root "${entry.certificate.subject}" (SHA-256 ${shortFingerprint(entry)}) is valid for ${years} years, its key was made in this cluster, and ${entry.field} holds no second root. ` +
              'Replacing it means re-issuing every workload credential at once, and a rebuilt cluster gets a different root. Move the root out of the cluster (an offline or KMS-held root signing a per-cluster intermediate) and stage the next root in the bundle before rotating.'),
        );
      }
    }
  }
  return findings;
}

function expiryFinding(system: SystemEvidence, entry: CertificateEvidence, warningDays: number, range: SourceRange): Finding | undefined {
  const { certificate } = entry;
  // A CA whose whole lifetime is shorter than the warning window is rotated by its issuer (SPIRE's ca_ttl), so its expiry date is not a warning sign.
  if (certificate.validityDays < warningDays) return undefined;
  if (certificate.daysRemaining > warningDays) return undefined;

  const what = entry.role === 'trust-anchor' ? 'Trust anchor' : 'Issuer certificate';
  const when = certificate.daysRemaining < 0 ? `expired on ${certificate.notAfter.slice(0, 10)}` : `expires on ${certificate.notAfter.slice(0, 10)}, in ${certificate.daysRemaining} days`;
  const severity: Severity = certificate.daysRemaining < 0 || entry.role === 'trust-anchor' ? 'error' : 'warning';
  return certificateFinding(system.system, CLUSTER_RULES.anchorExpiring.id, severity, entry, range,
    `${what} "${certificate.subject}" (SHA-256 ${shortFingerprint(entry)}) ${when}. Workloads stop trusting each other when it lapses: add the replacement to the trust bundle now, then switch the issuer.`);
}

/**
 * True when the evidence shows that the root's private key was generated or is stored in the cluster:
 * Istio's self-signed CA, a cert-manager selfSigned issuer, Linkerd with a chart-held issuer, or
 * SPIRE without an UpstreamAuthority.
 */
function rootKeyInCluster(system: SystemEvidence, entry: CertificateEvidence): boolean {
  switch (system.system) {
    case 'istio':
      return system.facts.caMode === 'self-signed';
    case 'linkerd':
      return system.facts.issuerScheme !== 'kubernetes.io/tls' && system.facts.externalCA !== true;
    case 'spire':
      return Array.isArray(system.facts.upstreamAuthority) && system.facts.upstreamAuthority.length === 0;
    case 'cert-manager': {
      const request = system.objects.find((object) => `${object.kind}` === 'CertificateRequest' && entry.source.endsWith(`/CertificateRequest/${object.metadata.name}`));
      const ref = (request?.spec as { issuerRef?: { name?: string; kind?: string } } | undefined)?.issuerRef;
      if (!ref?.name) return false;
      const issuer = system.objects.find((object) => object.kind === (ref.kind ?? 'Issuer') && object.metadata.name === ref.name && (object.kind === 'ClusterIssuer' || object.metadata.namespace === request?.metadata.namespace));
      return issuer !== undefined && issuerType(issuer) === 'selfSigned';
    }
    default:
      return false;
  }
}

function certificateFinding(system: SystemId, ruleId: string, severity: Severity, entry: CertificateEvidence, range: SourceRange, message: string): Finding {
  const dimension = ruleId === CLUSTER_RULES.anchorExpiring.id ? 'credential-lifetime' : 'recoverability';
  return { ruleId, system, dimension, severity, message, file: entry.source, range, related: [], fixes: [], clusterSource: entry.source };
}

/** Finds the range of the certificate's field in the analysed YAML text of its object. */
function rangeOf(analyzer: Analyzer, entry: CertificateEvidence): SourceRange {
  const file = analyzer.workspace.get(entry.source);
  const tree = file?.documents[0]?.tree;
  if (!tree) return { start: 0, end: 0 };
  const path: Path = entry.field.startsWith('status.') ? entry.field.split('.') : ['data', entry.field];
  return tree.locate(path, 'key') ?? tree.locate(['kind'], 'value') ?? { start: 0, end: 0 };
}

function shortFingerprint(entry: CertificateEvidence): string {
  return entry.certificate.fingerprintSha256.slice(0, 23);
}

/** Splits a cluster source `context/namespace/kind/name` into its parts. */
export function parseClusterSource(source: string): { context: string; namespace?: string; kind: string; name: string } | undefined {
  const parts = source.split('/');
  if (parts.length < 4) return undefined;
  const name = parts[parts.length - 1];
  const kind = parts[parts.length - 2];
  const namespace = parts[parts.length - 3];
  const context = parts.slice(0, parts.length - 3).join('/');
  return { context, namespace: namespace === CLUSTER_SCOPE ? undefined : namespace, kind, name };
}

/**
 * Finds the workspace file that defines a live object (same kind and name, and namespace when the
 * file sets one), so a cluster finding can link to the manifest behind it.
 */
export function definingDocument(workspace: WorkspaceIndex, source: string): { file: string; range: SourceRange } | undefined {
  const parsed = parseClusterSource(source);
  if (!parsed) return undefined;
  const matches = workspace.find(parsed.kind, parsed.name, parsed.namespace);
  const exact = matches.find((document) => document.namespace === parsed.namespace) ?? matches[0];
  if (!exact) return undefined;
  return { file: exact.file.path, range: exact.range };
}

export type { LiveObject };
