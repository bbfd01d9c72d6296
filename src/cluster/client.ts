import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { ClusterError } from './errors';
import { execCommandOf, runExecPlugin, type ExecCredential } from './exec-plugin';
import { contextEntries, type MergedKubeconfig, type NamedEntry } from './kubeconfig';
import { proxyFromEnvironment } from './proxy';

/**
 * A read-only Kubernetes API client for one kubeconfig context. `@kubernetes/client-node` (1.4)
 * turns the kubeconfig into TLS options, an Authorization header and an HTTP agent (including
 * `proxy-url`). This class sends the requests itself, so it controls the Accept header
 * (metadata-only lists), the per-request timeout, cancellation and pagination.
 */

type ClientNodeModule = typeof import('@kubernetes/client-node');

let clientNode: Promise<ClientNodeModule> | undefined;
let clientNodeLoaded = false;

/** Loads `@kubernetes/client-node` on first use, so activation and manifest-only runs never pay for it. */
export function loadClientNode(): Promise<ClientNodeModule> {
  clientNode ??= import('@kubernetes/client-node').then((module) => {
    clientNodeLoaded = true;
    return module;
  });
  return clientNode;
}

export function isClientNodeLoaded(): boolean {
  return clientNodeLoaded;
}

export interface ClusterClientOptions {
  /** Context name; the kubeconfig's current context when absent. */
  context?: string;
  /** Exec credential plugins run only when this is true (a trusted workspace, or the CLI). */
  allowExecPlugins: boolean;
  /** Per-request time limit in milliseconds (default 10 000). */
  requestTimeoutMs?: number;
  /** Time limit for an exec credential plugin in milliseconds (default 30 000). */
  execTimeoutMs?: number;
  /** Environment for HTTPS_PROXY/NO_PROXY and exec plugins; defaults to process.env. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Retries after a 429 response, each after the server's Retry-After (at most 5 s). Default 2. */
  maxRetries?: number;
}

export interface RequestOptions {
  accept?: string;
  signal?: AbortSignal;
}

export interface ListOptions {
  namespace?: string;
  fieldSelector?: string;
  labelSelector?: string;
  /** Requests `PartialObjectMetadataList`: names, labels and annotations only. Required for Secrets. */
  metadataOnly?: boolean;
  /** Items per page (`limit`); default 500. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ListResult {
  items: Record<string, unknown>[];
  pages: number;
}

/** The only Accept header sent for Secrets: metadata only, with no full-object fallback. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const JSON_ACCEPT = 'application/json';
const MAX_BODY_BYTES = 256 * 1024 * 1024;
const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

export class ClusterClient {
  /** Number of HTTP requests sent, retries included. */
  requestCount = 0;

  private constructor(
    readonly context: string,
    readonly server: string,
    private readonly requestOptions: https.RequestOptions,
    private readonly options: ClusterClientOptions,
    private readonly clientCertificate: X509Certificate | undefined,
    readonly userName: string | undefined,
  ) {}

