import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachWithConcurrency, VersionGate } from '../../../src/editor/concurrency';
import { KeyedDebouncer, type TimerApi } from '../../../src/editor/debounce';
import { createExcludeMatcher, isYamlPath } from '../../../src/editor/file-filter';
import { Logger, type LogSink } from '../../../src/editor/log';

/** Timers driven by hand: `advance` moves the clock and runs every callback that is due. */
class ManualTimers implements TimerApi {
  now = 0;
  private readonly scheduled = new Map<number, { due: number; callback: () => void }>();
  private nextHandle = 1;

  set(callback: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.scheduled.set(handle, { due: this.now + delayMs, callback });
    return handle;
  }

  clear(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [handle, timer] of [...this.scheduled]) {
      if (timer.due <= this.now) {
        this.scheduled.delete(handle);
        timer.callback();
      }
    }
  }
}

describe('KeyedDebouncer', () => {
  it('runs only the latest action', () => {
    const timers = new ManualTimers();
    const debouncer = new KeyedDebouncer<string>(timers);
    const runs: string[] = [];
    debouncer.schedule('a', 300, () => runs.push('first'));
    timers.advance(200);
    debouncer.schedule('a', 300, () => runs.push('second'));
    timers.advance(200);
    assert.deepEqual(runs, []);
    timers.advance(100);
    assert.deepEqual(runs, ['second']);
  });

  it('keeps keys independent', () => {
    const timers = new ManualTimers();
    const debouncer = new KeyedDebouncer<string>(timers);
    const runs: string[] = [];
    debouncer.schedule('a', 100, () => runs.push('a'));
    debouncer.schedule('b', 100, () => runs.push('b'));
    debouncer.cancel('a');
    timers.advance(100);
    assert.deepEqual(runs, ['b']);
    assert.equal(debouncer.isPending('a'), false);
  });
});

describe('forEachWithConcurrency', () => {
  it('bounds work in flight', async () => {
    let inFlight = 0;
    let maximum = 0;
    const done: number[] = [];
    await forEachWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      inFlight++;
      maximum = Math.max(maximum, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      done.push(item);
      inFlight--;
    });
    assert.equal(maximum, 3);
    assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('reports errors and continues', async () => {
    const failed: number[] = [];
    const done: number[] = [];
    await forEachWithConcurrency([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('boom');
      done.push(item);
    }, { onError: (item) => failed.push(item) });
    assert.deepEqual(failed, [2]);
    assert.deepEqual(done.sort(), [1, 3]);
  });

  it('stops starting items when cancelled', async () => {
    const done: number[] = [];
    await forEachWithConcurrency([1, 2, 3, 4], 1, async (item) => {
      done.push(item);
    }, { isCancelled: () => done.length >= 2 });
    assert.deepEqual(done, [1, 2]);
  });
});

describe('VersionGate', () => {
  it('invalidates older runs', () => {
    const gate = new VersionGate<string>();
    const first = gate.begin('a');
    const second = gate.begin('a');
    assert.equal(gate.isCurrent('a', first), false);
    assert.equal(gate.isCurrent('a', second), true);
    gate.invalidate('a');
    assert.equal(gate.isCurrent('a', second), false);
  });
});

describe('Logger', () => {
  function recorder(): { sink: LogSink; lines: string[] } {
    const lines: string[] = [];
    const record = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
    return { lines, sink: { trace: record('trace'), debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') } };
  }

  it('counts repeats instead of writing them', () => {
    const { sink, lines } = recorder();
    let now = 0;
    const logger = new Logger(sink, () => now, 1000);
    logger.warn('disk full');
    logger.warn('disk full');
    logger.warn('disk full');
    assert.deepEqual(lines, ['warn: disk full']);
    now = 1500;
    logger.warn('disk full');
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^warn: disk full \(repeated 2 more times/);
  });

  it('writes pending counts on flush', () => {
    const { sink, lines } = recorder();
    const logger = new Logger(sink, () => 0, 1000);
    logger.info('scan');
    logger.info('scan');
    logger.flush();
    assert.deepEqual(lines, ['info: scan', 'info: scan (repeated 1 more times)']);
  });

  it('appends the stack of errors', () => {
    const { sink, lines } = recorder();
    const logger = new Logger(sink);
    logger.error('Reading a.yaml failed', new Error('EACCES'));
    assert.match(lines[0], /^error: Reading a\.yaml failed: Error: EACCES\n\s+at /);
  });
});

describe('exclude matcher', () => {
  it('matches workspace-relative globs', () => {
    const excluded = createExcludeMatcher(['**/node_modules/**', 'charts/*/templates/**']);
    assert.equal(excluded('node_modules/x/a.yaml'), true);
    assert.equal(excluded('charts\\spire\\templates\\cm.yaml'), true);
    assert.equal(excluded('deploy/spire.yaml'), false);
  });

  it('matches nothing without globs', () => {
    assert.equal(createExcludeMatcher([])('a.yaml'), false);
  });

  it('recognises YAML names', () => {
    assert.equal(isYamlPath('/w/values.YML'), true);
    assert.equal(isYamlPath('/w/values.json'), false);
  });
});
