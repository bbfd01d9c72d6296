/**
 * Tracks what a test run started (server process groups, browsers, cleanup callbacks) and tears it
 * down once: on normal completion, on an exception, and on SIGINT, SIGTERM or SIGHUP.
 */

type Cleanup = () => Promise<void>;

const cleanups = new Map<number, Cleanup>();
const processGroups = new Set<number>();
let nextId = 1;
let handlersInstalled = false;
let shuttingDown = false;
let exitCodeOnSignal: number | undefined;

/**
 * Makes a signal end the process with this code after teardown, instead of 128 + the signal number.
 * A long-running sandbox uses 0, because Ctrl+C is how it is meant to stop.
 */
export function setExitCodeOnSignal(code: number): void {
  exitCodeOnSignal = code;
}

/** Registers an asynchronous cleanup and returns an id for dropTeardown. Cleanups run newest first. */
export function onTeardown(cleanup: Cleanup): number {
  installSignalHandlers();
  const id = nextId++;
  cleanups.set(id, cleanup);
  return id;
}

export function dropTeardown(id: number): void {
  cleanups.delete(id);
}

/** Records a process group so that even a synchronous `process.exit` ends it with SIGKILL. */
export function trackProcessGroup(processGroupId: number): void {
  installSignalHandlers();
  processGroups.add(processGroupId);
}

export function untrackProcessGroup(processGroupId: number): void {
  processGroups.delete(processGroupId);
}

/** Returns true while any process of the group is alive. */
export function processGroupAlive(processGroupId: number): boolean {
  try {
    process.kill(-processGroupId, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs every registered cleanup, newest first, each at most once. Errors are logged, not thrown. */
export async function teardownAll(): Promise<void> {
  const pending = [...cleanups.entries()].reverse();
  cleanups.clear();
  for (const [, cleanup] of pending) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`Teardown step failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function killTrackedGroupsNow(): void {
  for (const processGroupId of processGroups) {
    try {
      process.kill(-processGroupId, 'SIGKILL');
    } catch {
      // The group has already exited.
    }
  }
  processGroups.clear();
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;

  const exitCodes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const signal of Object.keys(exitCodes) as NodeJS.Signals[]) {
    process.on(signal, () => {
      const exitCode = exitCodeOnSignal ?? exitCodes[signal];
      if (shuttingDown) {
        killTrackedGroupsNow();
        process.exit(exitCode);
      }
      shuttingDown = true;
      console.error(`\nReceived ${signal}; stopping the processes this run started.`);
      void teardownAll().finally(() => {
        killTrackedGroupsNow();
        process.exit(exitCode);
      });
    });
  }

  // Last resort for paths that skip the asynchronous teardown (process.exit, an uncaught exception).
  process.on('exit', killTrackedGroupsNow);
}
