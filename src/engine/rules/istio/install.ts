import { isTemplatePlaceholder } from '../../manifest/helm';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path, type SourceTree } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import type { RuleContext } from '../types';

/**
 * One Istio control-plane install as the rules see it, whichever file describes it: an
 * IstioOperator, a values file of the istiod Helm chart, or a rendered istiod Deployment.
 * Field paths were read in istio/istio manifests/charts/istio-control/istio-discovery
 * (values.yaml, templates/deployment.yaml, templates/zzz_profile.yaml).
 */

export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** What a file says about one setting: nothing, something a template fills in, or a value. */
export type Reading = { kind: 'absent' } | { kind: 'unknown'; path: Path } | { kind: 'set'; text: string; path: Path };

const ABSENT: Reading = { kind: 'absent' };

export type InstallSurface = 'operator' | 'values' | 'deployment';

export interface IstioInstall {
  surface: InstallSurface;
  document: ManifestDocument;
  /** Namespace istiod runs in; `cacerts` must live there. */
  namespace: string;
  /** `IstioOperator "name"`, `istiod Helm values` or `Deployment "istiod"`, for messages. */
  label: string;
  /** Path of the meshConfig map (undefined for the Deployment, whose mesh config is a ConfigMap). */
  meshConfigPath?: Path;
  /** Path of the `global` values map (undefined for the Deployment). */
  globalPath?: Path;
  /** Where to underline a finding about the install as a whole. */
  anchor: Path;
  /** True when some istiod environment variables cannot be read (templated names, envFrom). */
  envIncomplete: boolean;
  env(name: string): Reading;
}

/** Reads a scalar at `path` of `value`; a Helm placeholder or a non-scalar is unknown. */
export function readScalar(value: unknown, path: Path): Reading {
  const found = lookup(value, path);
  if (found === undefined || found === null) return ABSENT;
  if (typeof found === 'object') return { kind: 'unknown', path };
  const text = String(found);
  if (isTemplatePlaceholder(text)) return { kind: 'unknown', path };
  return { kind: 'set', text, path };
}

/** True when a reading is set to a non-empty value. */
export function isNonEmpty(reading: Reading): reading is { kind: 'set'; text: string; path: Path } {
  return reading.kind === 'set' && reading.text.trim() !== '';
}

export function readGlobal(install: IstioInstall, ...keys: string[]): Reading {
  if (!install.globalPath) return ABSENT;
  return readScalar(install.document.tree.value, [...install.globalPath, ...keys]);
}

export function readMesh(install: IstioInstall, ...keys: string[]): Reading {
  if (!install.meshConfigPath) return ABSENT;
  return readScalar(install.document.tree.value, [...install.meshConfigPath, ...keys]);
}

/** The value at `path`, or undefined. */
export function valueAt(install: IstioInstall, path: Path): unknown {
  return lookup(install.document.tree.value, path);
}

function describe(document: ManifestDocument): string {
  return `${document.kind} "${document.name ?? '(unnamed)'}"`;
}

/** Reads the install described by the rule's document, or undefined when it describes none. */
export function readInstall(context: RuleContext): IstioInstall | undefined {
  const { document } = context;
  if (context.embedded) return undefined;
  if (document.kind === 'IstioOperator') return readOperator(document);
  if (document.kind === 'Deployment') return readDeployment(document);
  if (context.chart === 'istiod') return readValues(document);
  return undefined;
}

function readOperator(document: ManifestDocument): IstioInstall | undefined {
  const value = document.tree.value;
  if (lookup(value, ['spec', 'components', 'pilot', 'enabled']) === false) return undefined;
  if (lookup(value, ['spec', 'values', 'istiodRemote', 'enabled']) === true) return undefined;
  if (lookup(value, ['spec', 'profile']) === 'remote') return undefined;

  const specNamespace = lookup(value, ['spec', 'namespace']);
  const namespace = typeof specNamespace === 'string' && !isTemplatePlaceholder(specNamespace) ? specNamespace : document.namespace ?? DEFAULT_ISTIO_NAMESPACE;
  const componentEnvPath: Path = ['spec', 'components', 'pilot', 'k8s', 'env'];
  const componentEnv = lookup(value, componentEnvPath);

  return {
    surface: 'operator',
    document,
    namespace,
    label: describe(document),
    meshConfigPath: ['spec', 'meshConfig'],
    globalPath: ['spec', 'values', 'global'],
    anchor: ['spec', 'values', 'global', 'caAddress'],
    envIncomplete: Array.isArray(componentEnv) && componentEnv.some((entry) => !isRecord(entry) || typeof entry.name !== 'string' || isTemplatePlaceholder(entry.name)),
    env(name) {
      // istioctl applies components.pilot.k8s.env after rendering the chart, so it wins over values.pilot.env.
      const fromComponent = readEnvList(value, componentEnvPath, name);
      if (fromComponent.kind !== 'absent') return fromComponent;
      return readScalar(value, ['spec', 'values', 'pilot', 'env', name]);
    },
  };
}

/** The chart's own values.yaml keeps its defaults under this key; they are not user choices. */
const CHART_DEFAULTS_KEY = '_internal_defaults_do_not_set';

