import type { Fix } from '../../model';
import { renameKey, replaceScalar } from '../../fixes/edits';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import { displayName, pathOf, serverScopes, valueAt } from './chart';
import { formatHours, knownString, parseDurationSeconds } from './config';

const SPIRE_CHARTS = ['spire', 'spire-server', 'spire-nested'] as const;

/** Top-level keys of charts/spire/charts/spire-server/values.yaml (helm-charts-hardened 8a28a1b), plus the umbrella's `enabled`. */
const SERVER_CHART_KEYS = new Set(
  (
    'global replicaCount image kind updateStrategy externalServer externalServerSubject imagePullSecrets nameOverride crNameOverride ' +
    'namespaceOverride fullnameOverride serviceAccount podAnnotations podLabels podSecurityContext securityContext priorityClassName ' +
    'service configMap resources autoscaling podDisruptionBudget nodeSelector tolerations affinity topologySpreadConstraints ' +
    'terminationGracePeriodSeconds livenessProbe readinessProbe persistence dataStore adminIDs auditLogEnabled logLevel logFormat ' +
    'jwtIssuer clusterName trustDomain bundleConfigMap clusterDomain jwtSVIDSupport federation caSubject credentialComposer keyManager ' +
    'upstreamAuthority notifier controllerManager externalControllerManagers tools telemetry ingress gatewayAPI extraEnv extraVolumes ' +
    'extraVolumeMounts extraContainers initContainers caKeyType caTTL agentTTL defaultX509SvidTTL defaultJwtSvidTTL rateLimit ' +
    'pruneAttestedNodesExpiredFor pruneTOFUNodes maxAttestedNodeInfoStaleness nodeAttestor bundlePublisher dynamicRegistration tornjak ' +
    'secrets trustSync unsupportedBuiltInPlugins customPlugins chown experimental tests kubeConfigs jwtSVIDExecConfig ' +
    'spireIdentityExchange spike enabled'
  ).split(' '),
);

/** Keys seen in published examples that the chart never read, with the key that does the job. */
const RENAMED_KEYS: Record<string, string> = { deploymentType: 'kind' };

export const unknownChartKey: Rule = {
  id: 'spire/unknown-chart-key',
  system: 'spire',
  dimension: 'recoverability',
  severity: 'hint',
  title: 'SPIRE server values key that the chart does not read',
  rationale:
    'Helm ignores keys a chart does not define, so a misspelt key silently leaves the default in place (for example `deploymentType` instead of `kind` still renders a StatefulSet).',
  fixable: true,
  appliesTo: { charts: SPIRE_CHARTS },
  check(context) {
    for (const scope of serverScopes(context)) {
      const keys = Object.keys(scope.values);
      for (const key of keys) {
        if (SERVER_CHART_KEYS.has(key)) continue;
        const suggestion = RENAMED_KEYS[key] ?? [...SERVER_CHART_KEYS].find((known) => known.toLowerCase() === key.toLowerCase());
        const path = pathOf(scope, [key]);
        const fixes: Fix[] = [];
        if (suggestion && !keys.includes(suggestion)) {
          const edit = renameKey(context.tree, path, suggestion);
          if (edit) fixes.push({ title: `Rename to ${suggestion}`, edits: [edit], isPreferred: true, safe: false });
        }
        context.report({
          path,
          part: 'key',
          message: `${displayName(scope, [key])} is not a key of the spire-server chart, so Helm ignores it${suggestion ? `; the chart reads ${displayName(scope, [suggestion])}` : ''}. ${suggestion ? `Rename it to ${suggestion}` : 'Remove it or correct its name'}, and check the rendered manifests.`,
          fixes,
        });
      }
    }
  },
};

export const agentInsecureBootstrap: Rule = {
  id: 'spire/agent-insecure-bootstrap',
  system: 'spire',
  dimension: 'issuer-independence',
  severity: 'warning',
  title: 'SPIRE agent trusts the first server it reaches (insecure_bootstrap)',
  rationale:
    'With insecure_bootstrap the agent accepts whatever answers at the server address as its trust anchor, so the root it trusts depends on the network rather than on a bundle distributed from outside.',
  fixable: true,
  appliesTo: { embedded: ['spire-agent'] },
  check(context) {
    const path = ['agent', 'insecure_bootstrap'];
    if (lookup(context.value, path) !== true) return;
    const edit = replaceScalar(context.file.text, context.tree, path, false);
    context.report({
      path,
      part: 'value',
      message: 'insecure_bootstrap = true lets this agent accept any server at server_address without checking it against a trust bundle. Set it to false and give the agent trust_bundle_path (the bundle ConfigMap) or trust_bundle_url.',
      fixes: edit ? [{ title: 'Set insecure_bootstrap to false', edits: [edit], isPreferred: true, safe: false }] : [],
    });
  },
};

interface TtlSetting {
  keys: Path;
  label: string;
  maxSeconds: number;
  /** Value the fix writes: the SPIRE or chart default for this setting. */
  fallback: string;
}

const DAY = 24 * 3600;

/** Limits chosen by this project: SVIDs should live hours, a CA at most a quarter (SPIRE's own defaults are 1h and 24h). */
const CONFIG_TTLS: TtlSetting[] = [
  { keys: ['server', 'default_x509_svid_ttl'], label: 'default_x509_svid_ttl', maxSeconds: DAY, fallback: '1h' },
  { keys: ['server', 'default_svid_ttl'], label: 'default_svid_ttl', maxSeconds: DAY, fallback: '1h' },
  { keys: ['server', 'default_jwt_svid_ttl'], label: 'default_jwt_svid_ttl', maxSeconds: DAY, fallback: '5m' },
  { keys: ['server', 'agent_ttl'], label: 'agent_ttl', maxSeconds: 7 * DAY, fallback: '1h' },
  { keys: ['server', 'ca_ttl'], label: 'ca_ttl', maxSeconds: 90 * DAY, fallback: '24h' },
];

