import { X509Certificate } from 'node:crypto';
import type { RelatedLocation, SourceRange } from '../../model';
import { isTemplatePlaceholder } from '../../manifest/helm';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path, type SourceTree } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import type { RuleContext } from '../types';

/**
 * Facts about Linkerd that several rules share. Defaults come from the linkerd-control-plane chart's
 * values.yaml (linkerd/linkerd2, charts/linkerd-control-plane/values.yaml) and the names from
 * linkerd/linkerd2 cli/cmd/options.go.
 */

export const TRUST_ROOTS_CONFIGMAP = 'linkerd-identity-trust-roots';
export const TRUST_ROOTS_KEY = 'ca-bundle.crt';
export const ISSUER_SECRET = 'linkerd-identity-issuer';
export const TRUST_ANCHOR_CERTIFICATE = 'linkerd-trust-anchor';
export const DEFAULT_INBOUND_POLICY_ANNOTATION = 'config.linkerd.io/default-inbound-policy';

/** Chart default of `proxy.defaultInboundPolicy`. */
export const CHART_DEFAULT_INBOUND_POLICY = 'all-unauthenticated';
/** Chart default of `identity.issuer.scheme`: the chart renders the issuer Secret from values. */
export const CHART_DEFAULT_ISSUER_SCHEME = 'linkerd.io/tls';
/** Chart default of `clusterNetworks`, which defines what the `cluster-*` policies admit. */
export const CHART_DEFAULT_CLUSTER_NETWORKS = '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8';

/** Kinds whose pod template can carry the default-inbound-policy annotation. */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;

/** Path of the pod template metadata for a workload kind; `metadata` itself for Pod and Namespace. */
export function podMetadataPath(kind: string | undefined): Path | undefined {
  if (kind === 'Pod' || kind === 'Namespace') return ['metadata'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'metadata'];
  if (kind && (WORKLOAD_KINDS as readonly string[]).includes(kind)) return ['spec', 'template', 'metadata'];
  return undefined;
}

export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !isTemplatePlaceholder(value);
}

/**
 * True for a values document of the linkerd-multicluster chart. Both charts have `identityTrustDomain`,
 * so the engine also recognises such a file as linkerd-control-plane values, and control-plane rules
 * skip it. The keys tested here exist only in the multicluster chart's values.yaml.
 */
export function isMulticlusterValues(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if ('remoteMirrorServiceAccountName' in value || 'remoteMirrorServiceAccount' in value || 'localServiceMirror' in value) return true;
  return isRecord(value.gateway) && 'linkerdNamespace' in value;
}

/** True when the rule runs on the control plane's values: a values file or the rendered linkerd-config. */
export function isControlPlaneValues(context: RuleContext): boolean {
  if (context.embedded?.role === 'linkerd-values') return true;
  return context.chart === 'linkerd-control-plane' && !isMulticlusterValues(context.value);
}

export interface MulticlusterEvidence {
  document: ManifestDocument;
  description: string;
}

/**
 * Finds a sign that Linkerd multicluster is in use: a `Link` object, linkerd-multicluster values, or
 * an object in the extension's default namespace `linkerd-multicluster`.
 */
export function findMulticlusterEvidence(workspace: WorkspaceIndex): MulticlusterEvidence | undefined {
  for (const link of workspace.byKind('Link')) {
    if (link.apiVersion?.startsWith('multicluster.linkerd.io/')) return { document: link, description: `Link "${link.name ?? '(unnamed)'}"` };
  }
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      if (!document.kind && isMulticlusterValues(document.tree.value)) {
        return { document, description: `linkerd-multicluster values in ${file.path}` };
      }
      if (document.namespace === 'linkerd-multicluster' || (document.kind === 'Namespace' && document.name === 'linkerd-multicluster')) {
        return { document, description: `${document.kind ?? 'object'} "${document.name ?? '(unnamed)'}" in namespace linkerd-multicluster` };
      }
    }
  }
  return undefined;
}

export function evidenceRelated(evidence: MulticlusterEvidence): RelatedLocation {
  const range = evidence.document.tree.locate(['kind'], 'value') ?? evidence.document.tree.locate([], 'key') ?? evidence.document.range;
  return { file: evidence.document.file.path, range, message: `multicluster in use: ${evidence.description}` };
}

// ---------------------------------------------------------------------------------------------
// Trust anchor certificates

