import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ClusterError } from './errors';

/**
 * Finds and merges kubeconfig files the way kubectl does, without loading the Kubernetes client:
 * listing contexts for a status bar must stay cheap. Relative file paths inside a kubeconfig are
 * resolved against the folder of the file that defines them.
 */

/** Where to look for kubeconfig files, in order of precedence. The caller reads settings and the environment. */
export interface KubeconfigSources {
  /** The KUBECONFIG environment variable: a path list separated by `pathDelimiter`. */
  kubeconfigEnv?: string;
  /** The `trustAnchor.kubeconfig` setting. */
  setting?: string;
  /** The Kubernetes extension's `vs-kubernetes.kubeconfig` setting. */
  kubernetesExtensionSetting?: string;
  /** Home folder for `~/.kube/config` and `~` expansion; defaults to os.homedir(). */
  home?: string;
  /** Path list separator; defaults to the platform's (`:` or `;`). */
  pathDelimiter?: string;
}

export type KubeconfigOrigin = 'KUBECONFIG' | 'trustAnchor.kubeconfig' | 'vs-kubernetes.kubeconfig' | 'default';

export interface KubeconfigLocation {
  paths: string[];
  origin: KubeconfigOrigin;
}

export function resolveKubeconfigPaths(sources: KubeconfigSources): KubeconfigLocation {
  const home = sources.home ?? homedir();
  const separator = sources.pathDelimiter ?? delimiter;

  const fromEnv = (sources.kubeconfigEnv ?? '').split(separator).map((entry) => entry.trim()).filter(Boolean);
  if (fromEnv.length > 0) return { paths: fromEnv.map((entry) => expandHome(entry, home)), origin: 'KUBECONFIG' };
  if (sources.setting?.trim()) return { paths: [expandHome(sources.setting.trim(), home)], origin: 'trustAnchor.kubeconfig' };
  if (sources.kubernetesExtensionSetting?.trim()) return { paths: [expandHome(sources.kubernetesExtensionSetting.trim(), home)], origin: 'vs-kubernetes.kubeconfig' };
  return { paths: [join(home, '.kube', 'config')], origin: 'default' };
}

function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return resolve(path);
}

/** A kubeconfig entry as written in the file (`cluster`, `user` or `context` map), with its source file. */
export interface NamedEntry {
  name: string;
  value: Record<string, unknown>;
  file: string;
}

export interface MergedKubeconfig {
  location: KubeconfigLocation;
  /** Files that existed and were read, in merge order. */
  files: string[];
  clusters: Map<string, NamedEntry>;
  users: Map<string, NamedEntry>;
  contexts: Map<string, NamedEntry>;
  currentContext?: string;
  /** Files that were skipped (missing in a KUBECONFIG list) or entries that were invalid. */
  warnings: string[];
}

export interface ContextSummary {
  name: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  isCurrent: boolean;
  /** True when the context's user runs an exec credential plugin, which needs a trusted workspace. */
  usesExecPlugin: boolean;
}

type FileReader = (path: string) => string;

const readUtf8: FileReader = (path) => readFileSync(path, 'utf8');

/**
 * Reads and merges the files. As kubectl does, the first file to define a cluster, user or context
 * name wins, and `current-context` comes from the first file that sets it. Missing files in a
 * KUBECONFIG list are skipped; if no file exists at all, this throws a `config` ClusterError.
 */
export function loadKubeconfig(location: KubeconfigLocation, readFile: FileReader = readUtf8, fileExists: (path: string) => boolean = existsSync): MergedKubeconfig {
  const merged: MergedKubeconfig = { location, files: [], clusters: new Map(), users: new Map(), contexts: new Map(), warnings: [] };

  for (const path of location.paths) {
    if (!fileExists(path)) {
      merged.warnings.push(`Kubeconfig file ${path} (from ${location.origin}) does not exist; skipped.`);
      continue;
    }

    let document: unknown;
    try {
      document = parse(readFile(path), { maxAliasCount: 100 });
    } catch (error) {
      throw new ClusterError('config', `Could not read kubeconfig ${path}: ${(error as Error).message}. Fix the file or point ${location.origin} at another one.`);
    }
    merged.files.push(path);
    if (document === null || document === undefined) continue;
    if (typeof document !== 'object' || Array.isArray(document)) {
      throw new ClusterError('config', `Kubeconfig ${path} is not a YAML mapping. Fix the file or point ${location.origin} at another one.`);
    }

    const config = document as Record<string, unknown>;
    mergeEntries(merged.clusters, config.clusters, 'cluster', path, merged.warnings);
    mergeEntries(merged.users, config.users, 'user', path, merged.warnings);
    mergeEntries(merged.contexts, config.contexts, 'context', path, merged.warnings);
    const current = config['current-context'];
    if (merged.currentContext === undefined && typeof current === 'string' && current !== '') merged.currentContext = current;
  }

  if (merged.files.length === 0) {
    throw new ClusterError('config', `No kubeconfig found: ${location.paths.join(', ')} ${location.paths.length === 1 ? 'does' : 'do'} not exist (from ${location.origin}). Point to one with --kubeconfig FILE (CLI), the trustAnchor.kubeconfig setting (VS Code) or KUBECONFIG.`);
  }
  return merged;
}

