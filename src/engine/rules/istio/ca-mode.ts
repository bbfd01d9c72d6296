import { certificatesWritingSecret } from '../../chains';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import { isNonEmpty, readGlobal, valueAt, type IstioInstall, type Reading } from './install';

/**
 * Decides who signs workload certificates for one install, following the order istiod itself uses
 * (istio/istio pilot/pkg/bootstrap/istio_ca.go): a `cacerts` Secret in istiod's namespace makes it
 * a plug-in CA; otherwise istiod loads or creates `istio-ca-secret`, a root generated in-cluster,
 * unless its CA server is off (ENABLE_CA_SERVER=false), it acts as a registration authority
 * (EXTERNAL_CA), or the proxies are sent to another CA (global.caAddress, global.caName).
 */
export type CaMode =
  | { kind: 'self-signed'; anchor: Path; enableCaServer: Reading }
  | { kind: 'external'; reason: string }
  | { kind: 'unknown'; reason: string };

/** The name of the optional Secret istiod mounts at /etc/cacerts. */
export const PLUG_IN_CA_SECRET = 'cacerts';

/** True when the workspace has a `cacerts` Secret in `namespace`, or a Certificate or kustomize generator that writes one. */
export function hasPlugInCa(workspace: WorkspaceIndex, namespace: string): boolean {
  if (workspace.find('Secret', PLUG_IN_CA_SECRET, namespace).length > 0) return true;
  if (certificatesWritingSecret(workspace, PLUG_IN_CA_SECRET, namespace).length > 0) return true;
  return workspace.byKind('Kustomization').some((kustomization) => {
    const generators = lookup(kustomization.tree.value, ['secretGenerator']);
    if (!Array.isArray(generators)) return false;
    const defaultNamespace = lookup(kustomization.tree.value, ['namespace']);
    return generators.some((generator) => {
      if (!isRecord(generator) || generator.name !== PLUG_IN_CA_SECRET) return false;
      const generated = generator.namespace ?? defaultNamespace;
      return generated === undefined || generated === namespace;
    });
  });
}

/** True when the sidecar templates mount the SPIFFE CSI socket, so SPIRE issues workload certificates. */
function usesSpireSocket(install: IstioInstall): boolean {
  const templates =
    install.surface === 'operator'
      ? valueAt(install, ['spec', 'values', 'sidecarInjectorWebhook', 'templates'])
      : install.surface === 'values'
        ? valueAt(install, ['sidecarInjectorWebhook', 'templates'])
        : undefined;
  if (templates === undefined) return false;
  const text = JSON.stringify(templates);
  return text.includes('csi.spiffe.io') || text.includes('workload-spiffe-uds');
}

export function evaluateCaMode(install: IstioInstall, workspace: WorkspaceIndex): CaMode {
  if (hasPlugInCa(workspace, install.namespace)) return { kind: 'external', reason: `Secret ${PLUG_IN_CA_SECRET} in ${install.namespace} (plug-in CA)` };

  const enableCaServer = install.env('ENABLE_CA_SERVER');
  if (enableCaServer.kind === 'set' && enableCaServer.text.trim().toLowerCase() === 'false') return { kind: 'external', reason: 'ENABLE_CA_SERVER is "false"' };
  if (enableCaServer.kind === 'unknown') return { kind: 'unknown', reason: 'ENABLE_CA_SERVER is filled in by a template' };

  const externalCa = install.env('EXTERNAL_CA');
  if (isNonEmpty(externalCa)) return { kind: 'external', reason: `EXTERNAL_CA is "${externalCa.text}"` };
  if (externalCa.kind === 'unknown') return { kind: 'unknown', reason: 'EXTERNAL_CA is filled in by a template' };

  for (const key of ['caAddress', 'caName']) {
    const reading = readGlobal(install, key);
    if (isNonEmpty(reading)) return { kind: 'external', reason: `global.${key} is "${reading.text}"` };
    if (reading.kind === 'unknown') return { kind: 'unknown', reason: `global.${key} is filled in by a template` };
  }
  if (install.surface === 'deployment') {
    // The Deployment does not show where proxies send their CSRs; the rendered values beside it do.
    // NOTE: a Deployment rendered without those ConfigMaps in the same file is read as using istiod's CA.
    const global = renderedGlobalValues(install);
    for (const key of ['caAddress', 'caName']) {
      const value = global?.[key];
      if (typeof value === 'string' && value.trim() !== '') return { kind: 'external', reason: `global.${key} is "${value}" in the rendered values` };
    }
  }

  if (usesSpireSocket(install)) return { kind: 'external', reason: 'sidecars get certificates from the SPIRE agent socket' };
  if (install.envIncomplete && enableCaServer.kind === 'absent') return { kind: 'unknown', reason: 'some istiod environment variables are not visible' };
  if (isTemplatePlaceholder(lookup(install.document.tree.value, ['metadata', 'namespace']))) return { kind: 'unknown', reason: 'the namespace is filled in by a template' };

  const anchor = enableCaServer.kind === 'set' ? enableCaServer.path : install.anchor;
  return { kind: 'self-signed', anchor, enableCaServer };
}

