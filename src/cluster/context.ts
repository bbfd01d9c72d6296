import type { ClusterClient, ListOptions } from './client';
import { asClusterError, ClusterError } from './errors';
import type { EvidenceGap, LiveObject, SystemEvidence } from './evidence';

/** A resource the collectors read: where to list it and what its objects are called. */
export interface ResourceRef {
  apiPath: string;
  resource: string;
  kind: string;
  /** `resource.group`, for messages. */
  qualified: string;
}

export type Resolution = ResourceRef | { missing: 'not-installed' } | { missing: 'unknown'; gap: EvidenceGap };

export const CORE = (resource: string, kind: string): ResourceRef => ({ apiPath: '/api/v1', resource, kind, qualified: resource });

/**
 * Shared state of one collection run: the client, memoised lists (each kind is listed once however
 * many collectors read it), and API discovery.
 */
export class CollectContext {
  private readonly lists = new Map<string, Promise<LiveObject[]>>();
  private groups: Promise<Map<string, string>> | undefined;
  private readonly groupResources = new Map<string, Promise<Map<string, string>>>();

  constructor(
    readonly client: ClusterClient,
    readonly now: Date,
    readonly expiryWarningDays: number,
    readonly signal?: AbortSignal,
  ) {}

  get contextName(): string {
    return this.client.context;
  }

  /** Lists a resource once per run; later callers share the result (or the failure). */
  list(ref: ResourceRef, options: Omit<ListOptions, 'signal'> = {}): Promise<LiveObject[]> {
    const key = `${ref.apiPath}/${ref.resource}?${JSON.stringify(options)}`;
    let pending = this.lists.get(key);
    if (!pending) {
      pending = this.client.list(ref.apiPath, ref.resource, ref.kind, { ...options, signal: this.signal }).then((result) => result.items as LiveObject[]);
      // Callers await this promise; the empty handler only stops Node reporting a shared failure twice.
      pending.catch(() => undefined);
      this.lists.set(key, pending);
    }
    return pending;
  }

  /**
   * Finds the served version of a custom resource through discovery. A group or resource the server
   * does not serve is `not-installed`; a failed discovery read is `unknown` with the reason.
   */
  async resolve(group: string, resource: string, kind: string): Promise<Resolution> {
    try {
      const groups = await this.apiGroups();
      const version = groups.get(group);
      if (!version) return { missing: 'not-installed' };
      const resources = await this.resourcesOf(group, version);
      const servedKind = resources.get(resource);
      if (!servedKind) return { missing: 'not-installed' };
      return { apiPath: `/apis/${group}/${version}`, resource, kind: servedKind || kind, qualified: `${resource}.${group}` };
    } catch (error) {
      const clusterError = asClusterError(error);
      if (clusterError.kind === 'not-found') return { missing: 'not-installed' };
      return { missing: 'unknown', gap: gapOf(`discover ${resource}.${group}`, clusterError) };
    }
  }

  private apiGroups(): Promise<Map<string, string>> {
    this.groups ??= this.client.get<{ groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[] }>('/apis', { signal: this.signal }).then((list) => {
      const groups = new Map<string, string>();
      for (const group of list.groups ?? []) {
        const version = group.preferredVersion?.version ?? group.versions?.[0]?.version;
        if (group.name && version) groups.set(group.name, version);
      }
      return groups;
    });
    this.groups.catch(() => undefined);
    return this.groups;
  }

  private resourcesOf(group: string, version: string): Promise<Map<string, string>> {
    const key = `${group}/${version}`;
    let pending = this.groupResources.get(key);
    if (!pending) {
      pending = this.client.get<{ resources?: { name: string; kind: string }[] }>(`/apis/${group}/${version}`, { signal: this.signal }).then((list) => {
        const resources = new Map<string, string>();
        for (const entry of list.resources ?? []) {
          if (!entry.name.includes('/')) resources.set(entry.name, entry.kind);
        }
        return resources;
      });
      pending.catch(() => undefined);
      this.groupResources.set(key, pending);
    }
    return pending;
  }
}

export function gapOf(what: string, error: ClusterError): EvidenceGap {
  return { what, kind: error.kind, message: error.message, ...(error.details.permission ? { permission: error.details.permission } : {}) };
}

/**
 * Runs one read for a system. A failure becomes a gap on that system (and marks it `unknown` when
 * nothing else was found); fatal errors (unreachable, 401, ...) are rethrown to stop the run.
 */
export async function attempt<T>(evidence: SystemEvidence, what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const clusterError = asClusterError(error);
    if (clusterError.isFatal) throw clusterError;
    evidence.gaps.push(gapOf(what, clusterError));
    return undefined;
  }
}

/** Lists a custom resource, recording `not-installed` or a gap; returns undefined when it cannot be read. */
export async function listCustom(context: CollectContext, evidence: SystemEvidence, group: string, resource: string, kind: string): Promise<LiveObject[] | undefined> {
  const resolution = await context.resolve(group, resource, kind);
  if ('missing' in resolution) {
    if (resolution.missing === 'unknown') {
      const error = new ClusterError(resolution.gap.kind, resolution.gap.message);
      if (error.isFatal) throw error;
      evidence.gaps.push(resolution.gap);
    }
    return undefined;
  }
  return attempt(evidence, `list ${resolution.qualified} cluster-wide`, () => context.list(resolution));
}

export function dataOf(object: LiveObject): Record<string, string> {
  const data = object.data;
  return data && typeof data === 'object' ? (data as Record<string, string>) : {};
}
