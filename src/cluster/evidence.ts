import type { SystemId } from '../engine/model';
import type { ClusterErrorKind } from './errors';
import type { CertificateInfo } from './x509';

/**
 * Cluster evidence: what one kubeconfig context shows about each system's trust anchor, read from
 * public objects only. Secrets appear only as metadata; certificates come from ConfigMaps and
 * CertificateRequest status.
 */

/** `found`: installed and read; `not-installed`: its API or objects are absent; `unknown`: a read failed. */
export type SystemStatus = 'found' | 'not-installed' | 'unknown';

/** A live object as listed, with apiVersion and kind filled in. */
export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A read that failed; the rest of the evidence is still collected. */
export interface EvidenceGap {
  /** What was being read, such as `list certificates.cert-manager.io cluster-wide`. */
  what: string;
  kind: ClusterErrorKind;
  message: string;
  /** The RBAC permission that is missing, for 403 answers. */
  permission?: string;
}

export type CertificateRole = 'trust-anchor' | 'intermediate' | 'issuer' | 'cluster-ca';

export interface CertificateEvidence {
  /** `context/namespace/kind/name` of the object that carries it. */
  source: string;
  /** The data key or field, such as `root-cert.pem` or `status.ca`. */
  field: string;
  role: CertificateRole;
  certificate: CertificateInfo;
}

/** A trust relationship with another trust domain that the cluster declares. */
export interface FederationEvidence {
  trustDomain: string;
  /** Where the peer's bundle comes from: a bundle endpoint URL, or `pinned` for a static bundle. */
  bundleSource: string;
  source: string;
}

export type FactValue = string | number | boolean | string[];

export interface SystemEvidence {
  system: SystemId;
  status: SystemStatus;
  /** One line each, for the evidence view and reports. */
  summary: string[];
  /** Named facts for the assessment's prefill, such as `caMode: plug-in` or `dataVolume: emptyDir`. */
  facts: Record<string, FactValue>;
  trustDomains: string[];
  /** Certificates of anchors (roots), issuers and intermediates, every certificate of every bundle. */
  certificates: CertificateEvidence[];
  federation: FederationEvidence[];
  /** The objects the engine's rules run on. */
  objects: LiveObject[];
  gaps: EvidenceGap[];
}

export interface ServiceAccountIssuerEvidence {
  issuer: string;
  jwksUri?: string;
  keyIds: string[];
  /** `eks`, `aks`, `in-cluster` or `custom`. */
  format: 'eks' | 'aks' | 'in-cluster' | 'custom';
}

export interface ClusterEvidence {
  context: string;
  server: string;
  collectedAt: string;
  serverVersion?: string;
  /** Set when nothing could be read (unreachable, TLS, 401, exec plugin, untrusted workspace). */
  fatal?: EvidenceGap;
  systems: Record<SystemId, SystemEvidence>;
  serviceAccountIssuer?: ServiceAccountIssuerEvidence;
  /** Namespace name to creationTimestamp, for the "generated in-cluster" heuristic. */
  namespaceCreation: Record<string, string>;
  requestCount: number;
  durationMs: number;
}

export function emptySystemEvidence(system: SystemId): SystemEvidence {
  return { system, status: 'not-installed', summary: [], facts: {}, trustDomains: [], certificates: [], federation: [], objects: [], gaps: [] };
}

export function objectSource(context: string, object: Pick<LiveObject, 'kind' | 'metadata'>): string {
  return `${context}/${object.metadata.namespace ?? CLUSTER_SCOPE}/${object.kind}/${object.metadata.name}`;
}

/** The namespace segment of a cluster source for cluster-scoped objects. */
export const CLUSTER_SCOPE = '_cluster';
