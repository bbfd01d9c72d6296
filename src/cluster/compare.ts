import { SYSTEM_TITLES, type SystemId } from '../engine/model';
import { SYSTEM_ORDER } from './collect';
import type { ClusterEvidence, SystemStatus } from './evidence';

/**
 * Compares the trust anchors of several contexts, per system: the root fingerprints and trust
 * domains side by side, and whether the clusters share a root (a portable anchor), federate (each
 * trusts the other's trust domain through a bundle), or are isolated (different roots, no
 * federation). Identical roots across clusters are the portable-anchor test; different roots need
 * federation for cross-cluster trust.
 */

export type Relationship = 'shared-root' | 'federated' | 'isolated' | 'partly-shared' | 'not-installed' | 'not-applicable' | 'unknown';

export interface ContextColumn {
  context: string;
  status: SystemStatus;
  /** SHA-256 fingerprints of the trust anchors (self-signed roots). */
  rootFingerprints: string[];
  rootSubjects: string[];
  trustDomains: string[];
  /** Trust domains this context federates with. */
  federatesWith: string[];
}

export interface SystemComparison {
  system: SystemId;
  title: string;
  columns: ContextColumn[];
  relationship: Relationship;
  explanation: string;
}

export interface ContextComparison {
  contexts: string[];
  systems: SystemComparison[];
  /** Contexts that could not be read, with the reason. */
  failures: { context: string; message: string }[];
}

export function compareEvidence(evidences: readonly ClusterEvidence[]): ContextComparison {
  const failures = evidences.filter((evidence) => evidence.fatal).map((evidence) => ({ context: evidence.context, message: evidence.fatal!.message }));
  const systems = SYSTEM_ORDER.map((system) => compareSystem(system, evidences));
  return { contexts: evidences.map((evidence) => evidence.context), systems, failures };
}

function compareSystem(system: SystemId, evidences: readonly ClusterEvidence[]): SystemComparison {
  const columns: ContextColumn[] = evidences.map((evidence) => {
    const systemEvidence = evidence.systems[system];
    const roots = systemEvidence.certificates.filter((entry) => (system === 'service-accounts' ? entry.role === 'cluster-ca' : entry.role === 'trust-anchor'));
    const uniqueRoots = new Map(roots.map((entry) => [entry.certificate.fingerprintSha256, entry.certificate.subject]));
    return {
      context: evidence.context,
      status: systemEvidence.status,
      rootFingerprints: [...uniqueRoots.keys()],
      rootSubjects: [...uniqueRoots.values()],
      trustDomains: [...systemEvidence.trustDomains],
      federatesWith: [...new Set(systemEvidence.federation.map((entry) => entry.trustDomain))],
    };
  });

  const { relationship, explanation } = relate(system, columns);
  return { system, title: SYSTEM_TITLES[system], columns, relationship, explanation };
}

