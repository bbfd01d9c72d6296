import type { Fix, TextEdit } from '../../model';
import { insertEntry, replaceScalar } from '../../fixes/edits';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import {
  chartDataStore,
  chartKeyManagers,
  chartPersistenceType,
  chartUpstreamAuthorities,
  displayName,
  nearestExisting,
  pathOf,
  serverScopes,
  valueAt,
  type ServerScope,
} from './chart';
import {
  databaseHost,
  firstPlugin,
  hasUpstreamAuthority,
  inClusterHostReason,
  isInMemorySqlite,
  knownString,
  pluginsOfType,
  sqlDataStore,
  sqliteFilePath,
} from './config';
import { backingOf, describeWorkload, mountRelated, serverContainersFor, type Backing } from './workload';

const SPIRE_CHARTS = ['spire', 'spire-server', 'spire-nested'] as const;

interface StoredPath {
  what: string;
  filePath: string;
  path: Path;
}

export const keyStoreNotPersistent: Rule = {
  id: 'spire/key-store-not-persistent',
  system: 'spire',
  dimension: 'recoverability',
  severity: 'error',
  title: 'SPIRE server keys or datastore are not on a persistent volume',
  rationale:
    'When the signing keys or the SQLite datastore live on the container filesystem or an emptyDir, a pod restart creates new CA keys and an empty bundle, so every agent and federated peer loses trust in the old root.',
  fixable: true,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) checkConfigPersistence(context);
    else for (const scope of serverScopes(context)) checkChartPersistence(context, scope);
  },
};

function storedPaths(config: unknown): StoredPath[] {
  const paths: StoredPath[] = [];
  for (const plugin of pluginsOfType(config, 'KeyManager')) {
    const keysPath = knownString(plugin.data.keys_path);
    if (plugin.name === 'disk' && keysPath?.startsWith('/')) {
      paths.push({ what: 'the CA signing keys (KeyManager "disk" keys_path)', filePath: keysPath, path: [...plugin.dataPath, 'keys_path'] });
    }
  }
  const dataStore = sqlDataStore(config);
  const sqliteFile = dataStore?.databaseType === 'sqlite3' ? sqliteFilePath(dataStore.connectionString) : undefined;
  if (dataStore && sqliteFile) {
    paths.push({ what: 'the SQLite datastore with the trust bundle (connection_string)', filePath: sqliteFile, path: dataStore.connectionStringPath });
  }
  const dataDir = knownString(lookup(config, ['server', 'data_dir']));
  if (paths.length === 0 && dataDir?.startsWith('/')) {
    paths.push({ what: 'the server data directory (data_dir)', filePath: dataDir, path: ['server', 'data_dir'] });
  }
  return paths;
}

function checkConfigPersistence(context: RuleContext): void {
  const containers = serverContainersFor(context.workspace, context.document);
  // NOTE: without the Deployment or StatefulSet in the workspace the storage cannot be judged, so nothing is reported.
  if (containers.length === 0) return;

  for (const stored of storedPaths(context.value)) {
    for (const container of containers) {
      const backing = backingOf(container, stored.filePath);
      const problem = persistenceProblem(backing);
      if (!problem) continue;
      const workload = describeWorkload(container.workload);
      context.report({
        path: stored.path,
        part: 'value',
        message: `"${stored.filePath}" holds ${stored.what}, and in ${workload} it is ${problem}, so a pod restart creates a new CA key and root. Mount a PersistentVolumeClaim at that path (StatefulSet volumeClaimTemplates), or move the keys to a KMS key manager and the datastore to an external database.`,
        related: [mountRelated(container, backing, `${workload}: ${problem}`)],
      });
    }
  }
}

function persistenceProblem(backing: Backing): string | undefined {
  if (backing.kind === 'container-filesystem') return 'on the container filesystem (no volume is mounted there)';
  if (backing.kind === 'emptyDir') return `on emptyDir volume "${backing.volume}", which is deleted with the pod`;
  if (backing.kind === 'ephemeral') return `on ephemeral volume "${backing.volume}", which is deleted with the pod`;
  return undefined;
}