function readValues(document: ManifestDocument): IstioInstall | undefined {
  const value = document.tree.value;
  if (!isRecord(value)) return undefined;
  const userKeys = Object.keys(value).filter((key) => key !== CHART_DEFAULTS_KEY);
  if (userKeys.length === 0) return undefined;
  if (lookup(value, ['istiodRemote', 'enabled']) === true) return undefined;

  const istioNamespace = lookup(value, ['global', 'istioNamespace']);
  const namespace = typeof istioNamespace === 'string' && !isTemplatePlaceholder(istioNamespace) ? istioNamespace : DEFAULT_ISTIO_NAMESPACE;
  const anchor: Path = 'global' in value ? ['global', 'caAddress'] : 'env' in value ? ['env'] : 'meshConfig' in value ? ['meshConfig'] : [userKeys[0]];

  return {
    surface: 'values',
    document,
    namespace,
    label: 'istiod Helm values',
    meshConfigPath: ['meshConfig'],
    globalPath: ['global'],
    anchor,
    envIncomplete: false,
    env(name) {
      const direct = readScalar(value, ['env', name]);
      if (direct.kind !== 'absent') return direct;
      return readScalar(value, ['pilot', 'env', name]);
    },
  };
}

/** The istiod container of a Deployment, recognised by its `discovery` container or pilot image. */
export function istiodContainerIndex(document: ManifestDocument): number | undefined {
  const containers = lookup(document.tree.value, ['spec', 'template', 'spec', 'containers']);
  if (!Array.isArray(containers)) return undefined;
  const index = containers.findIndex(
    (container) =>
      isRecord(container) &&
      (container.name === 'discovery' || (typeof container.image === 'string' && /\/pilot(:|@|$)/.test(container.image))),
  );
  if (index < 0) return undefined;
  const name = document.name ?? '';
  const container = containers[index] as Record<string, unknown>;
  const looksLikeIstiod = /^istiod(-.+)?$/.test(name) || (Array.isArray(container.args) && container.args[0] === 'discovery');
  return looksLikeIstiod ? index : undefined;
}

function readDeployment(document: ManifestDocument): IstioInstall | undefined {
  const index = istiodContainerIndex(document);
  if (index === undefined) return undefined;
  const value = document.tree.value;
  const containerPath: Path = ['spec', 'template', 'spec', 'containers', index];
  const envPath: Path = [...containerPath, 'env'];
  const env = lookup(value, envPath);
  const templatedNames = Array.isArray(env) && env.some((entry) => !isRecord(entry) || typeof entry.name !== 'string' || isTemplatePlaceholder(entry.name));
  const hasEnvFrom = lookup(value, [...containerPath, 'envFrom']) !== undefined;

  return {
    surface: 'deployment',
    document,
    namespace: document.namespace ?? DEFAULT_ISTIO_NAMESPACE,
    label: describe(document),
    anchor: Array.isArray(env) ? envPath : [...containerPath, 'name'],
    envIncomplete: templatedNames || hasEnvFrom || document.file.isTemplate,
    env: (name) => readEnvList(value, envPath, name),
  };
}

/** Reads `name` from a Kubernetes `env` list; `valueFrom` makes it unknown. */
function readEnvList(value: unknown, listPath: Path, name: string): Reading {
  const list = lookup(value, listPath);
  if (!Array.isArray(list)) return ABSENT;
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = list[i];
    if (!isRecord(entry) || entry.name !== name) continue;
    if (entry.value === undefined) return { kind: 'unknown', path: [...listPath, i] };
    return readScalar(value, [...listPath, i, 'value']);
  }
  return ABSENT;
}

/** A mesh config found anywhere in the workspace. */
export interface MeshConfigSource {
  value: Record<string, unknown>;
  document: ManifestDocument;
  tree: SourceTree;
  /** Path of the mesh config inside `tree`. */
  path: Path;
}

/** Every mesh config of the workspace: IstioOperator, istiod values and rendered `mesh` ConfigMaps. */
export function workspaceMeshConfigs(workspace: WorkspaceIndex): MeshConfigSource[] {
  const found: MeshConfigSource[] = [];
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      if (document.kind === 'IstioOperator') {
        const mesh = lookup(document.tree.value, ['spec', 'meshConfig']);
        if (isRecord(mesh)) found.push({ value: mesh, document, tree: document.tree, path: ['spec', 'meshConfig'] });
      } else if (document.charts.includes('istiod')) {
        const mesh = lookup(document.tree.value, ['meshConfig']);
        if (isRecord(mesh)) found.push({ value: mesh, document, tree: document.tree, path: ['meshConfig'] });
      }
      for (const embedded of document.embedded) {
        if (embedded.role !== 'istio-mesh' || !embedded.tree || !isRecord(embedded.tree.value)) continue;
        found.push({ value: embedded.tree.value, document, tree: embedded.tree, path: [] });
      }
    }
  }
  return found;
}

/** Trust domains listed in any `trustDomainAliases` of the workspace. */
export function workspaceTrustDomainAliases(workspace: WorkspaceIndex): Set<string> {
  const aliases = new Set<string>();
  for (const mesh of workspaceMeshConfigs(workspace)) {
    const list = mesh.value.trustDomainAliases;
    if (!Array.isArray(list)) continue;
    for (const alias of list) if (typeof alias === 'string') aliases.add(alias);
  }
  return aliases;
}

/** The root namespace for mesh-wide policy: meshConfig.rootNamespace, else istio-system. */
export function workspaceRootNamespace(workspace: WorkspaceIndex): string {
  for (const mesh of workspaceMeshConfigs(workspace)) {
    const root = mesh.value.rootNamespace;
    if (typeof root === 'string' && root !== '' && !isTemplatePlaceholder(root)) return root;
  }
  return DEFAULT_ISTIO_NAMESPACE;
}
