import type { RelatedLocation, SourceRange } from './model';
import type { ManifestDocument } from './manifest/parse';
import { isRecord, lookup } from './manifest/tree';
import { isTemplatePlaceholder } from './manifest/helm';
import { nearest, type WorkspaceIndex } from './workspace';

/**
 * Follows cert-manager trust chains across files:
 * issuer → (ca.secretName) → Certificate that writes that Secret → its issuerRef → ... → root.
 * The root is in-cluster when the chain ends at a `selfSigned` issuer or at a CA Secret no
 * Certificate produces; it is external when it ends at Vault, Venafi, ACME or an issuer of another
 * API group (external issuers such as AWS Private CA or Google CAS).
 */

export interface IssuerRef {
  name: string;
  kind?: string;
  group?: string;
}

export type IssuerType = 'selfSigned' | 'ca' | 'vault' | 'venafi' | 'acme' | 'unknown';

export type ChainRoot = 'in-cluster-self-signed' | 'in-cluster-secret' | 'external' | 'unresolved';

export interface ChainStep {
  document: ManifestDocument;
  description: string;
  range: SourceRange;
}

export interface ChainResult {
  /** From the referenced issuer towards the root. */
  steps: ChainStep[];
  root: ChainRoot;
  /** The step that holds the root: the selfSigned issuer, or the CA issuer whose Secret has no producer. */
  rootStep?: ChainStep;
  /** Human-readable chain, for messages: `ClusterIssuer/a → Certificate/b → ClusterIssuer/c (selfSigned)`. */
  summary: string;
}

const CERT_MANAGER_GROUP = 'cert-manager.io';

/** Namespace a ClusterIssuer reads its Secrets from, unless cert-manager's --cluster-resource-namespace flag sets another. */
export const DEFAULT_CLUSTER_RESOURCE_NAMESPACE = 'cert-manager';

/** True for objects of the cert-manager.io API group, so an `Issuer` of another group is never taken for one. */
export function isCertManagerObject(document: ManifestDocument): boolean {
  return document.apiVersion?.startsWith(`${CERT_MANAGER_GROUP}/`) ?? false;
}

export function readIssuerRef(value: unknown): IssuerRef | undefined {
  if (!isRecord(value) || typeof value.name !== 'string') return undefined;
  return {
    name: value.name,
    kind: typeof value.kind === 'string' ? value.kind : undefined,
    group: typeof value.group === 'string' ? value.group : undefined,
  };
}

export function issuerType(document: ManifestDocument): IssuerType {
  const spec = lookup(document.tree.value, ['spec']);
  if (!isRecord(spec)) return 'unknown';
  if ('selfSigned' in spec) return 'selfSigned';
  if ('ca' in spec) return 'ca';
  if ('vault' in spec) return 'vault';
  if ('venafi' in spec) return 'venafi';
  if ('acme' in spec) return 'acme';
  return 'unknown';
}

/** Resolves an issuerRef; with `from`, prefers the issuer closest to that file. */
export function resolveIssuer(workspace: WorkspaceIndex, ref: IssuerRef, namespace: string | undefined, from?: string): ManifestDocument | undefined {
  if (ref.group && ref.group !== CERT_MANAGER_GROUP) return undefined;
  const kind = ref.kind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer';
  const candidates = (kind === 'ClusterIssuer' ? workspace.find(kind, ref.name) : workspace.find(kind, ref.name, namespace)).filter(isCertManagerObject);
  return (from === undefined ? candidates : nearest(candidates, from))[0];
}

/**
 * Certificates across the workspace that write the Secret `secretName` (in `namespace` when known);
 * with `from`, only those closest to that file.
 */
export function certificatesWritingSecret(workspace: WorkspaceIndex, secretName: string, namespace: string | undefined, from?: string): ManifestDocument[] {
  if (isTemplatePlaceholder(secretName)) return [];
  const matches = workspace
    .byKind('Certificate')
    .filter(
      (document) =>
        isCertManagerObject(document) &&
        lookup(document.tree.value, ['spec', 'secretName']) === secretName &&
        (namespace === undefined || document.namespace === undefined || document.namespace === namespace),
    );
  return from === undefined ? matches : nearest(matches, from);
}

function describe(document: ManifestDocument, suffix = ''): string {
  return `${document.kind}/${document.name ?? '(unnamed)'}${suffix}`;
}