function checkChartPersistence(context: RuleContext, scope: ServerScope): void {
  if (chartPersistenceType(scope) !== 'emptyDir') return;
  const dataStore = chartDataStore(scope);
  const diskKeys = chartKeyManagers(scope).includes('disk');
  const sqliteFile = dataStore?.databaseType === 'sqlite3' && !dataStore.inMemory;
  if (!diskKeys && !sqliteFile) return;

  const stored = [diskKeys ? 'the disk key manager\'s keys.json' : '', sqliteFile ? 'the SQLite datastore' : ''].filter(Boolean).join(' and ');
  const typePath = pathOf(scope, ['persistence', 'type']);
  const edit = replaceScalar(context.file.text, context.document.tree, typePath, 'pvc');
  context.report({
    path: typePath,
    part: 'value',
    message: `${displayName(scope, ['persistence', 'type'])}: emptyDir keeps ${stored} in a volume deleted with the pod, so every restart creates a new CA key and root. Use persistence.type: pvc, or KMS-held keys and an external database.`,
    fixes: edit ? [{ title: 'Use a PersistentVolumeClaim (persistence.type: pvc)', edits: [edit], isPreferred: true, safe: false }] : [],
  });
}

export const memoryKeyManager: Rule = {
  id: 'spire/memory-key-manager',
  system: 'spire',
  dimension: 'issuer-independence',
  severity: 'error',
  title: 'SPIRE server keeps its CA keys only in memory',
  rationale:
    'The memory key manager never persists keys; without an upstream authority every restart of the server creates a new self-signed root that no agent or federated peer has seen.',
  fixable: true,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) {
      const memory = firstPlugin(context.value, 'KeyManager', 'memory');
      if (!memory || hasUpstreamAuthority(context.value)) return;
      context.report({
        path: memory.path,
        part: 'key',
        message: 'KeyManager "memory" keeps the CA signing keys only in process memory and no UpstreamAuthority is configured, so every server restart creates a new self-signed root. Use KeyManager "aws_kms", "gcp_kms", "azure_key_vault" or "hashicorp_vault", or "disk" on a persistent volume.',
      });
      return;
    }
    for (const scope of serverScopes(context)) {
      if (!chartKeyManagers(scope).includes('memory') || chartUpstreamAuthorities(scope).length > 0) continue;
      const enabledPath = pathOf(scope, ['keyManager', 'memory', 'enabled']);
      context.report({
        path: enabledPath,
        part: 'value',
        message: `${displayName(scope, ['keyManager', 'memory', 'enabled'])}: true keeps the CA signing keys only in memory and no upstreamAuthority is enabled, so every server restart creates a new self-signed root. Enable keyManager.awsKMS, or keyManager.disk with persistence.type: pvc.`,
        fixes: memoryKeyManagerFixes(context, scope),
      });
    }
  },
};

function memoryKeyManagerFixes(context: RuleContext, scope: ServerScope): Fix[] {
  const text = context.file.text;
  const tree = context.document.tree;
  const disableMemory = replaceScalar(text, tree, pathOf(scope, ['keyManager', 'memory', 'enabled']), false);
  if (!disableMemory) return [];
  const fixes: Fix[] = [];

  const diskEnabledPath = pathOf(scope, ['keyManager', 'disk', 'enabled']);
  let enableDisk: TextEdit | undefined;
  if (lookup(context.value, diskEnabledPath) !== undefined) enableDisk = replaceScalar(text, tree, diskEnabledPath, true);
  else if (!isRecord(valueAt(scope, ['keyManager', 'disk']))) enableDisk = insertEntry(text, tree, pathOf(scope, ['keyManager']), 'disk', '\nenabled: true');
  if (enableDisk) {
    fixes.push({ title: 'Keep the keys on disk (keyManager.disk)', edits: [disableMemory, enableDisk], isPreferred: true, safe: false });
  }

  if (valueAt(scope, ['keyManager', 'awsKMS']) === undefined) {
    const awsKms = insertEntry(
      text,
      tree,
      pathOf(scope, ['keyManager']),
      'awsKMS',
      '\nenabled: true\nregion: REPLACE-WITH-AWS-REGION\nkeyIdentifierValue:\n  enabled: true\n  identifier: REPLACE-WITH-KEY-IDENTIFIER',
    );
    if (awsKms) fixes.push({ title: 'Hold the keys in AWS KMS (keyManager.awsKMS)', edits: [disableMemory, awsKms], safe: false });
  }
  return fixes;
}