function mergeEntries(target: Map<string, NamedEntry>, list: unknown, field: 'cluster' | 'user' | 'context', file: string, warnings: string[]): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    warnings.push(`${file}: ${field}s is not a list; ignored.`);
    return;
  }

  for (const [index, item] of list.entries()) {
    const record = item as Record<string, unknown> | null;
    const name = record && typeof record.name === 'string' ? record.name : undefined;
    const value = record ? record[field] : undefined;
    if (!name || !value || typeof value !== 'object') {
      warnings.push(`${file}: ${field}s[${index}] has no name or no ${field} map; ignored.`);
      continue;
    }
    if (target.has(name)) continue;
    target.set(name, { name, value: absolutePaths(value as Record<string, unknown>, dirname(file)), file });
  }
}

const FILE_FIELDS = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];

function absolutePaths(value: Record<string, unknown>, folder: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...value };
  for (const field of FILE_FIELDS) {
    const path = copy[field];
    if (typeof path === 'string' && path !== '' && !isAbsolute(path)) copy[field] = join(folder, path);
  }

  // kubectl resolves an exec command relative to the kubeconfig only when it contains a path separator.
  const exec = copy.exec as Record<string, unknown> | undefined;
  if (exec && typeof exec.command === 'string' && /[\\/]/.test(exec.command) && !isAbsolute(exec.command)) {
    copy.exec = { ...exec, command: join(folder, exec.command) };
  }
  return copy;
}

export function listContexts(merged: MergedKubeconfig): ContextSummary[] {
  return [...merged.contexts.values()].map((entry) => {
    const clusterName = stringField(entry.value, 'cluster');
    const userName = stringField(entry.value, 'user');
    const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
    const user = userName ? merged.users.get(userName) : undefined;
    return {
      name: entry.name,
      cluster: clusterName,
      user: userName,
      namespace: stringField(entry.value, 'namespace'),
      server: cluster ? stringField(cluster.value, 'server') : undefined,
      isCurrent: entry.name === merged.currentContext,
      usesExecPlugin: Boolean(user && (user.value.exec || (user.value['auth-provider'] as Record<string, unknown> | undefined)?.name === 'exec')),
    };
  });
}

function stringField(value: Record<string, unknown>, key: string): string | undefined {
  const found = value[key];
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** The cluster, user and context entries of one context, or a `config` ClusterError naming what is missing. */
export function contextEntries(merged: MergedKubeconfig, contextName?: string): { context: NamedEntry; cluster: NamedEntry; user?: NamedEntry } {
  const name = contextName ?? merged.currentContext;
  if (!name) {
    throw new ClusterError('config', `No context chosen and ${merged.files.join(', ')} sets no current-context. Pick a context (CLI --context, or the status bar item).`);
  }

  const context = merged.contexts.get(name);
  if (!context) {
    const known = [...merged.contexts.keys()];
    throw new ClusterError('config', `Context "${name}" is not in ${merged.files.join(', ')}. Known contexts: ${known.length > 0 ? known.join(', ') : '(none)'}.`);
  }

  const clusterName = stringField(context.value, 'cluster');
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!cluster || !stringField(cluster.value, 'server')) {
    throw new ClusterError('config', `Context "${name}" refers to cluster "${clusterName ?? '(none)'}", which is missing or has no server URL in ${merged.files.join(', ')}.`);
  }

  const userName = stringField(context.value, 'user');
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user) {
    throw new ClusterError('config', `Context "${name}" refers to user "${userName}", which is not in ${merged.files.join(', ')}.`);
  }
  return { context, cluster, user };
}