function nameRange(document: ManifestDocument): SourceRange {
  return document.tree.locate(['metadata', 'name'], 'value') ?? document.tree.locate(['kind'], 'value') ?? document.range;
}

/** Traces the chain that starts at the issuer `ref` used from `namespace`. */
export function traceIssuerChain(workspace: WorkspaceIndex, ref: IssuerRef, namespace: string | undefined, from?: string): ChainResult {
  const steps: ChainStep[] = [];
  const visited = new Set<ManifestDocument>();
  let currentRef: IssuerRef | undefined = ref;
  let currentNamespace = namespace;

  while (currentRef) {
    if (currentRef.group && currentRef.group !== CERT_MANAGER_GROUP) {
      return finish(steps, 'external', undefined, `${currentRef.kind ?? 'Issuer'}.${currentRef.group}/${currentRef.name}`);
    }
    const issuer = resolveIssuer(workspace, currentRef, currentNamespace, from);
    if (!issuer) {
      return finish(steps, 'unresolved', undefined, `${currentRef.kind ?? 'Issuer'}/${currentRef.name} (not in these files)`);
    }
    if (visited.has(issuer)) {
      return finish(steps, 'unresolved', undefined, `${currentRef.kind ?? 'Issuer'}/${currentRef.name} (loop: already in this chain)`);
    }
    visited.add(issuer);
    const type = issuerType(issuer);
    const step: ChainStep = { document: issuer, description: describe(issuer, ` (${type})`), range: nameRange(issuer) };
    steps.push(step);

    if (type === 'selfSigned') return finish(steps, 'in-cluster-self-signed', step);
    if (type === 'vault' || type === 'venafi' || type === 'acme') return finish(steps, 'external', step);
    if (type !== 'ca') return finish(steps, 'unresolved', step);

    const secretName = lookup(issuer.tree.value, ['spec', 'ca', 'secretName']);
    if (typeof secretName !== 'string') return finish(steps, 'unresolved', step);
    const secretNamespace = issuer.kind === 'ClusterIssuer' ? undefined : issuer.namespace ?? currentNamespace;
    const producers = certificatesWritingSecret(workspace, secretName, secretNamespace, issuer.file.path).filter((document) => !visited.has(document));
    const certificate = issuer.kind === 'ClusterIssuer' ? preferClusterResourceNamespace(producers) : producers[0];
    if (!certificate) return finish(steps, 'in-cluster-secret', step);
    visited.add(certificate);
    steps.push({ document: certificate, description: describe(certificate), range: nameRange(certificate) });
    currentRef = readIssuerRef(lookup(certificate.tree.value, ['spec', 'issuerRef']));
    currentNamespace = certificate.namespace ?? secretNamespace;
    from = certificate.file.path;
  }
  return finish(steps, 'unresolved');
}

/**
 * Picks the likely producer of a ClusterIssuer's Secret: a Certificate in the cluster resource
 * namespace, then one without a namespace. Another namespace is still accepted because the
 * controller flag can move the cluster resource namespace.
 */
function preferClusterResourceNamespace(producers: ManifestDocument[]): ManifestDocument | undefined {
  return (
    producers.find((document) => document.namespace === DEFAULT_CLUSTER_RESOURCE_NAMESPACE) ??
    producers.find((document) => document.namespace === undefined) ??
    producers[0]
  );
}

function finish(steps: ChainStep[], root: ChainRoot, rootStep?: ChainStep, tail?: string): ChainResult {
  const parts = steps.map((step) => step.description);
  if (tail) parts.push(tail);
  return { steps, root, rootStep, summary: parts.join(' → ') };
}

/** Related locations for every step of a chain, for a finding's related information. */
export function chainRelated(chain: ChainResult, fromDocument?: ManifestDocument): RelatedLocation[] {
  return chain.steps
    .filter((step) => step.document !== fromDocument)
    .map((step) => ({
      file: step.document.file.path,
      range: step.range,
      message: rootLabel(chain, step),
    }));
}

function rootLabel(chain: ChainResult, step: ChainStep): string {
  if (step !== chain.rootStep) return step.description;
  if (chain.root === 'in-cluster-self-signed') return `in-cluster root: ${step.description}`;
  if (chain.root === 'in-cluster-secret') return `in-cluster root key in a Secret no Certificate writes: ${step.description}`;
  return step.description;
}
