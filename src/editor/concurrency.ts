/**
 * Runs `worker` over `items` with at most `limit` calls in flight. Stops starting new items once
 * `isCancelled` returns true. A worker that throws is reported through `onError` and does not stop
 * the others.
 */
export async function forEachWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<void>,
  options: { isCancelled?: () => boolean; onError?: (item: T, error: unknown) => void } = {},
): Promise<void> {
  let next = 0;
  const runLane = async (): Promise<void> => {
    while (next < items.length) {
      if (options.isCancelled?.()) return;
      const item = items[next++];
      try {
        await worker(item);
      } catch (error) {
        options.onError?.(item, error);
      }
    }
  };

  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => runLane());
  await Promise.all(lanes);
}

/**
 * Per-key generation counter. A run takes a token with `begin`. When a newer run for the same key
 * begins or the key is invalidated, `isCurrent` returns false, so the older run drops its result.
 */
export class VersionGate<K> {
  private readonly generations = new Map<K, number>();

  begin(key: K): number {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    return generation;
  }

  isCurrent(key: K, token: number): boolean {
    return this.generations.get(key) === token;
  }

  invalidate(key: K): void {
    this.begin(key);
  }
}