export interface ParsedCertificate {
  certificate: X509Certificate;
  /** Position of the PEM block among the blocks of its field, counting blocks that failed to parse. */
  index: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';

/** Parses every PEM certificate block in `text`; blocks that are not valid certificates are skipped. */
export function parsePemCertificates(text: string): ParsedCertificate[] {
  const parsed: ParsedCertificate[] = [];
  let index = 0;
  for (const match of text.matchAll(PEM_CERTIFICATE)) {
    try {
      parsed.push({ certificate: new X509Certificate(match[0]), index });
    } catch {
      // A placeholder or truncated block is not evidence; other blocks of the bundle still count.
    }
    index++;
  }
  return parsed;
}

/**
 * Range of the `-----BEGIN CERTIFICATE-----` line of the `index`-th block inside the field whose
 * value occupies `valueRange` of the file. Falls back to the whole value.
 */
export function certificateLineRange(fileText: string, valueRange: SourceRange, index: number): SourceRange {
  const slice = fileText.slice(valueRange.start, valueRange.end);
  let position = -1;
  for (let seen = 0; seen <= index; seen++) {
    position = slice.indexOf(PEM_BEGIN, position + 1);
    if (position < 0) return valueRange;
  }
  const start = valueRange.start + position;
  return { start, end: start + PEM_BEGIN.length };
}

export function commonName(certificate: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
}

export function describeCertificate(certificate: X509Certificate): string {
  const name = commonName(certificate);
  const subject = name ? `CN=${name}` : certificate.subject.replace(/\n/g, ', ');
  return `"${subject}" (SHA-256 ${certificate.fingerprint256.slice(0, 14)}…)`;
}

export function isSelfSigned(certificate: X509Certificate): boolean {
  try {
    return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
  } catch {
    return false;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function validityDays(certificate: X509Certificate): number {
  return Math.round((Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / DAY_MS);
}

/** Whole days from `now` until the certificate's notAfter; negative once it has expired. */
export function daysUntilExpiry(certificate: X509Certificate, now: number = Date.now()): number {
  return Math.floor((Date.parse(certificate.validTo) - now) / DAY_MS);
}

export function isoDate(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A field that contains trust anchor PEMs: values `identityTrustAnchorsPEM`, the trust-roots ConfigMap, a trust-manager Bundle. */
export interface AnchorField {
  tree: SourceTree;
  path: Path;
  text: string;
  /** Human-readable place, for messages: `identityTrustAnchorsPEM`, `ConfigMap linkerd-identity-trust-roots`. */
  label: string;
}

/** Returns the trust anchor fields of the document or embedded config that the rule context matched. */
export function anchorFieldsOf(context: RuleContext): AnchorField[] {
  return anchorFields(context.document, context.tree, context.embedded !== undefined, context.chart === 'linkerd-control-plane');
}

function anchorFields(document: ManifestDocument, tree: SourceTree, embedded: boolean, controlPlaneChart: boolean): AnchorField[] {
  const value = tree.value;
  const fields: AnchorField[] = [];

  if (embedded || (controlPlaneChart && !isMulticlusterValues(value))) {
    const text = lookup(value, ['identityTrustAnchorsPEM']);
    if (typeof text === 'string') {
      const label = embedded ? 'identityTrustAnchorsPEM in ConfigMap linkerd-config' : 'identityTrustAnchorsPEM';
      fields.push({ tree, path: ['identityTrustAnchorsPEM'], text, label });
    }
    return fields;
  }

  if (document.kind === 'ConfigMap' && document.name === TRUST_ROOTS_CONFIGMAP) {
    const text = lookup(value, ['data', TRUST_ROOTS_KEY]);
    if (typeof text === 'string') fields.push({ tree, path: ['data', TRUST_ROOTS_KEY], text, label: `ConfigMap ${TRUST_ROOTS_CONFIGMAP}` });
  }

  if (document.kind === 'Bundle' && document.name === TRUST_ROOTS_CONFIGMAP) {
    const sources = lookup(value, ['spec', 'sources']);
    if (Array.isArray(sources)) {
      sources.forEach((source, index) => {
        const text = lookup(source, ['inLine']);
        if (typeof text === 'string') fields.push({ tree, path: ['spec', 'sources', index, 'inLine'], text, label: `Bundle ${TRUST_ROOTS_CONFIGMAP}` });
      });
    }
  }
  return fields;
}

export interface AnchorSource {
  document: ManifestDocument;
  field: AnchorField;
  certificates: ParsedCertificate[];
}

/** Collects every trust anchor field of the workspace that contains at least one parseable certificate. */
export function workspaceAnchorSources(workspace: WorkspaceIndex): AnchorSource[] {
  const sources: AnchorSource[] = [];
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      const trees: { tree: SourceTree; embedded: boolean; chart: boolean }[] = [];
      if (document.charts.includes('linkerd-control-plane')) trees.push({ tree: document.tree, embedded: false, chart: true });
      if (document.kind === 'ConfigMap' || document.kind === 'Bundle') trees.push({ tree: document.tree, embedded: false, chart: false });
      for (const embedded of document.embedded) {
        if (embedded.role === 'linkerd-values' && embedded.tree) trees.push({ tree: embedded.tree, embedded: true, chart: false });
      }
      for (const { tree, embedded, chart } of trees) {
        for (const field of anchorFields(document, tree, embedded, chart)) {
          const certificates = parsePemCertificates(field.text);
          if (certificates.length > 0) sources.push({ document, field, certificates });
        }
      }
    }
  }
  return sources;
}

/** Range to underline for a certificate of a field: its BEGIN line, or the field's key. */
export function anchorCertificateRange(fileText: string, field: AnchorField, index: number): SourceRange | undefined {
  const valueRange = field.tree.locate(field.path, 'value');
  if (!valueRange) return field.tree.locate(field.path, 'key');
  return certificateLineRange(fileText, valueRange, index);
}

// ---------------------------------------------------------------------------------------------
// cert-manager Certificates for the trust anchor and the identity issuer

const LINKERD_CERTIFICATE_NAMES = new Set([ISSUER_SECRET, TRUST_ANCHOR_CERTIFICATE]);

/**
 * True for a cert-manager Certificate that produces Linkerd's trust anchor or identity issuer: named
 * (or writing a Secret named) as in Linkerd's cert-manager guide, or with a Linkerd identity common name.
 */
export function isLinkerdCertificate(document: ManifestDocument): boolean {
  if (document.kind !== 'Certificate' || !document.apiVersion?.startsWith('cert-manager.io/')) return false;
  if (document.name && LINKERD_CERTIFICATE_NAMES.has(document.name)) return true;
  const secretName = lookup(document.tree.value, ['spec', 'secretName']);
  if (typeof secretName === 'string' && LINKERD_CERTIFICATE_NAMES.has(secretName)) return true;
  const common = lookup(document.tree.value, ['spec', 'commonName']);
  return typeof common === 'string' && /^(identity|root)\.linkerd\./.test(common);
}

/** `trust anchor` or `identity issuer`, for messages. */
export function certificateRole(document: ManifestDocument): string {
  const secretName = lookup(document.tree.value, ['spec', 'secretName']);
  const common = lookup(document.tree.value, ['spec', 'commonName']);
  if (document.name === ISSUER_SECRET || secretName === ISSUER_SECRET || (typeof common === 'string' && common.startsWith('identity.'))) {
    return 'identity issuer';
  }
  return 'trust anchor';
}

// ---------------------------------------------------------------------------------------------
// Policy objects

/** True when the workspace has at least one Server and one authorization that can target it. */
export function workspaceHasServerAuthorization(workspace: WorkspaceIndex): boolean {
  const isPolicy = (document: ManifestDocument) => document.apiVersion?.startsWith('policy.linkerd.io/') ?? false;
  const servers = workspace.byKind('Server').some(isPolicy);
  const authorizations = workspace.byKind('AuthorizationPolicy').some(isPolicy) || workspace.byKind('ServerAuthorization').some(isPolicy);
  return servers && authorizations;
}

export function isLinkerdPolicy(document: ManifestDocument): boolean {
  return document.apiVersion?.startsWith('policy.linkerd.io/') ?? false;
}

/** Control-plane workloads carry the annotation because the chart copies `proxy.defaultInboundPolicy`. */
export function isControlPlaneComponent(value: unknown, metadataPath: Path): boolean {
  const labels = lookup(value, [...metadataPath, 'labels']);
  const topLabels = lookup(value, ['metadata', 'labels']);
  return (isRecord(labels) && 'linkerd.io/control-plane-component' in labels) || (isRecord(topLabels) && 'linkerd.io/control-plane-component' in topLabels);
}
