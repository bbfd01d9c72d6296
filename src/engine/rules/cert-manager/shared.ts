import { isMap, isScalar } from 'yaml';
import { isCertManagerObject, issuerType, readIssuerRef, resolveIssuer, type IssuerRef } from '../../chains';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { formatYamlScalar, insertNestedEntry, replaceScalar } from '../../fixes/edits';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path, type YamlTree } from '../../manifest/tree';
import type { TextEdit } from '../../model';
import type { WorkspaceIndex } from '../../workspace';

/** `Issuer "istio-ca"`, `Certificate "root"`: how messages name an object. */
export function objectLabel(document: ManifestDocument): string {
  return `${document.kind ?? 'object'} "${document.name ?? '(unnamed)'}"`;
}

/** Returns the value when a rule may treat it as evidence: a non-empty string that is not a blanked Helm action. */
export function knownString(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || isTemplatePlaceholder(value)) return undefined;
  return value;
}

/** True for Issuer and ClusterIssuer documents of the cert-manager.io group. */
export function isIssuerDocument(document: ManifestDocument): boolean {
  return (document.kind === 'Issuer' || document.kind === 'ClusterIssuer') && isCertManagerObject(document);
}

export function isCACertificate(document: ManifestDocument): boolean {
  return document.kind === 'Certificate' && isCertManagerObject(document) && lookup(document.tree.value, ['spec', 'isCA']) === true;
}

/** Returns the selfSigned issuer that signs `certificate`, when its issuerRef resolves to one in the workspace. */
export function selfSignedIssuerOf(workspace: WorkspaceIndex, certificate: ManifestDocument): ManifestDocument | undefined {
  const ref = readIssuerRef(lookup(certificate.tree.value, ['spec', 'issuerRef']));
  if (!ref || isTemplatePlaceholder(ref.name)) return undefined;
  const issuer = resolveIssuer(workspace, ref, certificate.namespace);
  return issuer && issuerType(issuer) === 'selfSigned' ? issuer : undefined;
}

