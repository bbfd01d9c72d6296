import { certificatesWritingSecret } from '../../chains';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { RelatedLocation } from '../../model';
import type { WorkspaceIndex } from '../../workspace';
import type { Rule, RuleContext } from '../types';
import { knownString, objectLabel, POD_SPEC_PATHS } from './shared';

const CA_KEY = 'ca.crt';

const ADVICE =
  'ca.crt holds only the CA that signed the last issuance, so it cannot carry the old and the new root while a CA rotates, and peers fail during the switch. ' +
  'Mount a trust-manager Bundle target instead.';

function producerRelated(certificates: ManifestDocument[], secretName: string): RelatedLocation[] {
  return certificates.map((certificate) => ({
    file: certificate.file.path,
    range: certificate.tree.locate(['spec', 'secretName'], 'value') ?? certificate.range,
    message: `Certificate ${certificate.name ?? '(unnamed)'} writes Secret ${secretName}`,
  }));
}

/** A Secret reference in a volume: `secret.secretName` or a projected `sources[].secret.name`. */
interface SecretVolumeSource {
  secretName: string;
  /** Path of the source map (the one holding `items`). */
  path: Path;
  items: unknown[] | undefined;
}

function secretSourcesOfVolume(volume: Record<string, unknown>, volumePath: Path): SecretVolumeSource[] {
  const found: SecretVolumeSource[] = [];
  const secret = volume.secret;
  if (isRecord(secret)) {
    const secretName = knownString(secret.secretName);
    if (secretName) found.push({ secretName, path: [...volumePath, 'secret'], items: Array.isArray(secret.items) ? secret.items : undefined });
  }
  const sources = lookup(volume, ['projected', 'sources']);
  if (Array.isArray(sources)) {
    sources.forEach((source, index) => {
      const projected = isRecord(source) ? source.secret : undefined;
      const secretName = isRecord(projected) ? knownString(projected.name) : undefined;
      if (isRecord(projected) && secretName) {
        found.push({ secretName, path: [...volumePath, 'projected', 'sources', index, 'secret'], items: Array.isArray(projected.items) ? projected.items : undefined });
      }
    });
  }
  return found;
}

/** Volumes of a Pod spec (or of a chart's `volumes` list), each with its path. */
function volumesAt(value: unknown, volumesPath: Path): { name: string; volume: Record<string, unknown>; path: Path }[] {
  const volumes = lookup(value, volumesPath);
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((volume, index) =>
    isRecord(volume) && typeof volume.name === 'string' ? [{ name: volume.name, volume, path: [...volumesPath, index] }] : [],
  );
}

function checkWorkload(context: RuleContext, podSpecPath: Path): void {
  const workload = context.document;
  const namespace = workload.namespace;
  const certificateSecretVolumes = new Map<string, { source: SecretVolumeSource; certificates: ManifestDocument[] }>();

  for (const { name, volume, path } of volumesAt(context.value, [...podSpecPath, 'volumes'])) {
    for (const source of secretSourcesOfVolume(volume, path)) {
      const certificates = certificatesWritingSecret(context.workspace, source.secretName, namespace, context.file.path);
      if (certificates.length === 0) continue;
      certificateSecretVolumes.set(name, { source, certificates });

      source.items?.forEach((item, index) => {
        if (!isRecord(item) || item.key !== CA_KEY) return;
        context.report({
          path: [...source.path, 'items', index, 'key'],
          part: 'value',
          message: `${objectLabel(workload)} trusts ca.crt from Secret "${source.secretName}", which ${objectLabel(certificates[0])} writes. ${ADVICE}`,
          related: producerRelated(certificates, source.secretName),
        });
      });
    }
  }
  if (certificateSecretVolumes.size === 0) return;

  // A whole-Secret volume mounted with `subPath: ca.crt` reads the same key.
  for (const containerList of ['initContainers', 'containers']) {
    const containers = lookup(context.value, [...podSpecPath, containerList]);
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, containerIndex) => {
      const mounts = isRecord(container) ? container.volumeMounts : undefined;
      if (!Array.isArray(mounts)) return;
      mounts.forEach((mount, mountIndex) => {
        if (!isRecord(mount) || mount.subPath !== CA_KEY || typeof mount.name !== 'string') return;
        const volume = certificateSecretVolumes.get(mount.name);
        if (!volume || volume.source.items) return;
        context.report({
          path: [...podSpecPath, containerList, containerIndex, 'volumeMounts', mountIndex, 'subPath'],
          part: 'value',
          message: `${objectLabel(workload)} trusts ca.crt from Secret "${volume.source.secretName}", which ${objectLabel(volume.certificates[0])} writes. ${ADVICE}`,
          related: producerRelated(volume.certificates, volume.source.secretName),
        });
      });
    });
  }
}