export const inClusterDatastore: Rule = {
  id: 'spire/in-cluster-datastore',
  system: 'spire',
  dimension: 'recoverability',
  severity: 'error',
  title: 'SPIRE datastore lives only in this cluster and the root is self-signed',
  rationale:
    'The datastore holds the trust bundle. With SQLite, an in-memory database or a database Service inside the cluster, and no upstream authority, rebuilding the cluster loses the bundle and the new server starts a new root.',
  fixable: false,
  appliesTo: { embedded: ['spire-server'], charts: SPIRE_CHARTS },
  check(context) {
    if (context.embedded) checkConfigDataStore(context);
    else for (const scope of serverScopes(context)) checkChartDataStore(context, scope);
  },
};

const ADVICE_DATASTORE = 'Use a PostgreSQL or MySQL database outside the cluster, or configure an UpstreamAuthority so the root survives a rebuild.';

function checkConfigDataStore(context: RuleContext): void {
  if (hasUpstreamAuthority(context.value)) return;
  const dataStore = sqlDataStore(context.value);
  if (!dataStore) return;

  if (dataStore.databaseType === 'sqlite3') {
    const inMemory = isInMemorySqlite(dataStore.connectionString);
    context.report({
      path: inMemory ? dataStore.connectionStringPath : dataStore.databaseTypePath,
      part: 'value',
      message: inMemory
        ? `DataStore "sql" keeps SQLite in memory ("${dataStore.connectionString}"), so the trust bundle is lost on every restart, and no UpstreamAuthority anchors the root. ${ADVICE_DATASTORE}`
        : `DataStore "sql" uses database_type "sqlite3", a file inside this cluster, and no UpstreamAuthority anchors the root, so rebuilding the cluster starts a new root. ${ADVICE_DATASTORE}`,
    });
    return;
  }
  const host = dataStore.connectionString ? databaseHost(dataStore.connectionString) : undefined;
  const reason = host ? inClusterHostReason(host) : undefined;
  if (!host || !reason) return;
  context.report({
    path: dataStore.connectionStringPath,
    part: 'value',
    message: `DataStore "sql" (${dataStore.databaseType}) connects to host "${host}", ${reason}, and no UpstreamAuthority anchors the root, so rebuilding the cluster loses the trust bundle. ${ADVICE_DATASTORE}`,
  });
}

function checkChartDataStore(context: RuleContext, scope: ServerScope): void {
  if (chartUpstreamAuthorities(scope).length > 0) return;
  const dataStore = chartDataStore(scope);
  if (!dataStore) return;
  const typeKeys = ['dataStore', 'sql', 'databaseType'];

  if (dataStore.databaseType === 'sqlite3') {
    const inMemoryKeys = ['dataStore', 'sql', 'inMemory'];
    const path = dataStore.inMemory ? pathOf(scope, inMemoryKeys) : pathOf(scope, typeKeys);
    const explicit = lookup(context.value, path) !== undefined;
    const subject = dataStore.inMemory
      ? `${displayName(scope, inMemoryKeys)}: true keeps the datastore in memory, so the trust bundle is lost on every restart`
      : `${displayName(scope, typeKeys)} is sqlite3${explicit ? '' : ' (the chart default)'}, a file inside this cluster`;
    context.report({
      path: explicit ? path : nearestExisting(context, path),
      part: explicit ? 'value' : 'key',
      message: `${subject}, and no upstreamAuthority is enabled, so rebuilding the cluster starts a new root. ${ADVICE_DATASTORE}`,
    });
    return;
  }
  const reason = dataStore.host ? inClusterHostReason(dataStore.host) : undefined;
  if (!dataStore.host || !reason) return;
  context.report({
    path: pathOf(scope, ['dataStore', 'sql', 'host']),
    part: 'value',
    message: `${displayName(scope, ['dataStore', 'sql', 'host'])} "${dataStore.host}" is ${reason}, and no upstreamAuthority is enabled, so rebuilding the cluster loses the trust bundle with the database. ${ADVICE_DATASTORE}`,
  });
}
