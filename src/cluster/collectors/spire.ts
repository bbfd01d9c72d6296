import { attempt, CORE, dataOf, listCustom, type CollectContext, type ResourceRef } from '../context';
import { emptySystemEvidence, objectSource, type LiveObject, type SystemEvidence } from '../evidence';
import { embeddedConfig } from '../serialize';
import { addCertificates, containersOf, pushUnique, record, stringAt, volumesOf } from './common';

const STATEFUL_SETS: ResourceRef = { apiPath: '/apis/apps/v1', resource: 'statefulsets', kind: 'StatefulSet', qualified: 'statefulsets.apps' };
const DEPLOYMENTS: ResourceRef = { apiPath: '/apis/apps/v1', resource: 'deployments', kind: 'Deployment', qualified: 'deployments.apps' };

/**
 * SPIRE: the server ConfigMap (`server.conf`, parsed by the engine), the bundle ConfigMap written by
 * the k8sbundle notifier (default `spire-bundle`), the server workload's data volume, and the
 * controller manager's ClusterSPIFFEID and ClusterFederatedTrustDomain objects.
 */
export async function collectSpire(context: CollectContext): Promise<SystemEvidence> {
  const evidence = emptySystemEvidence('spire');
  const configMaps = (await attempt(evidence, 'list configmaps cluster-wide', () => context.list(CORE('configmaps', 'ConfigMap')))) ?? [];

  const serverConfigMaps = configMaps.filter((configMap) => typeof dataOf(configMap)['server.conf'] === 'string');
  let bundleName = 'spire-bundle';
  let bundleNamespace: string | undefined;
  let dataDir: string | undefined;
  for (const configMap of serverConfigMaps) {
    evidence.objects.push(configMap);
    const config = embeddedConfig(context.contextName, configMap, 'spire-server');
    if (!config) {
      evidence.summary.push(`${objectSource(context.contextName, configMap)}: server.conf could not be parsed.`);
      continue;
    }
    const server = record(config.server);
    pushUnique(evidence.trustDomains, stringAt(server, 'trust_domain'));
    dataDir ??= stringAt(server, 'data_dir');
    const plugins = record(config.plugins);
    const keyManager = pluginNames(plugins.KeyManager);
    const upstream = pluginNames(plugins.UpstreamAuthority);
    const dataStore = pluginNames(plugins.DataStore);
    const databaseType = firstPluginData(plugins.DataStore, 'database_type');
    evidence.facts.keyManager = keyManager;
    evidence.facts.upstreamAuthority = upstream;
    evidence.facts.dataStore = databaseType ? [databaseType] : dataStore;
    if (stringAt(server, 'ca_ttl')) evidence.facts.caTtl = stringAt(server, 'ca_ttl')!;
    if (stringAt(server, 'jwt_issuer')) evidence.facts.jwtIssuer = stringAt(server, 'jwt_issuer')!;
    evidence.summary.push(
      `Server config ${objectSource(context.contextName, configMap)}: trust domain ${stringAt(server, 'trust_domain') ?? '(unset)'}, KeyManager ${keyManager.join(', ') || '(none)'}, UpstreamAuthority ${upstream.join(', ') || 'none (self-signed root)'}, datastore ${databaseType ?? (dataStore.join(', ') || '(none)')}.`,
    );

    const notifier = record(record(record(firstEntry(plugins.Notifier, 'k8sbundle')).plugin_data));
    bundleName = stringAt(notifier, 'config_map') ?? bundleName;
    bundleNamespace = stringAt(notifier, 'namespace') ?? bundleNamespace;
  }

  const bundles = configMaps.filter((configMap) => configMap.metadata.name === bundleName && (!bundleNamespace || configMap.metadata.namespace === bundleNamespace));
  for (const bundle of bundles) {
    evidence.objects.push(bundle);
    const data = dataOf(bundle);
    const count = typeof data['bundle.spiffe'] === 'string' ? addCertificates(context, evidence, bundle, 'bundle.spiffe', data['bundle.spiffe'], 'intermediate', 'spiffe') : 0;
    const pemCount = typeof data['bundle.crt'] === 'string' ? addCertificates(context, evidence, bundle, 'bundle.crt', data['bundle.crt']) : 0;
    evidence.summary.push(`Trust bundle ${objectSource(context.contextName, bundle)}: ${count + pemCount} X.509 authorit${count + pemCount === 1 ? 'y' : 'ies'}.`);
    evidence.facts.bundleAuthorities = count + pemCount;
  }

  if (serverConfigMaps.length > 0) await collectServerWorkload(context, evidence, serverConfigMaps, dataDir);

  const spiffeIds = await listCustom(context, evidence, 'spire.spiffe.io', 'clusterspiffeids', 'ClusterSPIFFEID');
  const federations = await listCustom(context, evidence, 'spire.spiffe.io', 'clusterfederatedtrustdomains', 'ClusterFederatedTrustDomain');
  for (const entry of spiffeIds ?? []) evidence.objects.push(entry);
  for (const federation of federations ?? []) {
    evidence.objects.push(federation);
    const spec = record(federation.spec);
    const trustDomain = stringAt(spec, 'trustDomain');
    if (!trustDomain) continue;
    const pinned = typeof spec.trustDomainBundle === 'string' && spec.trustDomainBundle !== '';
    evidence.federation.push({ trustDomain, bundleSource: pinned ? 'pinned' : stringAt(spec, 'bundleEndpointURL') ?? '(unset)', source: objectSource(context.contextName, federation) });
  }
  if (spiffeIds) evidence.facts.clusterSpiffeIds = spiffeIds.length;
  if (federations) evidence.summary.push(`${federations.length} ClusterFederatedTrustDomain object${federations.length === 1 ? '' : 's'}${federations.length > 0 ? `: ${evidence.federation.map((entry) => entry.trustDomain).join(', ')}` : ''}.`);

  const found = serverConfigMaps.length > 0 || bundles.length > 0 || spiffeIds !== undefined;
  evidence.status = found ? 'found' : evidence.gaps.length > 0 ? 'unknown' : 'not-installed';
  return evidence;
}

