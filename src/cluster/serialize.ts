import { stringify } from 'yaml';
import type { EmbeddedRole } from '../engine/manifest/embedded';
import { parseManifestFile } from '../engine/manifest/parse';
import { objectSource, type LiveObject } from './evidence';

/**
 * Turns live objects into the YAML text the engine reads, so live objects meet the same parser and
 * rules as files. Server-managed noise (managedFields, the last-applied annotation) is dropped.
 */
export function liveObjectYaml(object: LiveObject): string {
  const metadata: Record<string, unknown> = { ...object.metadata };
  delete metadata.managedFields;
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations && 'kubectl.kubernetes.io/last-applied-configuration' in annotations) {
    const rest = { ...annotations };
    delete rest['kubectl.kubernetes.io/last-applied-configuration'];
    metadata.annotations = rest;
  }
  const { apiVersion, kind, metadata: _metadata, ...body } = object;
  return stringify({ apiVersion, kind, metadata, ...body }, { lineWidth: 0 });
}

/** The virtual path of a live object: `context/namespace/kind/name` (`_cluster` for cluster-scoped objects). */
// NOTE: the engine treats paths with a `templates/` segment as Helm templates, so objects in a namespace named "templates" are parsed in template-tolerant mode.
export function livePath(context: string, object: LiveObject): string {
  return objectSource(context, object);
}

/** Parses an embedded configuration (SPIRE's server.conf, Istio's mesh, Linkerd's values) with the engine's parser. */
export function embeddedConfig(context: string, object: LiveObject, role: EmbeddedRole): Record<string, unknown> | undefined {
  const file = parseManifestFile(livePath(context, object), liveObjectYaml(object));
  for (const document of file.documents) {
    for (const embedded of document.embedded) {
      if (embedded.role === role && embedded.tree && embedded.tree.value && typeof embedded.tree.value === 'object') {
        return embedded.tree.value as Record<string, unknown>;
      }
    }
  }
  return undefined;
}
