/**
 * Counts, timing and memory for one test layer, printed at the end of a run. The last line a layer
 * prints has the form `N passed, N failed`.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface LayerCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Maps every process visible in /proc to its parent process id. Returns an empty map where /proc is missing. */
function parentsByProcess(): Map<number, number> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in brackets may contain spaces, so fields are counted after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while the list was read.
    }
  }
  return parents;
}

/**
 * Returns the proportional set size of one process (shared pages divided among the processes sharing them), or
 * its resident set size where smaps_rollup is unavailable.
 */
function memoryBytes(processId: number): number {
  for (const [file, pattern] of [
    [`/proc/${processId}/smaps_rollup`, /^Pss:\s+(\d+) kB/m],
    [`/proc/${processId}/status`, /^VmRSS:\s+(\d+) kB/m],
  ] as const) {
    try {
      const match = pattern.exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]) * 1024;
    } catch {
      // Unreadable or the process ended; try the next source.
    }
  }
  return 0;
}

/** Returns the memory of this process and all its descendants (server, extension hosts, Chromium), summed. */
export function processTreeMemoryBytes(rootProcessId = process.pid): number {
  const parents = parentsByProcess();
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) {
    const siblings = children.get(parent) ?? [];
    siblings.push(child);
    children.set(parent, siblings);
  }

  let total = 0;
  const pending = [rootProcessId];
  while (pending.length > 0) {
    const current = pending.pop() as number;
    total += memoryBytes(current);
    pending.push(...(children.get(current) ?? []));
  }
  return total;
}

/** Samples the process tree's memory every `intervalMs` and keeps the maximum. */
export class PeakMemorySampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 500) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, processTreeMemoryBytes());
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Prints the layer summary; the final line is exactly `N passed, N failed`. */
export function printLayerSummary(layer: string, counts: LayerCounts, elapsedMs: number, peakBytes: number): void {
  console.log('');
  console.log(`${layer}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${formatSeconds(elapsedMs)}; peak memory of the process tree ${formatBytes(peakBytes)}`);
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
}