/** Finds the Secret and key behind a file path inside a container, from a chart's volumes and volumeMounts. */
function secretKeyBehindFile(value: unknown, volumesPath: Path, mountsPath: Path, filePath: string): { secretName: string; key: string } | undefined {
  const mounts = lookup(value, mountsPath);
  if (!Array.isArray(mounts)) return undefined;
  for (const mount of mounts) {
    if (!isRecord(mount) || typeof mount.mountPath !== 'string' || typeof mount.name !== 'string') continue;
    const mountPath = mount.mountPath.replace(/\/+$/, '');
    let fileInVolume: string | undefined;
    if (typeof mount.subPath === 'string' && filePath === mountPath) fileInVolume = mount.subPath;
    else if (mount.subPath === undefined && filePath.startsWith(`${mountPath}/`)) fileInVolume = filePath.slice(mountPath.length + 1);
    if (!fileInVolume) continue;

    const volume = volumesAt(value, volumesPath).find((candidate) => candidate.name === mount.name);
    if (!volume) continue;
    for (const source of secretSourcesOfVolume(volume.volume, volume.path)) {
      const item = source.items?.find((candidate) => isRecord(candidate) && candidate.path === fileInVolume);
      if (source.items && !item) continue;
      const key = item && isRecord(item) && typeof item.key === 'string' ? item.key : fileInVolume;
      return { secretName: source.secretName, key };
    }
  }
  return undefined;
}

/** Chart values that name a CA file: istio-csr's root CA and csi-driver-spiffe's propagated CA bundle. */
const CHART_CA_FILES: Record<string, { file: Path; volumes: Path; mounts: Path; label: string }> = {
  'istio-csr': { file: ['app', 'tls', 'rootCAFile'], volumes: ['volumes'], mounts: ['volumeMounts'], label: 'istio-csr app.tls.rootCAFile' },
  'csi-driver-spiffe': {
    file: ['app', 'driver', 'sourceCABundle'],
    volumes: ['app', 'driver', 'volumes'],
    mounts: ['app', 'driver', 'volumeMounts'],
    label: 'csi-driver-spiffe app.driver.sourceCABundle',
  },
};

function checkValues(context: RuleContext, workspace: WorkspaceIndex): void {
  const chart = context.chart ? CHART_CA_FILES[context.chart] : undefined;
  if (!chart) return;
  const filePath = knownString(lookup(context.value, chart.file));
  if (!filePath) return;

  const behind = secretKeyBehindFile(context.value, chart.volumes, chart.mounts, filePath);
  if (!behind || behind.key !== CA_KEY) return;
  const certificates = certificatesWritingSecret(workspace, behind.secretName, undefined);
  if (certificates.length === 0) return;
  context.report({
    path: chart.file,
    part: 'value',
    message: `${chart.label} reads ca.crt from Secret "${behind.secretName}", which ${objectLabel(certificates[0])} writes. ${ADVICE}`,
    related: producerRelated(certificates, behind.secretName),
  });
}

export const leafCaCrtTrust: Rule = {
  id: 'cert-manager/leaf-ca-crt-trust',
  system: 'cert-manager',
  dimension: 'cross-environment',
  severity: 'warning',
  title: "Trust taken from a Certificate Secret's ca.crt instead of a trust bundle",
  rationale:
    "The ca.crt key of a Certificate's Secret is rewritten at each issuance with the one CA that signed it, so consumers that trust it cannot accept both roots during a rotation or a move to another issuer.",
  fixable: false,
  appliesTo: { kinds: Object.keys(POD_SPEC_PATHS), charts: ['istio-csr', 'csi-driver-spiffe'] },
  check(context) {
    if (context.chart) {
      checkValues(context, context.workspace);
      return;
    }
    const podSpecPath = context.document.kind ? POD_SPEC_PATHS[context.document.kind] : undefined;
    if (podSpecPath) checkWorkload(context, podSpecPath);
  },
};