/** The first multicluster marker set on the install, with its path and a description. */
export interface MulticlusterMarker {
  path: Path;
  description: string;
}

/** `CLUSTER_ID` is `Kubernetes` unless global.multiCluster.clusterName is set (istiod chart templates). */
const DEFAULT_CLUSTER_ID = 'Kubernetes';

export function multiclusterMarkers(install: IstioInstall): MulticlusterMarker[] {
  const markers: MulticlusterMarker[] = [];
  if (install.surface === 'deployment') {
    const clusterId = install.env('CLUSTER_ID');
    if (isNonEmpty(clusterId) && clusterId.text !== DEFAULT_CLUSTER_ID) markers.push({ path: clusterId.path, description: `CLUSTER_ID "${clusterId.text}"` });
    const externalIstiod = install.env('EXTERNAL_ISTIOD');
    if (externalIstiod.kind === 'set' && externalIstiod.text === 'true') markers.push({ path: externalIstiod.path, description: 'EXTERNAL_ISTIOD "true"' });
    return markers;
  }

  const stringMarkers: [string[], string][] = [
    [['meshID'], 'global.meshID'],
    [['multiCluster', 'clusterName'], 'global.multiCluster.clusterName'],
    [['network'], 'global.network'],
    [['remotePilotAddress'], 'global.remotePilotAddress'],
  ];
  for (const [keys, name] of stringMarkers) {
    const reading = readGlobal(install, ...keys);
    if (isNonEmpty(reading)) markers.push({ path: reading.path, description: `${name} "${reading.text}"` });
  }
  const externalIstiod = readGlobal(install, 'externalIstiod');
  if (externalIstiod.kind === 'set' && externalIstiod.text === 'true') markers.push({ path: externalIstiod.path, description: 'global.externalIstiod: true' });
  return markers;
}

/** Secrets that istioctl creates to give istiod access to remote clusters carry this label. */
export function remoteSecretCount(workspace: WorkspaceIndex): number {
  return workspace.byKind('Secret').filter((document) => lookup(document.tree.value, ['metadata', 'labels', 'istio/multiCluster']) === 'true').length;
}

/**
 * The `global` Helm values a rendered istiod install carries beside its Deployment: the istiod chart
 * writes them as JSON into ConfigMap istio-sidecar-injector (key `values`) and ConfigMap values
 * (key `merged-values`).
 */
function renderedGlobalValues(install: IstioInstall): Record<string, unknown> | undefined {
  for (const document of install.document.file.documents) {
    if (document.kind !== 'ConfigMap' || (document.namespace ?? install.namespace) !== install.namespace) continue;
    for (const key of ['merged-values', 'values']) {
      const text = lookup(document.tree.value, ['data', key]);
      if (typeof text !== 'string' || !text.trimStart().startsWith('{')) continue;
      try {
        const global = lookup(JSON.parse(text), ['global']);
        if (isRecord(global)) return global;
      } catch {
        // Not JSON after all; the other key or ConfigMap may still hold the values.
      }
    }
  }
  return undefined;
}
