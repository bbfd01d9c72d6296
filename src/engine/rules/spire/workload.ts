import type { RelatedLocation } from '../../model';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { nearest, type WorkspaceIndex } from '../../workspace';

/**
 * Links a ConfigMap that contains `server.conf` to the Deployment or StatefulSet that mounts it,
 * and classifies the storage behind a file path inside that workload's server container.
 */

export interface ServerContainer {
  workload: ManifestDocument;
  /** Path of the container in the workload document. */
  containerPath: Path;
  mounts: { name: string; mountPath: string; index: number }[];
}

export type Backing =
  | { kind: 'container-filesystem' }
  | { kind: 'emptyDir'; volume: string; mountPath: string }
  | { kind: 'ephemeral'; volume: string; mountPath: string }
  | { kind: 'persistent'; volume: string; mountPath: string }
  | { kind: 'secret'; volume: string; mountPath: string; secretName?: string }
  | { kind: 'other'; volume: string; mountPath: string };

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet'];

/** Containers of workloads in the workspace that mount the ConfigMap `configMap` as a volume. */
export function serverContainersFor(workspace: WorkspaceIndex, configMap: ManifestDocument): ServerContainer[] {
  const name = configMap.name;
  if (!name || isTemplatePlaceholder(name)) return [];
  const found: ServerContainer[] = [];

  const workloads = nearest(
    WORKLOAD_KINDS.flatMap((kind) => [...workspace.byKind(kind)]).filter((workload) => {
      const podSpec = lookup(workload.tree.value, ['spec', 'template', 'spec']);
      return isRecord(podSpec) && volumes(podSpec).some((volume) => mountsConfigMap(volume, name));
    }),
    configMap.file.path,
  );
  for (const kind of WORKLOAD_KINDS) {
    for (const workload of workloads.filter((candidate) => candidate.kind === kind)) {
      if (configMap.namespace && workload.namespace && configMap.namespace !== workload.namespace) continue;
      const podSpec = lookup(workload.tree.value, ['spec', 'template', 'spec']);
      if (!isRecord(podSpec)) continue;
      const configVolumes = volumes(podSpec)
        .filter((volume) => mountsConfigMap(volume, name))
        .map((volume) => volume.name);
      if (configVolumes.length === 0) continue;

      const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
      containers.forEach((container, index) => {
        if (!isRecord(container)) return;
        const mounts = readMounts(container);
        if (!mounts.some((mount) => configVolumes.includes(mount.name))) return;
        found.push({ workload, containerPath: ['spec', 'template', 'spec', 'containers', index], mounts });
      });
    }
  }
  return found;
}

function volumes(podSpec: Record<string, unknown>): (Record<string, unknown> & { name: string })[] {
  const list = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  return list.filter((volume): volume is Record<string, unknown> & { name: string } => isRecord(volume) && typeof volume.name === 'string');
}

function mountsConfigMap(volume: Record<string, unknown>, name: string): boolean {
  if (lookup(volume, ['configMap', 'name']) === name) return true;
  const sources = lookup(volume, ['projected', 'sources']);
  return Array.isArray(sources) && sources.some((source) => lookup(source, ['configMap', 'name']) === name);
}

function readMounts(container: Record<string, unknown>): ServerContainer['mounts'] {
  const list = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
  const mounts: ServerContainer['mounts'] = [];
  list.forEach((mount, index) => {
    if (isRecord(mount) && typeof mount.name === 'string' && typeof mount.mountPath === 'string') {
      mounts.push({ name: mount.name, mountPath: mount.mountPath, index });
    }
  });
  return mounts;
}

/** Classifies the storage of `filePath`: the volume of the longest mount that contains it, or the container's own filesystem. */
export function backingOf(container: ServerContainer, filePath: string): Backing {
  const mount = container.mounts
    .filter((candidate) => isUnder(filePath, candidate.mountPath))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return { kind: 'container-filesystem' };

  const podSpec = lookup(container.workload.tree.value, ['spec', 'template', 'spec']);
  const volume = isRecord(podSpec) ? volumes(podSpec).find((candidate) => candidate.name === mount.name) : undefined;
  const base = { volume: mount.name, mountPath: mount.mountPath };
  if (!volume) {
    const claims = lookup(container.workload.tree.value, ['spec', 'volumeClaimTemplates']);
    const isClaimTemplate = Array.isArray(claims) && claims.some((claim) => lookup(claim, ['metadata', 'name']) === mount.name);
    return isClaimTemplate ? { kind: 'persistent', ...base } : { kind: 'other', ...base };
  }
  if ('emptyDir' in volume) return { kind: 'emptyDir', ...base };
  if ('ephemeral' in volume) return { kind: 'ephemeral', ...base };
  if ('persistentVolumeClaim' in volume || 'hostPath' in volume) return { kind: 'persistent', ...base };
  if ('secret' in volume) {
    const secretName = lookup(volume, ['secret', 'secretName']);
    return { kind: 'secret', ...base, secretName: typeof secretName === 'string' ? secretName : undefined };
  }
  return { kind: 'other', ...base };
}

function isUnder(filePath: string, mountPath: string): boolean {
  const directory = mountPath.replace(/\/+$/, '');
  return filePath === directory || filePath.startsWith(`${directory}/`) || directory === '';
}

export function describeWorkload(workload: ManifestDocument): string {
  return `${workload.kind} "${workload.name ?? '(unnamed)'}"`;
}

/** Related location on the mount (or the container) that decides where a path is stored. */
export function mountRelated(container: ServerContainer, backing: Backing, message: string): RelatedLocation {
  const tree = container.workload.tree;
  let range = tree.locate([...container.containerPath, 'name'], 'value');
  if (backing.kind !== 'container-filesystem') {
    const mount = container.mounts.find((candidate) => candidate.name === backing.volume && candidate.mountPath === backing.mountPath);
    if (mount) range = tree.locate([...container.containerPath, 'volumeMounts', mount.index, 'mountPath'], 'value') ?? range;
  }
  return { file: container.workload.file.path, range: range ?? container.workload.range, message };
}
