/**
 * The extension's logger. It writes to a VS Code LogOutputChannel (which adds timestamps and honours
 * the user's log level) through the structural `LogSink` interface, so unit tests can pass a fake.
 * An identical message repeated within `repeatWindowMs` is counted instead of written again. The
 * count is written with the next occurrence after the window, or by `flush()`.
 */

export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = keyof LogSink;

interface RepeatState {
  level: LogLevel;
  message: string;
  windowStart: number;
  suppressed: number;
}

/** Upper bound on remembered messages, so a stream of distinct messages cannot grow memory. */
const MAX_TRACKED_MESSAGES = 500;

export class Logger {
  private readonly recent = new Map<string, RepeatState>();

  constructor(
    private readonly sink: LogSink,
    private readonly now: () => number = Date.now,
    private readonly repeatWindowMs = 60_000,
  ) {}

  trace(message: string): void {
    this.write('trace', message);
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  /** Logs `message`; with `error`, appends the error's stack (or its message when it has none). */
  error(message: string, error?: unknown): void {
    this.write('error', error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  /** Writes the counts of messages still being suppressed. Call before the channel is disposed. */
  flush(): void {
    for (const state of this.recent.values()) {
      if (state.suppressed > 0) this.sink[state.level](`${state.message} (repeated ${state.suppressed} more times)`);
    }
    this.recent.clear();
  }

  private write(level: LogLevel, message: string): void {
    const key = `${level}\u0000${message}`;
    const time = this.now();
    const state = this.recent.get(key);

    if (state && time - state.windowStart < this.repeatWindowMs) {
      state.suppressed++;
      return;
    }

    if (state && state.suppressed > 0) {
      this.sink[level](`${message} (repeated ${state.suppressed} more times in the previous ${Math.round(this.repeatWindowMs / 1000)} s)`);
    } else {
      this.sink[level](message);
    }

    this.recent.delete(key);
    this.recent.set(key, { level, message, windowStart: time, suppressed: 0 });
    if (this.recent.size > MAX_TRACKED_MESSAGES) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
