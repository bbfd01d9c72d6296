import type { CollectContext } from '../context';
import { objectSource, type CertificateRole, type LiveObject, type SystemEvidence } from '../evidence';
import { parsePemBundle, parseSpiffeBundle } from '../x509';

/**
 * Adds every certificate of a PEM (or SPIFFE JWKS) bundle to the evidence. Self-signed CA
 * certificates are trust anchors; the others get `otherRole`. Returns how many were read.
 */
export function addCertificates(context: CollectContext, evidence: SystemEvidence, object: LiveObject, field: string, text: string, otherRole: CertificateRole = 'intermediate', format: 'pem' | 'spiffe' = 'pem'): number {
  const bundle = format === 'spiffe' ? parseSpiffeBundle(text, context.now) : parsePemBundle(text, context.now);
  const source = objectSource(context.contextName, object);
  for (const error of bundle.errors) {
    evidence.gaps.push({ what: `read ${field} of ${source}`, kind: 'invalid-response', message: `${source} ${field}: ${error}.` });
  }
  for (const certificate of bundle.certificates) {
    const role: CertificateRole = certificate.selfSigned && certificate.isCA ? 'trust-anchor' : otherRole;
    evidence.certificates.push({ source, field, role, certificate });
  }
  return bundle.certificates.length;
}

export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current: unknown = value;
  for (const key of path) current = record(current)[key];
  return typeof current === 'string' ? current : undefined;
}

export function byName(objects: readonly LiveObject[], name: string, namespace?: string): LiveObject[] {
  return objects.filter((object) => object.metadata.name === name && (namespace === undefined || object.metadata.namespace === namespace));
}

export function pushUnique(list: string[], value: string | undefined): void {
  if (value && !list.includes(value)) list.push(value);
}

/** Decodes a `[]byte` status field (base64 in JSON), such as CertificateRequest.status.ca. */
export function decodeBytesField(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return decoded.includes('-----BEGIN') ? decoded : undefined;
}

/** Pod template containers of a Deployment, StatefulSet or DaemonSet. */
export function containersOf(workload: LiveObject): Record<string, unknown>[] {
  const containers = record(record(record(workload.spec).template).spec).containers;
  return Array.isArray(containers) ? (containers as Record<string, unknown>[]) : [];
}

export function volumesOf(workload: LiveObject): Record<string, unknown>[] {
  const volumes = record(record(record(workload.spec).template).spec).volumes;
  return Array.isArray(volumes) ? (volumes as Record<string, unknown>[]) : [];
}
