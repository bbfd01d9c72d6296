import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup, type Path } from '../../manifest/tree';

/**
 * Readers for a raw SPIRE server or agent configuration (`server.conf`, `agent.conf`), written in
 * HCL or in JSON. Both map to the same value: the HCL parser turns `KeyManager "disk" { ... }` into
 * `plugins.KeyManager.disk`, and the Helm chart renders JSON in which `plugins.KeyManager` is a
 * list of single-key objects (`[{ "disk": { ... } }]`). Both plugin shapes are handled here.
 */

export interface PluginRef {
  type: string;
  name: string;
  /** Path of the plugin entry; locating it with part `key` underlines the plugin name. */
  path: Path;
  /** Contents of `plugin_data` (empty when absent). */
  data: Record<string, unknown>;
  dataPath: Path;
}

/** Enabled plugins of one type (`KeyManager`, `UpstreamAuthority`, ...), in file order. */
export function pluginsOfType(config: unknown, type: string): PluginRef[] {
  const section = lookup(config, ['plugins', type]);
  const found: PluginRef[] = [];
  const add = (name: string, body: unknown, path: Path): void => {
    if (isRecord(body) && body.enabled === false) return;
    const data = isRecord(body) && isRecord(body.plugin_data) ? body.plugin_data : {};
    found.push({ type, name, path, data, dataPath: [...path, 'plugin_data'] });
  };

  if (Array.isArray(section)) {
    section.forEach((item, index) => {
      if (!isRecord(item)) return;
      for (const [name, body] of Object.entries(item)) add(name, body, ['plugins', type, index, name]);
    });
  } else if (isRecord(section)) {
    for (const [name, body] of Object.entries(section)) add(name, body, ['plugins', type, name]);
  }
  return found;
}

export function firstPlugin(config: unknown, type: string, name: string): PluginRef | undefined {
  return pluginsOfType(config, type).find((plugin) => plugin.name === name);
}

export function hasUpstreamAuthority(config: unknown): boolean {
  return pluginsOfType(config, 'UpstreamAuthority').length > 0;
}

/** Returns a string that is known, or undefined for blanked Helm template text and unexpanded `${VAR}` references. */
export function knownString(value: unknown): string | undefined {
  if (typeof value !== 'string' || isTemplatePlaceholder(value) || value.includes('${')) return undefined;
  return value;
}

export interface DataStoreInfo {
  plugin: PluginRef;
  /** `sqlite3`, `postgres`, `mysql`, `aws_postgres`, ... */
  databaseType: string;
  databaseTypePath: Path;
  connectionString?: string;
  connectionStringPath: Path;
}

/**
 * Reads the `sql` DataStore. `database_type` is a string, or (for IAM authentication) a labelled
 * block such as `database_type "aws_postgres" { region = "..." }`.
 */
export function sqlDataStore(config: unknown): DataStoreInfo | undefined {
  const plugin = firstPlugin(config, 'DataStore', 'sql');
  if (!plugin) return undefined;
  const rawType = plugin.data.database_type;
  let databaseType: string | undefined;
  if (typeof rawType === 'string') databaseType = knownString(rawType);
  else if (isRecord(rawType)) databaseType = Object.keys(rawType)[0];
  if (!databaseType) return undefined;
  return {
    plugin,
    databaseType,
    databaseTypePath: [...plugin.dataPath, 'database_type'],
    connectionString: knownString(plugin.data.connection_string),
    connectionStringPath: [...plugin.dataPath, 'connection_string'],
  };
}

/** True for SQLite connection strings that keep the database in memory (`file:memdb?mode=memory`). */
export function isInMemorySqlite(connectionString: string | undefined): boolean {
  return !!connectionString && (/[?&]mode=memory\b/.test(connectionString) || connectionString === ':memory:');
}

/** Returns the file path of an SQLite connection string, or undefined when it is not an absolute path. */
export function sqliteFilePath(connectionString: string | undefined): string | undefined {
  if (!connectionString || isInMemorySqlite(connectionString)) return undefined;
  const path = connectionString.replace(/^file:/, '').replace(/\?.*$/, '');
  return path.startsWith('/') ? path : undefined;
}

/**
 * Extracts the database host from a PostgreSQL key/value or URL connection string, or from a MySQL
 * DSN (`user:pass@tcp(host:3306)/db`). Returns undefined when no host is given.
 */
export function databaseHost(connectionString: string): string | undefined {
  const mysql = /@\w*\(([^)]*)\)/.exec(connectionString);
  if (mysql) return stripPort(mysql[1]);
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?]+)/i.exec(connectionString);
  if (url) return url[1];
  const keyValue = /(?:^|\s)host=('?)([^\s']+)\1/.exec(connectionString);
  if (keyValue) return keyValue[2];
  return undefined;
}

function stripPort(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  return address.replace(/:\d+$/, '');
}

/**
 * Classifies a database host name. A single-label name (`postgresql`) resolves through the pod's
 * DNS search path to a Service of this cluster; `localhost` is a container of the same pod.
 */
export function inClusterHostReason(host: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name === '127.0.0.1' || name === '::1') return 'a container in the SPIRE server pod itself';
  if (/\.svc(\.|$)/.test(name) || name.endsWith('.cluster.local')) return 'a Service of this cluster';
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && !/^\d+$/.test(name)) return 'a Service of this cluster (a single-label name resolves through the cluster DNS search path)';
  return undefined;
}

/** Names of the clusters a `k8s_psat` or `k8s_sat` server NodeAttestor accepts. */
export function attestedClusterNames(config: unknown): string[] {
  const names: string[] = [];
  for (const plugin of pluginsOfType(config, 'NodeAttestor')) {
    if (plugin.name !== 'k8s_psat' && plugin.name !== 'k8s_sat') continue;
    if (isRecord(plugin.data.clusters)) names.push(...Object.keys(plugin.data.clusters));
    if (typeof plugin.data.cluster === 'string') names.push(plugin.data.cluster);
  }
  return names.filter((name) => knownString(name));
}

/**
 * Parses a Go duration (`24h`, `1h30m`, `90s`) to seconds. A bare number is taken as seconds.
 * Returns undefined for anything else.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    total += Number(match[1]) * units[match[2]];
    consumed = pattern.lastIndex;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

export function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  return `${Math.round(hours * 10) / 10} hours`;
}

/**
 * Checks whether `trustDomain` contains `clusterName` as a whole DNS label or as a `-`-separated
 * part of one, so `eu1.prod.example.com` and `eu1-mesh.example.com` match cluster `eu1` but
 * `neu1.example.com` does not.
 */
export function containsClusterName(name: string, clusterName: string): boolean {
  const cluster = clusterName.toLowerCase();
  if (!cluster) return false;
  return name
    .toLowerCase()
    .split('.')
    .some((label) => label === cluster || label.startsWith(`${cluster}-`) || label.endsWith(`-${cluster}`) || label.includes(`-${cluster}-`));
}

/** Trust domain names that only ever appear as samples: the SPIRE chart default and Kubernetes' DNS suffix. */
export const PLACEHOLDER_TRUST_DOMAINS = new Set(['example.org', 'cluster.local']);

/** The value the trust-domain quick fix inserts; obviously a placeholder, and not flagged itself. */
export const TRUST_DOMAIN_PLACEHOLDER = 'change-me.example.com';
