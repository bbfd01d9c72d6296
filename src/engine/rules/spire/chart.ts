import type { ChartId } from '../../manifest/recognize';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { RuleContext } from '../types';
import { knownString } from './config';

/**
 * Readers for Helm values of the SPIRE charts in spiffe/helm-charts-hardened:
 * - `spire` (umbrella): server values under `spire-server:`, `global.spire.*` wins where set;
 * - `spire-server` (the sub-chart on its own): server values at the top level;
 * - `spire-nested`: several spire-server sub-charts under aliases such as `root-spire-server`.
 * Defaults are those of charts/spire/charts/spire-server/values.yaml.
 */

export interface ServerScope {
  chart: ChartId;
  /** Path of the server's values in the document: `[]`, `['spire-server']` or `['root-spire-server']`. */
  prefix: Path;
  values: Record<string, unknown>;
  /** `global.spire` (empty when absent). */
  globalSpire: Record<string, unknown>;
}

/** spire-nested aliases of the spire-server sub-chart and the tags that enable them (charts/spire-nested/Chart.yaml). */
const NESTED_SERVERS: Record<string, string[]> = {
  'root-spire-server': ['nestedRoot'],
  'external-root-spire-server-full': ['nestedChildFull'],
  'external-root-spire-server-security': ['nestedChildSecurity'],
  'internal-spire-server': ['nestedRoot', 'nestedChildFull'],
  'external-spire-server': ['nestedRoot'],
  'internal-spire-server-bottom-turtle-ha-a': ['bottomTurtleHAA'],
  'internal-spire-server-bottom-turtle-ha-b': ['bottomTurtleHAB'],
};

/**
 * Returns the chart a document is read as. A spire-nested file also has `global.spire`, so it is
 * recognised as `spire` too, and a spire-server file may have `global.spire` as well. Each
 * document is read once, as its most specific chart.
 */
export function primarySpireChart(context: RuleContext): ChartId | undefined {
  const charts = context.document.charts;
  if (charts.includes('spire-nested')) return 'spire-nested';
  if (charts.includes('spire-server') && !isRecord(lookup(context.document.tree.value, ['spire-server']))) return 'spire-server';
  if (charts.includes('spire')) return 'spire';
  if (charts.includes('spire-server')) return 'spire-server';
  return undefined;
}

/** Lists the SPIRE servers that a values document configures to run in this cluster. */
export function serverScopes(context: RuleContext): ServerScope[] {
  if (!context.chart || context.chart !== primarySpireChart(context)) return [];
  const root = isRecord(context.value) ? context.value : {};
  const globalSpire = record(lookup(root, ['global', 'spire']));

  if (context.chart === 'spire-server') return inCluster({ chart: 'spire-server', prefix: [], values: root, globalSpire });
  if (context.chart === 'spire') {
    const values = record(root['spire-server']);
    if (String(values.enabled) === 'false') return [];
    return inCluster({ chart: 'spire', prefix: ['spire-server'], values, globalSpire });
  }

  const tags = isRecord(root.tags) ? root.tags : undefined;
  const scopes: ServerScope[] = [];
  for (const [alias, aliasTags] of Object.entries(NESTED_SERVERS)) {
    if (!(alias in root)) continue;
    const values = record(root[alias]);
    const enabled = values.enabled;
    if (enabled !== undefined ? String(enabled) !== 'true' : tags && !aliasTags.some((tag) => tags[tag] === true)) continue;
    scopes.push(...inCluster({ chart: 'spire-nested', prefix: [alias], values, globalSpire }));
  }
  return scopes;
}

