import type { SourceRange } from '../../model';
import { isTemplatePlaceholder } from '../../manifest/helm';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path } from '../../manifest/tree';

/** Kinds that carry a pod spec, and where it sits. */
export const POD_SPEC_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;

export function podSpecPath(kind: string | undefined): Path | undefined {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  if (kind && (POD_SPEC_KINDS as readonly string[]).includes(kind)) return ['spec', 'template', 'spec'];
  return undefined;
}

export interface PodSpec {
  path: Path;
  spec: Record<string, unknown>;
}

export function podSpecOf(document: ManifestDocument): PodSpec | undefined {
  const path = podSpecPath(document.kind);
  if (!path) return undefined;
  const spec = lookup(document.tree.value, path);
  return isRecord(spec) ? { path, spec } : undefined;
}

/** Returns the service account a pod runs as: `serviceAccountName`, the deprecated `serviceAccount`, or `default`. */
export function serviceAccountNameOf(spec: Record<string, unknown>): string {
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') return spec.serviceAccountName;
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '') return spec.serviceAccount;
  return 'default';
}

/** True when a Helm action lies inside `range`, so a missing key may be produced by the template. */
export function hasTemplateActionWithin(document: ManifestDocument, range: SourceRange): boolean {
  return document.file.templateActions.some((action) => action.start < range.end && action.end > range.start);
}

export function annotationsOf(value: unknown, metadataPath: Path = ['metadata']): Record<string, unknown> {
  const annotations = lookup(value, [...metadataPath, 'annotations']);
  return isRecord(annotations) ? annotations : {};
}

/** Returns the object's name for messages, or `(templated name)` when a Helm action blanked it. */
export function displayName(document: ManifestDocument): string {
  if (!document.name) return '(unnamed)';
  return isTemplatePlaceholder(document.name) ? '(templated name)' : document.name;
}

/**
 * True for the projected volume shape that gives a pod API access (token, kube-root-ca.crt and the
 * namespace), as the ServiceAccount admission plugin writes it. Its token is meant for the API server,
 * so the missing audience is intended.
 */
export function isApiAccessVolume(volume: unknown): boolean {
  const name = lookup(volume, ['name']);
  if (typeof name === 'string' && name.startsWith('kube-api-access')) return true;
  const sources = lookup(volume, ['projected', 'sources']);
  return Array.isArray(sources) && sources.some((source) => lookup(source, ['configMap', 'name']) === 'kube-root-ca.crt');
}
