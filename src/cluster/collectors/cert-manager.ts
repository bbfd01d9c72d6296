import { attempt, CORE, dataOf, listCustom, type CollectContext } from '../context';
import { emptySystemEvidence, objectSource, type LiveObject, type SystemEvidence } from '../evidence';
import { addCertificates, decodeBytesField, record, stringAt } from './common';

const ISSUER_TYPES = ['selfSigned', 'ca', 'vault', 'venafi', 'acme'] as const;

/**
 * cert-manager and trust-manager: Issuers and ClusterIssuers (their type), Certificates, the public
 * CA of each CertificateRequest (`status.ca`, and `status.certificate` when it is itself a CA),
 * trust-manager Bundles and their source ConfigMaps, and metadata of the Secrets that `ca` issuers
 * read, to tell a Certificate-managed CA from one created by hand.
 */
export async function collectCertManager(context: CollectContext): Promise<SystemEvidence> {
  const evidence = emptySystemEvidence('cert-manager');
  const issuers = await listCustom(context, evidence, 'cert-manager.io', 'issuers', 'Issuer');
  const clusterIssuers = await listCustom(context, evidence, 'cert-manager.io', 'clusterissuers', 'ClusterIssuer');
  const certificates = await listCustom(context, evidence, 'cert-manager.io', 'certificates', 'Certificate');
  const requests = await listCustom(context, evidence, 'cert-manager.io', 'certificaterequests', 'CertificateRequest');
  const bundles = await listCustom(context, evidence, 'trust.cert-manager.io', 'bundles', 'Bundle');

  const allIssuers = [...(issuers ?? []), ...(clusterIssuers ?? [])];
  const types: Record<string, number> = {};
  for (const issuer of allIssuers) {
    evidence.objects.push(issuer);
    const type = issuerType(issuer);
    types[type] = (types[type] ?? 0) + 1;
  }
  if (allIssuers.length > 0) {
    evidence.facts.issuerTypes = Object.keys(types);
    evidence.summary.push(`${allIssuers.length} issuer${allIssuers.length === 1 ? '' : 's'}: ${Object.entries(types).map(([type, count]) => `${count} ${type}`).join(', ')}.`);
  }

  for (const certificate of certificates ?? []) evidence.objects.push(certificate);
  if (certificates) {
    const caCertificates = certificates.filter((certificate) => record(certificate.spec).isCA === true);
    evidence.facts.caCertificates = caCertificates.map((certificate) => objectSource(context.contextName, certificate));
    evidence.summary.push(`${certificates.length} Certificate${certificates.length === 1 ? '' : 's'}, ${caCertificates.length} with isCA: true.`);
  }

  const seenFingerprints = new Set<string>();
  for (const request of requests ?? []) {
    evidence.objects.push(request);
    const caPem = decodeBytesField(record(request.status).ca);
    const issuedPem = decodeBytesField(record(request.status).certificate);
    const before = evidence.certificates.length;
    if (caPem) addCertificates(context, evidence, request, 'status.ca', caPem, 'issuer');
    if (issuedPem && record(request.spec).isCA === true) addCertificates(context, evidence, request, 'status.certificate', issuedPem, 'issuer');
    // Every request of one issuer carries the same CA: keep each certificate once.
    const added = evidence.certificates.splice(before);
    for (const entry of added) {
      if (seenFingerprints.has(entry.certificate.fingerprintSha256)) continue;
      seenFingerprints.add(entry.certificate.fingerprintSha256);
      evidence.certificates.push(entry);
    }
  }

  await collectCaIssuerSecrets(context, evidence, allIssuers);
  await collectBundles(context, evidence, bundles);

  const installed = issuers !== undefined || clusterIssuers !== undefined || certificates !== undefined;
  evidence.status = installed ? 'found' : evidence.gaps.length > 0 ? 'unknown' : 'not-installed';
  return evidence;
}

export function issuerType(issuer: LiveObject): string {
  const spec = record(issuer.spec);
  return ISSUER_TYPES.find((type) => type in spec) ?? 'other';
}

/** Reads metadata (never data) of each `ca` issuer's Secret: who made it, from its cert-manager annotations. */
async function collectCaIssuerSecrets(context: CollectContext, evidence: SystemEvidence, issuers: LiveObject[]): Promise<void> {
  const handMade: string[] = [];
  const managed: string[] = [];
  for (const issuer of issuers) {
    const secretName = stringAt(issuer.spec, 'ca', 'secretName');
    if (!secretName) continue;
    // NOTE: a ClusterIssuer's Secret lives in cert-manager's cluster resource namespace, assumed to be `cert-manager` (the chart default).
    const namespace = issuer.metadata.namespace ?? 'cert-manager';
    const secrets = await attempt(evidence, `list secrets (metadata) in namespace ${namespace}`, () =>
      context.list(CORE('secrets', 'Secret'), { namespace, fieldSelector: `metadata.name=${secretName}`, metadataOnly: true }),
    );
    if (!secrets) continue;
    const label = `${issuer.kind} ${issuer.metadata.name} → Secret ${namespace}/${secretName}`;
    if (secrets.length === 0) {
      evidence.summary.push(`${label}: the Secret does not exist.`);
      continue;
    }
    const annotations = record(record(secrets[0].metadata).annotations);
    const certificateName = stringAt(annotations, 'cert-manager.io/certificate-name');
    if (certificateName) managed.push(`${label} (from Certificate ${certificateName})`);
    else handMade.push(label);
  }
  if (managed.length > 0) evidence.summary.push(`CA issuer Secrets written by a Certificate: ${managed.join('; ')}.`);
  if (handMade.length > 0) evidence.summary.push(`CA issuer Secrets created outside cert-manager: ${handMade.join('; ')}.`);
  if (managed.length + handMade.length > 0) evidence.facts.caSecretsCreatedByHand = handMade.length;
}

/** Records each trust-manager Bundle's sources and reads the certificates of its ConfigMap sources. */
async function collectBundles(context: CollectContext, evidence: SystemEvidence, bundles: LiveObject[] | undefined): Promise<void> {
  if (!bundles || bundles.length === 0) return;
  const configMaps = (await attempt(evidence, 'list configmaps cluster-wide', () => context.list(CORE('configmaps', 'ConfigMap')))) ?? [];

  for (const bundle of bundles) {
    evidence.objects.push(bundle);
    const sources = Array.isArray(record(bundle.spec).sources) ? (record(bundle.spec).sources as Record<string, unknown>[]) : [];
    const kinds = sources.map((source) => Object.keys(source)[0] ?? 'unknown');
    evidence.summary.push(`trust-manager Bundle ${bundle.metadata.name}: sources ${kinds.join(', ') || '(none)'}, target key ${stringAt(bundle.spec, 'target', 'configMap', 'key') ?? '(none)'}.`);

    // NOTE: trust-manager reads Bundle sources from its trust namespace, assumed to be `cert-manager` (the chart default).
    for (const source of sources) {
      const name = stringAt(source, 'configMap', 'name');
      const key = stringAt(source, 'configMap', 'key');
      if (!name || !key) continue;
      const configMap = configMaps.find((entry) => entry.metadata.name === name && entry.metadata.namespace === 'cert-manager');
      const text = configMap ? dataOf(configMap)[key] : undefined;
      if (configMap && typeof text === 'string') addCertificates(context, evidence, configMap, key, text, 'intermediate');
    }
  }
}