function relate(system: SystemId, columns: ContextColumn[]): { relationship: Relationship; explanation: string } {
  if (columns.some((column) => column.status === 'unknown')) {
    const unknown = columns.filter((column) => column.status === 'unknown').map((column) => column.context);
    return { relationship: 'unknown', explanation: `Could not read ${unknown.join(', ')}; see the gaps in the evidence.` };
  }
  const installed = columns.filter((column) => column.status === 'found');
  if (installed.length === 0) return { relationship: 'not-installed', explanation: 'Not installed in any of the contexts.' };
  if (installed.length < columns.length) {
    const missing = columns.filter((column) => column.status !== 'found').map((column) => column.context);
    return { relationship: 'isolated', explanation: `Installed in ${installed.map((column) => column.context).join(', ')} but not in ${missing.join(', ')}, so workloads cannot present this identity across all of them.` };
  }

  if (system === 'service-accounts') {
    const issuers = new Set(installed.map((column) => column.trustDomains[0] ?? ''));
    if (issuers.size === 1 && !issuers.has('')) return { relationship: 'shared-root', explanation: `All contexts use the service-account issuer ${[...issuers][0]}; cloud trust policies keyed on it survive a move between them.` };
    return { relationship: 'isolated', explanation: 'Each context has its own service-account issuer, so every cloud role or Vault mount that trusts one cluster must be reconfigured for another.' };
  }
  if (system === 'network-policy') {
    return { relationship: 'not-applicable', explanation: 'Network policy has no trust anchor; see the per-context findings.' };
  }

  const withRoots = installed.filter((column) => column.rootFingerprints.length > 0);
  if (withRoots.length < installed.length) {
    return { relationship: 'unknown', explanation: `No root certificate was found in ${installed.filter((column) => column.rootFingerprints.length === 0).map((column) => column.context).join(', ')}, so roots cannot be compared.` };
  }

  const shared = withRoots[0].rootFingerprints.filter((fingerprint) => withRoots.every((column) => column.rootFingerprints.includes(fingerprint)));
  if (shared.length > 0) {
    return { relationship: 'shared-root', explanation: `Every context trusts the root ${shared[0].slice(0, 23)}…, so identities chain to one anchor that outlives any single cluster.` };
  }

  const federated = installed.every((column) => installed.every((other) => other === column || other.trustDomains.some((domain) => column.federatesWith.includes(domain))));
  const anyShared = withRoots.some((column) => withRoots.some((other) => other !== column && column.rootFingerprints.some((fingerprint) => other.rootFingerprints.includes(fingerprint))));
  if (federated) {
    return { relationship: 'federated', explanation: 'The roots differ, but each context federates with the trust domains of the others, so trust is carried by exchanged bundles.' };
  }
  if (anyShared) return { relationship: 'partly-shared', explanation: 'Some contexts share a root and others do not; workloads can only move between the ones that share it.' };
  return { relationship: 'isolated', explanation: 'Every context has its own root and no federation between them, so a workload moved to another cluster is not trusted there until its relying parties are reconfigured.' };
}

/** Plain-text table for the CLI and the VS Code command's Markdown preview. */
export function formatComparison(comparison: ContextComparison, format: 'markdown' | 'text' = 'markdown'): string {
  const lines: string[] = [];
  const heading = (text: string): void => {
    lines.push(format === 'markdown' ? `## ${text}` : text, '');
  };

  lines.push(format === 'markdown' ? `# Trust anchors across ${comparison.contexts.join(', ')}` : `Trust anchors across ${comparison.contexts.join(', ')}`, '');
  for (const failure of comparison.failures) lines.push(`${format === 'markdown' ? '> ' : ''}Could not read context ${failure.context}: ${failure.message}`, '');

  for (const system of comparison.systems) {
    heading(`${system.title}: ${system.relationship}`);
    lines.push(system.explanation, '');
    if (format === 'markdown') {
      lines.push(`| | ${system.columns.map((column) => column.context).join(' | ')} |`, `|---|${system.columns.map(() => '---').join('|')}|`);
      lines.push(`| status | ${system.columns.map((column) => column.status).join(' | ')} |`);
      lines.push(`| roots (SHA-256) | ${system.columns.map((column) => column.rootFingerprints.map((fingerprint) => `\`${fingerprint.slice(0, 23)}…\``).join('<br>') || '—').join(' | ')} |`);
      lines.push(`| root subjects | ${system.columns.map((column) => column.rootSubjects.join('<br>') || '—').join(' | ')} |`);
      lines.push(`| trust domains | ${system.columns.map((column) => column.trustDomains.join('<br>') || '—').join(' | ')} |`);
      lines.push(`| federates with | ${system.columns.map((column) => column.federatesWith.join('<br>') || '—').join(' | ')} |`, '');
    } else {
      for (const column of system.columns) {
        lines.push(`  ${column.context}: ${column.status}; roots ${column.rootFingerprints.map((fingerprint) => fingerprint.slice(0, 23)).join(', ') || '-'}; trust domains ${column.trustDomains.join(', ') || '-'}; federates with ${column.federatesWith.join(', ') || '-'}`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}