/** Finds the workload that mounts the server ConfigMap and records what backs its data directory. */
async function collectServerWorkload(context: CollectContext, evidence: SystemEvidence, serverConfigMaps: LiveObject[], dataDir: string | undefined): Promise<void> {
  const statefulSets = (await attempt(evidence, 'list statefulsets.apps cluster-wide', () => context.list(STATEFUL_SETS))) ?? [];
  const deployments = (await attempt(evidence, 'list deployments.apps cluster-wide', () => context.list(DEPLOYMENTS))) ?? [];
  const configNames = new Set(serverConfigMaps.map((configMap) => `${configMap.metadata.namespace}/${configMap.metadata.name}`));

  for (const workload of [...statefulSets, ...deployments]) {
    const volumes = volumesOf(workload);
    const mountsConfig = volumes.some((volume) => configNames.has(`${workload.metadata.namespace}/${stringAt(volume, 'configMap', 'name')}`));
    if (!mountsConfig) continue;
    evidence.objects.push(workload);

    const claimTemplates = record(workload.spec).volumeClaimTemplates;
    const claimNames = Array.isArray(claimTemplates) ? claimTemplates.map((template) => stringAt(template, 'metadata', 'name')) : [];
    const mounts = containersOf(workload).flatMap((container) => (Array.isArray(container.volumeMounts) ? (container.volumeMounts as Record<string, unknown>[]) : []));
    const dataMount = mounts.find((mount) => dataDir !== undefined && stringAt(mount, 'mountPath') === dataDir) ?? mounts.find((mount) => /data/.test(stringAt(mount, 'name') ?? ''));
    const volumeName = dataMount ? stringAt(dataMount, 'name') : undefined;
    const volume = volumes.find((entry) => stringAt(entry, 'name') === volumeName);

    let backing = 'none';
    if (volumeName && claimNames.includes(volumeName)) backing = 'persistentVolumeClaim';
    else if (volume && 'persistentVolumeClaim' in volume) backing = 'persistentVolumeClaim';
    else if (volume && 'emptyDir' in volume) backing = 'emptyDir';
    else if (volume) backing = Object.keys(volume).find((key) => key !== 'name') ?? 'other';
    evidence.facts.dataVolume = backing;
    evidence.summary.push(`Server workload ${objectSource(context.contextName, workload)}: data directory ${dataDir ?? '(unknown)'} on ${backing === 'none' ? 'the container filesystem (no volume)' : backing}.`);
  }
}

/** Plugin names of one plugin type, from the JSON form (a list of one-key maps) or the HCL form (a map). */
function pluginNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((entry) => Object.keys(record(entry)));
  return Object.keys(record(value));
}

function firstEntry(value: unknown, name: string): unknown {
  if (Array.isArray(value)) return value.map((entry) => record(entry)[name]).find(Boolean);
  return record(value)[name];
}

function firstPluginData(value: unknown, key: string): string | undefined {
  for (const name of pluginNames(value)) {
    const found = stringAt(record(firstEntry(value, name)), 'plugin_data', key);
    if (found) return found;
  }
  return undefined;
}