  /**
   * Builds a client for one context. Runs the context's exec credential plugin when there is one and
   * `allowExecPlugins` is set; throws a ClusterError (`config`, `untrusted-workspace`, `exec-plugin`)
   * otherwise.
   */
  static async connect(kubeconfig: MergedKubeconfig, options: ClusterClientOptions): Promise<ClusterClient> {
    const { context, cluster, user } = contextEntries(kubeconfig, options.context);
    const server = String(cluster.value.server).replace(/\/+$/, '');
    const userValue = await resolveUserCredentials(user, context.name, options);

    const clusterValue: Record<string, unknown> = { ...cluster.value, server };
    if (!clusterValue['proxy-url']) {
      const proxy = proxyFromEnvironment(server, options.env ?? process.env);
      if (proxy) clusterValue['proxy-url'] = proxy;
    }

    const { KubeConfig } = await loadClientNode();
    const kubeConfig = new KubeConfig();
    const userName = user?.name ?? 'anonymous';
    try {
      kubeConfig.loadFromString(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: cluster.name, cluster: clusterValue }],
          users: [{ name: userName, user: userValue }],
          contexts: [{ name: context.name, context: { cluster: cluster.name, user: userName } }],
          'current-context': context.name,
        }),
      );
    } catch (error) {
      throw new ClusterError('config', `Context "${context.name}" in ${context.file} is invalid: ${(error as Error).message}.`);
    }

    const requestOptions: https.RequestOptions = {};
    try {
      await kubeConfig.applyToHTTPSOptions(requestOptions);
    } catch (error) {
      throw new ClusterError('config', `Could not prepare credentials for context "${context.name}": ${(error as Error).message}. Check the file paths and data of cluster "${cluster.name}" and user "${userName}" in ${context.file}.`);
    }

    return new ClusterClient(context.name, server, requestOptions, options, readClientCertificate(userValue), user?.name);
  }

  /** GET a path and parse its JSON body. */
  async get<T = Record<string, unknown>>(path: string, options: RequestOptions = {}): Promise<T> {
    if (/\/secrets\/[^/?]+/.test(path)) {
      throw new ClusterError('config', `Refusing to GET ${path}: Secrets are read only as metadata lists.`, { path });
    }
    return this.request<T>(path, options.accept ?? JSON_ACCEPT, options.signal);
  }

  /**
   * Lists every object of a resource, page by page. `apiPath` is the group-version path such as
   * `/api/v1` or `/apis/cert-manager.io/v1`; items get the list's apiVersion and kind filled in.
   */
  async list(apiPath: string, resource: string, kind: string, options: ListOptions = {}): Promise<ListResult> {
    if (resource === 'secrets' && !options.metadataOnly) {
      throw new ClusterError('config', 'Refusing to list Secrets with data: Secrets are read only as metadata lists.');
    }

    const base = `${apiPath}${options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : ''}/${resource}`;
    const accept = options.metadataOnly ? METADATA_LIST_ACCEPT : JSON_ACCEPT;
    const apiVersion = apiPath === '/api/v1' ? 'v1' : apiPath.replace(/^\/apis\//, '');
    const items: Record<string, unknown>[] = [];
    let continueToken: string | undefined;
    let pages = 0;

    do {
      const query = new URLSearchParams({ limit: String(options.pageSize ?? 500) });
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (continueToken) query.set('continue', continueToken);
      const path = `${base}?${query.toString()}`;
      const page = await this.request<Record<string, unknown>>(path, accept, options.signal);
      pages++;

      if (options.metadataOnly && page.kind !== 'PartialObjectMetadataList') {
        throw new ClusterError('invalid-response', `The API server returned ${String(page.kind)} for ${path} instead of PartialObjectMetadataList; metadata-only lists are required (Kubernetes 1.15 or later).`, { path });
      }
      if (!Array.isArray(page.items)) {
        throw new ClusterError('invalid-response', `The API server returned a list without items for ${path}.`, { path });
      }

      for (const raw of page.items as Record<string, unknown>[]) {
        const item = options.metadataOnly ? { metadata: raw.metadata } : raw;
        items.push({ apiVersion, kind, ...item });
      }
      const metadata = (page.metadata ?? {}) as Record<string, unknown>;
      continueToken = typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined;
    } while (continueToken);

    return { items, pages };
  }

  private async request<T>(path: string, accept: string, signal?: AbortSignal): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send<T>(path, accept, signal);
      } catch (error) {
        if (!(error instanceof RetryAfter) || attempt >= maxRetries) {
          if (error instanceof RetryAfter) {
            throw new ClusterError('rate-limited', `The API server of context "${this.context}" kept responding 429 Too Many Requests for ${stripQuery(path)} after ${maxRetries} retries. Try again later.`, { status: 429, path });
          }
          throw error;
        }
        await sleep(Math.min(error.seconds, 5) * 1000, signal ?? this.options.signal);
      }
    }
  }

  private send<T>(path: string, accept: string, signal?: AbortSignal): Promise<T> {
    const url = new URL(this.server + path);
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    const signals = [signal, this.options.signal].filter((entry): entry is AbortSignal => Boolean(entry));
    this.requestCount++;

    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const headers: Record<string, string> = { ...(this.requestOptions.headers as Record<string, string> | undefined), Accept: accept, 'User-Agent': 'trust-anchor-assessor' };
      const transport = url.protocol === 'http:' ? http : https;
      const request = transport.request(url, { method: 'GET', agent: this.requestOptions.agent, headers, auth: this.requestOptions.auth ?? undefined });

      const finish = (error: unknown, value?: T): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const entry of signals) entry.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value as T);
      };
      const timer = setTimeout(() => {
        const error = new ClusterError('timeout', `The API server of context "${this.context}" did not respond to GET ${stripQuery(path)} within ${timeoutMs / 1000} s (setting trustAnchor.requestTimeout, CLI --timeout).`, { path });
        request.destroy(error);
        finish(error);
      }, timeoutMs);
      const onAbort = (): void => {
        const error = new ClusterError('cancelled', `Cancelled GET ${stripQuery(path)} on context "${this.context}".`, { path });
        request.destroy(error);
        finish(error);
      };
      for (const entry of signals) {
        if (entry.aborted) onAbort();
        entry.addEventListener('abort', onAbort);
      }

      let responseStarted = false;
      request.on('error', (error: NodeJS.ErrnoException) => finish(responseStarted ? this.truncatedError(path, error) : this.transportError(error, path)));
      request.on('response', (response) => {
        responseStarted = true;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            const error = new ClusterError('invalid-response', `The response to GET ${stripQuery(path)} is larger than 256 MiB; narrow the request.`, { path });
            request.destroy(error);
            finish(error);
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', (error: NodeJS.ErrnoException) => finish(this.truncatedError(path, error)));
        response.on('aborted', () => finish(this.truncatedError(path)));
        response.on('end', () => {
          if (!response.complete) {
            finish(this.truncatedError(path));
            return;
          }
          const body = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status === 429) {
            finish(new RetryAfter(Number(response.headers['retry-after'] ?? '1') || 1));
            return;
          }
          if (status < 200 || status >= 300) {
            finish(this.statusError(status, path, body));
            return;
          }
          try {
            finish(undefined, JSON.parse(body) as T);
          } catch {
            finish(new ClusterError('invalid-response', `The API server of context "${this.context}" returned a body that is not valid JSON for GET ${stripQuery(path)} (${body.length} bytes); the answer may have been cut off.`, { path, status }));
          }
        });
      });
      request.end();
    });
  }

  private transportError(error: NodeJS.ErrnoException, path: string): ClusterError {
    if (error instanceof ClusterError) return error;
    const code = error.code ?? '';
    if (TLS_ERROR_CODES.has(code)) {
      return new ClusterError('tls', `The certificate of the API server ${this.server} is not trusted (${code}: ${error.message}). Check certificate-authority or certificate-authority-data of context "${this.context}" in the kubeconfig.`, { path });
    }
    if (UNREACHABLE_CODES.has(code)) {
      return new ClusterError('unreachable', `Could not connect to the API server ${this.server} of context "${this.context}" (${code}). Check that the cluster is running and reachable from this machine.`, { path });
    }
    if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(error.message)) {
      return new ClusterError('connection-reset', `The connection to ${this.server} was reset during GET ${stripQuery(path)} (context "${this.context}").`, { path });
    }
    if (/proxy/i.test(error.message)) {
      return new ClusterError('unreachable', `The proxy for ${this.server} failed: ${error.message}. Check proxy-url in the kubeconfig or HTTPS_PROXY/NO_PROXY.`, { path });
    }
    return new ClusterError('unreachable', `GET ${stripQuery(path)} on ${this.server} failed: ${code ? `${code}: ` : ''}${error.message}.`, { path });
  }

  private truncatedError(path: string, error?: NodeJS.ErrnoException): ClusterError {
    if (error instanceof ClusterError) return error;
    return new ClusterError('invalid-response', `The response to GET ${stripQuery(path)} from context "${this.context}" was cut off before the end of its body.`, { path });
  }

  private statusError(status: number, path: string, body: string): ClusterError {
    const serverMessage = statusMessage(body);
    const plain = stripQuery(path);
    if (status === 401) {
      const expiry = this.clientCertificate && Date.parse(this.clientCertificate.validTo) < Date.now() ? ` The client certificate of user "${this.userName}" expired on ${new Date(this.clientCertificate.validTo).toISOString()}; renew it.` : '';
      return new ClusterError('unauthorized', `The API server of context "${this.context}" rejected the credentials of user "${this.userName ?? 'anonymous'}" (401 Unauthorized).${expiry || ' Refresh the token or certificate in the kubeconfig.'}`, { status, path });
    }
    if (status === 403) {
      const permission = describePermission(path);
      return new ClusterError('forbidden', `Forbidden: user "${this.userName ?? 'anonymous'}" of context "${this.context}" may not ${permission} (403${serverMessage ? `: ${serverMessage}` : ''}).`, { status, path, permission });
    }
    if (status === 404) return new ClusterError('not-found', `GET ${plain} on context "${this.context}" returned 404 Not Found.`, { status, path });
    if (status >= 500) return new ClusterError('server-error', `The API server of context "${this.context}" failed on GET ${plain} (${status}${serverMessage ? `: ${serverMessage}` : ''}). Try again later.`, { status, path });
    return new ClusterError('invalid-response', `GET ${plain} on context "${this.context}" returned ${status}${serverMessage ? `: ${serverMessage}` : ''}.`, { status, path });
  }
}

