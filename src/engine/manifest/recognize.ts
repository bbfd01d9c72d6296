import { isRecord } from './tree';

/** Helm charts whose values files the rules understand. */
export const CHARTS = [
  'spire',
  'spire-server',
  'spire-nested',
  'istiod',
  'istio-base',
  'linkerd-control-plane',
  'cert-manager',
  'trust-manager',
  'istio-csr',
  'csi-driver-spiffe',
] as const;
export type ChartId = (typeof CHARTS)[number];

function has(value: Record<string, unknown>, ...keys: string[]): boolean {
  return keys.some((key) => key in value);
}

function child(value: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const found = value[key];
  return isRecord(found) ? found : undefined;
}

/**
 * Recognises a Helm values document by its keys. A values file has no `apiVersion`/`kind`; the
 * keys checked are ones the chart's own values.yaml defines and other charts do not use.
 */
export function recogniseValuesCharts(value: unknown): ChartId[] {
  if (!isRecord(value)) return [];
  if (typeof value.apiVersion === 'string' && typeof value.kind === 'string') return [];
  const charts: ChartId[] = [];
  const global = child(value, 'global');
  const app = child(value, 'app');

  if (has(value, 'spire-server', 'spire-agent', 'spiffe-csi-driver') || (global && child(global, 'spire'))) charts.push('spire');
  if (has(value, 'keyManager', 'upstreamAuthority') || (has(value, 'dataStore') && has(value, 'caTTL', 'nodeAttestor', 'controllerManager'))) {
    charts.push('spire-server');
  }
  if (has(value, 'root-spire-server', 'internal-spire-server', 'external-spire-server')) charts.push('spire-nested');

  if (has(value, '_internal_defaults_do_not_set', 'pilot', 'istiodRemote') || (has(value, 'meshConfig') && !has(value, 'spec'))) {
    charts.push('istiod');
  }
  if (child(value, 'base') && has(value, 'defaultRevision')) charts.push('istio-base');

  if (
    has(value, 'identityTrustAnchorsPEM', 'identityTrustDomain', 'proxyInjector', 'policyController', 'identityResources', 'proxyInjectorResources') ||
    (child(value, 'identity') && child(child(value, 'identity')!, 'issuer'))
  ) {
    charts.push('linkerd-control-plane');
  }

  if (has(value, 'installCRDs', 'cainjector', 'startupapicheck')) charts.push('cert-manager');
  if (has(value, 'defaultPackage', 'secretTargets', 'defaultPackageImage') || (app && child(app, 'trust'))) charts.push('trust-manager');
  if (app && (child(app, 'certmanager') || (child(app, 'tls') && has(child(app, 'tls')!, 'rootCAFile', 'certificateDuration')) || child(app, 'istio'))) {
    charts.push('istio-csr');
  }
  if (
    has(value, 'driverImage', 'approverImage') ||
    (app && has(app, 'trustDomain', 'certificateRequestDuration') && has(app, 'driver', 'approver', 'issuer'))
  ) {
    charts.push('csi-driver-spiffe');
  }
  return charts;
}
