/** What went wrong when reading a cluster; the evidence view and the CLI word their hints by this. */
export type ClusterErrorKind =
  | 'config'
  | 'untrusted-workspace'
  | 'exec-plugin'
  | 'unreachable'
  | 'connection-reset'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'timeout'
  | 'cancelled'
  | 'invalid-response';

/** A failed cluster call. Messages never contain tokens, keys or Secret data. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';

  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly details: { status?: number; path?: string; permission?: string } = {},
  ) {
    super(message);
  }

  /** True when no later request to the same cluster can succeed, so collection should stop early. */
  get isFatal(): boolean {
    return ['config', 'untrusted-workspace', 'exec-plugin', 'unreachable', 'tls', 'unauthorized', 'cancelled'].includes(this.kind);
  }
}

export function asClusterError(error: unknown, path?: string): ClusterError {
  if (error instanceof ClusterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ClusterError('invalid-response', `Unexpected failure${path ? ` on ${path}` : ''}: ${message}`, { path });
}
