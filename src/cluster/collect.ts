import type { SystemId } from '../engine/model';
import { ClusterClient, type ClusterClientOptions } from './client';
import { collectCertManager } from './collectors/cert-manager';
import { collectIstio } from './collectors/istio';
import { collectLinkerd } from './collectors/linkerd';
import { collectNetworkPolicy } from './collectors/network-policy';
import { collectServiceAccounts } from './collectors/service-accounts';
import { collectSpire } from './collectors/spire';
import { attempt, CollectContext, CORE, gapOf } from './context';
import { asClusterError } from './errors';
import { emptySystemEvidence, type ClusterEvidence, type EvidenceGap, type SystemEvidence } from './evidence';
import type { MergedKubeconfig } from './kubeconfig';

export interface CollectOptions extends ClusterClientOptions {
  /** Days before expiry at which an anchor or issuer is reported (setting trustAnchor.expiryWarningDays). */
  expiryWarningDays?: number;
  /** Clock for expiry computations; tests pin it. */
  now?: Date;
}

const SYSTEM_ORDER: SystemId[] = ['spire', 'cert-manager', 'istio', 'linkerd', 'service-accounts', 'network-policy'];

/**
 * Collects evidence from one context. Never throws for cluster problems: a failure that stops every
 * read (unreachable, untrusted TLS, 401, exec plugin, untrusted workspace) is returned as `fatal`;
 * any other failure becomes a gap on the system it affects, and the other systems are still read.
 */
export async function collectEvidence(kubeconfig: MergedKubeconfig, options: CollectOptions): Promise<ClusterEvidence> {
  const started = Date.now();
  const contextName = options.context ?? kubeconfig.currentContext ?? '(no context)';
  let client: ClusterClient;
  try {
    client = await ClusterClient.connect(kubeconfig, options);
  } catch (error) {
    return failedEvidence(contextName, '', gapOf('connect', asClusterError(error)), started, 0);
  }
  return collectWithClient(client, options, started);
}

export async function collectWithClient(client: ClusterClient, options: CollectOptions, started = Date.now()): Promise<ClusterEvidence> {
  const now = options.now ?? new Date();
  const context = new CollectContext(client, now, options.expiryWarningDays ?? 60, options.signal);

  let serverVersion: string | undefined;
  try {
    const version = await client.get<{ gitVersion?: string }>('/version', { signal: options.signal });
    serverVersion = version.gitVersion;
  } catch (error) {
    const clusterError = asClusterError(error);
    if (clusterError.isFatal || clusterError.kind === 'timeout' || clusterError.kind === 'connection-reset') {
      return failedEvidence(client.context, client.server, gapOf('get /version', clusterError), started, client.requestCount);
    }
  }

  try {
    const [spire, certManager, istio, linkerd, accounts, networkPolicy, namespaceCreation] = await Promise.all([
      collectSpire(context),
      collectCertManager(context),
      collectIstio(context),
      collectLinkerd(context),
      collectServiceAccounts(context),
      collectNetworkPolicy(context),
      collectNamespaceCreation(context),
    ]);
    return {
      context: client.context,
      server: client.server,
      collectedAt: now.toISOString(),
      serverVersion,
      systems: { spire, 'cert-manager': certManager, istio, linkerd, 'service-accounts': accounts.evidence, 'network-policy': networkPolicy },
      serviceAccountIssuer: accounts.issuer,
      namespaceCreation,
      requestCount: client.requestCount,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    return failedEvidence(client.context, client.server, gapOf('collect', asClusterError(error)), started, client.requestCount);
  }
}

async function collectNamespaceCreation(context: CollectContext): Promise<Record<string, string>> {
  const scratch = emptySystemEvidence('service-accounts');
  const namespaces = (await attempt(scratch, 'list namespaces', () => context.list(CORE('namespaces', 'Namespace')))) ?? [];
  const created: Record<string, string> = {};
  for (const namespace of namespaces) {
    if (typeof namespace.metadata.creationTimestamp === 'string') created[namespace.metadata.name] = namespace.metadata.creationTimestamp;
  }
  return created;
}

function failedEvidence(context: string, server: string, fatal: EvidenceGap, started: number, requestCount: number): ClusterEvidence {
  const systems = {} as Record<SystemId, SystemEvidence>;
  for (const system of SYSTEM_ORDER) {
    systems[system] = { ...emptySystemEvidence(system), status: 'unknown', gaps: [fatal] };
  }
  return { context, server, collectedAt: new Date().toISOString(), fatal, systems, namespaceCreation: {}, requestCount, durationMs: Date.now() - started };
}

export { SYSTEM_ORDER };