/** `externalServer: true` renders only the in-cluster parts for a server that runs elsewhere. */
function inCluster(scope: ServerScope): ServerScope[] {
  return String(scope.values.externalServer) === 'true' ? [] : [scope];
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function valueAt(scope: ServerScope, keys: Path): unknown {
  return lookup(scope.values, keys);
}

export function pathOf(scope: ServerScope, keys: Path): Path {
  return [...scope.prefix, ...keys];
}

/** Dotted name for messages, such as `spire-server.keyManager.memory.enabled`. */
export function displayName(scope: ServerScope, keys: Path): string {
  return [...scope.prefix, ...keys].join('.');
}

/** Tests a chart boolean the way the chart does (`eq (.enabled | toString) "true"`), so the string "true" counts too. */
export function isTrue(value: unknown): boolean {
  return String(value) === 'true';
}

export function enabledOr(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  return isTrue(value);
}

export interface ResolvedValue {
  value: string;
  /** Path of the key that set it; undefined when the chart default applies. */
  path?: Path;
}

/** Resolves a value as the `spire-lib` helpers do: `global.spire.<key>` when non-empty, else the server value, else `fallback`. */
export function globalFirst(scope: ServerScope, key: string, fallback: string): ResolvedValue | undefined {
  const global = scope.globalSpire[key];
  if (typeof global === 'string' && global !== '') {
    const known = knownString(global);
    return known === undefined ? undefined : { value: known, path: ['global', 'spire', key] };
  }
  const local = scope.values[key];
  if (typeof local === 'string' && local !== '') {
    const known = knownString(local);
    return known === undefined ? undefined : { value: known, path: pathOf(scope, [key]) };
  }
  return { value: fallback };
}

export function trustDomainOf(scope: ServerScope): ResolvedValue | undefined {
  return globalFirst(scope, 'trustDomain', 'example.org');
}

export function clusterNameOf(scope: ServerScope): ResolvedValue | undefined {
  return globalFirst(scope, 'clusterName', 'example-cluster');
}

/** Upstream authorities the chart can enable (values.yaml `upstreamAuthority.*`). */
const UPSTREAM_AUTHORITIES = ['disk', 'ejbca', 'awsPCA', 'awsSecret', 'gcpCAS', 'certManager', 'spire', 'vault'];

export function chartUpstreamAuthorities(scope: ServerScope): string[] {
  const enabled = UPSTREAM_AUTHORITIES.filter((name) => isTrue(valueAt(scope, ['upstreamAuthority', name, 'enabled'])));
  for (const extra of ['customPlugins', 'unsupportedBuiltInPlugins']) {
    const plugins = valueAt(scope, [extra, 'upstreamAuthority']);
    if (isRecord(plugins)) enabled.push(...Object.keys(plugins));
  }
  return enabled;
}

export type ChartKeyManager = 'disk' | 'memory' | 'awsKMS' | 'custom';

/** Enabled key managers; `keyManager.disk.enabled` defaults to true. */
export function chartKeyManagers(scope: ServerScope): ChartKeyManager[] {
  const managers: ChartKeyManager[] = [];
  if (enabledOr(valueAt(scope, ['keyManager', 'disk', 'enabled']), true)) managers.push('disk');
  if (enabledOr(valueAt(scope, ['keyManager', 'memory', 'enabled']), false)) managers.push('memory');
  if (enabledOr(valueAt(scope, ['keyManager', 'awsKMS', 'enabled']), false)) managers.push('awsKMS');
  for (const extra of ['customPlugins', 'unsupportedBuiltInPlugins']) {
    const plugins = valueAt(scope, [extra, 'keyManager']);
    if (isRecord(plugins) && Object.keys(plugins).length > 0) managers.push('custom');
  }
  return managers;
}

export interface ChartDataStore {
  databaseType: string;
  inMemory: boolean;
  host?: string;
}

export function chartDataStore(scope: ServerScope): ChartDataStore | undefined {
  const type = valueAt(scope, ['dataStore', 'sql', 'databaseType']);
  const databaseType = type === undefined || type === null ? 'sqlite3' : knownString(type);
  if (!databaseType) return undefined;
  const host = valueAt(scope, ['dataStore', 'sql', 'host']);
  return {
    databaseType,
    inMemory: isTrue(valueAt(scope, ['dataStore', 'sql', 'inMemory'])),
    host: knownString(host) || undefined,
  };
}

export function chartPersistenceType(scope: ServerScope): string | undefined {
  const type = valueAt(scope, ['persistence', 'type']);
  if (type === undefined || type === null) return 'pvc';
  return knownString(type);
}

/** Path to underline for a value that is absent: the deepest existing ancestor, else the scope or `global.spire`. */
export function nearestExisting(context: RuleContext, path: Path): Path {
  for (let length = path.length; length > 0; length--) {
    const candidate = path.slice(0, length);
    if (lookup(context.value, candidate) !== undefined && context.tree.locate(candidate, 'key')) return candidate;
  }
  if (lookup(context.value, ['global', 'spire']) !== undefined) return ['global', 'spire'];
  const first = isRecord(context.value) ? Object.keys(context.value)[0] : undefined;
  return first === undefined ? [] : [first];
}
