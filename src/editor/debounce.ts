/** Timer functions, injectable so tests can drive time by hand. */
export interface TimerApi {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export const REAL_TIMERS: TimerApi = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs one action per key after the key has been quiet for the delay. Scheduling a key again
 * replaces its pending action and restarts its delay; other keys are unaffected.
 */
export class KeyedDebouncer<K> {
  private readonly pending = new Map<K, unknown>();

  constructor(private readonly timers: TimerApi = REAL_TIMERS) {}

  schedule(key: K, delayMs: number, action: () => void): void {
    this.cancel(key);
    const handle = this.timers.set(() => {
      this.pending.delete(key);
      action();
    }, Math.max(0, delayMs));
    this.pending.set(key, handle);
  }

  cancel(key: K): void {
    const handle = this.pending.get(key);
    if (handle === undefined) return;
    this.timers.clear(handle);
    this.pending.delete(key);
  }

  isPending(key: K): boolean {
    return this.pending.has(key);
  }

  cancelAll(): void {
    for (const handle of this.pending.values()) this.timers.clear(handle);
    this.pending.clear();
  }
}