/** Reads an issuer reference from Helm values, filling the chart's defaults for absent fields. */
export function issuerRefFromValues(value: unknown, path: Path, defaults: Required<IssuerRef>): IssuerRef | undefined {
  const set = lookup(value, path);
  const name = isRecord(set) && set.name !== undefined ? knownString(set.name) : defaults.name;
  const kind = isRecord(set) && set.kind !== undefined ? knownString(set.kind) : defaults.kind;
  const group = isRecord(set) && set.group !== undefined ? knownString(set.group) : defaults.group;
  if (!name || !kind || !group) return undefined;
  return { name, kind, group };
}

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Parses a Go `time.Duration` string (`87600h`, `1h30m`, `2.5h`, `-90m`), the format cert-manager's
 * `duration` and `renewBefore` use, into seconds. Returns undefined for anything Go would reject,
 * such as a `d` suffix.
 */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.+)$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, body] = match;
  if (body === '0') return 0;

  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let seconds = 0;
  let consumed = 0;
  for (let found = part.exec(body); found; found = part.exec(body)) {
    seconds += Number(found[1]) * GO_DURATION_UNITS[found[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== body.length) return undefined;
  return sign === '-' ? -seconds : seconds;
}

export const HOURS_PER_YEAR = 8760;

/** Kinds whose objects carry a Pod template, with the path of the Pod spec inside them. */
export const POD_SPEC_PATHS: Readonly<Record<string, Path>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** How many CA sources a trust-manager Bundle or ClusterBundle combines. */
export interface BundleSources {
  /** Sources of private CAs: named ConfigMap/Secret keys and PEM certificates written inline. */
  count: number;
  /** True when a source may hold several certificates (a label selector, all keys, a key wildcard). */
  open: boolean;
  /** Path of the list or field that contains the sources, to underline. */
  path: Path;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/g;

function pemCount(text: unknown): number {
  return typeof text === 'string' ? (text.match(PEM_CERTIFICATE) ?? []).length : 0;
}

/**
 * Counts the CA sources of a trust-manager `Bundle` (trust.cert-manager.io/v1alpha1, `spec.sources[]`)
 * or `ClusterBundle` (trust-manager.io/v1alpha2, `spec.sourceRefs[]` plus `spec.inLineCAs`). The
 * public default CAs (`useDefaultCAs`, `defaultCAs`) are not counted: they never hold a private root.
 */
export function bundleSources(document: ManifestDocument): BundleSources | undefined {
  const spec = lookup(document.tree.value, ['spec']);
  if (!isRecord(spec)) return undefined;

  if (document.kind === 'Bundle' && document.apiVersion?.startsWith('trust.cert-manager.io/')) {
    const sources = Array.isArray(spec.sources) ? spec.sources : [];
    let count = 0;
    let open = false;
    for (const source of sources) {
      if (!isRecord(source)) continue;
      if (typeof source.inLine === 'string') {
        count += Math.max(1, pemCount(source.inLine));
        continue;
      }
      const reference = isRecord(source.configMap) ? source.configMap : isRecord(source.secret) ? source.secret : undefined;
      if (!reference) continue;
      count += 1;
      if (reference.selector !== undefined || reference.includeAllKeys === true || isTemplatePlaceholder(reference.name)) open = true;
    }
    return { count, open, path: ['spec', 'sources'] };
  }

  if (document.kind === 'ClusterBundle' && document.apiVersion?.startsWith('trust-manager.io/')) {
    const sourceRefs = Array.isArray(spec.sourceRefs) ? spec.sourceRefs : [];
    let count = pemCount(spec.inLineCAs);
    let open = false;
    for (const reference of sourceRefs) {
      if (!isRecord(reference)) continue;
      count += 1;
      if (reference.selector !== undefined || (typeof reference.key === 'string' && reference.key.includes('*'))) open = true;
    }
    const path: Path = sourceRefs.length > 0 || spec.inLineCAs === undefined ? ['spec', 'sourceRefs'] : ['spec', 'inLineCAs'];
    return { count, open, path };
  }
  return undefined;
}

/** Bundles of the workspace that can carry an old and a new root at the same time. */
export function overlappingBundles(workspace: WorkspaceIndex): ManifestDocument[] {
  return [...workspace.byKind('Bundle'), ...workspace.byKind('ClusterBundle')].filter((document) => {
    const sources = bundleSources(document);
    return sources !== undefined && (sources.open || sources.count >= 2);
  });
}

/** Placeholder trust domain that fixes insert; obviously not a real domain, so a reviewer replaces it. */
export const TRUST_DOMAIN_PLACEHOLDER = 'change-me.example.com';

/**
 * Sets the scalar at `path` of a values document: replaces it when present, fills in a key that has
 * no value, or inserts it (with the missing parent maps) under the nearest existing map.
 */
export function setScalarEdit(text: string, tree: YamlTree, path: Path, value: string): TextEdit | undefined {
  const current = tree.nodeAt(path);
  const key = String(path[path.length - 1]);
  if (current) {
    const { node, pair } = current;
    if (!isScalar(node) || node.value !== null) return node ? replaceScalar(text, tree, path, value) : undefined;

    // `key:` without a value (maybe followed by a comment): write the value after the colon.
    const keyStart = (pair?.key as { range?: number[] } | undefined)?.range?.[0];
    const valueStart = node.range?.[0];
    if (keyStart === undefined || valueStart === undefined) return undefined;
    const commentFollows = text[valueStart] === '#';
    return { range: { start: keyStart, end: valueStart }, newText: `${key}: ${formatYamlScalar(value)}${commentFollows ? ' ' : ''}` };
  }

  for (let length = path.length - 1; length >= 0; length--) {
    const parent = tree.nodeAt(path.slice(0, length));
    if (!parent) continue;
    if (!isMap(parent.node)) return undefined;
    const missing = path.slice(length, path.length - 1).map(String);
    return insertNestedEntry(text, tree, path.slice(0, length), missing, key, formatYamlScalar(value));
  }
  return undefined;
}