class RetryAfter extends Error {
  constructor(readonly seconds: number) {
    super(`retry after ${seconds} s`);
  }
}

async function resolveUserCredentials(user: NamedEntry | undefined, contextName: string, options: ClusterClientOptions): Promise<Record<string, unknown>> {
  if (!user) return {};
  const value: Record<string, unknown> = { ...user.value };

  // client-node reads `token-file`; kubectl's field is `tokenFile`, so it is read here.
  if (typeof value.tokenFile === 'string' && !value.token) {
    try {
      value.token = readFileSync(value.tokenFile, 'utf8').trim();
    } catch (error) {
      throw new ClusterError('config', `Could not read tokenFile ${value.tokenFile} of user "${user.name}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
  }
  delete value.tokenFile;

  const authProvider = value['auth-provider'] as { name?: string; config?: Record<string, unknown> } | undefined;
  const exec = (value.exec as Record<string, unknown> | undefined) ?? (authProvider?.config?.exec as Record<string, unknown> | undefined);
  const runsProgram = Boolean(exec) || typeof authProvider?.config?.['cmd-path'] === 'string';
  if (runsProgram && !options.allowExecPlugins) {
    const command = exec ? execCommandOf(exec) : String(authProvider?.config?.['cmd-path']);
    throw new ClusterError('untrusted-workspace', `Context "${contextName}" authenticates by running "${command}" (a credential plugin). Trust this workspace to let Trust Anchor Assessor run it; nothing was sent to the cluster.`);
  }
  if (!exec) return value;

  const credential: ExecCredential = await runExecPlugin(exec, {
    userName: user.name,
    contextName,
    timeoutMs: options.execTimeoutMs ?? 30_000,
    signal: options.signal,
    env: options.env,
  });
  delete value.exec;
  if (credential.token) value.token = credential.token;
  if (credential.clientCertificateData) value['client-certificate-data'] = Buffer.from(credential.clientCertificateData).toString('base64');
  if (credential.clientKeyData) value['client-key-data'] = Buffer.from(credential.clientKeyData).toString('base64');
  return value;
}

function readClientCertificate(user: Record<string, unknown>): X509Certificate | undefined {
  try {
    if (typeof user['client-certificate-data'] === 'string') return new X509Certificate(Buffer.from(user['client-certificate-data'], 'base64'));
    if (typeof user['client-certificate'] === 'string') return new X509Certificate(readFileSync(user['client-certificate']));
  } catch {
    // An unreadable client certificate fails later with the TLS error, which names the problem.
  }
  return undefined;
}

function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: unknown };
    if (parsed.kind === 'Status' && typeof parsed.message === 'string') return parsed.message.slice(0, 400);
  } catch {
    // Not a Status object: the HTTP status alone is reported.
  }
  return '';
}

/** Names the RBAC permission a path needs, such as `list certificates.cert-manager.io cluster-wide`. */
export function describePermission(path: string): string {
  const plain = stripQuery(path);
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(plain);
  if (!match) return `get ${plain}`;
  const [, group, namespace, resource, name] = match;
  const qualified = group ? `${resource}.${group}` : resource;
  const verb = name ? 'get' : 'list';
  const scope = namespace ? `in namespace ${namespace}` : 'cluster-wide';
  return `${verb} ${qualified}${name ? ` "${name}"` : ''} ${scope}`;
}

function stripQuery(path: string): string {
  const index = path.indexOf('?');
  return index < 0 ? path : path.slice(0, index);
}

function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, milliseconds);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new ClusterError('cancelled', 'Cancelled while waiting to retry.'));
      },
      { once: true },
    );
  });
}