const CHART_TTLS: TtlSetting[] = [
  { keys: ['defaultX509SvidTTL'], label: 'defaultX509SvidTTL', maxSeconds: DAY, fallback: '4h' },
  { keys: ['defaultJwtSvidTTL'], label: 'defaultJwtSvidTTL', maxSeconds: DAY, fallback: '1h' },
  { keys: ['agentTTL'], label: 'agentTTL', maxSeconds: 7 * DAY, fallback: '4h' },
  { keys: ['caTTL'], label: 'caTTL', maxSeconds: 90 * DAY, fallback: '24h' },
];

export const longCredentialTtl: Rule = {
  id: 'spire/long-credential-ttl',
  system: 'spire',
  dimension: 'credential-lifetime',
  severity: 'warning',
  title: 'SPIRE issues long-lived SVIDs or keeps a long-lived CA',
  rationale:
    'SVIDs are meant to live hours and rotate automatically. Days-long SVIDs or a CA key valid for many months widen the window in which a stolen credential works and slow down a move to a new root.',
  fixable: true,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS, kinds: ['ClusterSPIFFEID'] },
  check(context) {
    if (context.embedded) {
      for (const setting of CONFIG_TTLS) reportTtl(context, setting.keys, setting, setting.label);
      return;
    }
    if (context.document.kind === 'ClusterSPIFFEID') {
      const subject = `ClusterSPIFFEID "${context.document.name ?? '(unnamed)'}"`;
      reportTtl(context, ['spec', 'ttl'], { keys: [], label: 'ttl', maxSeconds: DAY, fallback: '1h' }, `${subject} ttl`);
      reportTtl(context, ['spec', 'jwtTtl'], { keys: [], label: 'jwtTtl', maxSeconds: DAY, fallback: '5m' }, `${subject} jwtTtl`);
      return;
    }
    for (const scope of serverScopes(context)) {
      for (const setting of CHART_TTLS) reportTtl(context, pathOf(scope, setting.keys), setting, displayName(scope, setting.keys));
      const identities = valueAt(scope, ['controllerManager', 'identities', 'clusterSPIFFEIDs']);
      if (!isRecord(identities)) continue;
      for (const name of Object.keys(identities)) {
        const base = ['controllerManager', 'identities', 'clusterSPIFFEIDs', name];
        reportTtl(context, pathOf(scope, [...base, 'ttl']), { keys: [], label: 'ttl', maxSeconds: DAY, fallback: '4h' }, displayName(scope, [...base, 'ttl']));
        reportTtl(context, pathOf(scope, [...base, 'jwtTTL']), { keys: [], label: 'jwtTTL', maxSeconds: DAY, fallback: '1h' }, displayName(scope, [...base, 'jwtTTL']));
      }
    }
  },
};

function reportTtl(context: RuleContext, path: Path, setting: TtlSetting, subject: string): void {
  const raw = lookup(context.value, path);
  if (typeof raw === 'string' && !knownString(raw)) return;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined || seconds <= setting.maxSeconds) return;
  const edit = replaceScalar(context.file.text, context.tree, path, setting.fallback);
  const isCa = /ca_?ttl/i.test(setting.label);
  context.report({
    path,
    part: 'value',
    message: `${subject} is ${String(raw)} (${formatHours(seconds)}), longer than the ${formatHours(setting.maxSeconds)} this check allows for ${isCa ? 'a CA signing key' : 'an SVID'}. Shorten it (the default is ${setting.fallback}) and let SPIRE rotate automatically.`,
    fixes: edit ? [{ title: `Use the default ${setting.fallback}`, edits: [edit], isPreferred: true, safe: false }] : [],
  });
}

export const deprecatedWorkloadRegistrar: Rule = {
  id: 'spire/deprecated-workload-registrar',
  system: 'spire',
  dimension: 'identity-policy',
  severity: 'hint',
  title: 'SPIRE k8s-workload-registrar is deprecated',
  rationale:
    'SPIRE 1.5.0 deprecated the k8s-workload-registrar in favour of spire-controller-manager, and later releases no longer ship it, so an install that depends on it cannot be rebuilt on a current SPIRE release.',
  fixable: false,
  appliesTo: { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ConfigMap'] },
  check(context) {
    if (context.document.kind === 'ConfigMap') {
      const data = lookup(context.value, ['data']);
      if (!isRecord(data)) return;
      for (const key of Object.keys(data)) {
        if (!/k8s-workload-registrar/.test(key)) continue;
        context.report({
          path: ['data', key],
          part: 'key',
          message: `ConfigMap "${context.document.name ?? '(unnamed)'}" configures the deprecated k8s-workload-registrar (${key}). Migrate its registrations to spire-controller-manager ClusterSPIFFEID resources.`,
        });
      }
      return;
    }
    const containers = lookup(context.value, ['spec', 'template', 'spec', 'containers']);
    if (!Array.isArray(containers)) return;
    containers.forEach((container, index) => {
      const image = knownString(lookup(container, ['image']));
      if (!image || !/k8s-workload-registrar/.test(image)) return;
      context.report({
        path: ['spec', 'template', 'spec', 'containers', index, 'image'],
        part: 'value',
        message: `${context.document.kind} "${context.document.name ?? '(unnamed)'}" runs the deprecated k8s-workload-registrar (${image}). Replace it with spire-controller-manager and ClusterSPIFFEID resources.`,
      });
    });
  },
};
